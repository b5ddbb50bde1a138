//! Headless Chromium on the bilingual parts of a Dutch page (issue 17,
//! items 9 and 10): the side-by-side view uses the screen, keeps tables
//! whole, shows identical halves once and goes away completely; Escape
//! closes a sentence's original.

mod common;

use common::browser::{Browser, StaticServer};
use common::*;
use serde_json::json;

#[test]
fn side_by_side_view_and_originals_by_keyboard() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    let server = StaticServer::start(&site.root().join("site"));
    let b = Browser::start();
    b.goto(&server.url("/nl-nl/incentives-customer-association-issues/"));
    b.wait_for(
        "the page script",
        "return !document.querySelector('.sxs-toggle').hidden",
    );
    let main_width = "return document.querySelector('main').getBoundingClientRect().width";
    let narrow = b.js(main_width, json!([])).as_f64().unwrap_or(0.0);

    // Reading mode: no sentence is a tab stop or underlined until the
    // reader turns "originals per sentence" on (one button).
    let stops = "return Array.prototype.filter.call(document.querySelectorAll('.tolk-seg'), function (s) { return s.tabIndex >= 0; }).length";
    let underline =
        "return getComputedStyle(document.querySelector('.tolk-seg[tabindex]')).borderBottomStyle";
    assert_eq!(
        b.js(stops, json!([])),
        json!(0),
        "no sentence is a tab stop"
    );
    assert_eq!(b.js(underline, json!([])), json!("none"));
    b.click(".orig-toggle");
    let on = b.js(stops, json!([])).as_u64().unwrap_or(0);
    assert!(on > 10, "{on} sentences are tab stops once asked for");
    assert_eq!(b.js(underline, json!([])), json!("dotted"));
    assert_eq!(
        b.js(
            "return document.querySelector('.orig-toggle').getAttribute('aria-pressed')",
            json!([])
        ),
        json!("true")
    );

    // Escape closes the focused sentence's original.
    b.js(
        "document.querySelector('.tolk-seg[tabindex]').focus()",
        json!([]),
    );
    let shown = "var s = document.activeElement; var o = document.getElementById(s.getAttribute('aria-describedby')); return getComputedStyle(o).display !== 'none'";
    assert_eq!(
        b.js(shown, json!([])),
        json!(true),
        "focus shows the original"
    );
    b.type_into(".tolk-seg:focus", "\u{E00C}");
    assert_eq!(b.js(shown, json!([])), json!(false), "Escape closes it");

    b.click(".sxs-toggle button");
    b.wait_for(
        "the side-by-side view",
        "return document.querySelectorAll('.sxs-row').length > 5",
    );
    // The view takes more than one text column's width.
    let wide = b.js(main_width, json!([])).as_f64().unwrap_or(0.0);
    assert!(wide > narrow + 50.0, "main {narrow} px → {wide} px");
    let limit = b.js(
        "return getComputedStyle(document.querySelector('main')).maxWidth",
        json!([]),
    );
    assert_eq!(limit, json!("none"), "the text column's limit is lifted");
    // TOLK_SCREENSHOTS=DIR keeps what the test saw, to look at.
    if let Some(dir) = std::env::var_os("TOLK_SCREENSHOTS") {
        b.js(
            "var t = document.querySelector('table'); if (t) t.scrollIntoView()",
            json!([]),
        );
        let file = std::path::Path::new(&dir).join("side-by-side.png.b64");
        std::fs::write(file, b.screenshot_base64()).expect("write screenshot");
    }
    // Tables stay whole: no grid row inside a cell; the English is under
    // the Dutch in its cell.
    let in_cells = b.js(
        "return document.querySelectorAll('td .sxs-row, th .sxs-row').length",
        json!([]),
    );
    assert_eq!(in_cells, json!(0));
    let cells = b.js(
        "return document.querySelectorAll('td > .sxs-cell, th > .sxs-cell').length",
        json!([]),
    );
    assert!(
        cells.as_u64().unwrap_or(0) > 0,
        "English under Dutch in table cells"
    );
    // An original identical to its Dutch half is not repeated.
    let repeated = b.js(
        "var n = 0; document.querySelectorAll('.tolk-orig').forEach(function (o) { var s = o.previousElementSibling; if (s && s.textContent.trim() === o.textContent.trim()) n++; }); \
         var shown = document.querySelectorAll('.sxs-en > span').length; var all = document.querySelectorAll('.tolk-orig').length; return [n, shown, all]",
        json!([]),
    );
    let v: Vec<u64> = serde_json::from_value(repeated).unwrap_or_default();
    assert!(
        v.len() == 3 && v[1] + v[0] <= v[2],
        "identical halves shown once: {v:?}"
    );

    // Off: every block as it was, the text column back to its width.
    b.click(".sxs-toggle button");
    b.wait_for(
        "the view off",
        "return !document.body.classList.contains('sxs')",
    );
    let left = b.js(
        "return document.querySelectorAll('.sxs-row, .sxs-cell, .sxs-nl').length",
        json!([]),
    );
    assert_eq!(left, json!(0), "blocks unwrapped");
    let back = b.js(main_width, json!([])).as_f64().unwrap_or(0.0);
    assert!((back - narrow).abs() < 1.0, "{narrow} px → {back} px");

    english_search_offers_dutch_only_articles(&b);
}

