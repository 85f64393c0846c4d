// The console's own script, on every page: htmx requests carry the CSRF token that Spring Security put in the page.
(function () {
  'use strict';
  document.addEventListener('htmx:configRequest', function (event) {
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    if (token && header) {
      event.detail.headers[header.content] = token.content;
    }
  });
  document.addEventListener('htmx:afterSwap', function (event) {
    event.detail.target.removeAttribute && event.detail.target.removeAttribute('aria-busy');
  });
}());
