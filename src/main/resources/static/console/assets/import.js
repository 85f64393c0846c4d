// The imports page: while a file uploads (a large one takes a while before the import's page opens), say so and
// keep the button from sending it twice.
(function () {
  'use strict';
  var form = document.querySelector('.upload-form');
  if (!form) {
    return;
  }
  form.addEventListener('submit', function () {
    var button = form.querySelector('button[type=submit]');
    var status = document.getElementById('upload-status');
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    if (status) {
      status.textContent = 'Uploading the file… The import starts once it is stored.';
    }
  });
  // Back from the import's page (the browser's cache): the form is usable again.
  window.addEventListener('pageshow', function () {
    form.querySelector('button[type=submit]').disabled = false;
    form.removeAttribute('aria-busy');
  });
}());
