// The segment page's rule builder: conditions and nested all/any groups over the JSON rule in the form's text area
// (which the server reads on save, and which stays the whole rule without JavaScript). As the rule changes, the page
// asks the server to count it without saving (POST /segments/count) and shows the count and the first members.
(function () {
  'use strict';
  var fieldset = document.getElementById('builder');
  var textarea = document.getElementById('rule');
  if (!fieldset || !textarea) {
    return;
  }
  var spec = JSON.parse(fieldset.dataset.builder);
  var editable = fieldset.dataset.editable === 'true';
  var countUrl = fieldset.dataset.countUrl;
  var rootElement = document.getElementById('builder-root');
  var note = document.getElementById('builder-note');
  var ruleProblem = document.getElementById('rule-problem');
  var live = document.getElementById('live');
  var number = new Intl.NumberFormat(navigator.language);
  var OPS = {
    eq: 'is', neq: 'is not', gt: 'is more than', gte: 'is at least', lt: 'is less than', lte: 'is at most',
    in: 'is one of', contains: 'contains', exists: 'is present'
  };
  var ORDERING = ['gt', 'gte', 'lt', 'lte'];
  var root = null;
  var timer = null;
  var inFlight = null;
  var focusAfterRender = null;

  // The model: a group {type: 'group', combinator: 'all' | 'any', negate, items} or a condition {type: 'condition',
  // field (a key of spec.fields), name (the trait or event type), op, value (as typed), valueType, negate}.

  function fieldOf(spelling) {
    if (spelling.indexOf('traits.') === 0) {
      return {field: 'traits', name: spelling.substring(7)};
    }
    var event = /^events\.(.*)\.withinDays$/.exec(spelling);
    if (event) {
      return {field: 'events', name: event[1]};
    }
    return spec.fields[spelling] ? {field: spelling, name: ''} : null;
  }

  function typeOf(value) {
    return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text';
  }

  // JSON to the model; null when the builder cannot show it (the JSON then stays the rule, counted as written).
  function read(json, negate) {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      return null;
    }
    var keys = Object.keys(json);
    if (keys.length === 1 && keys[0] === 'not') {
      return read(json.not, !negate);
    }
    if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any') && Array.isArray(json[keys[0]])) {
      var items = json[keys[0]].map(function (item) { return read(item, false); });
      if (items.indexOf(null) >= 0) {
        return null;
      }
      return {type: 'group', combinator: keys[0], negate: negate, items: items};
    }
    if (typeof json.field !== 'string' || typeof json.op !== 'string' || !OPS[json.op]
        || keys.some(function (key) { return ['field', 'op', 'value'].indexOf(key) < 0; })) {
      return null;
    }
    var field = fieldOf(json.field);
    if (!field) {
      return null;
    }
    var value = json.value;
    var valueType = typeOf(Array.isArray(value) ? value[0] : value);
    var text = value === undefined ? (json.op === 'exists' ? 'true' : '')
      : Array.isArray(value) ? value.join(', ') : String(value);
    return {type: 'condition', field: field.field, name: field.name, op: json.op, value: text, valueType: valueType,
      negate: negate};
  }

  function kindOf(condition) {
    return spec.fields[condition.field].kind;
  }

  function typed(kind, condition, text) {
    var trimmed = text.trim();
    var numeric = trimmed !== '' && !isNaN(Number(trimmed));
    if (kind === 'STAGE') {
      return trimmed;
    }
    if (kind === 'CONSENT') {
      return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
    }
    if (kind !== 'TRAIT' || ORDERING.indexOf(condition.op) >= 0 || condition.valueType === 'number') {
      return numeric ? Number(trimmed) : trimmed;
    }
    if (condition.op !== 'contains' && condition.valueType === 'boolean') {
      return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
    }
    return text;
  }

  // The model to JSON, as the API takes it; a value left empty is left out, so the server names it.
  function write(node) {
    var json;
    if (bare(node)) {
      return write(node.items[0]);
    }
    if (node.type === 'group') {
      json = {};
      json[node.combinator] = node.items.map(write);
    } else {
      var spelling = node.field === 'traits' ? 'traits.' + node.name
        : node.field === 'events' ? 'events.' + node.name + '.withinDays' : node.field;
      json = {field: spelling, op: node.op};
      var kind = kindOf(node);
      if (node.op === 'exists') {
        json.value = node.value !== 'false';
      } else if (node.op === 'in') {
        var values = node.value.split(',').map(function (v) { return v.trim(); })
          .filter(function (v) { return v !== ''; }).map(function (v) { return typed(kind, node, v); });
        if (values.length) {
          json.value = values;
        }
      } else if (node.value.trim() !== '') {
        json.value = typed(kind, node, node.value);
      }
    }
    return node.negate ? {not: json} : json;
  }

  // A rule that is one condition shows in a group of its own, and is written back as that one condition.
  function bare(node) {
    return node.wrapped === true && node.type === 'group' && node.items.length === 1 && node.combinator === 'all'
      && !node.negate;
  }

  function newCondition() {
    return {type: 'condition', field: 'stage', name: '', op: 'eq', value: spec.stages[0], valueType: 'text',
      negate: false};
  }

  // Drawing. Every control has a label; after a redraw, focus goes back to the control that had it.

  function element(tag, attributes, children) {
    var made = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') {
        made.textContent = attributes[name];
      } else if (attributes[name] !== null && attributes[name] !== undefined && attributes[name] !== false) {
        made.setAttribute(name, attributes[name] === true ? '' : attributes[name]);
      }
    });
    (children || []).forEach(function (child) { made.appendChild(child); });
    return made;
  }

  function labelled(text, control, hint) {
    var label = element('label', {'class': 'control'}, [element('span', {text: text}), control]);
    if (hint) {
      label.appendChild(element('span', {'class': 'hint', text: hint}));
    }
    return label;
  }

  function select(options, value, focusKey, onChange) {
    var made = element('select', {'data-focus': focusKey, disabled: !editable});
    options.forEach(function (option) {
      made.appendChild(element('option', {value: option[0], text: option[1], selected: option[0] === value}));
    });
    made.addEventListener('change', function () { onChange(made.value); });
    return made;
  }

  function input(value, focusKey, attributes, onInput) {
    var made = element('input', Object.assign({value: value, 'data-focus': focusKey, readonly: !editable,
      autocomplete: 'off'}, attributes));
    made.addEventListener('input', function () { onInput(made.value); });
    return made;
  }

  function button(text, label, focusKey, onClick) {
    var made = element('button', {type: 'button', 'class': 'secondary', 'aria-label': label, 'data-focus': focusKey,
      text: text});
    made.addEventListener('click', onClick);
    return made;
  }

  function valueControl(condition, key, path) {
    var kind = kindOf(condition);
    var change = function (value) { condition.value = value; changed(false); };
    if (condition.op === 'exists') {
      return labelled('Present', select([['true', 'yes'], ['false', 'no']], condition.value === 'false' ? 'false'
        : 'true', key + ':value', change));
    }
    if (condition.op === 'in') {
      var hint = kind === 'STAGE' ? 'separated by commas, from ' + spec.stages.join(', ') : 'separated by commas';
      return labelled('Values', input(condition.value, key + ':value', {'data-path': path + '.value'}, change), hint);
    }
    if (kind === 'STAGE') {
      return labelled('Stage', select(spec.stages.map(function (s) { return [s, s]; }), condition.value,
        key + ':value', change));
    }
    if (kind === 'CONSENT') {
      return labelled('Consent', select([['true', 'opted in'], ['false', 'declined']], condition.value,
        key + ':value', change));
    }
    if (kind === 'TRAIT' && condition.op !== 'contains' && ORDERING.indexOf(condition.op) < 0
        && condition.valueType === 'boolean') {
      return labelled('Value', select([['true', 'true'], ['false', 'false']], condition.value, key + ':value', change));
    }
    var numeric = kind !== 'TRAIT' || ORDERING.indexOf(condition.op) >= 0 || condition.valueType === 'number';
    var days = kind === 'LAST_ORDER_DAYS' || kind === 'EVENT_DAYS';
    return labelled(days ? 'Days ago' : 'Value', input(condition.value, key + ':value', {
      inputmode: numeric ? 'decimal' : null, 'data-path': path + '.value'}, change));
  }

  function drawCondition(condition, path, key, position, parent) {
    var kind = kindOf(condition);
    var row = element('div', {'class': 'condition', role: 'group', 'aria-label': 'Condition ' + position,
      'data-path': path});
    var fieldOptions = Object.keys(spec.fields).map(function (f) { return [f, spec.fields[f].label]; });
    row.appendChild(labelled('Field', select(fieldOptions, condition.field, key + ':field', function (value) {
      condition.field = value;
      var ops = spec.fields[value].ops;
      if (ops.indexOf(condition.op) < 0) {
        condition.op = ops[0];
      }
      condition.value = value === 'stage' ? spec.stages[0] : value === 'consent.marketing' ? 'true' : '';
      condition.valueType = 'text';
      changed(true);
    })));
    if (kind === 'TRAIT' || kind === 'EVENT_DAYS') {
      row.appendChild(labelled(kind === 'TRAIT' ? 'Trait name' : 'Event type', input(condition.name, key + ':name',
        {placeholder: kind === 'TRAIT' ? 'plan' : 'cart_updated', spellcheck: 'false'},
        function (value) { condition.name = value.trim(); changed(false); })));
    }
    row.appendChild(labelled('Comparison', select(spec.fields[condition.field].ops.map(function (op) {
      return [op, OPS[op]];
    }), condition.op, key + ':op', function (value) {
      condition.op = value;
      if (value === 'exists') {
        condition.value = 'true';
      }
      changed(true);
    })));
    row.appendChild(valueControl(condition, key, path + (condition.negate ? '.not' : '')));
    if (kind === 'TRAIT' && condition.op !== 'exists' && condition.op !== 'contains'
        && ORDERING.indexOf(condition.op) < 0) {
      row.appendChild(labelled('As', select([['text', 'text'], ['number', 'number'], ['boolean', 'true or false']],
        condition.valueType, key + ':type', function (value) {
          condition.valueType = value;
          if (value === 'boolean' && condition.value !== 'false') {
            condition.value = 'true';
          }
          changed(true);
        })));
    }
    var negate = element('input', {type: 'checkbox', 'data-focus': key + ':not', checked: condition.negate,
      disabled: !editable});
    negate.addEventListener('change', function () { condition.negate = negate.checked; changed(false); });
    row.appendChild(element('label', {'class': 'control not'}, [negate, element('span', {text: 'Not (leave these out)'})]));
    if (editable) {
      row.appendChild(button('Remove', 'Remove condition ' + position, key + ':remove', function () {
        parent.items.splice(parent.items.indexOf(condition), 1);
        focusAfterRender = parentKey(key) + ':add';
        changed(true);
      }));
    }
    return row;
  }

  function parentKey(key) {
    return key.substring(0, key.lastIndexOf('.'));
  }

  function drawGroup(group, path, key, position, parent) {
    var label = parent ? 'Group ' + position : 'Rule';
    var box = element('div', {'class': 'group', role: 'group', 'aria-label': label, 'data-path': path});
    var head = element('div', {'class': 'group-head'});
    var mode = (group.negate ? 'not-' : '') + group.combinator;
    head.appendChild(labelled(parent ? 'This group matches customers for whom' : 'Customers for whom',
      select([['all', 'all of these hold'], ['any', 'any of these holds'], ['not-any', 'none of these holds'],
        ['not-all', 'not all of these hold']], mode, key + ':mode', function (value) {
        group.negate = value.indexOf('not-') === 0;
        group.combinator = value.replace('not-', '');
        changed(false);
      })));
    if (editable && parent) {
      head.appendChild(button('Remove group', 'Remove group ' + position, key + ':remove', function () {
        parent.items.splice(parent.items.indexOf(group), 1);
        focusAfterRender = parentKey(key) + ':add';
        changed(true);
      }));
    }
    box.appendChild(head);
    var list = element('div', {'class': 'items'});
    var inner = path + (group.negate ? '.not' : '') + '.' + group.combinator;
    group.items.forEach(function (item, index) {
      var itemPath = bare(group) ? path : inner + '[' + index + ']';
      var itemKey = key + '.' + index;
      list.appendChild(item.type === 'group' ? drawGroup(item, itemPath, itemKey, index + 1, group)
        : drawCondition(item, itemPath, itemKey, index + 1, group));
    });
    if (!group.items.length) {
      list.appendChild(element('p', {'class': 'hint', text: 'No condition yet: add one.'}));
    }
    box.appendChild(list);
    if (editable) {
      var where = parent ? ' to group ' + position : '';
      box.appendChild(element('div', {'class': 'group-actions'}, [
        button('Add condition', 'Add a condition' + where, key + ':add', function () {
          group.items.push(newCondition());
          focusAfterRender = key + '.' + (group.items.length - 1) + ':field';
          changed(true);
        }),
        button('Add group', 'Add a group' + where, key + ':add-group', function () {
          group.items.push({type: 'group', combinator: 'any', negate: false, items: [newCondition()]});
          focusAfterRender = key + '.' + (group.items.length - 1) + ':mode';
          changed(true);
        })
      ]));
    }
    return box;
  }

  function draw() {
    var focused = document.activeElement && rootElement.contains(document.activeElement)
      ? document.activeElement.getAttribute('data-focus') : null;
    rootElement.replaceChildren(drawGroup(root, 'rule', 'r', 1, null));
    var target = focusAfterRender || focused;
    focusAfterRender = null;
    if (target) {
      var again = rootElement.querySelector('[data-focus="' + target + '"]');
      if (again) {
        again.focus();
      }
    }
  }

  // Keeping the JSON, the builder and the count in step.

  function changed(redraw) {
    if (redraw) {
      draw();
    }
    textarea.value = JSON.stringify(write(root), null, 2);
    ruleProblem.textContent = '';
    schedule(textarea.value);
  }

  function load(text, fromTextArea) {
    var json;
    try {
      json = JSON.parse(text);
    } catch (e) {
      ruleProblem.textContent = 'rule is not valid JSON: ' + e.message;
      return false;
    }
    ruleProblem.textContent = '';
    var model = read(json, false);
    if (model && model.type === 'condition') {
      model = {type: 'group', combinator: 'all', negate: false, items: [model], wrapped: true};
    }
    if (!model) {
      note.hidden = false;
      note.textContent = 'The builder cannot show this rule; it is counted and saved as written in the JSON below.';
      rootElement.replaceChildren();
      root = null;
    } else {
      note.hidden = true;
      root = model;
      if (!fromTextArea || !rootElement.contains(document.activeElement)) {
        draw();
      }
    }
    return true;
  }

  function schedule(text) {
    if (!editable) {
      return;
    }
    clearTimeout(timer);
    setState('counting');
    timer = setTimeout(function () { count(text); }, 400);
  }

  function setState(state) {
    live.setAttribute('data-state', state);
    live.setAttribute('aria-busy', state === 'counting' ? 'true' : 'false');
    document.getElementById('progress').hidden = state !== 'counting';
  }

  function showCount(answer) {
    var line = document.getElementById('count-text');
    line.replaceChildren(element('strong', {id: 'count', text: number.format(answer.count)}),
      document.createTextNode(answer.count === 1 ? ' customer' : ' customers'));
    var rows = document.querySelector('#members tbody');
    rows.replaceChildren();
    answer.customers.forEach(function (member) {
      var link = element('a', {href: '/customers/' + encodeURIComponent(member.id), text: member.id});
      rows.appendChild(element('tr', {}, [element('td', {}, [link]), element('td', {text: member.stage || '–'})]));
    });
  }

  function clearMarks() {
    rootElement.querySelectorAll('.node-problem').forEach(function (p) { p.remove(); });
    rootElement.querySelectorAll('[aria-invalid]').forEach(function (c) { c.removeAttribute('aria-invalid'); });
  }

  // Each problem next to the condition or group it names (the longest path that starts it), and in the list.
  function showProblems(problems) {
    var list = document.getElementById('count-problems');
    list.replaceChildren(element('p', {text: 'This rule cannot be counted yet:'}),
      element('ul', {}, problems.map(function (p) {
        return element('li', {text: (p.field ? p.field + ' ' : '') + p.message});
      })));
    var nodes = Array.prototype.slice.call(rootElement.querySelectorAll('.condition[data-path], .group[data-path]'));
    problems.forEach(function (problem) {
      var best = null;
      nodes.forEach(function (node) {
        var path = node.getAttribute('data-path');
        var rest = problem.field.substring(path.length);
        if (problem.field.indexOf(path) === 0 && (rest === '' || rest[0] === '.' || rest[0] === '[')
            && (!best || path.length >= best.getAttribute('data-path').length)) {
          best = node;
        }
      });
      if (best) {
        best.appendChild(element('p', {'class': 'problem node-problem', text: problem.field.substring(
          problem.field.lastIndexOf('.') + 1) + ' ' + problem.message}));
        var control = best.querySelector('[data-path="' + problem.field + '"]');
        if (control) {
          control.setAttribute('aria-invalid', 'true');
        }
      }
    });
  }

  function count(text) {
    if (inFlight) {
      inFlight.abort();
    }
    inFlight = new AbortController();
    setState('counting');
    var headers = {'Content-Type': 'application/json', Accept: 'application/json'};
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    if (token && header) {
      headers[header.content] = token.content;
    }
    fetch(countUrl, {method: 'POST', credentials: 'same-origin', headers: headers, body: text,
      signal: inFlight.signal})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return {status: response.status, body: body};
        });
      })
      .then(function (answer) {
        clearMarks();
        document.getElementById('count-problems').replaceChildren();
        if (answer.status === 200) {
          showCount(answer.body);
          setState('done');
        } else if (answer.status === 400 && answer.body.problems) {
          showProblems(answer.body.problems);
          document.getElementById('count-text').textContent = 'Not counted: the rule has a problem.';
          document.querySelector('#members tbody').replaceChildren();
          setState('invalid');
        } else {
          document.getElementById('count-problems').textContent = 'The count failed (HTTP ' + answer.status
            + '); try again, or sign in again if your session ended.';
          setState('failed');
        }
      })
      .catch(function (error) {
        if (error.name !== 'AbortError') {
          document.getElementById('count-problems').textContent = 'The count failed: ' + error.message;
          setState('failed');
        }
      });
  }

  textarea.addEventListener('input', function () {
    if (load(textarea.value, true)) {
      schedule(textarea.value);
    } else {
      clearTimeout(timer);
      setState('invalid');
    }
  });

  fieldset.hidden = false;
  if (load(textarea.value, false) && root) {
    document.getElementById('rule-json').open = false;
  }
  if (editable && live.getAttribute('data-state') !== 'done') {
    count(textarea.value);
  }
}());
