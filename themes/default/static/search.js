/*
 * tolk search box: searches the per-language index that `tolk build` writes
 * (search-<lang>.json, format in src/search.rs and docs/search.md).
 *
 * - No framework, no eval, no inline styles or HTML strings: every text that
 *   comes from the index goes in through textContent, so the script works
 *   under a strict Content-Security-Policy (script-src 'self').
 * - The index is fetched only when the reader first focuses or types in the
 *   box, from the URL in the form's data-search-index attribute (relative to
 *   the page), so pages cost nothing until search is used.
 * - The browser does not stem. The index stores, for every stem, the words
 *   it was made from; a typed word is looked up among those words (and as a
 *   stem), and the last word, still being typed, also matches every word and
 *   stem it is a prefix of. Words are folded exactly as the Rust side does:
 *   decomposed, combining marks dropped, lowercased, cut at every character
 *   that is not a letter or digit, one-character words ignored.
 * - WAI-ARIA combobox with a listbox popup: arrow keys move through the
 *   results, Enter opens one, Escape closes the list (and clears the box when
 *   the list is already closed).
 *
 * Markup (the theme's template; only data-search-index and the input are
 * required, the rest is created when missing):
 *
 *   <form class="tolk-search" role="search" action="…"
 *         data-search-index="../search-nl-nl.json"
 *         data-search-loading="Zoekindex laden…"
 *         data-search-none="Geen resultaten"
 *         data-search-count="{n} resultaten"
 *         data-search-count-one="1 resultaat"
 *         data-search-error="Zoeken is niet beschikbaar">
 *     <label for="tolk-search-input">Zoeken</label>
 *     <input id="tolk-search-input" type="search" autocomplete="off">
 *     <ul id="tolk-search-results" role="listbox" hidden></ul>
 *     <p class="tolk-search-status" aria-live="polite"></p>
 *   </form>
 */
