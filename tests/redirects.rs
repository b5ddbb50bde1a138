//! Redirects: `[redirects]` in book.toml and DocFX's
//! `.openpublishing.redirection.json` give old paths pages in both
//! languages and a `_redirects` file; `tolk check` reports redirects to
//! missing articles, chains and loops.

mod common;

use common::*;

const ARTICLE: &str = "---\ntitle: Nieuw\nms.date: 01/01/2021\n---\n# Nieuw\n\nTekst.\n";

fn site() -> TempSite {
    let site = TempSite::new(
        "[check.severity]\nexternal-link = \"off\"\n[redirects]\n\"oud.md\" = \"nieuw.md\"\n\"weg.md\" = \"nergens.md\"\n\"k1.md\" = \"k2.md\"\n\"k2.md\" = \"nieuw.md\"\n\"l1.md\" = \"l2.md\"\n\"l2.md\" = \"l1.md\"\n",
    );
    site.write("content/nieuw.md", ARTICLE);
    site.write(
        "content/.openpublishing.redirection.json",
        "{\n  \"redirections\": [\n    {\n      \"source_path\": \"map/verhuisd.md\",\n      \"redirect_url\": \"https://example.com/elders\",\n      \"redirect_document_id\": false\n    }\n  ]\n}\n",
    );
    site
}

#[test]
fn old_paths_get_pages_in_both_languages_and_a_redirects_file() {
    let site = site();
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let nl = site.read("nl-nl/oud/index.html");
    assert!(
        nl.contains("<meta http-equiv=\"refresh\" content=\"0; url=/nl-nl/nieuw/\">"),
        "{nl}"
    );
    assert!(
        nl.contains("<link rel=\"canonical\" href=\"/nl-nl/nieuw/\">"),
        "{nl}"
    );
    assert!(
        nl.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{nl}"
    );
    assert!(!nl.contains("<script"), "no script: the CSP holds");
    let en = site.read("en/oud/index.html");
    assert!(en.contains("url=/en/nieuw/"), "{en}");
    let docfx = site.read("nl-nl/map/verhuisd/index.html");
    assert!(docfx.contains("url=https://example.com/elders"), "{docfx}");
    let file = site.read("_redirects");
    assert!(file.contains("/nl-nl/oud/ /nl-nl/nieuw/ 301\n"), "{file}");
    assert!(file.contains("/en/oud/ /en/nieuw/ 301\n"), "{file}");
    assert!(
        file.contains("/en/map/verhuisd/ https://example.com/elders 301\n"),
        "{file}"
    );
}

#[test]
fn check_reports_missing_targets_chains_and_loops() {
    let site = site();
    let run = site.tolk(&["check"]);
    let err = &run.stderr;
    assert_eq!(run.code, 1, "{err}");
    assert!(
        err.contains("error[redirect-missing]: `weg` redirects to `nergens.md`"),
        "{err}"
    );
    assert!(
        err.contains("error[redirect-chain]: `k1` redirects to another redirect: k1 → k2 → nieuw"),
        "{err}"
    );
    assert!(
        err.contains("error[redirect-loop]: `l1` redirects in a loop: l1 → l2 → l1"),
        "{err}"
    );
    assert!(err.contains("book.toml:"), "located in book.toml: {err}");
    assert!(
        !err.contains("`oud` redirects"),
        "a good redirect is not reported: {err}"
    );
    assert!(!err.contains("verhuisd"), "{err}");
    // A broken JSON file is a located error of build and check alike.
    site.write(
        "content/.openpublishing.redirection.json",
        "{\n  \"redirections\": [\n",
    );
    let run = site.tolk(&["build"]);
    assert!(run.stderr.contains("error[redirects]"), "{}", run.stderr);
    assert!(
        run.stderr.contains(".openpublishing.redirection.json:"),
        "{}",
        run.stderr
    );
}
