/* search.js: the /search/ page. Pagefind's own Default UI (pagefind/pagefind-ui.js) over the index that
 * reader/search.py builds with the site; this file only configures it.
 *
 * - The bundle's location and the base path come from the page (data-bundle, data-base): the index
 *   holds URLs from the site's root, so the site works under any sub-path.
 * - An editor's note is indexed in the article's endnotes, under a heading "endnote-<id>" (the endnotes
 *   show in print only); its sub-result is pointed at the note's permalink "#<id>" beside its passage.
 * - The query of the header's search box (?q=) is searched on arrival, and the address keeps the
 *   current query, so Back returns to the same results.
 * Without JavaScript (or Pagefind's script) the page explains itself and links to the indexes
 * (templates/search.html); this file hides that explanation once search is there.
 */
(function () {
  'use strict';

  var root = document.getElementById('search');
  if (!root || typeof window.PagefindUI !== 'function') return;

  var ENDNOTE = /#endnote-([^#]+)$/;

  function toPermalink(url) {
    return url.replace(ENDNOTE, '#$1');
  }

  function pointNotesAtPermalinks(result) {
    (result.sub_results || []).forEach(function (sub) { sub.url = toPermalink(sub.url); });
    return result;
  }

  // The Default UI names its box by a title only; a label, which shows, names it for everyone.
  function labelTheBox(input) {
    if (!input) return;
    input.id = 'search-input';
    var label = document.createElement('label');
    label.className = 'search-label';
    label.htmlFor = input.id;
    label.textContent = 'Search the articles, notes and actors';
    root.parentNode.insertBefore(label, root);
  }

  var ui = new window.PagefindUI({
    element: '#search',
    bundlePath: root.getAttribute('data-bundle'),
    baseUrl: root.getAttribute('data-base'),
    showSubResults: true,
    showImages: false,
    processResult: pointNotesAtPermalinks,
    translations: { placeholder: 'Search' }
  });

  labelTheBox(root.querySelector('.pagefind-ui__search-input'));
  var needsScript = document.querySelector('.search-needs-js');
  if (needsScript) needsScript.hidden = true;  // shown until search is here, so also when its script fails to load

  // Pagefind's UI lists the filters of the first results it gets, and a search run on arrival can
  // finish before the filter data is in: the UI then lacks a filter (say Stance) until the next
  // search. So the filters are loaded first, through Pagefind's module, which is one instance per
  // page, shared with the UI; if that fails, the search runs all the same.
  function filtersLoaded() {
    return import(root.getAttribute('data-bundle') + 'pagefind.js')
      .then(function (pagefind) { return pagefind.filters(); })
      .catch(function () {});
  }

  var query = new URLSearchParams(window.location.search).get('q');
  if (query) filtersLoaded().then(function () { ui.triggerSearch(query); });

  // Keep ?q= in step with the box, so that Back from a result returns to the same search.
  root.addEventListener('input', function (event) {
    if (!event.target.matches('input[type="text"], input[type="search"]')) return;
    var params = new URLSearchParams(window.location.search);
    if (event.target.value) params.set('q', event.target.value); else params.delete('q');
    var search = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (search ? '?' + search : ''));
  });
})();
