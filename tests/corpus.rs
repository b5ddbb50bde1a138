//! The real corpus, built as a site with navigation from its TOC.yml files:
//! by default the trimmed copy in `tests/corpus-mini` (45 Dutch articles, 24
//! English originals), and, when `../shared/corpus` is beside the checkout,
//! all 361 Dutch Partner Center articles (`cargo test -- --ignored`, which
//! `.ci/run` does).

mod common;

use common::*;

/// The `<nav class="site-nav">` of a page.
fn nav(page: &str) -> &str {
    page.split("<nav class=\"site-nav\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_else(|| panic!("no site nav in {page}"))
}

#[test]
fn builds_the_trimmed_corpus_in_both_languages_with_toc_navigation() {
    let site = corpus_mini();
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("Built 45 articles"), "{}", run.stderr);
    // The build runs `tolk check`'s checks and counts as it does.
    let check = site.tolk(&["check"]);
    let tally = check
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("tolk check: "))
        .expect("check's count");
    assert!(
        run.stderr
            .contains(&format!("46 pages in nl-nl, 46 in en; {tally};")),
        "{tally}\n{}",
        run.stderr
    );
    // The one TOC entry whose file name differs in case from the file is
    // reported where it stands.
    assert!(run.stderr.contains("warning[link-spelling]: TOC entry `Prijswijziging na publicatie` points to Price-change-post-publish.md, which differs in letter case"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/marketplace/TOC.yml:46:13"),
        "{}",
        run.stderr
    );
    let page = site.read("nl-nl/partner-center/overview/index.html");
    let nav = nav(&page);
    let first = nav
        .find("Wat is Partnercentrum?")
        .expect("TOC names are used");
    let second = nav.find("Navigeren in Partner Center").expect("TOC names");
    assert!(first < second, "TOC order is kept");
    assert!(nav.contains("aria-current=\"page\""));
    // The announcements TOC.md without front matter is an article.
    assert!(site.exists("nl-nl/partner-center/announcements/TOC/index.html"));
    assert!(site
        .read("nl-nl/marketplace/price-change-post-publish/index.html")
        .contains(
            "<figure class=\"image\"><img src=\"/marketplace/media/price-change/plan-pricing.png\""
        ));
    // The English pages come from the English originals in content-en/,
    // an article without one keeps the Dutch text.
    let en = site.read("en/partner-center/overview/index.html");
    assert!(
        en.contains("<h1 id=\"what-is-partner-center\">What is Partner Center?"),
        "{en}"
    );
    let reg = site.read("en/partner-center/reg-number-id/index.html");
    assert!(reg.contains("Registration ID number information"), "{reg}");
    let nl = site.read("nl-nl/partner-center/overview/index.html");
    assert!(!nl.contains("What is Partner Center?"), "{nl}");
}

#[test]
#[ignore = "needs ../shared/corpus (.ci/run runs it with --ignored)"]
fn builds_the_partner_center_corpus_with_toc_navigation() {
    let corpus = shared_corpus().join("partner-center.nl-nl");
    assert!(
        corpus.is_dir(),
        "the corpus must be beside the checkout at {}",
        corpus.display()
    );
    let site = TempSite::new(&format!(
        "[book]\ntitle = \"Partner Center\"\nsrc = {:?}\n[links]\nexternal-base = \"https://learn.microsoft.com/{{lang}}/\"\nsite-prefix = \"/\"\n",
        corpus.to_str().unwrap()
    ));
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 359 Markdown articles (README.md and the announcements TOC.md are
    // not pages) and 11 YAML pages (9 FAQ, 2 landing).
    assert!(run.stderr.contains("Built 370 articles"), "{}", run.stderr);
    // The corpus's one TOC entry whose file name differs in case from the
    // file is reported where it stands (hosts are case-sensitive).
    assert!(run.stderr.contains("warning[link-spelling]: TOC entry `Prijswijziging na publicatie` points to Price-change-post-publish.md, which differs in letter case"), "{}", run.stderr);
    assert!(
        run.stderr.contains("marketplace/TOC.yml:46:13"),
        "{}",
        run.stderr
    );
    // Every article has a page in both languages.
    let count = |lang: &str| {
        walkdir::WalkDir::new(site.root().join("site").join(lang))
            .into_iter()
            .flatten()
            .filter(|e| e.file_name() == "index.html")
            // Not the pages of the corpus's redirects (its
            // .openpublishing.redirection.json).
            .filter(|e| {
                !std::fs::read_to_string(e.path())
                    .unwrap_or_default()
                    .contains("http-equiv=\"refresh\"")
            })
            .count()
    };
    assert_eq!(
        count("nl-nl"),
        370 + 2,
        "370 articles, the index and search"
    );
    assert_eq!(count("en"), 370 + 2);
    // The YAML pages: an FAQ with Learn's question anchors, a hub.
    let faq = site.read("nl-nl/partner-center/payout-faq/index.html");
    assert!(
        faq.contains("<h3 id=\"waarom-ontbreken-mijn-inkomsten-\">"),
        "{faq}"
    );
    assert!(site
        .read("nl-nl/partner-center/index.html")
        .contains("Documentatie voor Partnercentrum"));
    // Navigation comes from TOC.yml: its names and order.
    let page = site.read("nl-nl/partner-center/overview/index.html");
    let nav = nav(&page);
    assert!(nav.contains("Wat is Partnercentrum?"), "TOC names are used");
    let first = nav.find("Wat is Partnercentrum?").unwrap();
    let second = nav.find("Navigeren in Partner Center").unwrap();
    assert!(first < second, "TOC order is kept");
    assert!(nav.contains("aria-current=\"page\""));
    // The announcements TOC.md (without front matter) is navigation, not a
    // page, and no crash.
    assert!(!site.exists("nl-nl/partner-center/announcements/TOC/index.html"));
    // DocFX constructs of the corpus: images, tabs and alerts in any case.
    let all: String = [
        "marketplace/price-change-post-publish",
        "partner-center/overview",
    ]
    .iter()
    .map(|p| site.read(&format!("nl-nl/{p}/index.html")))
    .collect();
    assert!(
        all.contains(
            "<figure class=\"image\"><img src=\"/marketplace/media/price-change/plan-pricing.png\""
        ),
        "the :::image becomes a figure"
    );
}
