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

  // The language switch lands on the same heading in the other language.
  all("a[data-keep-hash]").forEach(function (a) {
    a.addEventListener("click", function () {
      if (location.hash) a.href = a.href.split("#")[0] + location.hash;
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
  function set(on) {
    if (on) build(); else unbuild();
    body.classList.toggle("sxs", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.hide : button.dataset.show;
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  button.addEventListener("click", function () { set(!body.classList.contains("sxs")); });
  // Reading mode: sentences are not tab stops and not underlined (a page
  // has hundreds), until the reader turns "originals per sentence" on; then
  // each is a stop that shows its original on focus. Remembered.
  var ORIG = "tolk.orig";
  var origButton = toggle.querySelector(".orig-toggle");
  function setOrig(on) {
    body.classList.toggle("tolk-quiet", !on);
    Array.prototype.forEach.call(all(".tolk-seg[tabindex]"), function (s) { s.tabIndex = on ? 0 : -1; });
    if (origButton) origButton.setAttribute("aria-pressed", on ? "true" : "false");
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
})();
