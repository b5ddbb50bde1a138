// tolk's page behaviour: tabs, the side-by-side view of English originals,
// and a language switch that keeps the reader's place. No framework, no eval:
// works under a strict Content-Security-Policy. Without JavaScript the page
// is complete: the first tab is shown, originals show on hover/focus by CSS.
(function () {
  "use strict";

  // DOM clobbering: a named element (`<img name="querySelectorAll">`)
  // replaces a method or property of the same name on `document`, not on
  // the prototypes, so the DOM is only ever reached through them.
  var D = Document.prototype;
  function all(sel) { return D.querySelectorAll.call(document, sel); }
  function one(sel) { return D.querySelector.call(document, sel); }
  function byId(id) { return D.getElementById.call(document, id); }
  function make(tag) { return D.createElement.call(document, tag); }
  function text(s) { return D.createTextNode.call(document, s); }
  var body = Object.getOwnPropertyDescriptor(D, "body").get.call(document);
  function listen(type, fn) { EventTarget.prototype.addEventListener.call(document, type, fn); }
  function focused() { return Object.getOwnPropertyDescriptor(D, "activeElement").get.call(document); }

  // The search box needs JavaScript: show it only when scripts run.
  all("form.tolk-search[hidden]").forEach(function (f) { f.hidden = false; });

  var root = Object.getOwnPropertyDescriptor(D, "documentElement").get.call(document);

  // Dark mode: follows the system until the reader picks one; the pick is
  // remembered. The button says which it is (aria-pressed = dark).
  var THEME = "tolk.theme";
  var themeButton = one(".theme-toggle");
  function systemDark() { return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches); }
  function applyTheme(theme) {
    if (theme === "dark" || theme === "light") root.setAttribute("data-theme", theme);
    else root.removeAttribute("data-theme");
    var dark = theme ? theme === "dark" : systemDark();
    if (themeButton) themeButton.setAttribute("aria-pressed", dark ? "true" : "false");
  }
  var savedTheme = null;
  try { savedTheme = localStorage.getItem(THEME); } catch (e) { /* private mode */ }
  applyTheme(savedTheme);
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      var dark = themeButton.getAttribute("aria-pressed") === "true";
      var next = dark ? "light" : "dark";
      applyTheme(next);
      try { localStorage.setItem(THEME, next); } catch (e) { /* private mode */ }
    });
  }

  // The navigation: the page carries the branch that leads to it; the whole
  // tree comes from the shared toc-<lang>.<hash>.js (window.tolkNav). Each
  // branch's entries are built when it is first opened, so a large TOC costs
  // nothing until it is used. Labels go in with textContent, never as HTML.
  var nav = byId("site-nav");
  function norm(s) { return String(s).normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(); }
  // The tree's URLs are paths as tolk wrote them (percent-encoded, as
  // location.pathname is): one walk finds the nodes on the current path.
  var herePath = location.pathname;
  function samePage(u) { return u === herePath; }
  var onPath = new Set();
  function findPath(nodes) {
    var found = false;
    (nodes || []).forEach(function (node) {
      var below = node.c ? findPath(node.c) : false;
      if (below || (node.u && !node.x && samePage(node.u))) { onPath.add(node); found = true; }
    });
    return found;
  }
  function hasCurrent(node) { return onPath.has(node); }
  function label(node) {
    var el;
    if (node.u) {
      el = make("a");
      el.href = node.u;
      if (!node.x && samePage(node.u)) el.setAttribute("aria-current", "page");
    } else {
      el = make("span");
    }
    el.textContent = node.t;
    // A label in the other language (a Dutch-only article's title in the
    // English tree) says so: WCAG 3.1.2.
    if (node.l) el.lang = node.l;
    return el;
  }
  function buildList(nodes, ul, openAll) {
    nodes.forEach(function (node) {
      var li = make("li");
      if (!node.c || !node.c.length) {
        li.appendChild(label(node));
      } else {
        var details = make("details");
        var summary = make("summary");
        summary.appendChild(label(node));
        details.appendChild(summary);
        var sub = make("ul");
        details.appendChild(sub);
        var built = false;
        var fill = function () { if (!built) { built = true; buildList(node.c, sub, openAll); } };
        if (openAll || hasCurrent(node)) { details.open = true; fill(); }
        details.addEventListener("toggle", function () { if (details.open) fill(); });
        li.appendChild(details);
      }
      ul.appendChild(li);
    });
  }
  // The entries whose title holds every word of the filter, with the
  // branches above them.
  function filtered(nodes, words) {
    var out = [];
    nodes.forEach(function (node) {
      var t = norm(node.t);
      var hit = words.every(function (w) { return t.indexOf(w) >= 0; });
      var kids = node.c ? filtered(node.c, words) : [];
      if (hit && !kids.length) out.push({ t: node.t, l: node.l, u: node.u, x: node.x });
      else if (hit || kids.length) out.push({ t: node.t, l: node.l, u: node.u, x: node.x, c: kids });
    });
    return out;
  }
  if (nav && Array.isArray(window.tolkNav)) {
    var tree = window.tolkNav;
    findPath(tree);
    var list = nav.querySelector(":scope > ul") || make("ul");
    var box = make("div");
    box.className = "nav-filter";
    var input = make("input");
    input.type = "search";
    input.id = "nav-filter-input";
    input.autocomplete = "off";
    input.placeholder = nav.getAttribute("data-filter") || "Filter";
    input.setAttribute("aria-label", input.placeholder);
    input.setAttribute("aria-controls", "nav-tree");
    var none = make("p");
    none.className = "nav-filter-none";
    none.setAttribute("role", "status");
    box.appendChild(input);
    box.appendChild(none);
    nav.insertBefore(box, nav.firstChild);
    var fresh = make("ul");
    fresh.id = "nav-tree";
    buildList(tree, fresh, false);
    list.replaceWith(fresh);
    list = fresh;
    var timer = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var words = norm(input.value).split(/\s+/).filter(Boolean);
        var ul = make("ul");
        ul.id = "nav-tree";
        var nodes = words.length ? filtered(tree, words) : tree;
        buildList(nodes, ul, words.length > 0);
        none.textContent = words.length && !nodes.length ? "0" : "";
        list.replaceWith(ul);
        list = ul;
      }, 80);
    });
    var here = list.querySelector('[aria-current="page"]');
    // Scroll the navigation (not the page) to the current entry, after the
    // first paint (reading offsets forces a layout).
    if (here) {
      requestAnimationFrame(function () {
        if (nav.scrollHeight > nav.clientHeight) nav.scrollTop = Math.max(0, here.offsetTop - nav.clientHeight / 2);
      });
    }
  }

  // The menu button (phones): opens the navigation as a drawer over the
  // page. Without JavaScript it is a link to the navigation below the page.
  var menu = one(".menu-toggle");
  if (menu && nav) {
    menu.setAttribute("role", "button");
    menu.setAttribute("aria-expanded", "false");
    var openText = menu.textContent;
    var closeButton = make("button");
    closeButton.type = "button";
    closeButton.className = "nav-close";
    closeButton.textContent = nav.getAttribute("data-close") || "Close";
    nav.insertBefore(closeButton, nav.firstChild);
    var setMenu = function (open, focusBack) {
      nav.classList.toggle("open", open);
      body.classList.toggle("menu-open", open);
      menu.setAttribute("aria-expanded", open ? "true" : "false");
      menu.textContent = openText;
      if (open) {
        var first = nav.querySelector("#nav-filter-input") || nav.querySelector("a, summary");
        if (first) first.focus();
      } else if (focusBack) {
        menu.focus();
      }
    };
    menu.addEventListener("click", function (e) {
      e.preventDefault();
      setMenu(!nav.classList.contains("open"), false);
    });
    menu.addEventListener("keydown", function (e) {
      if (e.key === " ") { e.preventDefault(); setMenu(!nav.classList.contains("open"), false); }
    });
    closeButton.addEventListener("click", function () { setMenu(false, true); });
    listen("keydown", function (e) {
      if (e.key === "Escape" && nav.classList.contains("open")) { setMenu(false, true); }
    });
    nav.addEventListener("focusout", function (e) {
      if (nav.classList.contains("open") && e.relatedTarget && !nav.contains(e.relatedTarget) && e.relatedTarget !== menu) {
        setMenu(false, false);
      }
    });
  }

  // Keys: "/" focuses the search box, ← and → go to the previous and next
  // article (as in mdBook), never while the reader types.
  listen("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName) || (t.closest && t.closest('[role="tablist"]')))) return;
    if (e.key === "/") {
      var search = byId("tolk-search-input");
      if (search) { e.preventDefault(); search.focus(); }
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      var link = one(e.key === "ArrowLeft" ? ".prev-next a.prev" : ".prev-next a.next");
      if (link) { e.preventDefault(); location.assign(link.href); }
    }
  });

  // "On this page" marks the section being read: the last heading that
  // crossed the top part of the viewport. Only the observer's entries are
  // read (no layout is forced while the page loads).
  var outline = one(".on-this-page");
  // Only where the outline stands beside the article (see style.css).
  if (outline && "IntersectionObserver" in window && window.matchMedia && window.matchMedia("(min-width: 82rem)").matches) {
    var links = {};
    Array.prototype.forEach.call(outline.querySelectorAll('a[href^="#"]'), function (a) {
      links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
    });
    var marked = null;
    var last = null;
    var mark = function (a) {
      if (!a || a === marked) return;
      if (marked) marked.removeAttribute("aria-current");
      a.setAttribute("aria-current", "true");
      marked = a;
    };
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) mark(links[e.target.id]);
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Array.prototype.forEach.call(all(".body h2[id], .body h3[id]"), function (h) {
      if (links[h.id]) { observer.observe(h); last = links[h.id]; }
    });
    // A last section shorter than the screen never reaches the top part
    // of it: at the end of the page, it is the one being read (it stayed
    // unmarked, the one before it marked).
    var pending = false;
    window.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        var d = document.documentElement;
        if (window.innerHeight + window.scrollY >= d.scrollHeight - 2) mark(last);
      });
    }, { passive: true });
  }

  // Copy buttons on code blocks.
  Array.prototype.forEach.call(all(".body pre"), function (pre) {
    if (!navigator.clipboard || pre.closest(".tolk-checklist")) return;
    var b = make("button");
    b.type = "button";
    b.className = "copy-code";
    var copyText = body.getAttribute("data-copy") || "Copy";
    b.textContent = copyText;
    b.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      navigator.clipboard.writeText(code.textContent).then(function () {
        b.textContent = body.getAttribute("data-copied") || "Copied";
        setTimeout(function () { b.textContent = copyText; }, 1500);
      });
    });
    pre.classList.add("has-copy");
    pre.insertBefore(b, pre.firstChild);
  });

  // Tab sets (WAI-ARIA tabs pattern: arrow keys move, Home/End jump).
  all(".tabs").forEach(function (set) {
    var tabs = Array.prototype.slice.call(set.querySelectorAll('[role="tab"]'));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        var panel = byId(t.getAttribute("aria-controls"));
        if (panel) panel.hidden = !on;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (e) {
        var next = null;
        if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
        else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
        else if (e.key === "Home") next = tabs[0];
        else if (e.key === "End") next = tabs[tabs.length - 1];
        if (next) { e.preventDefault(); select(next, true); }
      });
    });
  });

  // The language switch lands on the same heading in the other language,
  // and the search page on the same query (`?q=`: it showed an empty
  // results page).
  all("a[data-keep-hash]").forEach(function (a) {
    a.addEventListener("click", function () {
      var url = a.href.split("#")[0];
      if (location.search && url.indexOf("?") < 0) url += location.search;
      a.href = url + location.hash;
    });
  });

  // Side-by-side: every block that holds segments gets a second column with
  // the English originals of its sentences. The choice is remembered.
  var KEY = "tolk.sxs";
  var toggle = one(".sxs-toggle");
  if (!toggle) return;
  var button = toggle.querySelector("button");
  toggle.hidden = false;
  var built = false;
  // An original identical to its Dutch half (a product name, a code) is
  // shown once, not twice.
  function differs(o) {
    var seg = o.previousElementSibling;
    return !seg || !seg.classList.contains("tolk-seg") || seg.textContent.trim() !== o.textContent.trim();
  }
  function english(origs) {
    var en = make("div");
    en.className = "sxs-en";
    en.lang = "en";
    origs.forEach(function (o, i) {
      if (i) en.appendChild(text(" "));
      var span = make("span");
      span.innerHTML = o.innerHTML; // built by tolk from the article's own Markdown
      span.setAttribute("data-of", o.id); // its sentence, for review mode
      en.appendChild(span);
    });
    return en;
  }
  function build() {
    if (built) return;
    built = true;
    var blocks = all(".body p, .body li, .body td, .body th, .body h2, .body h3, .body h4, article > h1");
    // Innermost blocks first (a paragraph before the list item around it),
    // each original in one row only: a list item's English stays beside
    // its own Dutch, not repeated by the item around it.
    Array.prototype.slice.call(blocks).reverse().forEach(function (block) {
      if (!block.matches("td, th") && block.closest("td, th")) return; // the cell takes it
      var found = block.querySelectorAll(":scope > .tolk-orig, :scope > * > .tolk-orig");
      var origs = Array.prototype.filter.call(found, function (o) {
        return differs(o) && !o.closest(".sxs-row");
      });
      if (!origs.length) return;
      var en = english(origs);
      // A table keeps its columns: the English goes under the Dutch in
      // the same cell.
      if (block.matches("td, th")) {
        en.classList.add("sxs-cell");
        block.appendChild(en);
        return;
      }
      var nl = make("div");
      nl.className = "sxs-nl";
      while (block.firstChild) nl.appendChild(block.firstChild);
      var row = make("div");
      row.className = "sxs-row";
      row.appendChild(nl);
      row.appendChild(en);
      block.appendChild(row);
    });
  }
  // Turning the view off puts every block back as it was.
  function unbuild() {
    if (!built) return;
    built = false;
    Array.prototype.forEach.call(all(".sxs-cell"), function (e) { e.remove(); });
    Array.prototype.forEach.call(all(".sxs-row"), function (row) {
      var block = row.parentNode;
      var nl = row.querySelector(":scope > .sxs-nl");
      while (nl && nl.firstChild) block.insertBefore(nl.firstChild, row);
      row.remove();
    });
  }
  function set(on, transient) {
    if (on) build(); else unbuild();
    body.classList.toggle("sxs", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.hide : button.dataset.show;
    if (transient) return;
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  button.addEventListener("click", function () { set(!body.classList.contains("sxs")); });
  // Reading mode: sentences are not tab stops and not underlined (a page
  // has hundreds), until the reader turns "originals per sentence" on; then
  // each is a stop that shows its original on focus. Remembered.
  var ORIG = "tolk.orig";
  var origButton = toggle.querySelector(".orig-toggle");
  function setOrig(on, transient) {
    body.classList.toggle("tolk-quiet", !on);
    Array.prototype.forEach.call(all(".tolk-seg[tabindex]"), function (s) { s.tabIndex = on ? 0 : -1; });
    if (origButton) origButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (transient) return;
    try { localStorage.setItem(ORIG, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  if (origButton) {
    origButton.addEventListener("click", function () { setOrig(body.classList.contains("tolk-quiet")); });
  }
  var savedOrig = null;
  try { savedOrig = localStorage.getItem(ORIG); } catch (e) { /* private mode */ }
  setOrig(savedOrig === "1");
  // Escape closes the focused sentence's original (WCAG 1.4.13) until the
  // sentence is left.
  listen("keydown", function (ev) {
    var seg = focused();
    if (ev.key === "Escape" && seg && seg.classList && seg.classList.contains("tolk-seg")) {
      seg.classList.add("tolk-closed");
    }
  });
  listen("focusout", function (ev) {
    if (ev.target && ev.target.classList) ev.target.classList.remove("tolk-closed");
  });
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (saved === "1") set(true);

  // Review mode (`?review` in the address), for translation reviewers:
  // every sentence shows its segment id, the English sits beside the Dutch,
  // hovering or focusing a sentence highlights its counterpart, and a list
  // names the sentences whose Dutch is missing or the same as the English,
  // each with its source line. Nothing is remembered.
  if (!/[?&]review(=|&|$)/.test(location.search)) return;
  body.classList.add("tolk-review");
  set(true, true);
  setOrig(true, true);
  // The sentence (`.tolk-seg`) and its English (the tooltip and the copy
  // beside it) are found through the tooltip's id.
  function pair(el) {
    var seg = el.closest && el.closest(".tolk-seg[aria-describedby], [data-of]");
    if (!seg) return [];
    var id = seg.getAttribute("aria-describedby") || seg.getAttribute("data-of");
    var out = [byId(id)];
    Array.prototype.forEach.call(all("[aria-describedby='" + id + "'], [data-of='" + id + "']"), function (e) { out.push(e); });
    return out.filter(Boolean);
  }
  var lit = [];
  function light(ev) {
    lit.forEach(function (e) { e.classList.remove("tolk-pair"); });
    lit = pair(ev.target);
    lit.forEach(function (e) { e.classList.add("tolk-pair"); });
  }
  listen("mouseover", light);
  listen("focusin", light);
  var article = one("article[data-source]");
  var segs = all(".tolk-seg[data-seg]");
  var check = all(".tolk-seg[data-review]");
  var panel = make("section");
  panel.className = "tolk-review-panel";
  var h = make("h2");
  h.textContent = toggle.dataset.reviewTitle;
  panel.appendChild(h);
  var count = make("p");
  count.textContent = toggle.dataset.reviewCount.replace("{n}", segs.length).replace("{k}", check.length);
  panel.appendChild(count);
  var source = article ? article.getAttribute("data-source") : "";
  var sourceUrl = article ? article.getAttribute("data-source-url") : "";
  if (!check.length) {
    var none = make("p");
    none.textContent = toggle.dataset.reviewNone;
    panel.appendChild(none);
  }
  var list = make("ul");
  Array.prototype.forEach.call(check, function (seg) {
    var li = make("li");
    var go = make("button");
    go.type = "button";
    go.textContent = seg.getAttribute("data-seg");
    go.addEventListener("click", function () { seg.scrollIntoView({ block: "center" }); seg.focus(); });
    li.appendChild(go);
    var kind = seg.getAttribute("data-review") === "empty" ? toggle.dataset.reviewEmpty : toggle.dataset.reviewIdentical;
    var orig = byId(seg.getAttribute("aria-describedby"));
    li.appendChild(text(" " + kind + ": “" + (seg.textContent || (orig ? orig.textContent : "")).trim() + "” — "));
    var where = source + ":" + seg.getAttribute("data-line");
    var link;
    if (sourceUrl) {
      link = make("a");
      link.href = sourceUrl.replace("{path}", source.split("/").map(encodeURIComponent).join("/")).replace("{line}", seg.getAttribute("data-line"));
    } else {
      link = make("code");
    }
    link.className = "tolk-review-source";
    link.textContent = where;
    li.appendChild(link);
    list.appendChild(li);
  });
  panel.appendChild(list);
  toggle.parentNode.insertBefore(panel, toggle.nextSibling);
})();
