//! The preview server's incremental rebuilds (`pipeline::Session`): an edit
//! to one article rewrites only what depends on it, and the result is the
//! same site a full build makes.

mod common;

use common::*;
use tolk::pipeline::{Options, Session};

fn opts(site: &TempSite) -> Options {
    Options {
        root: site.root().to_path_buf(),
        ..Options::default()
    }
}

fn mtime(site: &TempSite, rel: &str) -> std::time::SystemTime {
    std::fs::metadata(site.root().join("site").join(rel))
        .unwrap()
        .modified()
        .unwrap()
}

fn three_articles() -> TempSite {
    let site = TempSite::new("[site]\nurl = \"https://docs.example.org\"\n");
    for n in ["a", "b", "c"] {
        site.write(
            &format!("content/{n}.md"),
            format!("---\ntitle: Artikel {n}\n---\n# Artikel {n}\n\nTekst {n}.\n"),
        );
    }
    site
}

#[test]
fn an_edit_rewrites_that_article_and_matches_a_full_build() {
    let site = three_articles();
    let (mut session, _) = Session::build(&opts(&site)).unwrap();
    let untouched = mtime(&site, "nl-nl/b/index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    // A first edit brings a word the final version drops again: the search
    // index must forget it.
    site.write(
        "content/a.md",
        "---\ntitle: Artikel a\n---\n# Artikel a\n\nEen buidelrat.\n",
    );
    session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap();
    assert!(site.read("search-nl-nl.json").contains("buidelrat"));
    site.write(
        "content/a.md",
        "---\ntitle: Artikel a\n---\n# Artikel a\n\nNieuwe tekst met zoekwoord kangoeroe.\n",
    );
    let report = session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap();
    assert_eq!(report.articles, 1, "one article recompiled");
    assert!(site.read("nl-nl/a/index.html").contains("kangoeroe"));
    assert!(site.read("en/a/index.html").contains("kangoeroe"));
    assert!(
        site.read("search-nl-nl.json").contains("kangoeroe"),
        "the search index follows"
    );
    assert_eq!(
        mtime(&site, "nl-nl/b/index.html"),
        untouched,
        "other pages are not rewritten"
    );
    // The same bytes as a full build of the edited site.
    let incremental = site.read("nl-nl/a/index.html");
    let index = site.read("nl-nl/index.html");
    let search = [site.read("search-nl-nl.json"), site.read("search-en.json")];
    assert!(
        !search[0].contains("buidelrat"),
        "a dropped word is forgotten"
    );
    site.tolk(&["build"]).ok();
    assert_eq!(site.read("nl-nl/a/index.html"), incremental);
    assert_eq!(site.read("nl-nl/index.html"), index);
    assert_eq!(
        [site.read("search-nl-nl.json"), site.read("search-en.json")],
        search,
        "the search indexes are those of a full build"
    );
}

#[test]
fn index_pages_are_rewritten_only_when_a_listed_field_changes() {
    let site = three_articles();
    let (mut session, _) = Session::build(&opts(&site)).unwrap();
    let index = mtime(&site, "nl-nl/index.html");
    let sitemap = site.read("sitemap.xml");
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.write(
        "content/b.md",
        "---\ntitle: Artikel b\n---\n# Artikel b\n\nAndere tekst.\n",
    );
    session
        .rebuild(&[site.root().join("content/b.md")])
        .unwrap();
    assert!(site.read("nl-nl/b/index.html").contains("Andere tekst"));
    assert_eq!(mtime(&site, "nl-nl/index.html"), index, "no list changed");
    // A new description and date show in the index pages and the sitemap.
    site.write(
        "content/b.md",
        "---\ntitle: Artikel b\ndescription: Over buideldieren\nms.date: 03/04/2025\n---\n# Artikel b\n\nAndere tekst.\n",
    );
    session
        .rebuild(&[site.root().join("content/b.md")])
        .unwrap();
    assert!(site.read("nl-nl/index.html").contains("Over buideldieren"));
    assert!(site.read("en/index.html").contains("Over buideldieren"));
    assert_ne!(site.read("sitemap.xml"), sitemap);
    assert!(site.read("sitemap.xml").contains("2025-03-04"));
    let (index_nl, map) = (site.read("nl-nl/index.html"), site.read("sitemap.xml"));
    site.tolk(&["build"]).ok();
    assert_eq!(site.read("nl-nl/index.html"), index_nl);
    assert_eq!(site.read("sitemap.xml"), map);
}

#[test]
fn a_broken_edit_keeps_the_last_good_pages() {
    let site = three_articles();
    let (mut session, _) = Session::build(&opts(&site)).unwrap();
    let before = site.read("nl-nl/a/index.html");
    site.write("content/a.md", "---\ntitle: [kapot\n---\n# Artikel a\n");
    let err = session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap_err();
    assert!(err.iter().any(|d| d.code == "yaml"));
    assert_eq!(site.read("nl-nl/a/index.html"), before);
    // Fixed again: the rebuild goes through.
    site.write(
        "content/a.md",
        "---\ntitle: Artikel a\n---\n# Artikel a\n\nHersteld.\n",
    );
    session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap();
    assert!(site.read("nl-nl/a/index.html").contains("Hersteld."));
}

#[test]
fn a_new_title_or_a_new_article_rebuilds_everything() {
    let site = three_articles();
    let (mut session, _) = Session::build(&opts(&site)).unwrap();
    site.write(
        "content/a.md",
        "---\ntitle: Anders\n---\n# Een nieuwe titel\n",
    );
    let report = session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap();
    assert_eq!(
        report.articles, 3,
        "a new title changes every page's navigation"
    );
    assert!(site.read("nl-nl/b/index.html").contains("Een nieuwe titel"));
    site.write("content/d.md", "---\ntitle: Artikel d\n---\n# Artikel d\n");
    let report = session
        .rebuild(&[site.root().join("content/d.md")])
        .unwrap();
    assert_eq!(report.articles, 4);
    assert!(site.exists("nl-nl/d/index.html"));
    std::fs::remove_file(site.root().join("content/d.md")).unwrap();
    session
        .rebuild(&[site.root().join("content/d.md")])
        .unwrap();
    assert!(
        !site.exists("nl-nl/d/index.html"),
        "a deleted article's page goes"
    );
}

#[test]
fn deleting_an_article_reports_the_links_that_pointed_to_it() {
    let site = three_articles();
    site.write(
        "content/b.md",
        "---\ntitle: Artikel b\n---\n# Artikel b\n\nZie [a](a.md).\n",
    );
    let opts = Options {
        report_links: true,
        review: false,
        ..opts(&site)
    };
    let (mut session, report) = Session::build(&opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    std::fs::remove_file(site.root().join("content/a.md")).unwrap();
    let report = session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap();
    let dead: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "broken-link")
        .collect();
    assert_eq!(dead.len(), 1, "{:?}", report.diagnostics);
    assert!(
        dead[0].message.contains("a.md")
            && dead[0].file() == Some(std::path::Path::new("content/b.md"))
    );
    assert!(!dead[0].is_error(), "the preview still builds");
    assert!(!site.exists("nl-nl/a/index.html"));
}

#[test]
fn a_new_group_rebuilds_the_navigation() {
    let site = TempSite::new("");
    for n in ["a", "b"] {
        site.write(
            &format!("content/{n}.md"),
            format!("---\ntitle: Artikel {n}\nms.subservice: Groep1\n---\n# Artikel {n}\n"),
        );
    }
    let (mut session, _) = Session::build(&opts(&site)).unwrap();
    site.write(
        "content/a.md",
        "---\ntitle: Artikel a\nms.subservice: Groep2\n---\n# Artikel a\n",
    );
    session
        .rebuild(&[site.root().join("content/a.md")])
        .unwrap();
    assert!(
        site.read("nl-nl/b/index.html").contains("Groep2"),
        "the other page's navigation shows the new group"
    );
}
