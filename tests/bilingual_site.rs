//! Issue 17 on the real two-language shape: `tests/bilingual-site/` holds
//! Dutch articles of the Partner Center docs with their (later) English
//! originals under `content-en/partner-center/`.

mod common;

use common::*;

/// A copy of tests/bilingual-site in a temp folder.
fn two_language_site() -> TempSite {
    let src = repo().join("tests/bilingual-site");
    let book = std::fs::read_to_string(src.join("book.toml")).expect("book.toml");
    let site = TempSite::new(&book);
    for e in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(&src).expect("prefix");
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !e.file_type().is_file()
            || rel == "book.toml"
            || rel.starts_with("site")
            || rel.starts_with('.')
        {
            continue;
        }
        site.write(&rel, std::fs::read(e.path()).expect("read"));
    }
    site
}

fn built() -> TempSite {
    let site = two_language_site();
    site.tolk(&["build"]).ok();
    site
}

/// The `<head>` and the article header of a page.
fn head(html: &str) -> &str {
    html.split("<h1").next().unwrap_or(html)
}

#[test]
fn english_page_takes_front_matter_from_the_english_source() {
    let site = built();
    let en = site.read("en/partner-center/agreements/index.html");
    let nl = site.read("nl-nl/partner-center/agreements/index.html");
    // English description, not the Dutch one, and not marked Dutch.
    assert!(
        en.contains("Learn where versions of the Microsoft Customer Agreement are available"),
        "English description"
    );
    assert!(!head(&en).contains("Ontdek waar u regiospecifieke"));
    assert!(nl.contains("Ontdek waar u regiospecifieke"));
    // The English file's date (08/02/2022) and author (jischulz), not the
    // Dutch one's (05/28/2021, BillLinzbach).
    assert!(en.contains("datetime=\"2022-08-02\""), "English date");
    assert!(
        en.contains("jischulz") && !en.contains("BillLinzbach"),
        "English author"
    );
    assert!(nl.contains("datetime=\"2021-05-28\"") && nl.contains("BillLinzbach"));
}

#[test]
fn machine_translation_notice_links_the_original_only_where_it_exists() {
    let site = built();
    // agreements: MT, with an English source: the notice links it.
    let nl = site.read("nl-nl/partner-center/agreements/index.html");
    let notice = nl
        .split("notice-mt")
        .nth(1)
        .expect("MT notice")
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        notice.contains("href=\"/en/partner-center/agreements/\""),
        "{notice}"
    );
    // psc-to-pc: MT, no English anywhere: the notice stays, without a link
    // to a page that says "available only in Dutch".
    let nl = site.read("nl-nl/partner-center/psc-to-pc/index.html");
    let notice = nl
        .split("notice-mt")
        .nth(1)
        .expect("MT notice")
        .split("</p>")
        .next()
        .unwrap();
    assert!(notice.contains("automatisch vertaald"));
    assert!(
        !notice.contains("<a "),
        "no link to a Dutch-only English page: {notice}"
    );
}
