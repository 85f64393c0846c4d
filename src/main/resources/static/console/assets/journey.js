// The journey page: draws the version's BPMN diagram with bpmn-js and puts the period's numbers on each step, from the
// same figures the analytics API reports (GET .../figures). A heat map colours the steps by customers reached.
(function () {
  'use strict';
  var container = document.getElementById('diagram');
  if (!container || typeof BpmnJS === 'undefined') {
    return;
  }
  var number = new Intl.NumberFormat(navigator.language);
  var percent = new Intl.NumberFormat(navigator.language, {style: 'percent', maximumFractionDigits: 1});
  var viewer = new BpmnJS({container: container});
  var byStep = {};

  function text(tag, className, content) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    element.textContent = content;
    return element;
  }

  function setFigure(id, value) {
    var element = document.getElementById(id);
    element.textContent = value;
    element.removeAttribute('aria-busy');
  }

  function emailsOf(report, stepId) {
    var sent = 0, opens = 0, clicks = 0, templates = [];
    report.emails.forEach(function (email) {
      if (email.step === stepId) {
        sent += email.figures.sent;
        opens += email.figures.uniqueOpens;
        clicks += email.figures.uniqueClicks;
        templates.push(email.template);
      }
    });
    return templates.length ? {sent: sent, opens: opens, clicks: clicks, templates: templates} : null;
  }

  function showStep(stepId) {
    var step = byStep[stepId];
    var panel = document.getElementById('step');
    panel.replaceChildren(text('h2', null, step ? (step.name || step.id) : 'Steps'));
    if (!step) {
      panel.appendChild(text('p', null, 'This element is not a step: select a task or a wait on the diagram.'));
      return;
    }
    var list = document.createElement('dl');
    [['Reached', step.reached], ['Completed', step.completed], ['Waiting now', step.waitingNow]]
      .concat(step.emails ? [['Emails sent', step.emails.sent], ['Human opens', step.emails.opens],
        ['Clicks', step.emails.clicks]] : [])
      .forEach(function (pair) {
        list.appendChild(text('dt', null, pair[0]));
        list.appendChild(text('dd', null, number.format(pair[1])));
      });
    panel.appendChild(list);
    if (step.emails) {
      var templates = step.emails.templates.filter(function (key, i, all) { return all.indexOf(key) === i; });
      panel.appendChild(text('p', null, 'Templates: ' + templates.join(', ')));
      // Users who may see templates get each one's preview (for a made-up customer) in a sandboxed frame.
      var previews = document.getElementById('template-previews');
      var base = previews && previews.getAttribute('data-base');
      if (base) {
        templates.forEach(function (key) {
          var page = base + '/' + encodeURIComponent(key);
          var frame = document.createElement('iframe');
          frame.className = 'step-preview';
          frame.setAttribute('sandbox', '');
          frame.setAttribute('referrerpolicy', 'no-referrer');
          frame.title = 'Preview of the template ' + key;
          frame.src = page + '/preview.html';
          var link = text('a', null, 'Open the template ' + key);
          link.href = page;
          panel.appendChild(frame);
          panel.appendChild(link);
        });
      }
    }
  }

  function heat(report, on) {
    var canvas = viewer.get('canvas');
    var most = Math.max.apply(null, [1].concat(report.steps.map(function (s) { return s.reached; })));
    report.steps.forEach(function (step) {
      for (var level = 1; level <= 5; level++) {
        canvas.removeMarker(step.id, 'heat-' + level);
      }
      if (on && step.reached > 0) {
        canvas.addMarker(step.id, 'heat-' + Math.max(1, Math.ceil(5 * step.reached / most)));
      }
    });
  }

  function draw(report) {
    setFigure('entered', number.format(report.entered));
    setFigure('converted', number.format(report.converted));
    setFigure('conversion-rate', report.conversionRate == null ? '–' : percent.format(report.conversionRate));
    setFigure('cancelled', number.format(report.cancelled));
    var overlays = viewer.get('overlays');
    var registry = viewer.get('elementRegistry');
    var rows = document.querySelector('#steps tbody');
    rows.replaceChildren();
    report.steps.forEach(function (step) {
      step.emails = emailsOf(report, step.id);
      byStep[step.id] = step;
      var badge = document.createElement('div');
      badge.className = 'step-figures';
      badge.setAttribute('data-step', step.id);
      badge.appendChild(text('span', 'reached', number.format(step.reached)));
      badge.lastChild.title = 'reached';
      if (step.waitingNow > 0) {
        badge.appendChild(text('span', 'waiting', number.format(step.waitingNow) + ' waiting'));
      }
      if (step.emails) {
        badge.appendChild(text('span', 'emails', number.format(step.emails.sent) + ' sent · '
          + number.format(step.emails.opens) + ' opened · ' + number.format(step.emails.clicks) + ' clicked'));
      }
      if (registry.get(step.id)) {
        overlays.add(step.id, 'figures', {position: {bottom: -4, left: 0}, html: badge});
      }
      var row = document.createElement('tr');
      var name = document.createElement('th');
      name.scope = 'row';
      var button = text('button', 'link', step.name || step.id);
      button.type = 'button';
      button.addEventListener('click', function () { showStep(step.id); });
      name.appendChild(button);
      row.appendChild(name);
      [step.reached, step.completed, step.waitingNow].concat(step.emails
        ? [step.emails.sent, step.emails.opens, step.emails.clicks] : ['', '', '']).forEach(function (value) {
        row.appendChild(text('td', 'number', value === '' ? '' : number.format(value)));
      });
      row.setAttribute('data-step', step.id);
      rows.appendChild(row);
    });
    var toggle = document.getElementById('heat-map');
    toggle.addEventListener('change', function () { heat(report, toggle.checked); });
    viewer.on('element.click', function (event) { showStep(event.element.id); });
    container.setAttribute('data-ready', 'true');
  }

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
      draw(answers[1]);
    });
  }).catch(function (error) {
    container.replaceChildren(text('p', 'problem', 'The diagram could not be drawn: ' + error.message));
  });
}());