(function () {
  'use strict';

  // DOM clobbering: a named element (`<img name="querySelectorAll">`)
  // replaces a method of the same name on `document`, not on the
  // prototypes, so the DOM is only ever called through them.
  var D = typeof Document !== 'undefined' ? Document.prototype : null;
  var E = typeof Element !== 'undefined' ? Element.prototype : null;
  var baseURI = D ? Object.getOwnPropertyDescriptor(Node.prototype, 'baseURI').get.call(document) : '';
  function make(tag) { return D.createElement.call(document, tag); }
  function textNode(s) { return D.createTextNode.call(document, s); }
  // The label of a hit from the other language's index (`data-search-other`;
  // a theme written before Dutch pages had a fallback sets only
  // `data-search-dutch`, right only for a Dutch hit).
  function otherLabel(text, dutch) {
    return text('other', '') || (dutch ? text('dutch', 'in Dutch') : 'in English');
  }
  // "1 resultaat", not "1 resultaten": one hit has a text of its own.
  function count(text, n) {
    // A theme's own form without `data-search-count-one` keeps its
    // language: its plural with 1, not English.
    return (n === 1 && text('count-one', '')) || text('count', '{n} results').replace('{n}', String(n));
  }
  // The page's language, read past any clobbering `name="documentElement"`.
  var pageLang = D ? Object.getOwnPropertyDescriptor(D, 'documentElement').get.call(document).lang : '';

  var MAX_RESULTS = 10;
  var MAX_PREFIX_STEMS = 40;
  // An English query with fewer hits also shows matching Dutch-only articles.
  var FEW_HITS = 3;
  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var MARK = /\p{M}/gu;

  /** Folded words of a text, as `tokenize` in src/search.rs cuts them. */
  function tokenize(text) {
    var folded = text.normalize('NFD').replace(MARK, '').toLowerCase();
    var words = folded.match(WORD) || [];
    return words.filter(function (w) { return Array.from(w).length >= 2; });
  }

  /** Decodes a postings string into [sectionId, weight] pairs. */
  function decodePostings(code) {
    var out = [];
    var value = 0;
    var scale = 1;
    var section = 0;
    for (var i = 0; i < code.length; i++) {
      var d = DIGITS.indexOf(code.charAt(i));
      if (d < 0) { return out; }
      if (d >= 32) {
        value += (d - 32) * scale;
        scale *= 32;
        continue;
      }
      value += d * scale;
      section += Math.floor(value / 4);
      out.push([section, value % 4]);
      value = 0;
      scale = 1;
    }
    return out;
  }

  /** Lower bound of `key` in a sorted array of strings. */
  function lowerBound(sorted, key) {
    var lo = 0;
    var hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /** The loaded index with its lookup tables. */
  function Index(data) {
    this.docs = Array.isArray(data.docs) ? data.docs : [];
    this.sections = Array.isArray(data.sections) ? data.sections : [];
    this.terms = data.terms && typeof data.terms === 'object' ? data.terms : {};
    this.stop = new Set(Array.isArray(data.stop) ? data.stop : []);
    this.lang = String(data.lang || '');
    this.dutch = this.lang.slice(0, 2) === 'nl';
    this.postings = new Map();
    // Every word and stem, mapped to the stems it stands for.
    this.lookup = new Map();
    var self = this;
    Object.keys(this.terms).forEach(function (stem) {
      self.add(stem, stem);
      var words = String((self.terms[stem] || [])[0] || '');
      words.split(' ').forEach(function (w) {
        if (w) { self.add(w.charAt(0) === '~' ? stem + w.slice(1) : w, stem); }
      });
    });
    this.keys = Array.from(this.lookup.keys()).sort();
  }

  Index.prototype.add = function (key, stem) {
    var stems = this.lookup.get(key);
    if (!stems) { this.lookup.set(key, [stem]); } else if (stems.indexOf(stem) < 0) { stems.push(stem); }
  };

  Index.prototype.postingsOf = function (stem) {
    var list = this.postings.get(stem);
    if (!list) {
      list = decodePostings(String((this.terms[stem] || [])[1] || ''));
      this.postings.set(stem, list);
    }
    return list;
  };

  /**
   * Other forms of a Dutch word, by the rules the index's stems follow
   * (search.rs, dutch_families): plural -s/-en, -ies/-ie, z/s, v/f and a
   * doubled consonant before -en. A word the index never saw still finds
   * its family (`prijzen` finds `prijs`).
   */
  function dutchForms(word) {
    var out = [];
    var base = word;
    if (/ies$/.test(word)) { out.push(word.slice(0, -1)); }
    if (/[^aeiouy]en$/.test(word) && word.length > 4) {
      base = word.slice(0, -2);
      out.push(base);
      var last = base.charAt(base.length - 1);
      if (last === base.charAt(base.length - 2)) { out.push(base.slice(0, -1)); }
      if (last === 'z') { out.push(base.slice(0, -1) + 's'); }
      if (last === 'v') { out.push(base.slice(0, -1) + 'f'); }
    } else if (/[^aeiouy]s$|ies$/.test(word)) {
      out.push(word.slice(0, -1));
    }
    out.push(word + 's', word + 'en');
    return out;
  }

  /** Stems for one typed word, each with a factor: 1 exact, 0.5 prefix. */
  Index.prototype.stemsFor = function (word, prefix) {
    var found = new Map();
    var self = this;
    (this.lookup.get(word) || []).forEach(function (s) { found.set(s, 1); });
    if (found.size === 0 && this.dutch) {
      dutchForms(word).forEach(function (form) {
        (self.lookup.get(form) || []).forEach(function (s) { found.set(s, 1); });
      });
    }
    if (prefix || found.size === 0) {
      for (var i = lowerBound(this.keys, word); i < this.keys.length; i++) {
        var key = this.keys[i];
        if (key.slice(0, word.length) !== word || found.size >= MAX_PREFIX_STEMS) { break; }
        this.lookup.get(key).forEach(function (s) { if (!found.has(s)) { found.set(s, 0.5); } });
      }
    }
    return found;
  };

  /** Ranked sections for a query: every word must match (AND). */
  Index.prototype.search = function (query, limit) {
    var words = tokenize(query);
    var open = !/\s$/.test(query);
    var total = Math.max(this.sections.length, 1);
    var scores = null;
    var self = this;
    for (var i = 0; i < words.length; i++) {
      var last = open && i === words.length - 1;
      if (!last && this.stop.has(words[i])) { continue; }
      var stems = this.stemsFor(words[i], last);
      if (stems.size === 0) {
        if (last && this.stop.has(words[i])) { continue; }
        return [];
      }
      var word = new Map();
      stems.forEach(function (factor, stem) {
        var list = self.postingsOf(stem);
        var idf = Math.log(1 + total / Math.max(list.length, 1));
        list.forEach(function (p) {
          word.set(p[0], Math.max(word.get(p[0]) || 0, factor * idf * (1 + p[1])));
        });
      });
      if (scores === null) {
        scores = word;
      } else {
        var next = new Map();
        scores.forEach(function (score, section) {
          if (word.has(section)) { next.set(section, score + word.get(section)); }
        });
        scores = next;
      }
    }
    if (scores === null) { return []; }
    var ranked = Array.from(scores.entries());
    ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return ranked.slice(0, limit || MAX_RESULTS).map(function (r) { return r[0]; });
  };

  /**
   * Sections of articles that exist only in the other index's language
   * (no page in `own`) matching `query`, for a search with fewer than
   * `few` hits in `own`; [] otherwise. On English pages: the Dutch-only
   * articles; on Dutch pages: the English-only ones (their Dutch pages
   * carry the English text, which the Dutch index does not hold). At
   * most `limit` (the box's ten by default): the ones that rank best
   * among all matches, not only among the other index's first ten, most
   * of which may have a page in `own`.
   */
  function otherOnly(own, other, query, few, limit) {
    if (own.search(query).length >= few) { return []; }
    var mine = new Set(own.docs.map(function (d) { return String(d[0] || ''); }));
    var from = '/' + other.lang + '/';
    var to = '/' + own.lang + '/';
    return other.search(query, other.sections.length).filter(function (id) {
      var doc = other.docs[(other.sections[id] || [])[0]] || [];
      return !mine.has(String(doc[0] || '').replace(from, to));
    }).slice(0, limit || MAX_RESULTS);
  }

  /**
   * A hit from the other language's index: its text marked in that
   * language, its title labelled "(in Dutch)" / "(in het Engels)" in the
   * page's language.
   */
  function markOther(hit, label, lang) {
    Array.prototype.forEach.call(E.querySelectorAll.call(hit, 'span'), function (s) { s.lang = lang; });
    var title = E.querySelector.call(hit, '.tolk-search-title');
    var tag = make('span');
    tag.className = 'tolk-search-lang';
    tag.textContent = ' (' + label + ')';
    tag.lang = pageLang || '';
    (title || hit).appendChild(tag);
  }

  /** A safe link to a section: http(s) or file only, never javascript:. */
  function sectionUrl(base, docUrl, anchor) {
    try {
      var url = new URL(String(docUrl), base);
      if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') { return null; }
      url.hash = anchor ? encodeURIComponent(String(anchor)) : '';
      return url.href;
    } catch (e) {
      return null;
    }
  }

  /**
   * Appends `text` to `parent` with the words that a query word begins
   * marked (<mark>), as text nodes: never parsed as HTML.
   */
  function appendMarked(parent, text, words) {
    text = String(text);
    if (!words.length) { parent.appendChild(textNode(text)); return; }
    var re = /[\p{Alphabetic}\p{N}]+/gu;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      var folded = m[0].normalize('NFD').replace(MARK, '').toLowerCase();
      var hit = words.some(function (w) { return folded.indexOf(w) === 0; });
      if (!hit) { continue; }
      if (m.index > last) { parent.appendChild(textNode(text.slice(last, m.index))); }
      var mark = make('mark');
      mark.textContent = m[0];
      parent.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) { parent.appendChild(textNode(text.slice(last))); }
  }

  /** One result's lines: title, section (when not the title), snippet. */
  function resultLines(parent, doc, section, words) {
    var docTitle = String(doc[1] || '');
    var heading = String(section[1] || '');
    var title = make('span');
    title.className = 'tolk-search-title';
    appendMarked(title, docTitle, words);
    parent.appendChild(title);
    if (heading && heading !== docTitle) {
      var sec = make('span');
      sec.className = 'tolk-search-section';
      appendMarked(sec, heading, words);
      parent.appendChild(sec);
    }
    var snippet = make('span');
    snippet.className = 'tolk-search-snippet';
    appendMarked(snippet, section[3] || '', words);
    parent.appendChild(snippet);
  }

  var counter = 0;

  function setup(root) {
    var input = E.querySelector.call(root, 'input[type="search"], input');
    if (!input) { return; }
    counter += 1;
    var text = function (name, fallback) { return root.getAttribute('data-search-' + name) || fallback; };
    var indexUrl;
    try {
      indexUrl = new URL(root.getAttribute('data-search-index') || '', baseURI).href;
    } catch (e) {
      return;
    }
    var list = E.querySelector.call(root, '[role="listbox"]');
    if (!list) {
      list = make('ul');
      list.hidden = true;
      root.appendChild(list);
    }
    if (!list.id) { list.id = 'tolk-search-results-' + counter; }
    list.setAttribute('role', 'listbox');
    // Not a Tab stop: the options are reached with the arrow keys from the
    // box. A list that scrolls is one by default in Chromium, so Tab from
    // the box landed on the list itself, with no option chosen.
    list.tabIndex = -1;
    var status = E.querySelector.call(root, '[aria-live]');
    if (!status) {
      status = make('p');
      status.className = 'tolk-search-status';
      status.setAttribute('aria-live', 'polite');
      root.appendChild(status);
    }
    // "All results": the results page (`<lang>/search/?q=`), after the
    // list and outside it (a listbox holds only options).
    var pageUrl = root.getAttribute('data-search-page') || '';
    var allLink = null;
    if (pageUrl) {
      allLink = make('a');
      allLink.className = 'tolk-search-all';
      allLink.href = pageUrl;
      allLink.hidden = true;
      allLink.textContent = text('all', 'All results');
    }
    // The list and the link drop down together, over the page: the link
    // in the page's flow below an absolutely placed list was covered by
    // it, and pushed the header down while results showed.
    var popup = make('div');
    popup.className = 'tolk-search-popup';
    list.parentNode.insertBefore(popup, list);
    popup.appendChild(list);
    if (allLink) { popup.appendChild(allLink); }
    // What the status says, shown while no list is: on a slow line the
    // index (megabytes on a large site) took seconds with nothing on
    // screen, and "no results" was said only to screen readers.
    var note = make('p');
    note.className = 'tolk-search-note';
    note.setAttribute('aria-hidden', 'true');
    note.hidden = true;
    popup.insertBefore(note, list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');

    var index = null;
    var loading = null;
    var options = [];
    var active = -1;
    var timer = 0;

    function load() {
      if (!loading) {
        say(text('loading', 'Loading search…'));
        loading = fetch(indexUrl, { credentials: 'same-origin' })
          .then(function (r) {
            if (!r.ok) { throw new Error('HTTP ' + r.status); }
            return r.json();
          })
          .then(function (data) {
            index = new Index(data);
            say('');
          })
          .catch(function () {
            say(text('error', 'Search is not available.'));
            loading = null;
          });
      }
      return loading;
    }

    function setActive(k) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute('aria-selected', 'false');
        options[active].classList.remove('is-active');
      }
      active = k;
      if (k >= 0 && options[k]) {
        options[k].setAttribute('aria-selected', 'true');
        options[k].classList.add('is-active');
        input.setAttribute('aria-activedescendant', options[k].id);
        if (options[k].scrollIntoView) { options[k].scrollIntoView({ block: 'nearest' }); }
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    // Loading, "no results" and errors are shown; a count is not (the
    // list is there to see).
    var noteText = '';
    function showNote() {
      note.textContent = noteText;
      note.hidden = !noteText || !input.value.trim() || !list.hidden;
    }
    function say(msg, counted) {
      status.textContent = msg;
      noteText = counted ? '' : msg;
      showNote();
    }

    function close() {
      list.hidden = true;
      if (allLink) { allLink.hidden = true; }
      showNote();
      input.setAttribute('aria-expanded', 'false');
      setActive(-1);
    }

    function openList() {
      if (options.length > 0) {
        list.hidden = false;
        if (allLink) { allLink.hidden = false; }
        showNote();
        input.setAttribute('aria-expanded', 'true');
      }
    }

    function render(sections, dutch) {
      var words = tokenize(input.value);
      setActive(-1);
      options = [];
      list.replaceChildren();
      var hits = sections.map(function (id) { return [index, id]; });
      (dutch || []).forEach(function (id) { hits.push([fallback, id]); });
      hits.forEach(function (hit, k) {
        var from = hit[0];
        var id = hit[1];
        var section = from.sections[id] || [];
        var doc = from.docs[section[0]] || [];
        var href = sectionUrl(indexUrl, doc[0] || '', section[2] || '');
        if (!href) { return; }
        var li = make('li');
        li.id = list.id + '-' + k;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        // An option holds no link (axe: nested-interactive): it carries
        // its target, and a click or Enter goes there.
        li.setAttribute('data-href', href);
        resultLines(li, doc, section, words);
        if (from !== index) { markOther(li, otherLabel(text, from.dutch), from.dutch ? 'nl' : 'en'); }
        li.addEventListener('click', function () { window.location.assign(href); });
        li.addEventListener('mousemove', function () {
          var at = options.indexOf(li);
          if (at !== active) { setActive(at); }
        });
        list.appendChild(li);
        options.push(li);
      });
      if (allLink) {
        allLink.href = pageUrl + '?q=' + encodeURIComponent(input.value.trim());
      }
      if (input.value.trim() === '') {
        say('');
        close();
      } else if (options.length === 0) {
        say(text('none', 'No results'));
        close();
      } else {
        say(count(text, options.length), true);
        openList();
      }
    }

    // The other language's index (English pages: the Dutch one; Dutch
    // pages of a site with English-only articles: the English one),
    // loaded when a query finds few sections.
    var fallbackUrl = null;
    try {
      var f = root.getAttribute('data-search-fallback');
      fallbackUrl = f ? new URL(f, baseURI).href : null;
    } catch (e) { fallbackUrl = null; }
    var fallback = null;
    var fallbackLoading = null;
    function loadFallback() {
      if (!fallbackLoading) {
        fallbackLoading = fetch(fallbackUrl, { credentials: 'same-origin' })
          .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
          .then(function (data) { fallback = new Index(data); })
          .catch(function () { fallbackLoading = null; });
      }
      return fallbackLoading;
    }

    function run() {
      load().then(function () {
        if (!index) { return; }
        var query = input.value;
        var found = index.search(query);
        if (!fallbackUrl || found.length >= FEW_HITS || query.trim() === '') { render(found); return; }
        loadFallback().then(function () {
          if (input.value !== query) { return; }
          render(found, fallback ? otherOnly(index, fallback, query, FEW_HITS) : []);
        });
      });
    }

    input.addEventListener('focus', function () { load(); showNote(); });
    input.addEventListener('input', function () {
      // Until the new query's results: "loading" if the index is not in,
      // nothing otherwise (the last query's "no results" would flash).
      if (index) { note.hidden = true; } else { showNote(); }
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    input.addEventListener('keydown', function (e) {
      var n = options.length;
      switch (e.key) {
        case 'ArrowDown':
          if (n === 0) { return; }
          e.preventDefault();
          openList();
          setActive((active + 1) % n);
          break;
        case 'ArrowUp':
          if (n === 0) { return; }
          e.preventDefault();
          openList();
          setActive(active <= 0 ? n - 1 : active - 1);
          break;
        case 'Enter': {
          var pick = active >= 0 ? active : (list.hidden ? -1 : 0);
          var target = pick >= 0 && options[pick] ? options[pick].getAttribute('data-href') : null;
          e.preventDefault();
          if (target) {
            window.location.assign(target);
          } else if (pageUrl && input.value.trim()) {
            window.location.assign(pageUrl + '?q=' + encodeURIComponent(input.value.trim()));
          } else {
            run();
          }
          break;
        }
        case 'Escape':
          if (!list.hidden) {
            e.preventDefault();
            close();
          } else if (input.value !== '') {
            e.preventDefault();
            input.value = '';
            render([]);
          }
          break;
        default:
      }
    });
    // Keep focus in the box while a result is clicked, so the list is not
    // closed (by focusout) before the click lands; Safari does not focus links.
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    if (allLink) { allLink.addEventListener('mousedown', function (e) { e.preventDefault(); }); }
    root.addEventListener('focusout', function (e) {
      if (!e.relatedTarget || !root.contains(e.relatedTarget)) {
        close();
        note.hidden = true;
      }
    });
    // The form submits to the results page (`action`, with `q`); Enter on
    // a chosen option opens that hit instead (the keydown above).
    root.addEventListener('submit', function (e) {
      if (!pageUrl || !input.value.trim()) { e.preventDefault(); }
    });
  }

  /** The results page: every hit for `?q=`, as links. */
  function setupPage(root) {
    var text = function (name, fallback) { return root.getAttribute('data-search-' + name) || fallback; };
    var status = E.querySelector.call(root, '.tolk-search-page-status');
    var list = E.querySelector.call(root, '.tolk-search-page-results');
    var query = new URLSearchParams(location.search).get('q') || '';
    var box = D.getElementById.call(document, 'tolk-search-input');
    if (box && !box.value) { box.value = query; }
    if (!query.trim()) { return; }
    var indexUrl;
    try {
      indexUrl = new URL(root.getAttribute('data-search-index') || '', baseURI).href;
    } catch (e) {
      return;
    }
    status.textContent = text('loading', 'Loading search…');
    fetch(indexUrl, { credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (data) {
        var index = new Index(data);
        var hits = index.search(query, 500).map(function (id) { return [index, id]; });
        // A page with few hits: the other language's articles that
        // match too, labelled, as the search box offers them.
        var fallbackUrl = null;
        try {
          var f = root.getAttribute('data-search-fallback');
          fallbackUrl = f ? new URL(f, baseURI).href : null;
        } catch (e) { fallbackUrl = null; }
        if (!fallbackUrl || hits.length >= FEW_HITS) { return [index, hits, null]; }
        return fetch(fallbackUrl, { credentials: 'same-origin' })
          .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
          .then(function (nl) {
            var dutch = new Index(nl);
            otherOnly(index, dutch, query, FEW_HITS, 500).forEach(function (id) { hits.push([dutch, id]); });
            return [index, hits, dutch];
          })
          .catch(function () { return [index, hits, null]; });
      })
      .then(function (found) {
        var index = found[0];
        var hits = found[1];
        var words = tokenize(query);
        var shown = 0;
        hits.forEach(function (hit) {
          var from = hit[0];
          var section = from.sections[hit[1]] || [];
          var doc = from.docs[section[0]] || [];
          var href = sectionUrl(indexUrl, doc[0] || '', section[2] || '');
          if (!href) { return; }
          var li = make('li');
          var a = make('a');
          a.href = href;
          resultLines(a, doc, section, words);
          if (from !== index) { markOther(a, otherLabel(text, from.dutch), from.dutch ? 'nl' : 'en'); }
          li.appendChild(a);
          list.appendChild(li);
          shown += 1;
        });
        status.textContent = shown
          ? count(text, shown)
          : text('none', 'No results');
      })
      .catch(function () { status.textContent = text('error', 'Search is not available.'); });
  }

  function start() {
    Array.prototype.forEach.call(D.querySelectorAll.call(document, 'form[data-search-index]'), setup);
    Array.prototype.forEach.call(D.querySelectorAll.call(document, '.tolk-search-page[data-search-index]'), setupPage);
  }

  if (typeof module === 'object' && module.exports) {
    // For tests under Node: the pure parts, no DOM needed.
    module.exports = { tokenize: tokenize, decodePostings: decodePostings, Index: Index, dutchForms: dutchForms, dutchOnly: otherOnly, otherOnly: otherOnly };
  } else if (Object.getOwnPropertyDescriptor(D, 'readyState').get.call(document) === 'loading') {
    EventTarget.prototype.addEventListener.call(document, 'DOMContentLoaded', start);
  } else {
    start();
  }
}());
