// tolk serve: the one event stream that all of a browser's tabs share.
// livereload.js connects every page to this SharedWorker instead of opening
// /__tolk/events itself: a browser allows about six connections per host,
// and a stream per tab (or per page kept in the back/forward cache) would
// use them up, so that the seventh page never loads.
//
// Messages from a page: "hi" (send me the events), "bye" (I am leaving).
// To a page: {type, data}, the server's events as they come (hello, reload,
// css, error); a page that says "hi" first gets the last build as a hello,
// and the failed build's error if the site is broken now.
"use strict";
var ports = [];
var source = null;
var last = null;   // {server, build} of the build now served
var broken = null; // the error event's data, while the last build failed

function post(port, type, data) {
  try { port.postMessage({ type: type, data: data }); } catch (e) { drop(port); }
}

function drop(port) {
  var i = ports.indexOf(port);
  if (i >= 0) ports.splice(i, 1);
  if (!ports.length && source) {
    source.close();
    source = null;
    last = null;
    broken = null;
  }
}

function open() {
  if (source) return;
  source = new EventSource("/__tolk/events");
  ["hello", "reload", "css", "error"].forEach(function (type) {
    source.addEventListener(type, function (e) {
      // EventSource fires a plain "error" (no data) when the connection
      // drops; it reconnects by itself and the server says hello again. A
      // stream the server refused (503 when too many are open) is closed
      // for good: ask again after the server's Retry-After.
      if (typeof e.data !== "string") {
        if (source && source.readyState === EventSource.CLOSED) {
          source = null;
          setTimeout(function () { if (ports.length) open(); }, 2000);
        }
        return;
      }
      var d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      if (!d) return;
      if (type === "error") {
        broken = d;
      } else {
        last = { server: d.server, build: d.build };
        if (type !== "hello") broken = null;
      }
      ports.slice().forEach(function (p) { post(p, type, d); });
    });
  });
}

self.addEventListener("connect", function (e) {
  var port = e.ports[0];
  port.addEventListener("message", function (m) {
    if (m.data === "hi") {
      if (ports.indexOf(port) < 0) ports.push(port);
      open();
      if (last) post(port, "hello", last);
      if (broken) post(port, "error", broken);
    } else if (m.data === "bye") {
      drop(port);
    }
  });
  port.start();
});
