//! `[!INCLUDE]` as real DocFX docsets use it (issue 20): the synthetic
//! docset in `tests/includes/site/` built by the real binary, each page's
//! body compared with the hand-written Dutch and English HTML in
//! `tests/includes/expected/` (`deep__er__climb.en.html` is the English
//! page of `deep/er/climb.md`).
//!
//! The expected HTML follows DocFX (docfx's `InclusionBlockParser` and
//! `HtmlInclusionInlineRenderer`): a line that is only an include is a block
//! and may interrupt a paragraph; an include inside text is rendered inline;
//! an include's own front matter is not shown; a missing include is a
//! warning. On top of DocFX, an include's bilingual segments are split like
//! an article's: its Dutch half on the Dutch page (with the English original
//! as tooltip, except inside a segment of the article, whose tooltip already
//! holds the whole English sentence), its English half on the English page.

mod common;

use common::*;
use std::path::Path;

fn docset() -> TempSite {
    let site = TempSite::new("");
    let from = repo().join("tests/includes/site");
    copy_tree(&from, &from, &site);
    site
}

fn copy_tree(root: &Path, dir: &Path, site: &TempSite) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            copy_tree(root, &path, site);
        } else {
            let rel = path.strip_prefix(root).expect("under root");
            site.write(
                rel.to_str().expect("utf-8"),
                std::fs::read(&path).expect("read"),
            );
        }
    }
}

fn built() -> TempSite {
    let site = docset();
    site.tolk(&["build"]).ok();
    site
}

/// The article body of a built page (what the Markdown became).
fn body(site: &TempSite, lang: &str, page: &str) -> String {
    let html = site.read(&format!("{lang}/{page}/index.html"));
    let start = html
        .find("<div class=\"body\">\n")
        .unwrap_or_else(|| panic!("no body in {lang}/{page}:\n{html}"))
        + "<div class=\"body\">\n".len();
    let end = html[start..]
        .find("\n</div>\n</article>")
        .unwrap_or_else(|| panic!("no body end in {lang}/{page}:\n{html}"));
    html[start..start + end].to_string()
}

fn expected(page: &str, lang: &str) -> String {
    let name = format!("{}.{lang}.html", page.replace('/', "__"));
    std::fs::read_to_string(repo().join("tests/includes/expected").join(&name))
        .unwrap_or_else(|e| panic!("read expected {name}: {e}"))
}

fn assert_case(page: &str) {
    let site = built();
    for lang in ["nl-nl", "en"] {
        assert_eq!(
            body(&site, lang, page),
            expected(page, lang),
            "the {lang} page of {page}.md"
        );
    }
}

#[test]
fn inline_product_name_includes_inside_segments_in_both_spellings() {
    assert_case("inline");
}

#[test]
fn an_include_with_its_own_segments_shows_each_half_on_its_page() {
    assert_case("segmented");
}

#[test]
fn include_paths_climb_and_fall_back_to_an_includes_folder() {
    assert_case("deep/er/climb");
}

#[test]
fn includes_of_includes_and_a_whole_section() {
    assert_case("nested");
}

#[test]
fn includes_in_a_table_cell_a_list_item_and_a_callout() {
    assert_case("containers");
}

#[test]
fn block_includes_interrupt_paragraphs_and_text_after_them_stays() {
    assert_case("paragraphs");
}

#[test]
fn a_missing_inline_include_shows_its_path() {
    assert_case("missing");
}

#[test]
fn an_included_h2_is_in_the_outline_its_h3_is_not() {
    // DocFX's "In this article" lists every `article h2`, included ones
    // too; tolk lists an article's own H3 as well, but an include's deeper
    // headings (a footer banner's sub-headings) stay out.
    let site = built();
    let html = site.read("nl-nl/nested/index.html");
    let nav = html
        .split("<nav class=\"on-this-page\"")
        .nth(1)
        .and_then(|n| n.split("</nav>").next())
        .unwrap_or_else(|| panic!("no outline:\n{html}"));
    assert_eq!(
        nav.matches("<li").count(),
        2,
        "Inleiding and the include's H2: {nav}"
    );
    assert!(
        nav.contains("<a href=\"#inleiding\">Inleiding</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<a href=\"#probeer-het-gratis\">Probeer het gratis</a>"),
        "{nav}"
    );
    assert!(!nav.contains("meer-weten"), "{nav}");
}

#[test]
fn no_markers_or_raw_includes_reach_a_page() {
    let site = built();
    for page in [
        "inline",
        "segmented",
        "deep/er/climb",
        "nested",
        "containers",
        "paragraphs",
    ] {
        for lang in ["nl-nl", "en"] {
            let html = site.read(&format!("{lang}/{page}/index.html"));
            for leak in [
                "tolk-seg n=",
                "data-stu-id",
                "sxs-lookup",
                "[!INCLUDE",
                "[!include",
                "ms.topic",
            ] {
                assert!(!html.contains(leak), "{leak} on {lang}/{page}:\n{html}");
            }
        }
    }
}

#[test]
fn check_reports_only_the_missing_include_at_its_line() {
    let site = docset();
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("error["), "no false errors:\n{all}");
    assert_eq!(all.matches("warning[").count(), 1, "{all}");
    assert_eq!(all.matches("warning[include]").count(), 1, "{all}");
    assert!(all.contains("includes/gone.md"), "{all}");
    assert!(all.contains(" --> content/missing.md:7:6"), "{all}");
    // The build reports the same warning.
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains(" --> content/missing.md:7:6"), "{all}");
}

/// An article of the site named as an include is there, but is not an
/// include: the warning says so, instead of "does not exist".
#[test]
fn an_article_named_as_an_include_is_told_apart_from_a_missing_file() {
    let site = common::TempSite::new("[book]\ntitle = \"T\"\n");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n[!INCLUDE [b](b.md)]\n\nTekst.\n",
    );
    site.write("content/b.md", "---\ntitle: B\n---\n# B\n\nTekst van B.\n");
    let check = site.tolk(&["check"]);
    assert!(
        check.stderr.contains(
            "warning[include]: `b.md` is an article of this site, not an include: tolk includes only files in a folder named `includes`\n --> content/a.md:6:1"
        ),
        "{}",
        check.stderr
    );
    // A file out of the content folder exists, but is out of bounds: it
    // was said not to exist, and nothing of it is read.
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n[!INCLUDE [b](../book.toml)]\n\nTekst.\n",
    );
    let check = site.tolk(&["check"]);
    assert!(
        check.stderr.contains(
            "warning[include]: the included file `../book.toml` is outside the content folder; tolk includes only files inside it, in a folder named `includes`\n --> content/a.md:6:1"
        ),
        "{}",
        check.stderr
    );
    assert!(!check.stderr.contains("title = "), "{}", check.stderr);
}
