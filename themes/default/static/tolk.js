// tolk's page behaviour: tabs, the side-by-side view of English originals,
// and a language switch that keeps the reader's place. No framework, no eval:
// works under a strict Content-Security-Policy. Without JavaScript the page
// is complete: the first tab is shown, originals show on hover/focus by CSS.
(function () {
  "use strict";

  // The search box needs JavaScript: show it only when scripts run.
  document.querySelectorAll("form.tolk-search[hidden]").forEach(function (f) { f.hidden = false; });

  // Tab sets (WAI-ARIA tabs pattern: arrow keys move, Home/End jump).
  document.querySelectorAll(".tabs").forEach(function (set) {
    var tabs = Array.prototype.slice.call(set.querySelectorAll('[role="tab"]'));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(t.getAttribute("aria-controls"));
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
  document.querySelectorAll("a[data-keep-hash]").forEach(function (a) {
    a.addEventListener("click", function () {
      if (location.hash) a.href = a.href.split("#")[0] + location.hash;
    });
  });

  // Side-by-side: every block that holds segments gets a second column with
  // the English originals of its sentences. The choice is remembered.
  var KEY = "tolk.sxs";
  var toggle = document.querySelector(".sxs-toggle");
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
    var en = document.createElement("div");
    en.className = "sxs-en";
    en.lang = "en";
    origs.forEach(function (o, i) {
      if (i) en.appendChild(document.createTextNode(" "));
      var span = document.createElement("span");
      span.innerHTML = o.innerHTML; // built by tolk from the article's own Markdown
      en.appendChild(span);
    });
    return en;
  }
  function build() {
    if (built) return;
    built = true;
    var blocks = document.querySelectorAll(".body p, .body li, .body td, .body th, .body h2, .body h3, .body h4, article > h1");
    // Innermost blocks first (a paragraph before the list item around it),
    // each original in one row only: a list item's English stays beside
    // its own Dutch, not repeated by the item around it.
    Array.prototype.slice.call(blocks).reverse().forEach(function (block) {
      if (!block.matches("td, th") && block.closest("td, th")) return; // the cell takes it
      var all = block.querySelectorAll(":scope > .tolk-orig, :scope > * > .tolk-orig");
      var origs = Array.prototype.filter.call(all, function (o) {
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
      var nl = document.createElement("div");
      nl.className = "sxs-nl";
      while (block.firstChild) nl.appendChild(block.firstChild);
      var row = document.createElement("div");
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
    Array.prototype.forEach.call(document.querySelectorAll(".sxs-cell"), function (e) { e.remove(); });
    Array.prototype.forEach.call(document.querySelectorAll(".sxs-row"), function (row) {
      var block = row.parentNode;
      var nl = row.querySelector(":scope > .sxs-nl");
      while (nl && nl.firstChild) block.insertBefore(nl.firstChild, row);
      row.remove();
    });
  }
  function set(on) {
    if (on) build(); else unbuild();
    document.body.classList.toggle("sxs", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.hide : button.dataset.show;
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  button.addEventListener("click", function () { set(!document.body.classList.contains("sxs")); });
  // Reading mode: sentences are not tab stops and not underlined (a page
  // has hundreds), until the reader turns "originals per sentence" on; then
  // each is a stop that shows its original on focus. Remembered.
  var ORIG = "tolk.orig";
  var origButton = toggle.querySelector(".orig-toggle");
  function setOrig(on) {
    document.body.classList.toggle("tolk-quiet", !on);
    Array.prototype.forEach.call(document.querySelectorAll(".tolk-seg[tabindex]"), function (s) { s.tabIndex = on ? 0 : -1; });
    if (origButton) origButton.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem(ORIG, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  if (origButton) {
    origButton.addEventListener("click", function () { setOrig(document.body.classList.contains("tolk-quiet")); });
  }
  var savedOrig = null;
  try { savedOrig = localStorage.getItem(ORIG); } catch (e) { /* private mode */ }
  setOrig(savedOrig === "1");
  // Escape closes the focused sentence's original (WCAG 1.4.13) until the
  // sentence is left.
  document.addEventListener("keydown", function (ev) {
    var seg = document.activeElement;
    if (ev.key === "Escape" && seg && seg.classList && seg.classList.contains("tolk-seg")) {
      seg.classList.add("tolk-closed");
    }
  });
  document.addEventListener("focusout", function (ev) {
    if (ev.target && ev.target.classList) ev.target.classList.remove("tolk-closed");
  });
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (saved === "1") set(true);
})();
