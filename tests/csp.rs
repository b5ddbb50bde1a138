//! The Content-Security-Policy in headless Chromium, on pages served by the
//! real `tolk serve`: the checklist runtime, the tooltips, the side-by-side
//! view, search, live reload and the error overlay all work under it with
//! no violation reported; and a negative control proves that a violation
//! would be seen (an inline script and a style attribute in a theme are
//! refused and reported).

mod common;

use std::time::{Duration, Instant};

use common::browser::Browser;
use common::serve::Serve;
use common::*;
use serde_json::{json, Value};

/// Records every `securitypolicyviolation` of every document in
/// `window.__csp`, from before the page's first script: a script given to
/// the DevTools protocol runs at document start and is not itself subject
/// to the page's policy.
fn record_violations(b: &Browser) {
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber); });"}),
    );
}

fn violations(b: &Browser) -> Vec<String> {
    let v = b.js("return window.__csp || null", json!([]));
    let list = v
        .as_array()
        .unwrap_or_else(|| panic!("the recorder did not run in this page: {v}"));
    list.iter()
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .collect()
}

fn wait(b: &Browser, what: &str, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while b.try_js(script) != Some(json!(true)) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One browser for both sites: a second headless Chromium in the same test
/// process stalls on these machines.
#[test]
fn the_theme_works_under_the_policy_and_violations_are_seen() {
    let site = bundled_site();
    let serve = Serve::start(&site);

    let resp = ureq::get(&serve.url("/nl-nl/request-credit/"))
        .call()
        .expect("page");
    assert_eq!(
        resp.header("Content-Security-Policy"),
        Some(tolk::render::CSP_HEADER)
    );
    let html = resp.into_string().expect("html");
    assert!(html.contains(tolk::render::CSP_META));
    assert!(html.contains("/__tolk/livereload.js"), "{html}");

    let b = Browser::start();
    record_violations(&b);

    // The checklist: answer, compute, keep answers.
    b.goto(&serve.url("/nl-nl/request-credit/"));
    b.wait_for(
        "the checklist runtime",
        "return !!(window.tolkChecklists && window.tolkChecklists['credit-request'])",
    );
    b.click("#cl-credit-request-partner_type-0");
    b.wait_for(
        "the credit type question",
        "return !document.querySelector('[data-input=credit_type]').hidden",
    );
    b.click("#cl-credit-request-credit_type-2");
    b.js(
        "var i = document.getElementById('cl-credit-request-incident_date'); i.value = '2021-02-15'; i.dispatchEvent(new Event('input', {bubbles: true})); i.dispatchEvent(new Event('change', {bubbles: true}));",
        json!([]),
    );
    b.wait_for(
        "the computed deadline",
        "return document.querySelector('.tolk-checklist').textContent.indexOf('31 maart 2021') >= 0",
    );
    // Live reload: an edit rebuilds and the open page reloads itself (a
    // stream that connects after the rebuild is told by its `hello`).
    assert_eq!(
        violations(&b),
        Vec::<String>::new(),
        "on the checklist page"
    );
    b.js("window.__old = true", json!([]));
    let article = site.root().join("content/request-credit.md");
    let text = std::fs::read_to_string(&article).expect("article");
    std::fs::write(
        &article,
        format!("{text}\nEen zin die na het laden verscheen.\n"),
    )
    .expect("edit");
    wait(
        &b,
        "the reload after the edit",
        "return window.__old === undefined && document.body.textContent.indexOf('Een zin die na het laden verscheen.') >= 0",
    );
    assert_eq!(violations(&b), Vec::<String>::new(), "after live reload");

    // A failed build shows the error overlay (built with the CSSOM, which
    // the policy allows) over the page.
    std::fs::write(&article, format!("{text}\n```checklist\nid: [\n```\n")).expect("break");
    wait(
        &b,
        "the error overlay",
        "return !!document.getElementById('__tolk-overlay')",
    );
    assert_eq!(
        violations(&b),
        Vec::<String>::new(),
        "with the error overlay"
    );
    b.js("window.__old = true", json!([]));
    std::fs::write(&article, &text).expect("restore");
    // The good build reloads the page: wait for it here, or its reload
    // lands on the next page while the test uses it (a click then found
    // no element, once in CI).
    wait(
        &b,
        "the reload after the fix",
        "return window.__old === undefined && !document.getElementById('__tolk-overlay') && document.readyState === 'complete'",
    );

    // Tooltips (copied with innerHTML), the side-by-side view and search.
    b.goto(&serve.url("/nl-nl/troubleshoot-account-setup/"));
    b.wait_for(
        "the page script",
        "return !document.querySelector('.sxs-toggle').hidden",
    );
    b.js(
        "document.querySelector('.tolk-seg[tabindex]').focus()",
        json!([]),
    );
    b.click(".sxs-toggle button");
    b.wait_for(
        "the side-by-side view",
        "return document.querySelectorAll('.sxs-row .sxs-en').length > 10",
    );
    b.click("#tolk-search-input");
    b.type_into("#tolk-search-input", "wachtwoord");
    b.wait_for(
        "search results",
        "return document.querySelectorAll('#tolk-search-results [role=option]').length > 0",
    );
    assert_eq!(
        violations(&b),
        Vec::<String>::new(),
        "on the bilingual page"
    );
    // Leave the side-by-side preference as it was for other tests' profiles.
    b.click(".sxs-toggle button");

    // Negative control: a theme with an inline script and a style attribute
    // (and no <meta> policy: the header alone must refuse them).
    let bad = TempSite::new("[build]\ntheme = \"inline\"\n");
    bad.write("content/a.md", ARTICLE);
    bad.write(
        "themes/inline/templates/base.html",
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock title %}</title></head>\
         <body><p id=\"styled\" style=\"color: rgb(255, 0, 0)\">{% block main %}{% endblock main %}</p>\
         <script>window.inlineRan = true;</script>{% block scripts %}{% endblock scripts %}{{ live_reload | safe }}</body></html>",
    );
    let bad_serve = Serve::start(&bad);
    b.goto(&bad_serve.url("/nl-nl/a/"));
    wait(&b, "the page", "return document.readyState === 'complete'");
    wait(&b, "the reports", "return (window.__csp || []).length >= 2");
    let seen = violations(&b);
    assert!(
        seen.iter().any(|v| v.starts_with("script-src-elem inline")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|v| v.starts_with("style-src-attr inline")),
        "{seen:?}"
    );
    let ran: Value = b.js("return window.inlineRan === true", json!([]));
    assert_eq!(ran, json!(false), "the inline script ran");
    let color = b.js(
        "return getComputedStyle(document.getElementById('styled')).color",
        json!([]),
    );
    assert_ne!(
        color,
        json!("rgb(255, 0, 0)"),
        "the style attribute applied"
    );
}
