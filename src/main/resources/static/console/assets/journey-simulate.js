// The simulation page: once a simulation's report is there, draws the simulated BPMN with bpmn-js and puts on each
// step the customers who would reach it and wait at it, as the journey page does with the live figures (journey.js).
(function () {
  'use strict';
  var number = new Intl.NumberFormat(navigator.language);

  function text(tag, className, content) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = content;
    return element;
  }

  function draw(container) {
    if (!container || container.getAttribute('data-ready') || typeof BpmnJS === 'undefined') {
      return;
    }
    container.setAttribute('data-ready', 'drawing');
    var viewer = new BpmnJS({container: container});
    Promise.all([
      fetch(container.dataset.diagram, {credentials: 'same-origin'}).then(function (r) { return r.text(); }),
      fetch(container.dataset.figures, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
        .then(function (r) { return r.json(); })
    ]).then(function (answers) {
      return viewer.importXML(answers[0]).then(function () {
        viewer.get('canvas').zoom('fit-viewport');
        var loading = container.querySelector('.loading');
        if (loading) {
          loading.remove();
        }
        var overlays = viewer.get('overlays');
        var registry = viewer.get('elementRegistry');
        answers[1].steps.forEach(function (step) {
          if (!registry.get(step.id) || (step.reached === 0 && step.waitingNow === 0)) {
            return;
          }
          var badge = document.createElement('div');
          badge.className = 'step-figures';
          badge.setAttribute('data-step', step.id);
          badge.appendChild(text('span', 'reached', number.format(step.reached)));
          if (step.waitingNow > 0) {
            badge.appendChild(text('span', 'waiting', number.format(step.waitingNow) + ' waiting'));
          }
          overlays.add(step.id, 'figures', {position: {bottom: -4, left: 0}, html: badge});
        });
        container.setAttribute('data-ready', 'true');
      });
    }).catch(function (error) {
      container.replaceChildren(text('p', 'problem', 'The diagram could not be drawn: ' + error.message));
    });
  }

  function drawAny() {
    draw(document.getElementById('diagram'));
  }

  document.addEventListener('DOMContentLoaded', drawAny);
  // The report arrives with the last poll of the status block.
  document.body.addEventListener('htmx:afterSwap', drawAny);
  window.addEventListener('load', drawAny);
}());
