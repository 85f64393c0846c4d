// The broadcasts page: the browser's time zone goes with the form (a "Schedule for" time is of that zone), and
// times are shown in it.
(function () {
  'use strict';
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var field = document.getElementById('zone');
  if (field && zone && !field.value) {
    field.value = zone;
  }
  var name = document.getElementById('zone-name');
  if (name && field && field.value) {
    name.textContent = field.value;
  }
  var format = new Intl.DateTimeFormat(navigator.language, {dateStyle: 'medium', timeStyle: 'short'});
  document.querySelectorAll('time[data-local]').forEach(function (time) {
    var at = new Date(time.getAttribute('datetime'));
    if (!isNaN(at.getTime())) {
      time.textContent = format.format(at);
      time.title = time.getAttribute('datetime');
    }
  });
}());
