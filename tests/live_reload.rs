//! Live reload in a real browser with the back/forward cache on: a writer
//! reads many pages in one tab and keeps many tabs open, and every page
//! still loads and reloads on an edit. Browsers allow six connections per
//! host; a page that keeps its event stream open in the back/forward cache,
//! or a tab of its own each, would use them up.

mod common;

use std::time::{Duration, Instant};

use common::browser::Browser;
use common::serve::Serve;
use common::*;
use serde_json::json;

fn article(n: usize, text: &str) -> String {
    format!("---\ntitle: Pagina {n}\nms.date: 07/22/2021\nauthor: tester\n---\n# Pagina {n}\n\n{text}\n")
}

/// A page must load well within the 8 s page-load timeout; one that waits
/// for a free connection hangs until it times out.
const PAGE: Duration = Duration::from_secs(5);

fn wait(b: &Browser, what: &str, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while b.try_js(script) != Some(json!(true)) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn twenty_pages_in_one_tab_and_ten_tabs_all_load_and_reload_on_an_edit() {
    let site = TempSite::new("[book]\ntitle = \"Test\"\n");
    for n in 0..21 {
        site.write(&format!("content/p{n:02}.md"), article(n, "Eerste tekst."));
    }
    let s = Serve::start(&site);
    let b = Browser::start_with(&["--enable-features=BackForwardCache"]);
    // Every document counts, in the tab's session storage, how often a
    // page came back from the back/forward cache, and keeps the reasons
    // the browser gives when a page reached by "back" did not.
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "addEventListener('pageshow', function (e) { if (e.persisted) sessionStorage.restored = Number(sessionStorage.restored || 0) + 1; var n = performance.getEntriesByType('navigation')[0]; if (!e.persisted && n && n.type === 'back_forward') sessionStorage.notRestored = JSON.stringify(n.notRestoredReasons); });"}),
    );
    let url = |n: usize| s.url(&format!("/nl-nl/p{n:02}/"));

    // Twenty pages, one after the other, in one tab.
    for n in 0..20 {
        let took = b
            .goto_once(&url(n))
            .unwrap_or_else(|e| panic!("page {} of one tab did not load: {e}", n + 1));
        assert!(took < PAGE, "page {} of one tab took {took:?}", n + 1);
        wait(
            &b,
            &format!("page {}", n + 1),
            &format!("return document.title.indexOf('Pagina {n}') >= 0"),
        );
        b.js("window.__old = true", json!([]));
    }
    let first = b.tab();

    // Ten more tabs, each on a page.
    let mut tabs = vec![first.clone()];
    for n in 0..10 {
        tabs.push(b.new_tab());
        let took = b
            .goto_once(&url(n))
            .unwrap_or_else(|e| panic!("tab {} did not load: {e}", n + 2));
        assert!(took < PAGE, "tab {} took {took:?}", n + 2);
        wait(
            &b,
            &format!("tab {}", n + 2),
            &format!("return document.title.indexOf('Pagina {n}') >= 0"),
        );
        b.js("window.__old = true", json!([]));
    }

    // An edit: every open page reloads, and shows it.
    site.write("content/p00.md", article(0, "Bewerkte tekst."));
    for (i, tab) in tabs.iter().enumerate() {
        b.switch_to(tab);
        wait(
            &b,
            &format!("the reload of tab {}", i + 1),
            "return window.__old === undefined && document.readyState !== 'loading'",
        );
    }
    b.switch_to(&tabs[1]);
    wait(
        &b,
        "the edit on the page",
        "return document.body.textContent.indexOf('Bewerkte tekst.') >= 0",
    );

    // Back in the first tab: the page before comes back from the
    // back/forward cache, from before the edit, and reloads itself.
    b.switch_to(&first);
    b.js("window.__old = true", json!([]));
    b.back();
    wait(
        &b,
        "the page before, up to date",
        "return window.__old === undefined && document.title.indexOf('Pagina 18') >= 0 && document.readyState !== 'loading'",
    );
    // Chromium up to at least 148 keeps no page whose SharedWorker would
    // be left without an active client ("sharedworker-with-no-active-
    // client"): the page then loads again, from before the edit, and
    // reloads itself, which the wait above saw. Any other reason is the
    // page's own (an unload handler, an open stream) and fails the test.
    let restored = b.js("return sessionStorage.restored", json!([]));
    let reasons = b.js("return sessionStorage.notRestored || ''", json!([]));
    let reasons = reasons.as_str().unwrap_or_default();
    assert!(
        restored == json!("1") || only_shared_worker_reasons(reasons),
        "the page came back neither from the back/forward cache nor for the browser's SharedWorker rule: {reasons}"
    );
    // Still live after coming back: one more edit reloads it.
    b.js("window.__old = true", json!([]));
    site.write("content/p00.md", article(0, "Nog eens bewerkt."));
    wait(
        &b,
        "the reload of the restored page",
        "return window.__old === undefined && document.readyState !== 'loading'",
    );
}

