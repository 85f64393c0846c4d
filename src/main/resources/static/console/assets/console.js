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
  // A part of a page that could not be loaded says so, instead of saying for ever that it is loading.
  document.addEventListener('htmx:responseError', function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute('aria-busy')) {
      var problem = document.createElement('p');
      problem.className = 'problem';
      problem.setAttribute('role', 'alert');
      problem.textContent = 'This could not be loaded (' + event.detail.xhr.status + '). Reload the page to try again.';
      target.replaceChildren(problem);
      target.removeAttribute('aria-busy');
    }
  });
}());
