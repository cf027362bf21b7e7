/* previews.js: hovering or keyboard-focusing an internal link to an actor, an article or an editors'
 * note shows a short preview of it (a role="tooltip" that the link's aria-describedby names while shown).
 *
 * - Actor (actors/<id>/): name, role, the first lines of the description.
 * - Article (articles/<slug>/): title, date, stance. Note (articles/<slug>/#<id>): the passage it
 *   highlights and the first lines of the note.
 * - Opens on keyboard focus (:focus-visible) and on hover by a mouse or pen, after a short delay;
 *   Esc closes it and leaves focus on the link; it closes on blur, on scroll, when the pointer leaves
 *   the link (it may move onto the preview, WCAG 1.4.13). Touch never opens it: a tap follows the link.
 * - It is placed below the link (above when there is no room), never over it, within a 375 px screen.
 * Without JavaScript nothing changes: the links work as they are.
 *
 * Data: the target page itself, fetched same-origin and read with DOMParser (one request per page,
 * cached for the life of this page); for a note, also that article's W3C annotations.jsonld, which
 * holds the highlighted passage exactly. Why not a JSON index written at build time: every field a
 * preview shows is already in the pages, so nothing new is built, nothing can drift out of step with
 * the page the link opens, only links actually previewed cost a request, and `serve` keeps rebuilding
 * only what an edit touches (an index of every actor and article would be remade on every edit and
 * downloaded by every page, growing with the corpus). No third-party code; external links get nothing.
 */
