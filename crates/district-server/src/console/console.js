// The console's progressive enhancement, served by the district server itself (no build step,
// no framework). Every form works without it; with it:
//  - a picked image file (input[data-preview]) shows as a picture with its pixel size and file
//    size, with a warning when it is over the limits the server will enforce anyway; an image
//    chosen from the library (select[data-image-choice]) shows as a picture too;
//  - a list of records with order numbers (ol[data-reorder]) can be reordered by dragging a
//    handle, with the arrow keys on the handle, or with up/down buttons; the order numbers the
//    form submits follow the new order, and nothing is saved until the form is.
// All words come from the page (data-msg-* attributes, in the page's language).
'use strict';

(function () {
  /** Fills `{name}` placeholders of a message from the page. */
  function fill(template, values) {
    return (template || '').replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function humanBytes(n) {
    if (n >= 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + ' MB';
    if (n >= 1024) return Math.round(n / 1024) + ' KB';
    return n + ' B';
  }

  // ---- image preview --------------------------------------------------------------------

  function previewBox(input) {
    var id = input.id + '-preview';
    var box = document.getElementById(id);
    if (box) return box;
    box = document.createElement('figure');
    box.id = id;
    box.className = 'upload-preview';
    box.hidden = true;
    var img = document.createElement('img');
    img.alt = input.dataset.label || '';
    var caption = document.createElement('figcaption');
    var warning = document.createElement('p');
    warning.className = 'field-warning';
    warning.setAttribute('role', 'alert');
    warning.hidden = true;
    box.append(img, caption, warning);
    input.insertAdjacentElement('afterend', box);
    return box;
  }

  function showPreview(input) {
    var box = previewBox(input);
    var img = box.querySelector('img');
    var caption = box.querySelector('figcaption');
    var warning = box.querySelector('.field-warning');
    var file = input.files && input.files[0];
    var problems = [];
    function warn() {
      warning.textContent = problems.join(' ');
      warning.hidden = problems.length === 0;
      input.setAttribute('data-preview-state', problems.length ? 'warned' : 'ok');
    }
    if (!file) {
      box.hidden = true;
      input.removeAttribute('data-preview-state');
      return;
    }
    var d = input.dataset;
    var maxBytes = Number(d.maxBytes);
    if (maxBytes && file.size > maxBytes) problems.push(d.msgTooBig);
    caption.textContent = humanBytes(file.size);
    box.hidden = false;
    var reader = new FileReader();
    reader.onload = function () {
      img.onload = function () {
        var w = img.naturalWidth;
        var h = img.naturalHeight;
        caption.textContent = fill(d.msgSize, { width: w, height: h, bytes: humanBytes(file.size) });
        // An SVG has no pixels of its own: only its bytes are checked here.
        if (file.type !== 'image/svg+xml') {
          var min = Number(d.minSide);
          var max = Number(d.maxSide);
          if ((min && Math.min(w, h) < min) || (max && Math.max(w, h) > max)) problems.push(d.msgSides);
        }
        warn();
      };
      img.onerror = function () {
        problems.push(d.msgUnreadable);
        warn();
      };
      img.src = reader.result; // a data: URL, which the console's CSP allows for images
    };
    reader.onerror = function () {
      problems.push(d.msgUnreadable);
      warn();
    };
    reader.readAsDataURL(file);
  }

  /** A picture chosen from the library (select[data-image-choice]): shown beside the list,
   * captioned with the option's own text (its name and pixel size). */
  function showChoice(select) {
    var box = previewBox(select);
    var img = box.querySelector('img');
    var caption = box.querySelector('figcaption');
    var option = select.selectedOptions[0];
    if (!select.value || !/^[0-9a-f]{64}$/.test(select.value)) {
      box.hidden = true;
      return;
    }
    img.src = '/console/media/' + select.value;
    img.alt = option ? option.textContent : '';
    caption.textContent = option ? option.textContent : '';
    box.hidden = false;
  }

  // ---- reordering ------------------------------------------------------------------------

  function items(list) {
    return Array.prototype.filter.call(list.children, function (li) {
      return li.hasAttribute('data-reorder-item');
    });
  }

  /** Gives the items, in their new visual order, the order numbers they had between them
   * (so only what moved changes); 1, 2, 3… when those numbers are not all different. */
  function renumber(list) {
    var inputs = items(list).map(function (li) { return li.querySelector('input[data-order]'); });
    var slots = inputs.map(function (i) { return Number(i.value); }).sort(function (a, b) { return a - b; });
    var distinct = slots.every(function (n, k) {
      return Number.isInteger(n) && n >= 0 && (k === 0 || n > slots[k - 1]);
    });
    inputs.forEach(function (input, k) {
      input.value = String(distinct ? slots[k] : k + 1);
    });
  }

  function announce(list, li) {
    var status = list.parentNode.querySelector('.reorder-status');
    if (!status) return;
    var position = items(list).indexOf(li) + 1;
    status.textContent = fill(list.dataset.msgMoved, { n: position });
  }

  function move(list, li, delta) {
    var all = items(list);
    var k = all.indexOf(li);
    var target = k + delta;
    if (target < 0 || target >= all.length) return false;
    if (delta < 0) list.insertBefore(li, all[target]);
    else list.insertBefore(li, all[target].nextSibling);
    renumber(list);
    announce(list, li);
    return true;
  }

  function button(text, cls, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  function enhanceList(list) {
    var d = list.dataset;
    list.classList.add('reorder-enhanced');
    var status = document.createElement('p');
    status.className = 'reorder-status visually-hidden';
    status.setAttribute('role', 'status');
    list.insertAdjacentElement('afterend', status);
    items(list).forEach(function (li) {
      var handle = button('⠿', 'reorder-handle', function () {});
      handle.setAttribute('aria-label', d.labelHandle || '');
      handle.title = d.labelHandle || '';
      handle.addEventListener('keydown', function (e) {
        var delta = e.key === 'ArrowUp' ? -1 : e.key === 'ArrowDown' ? 1 : 0;
        if (!delta) return;
        e.preventDefault();
        if (move(list, li, delta)) handle.focus();
      });
      handle.addEventListener('pointerdown', function (e) { startDrag(list, li, handle, e); });
      var up = button('↑', 'reorder-up', function () { move(list, li, -1); up.focus(); });
      up.setAttribute('aria-label', d.labelUp || '');
      up.title = d.labelUp || '';
      var down = button('↓', 'reorder-down', function () { move(list, li, 1); down.focus(); });
      down.setAttribute('aria-label', d.labelDown || '');
      down.title = d.labelDown || '';
      var tools = document.createElement('span');
      tools.className = 'reorder-tools';
      tools.append(up, down);
      li.prepend(handle);
      li.append(tools);
    });
  }

  /** Drags with pointer events (mouse, touch and pen alike): the item follows the pointer
   * among its siblings; the numbers are renumbered when it is let go. */
  function startDrag(list, li, handle, e) {
    if (e.button !== undefined && e.button !== 0) return;
    e.preventDefault();
    // Listened for on the window, not with pointer capture: moving the item in the list
    // detaches its handle for a moment, which would end a capture.
    li.classList.add('dragging');
    function onMove(ev) {
      if (ev.pointerId !== e.pointerId) return;
      var others = items(list).filter(function (x) { return x !== li; });
      var before = null;
      for (var k = 0; k < others.length; k++) {
        var r = others[k].getBoundingClientRect();
        if (ev.clientY < r.top + r.height / 2) { before = others[k]; break; }
      }
      if (before) {
        if (li.nextElementSibling !== before) list.insertBefore(li, before);
      } else {
        var last = others[others.length - 1];
        if (last && last.nextSibling !== li) list.insertBefore(li, last.nextSibling);
      }
    }
    function onUp(ev) {
      if (ev.pointerId !== e.pointerId) return;
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
      li.classList.remove('dragging');
      renumber(list);
      announce(list, li);
    }
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onUp);
  }

  function start() {
    document.querySelectorAll('input[type=file][data-preview]').forEach(function (input) {
      input.addEventListener('change', function () { showPreview(input); });
      if (input.files && input.files.length) showPreview(input);
    });
    document.querySelectorAll('select[data-image-choice]').forEach(function (select) {
      select.addEventListener('change', function () { showChoice(select); });
      showChoice(select);
    });
    document.querySelectorAll('ol[data-reorder]').forEach(enhanceList);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
