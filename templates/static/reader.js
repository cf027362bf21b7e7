/* reader.js: comfort on top of an article page that already works without it (DESIGN §9).
 *
 * - A marker (a.note-ref) opens its note as a popover under its line on narrow screens; on wide
 *   screens, where the note already sits in the margin, it highlights that note and focuses it.
 *   Esc closes and returns focus to the marker; a click outside closes; "Back to the text" too.
 * - Keys j / k move focus to the next / previous marker in reading order (not while typing; a
 *   checkbox turns them off, WCAG 2.1.4).
 * - A filter by kind and verdict, built in the legend: an unchecked kind loses its highlights,
 *   markers and notes, and j / k skip it.
 * No framework, no third-party code, no state that hover alone can set.
 */
(function () {
  'use strict';

  var WIDE = window.matchMedia('(min-width: 68.75em)'); // the query of reader.css's margin notes
  var REDUCED_MOTION = window.matchMedia('(prefers-reduced-motion: reduce)');
  var KEYS_SETTING = 'reader.noteKeys';

  document.documentElement.classList.add('reader-js');

  var body = document.querySelector('.article-body');
  if (!body) return;
  var markers = Array.prototype.slice.call(body.querySelectorAll('a.note-ref[data-annotation]'));
  if (!markers.length) return;

  var current = null; // the marker whose note is open (narrow) or highlighted (wide)
  var keysOn = readSetting();

  // --- notes and markers ---------------------------------------------------------------------

  function noteOf(marker) {
    var next = marker.nextElementSibling;
    if (next && next.classList.contains('sidenote')) return next;
    return document.getElementById(marker.getAttribute('data-annotation'));
  }

  function markerOf(note) {
    for (var i = 0; i < markers.length; i++) {
      if (noteOf(markers[i]) === note) return markers[i];
    }
    return null;
  }

  function category(element) {
    return element.getAttribute('data-verdict') || element.getAttribute('data-kind');
  }

  function behavior() {
    return REDUCED_MOTION.matches ? 'auto' : 'smooth';
  }

  function inView(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function placeUnder(marker, note) {
    /* Relative to the note's containing block (its paragraph), so layout changes above it do not matter. */
    var frame = note.offsetParent || body;
    var top = marker.getBoundingClientRect().bottom - frame.getBoundingClientRect().top + 6;
    note.style.top = Math.round(top) + 'px';
  }

  /* Open `marker`'s note; `moveFocus` false when focus is already inside it. */
  function openNote(marker, moveFocus) {
    var note = noteOf(marker);
    if (!note) return;
    if (current && current !== marker) closeNote(false);
    current = marker;
    note.setAttribute('tabindex', '-1');
    if (WIDE.matches) {
      marker.classList.add('is-current');
      note.classList.add('is-current');
    } else {
      note.classList.add('is-open');
      marker.setAttribute('aria-expanded', 'true');
      placeUnder(marker, note);
    }
    if (moveFocus === false) return;
    note.focus({ preventScroll: true });
    if (!inView(note)) note.scrollIntoView({ block: 'nearest', behavior: behavior() });
  }

  function closeNote(returnFocus) {
    if (!current) return;
    var marker = current;
    var note = noteOf(marker);
    current = null;
    marker.classList.remove('is-current');
    if (marker.hasAttribute('aria-expanded')) marker.setAttribute('aria-expanded', 'false');
    if (note) {
      note.classList.remove('is-open', 'is-current');
      note.style.top = '';
      clip(note);
    }
    if (returnFocus) goTo(marker);
  }

  function goTo(marker) {
    marker.focus({ preventScroll: true });
    if (!inView(marker)) marker.scrollIntoView({ block: 'center', behavior: behavior() });
  }

  function markExpandable() {
    markers.forEach(function (marker) {
      if (WIDE.matches) {
        marker.removeAttribute('aria-expanded');
      } else {
        marker.setAttribute('aria-expanded', String(marker === current));
      }
    });
  }

  // --- pointer, keyboard, address --------------------------------------------------------------

  function onClick(event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var marker = target.closest('a.note-ref');
    if (marker && markers.indexOf(marker) >= 0) {
      if (event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      if (current === marker) closeNote(false);
      else openNote(marker);
      return;
    }
    var back = target.closest('.sidenote a.note-back');
    if (back) {
      var owner = markerOf(back.closest('.sidenote'));
      if (owner) {
        event.preventDefault();
        if (current) closeNote(false);
        goTo(owner);
        return;
      }
    }
    var note = target.closest('.sidenote');
    if (WIDE.matches && note && !note.classList.contains('is-current') && !target.closest('a')) {
      var opener = markerOf(note); // a note shown in short in the margin opens where it is clicked
      if (opener) openNote(opener);
      return;
    }
    if (current && !noteOf(current).contains(target)) closeNote(false);
  }

  function onFocusIn(event) {
    var target = event.target;
    if (current && (target === current || noteOf(current).contains(target))) return;
    closeNote(false);
    var note = target instanceof Element && target.closest('.sidenote');
    var owner = note && WIDE.matches && markerOf(note);
    if (owner) openNote(owner, false); // tabbing into a note shown in short opens it
  }

  /* Wide screens: mark the margin notes that are shown in short (reader.css clips them). */
  function measure() {
    markers.forEach(function (marker) { clip(noteOf(marker)); });
  }

  function clip(note) {
    if (!note || note.classList.contains('is-current')) return;
    note.classList.toggle('is-clipped', WIDE.matches && note.scrollHeight > note.clientHeight + 1);
  }

  function typing(element) {
    if (!(element instanceof Element)) return false;
    if (element.isContentEditable || /^(TEXTAREA|SELECT)$/.test(element.tagName)) return true;
    return element.tagName === 'INPUT' &&
      !/^(checkbox|radio|button|submit|reset|image|range|color)$/i.test(element.type);
  }

  function onKeyDown(event) {
    if (event.key === 'Escape' && current) {
      event.preventDefault();
      closeNote(true);
      return;
    }
    if (!keysOn || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      step(event.key === 'j' ? 1 : -1);
    }
  }

  function shown() {
    return markers.filter(function (marker) { return !marker.classList.contains('is-filtered'); });
  }

  function focusedMarker() {
    var active = document.activeElement;
    if (!(active instanceof Element)) return null;
    if (markers.indexOf(active) >= 0) return active;
    var note = active.closest('.sidenote');
    return note ? markerOf(note) : null;
  }

  /* The index in `list` of the marker to go to from where the reader is: the focused marker,
     else the focused element's place in the text, else the scroll position. */
  function nextIndex(list, direction) {
    var from = current || focusedMarker();
    var index = from ? list.indexOf(from) : -1;
    if (index >= 0) return index + direction;
    var active = document.activeElement;
    var i;
    if (active instanceof Element && active !== document.body && active !== document.documentElement) {
      var before = function (marker) {
        return Boolean(marker.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING);
      };
      for (i = 0; i < list.length && before(list[i]); i++) { /* count markers before focus */ }
      return direction > 0 ? i : i - 1;
    }
    for (i = 0; i < list.length && list[i].getBoundingClientRect().top < 0; i++) { /* above view */ }
    return direction > 0 ? i : i - 1;
  }

  function step(direction) {
    var list = shown();
    var index = nextIndex(list, direction);
    if (index < 0 || index >= list.length) return;
    closeNote(false);
    goTo(list[index]);
  }

  function fromAddress() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
    var note = id && document.getElementById(id);
    if (!note || !note.classList.contains('sidenote')) return;
    var marker = markerOf(note);
    if (!marker || marker.classList.contains('is-filtered')) return;
    marker.scrollIntoView({ block: 'center' });
    openNote(marker);
  }

  // --- the filter and the key help, built in the legend ----------------------------------------

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function categories(legend) {
    var found = {};
    markers.forEach(function (marker) {
      var key = category(marker);
      if (!found[key]) {
        var label = marker.querySelector('.visually-hidden');
        var icon = marker.querySelector('.note-icon');
        found[key] = { key: key, count: 0, icon: icon ? icon.textContent : '',
                       label: label ? label.textContent.trim() : key };
      }
      found[key].count += 1;
    });
    var order = Array.prototype.map.call(legend.querySelectorAll('.legend-item'), function (item) {
      return item.getAttribute('data-verdict') || item.getAttribute('data-kind');
    });
    Object.keys(found).forEach(function (key) { if (order.indexOf(key) < 0) order.push(key); });
    return order.filter(function (key) { return found[key]; }).map(function (key) { return found[key]; });
  }

  function applyFilter(filter) {
    var hidden = {};
    Array.prototype.forEach.call(filter.querySelectorAll('input'), function (input) {
      if (!input.checked) hidden[input.value] = true;
    });
    var visible = {};
    markers.forEach(function (marker) {
      var off = Boolean(hidden[category(marker)]);
      marker.classList.toggle('is-filtered', off);
      var note = noteOf(marker);
      if (note) note.classList.toggle('is-filtered', off);
      if (!off) visible[marker.getAttribute('data-annotation')] = true;
    });
    if (current && current.classList.contains('is-filtered')) closeNote(false);
    Array.prototype.forEach.call(body.querySelectorAll('mark.hl'), function (mark) {
      var ids = (mark.getAttribute('data-annotations') || '').split(/\s+/);
      mark.classList.toggle('hl-off', !ids.some(function (id) { return visible[id]; }));
    });
  }

  function buildFilter(legend) {
    var filter = element('fieldset', { class: 'note-filter' }, [element('legend', {}, ['Show notes:'])]);
    categories(legend).forEach(function (entry) {
      var box = element('input', { type: 'checkbox', value: entry.key });
      box.checked = true;
      filter.appendChild(element('label', {}, [
        box, element('span', { 'aria-hidden': 'true' }, [entry.icon]), entry.label + ' (' + entry.count + ')']));
    });
    filter.addEventListener('change', function () { applyFilter(filter); });
    return filter;
  }

  function buildKeyHelp() {
    var box = element('input', { type: 'checkbox' });
    box.checked = keysOn;
    box.addEventListener('change', function () {
      keysOn = box.checked;
      try { localStorage.setItem(KEYS_SETTING, keysOn ? 'on' : 'off'); } catch (error) { /* private mode */ }
    });
    return element('div', { class: 'note-keys' }, [
      'Keys: ', element('kbd', {}, ['j']), ' next note, ', element('kbd', {}, ['k']), ' previous note, ',
      element('kbd', {}, ['Enter']), ' opens it, ', element('kbd', {}, ['Esc']), ' closes it. ',
      element('label', {}, [box, 'Use these keys'])]);
  }

  function readSetting() {
    try { return localStorage.getItem(KEYS_SETTING) !== 'off'; } catch (error) { return true; }
  }

  // --- start -------------------------------------------------------------------------------------

  var legend = document.querySelector('.annotation-legend');
  if (legend) {
    // Folded away on phones, where the text should come first; open beside the margin notes.
    var tools = element('details', { class: 'note-tools' }, [
      element('summary', {}, ['Filter notes, keys']), buildFilter(legend), buildKeyHelp()]);
    tools.open = WIDE.matches;
    legend.appendChild(tools);
  }
  markExpandable();
  measure();
  window.addEventListener('load', measure); // web fonts and images change the notes' heights
  document.addEventListener('click', onClick);
  document.addEventListener('focusin', onFocusIn);
  document.addEventListener('keydown', onKeyDown);
  window.addEventListener('hashchange', fromAddress);
  window.addEventListener('resize', function () {
    if (current && !WIDE.matches) placeUnder(current, noteOf(current));
    measure();
  });
  var onWidth = function () { closeNote(false); markExpandable(); measure(); };
  if (WIDE.addEventListener) WIDE.addEventListener('change', onWidth);
  else WIDE.addListener(onWidth);
  fromAddress();
})();