/// A browser without SharedWorker: each page keeps a stream of its own
/// and must give it up when it is left, or the seventh page waits for a
/// free connection. Twenty pages in one tab load, and the last reloads on
/// an edit.
#[test]
fn without_shared_worker_twenty_pages_load_and_the_last_reloads() {
    let site = TempSite::new("[book]\ntitle = \"Test\"\n");
    for n in 0..20 {
        site.write(&format!("content/p{n:02}.md"), article(n, "Eerste tekst."));
    }
    let s = Serve::start(&site);
    let b = Browser::start_with(&["--enable-features=BackForwardCache"]);
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "Object.defineProperty(window, 'SharedWorker', {value: undefined});"}),
    );
    for n in 0..20 {
        let took = b
            .goto_once(&s.url(&format!("/nl-nl/p{n:02}/")))
            .unwrap_or_else(|e| panic!("page {} did not load: {e}", n + 1));
        assert!(took < PAGE, "page {} took {took:?}", n + 1);
        wait(
            &b,
            &format!("page {}", n + 1),
            &format!("return document.title.indexOf('Pagina {n}') >= 0 && window.SharedWorker === undefined"),
        );
    }
    b.js("window.__old = true", json!([]));
    site.write("content/p19.md", article(19, "Bewerkte tekst."));
    wait(
        &b,
        "the reload of the last page",
        "return window.__old === undefined && document.body.textContent.indexOf('Bewerkte tekst.') >= 0",
    );
}

/// The lowest contrast ratio (WCAG 2) of any text in the error overlay
/// against what is behind it (its own and its ancestors' backgrounds, laid
/// over each other), with the element it belongs to.
const OVERLAY_CONTRAST: &str = r#"
function parse(c) {
  var m = /rgba?\(([^)]+)\)/.exec(c);
  if (!m) return null;
  var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function over(top, bottom) {
  var a = top[3];
  return [0, 1, 2].map(function (i) { return top[i] * a + bottom[i] * (1 - a); }).concat([1]);
}
function lum(c) {
  var v = c.slice(0, 3).map(function (x) {
    x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function behind(el) {
  var layers = [];
  for (var e = el; e; e = e.parentElement) {
    var c = parse(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) layers.push(c);
  }
  var base = [255, 255, 255, 1];
  for (var i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
  return base;
}
var overlay = document.getElementById('__tolk-overlay');
if (!overlay) return null;
var worst = null;
[overlay].concat(Array.prototype.slice.call(overlay.querySelectorAll('*'))).forEach(function (el) {
  var text = Array.prototype.some.call(el.childNodes, function (n) {
    return n.nodeType === 3 && n.textContent.trim();
  });
  if (!text) return;
  var bg = behind(el);
  var fg = over(parse(getComputedStyle(el).color), bg);
  var a = lum(fg), b = lum(bg);
  var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (!worst || ratio < worst[0]) worst = [ratio, el.tagName + ' ' + getComputedStyle(el).color + ' on ' + JSON.stringify(bg)];
});
return worst;
"#;

#[test]
fn the_error_overlay_is_readable_in_light_and_dark_mode() {
    let site = TempSite::new("[book]\ntitle = \"Test\"\n");
    site.write("content/p00.md", article(0, "Eerste tekst."));
    let s = Serve::start(&site);
    let b = Browser::start();
    for scheme in ["light", "dark"] {
        b.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        site.write("content/p00.md", article(0, "Eerste tekst."));
        b.goto(&s.url("/nl-nl/p00/"));
        wait(&b, "the page", "return document.readyState !== 'loading' && !document.getElementById('__tolk-overlay')");
        // The theme's own colours are in use (its dark background in dark mode).
        let dark = b.js(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            json!([]),
        );
        assert_eq!(dark, json!(scheme == "dark"));
        site.write("content/p00.md", "---\ntitle: [Welkom\n---\n# Kapot\n");
        wait(
            &b,
            "the error overlay",
            "var o = document.getElementById('__tolk-overlay'); return !!o && o.querySelector('pre').textContent.indexOf('never closed') >= 0",
        );
        // TOLK_SCREENSHOTS=DIR keeps what the test saw, to look at.
        if let Some(dir) = std::env::var_os("TOLK_SCREENSHOTS") {
            let file = std::path::Path::new(&dir).join(format!("overlay-{scheme}.png.b64"));
            std::fs::write(file, b.screenshot_base64()).expect("write screenshot");
        }
        let worst = b.js(OVERLAY_CONTRAST, json!([]));
        let ratio = worst[0].as_f64().expect("a ratio");
        assert!(
            ratio >= 4.5,
            "{scheme} mode: the overlay's text must have a contrast of 4.5:1 at least (WCAG AA), the worst is {ratio:.2}:1: {}",
            worst[1]
        );
    }
}

/// Whether `reasons` (a `notRestoredReasons` as JSON) name at least one
/// reason, and every reason, in the page and its frames, is the browser's
/// rule about SharedWorkers rather than something the page did.
fn only_shared_worker_reasons(reasons: &str) -> bool {
    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("reason").and_then(|r| r.as_str()) {
                    out.push(r.to_string());
                }
                m.values().for_each(|v| collect(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(reasons) {
        collect(&v, &mut found);
    }
    !found.is_empty()
        && found
            .iter()
            .all(|r| r == "sharedworker-with-no-active-client")
}