(function () {
  'use strict';

  var HOVER_DELAY = 300; // ms: a pointer passing over a link does not flash a preview
  var LEAVE_DELAY = 200; // ms: time to move the pointer from the link onto the preview
  var TEXT_CHARS = 220; // "the first lines" of a description or note
  var TOUCH_GRACE = 1000; // ms after a touch during which focus does not open a preview
  var EXCLUDED = 'h1, h2, h3, h4, h5, h6, nav, .site-header, .note-ref, .link-preview';

  var home = document.querySelector('a.site-title');
  var main = document.getElementById('main');
  if (!home || !main || !window.fetch || !window.DOMParser) return;
  var base = new URL(home.href, location.href);

  var tip = document.createElement('div');
  tip.id = 'link-preview';
  tip.className = 'link-preview';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  main.appendChild(tip); // inside a landmark, so that all content stays in one

  var pages = {}; // URL without fragment -> Promise of a Document (null if it could not be read)
  var jsonld = {}; // URL -> Promise of an annotation collection (null if none)
  var current = null; // the link whose preview is open or about to open
  var dismissed = null; // the link whose preview Esc closed; it stays closed until focus or pointer leaves it
  var shownTop = null; // the link's top when shown: a scroll that moves it closes the preview
  var touchedAt = -Infinity;
  var timer = 0;

  // --- which links ---------------------------------------------------------------------------

  function targetOf(link) {
    if (!link || !link.href || link.closest(EXCLUDED)) return null;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.indexOf(base.pathname) !== 0) return null;
    if (url.pathname === location.pathname) return null; // same page: markers, permalinks, back links
    var rest = url.pathname.slice(base.pathname.length);
    var fragment = decodeURIComponent(url.hash.slice(1));
    var page = url.origin + url.pathname;
    if (/^actors\/[^\/]+\/$/.test(rest) && !fragment) return {kind: 'actor', page: page};
    if (!/^articles\/[^\/]+\/$/.test(rest)) return null;
    if (!fragment) return {kind: 'article', page: page};
    if (/^(p|ref)-/.test(fragment)) return null; // a paragraph or a marker, not a note
    return {kind: 'note', page: page, id: fragment};
  }

  // --- data ------------------------------------------------------------------------------------

  function fetchPage(url) {
    if (!pages[url]) {
      pages[url] = fetch(url, {credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { return html && new DOMParser().parseFromString(html, 'text/html'); })
        .catch(function () { return null; });
    }
    return pages[url];
  }

  function fetchAnnotations(doc, pageUrl) {
    var link = doc.querySelector('a[type="application/ld+json"]');
    if (!link) return Promise.resolve(null);
    var url = new URL(link.getAttribute('href'), pageUrl).href;
    if (!jsonld[url]) {
      jsonld[url] = fetch(url, {credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return jsonld[url];
  }

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, ' ').trim() : '';
  }

  function firstLines(value) {
    if (value.length <= TEXT_CHARS) return value;
    var cut = value.slice(0, TEXT_CHARS);
    var space = cut.lastIndexOf(' ');
    return (space > TEXT_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '') + '…';
  }

  function passageOf(collection, id) {
    var items = collection && collection.first && collection.first.items || [];
    for (var i = 0; i < items.length; i++) {
      if (String(items[i].id).split('#').pop() !== id) continue;
      var selectors = items[i].target && items[i].target.selector || [];
      for (var j = 0; j < selectors.length; j++) {
        if (selectors[j].type === 'TextQuoteSelector') return selectors[j].exact;
      }
    }
    return '';
  }

  /* Each returns a Promise of the preview's lines: [{role, text}], or null when there is nothing to show. */
  var readers = {
    actor: function (doc) {
      return [
        {role: 'kicker', text: text(doc.querySelector('.actor .kicker'))},
        {role: 'title', text: text(doc.querySelector('h1'))},
        {role: 'meta', text: text(doc.querySelector('.actor .standfirst'))},
        {role: 'text', text: firstLines(text(doc.querySelector('.actor-body p')))}
      ];
    },
    article: function (doc) {
      var header = doc.querySelector('.article-header');
      return [
        {role: 'title', text: text(header && header.querySelector('h1'))},
        {role: 'meta', text: text(header && header.querySelector('.byline time'))},
        {role: 'meta', text: text(header && header.querySelector('.stance-box .stance'))}
      ];
    },
    note: function (doc, target) {
      var note = doc.getElementById(target.id);
      if (!note) return readers.article(doc);
      return fetchAnnotations(doc, target.page).then(function (collection) {
        var passage = passageOf(collection, target.id);
        var body = note.querySelector('.note-text') || note.querySelector('p:not(.note-head)');
        return [
          {role: 'kicker', text: text(note.querySelector('.note-kind'))},
          {role: 'meta', text: text(doc.querySelector('.article-header h1'))},
          {role: 'quote', text: passage ? '“' + firstLines(passage) + '”' : ''},
          {role: 'text', text: firstLines(text(body))}
        ];
      });
    }
  };

  // --- showing and hiding ---------------------------------------------------------------------

  function fill(lines) {
    tip.textContent = '';
    lines.forEach(function (line) {
      if (!line.text) return;
      var p = document.createElement('p');
      p.className = 'link-preview-' + line.role;
      p.textContent = line.text;
      tip.appendChild(p);
    });
    return tip.childNodes.length > 0;
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var gap = 6;
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var viewport = document.documentElement.clientWidth;
    var left = Math.max(gap, Math.min(rect.left, viewport - width - gap));
    var below = rect.bottom + gap + height <= window.innerHeight || rect.top - gap - height < 0;
    var top = below ? rect.bottom + gap : rect.top - gap - height;
    tip.style.left = (left + window.scrollX) + 'px';
    tip.style.top = (top + window.scrollY) + 'px';
    tip.classList.toggle('is-above', !below);
  }

  function describe(link, on) {
    var ids = (link.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (id) {
      return id && id !== tip.id;
    });
    if (on) ids.push(tip.id);
    if (ids.length) link.setAttribute('aria-describedby', ids.join(' '));
    else link.removeAttribute('aria-describedby');
  }

  function open(link, target) {
    current = link;
    fetchPage(target.page).then(function (doc) {
      return doc && readers[target.kind](doc, target);
    }).then(function (lines) {
      if (current !== link || !lines || !fill(lines)) return;
      tip.hidden = false;
      place(link);
      describe(link, true);
      shownTop = link.getBoundingClientRect().top;
      tip.classList.add('is-shown');
    });
  }

  function close() {
    clearTimeout(timer);
    if (current) describe(current, false);
    current = null;
    shownTop = null;
    tip.hidden = true;
    tip.classList.remove('is-shown');
  }

  function later(fn, ms) {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  }

  // --- events ------------------------------------------------------------------------------------

  function linkOf(event) {
    return event.target.closest ? event.target.closest('a[href]') : null;
  }

  document.addEventListener('pointerdown', function (event) {
    if (event.pointerType === 'touch') { touchedAt = Date.now(); close(); }
  }, true);

  document.addEventListener('pointerover', function (event) {
    if (event.pointerType === 'touch') return;
    if (tip.contains(event.target)) { clearTimeout(timer); return; }
    var link = linkOf(event);
    var target = targetOf(link);
    if (!target || link === dismissed) return;
    if (link === current) { clearTimeout(timer); return; }
    later(function () { open(link, target); }, HOVER_DELAY);
  });

  document.addEventListener('pointerout', function (event) {
    if (event.pointerType === 'touch') return;
    var from = tip.contains(event.target) ? tip : linkOf(event);
    if (!from || (from !== tip && !targetOf(from))) return;
    if (event.relatedTarget && from.contains(event.relatedTarget)) return;
    if (from === dismissed) dismissed = null;
    if (from === tip || current) later(close, LEAVE_DELAY); // also cancels a preview about to open
    else clearTimeout(timer); // left before the delay was over
  });

  document.addEventListener('focusin', function (event) {
    var link = linkOf(event);
    var target = targetOf(link);
    if (!target || link === dismissed || Date.now() - touchedAt < TOUCH_GRACE) return;
    var keyboard = true;
    try { keyboard = link.matches(':focus-visible'); } catch (e) { /* an old browser: treat focus as keyboard */ }
    if (keyboard) { clearTimeout(timer); open(link, target); }
  });

  document.addEventListener('focusout', function (event) {
    var link = linkOf(event);
    if (link && link === dismissed) dismissed = null;
    if (link && link === current) close();
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || !current) return;
    dismissed = current; // focus stays on the link; the preview stays closed until focus or pointer leaves it
    close();
  });

  window.addEventListener('scroll', function () {
    if (current && shownTop !== null && Math.abs(current.getBoundingClientRect().top - shownTop) > 4) close();
  }, {passive: true, capture: true});
  window.addEventListener('resize', close);
  window.addEventListener('pagehide', close);
})();
