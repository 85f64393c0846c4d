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
  // The chosen segment's members now, counted after it is chosen: counting a large segment may take a while.
  var segment = document.getElementById('segment');
  var members = document.getElementById('segment-members');
  function countMembers() {
    if (!segment || !members) {
      return;
    }
    var key = segment.value;
    members.textContent = key ? 'Counting the members…' : '';
    if (!key) {
      return;
    }
    fetch(members.getAttribute('data-base') + '/' + encodeURIComponent(key) + '/members',
      {credentials: 'same-origin', headers: {'Accept': 'text/plain'}})
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (count) {
        if (segment.value === key) {
          members.textContent = count + (count === '1' ? ' member now' : ' members now');
        }
      }, function () {
        members.textContent = 'The members could not be counted.';
      });
  }
  if (segment) {
    segment.addEventListener('change', countMembers);
    countMembers();
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
