// tolk serve: live reload and the error overlay. Only the preview server's
// pages load this script; `tolk build` never injects it.
//
// The server stamps this script's tag with the build the page comes from
// (data-server, data-build). Events on /__tolk/events:
//   hello  {server, build}        on every (re)connect: the build now served;
//                                 another server or build than the page's
//                                 means the page missed a rebuild: reload
//   reload {server, build}        the site was rebuilt
//   css    {server, build, stylesheets}
//                                 only stylesheets changed: swap them in place
//   error  {server, diagnostics}  the build failed: show them over the page
//
// Diagnostic text is the writer's (file names, source lines) and is only
// ever put into the page with textContent, never as HTML.
(function () {
  "use strict";
  var me = document.currentScript;
  var server = me ? me.getAttribute("data-server") : null;
  var build = me ? Number(me.getAttribute("data-build")) : NaN;
  var KEY = "tolk-scroll:" + location.pathname;
  var OVERLAY = "__tolk-overlay";

  // Put the page back where it was before a reload.
  try {
    var saved = sessionStorage.getItem(KEY);
    if (saved) {
      sessionStorage.removeItem(KEY);
      var pos = JSON.parse(saved);
      var restore = function () { window.scrollTo(pos[0], pos[1]); };
      restore();
      // Images and fonts may still change the layout.
      window.addEventListener("load", restore, { once: true });
    }
  } catch (e) { /* no sessionStorage: reload at the top */ }

  function reload() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  // `style.1a2b3c4d.css` -> `style.css`
  function logical(file) {
    return file.replace(/\.[0-9a-f]{8}(\.[^.\/]+)$/, "$1");
  }

  function swapStylesheets(sheets) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var url = new URL(old.href, location.href);
      if (url.origin !== location.origin) return;
      var file = url.pathname.split("/").pop();
      var next = sheets[logical(file)] || (url.pathname + "?t=" + Date.now());
      var link = old.cloneNode(false);
      link.href = next;
      // Remove the old sheet only once the new one applies: no flash of
      // unstyled page.
      var done = function () { if (old.parentNode) old.parentNode.removeChild(old); };
      link.addEventListener("load", done);
      link.addEventListener("error", done);
      old.parentNode.insertBefore(link, old.nextSibling);
    });
  }

  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.style.cssText = style;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function hideErrors() {
    var o = document.getElementById(OVERLAY);
    if (o) o.parentNode.removeChild(o);
  }

  function showErrors(diagnostics) {
    hideErrors();
    var box = el("div",
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.92);" +
      "color:#eee;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem;");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    var close = el("button", "float:right;font:inherit;background:#444;color:#eee;border:0;padding:.2rem .6rem;cursor:pointer", "\u00d7");
    close.setAttribute("aria-label", "close");
    close.addEventListener("click", hideErrors);
    box.appendChild(close);
    var errors = diagnostics.filter(function (d) { return d.severity === "error"; }).length;
    box.appendChild(el("h2", "margin:0 0 .5rem;font-size:1.1rem;color:#ff6b6b",
      "tolk: the build failed with " + errors + (errors === 1 ? " error" : " errors")));
    box.appendChild(el("p", "margin:0 0 1.5rem;color:#aaa",
      "This page is the last good build. It updates when the errors are fixed."));
    diagnostics.forEach(function (d) {
      var where = d.file ? d.file + (d.line ? ":" + d.line + ":" + d.column : "") : "";
      var item = el("section", "margin:0 0 1.5rem;border-left:3px solid " +
        (d.severity === "error" ? "#ff6b6b" : "#f5c542") + ";padding-left:1rem");
      item.appendChild(el("div", "font-weight:bold", (where ? where + ": " : "") + d.message));
      // Its own background and colour: the theme's `pre` background
      // (light in light mode) would otherwise win over the overlay's.
      item.appendChild(el("pre",
        "margin:.5rem 0 0;white-space:pre-wrap;background:#000;color:#eee;border:0;padding:.5rem .75rem;" +
        "font:inherit;border-radius:4px", d.rendered || ""));
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }

  function handle(type, d) {
    if (!d) return;
    if (type === "hello") {
      if (server === null || isNaN(build)) { server = d.server; build = d.build; return; }
      if (d.server !== server || d.build !== build) reload();
    } else if (type === "reload") {
      reload();
    } else if (type === "css") {
      build = d.build;
      hideErrors();
      swapStylesheets(d.stylesheets || {});
    } else if (type === "error") {
      showErrors(d.diagnostics || []);
    }
  }

  // The events come from one stream that all tabs share (a SharedWorker,
  // livereload-worker.js), or, in a browser without SharedWorker, from a
  // stream of this page's own. Either is let go when the page is left
  // (pagehide), also when the browser keeps the page in its back/forward
  // cache, and taken up again when it comes back (pageshow): the stream's
  // hello then says whether the page missed a rebuild. A browser allows
  // about six connections per host; pages that held on to theirs made the
  // seventh page hang.
  var port = null;
  var source = null;
  function connect() {
    if (port || source) return;
    if (window.SharedWorker) {
      try {
        port = new SharedWorker("/__tolk/livereload-worker.js").port;
        port.addEventListener("message", function (m) {
          if (m.data) handle(m.data.type, m.data.data);
        });
        port.start();
        port.postMessage("hi");
        return;
      } catch (e) { port = null; }
    }
    if (!window.EventSource) return;
    source = new EventSource("/__tolk/events");
    ["hello", "reload", "css", "error"].forEach(function (type) {
      source.addEventListener(type, function (e) {
        // EventSource also fires a plain "error" event (no data) when the
        // connection drops; only the server's events carry data. A stream
        // the server refused (503 when too many are open) is closed for
        // good by the browser: ask again after the server's Retry-After.
        if (typeof e.data !== "string") {
          if (source && source.readyState === EventSource.CLOSED) {
            source = null;
            setTimeout(connect, 2000);
          }
          return;
        }
        var d;
        try { d = JSON.parse(e.data); } catch (err) { return; }
        handle(type, d);
      });
    });
  }
  function disconnect() {
    if (port) {
      try { port.postMessage("bye"); port.close(); } catch (e) { /* gone */ }
      port = null;
    }
    if (source) {
      source.close();
      source = null;
    }
  }
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function (e) { if (e.persisted) connect(); });
  connect();
})();
