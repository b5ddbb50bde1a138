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
  function build() {
    if (built) return;
    built = true;
    var blocks = all(".body p, .body li, .body td, .body th, .body h2, .body h3, .body h4, article > h1");
    Array.prototype.forEach.call(blocks, function (block) {
      var origs = block.querySelectorAll(":scope > .tolk-orig, :scope > * > .tolk-orig");
      if (!origs.length || block.querySelector(".sxs-row")) return;
      var nl = make("div");
      nl.className = "sxs-nl";
      while (block.firstChild) nl.appendChild(block.firstChild);
      var en = make("div");
      en.className = "sxs-en";
      en.lang = "en";
      Array.prototype.forEach.call(nl.querySelectorAll(".tolk-orig"), function (o, i) {
        if (i) en.appendChild(text(" "));
        var span = make("span");
        span.innerHTML = o.innerHTML; // built by tolk from the article's own Markdown
        en.appendChild(span);
      });
      var row = make("div");
      row.className = "sxs-row";
      row.appendChild(nl);
      row.appendChild(en);
      block.appendChild(row);
    });
  }
  function set(on) {
    if (on) build();
    body.classList.toggle("sxs", on);
    Array.prototype.forEach.call(all(".sxs-en"), function (e) { e.hidden = !on; });
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.hide : button.dataset.show;
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  button.addEventListener("click", function () { set(!body.classList.contains("sxs")); });
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (saved === "1") set(true);
})();
