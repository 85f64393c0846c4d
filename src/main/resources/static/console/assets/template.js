// A template's page: the Desktop and Mobile buttons set the width of the frame that shows the email's HTML part.
(function () {
  'use strict';
  var frame = document.getElementById('preview-frame');
  if (!frame) {
    return;
  }
  var buttons = document.querySelectorAll('button[data-width]');
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      frame.classList.toggle('mobile', button.getAttribute('data-width') === 'mobile');
      buttons.forEach(function (other) {
        other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
      });
    });
  });
}());
