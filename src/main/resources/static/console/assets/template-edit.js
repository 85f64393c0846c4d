// Velocity inside HTML: the HTML mode, with Velocity's directives and references laid over it.
(function () {
  'use strict';
  if (!window.CodeMirror) {
    return;
  }
  CodeMirror.defineMode('velocity-html', function (config) {
    return CodeMirror.overlayMode(CodeMirror.getMode(config, 'htmlmixed'), CodeMirror.getMode(config, 'velocity'));
  });
}());

// The template editor: each file in a CodeMirror editor (Velocity, and HTML for html.vm), the live preview asked for
// as you type (htmx, on the form's "input"), the Desktop and Mobile widths, and a mistake marked on its line.
(function () {
  'use strict';
  var form = document.getElementById('template-form');
  if (!form || !window.CodeMirror) {
    return;
  }
  var editors = {};
  form.querySelectorAll('textarea.code').forEach(function (area) {
    var file = area.getAttribute('data-file');
    var name = file.substring(file.lastIndexOf('/') + 1);
    var editor = CodeMirror.fromTextArea(area, {
      mode: name === 'html.vm' ? 'velocity-html' : 'velocity',
      lineNumbers: true,
      lineWrapping: true,
      viewportMargin: Infinity,
      screenReaderLabel: file
    });
    editor.on('change', function () {
      editor.save();
      clearMarks();
      area.dispatchEvent(new Event('input', {bubbles: true}));
    });
    var details = area.closest('details');
    if (details) {
      details.addEventListener('toggle', function () { editor.refresh(); });
    }
    editors[file] = editor;
  });
  // Before a save the editors write their text back into the form.
  form.addEventListener('submit', function () {
    Object.keys(editors).forEach(function (file) { editors[file].save(); });
  });

  var marks = [];
  function clearMarks() {
    marks.forEach(function (mark) { mark(); });
    marks = [];
  }
  // "templates/welcome/de/html.vm" → the editor of "de/html.vm" (the prefix is the part's folder, or none for macros).
  function editorOf(path) {
    var files = Object.keys(editors);
    for (var i = 0; i < files.length; i++) {
      if (path === 'templates/' + files[i] || path.endsWith('/' + files[i])) {
        return editors[files[i]];
      }
    }
    return null;
  }
  function markProblem(root) {
    var card = root.querySelector('[data-problem-file]');
    if (!card) {
      return;
    }
    var editor = editorOf(card.getAttribute('data-problem-file'));
    var line = parseInt(card.getAttribute('data-problem-line'), 10);
    if (!editor || !(line > 0)) {
      return;
    }
    var handle = editor.addLineClass(line - 1, 'text', 'problem-line');
    var note = document.createElement('div');
    note.className = 'problem-note';
    note.setAttribute('role', 'note');
    note.textContent = card.querySelector('.problem-text').textContent;
    var widget = editor.addLineWidget(line - 1, note);
    var details = editor.getTextArea().closest('details');
    if (details && !details.open) {
      details.open = true;
    }
    marks.push(function () {
      editor.removeLineClass(handle, 'text', 'problem-line');
      widget.clear();
    });
  }
  markProblem(document);
  document.body.addEventListener('htmx:afterSwap', function (event) {
    if (event.detail.target.id === 'draft-preview') {
      clearMarks();
      markProblem(event.detail.target);
      applyWidth();
    }
  });

  var width = 'desktop';
  var buttons = document.querySelectorAll('.draft-preview-panel button[data-width]');
  function applyWidth() {
    var frame = document.getElementById('preview-frame');
    if (frame) {
      frame.classList.toggle('mobile', width === 'mobile');
    }
  }
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      width = button.getAttribute('data-width');
      buttons.forEach(function (other) {
        other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
      });
      applyWidth();
    });
  });
}());
