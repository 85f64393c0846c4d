// Journey versions in the console. A refused file is drawn with its faulty elements marked and their problems beside
// them; two versions are drawn side by side with the elements added, changed and removed marked (GET .../changes/data).
(function () {
  'use strict';
  if (typeof BpmnJS === 'undefined') {
    return;
  }

  function draw(container, xml) {
    container.replaceChildren();
    var viewer = new BpmnJS({container: container});
    return viewer.importXML(xml).then(function () {
      viewer.get('canvas').zoom('fit-viewport');
      container.dataset.drawn = 'true';
      return viewer;
    });
  }

  function mark(viewer, id, className, label) {
    var registry = viewer.get('elementRegistry');
    if (!registry.get(id)) {
      return false;
    }
    viewer.get('canvas').addMarker(id, className);
    if (label) {
      var badge = document.createElement('span');
      badge.className = 'change-badge ' + className;
      badge.textContent = label;
      viewer.get('overlays').add(id, 'change', {position: {top: -12, left: 0}, html: badge});
    }
    return true;
  }

  function failed(container, message) {
    container.replaceChildren();
    var p = document.createElement('p');
    p.className = 'problem';
    p.textContent = message;
    container.appendChild(p);
  }

  var refused = document.getElementById('refused-diagram');
  if (refused) {
    draw(refused, document.getElementById('refused-xml').value).then(function (viewer) {
      (refused.dataset.elements || '').split(' ').filter(Boolean).forEach(function (id) {
        mark(viewer, id, 'change-refused', 'problem');
      });
    }).catch(function () {
      failed(refused, 'The file cannot be drawn: it is not a BPMN diagram bpmn-js can read.');
    });
  }

  var after = document.getElementById('diagram-after');
  var before = document.getElementById('diagram-before');
  if (after && before) {
    var text = function (url) {
      return fetch(url, {credentials: 'same-origin'}).then(function (r) { return r.text(); });
    };
    Promise.all([text(after.dataset.diagram), text(before.dataset.diagram),
      fetch(after.dataset.changes, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
        .then(function (r) { return r.json(); })])
      .then(function (answers) {
        var changes = answers[2];
        return Promise.all([draw(after, answers[0]), draw(before, answers[1])]).then(function (viewers) {
          changes.forEach(function (change) {
            var kind = change.kind.toLowerCase();
            if (kind === 'added' || kind === 'changed') {
              mark(viewers[0], change.elementId, 'change-' + kind, kind);
            }
            if (kind === 'removed' || kind === 'changed') {
              mark(viewers[1], change.elementId, 'change-' + kind, kind);
            }
          });
          after.dataset.marked = String(changes.length);
        });
      })
      .catch(function () {
        failed(after, 'The versions could not be drawn.');
      });
  }
})();
