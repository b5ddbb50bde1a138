//! The reader's site (issue 18): navigation built from DocFX TOCs, the
//! landing page, breadcrumbs and previous/next, the search page, and a
//! reader's journey in headless Chromium: through the navigation (by mouse
//! and by keyboard), on a phone (menu, search), sideways scrolling, print.
//! Over the committed docset `tests/reader-site/`, and (ignored by
//! default) over the real corpus.

mod common;

use common::browser::{Browser, StaticServer};
use common::*;
use serde_json::json;
use std::path::PathBuf;

/// A copy of `tests/reader-site` in a temp folder, built.
fn reader_site() -> TempSite {
    let site = TempSite::new("");
    let from = repo().join("tests/reader-site");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&from).expect("rel");
            let rel = rel.to_str().expect("utf-8");
            if rel.starts_with("site/") {
                continue;
            }
            site.write(rel, std::fs::read(e.path()).expect("read"));
        }
    }
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn nav_script(site: &TempSite, lang: &str) -> String {
    let dir = site.root().join("site/static");
    let name = std::fs::read_dir(&dir)
        .expect("static")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(&format!("toc-{lang}.")) && n.ends_with(".js"))
        .expect("a toc script");
    site.read(&format!("static/{name}"))
}

#[test]
fn navigation_follows_the_tocs_and_leaves_out_what_is_not_an_article() {
    let site = reader_site();
    let nav = nav_script(&site, "nl-nl");
    // Groups are named by their TOC's landing entry, not the folder.
    assert!(
        nav.starts_with("window.tolkNav = [{\"t\":\"Gids voor partners\""),
        "{nav}"
    );
    assert!(nav.contains("{\"t\":\"Marktplaats voor klanten\""), "{nav}");
    assert!(!nav.contains("\"t\":\"guide\"") && !nav.contains("\"t\":\"market\""));
    // breadcrumb/toc.yml is not navigation; TOC.md is a TOC, not a page.
    assert!(!nav.contains("Documenten"), "{nav}");
    assert!(!site.exists("nl-nl/guide/news/toc/index.html"));
    assert!(nav.contains("{\"t\":\"Nieuws\",\"c\":[{\"t\":\"Nieuws\",\"u\":\"/nl-nl/guide/news/\"},{\"t\":\"Oktober 2021\",\"u\":\"/nl-nl/guide/news/2021-october/\"},{\"t\":\"Maart 2021\""), "{nav}");
    // The root README is excluded by default.
    assert!(!site.exists("nl-nl/readme/index.html"));
    assert!(!nav.contains("Gedragscode"));
    // What no TOC lists comes last, newest first.
    let new = nav.find("Nieuwe prijswijziging").expect("new");
    let old = nav.find("Oude prijswijziging").expect("old");
    assert!(nav.find("Overige artikelen").expect("other") < new && new < old);
    // English labels are the English page titles.
    assert!(nav_script(&site, "en").contains("\"t\":\"Uw factuur lezen\""));
    // A page carries its own branch, and loads the shared tree.
    let page = site.read("nl-nl/guide/tax/index.html");
    assert!(
        page.contains("aria-current=\"page\">Belastingen</a>"),
        "{page}"
    );
    assert!(page.contains("<script src=\"/static/toc-nl-nl."));
}

