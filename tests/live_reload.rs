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
    // page came back from the back/forward cache.
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "addEventListener('pageshow', function (e) { if (e.persisted) sessionStorage.restored = Number(sessionStorage.restored || 0) + 1; });"}),
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
    assert_eq!(
        b.js("return sessionStorage.restored", json!([])),
        json!("1"),
        "the page came back from the back/forward cache"
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
