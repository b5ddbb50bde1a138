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

/// An old path is a place in the site the build writes to: one that
/// climbs out of the content folder is a located error and writes nothing
/// outside the site (it wrote `index.html` files wherever the `..` led);
/// `./`, `//` and a trailing `/` are folded as in links.
#[test]
fn old_paths_that_climb_out_are_refused_and_others_are_folded() {
    let site = TempSite::new("[check.severity]\nexternal-link = \"off\"\n");
    site.write("content/nieuw.md", ARTICLE);
    site.write(
        "content/.openpublishing.redirection.json",
        "{\"redirections\": [\n{\"source_path\": \"../../ontsnapt.md\", \"redirect_url\": \"nieuw.md\"},\n{\"source_path\": \"map/../../../ook.md\", \"redirect_url\": \"nieuw.md\"},\n{\"source_path\": \"./punt.md\", \"redirect_url\": \"nieuw.md\"},\n{\"source_path\": \"map//oud/\", \"redirect_url\": \"nieuw.md\"}\n]}\n",
    );
    let run = site.tolk(&["build"]);
    let err = &run.stderr;
    assert!(
        err.contains(
            "error[redirects]: the old path `../../ontsnapt.md` climbs out of the content folder"
        ),
        "{err}"
    );
    assert!(err.contains("`map/../../../ook.md` climbs out"), "{err}");
    assert!(err.contains(".openpublishing.redirection.json:2:"), "{err}");
    assert_ne!(run.code, 0, "{err}");
    // Nothing beside the project, nor beside the content folder.
    let parent = site.root().parent().expect("parent");
    assert!(!parent.join("ontsnapt").exists() && !parent.join("ook").exists());
    assert!(!site.root().join("ontsnapt").exists());
    // Without them the site builds, the others folded.
    site.write(
        "content/.openpublishing.redirection.json",
        "{\"redirections\": [\n{\"source_path\": \"./punt.md\", \"redirect_url\": \"nieuw.md\"},\n{\"source_path\": \"map//oud/\", \"redirect_url\": \"nieuw.md\"}\n]}\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let punt = site.read("nl-nl/punt/index.html");
    assert!(punt.contains("url=/nl-nl/nieuw/"), "{punt}");
    assert!(site
        .read("en/map/oud/index.html")
        .contains("url=/en/nieuw/"));
    let file = site.read("_redirects");
    assert!(file.contains("/nl-nl/punt/ /nl-nl/nieuw/ 301\n"), "{file}");
    assert!(
        file.contains("/nl-nl/map/oud/ /nl-nl/nieuw/ 301\n"),
        "{file}"
    );
    assert!(!file.contains("//"), "{file}");
}

/// A redirect to a YAML page tolk builds (a landing page, by its folder
/// URL `/gids/`) is no warning; one to a kind it does not build is. The
/// folder URL's trailing `/` made the first a `redirect-to-yaml` warning
/// on the corpus (its `partner-center/index.yml` hub).
#[test]
fn redirects_to_yaml_pages_warn_only_for_kinds_tolk_does_not_build() {
    let site = TempSite::new(
        "[links]\nsite-prefix = \"/\"\nexternal-base = \"https://learn.microsoft.com/{lang}/\"\n[check.severity]\nexternal-link = \"off\"\n",
    );
    site.write("content/nieuw.md", ARTICLE);
    site.write(
        "content/gids/index.yml",
        "### YamlMime:Landing\ntitle: Start\nmetadata:\n  title: Start\n  ms.date: 09/01/2021\nlandingContent:\n- title: Nieuw\n  linkLists:\n  - linkListType: overview\n    links:\n    - text: Nieuw\n      url: ../nieuw.md\n",
    );
    site.write(
        "content/api/index.yml",
        "### YamlMime:ManagedReference\nitems:\n- uid: X\n",
    );
    // Articles in both folders: the folders are the site's, so their
    // URLs are checked as its pages.
    site.write("content/gids/meer.md", ARTICLE);
    site.write("content/api/overzicht.md", ARTICLE);
    site.write(
        "content/.openpublishing.redirection.json",
        "{\"redirections\": [\n{\"source_path\": \"oud-gids.md\", \"redirect_url\": \"/gids/\"},\n{\"source_path\": \"oud-api.md\", \"redirect_url\": \"/api/\"}\n]}\n",
    );
    let run = site.tolk(&["check"]);
    let err = &run.stderr;
    assert!(
        err.contains("warning[redirect-to-yaml]: `oud-api` redirects to `/api/`"),
        "{err}"
    );
    assert!(!err.contains("`oud-gids` redirects"), "{err}");
}

/// A contributor's redirection file cannot add rules to `_redirects`.
/// Before, `"redirect_url": "https://x/ 301\n/* https://evil.example/:splat
/// 200!\n#"` passed `tolk check` and wrote that second line, which sends
/// every URL of a Netlify site away. Now a target with a line break or a
/// space is a located `error[redirects]` that stops the build, and a
/// `javascript:` target is `error[unsafe-link]` (its pages lead to `#`).
#[test]
fn a_redirect_target_cannot_add_rules_to_the_redirects_file() {
    let site = TempSite::new("[check.severity]\nexternal-link = \"off\"\n");
    site.write("content/nieuw.md", ARTICLE);
    site.write(
        "content/.openpublishing.redirection.json",
        r#"{"redirections": [
  {"source_path": "oud.md", "redirect_url": "https://learn.microsoft.com/ 301\n/* https://evil.example/:splat 200!\n#"},
  {"source_path": "spatie.md", "redirect_url": "https://ok.example/y 200!"},
  {"source_path": "script.md", "redirect_url": "javascript:alert(1)"},
  {"source_path": "goed.md", "redirect_url": "nieuw.md"}
]}
"#,
    );
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains(
            "error[redirects]: the redirect of `oud.md` leads to a URL with a line break in it"
        ) && err.contains("--> content/.openpublishing.redirection.json:2:"),
        "{err}"
    );
    assert!(
        err.contains("the redirect of `spatie.md` leads to a URL with a space in it"),
        "{err}"
    );
    assert!(
        err.contains("error[unsafe-link]: `script` redirects to `javascript:alert(1)`"),
        "{err}"
    );
    // Such a target stops the build, as an old path out of the content
    // folder does: nothing is written.
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!site.exists("_redirects"));
    // Without them, the script target is left `#` and every rule is the
    // site's own: three fields, no line of the contributor's.
    site.write(
        "content/.openpublishing.redirection.json",
        r#"{"redirections": [
  {"source_path": "script.md", "redirect_url": "javascript:alert(1)"},
  {"source_path": "goed.md", "redirect_url": "nieuw.md"}
]}
"#,
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = site.read("_redirects");
    for line in file.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        assert!(
            fields.len() == 3 && fields[0].starts_with('/') && fields[2] == "301",
            "{line:?} in:\n{file}"
        );
    }
    assert!(!file.contains("javascript"), "{file}");
    assert!(file.contains("/nl-nl/goed/ /nl-nl/nieuw/ 301\n"), "{file}");
}