#[test]
fn breadcrumbs_follow_the_breadcrumb_toc_then_the_nested_toc() {
    let site = reader_site();
    let crumbs = |page: &str| {
        let html = site.read(page);
        let start = html
            .find("<nav class=\"breadcrumbs\"")
            .expect("breadcrumbs");
        let end = start + html[start..].find("</nav>").expect("end");
        html[start..end].to_string()
    };
    let ol = |items: &str| format!("<ol><li><a href=\"/nl-nl/\">Leesproef</a></li>{items}</ol>");
    // guide/breadcrumb/toc.yml: "Documenten" for all of guide/ (its
    // topicHref is no page: a label), and "Nieuws" for guide/news/, linked;
    // the TOC entries below the trail follow it (Facturering is nested in
    // the TOC), and the TOC's "Nieuws" is the trail's, so it is not repeated.
    assert!(
        crumbs("nl-nl/guide/tax/index.html").ends_with(&ol(
            "<li>Documenten</li><li>Gids voor partners</li><li>Facturering</li>"
        )),
        "{}",
        crumbs("nl-nl/guide/tax/index.html")
    );
    assert!(
        crumbs("nl-nl/guide/news/2021-march/index.html").ends_with(&ol(
            "<li>Documenten</li><li><a href=\"/nl-nl/guide/news/\">Nieuws</a></li>"
        )),
        "{}",
        crumbs("nl-nl/guide/news/2021-march/index.html")
    );
    // A crumb never links to the page it is on: the news page keeps
    // "Documenten", and its TOC path.
    assert!(
        crumbs("nl-nl/guide/news/index.html").ends_with(&ol(
            "<li>Documenten</li><li>Gids voor partners</li><li>Nieuws</li>"
        )),
        "{}",
        crumbs("nl-nl/guide/news/index.html")
    );
    // Outside the trail's folder: the TOC alone.
    assert!(
        crumbs("nl-nl/market/buy/index.html").ends_with(&ol("<li>Marktplaats voor klanten</li>"))
    );
    // English pages link the English page, under its title there (this
    // docset has no English text, so the Dutch one); a Dutch label is
    // marked as Dutch.
    assert!(
        crumbs("en/guide/news/2021-march/index.html").contains(
            "<li lang=\"nl\">Documenten</li><li lang=\"nl\"><a href=\"/en/guide/news/\">Nieuws</a></li>"
        ),
        "{}",
        crumbs("en/guide/news/2021-march/index.html")
    );
}

#[test]
fn a_breadcrumb_toc_that_is_not_a_list_is_a_warning() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/a.md", "---\ntitle: A\n---\n# A\n");
    site.write("content/breadcrumb/toc.yml", "name: Docs\ntocHref: /\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[toc]: this breadcrumb TOC is not a list of items")
            && run.stderr.contains("content/breadcrumb/toc.yml:1:1"),
        "{}",
        run.stderr
    );
    assert!(!site.read("nl-nl/a/index.html").contains("Docs"));
}

#[test]
fn breadcrumbs_prev_next_and_a_landing_page() {
    let site = reader_site();
    let tax = site.read("nl-nl/guide/tax/index.html");
    assert!(tax.contains("<nav class=\"breadcrumbs\" aria-label=\"Kruimelpad\"><ol><li><a href=\"/nl-nl/\">Leesproef</a></li><li>Documenten</li><li>Gids voor partners</li><li>Facturering</li></ol></nav>"), "{tax}");
    assert!(
        tax.contains("<a class=\"prev\" rel=\"prev\" href=\"/nl-nl/guide/invoice/\">"),
        "{tax}"
    );
    assert!(
        tax.contains("<a class=\"next\" rel=\"next\" href=\"/nl-nl/market/buy/\">"),
        "{tax}"
    );
    let home = site.read("nl-nl/index.html");
    assert!(
        home.contains("<h2>Gids voor partners</h2>\n<p class=\"group-count\">6 artikelen</p>"),
        "{home}"
    );
    assert!(home.contains("<h2>Onlangs bijgewerkt</h2>"));
    let recent = &home[home.find("Onlangs bijgewerkt").expect("recent")..];
    assert!(recent.find("Nieuws van oktober 2021") < recent.find("Nieuws van maart 2021"));
    // Meta description on home and 404; a favicon on every page.
    assert!(home.contains("<meta name=\"description\" content=\"Een kleine documentatiesite om de navigatie te testen.\">"));
    assert!(site.read("404.html").contains("<meta name=\"description\""));
    // A 404 page offers the other language's home (it had no switch).
    assert!(
        site.read("404.html")
            .contains("<a class=\"lang-switch\" href=\"/en/\" hreflang=\"en\""),
        "{}",
        site.read("404.html")
    );
    assert!(site
        .read("en/404.html")
        .contains("<a class=\"lang-switch\" href=\"/nl-nl/\" hreflang=\"nl-NL\""));
    // The title per language.
    assert!(home.contains("<title>Leesproef</title>"));
    assert!(site
        .read("en/index.html")
        .contains("<title>Reading test</title>"));
    assert!(site
        .read("en/guide/tax/index.html")
        .contains("<a class=\"site-title\" href=\"/en/\">Reading test</a>"));
    assert!(tax.contains("<link rel=\"icon\" href=\"/static/favicon."));
    // The search results page, and a form that submits to it.
    assert!(site
        .read("nl-nl/search/index.html")
        .contains("class=\"tolk-search-page\""));
    assert!(tax.contains("action=\"/nl-nl/search/\""));
    // The form is in the page from the start (not `hidden` until a script
    // runs), with its texts in the page's language, one hit's included.
    assert!(tax.contains("<form class=\"tolk-search\" role=\"search\" action=\"/nl-nl/search/\" data-search-page=\"/nl-nl/search/\" data-search-all=\"Alle resultaten\" data-search-index=\"/search-nl-nl.json\" data-search-loading=\"Zoekindex laden…\" data-search-none=\"Geen resultaten\" data-search-count=\"{n} resultaten\" data-search-count-one=\"1 resultaat\" data-search-error=\"Zoeken is niet beschikbaar\">"), "{tax}");
    assert!(site
        .read("en/guide/tax/index.html")
        .contains("data-search-count=\"{n} results\" data-search-count-one=\"1 result\""));
    // Without `url` there is no sitemap (its <loc> must be absolute).
    assert!(!site.exists("sitemap.xml"));
    assert!(
        !tax.contains("hreflang=\"x-default\""),
        "no relative alternates"
    );
    // Table alignment as classes: the CSP refuses inline styles.
    let march = site.read("nl-nl/guide/news/2021-march/index.html");
    assert!(
        march.contains("<th class=\"align-center\">Kolom twee</th>"),
        "{march}"
    );
    assert!(!march.contains("style=\"text-align"));
}

