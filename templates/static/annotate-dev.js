/* annotate-dev.js: "Copy annotation YAML" for editors; the dev server adds it to article pages
 * (`build.py serve` only, never the published site).
 *
 * Select a passage inside one paragraph of the article and a small button appears; it copies a
 * ready list item for content/annotations/<slug>.yaml. The quote is taken from the text the
 * build anchors against (DESIGN §3): each paragraph's visible text without the note markers and
 * notes (.note-ref, .sidenote), whitespace collapsed. When the quote occurs more than once in the
 * article, the item also gets the shortest whole-word prefix (or suffix) that picks this one, checked
 * the way reader/anchor.py checks it (typography folded).
 */
(function () {
  'use strict';

  var body = document.querySelector('.article-body');
  if (!body || window.__annotateDev) return;
  window.__annotateDev = true;

  var SKIP = '.note-ref, .sidenote';
  var PARAGRAPH = /^p-\d+$/;
  var SEPARATOR = '\n\n'; // between paragraphs, as in reader/anchor.py
  var MAX_WORDS = 12;
  var QUOTES = { '‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '`': "'", '´': "'",
                 '“': '"', '”': '"', '„': '"', '‟': '"', '″': '"', '«': '"', '»': '"' };
  var DASHES = /[‐‑‒–—―−]/;

  // --- the article's text, as the build sees it ------------------------------------------------

  function paragraphs() {
    return Array.prototype.filter.call(body.querySelectorAll('[id^="p-"]'), function (element) {
      return PARAGRAPH.test(element.id);
    });
  }

  /* A paragraph's raw text and the text nodes it comes from (markers, notes and nested
     paragraphs left out; a <br> counts as a space, as a hard break does in the build). */
  function rawText(paragraph) {
    var pieces = [];
    var raw = '';
    (function walk(node) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          pieces.push({ node: child, start: raw.length });
          raw += child.data;
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.matches(SKIP) || PARAGRAPH.test(child.id)) continue;
          if (child.tagName === 'BR') raw += ' ';
          else walk(child);
        }
      }
    })(paragraph);
    return { raw: raw, pieces: pieces };
  }

  /* Whitespace collapsed and trimmed (reader/markdown.py collapse), with map[i] = the collapsed
     offset of raw offset i. */
  function collapse(raw) {
    var text = '';
    var map = [];
    var chunks = raw.match(/[ \t\n\r\f]+|[^ \t\n\r\f]+/g) || [];
    chunks.forEach(function (chunk) {
      var space = /[ \t\n\r\f]/.test(chunk[0]);
      for (var k = 0; k < chunk.length; k++) map.push(text.length + (space ? 0 : k));
      if (!space) text += chunk;
      else if (text) text += ' ';
    });
    if (text.slice(-1) === ' ') text = text.slice(0, -1);
    map.push(text.length);
    return { text: text, map: map.map(function (offset) { return Math.min(offset, text.length); }) };
  }

  function blockText(paragraph) {
    return collapse(rawText(paragraph).raw).text;
  }

  /* Typography folded as reader/anchor.py fold() does: NFKC, straight quotes, hyphens, one space. */
  function fold(text) {
    var out = '';
    Array.from(text).forEach(function (char) {
      Array.from(char.normalize('NFKC')).forEach(function (part) {
        part = QUOTES[part] || (DASHES.test(part) ? '-' : (/\s/.test(part) ? ' ' : part));
        if (part === ' ' && out.slice(-1) === ' ') return;
        out += part;
      });
    });
    return out.trim();
  }

  // --- the selection -----------------------------------------------------------------------------

  function paragraphOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    while (element && element !== body) {
      if (PARAGRAPH.test(element.id)) return element;
      element = element.parentElement;
    }
    return null;
  }

  function inNote(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return Boolean(element && element.closest(SKIP));
  }

  /* The raw offset in `text` (a rawText result) of the boundary point (container, offset). */
  function rawOffset(text, container, offset) {
    var point = document.createRange();
    point.setStart(container, offset);
    for (var i = 0; i < text.pieces.length; i++) {
      var piece = text.pieces[i];
      if (piece.node === container) return piece.start + offset;
      if (point.comparePoint(piece.node, 0) >= 0) return piece.start;
    }
    return text.raw.length;
  }

  /* What the selection `range` quotes: {paragraph, start, end, quote}, or {error} for a selection
     the build could not anchor, or null when it is not in the article's text at all. */
  function describe(range) {
    var first = paragraphOf(range.startContainer);
    var last = paragraphOf(range.endContainer);
    if (!first || !last) return { error: 'Notes quote paragraphs: select text inside one paragraph of the article.' };
    if (inNote(range.startContainer) || inNote(range.endContainer)) {
      return { error: "Select the article's own text, not a note or its marker." };
    }
    var raw = rawText(first);
    var start = rawOffset(raw, range.startContainer, range.startOffset);
    var end = last === first ? rawOffset(raw, range.endContainer, range.endOffset) : raw.raw.length;
    if (last !== first) {
      var rest = rawText(last);
      if (collapse(rest.raw.slice(0, rawOffset(rest, range.endContainer, range.endOffset))).text) {
        return { error: 'A note quotes one paragraph: select text inside one paragraph only.' };
      }
    }
    var collapsed = collapse(raw.raw);
    var from = collapsed.map[start];
    var to = collapsed.map[end];
    while (from < to && collapsed.text[from] === ' ') from++;
    while (to > from && collapsed.text[to - 1] === ' ') to--;
    if (from >= to) return null;
    return { paragraph: paragraphs().indexOf(first), start: from, end: to,
             quote: collapsed.text.slice(from, to) };
  }

  // --- prefix or suffix for a repeated quote -----------------------------------------------------

  function occurrences(text, quote) {
    var found = [];
    for (var at = text.indexOf(quote); at >= 0; at = text.indexOf(quote, at + 1)) found.push(at);
    return found;
  }

  function prefixFits(text, at, prefix) {
    return fold(text.slice(Math.max(0, at - 3 * prefix.length - 16), at)).endsWith(fold(prefix));
  }

  function suffixFits(text, end, suffix) {
    return fold(text.slice(end, end + 3 * suffix.length + 16)).startsWith(fold(suffix));
  }

  /* The fewest whole words next to the quote that no other occurrence shares. */
  function picking(words, fits, others, join) {
    for (var count = 1; count <= Math.min(words.length, MAX_WORDS); count++) {
      var context = join(words, count);
      if (!others.some(function (other) { return fits(other, context); })) return context;
    }
    return null;
  }

  function context(text, selection) {
    var at = selection.at;
    var length = selection.quote.length;
    var others = occurrences(text, selection.quote).filter(function (other) { return other !== at; });
    if (!others.length) return {};
    var before = text.slice(Math.max(0, at - 200), at).split(/\s+/).filter(Boolean);
    var after = text.slice(at + length, at + length + 200).split(/\s+/).filter(Boolean);
    var prefix = picking(before, function (other, words) { return prefixFits(text, other, words); }, others,
                         function (words, count) { return words.slice(-count).join(' '); });
    var suffix = picking(after, function (other, words) { return suffixFits(text, other + length, words); }, others,
                         function (words, count) { return words.slice(0, count).join(' '); });
    if (prefix && (!suffix || prefix.split(' ').length <= suffix.split(' ').length)) return { prefix: prefix };
    if (suffix) return { suffix: suffix };
    return { ambiguous: true };
  }

  // --- the YAML ----------------------------------------------------------------------------------

  function slug(text) {
    var words = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
    var id = '';
    for (var i = 0; i < words.length && i < 4; i++) {
      if (id && (id + '-' + words[i]).length > 40) break;
      id = id ? id + '-' + words[i] : words[i].slice(0, 40);
    }
    var unique = id || 'note';
    for (var n = 2; document.getElementById(unique); n++) unique = (id || 'note') + '-' + n;
    return unique;
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return String(n).padStart(2, '0'); };
    return now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate());
  }

  function yaml(selection) {
    var blocks = paragraphs().map(blockText);
    var text = blocks.join(SEPARATOR);
    selection.at = blocks.slice(0, selection.paragraph).reduce(function (sum, block) {
      return sum + block.length + SEPARATOR.length;
    }, 0) + selection.start;
    var around = context(text, selection);
    var lines = ['- id: ' + slug(selection.quote), '  quote: ' + JSON.stringify(selection.quote)];
    if (around.prefix) lines.push('  prefix: ' + JSON.stringify(around.prefix));
    if (around.suffix) lines.push('  suffix: ' + JSON.stringify(around.suffix));
    if (around.ambiguous) lines.push('  # the quote repeats with the same words around it: add prefix or suffix by hand');
    return lines.concat(['  kind: context', '  note: |', '    …', '  editor: …', '  date: ' + today(), '']).join('\n');
  }

  // --- the floating button -----------------------------------------------------------------------

  var style = document.createElement('style');
  style.textContent =
    '.annotate-dev{position:absolute;z-index:50;display:flex;gap:.5rem;align-items:center;' +
    'padding:.3rem .4rem;border:1px solid #555;border-radius:4px;background:#fff;color:#111;' +
    'font:600 .85rem system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.25)}' +
    '.annotate-dev[hidden]{display:none}' +
    '.annotate-dev button{font:inherit;padding:.2rem .5rem;cursor:pointer}';
  document.head.appendChild(style);

  var box = document.createElement('div');
  box.className = 'annotate-dev';
  box.hidden = true;
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Copy annotation YAML';
  var status = document.createElement('span');
  status.setAttribute('role', 'status');
  box.appendChild(button);
  box.appendChild(status);
  document.body.appendChild(box);

  var chosen = null; // the current selection's description
  var keepUntil = 0; // keep "Copied" on screen a moment, whatever the selection does

  function showAt(range, message) {
    var rect = range.getBoundingClientRect();
    box.style.left = Math.max(4, Math.round(rect.left + window.scrollX)) + 'px';
    box.style.top = Math.round(rect.bottom + window.scrollY + 6) + 'px';
    button.hidden = Boolean(message);
    status.textContent = message || '';
    box.hidden = false;
  }

  function update() {
    if (Date.now() < keepUntil) return;
    var selection = window.getSelection();
    var range = selection && selection.rangeCount && !selection.isCollapsed ? selection.getRangeAt(0) : null;
    var inside = range && (body.contains(range.startContainer) || body.contains(range.endContainer));
    var described = inside ? describe(range) : null;
    chosen = described && !described.error ? described : null;
    if (!described) box.hidden = true;
    else showAt(range, described.error);
  }

  function fallbackCopy(text) {
    var selection = window.getSelection();
    var saved = selection.rangeCount ? selection.getRangeAt(0) : null;
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.cssText = 'position:fixed;top:0;left:0;opacity:0';
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
    area.remove();
    if (saved) { selection.removeAllRanges(); selection.addRange(saved); }
    return copied;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; },
                                                      function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  button.addEventListener('mousedown', function (event) { event.preventDefault(); }); // keep the selection
  button.addEventListener('click', function () {
    if (!chosen) return;
    var text = yaml(chosen);
    box.setAttribute('data-yaml', text);
    keepUntil = Date.now() + 1500;
    copy(text).then(function (copied) {
      status.textContent = copied ? 'Copied' : 'Could not copy: the YAML is in the console';
      if (!copied) console.log(text); // eslint-disable-line no-console
    });
  });

  var timer = 0;
  document.addEventListener('selectionchange', function () {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
})();
