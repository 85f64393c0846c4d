// The home page's Sankey chart: the period's moves between stages, each stage once on the left (moved out of) and
// once on the right (moved into), so that moves back and forth still draw (a Sankey chart takes no cycles).
(function () {
  'use strict';
  var container = document.getElementById('stage-flows');
  if (!container || typeof echarts === 'undefined') {
    return;
  }
  var number = new Intl.NumberFormat(navigator.language);
  fetch(container.dataset.flows, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
    .then(function (r) { return r.json(); })
    .then(function (chart) {
      container.replaceChildren();
      if (!chart.flows.length) {
        var none = document.createElement('p');
        none.textContent = 'No customer moved between stages in the period.';
        container.appendChild(none);
        container.setAttribute('data-ready', 'true');
        return;
      }
      var nodes = [];
      chart.stages.forEach(function (stage) {
        nodes.push({name: stage + ' ›'});
        nodes.push({name: '› ' + stage});
      });
      var used = {};
      chart.flows.forEach(function (flow) { used[flow.from + ' ›'] = used['› ' + flow.to] = true; });
      var plot = echarts.init(container, null, {renderer: 'canvas'});
      plot.setOption({
        animation: false,
        tooltip: {trigger: 'item', valueFormatter: function (value) { return number.format(value); }},
        series: [{
          type: 'sankey', left: 8, right: 120, top: 8, bottom: 8, nodeWidth: 14, nodeAlign: 'justify',
          emphasis: {focus: 'adjacency'}, lineStyle: {color: 'source', opacity: 0.35},
          data: nodes.filter(function (node) { return used[node.name]; }),
          links: chart.flows.map(function (flow) {
            return {source: flow.from + ' ›', target: '› ' + flow.to, value: flow.count};
          })
        }]
      });
      window.addEventListener('resize', function () { plot.resize(); });
      // The grid may still be settling when the chart is first laid out: fit it to the container once it has.
      window.requestAnimationFrame(function () {
        plot.resize();
        container.setAttribute('data-ready', 'true');
      });
    })
    .catch(function (error) {
      container.textContent = 'The chart could not be drawn: ' + error.message;
    });
}());