/// What a journey needs to know of a site.
struct Journey<'a> {
    /// Articles to reach from the home page through the navigation: the
    /// labels of the branches to open, the link's label, and the
    /// article's title.
    by_nav: Vec<(Vec<&'a str>, &'a str, &'a str)>,
    /// A title typed into the navigation filter, and the link (and title)
    /// to reach from it by keyboard.
    by_keyboard: (&'a str, &'a str, &'a str),
    /// A search at 390 px.
    query: &'a str,
    /// Pages (paths) that must not be wider than a 390 px phone.
    sample: Vec<String>,
    /// An article to print.
    print: &'a str,
    /// Where to save screenshots, if anywhere.
    shots: Option<PathBuf>,
}

fn wait_for_page(b: &Browser, what: &str, title: &str) {
    b.wait_for(
        what,
        &format!(
            "var h = document.querySelector('main h1'); return document.readyState === 'complete' && !!h && h.textContent.trim() === {}",
            json!(title)
        ),
    );
}

/// Marks the navigation entry (a summary or a link) whose label is
/// `label` so WebDriver can click it.
fn mark_nav(b: &Browser, label: &str, summary: bool) {
    // A branch's entries are built when it opens (the toggle event comes
    // after the click): wait for the entry.
    b.wait_for(
        &format!("a visible navigation entry `{label}`"),
        &format!(
            "var want = {}, summary = {};\
             var els = document.querySelectorAll(summary ? '#site-nav summary' : '#site-nav a');\
             for (var i = 0; i < els.length; i++) {{\
               var t = (summary ? els[i].firstChild : els[i]).textContent.trim();\
               if (t === want && els[i].getClientRects().length) {{ els[i].setAttribute('data-journey', '1'); return true; }}\
             }}\
             return false;",
            json!(label),
            json!(summary)
        ),
    );
}

fn walk_journey(b: &Browser, server: &StaticServer, j: &Journey) {
    let shot = |name: &str| {
        if let Some(dir) = &j.shots {
            b.screenshot(&dir.join(name));
        }
    };
    b.viewport(1280, 900, false);
    // 1. Through the navigation only, from the home page each time.
    for (i, (branches, link, title)) in j.by_nav.iter().enumerate() {
        b.goto(&server.url("/nl-nl/"));
        b.wait_for(
            "the navigation tree",
            "return !!document.getElementById('nav-tree')",
        );
        if i == 0 {
            shot("home-1280.png");
        }
        for branch in branches {
            b.js("document.querySelectorAll('[data-journey]').forEach(function (e) { e.removeAttribute('data-journey'); })", json!([]));
            mark_nav(b, branch, true);
            b.click("[data-journey]");
        }
        b.js("document.querySelectorAll('[data-journey]').forEach(function (e) { e.removeAttribute('data-journey'); })", json!([]));
        mark_nav(b, link, false);
        b.click("[data-journey]");
        wait_for_page(b, &format!("`{title}` by navigation"), title);
        // There the page is marked and its branch open.
        let current = b.js("var a = document.querySelector('#nav-tree a[aria-current=page]'); return a ? a.getClientRects().length > 0 : false", json!([]));
        assert_eq!(current, json!(true), "`{title}` is marked in the open tree");
    }
    shot("article-1280.png");
    // 2. By keyboard only: Tab to the filter, type, Tab to the link, Enter.
    let (filter, link, title) = j.by_keyboard;
    b.goto(&server.url("/nl-nl/"));
    b.wait_for(
        "the navigation filter",
        "return !!document.getElementById('nav-filter-input')",
    );
    let mut reached = false;
    for _ in 0..30 {
        b.keys("\u{E004}");
        if b.js(
            "return document.activeElement && document.activeElement.id === 'nav-filter-input'",
            json!([]),
        ) == json!(true)
        {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the navigation filter");
    b.keys(filter);
    b.wait_for(
        "the filtered tree",
        &format!("return Array.prototype.some.call(document.querySelectorAll('#nav-tree a'), function (a) {{ return a.textContent.trim() === {} }})", json!(link)),
    );
    let mut on_link = false;
    for _ in 0..40 {
        b.keys("\u{E004}");
        if b.js("var a = document.activeElement; return !!a && a.tagName === 'A' && a.textContent.trim() === arguments[0]", json!([link])) == json!(true) {
            on_link = true;
            break;
        }
    }
    assert!(on_link, "Tab reaches `{link}` in the filtered tree");
    b.keys("\u{E007}");
    wait_for_page(b, "the article reached by keyboard", title);
    // The skip link, then Tab: a heading's `#` anchor is on the way, shown
    // while it has the focus, named by its heading.
    if b.js(
        "return !!document.querySelector('main h2 .anchor')",
        json!([]),
    ) == json!(true)
    {
        b.keys("\u{E004}");
        assert_eq!(
            b.js("return document.activeElement.className", json!([])),
            json!("skip"),
            "the first Tab stop is the skip link"
        );
        b.keys("\u{E007}");
        let mut anchor = json!(null);
        for _ in 0..60 {
            b.keys("\u{E004}");
            anchor = b.js("var a = document.activeElement; return a && a.classList.contains('anchor') ? [getComputedStyle(a).opacity, a.getAttribute('aria-hidden'), document.getElementById(a.getAttribute('aria-labelledby')).contains(a)] : null", json!([]));
            if !anchor.is_null() {
                break;
            }
        }
        assert_eq!(
            anchor,
            json!(["1", null, true]),
            "Tab reaches a heading anchor, visible and named by its heading"
        );
    }
    // ← goes to the previous article in TOC order, → back.
    let prev = b.js(
        "var a = document.querySelector('.prev-next a.prev'); return a ? a.href : null",
        json!([]),
    );
    if let Some(prev) = prev.as_str() {
        // Without the `#tolk-content` the skip link added.
        let here = b.js("return location.href.split('#')[0]", json!([]));
        b.js(
            "document.activeElement && document.activeElement.blur(); document.body.focus()",
            json!([]),
        );
        b.keys("\u{E012}"); // ArrowLeft
        b.wait_for(
            "← to the previous article",
            &format!("return location.href === {}", json!(prev)),
        );
        b.wait_for(
            "the previous article's script",
            "return document.readyState === 'complete'",
        );
        b.keys("\u{E014}"); // ArrowRight
        b.wait_for(
            "→ back",
            &format!("return location.href.split('#')[0] === {here}"),
        );
    }
    // 3. A phone: menu, search, open a result.
    b.viewport(390, 844, true);
    b.goto(&server.url("/nl-nl/"));
    b.wait_for(
        "the menu button",
        "return document.querySelector('.menu-toggle').getAttribute('aria-expanded') === 'false'",
    );
    b.click(".menu-toggle");
    b.wait_for("the open drawer", "var n = document.getElementById('site-nav'); var r = n.getBoundingClientRect(); return n.classList.contains('open') && r.left >= 0 && r.right <= 390 && r.top <= 1");
    assert_eq!(
        b.js(
            "return document.querySelector('.menu-toggle').getAttribute('aria-expanded')",
            json!([])
        ),
        json!("true")
    );
    assert_eq!(
        b.js("return document.activeElement.id", json!([])),
        json!("nav-filter-input"),
        "the drawer takes the focus"
    );
    shot("menu-390.png");
    b.keys("\u{E00C}"); // Escape
    b.wait_for("the drawer closed", "return !document.getElementById('site-nav').classList.contains('open') && document.activeElement.classList.contains('menu-toggle')");
    b.click("#tolk-search-input");
    b.type_into("#tolk-search-input", j.query);
    b.wait_for(
        "search results",
        "return document.querySelectorAll('#tolk-search-results [role=option]').length > 0",
    );
    let fits = b.js("var r = document.getElementById('tolk-search-results').getBoundingClientRect(); return [r.left, r.right]", json!([]));
    let (left, right) = (
        fits[0].as_f64().unwrap_or(-1.0),
        fits[1].as_f64().unwrap_or(999.0),
    );
    assert!(
        left >= 0.0 && right <= 390.0,
        "the results fit the phone: {fits}"
    );
    assert_eq!(
        b.js(
            "return document.querySelectorAll('#tolk-search-results [role=option] a').length",
            json!([])
        ),
        json!(0),
        "no link inside an option"
    );
    assert!(
        b.js(
            "return document.querySelectorAll('#tolk-search-results mark').length",
            json!([])
        )
        .as_u64()
        .unwrap_or(0)
            > 0,
        "matches are marked"
    );
    shot("search-390.png");
    let target = b.js("return document.querySelector('#tolk-search-results [role=option]').getAttribute('data-href')", json!([]));
    b.click("#tolk-search-results [role=option]");
    b.wait_for("the result", &format!("return location.href === {target}"));
    // The results page.
    b.goto(&server.url(&format!("/nl-nl/search/?q={}", j.query)));
    b.wait_for(
        "the results page",
        "return document.querySelectorAll('.tolk-search-page-results a').length > 0",
    );
    shot("search-page-390.png");
    // 4. No page scrolls sideways at 390 px.
    for path in &j.sample {
        b.goto(&server.url(path));
        b.wait_for(path, "return document.readyState === 'complete'");
        let w = b.js(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            json!([]),
        );
        assert!(
            w[0].as_u64() <= w[1].as_u64(),
            "{path} is wider than the phone: {w}"
        );
    }
    // 5. Print: the article alone.
    b.viewport(1280, 900, false);
    b.goto(&server.url(j.print));
    b.wait_for(
        "the article to print",
        "return document.readyState === 'complete'",
    );
    b.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let shown = b.js(
        "return Array.prototype.filter.call(document.querySelectorAll('nav, header, form, input, button, select, textarea'), function (e) { return e.getClientRects().length > 0; }).map(function (e) { return e.tagName + '.' + e.className; })",
        json!([]),
    );
    assert_eq!(shown, json!([]), "printed: no navigation or form controls");
    let pdf = b.print_pdf();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    b.cdp("Emulation.setEmulatedMedia", json!({"media": ""}));
}

#[test]
fn a_reader_gets_around_in_headless_chromium() {
    let site = reader_site();
    let server = StaticServer::start(&site.root().join("site"));
    let b = Browser::start();
    let sample = [
        "/nl-nl/",
        "/nl-nl/guide/news/2021-march/",
        "/nl-nl/guide/start/",
        "/nl-nl/market/sell/",
        "/nl-nl/search/?q=factuur",
        "/en/guide/news/2021-march/",
    ];
    walk_journey(
        &b,
        &server,
        &Journey {
            by_nav: vec![
                (
                    vec!["Gids voor partners", "Facturering"],
                    "Belastingen",
                    "Belastingvrijstellingen aanvragen",
                ),
                (
                    vec!["Gids voor partners", "Nieuws"],
                    "Maart 2021",
                    "Nieuws van maart 2021",
                ),
                (
                    vec!["Marktplaats voor klanten", "Verkopen"],
                    "Een aanbieding publiceren",
                    "Een aanbieding publiceren",
                ),
            ],
            by_keyboard: ("factu", "Facturen lezen", "Uw factuur lezen"),
            query: "factuur",
            sample: sample.iter().map(|s| s.to_string()).collect(),
            print: "/nl-nl/guide/news/2021-march/",
            shots: std::env::var_os("TOLK_SHOTS").map(PathBuf::from),
        },
    );
    // Wide enough for the outline beside the article: it marks the section
    // being read as the reader scrolls.
    b.viewport(1400, 500, false);
    b.goto(&server.url("/nl-nl/guide/start/"));
    b.wait_for(
        "the outline",
        "return !!document.querySelector('.on-this-page a[href=\"#controleren\"]')",
    );
    b.js(
        "document.querySelector('main').style.paddingBottom = '2000px'; document.getElementById('controleren').scrollIntoView();",
        json!([]),
    );
    b.wait_for(
        "the outline to mark the section scrolled to",
        "return document.querySelector('.on-this-page a[href=\"#controleren\"]').getAttribute('aria-current') === 'true' && document.querySelectorAll('.on-this-page [aria-current]').length === 1",
    );
    // At the end of the page, the last section is the one being read,
    // though its heading never reaches the top part of the screen (the
    // one before it stayed marked).
    b.js(
        "document.querySelector('main').style.paddingBottom = ''; var hs = document.querySelectorAll('.body h2[id], .body h3[id]'); var lastH = hs[hs.length - 1]; var p = document.createElement('p'); p.textContent = 'Slot.'; lastH.after(p); window.scrollTo(0, document.documentElement.scrollHeight);",
        json!([]),
    );
    b.wait_for(
        "the outline to mark the last section at the end of the page",
        "var links = document.querySelectorAll('.on-this-page a[href^=\"#\"]'); var lastA = links[links.length - 1]; return lastA.getAttribute('aria-current') === 'true' && document.querySelectorAll('.on-this-page [aria-current]').length === 1",
    );
}

/// The Dutch corpus of the shared corpus (`$TOLK_CORPUS` or
/// `../shared/corpus`, as for every corpus test).
fn corpus() -> PathBuf {
    shared_corpus().join("partner-center.nl-nl")
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn a_reader_gets_around_the_real_corpus_in_headless_chromium() {
    let corpus = corpus();
    assert!(corpus.is_dir(), "{} is missing", corpus.display());
    let site = TempSite::new(
        "[book]\ntitle = \"Partner Center\"\ndescription = \"Documentatie voor Partner Center.\"\n",
    );
    // A copy: a content folder that links outside the project is refused.
    for e in walkdir::WalkDir::new(&corpus) {
        let e = e.expect("walk the corpus");
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&corpus).expect("rel");
            site.write(
                &format!("content/{}", rel.to_str().expect("utf-8")),
                std::fs::read(e.path()).expect("read"),
            );
        }
    }
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = StaticServer::start(&site.root().join("site"));
    let b = Browser::start();
    let mut sample: Vec<String> = [
        "/nl-nl/",
        "/nl-nl/partner-center/announcements/2021-march/",
        "/nl-nl/partner-center/request-credit/",
        "/nl-nl/search/?q=factuur",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every eighteenth article, in path order: 16 more pages.
    let mut pages: Vec<String> = walkdir::WalkDir::new(site.root().join("site/nl-nl"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter_map(|e| {
            let rel = e.path().strip_prefix(site.root().join("site")).ok()?;
            Some(format!("/{}", rel.parent()?.to_str()?).replace('\\', "/") + "/")
        })
        .collect();
    pages.sort();
    sample.extend(pages.iter().step_by(18).take(16).cloned());
    assert_eq!(sample.len(), 20);
    walk_journey(
        &b,
        &server,
        &Journey {
            by_nav: vec![
                (
                    vec!["Documentatie voor Microsoft Partnercentrum", "Billing"],
                    "Factureringsoverzicht",
                    "Overzicht: Belangrijkste artikelen over facturering en belasting in Partner Center",
                ),
                (
                    vec!["Documentatie voor Microsoft Partnercentrum", "Aankondigingen"],
                    "Maart 2021",
                    "Aankondigingen van maart 2021",
                ),
                (
                    vec!["Klantdocumentatie voor Microsoft Marketplace", "Azure Marketplace"],
                    "Aanschaffen",
                    "Azure Marketplace kopen",
                ),
            ],
            by_keyboard: ("SLA credit", "Request an SLA credit from Microsoft (Een SLA-tegoed aanvragen van Microsoft)", "Hoe en wanneer u een tegoed kunt aanvragen bij Microsoft"),
            query: "factuur",
            sample,
            print: "/nl-nl/partner-center/request-credit/",
            shots: std::env::var_os("TOLK_SHOTS").map(PathBuf::from),
        },
    );
    // A group whose label is a link ("Algemene scenario's voor
    // facturering") starts on the line of its ▶; it wrapped below it.
    b.viewport(1280, 800, false);
    b.goto(&server.url("/nl-nl/partner-center/tax-and-fees-voice-services/"));
    b.wait_for(
        "a group label that is a link, beside its marker",
        "var s = Array.prototype.find.call(document.querySelectorAll('.site-nav summary'), function (s) { return s.querySelector('a') && s.getBoundingClientRect().height > 0; }); if (!s) return false; return s.querySelector('a').getBoundingClientRect().top - s.getBoundingClientRect().top < 8",
    );
}

/// A site whose one article has a code block in each of the corpus's
/// languages, under DocFX's names.
fn code_site() -> TempSite {
    let site = TempSite::new("[book]\ntitle = \"Code\"\n");
    site.write(
        "content/code.md",
        "---\ntitle: Code\n---\n# Code\n\n\
         ```sql\nSELECT TOP 10 Naam FROM Orders WHERE x = '</code><script>alert(1)</script>' -- laatste\n```\n\n\
         ```azurepowershell-interactive\nConnect-AzAccount -TenantId $tenant # inloggen\n```\n\n\
         ```azurecli\naz account set --subscription \"$SUB\"\n```\n\n\
         ```json\n{\"naam\": \"a<b\", \"aantal\": 3, \"actief\": true}\n```\n\n\
         ```csharp\nvar client = new PartnerClient(\"x\");\n```\n\n\
         ```Output\nSELECT is hier gewoon tekst\n```\n",
    );
    site.tolk(&["build"]).ok();
    site
}

#[test]
fn code_blocks_are_highlighted_with_classes_and_text_stays_text() {
    let site = code_site();
    let page = site.read("nl-nl/code/index.html");
    let block = |lang: &str| -> &str {
        let start = page
            .find(&format!("<pre><code class=\"language-{lang}\">"))
            .unwrap_or_else(|| panic!("a {lang} block in {page}"));
        let end = start + page[start..].find("</pre>").expect("end of block");
        &page[start..end]
    };
    let sql = block("sql");
    assert!(
        sql.contains("<span class=\"hl-keyword hl-other hl-sql\">SELECT</span>"),
        "{sql}"
    );
    assert!(
        sql.contains("<span class=\"hl-comment hl-line hl-double-dash hl-sql\">-- laatste"),
        "{sql}"
    );
    // The markup in the string is text: escaped, inside a string span.
    assert!(
        sql.contains("&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{sql}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    let ps = block("azurepowershell-interactive");
    assert!(
        ps.contains(
            "<span class=\"hl-support hl-function hl-powershell\">Connect-AzAccount</span>"
        ),
        "{ps}"
    );
    assert!(
        ps.contains("<span class=\"hl-variable hl-parameter hl-powershell\">-TenantId</span>"),
        "{ps}"
    );
    assert!(
        ps.contains(
            "<span class=\"hl-variable hl-other hl-readwrite hl-powershell\">$tenant</span>"
        ),
        "{ps}"
    );
    let cli = block("azurecli");
    assert!(
        cli.contains("<span class=\"hl-support hl-function hl-shell\">az</span>"),
        "{cli}"
    );
    assert!(
        cli.contains("<span class=\"hl-variable hl-parameter hl-shell\">--subscription</span>"),
        "{cli}"
    );
    let json = block("json");
    assert!(json.contains("<span class=\"hl-meta hl-mapping hl-key hl-json\"><span class=\"hl-string hl-quoted hl-double hl-json\">&quot;naam&quot;</span></span>"), "{json}");
    assert!(json.contains("&quot;a&lt;b&quot;"), "{json}");
    assert!(
        json.contains("<span class=\"hl-constant hl-numeric hl-json\">3</span>"),
        "{json}"
    );
    let cs = block("csharp");
    assert!(
        cs.contains("<span class=\"hl-storage hl-type hl-cs\">var</span>"),
        "{cs}"
    );
    assert!(
        cs.contains("<span class=\"hl-entity hl-name hl-function hl-cs\">PartnerClient</span>"),
        "{cs}"
    );
    // Console output is plain text.
    assert_eq!(
        block("Output"),
        "<pre><code class=\"language-Output\">SELECT is hier gewoon tekst\n</code>"
    );
    // Classes, never inline styles (the CSP refuses them); the English page too.
    assert!(!page.contains(" style="), "{page}");
    assert!(site
        .read("en/code/index.html")
        .contains("<span class=\"hl-keyword hl-other hl-sql\">SELECT</span>"));
}

#[test]
fn highlighted_code_is_coloured_in_light_and_dark_in_chromium() {
    let site = code_site();
    let server = StaticServer::start(&site.root().join("site"));
    let b = Browser::start();
    b.goto(&server.url("/nl-nl/code/"));
    let colours = |b: &Browser| {
        b.js(
            "var c = function (s) { return getComputedStyle(document.querySelector(s)).color; };\
             return [c('pre .hl-keyword.hl-other'), c('pre .hl-comment'), c('pre .hl-string'), \
                     c('pre .hl-support.hl-function'), c('pre code.language-Output')];",
            json!([]),
        )
    };
    let light = colours(&b);
    assert_eq!(
        light,
        json!([
            "rgb(207, 34, 46)",
            "rgb(87, 96, 106)",
            "rgb(10, 48, 105)",
            "rgb(130, 80, 223)",
            "rgb(27, 31, 36)"
        ])
    );
    if let Some(dir) = std::env::var_os("TOLK_SHOTS").map(PathBuf::from) {
        b.screenshot(&dir.join("code-light.png"));
    }
    b.js(
        "document.documentElement.setAttribute('data-theme', 'dark');",
        json!([]),
    );
    let dark = colours(&b);
    assert_eq!(
        dark,
        json!([
            "rgb(255, 123, 114)",
            "rgb(145, 152, 161)",
            "rgb(165, 214, 255)",
            "rgb(210, 168, 255)",
            "rgb(230, 237, 243)"
        ])
    );
    if let Some(dir) = std::env::var_os("TOLK_SHOTS").map(PathBuf::from) {
        b.screenshot(&dir.join("code-dark.png"));
    }
    // The system's dark mode, when the reader chose none.
    b.js(
        "document.documentElement.removeAttribute('data-theme');",
        json!([]),
    );
    assert_eq!(colours(&b), light);
    b.cdp(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
    );
    assert_eq!(colours(&b), dark);
    // The copy button copies the text, not the markup.
    let text = b.js(
        "return document.querySelector('code.language-sql').textContent;",
        json!([]),
    );
    assert_eq!(
        text,
        json!("SELECT TOP 10 Naam FROM Orders WHERE x = '</code><script>alert(1)</script>' -- laatste\n")
    );
    // ... and a click on it puts that text on the clipboard and says so.
    b.cdp(
        "Browser.grantPermissions",
        json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );
    b.click("pre:has(code.language-sql) .copy-code");
    b.wait_for(
        "the copy button to say it copied",
        "return document.querySelector('pre:has(code.language-sql) .copy-code').textContent === document.body.getAttribute('data-copied')",
    );
    b.js(
        "window.__clip = null; navigator.clipboard.readText().then(function (t) { window.__clip = t; });",
        json!([]),
    );
    b.wait_for(
        "the clipboard to hold the code",
        &format!("return window.__clip === {text}"),
    );
    // The dark-mode button: a reader's choice over the system's, kept
    // across pages and reloads, and taken back with a second press.
    b.cdp(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": "light"}]}),
    );
    b.refresh();
    b.wait_for(
        "the light page",
        "return document.readyState === 'complete'",
    );
    assert_eq!(colours(&b), light);
    let pressed = |b: &Browser| {
        b.js(
            "return [document.documentElement.getAttribute('data-theme'), document.querySelector('.theme-toggle').getAttribute('aria-pressed')]",
            json!([]),
        )
    };
    assert_eq!(pressed(&b), json!([null, "false"]));
    b.click(".theme-toggle");
    assert_eq!(pressed(&b), json!(["dark", "true"]));
    assert_eq!(colours(&b), dark);
    b.refresh();
    b.wait_for(
        "the page again",
        "return document.readyState === 'complete'",
    );
    assert_eq!(pressed(&b), json!(["dark", "true"]), "the choice is kept");
    assert_eq!(colours(&b), dark);
    b.click(".theme-toggle");
    assert_eq!(pressed(&b), json!(["light", "false"]));
    assert_eq!(colours(&b), light);
}