/// Issue 17, 9 at 1280 px (a laptop screen) on a real CPOR page (seed 002:
/// a table and lists) and a real corpus article whose tables and lists are
/// bilingual (tests/bilingual-sxs): the columns take the screen's width
/// beside the navigation, no table is wider than its box (nothing clipped,
/// nothing to scroll), each list item's English starts level with its
/// Dutch, and turning the view off gives back the very same body.
#[test]
fn side_by_side_at_1280_px_on_real_tables_and_lists() {
    let site = bundled_site();
    let page = "migrate-office365-e4-subscriptions-to-newer-versions";
    site.write(
        &format!("content/{page}.md"),
        std::fs::read(repo().join(format!("tests/bilingual-sxs/{page}.md"))).expect("fixture"),
    );
    let built = site.tolk(&["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let server = StaticServer::start(&site.root().join("site"));
    let b = Browser::start();
    b.viewport(1280, 900, false);
    // (page, tables, bilingual paragraphs, bilingual list items)
    for (path, tables, paragraphs, items) in [
        ("/nl-nl/incentives-customer-association-issues/", 1, 5, 0),
        (&*format!("/nl-nl/{page}/"), 1, 0, 3),
    ] {
        b.goto(&server.url(path));
        b.wait_for(
            "the page script",
            "return !document.querySelector('.sxs-toggle').hidden",
        );
        let before = b.js(
            "return document.querySelector('.body').innerHTML",
            json!([]),
        );
        b.click(".sxs-toggle button");
        b.wait_for(
            "the side-by-side view",
            "return document.querySelectorAll('.sxs-row, .sxs-cell').length > 5",
        );
        let m = b.js(
            "var main = document.querySelector('main').getBoundingClientRect(); \
             var nav = document.querySelector('.site-nav').getBoundingClientRect(); \
             var rows = Array.prototype.map.call(document.querySelectorAll('.body > p > .sxs-row'), function (r) { return r.getBoundingClientRect().width; }); \
             var tables = Array.prototype.map.call(document.querySelectorAll('.body table'), function (t) { return [t.scrollWidth, t.clientWidth, t.getBoundingClientRect().right]; }); \
             var items = Array.prototype.map.call(document.querySelectorAll('li > .sxs-row'), function (r) { return r.children[1].getBoundingClientRect().top - r.children[0].getBoundingClientRect().top; }); \
             return {page: document.documentElement.scrollWidth, nav: nav.right, main: [main.left, main.right], rows: rows, tables: tables, items: items}",
            json!([]),
        );
        // The text beside the navigation takes the rest of the screen, and
        // a paragraph's row all of it.
        let (left, right) = (
            m["main"][0].as_f64().unwrap_or(0.0),
            m["main"][1].as_f64().unwrap_or(0.0),
        );
        assert!(
            m["page"].as_f64().unwrap_or(9e9) <= 1280.0,
            "{path}: the page scrolls sideways: {m}"
        );
        assert!(
            left - m["nav"].as_f64().unwrap_or(0.0) < 48.0 && right > 1280.0 - 48.0,
            "{path}: {m}"
        );
        let rows: Vec<f64> = serde_json::from_value(m["rows"].clone()).unwrap_or_default();
        assert!(
            rows.len() >= paragraphs && rows.iter().all(|w| *w >= right - left - 1.0),
            "{path}: {m}"
        );
        // Tables whole: as wide as their content, inside the screen.
        let tables_seen: Vec<Vec<f64>> =
            serde_json::from_value(m["tables"].clone()).unwrap_or_default();
        assert!(tables_seen.len() >= tables, "{path}: {m}");
        for t in &tables_seen {
            assert!(
                t[0] <= t[1] + 1.0 && t[2] <= 1280.0,
                "{path}: a table overflows: {m}"
            );
        }
        // List items: English level with Dutch.
        let offsets: Vec<f64> = serde_json::from_value(m["items"].clone()).unwrap_or_default();
        assert!(offsets.len() >= items, "{path}: {m}");
        assert!(
            offsets.iter().all(|d| d.abs() < 2.0),
            "{path}: items out of line: {m}"
        );
        if let Some(dir) = std::env::var_os("TOLK_SCREENSHOTS") {
            b.js(
                "document.querySelector('table').scrollIntoView()",
                json!([]),
            );
            let name = path.trim_matches('/').replace('/', "-");
            b.screenshot(&std::path::Path::new(&dir).join(format!("sxs-1280-{name}.png")));
        }
        // Off: the body as it was, node for node.
        b.click(".sxs-toggle button");
        b.wait_for(
            "the view off",
            "return !document.body.classList.contains('sxs')",
        );
        let after = b.js(
            "return document.querySelector('.body').innerHTML",
            json!([]),
        );
        assert!(
            before == after,
            "{path}: the body differs after the view is off"
        );
    }
}

/// Issue 17, 13: on the two-language test site, "PSC" finds nothing in
/// English (the article about it exists only in Dutch): the English
/// search offers the Dutch article, labelled as Dutch.
fn english_search_offers_dutch_only_articles(b: &Browser) {
    let src = repo().join("tests/bilingual-site");
    let book = std::fs::read_to_string(src.join("book.toml")).expect("book.toml");
    let site = TempSite::new(&book);
    for e in walkdir::WalkDir::new(&src) {
        let e = e.expect("walk");
        let rel = e
            .path()
            .strip_prefix(&src)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        if e.file_type().is_file() && rel.starts_with("content") {
            site.write(&rel, std::fs::read(e.path()).expect("read"));
        }
    }
    site.tolk(&["build"]).ok();
    let server = StaticServer::start(&site.root().join("site"));
    b.goto(&server.url("/en/partner-center/agreements/"));
    b.wait_for(
        "the search box",
        "return !document.querySelector('.tolk-search').hidden",
    );
    b.click(".tolk-search input");
    b.type_into(".tolk-search input", "PSC");
    b.wait_for(
        "Dutch-only hits",
        "return document.querySelectorAll('.tolk-search [role=option] .tolk-search-lang').length > 0",
    );
    let hit = b.js(
        "var o = document.querySelector('.tolk-search [role=option]'); return [o.getAttribute('data-href'), o.querySelector('.tolk-search-title').lang, o.querySelector('.tolk-search-lang').textContent]",
        json!([]),
    );
    assert!(
        hit[0]
            .as_str()
            .unwrap_or("")
            .contains("/nl-nl/partner-center/psc-to-pc/"),
        "{hit}"
    );
    assert_eq!(hit[1], json!("nl"), "{hit}");
    assert_eq!(hit[2], json!(" (in Dutch)"), "{hit}");
    // The language switch on a results page keeps the query (it opened an
    // empty results page).
    b.goto(&server.url("/nl-nl/search/?q=PSC"));
    b.click("a.lang-switch");
    b.wait_for(
        "the English results page for the same query",
        "return location.pathname === '/en/search/' && location.search === '?q=PSC' && document.querySelectorAll('.tolk-search-page-results a').length > 0",
    );
    // The results page (Enter without a chosen hit) offers them too.
    b.goto(&server.url("/en/search/?q=PSC"));
    b.wait_for(
        "Dutch-only hits on the results page",
        "return document.querySelectorAll('.tolk-search-page-results .tolk-search-lang').length > 0",
    );
    let hit = b.js(
        "var a = document.querySelector('.tolk-search-page-results a'); return [a.getAttribute('href'), a.querySelector('.tolk-search-title').lang, a.querySelector('.tolk-search-lang').textContent, document.querySelector('.tolk-search-page-status').textContent]",
        json!([]),
    );
    assert!(
        hit[0]
            .as_str()
            .unwrap_or("")
            .contains("/nl-nl/partner-center/psc-to-pc/"),
        "{hit}"
    );
    assert_eq!(hit[1], json!("nl"), "{hit}");
    assert_eq!(hit[2], json!(" (in Dutch)"), "{hit}");
    assert!(hit[3].as_str().unwrap_or("").contains("result"), "{hit}");

    // And the other way: "GDAP" is in English-only articles, whose Dutch
    // pages hold English text and are in no Dutch index. A Dutch search
    // found nothing; it offers them, labelled in Dutch as English.
    b.goto(&server.url("/nl-nl/partner-center/agreements/"));
    b.click(".tolk-search input");
    b.type_into(".tolk-search input", "GDAP");
    b.wait_for(
        "English-only hits",
        "return document.querySelectorAll('.tolk-search [role=option] .tolk-search-lang').length > 0",
    );
    let hit = b.js(
        "var o = document.querySelector('.tolk-search [role=option] .tolk-search-lang').closest('[role=option]'); return [o.getAttribute('data-href'), o.querySelector('.tolk-search-title').lang, o.querySelector('.tolk-search-lang').textContent]",
        json!([]),
    );
    assert!(
        hit[0]
            .as_str()
            .unwrap_or("")
            .contains("/en/partner-center/gdap-partner-terminate/"),
        "{hit}"
    );
    assert_eq!(hit[1], json!("en"), "{hit}");
    assert_eq!(hit[2], json!(" (in het Engels)"), "{hit}");
    // A theme's own form from before (only `data-search-dutch`, which is
    // "in het Nederlands" on a Dutch page) must not call English hits
    // Dutch.
    b.js(
        "var f = document.querySelector('form.tolk-search'); f.removeAttribute('data-search-other'); f.setAttribute('data-search-dutch', 'in het Nederlands'); var i = f.querySelector('input'); i.value = 'GDAP '; i.dispatchEvent(new Event('input', {bubbles: true})); return true",
        json!([]),
    );
    b.wait_for(
        "English hits labelled without the theme's label",
        "var t = document.querySelector('.tolk-search [role=option] .tolk-search-lang'); return t !== null && t.textContent === ' (in English)'",
    );
    b.goto(&server.url("/en/partner-center/agreements/"));

    // Issue 17, 8: the navigation tree tolk.js builds from toc-en.js marks
    // a Dutch-only article's (Dutch) title lang="nl", the others not.
    b.type_into("#nav-filter-input", "Handleiding");
    b.wait_for(
        "the filtered tree",
        "return !!document.querySelector('#nav-tree a[href$=\"/psc-to-pc/\"]')",
    );
    let langs = b.js(
        "var a = document.querySelector('#nav-tree a[href$=\"/psc-to-pc/\"]'); return [a.lang, a.textContent.slice(0, 11)]",
        json!([]),
    );
    assert_eq!(langs, json!(["nl", "Handleiding"]));
    b.js(
        "var i = document.getElementById('nav-filter-input'); i.value = ''; i.dispatchEvent(new Event('input'))",
        json!([]),
    );
    b.wait_for(
        "the whole tree",
        "return !!document.querySelector('#nav-tree a[aria-current=page]')",
    );
    assert_eq!(
        b.js(
            "return document.querySelector('#nav-tree a[aria-current=page]').lang",
            json!([])
        ),
        json!(""),
        "an English title is not marked"
    );
}

/// Issue 17, 11: review mode (`?review`) shows each sentence's segment id,
/// lights up the counterpart of the hovered or focused sentence, and lists
/// the sentences whose Dutch is missing or the same as the English, each
/// linked to its source line; without `?review` the page is as it was,
/// and review mode leaves no choice behind.
#[test]
fn review_mode_for_a_translation_reviewer() {
    let site = TempSite::new(
        "[book]\ntitle = \"Nakijken\"\n[site]\nsource-url = \"https://example.org/docs/blob/main/{path}#L{line}\"\n",
    );
    site.write("content/review.md", REVIEW_ARTICLE);
    let built = site.tolk(&["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let server = StaticServer::start(&site.root().join("site"));
    let b = Browser::start();
    b.viewport(1280, 900, false);
    b.goto(&server.url("/nl-nl/review/?review"));
    b.wait_for(
        "the review list",
        "return !!document.querySelector('.tolk-review-panel')",
    );
    // Segment ids beside the sentences.
    let badge =
        "return getComputedStyle(document.querySelector('[data-seg=\"r-2\"]'), '::before').content";
    assert_eq!(b.js(badge, json!([])), json!("\"r-2\""));
    // The list: the identical and the empty one, with links to their lines.
    let items = b.js(
        "return Array.prototype.map.call(document.querySelectorAll('.tolk-review-panel li'), function (li) { var a = li.querySelector('a.tolk-review-source'); return [li.textContent, a ? a.href : null]; })",
        json!([]),
    );
    assert_eq!(
        items,
        json!([
            [
                "r-3 gelijk aan het Engels: “Partner Center” — content/review.md:7",
                "https://example.org/docs/blob/main/content/review.md#L7"
            ],
            [
                "r-4 Nederlands ontbreekt: “Untranslated sentence.” — content/review.md:9",
                "https://example.org/docs/blob/main/content/review.md#L9"
            ]
        ]),
    );
    assert_eq!(
        b.text(".tolk-review-panel p"),
        "5 zinnen, 2 om na te kijken"
    );
    // Hovering a Dutch sentence lights its English beside it, and the
    // reverse; focusing one (keyboard) does the same.
    let lit = "return Array.prototype.map.call(document.querySelectorAll('.tolk-pair'), function (e) { return (e.getAttribute('data-seg') || e.getAttribute('data-of') || e.id) + ':' + e.textContent; })";
    b.js(
        "document.querySelector('[data-seg=\"r-2\"]').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))",
        json!([]),
    );
    let v = b.js(lit, json!([]));
    assert!(
        v.as_array()
            .is_some_and(|a| a.contains(&json!("r-2:Eerste zin."))
                && a.contains(&json!("tolk-orig-1:First sentence."))),
        "{v}"
    );
    b.js(
        "document.querySelector('.sxs-en [data-of=\"tolk-orig-4\"]').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))",
        json!([]),
    );
    let v = b.js(lit, json!([]));
    assert!(
        v.as_array()
            .is_some_and(|a| a.contains(&json!("r-5:Tweede punt."))
                && !a
                    .iter()
                    .any(|x| x.as_str().unwrap_or("").starts_with("r-2"))),
        "{v}"
    );
    b.click(".tolk-review-panel li button");
    let v = b.js(lit, json!([]));
    assert!(
        v.as_array()
            .is_some_and(|a| a.contains(&json!("r-3:Partner Center"))),
        "the list's button focuses the sentence: {v}"
    );
    if let Some(dir) = std::env::var_os("TOLK_SCREENSHOTS") {
        b.js("window.scrollTo(0, 0)", json!([]));
        b.screenshot(&std::path::Path::new(&dir).join("review-mode.png"));
    }
    // Without ?review: no list, no ids, and the side-by-side view is off
    // (review mode did not store it).
    b.goto(&server.url("/nl-nl/review/"));
    b.wait_for(
        "the page script",
        "return !document.querySelector('.sxs-toggle').hidden",
    );
    assert_eq!(
        b.js(
            "return [!!document.querySelector('.tolk-review-panel'), document.body.classList.contains('sxs')]",
            json!([])
        ),
        json!([false, false])
    );
    assert_eq!(b.js(badge, json!([])), json!("none"));
}
