//! `tolk check`: links, anchors, front matter, severities and both output
//! formats, with exit codes.

mod common;

use common::*;

fn broken_site() -> TempSite {
    let site = TempSite::new("[check.severity]\nexternal-link = \"off\"\n");
    site.write(
        "content/target.md",
        "---\ntitle: Doel\nms.date: 01/01/2021\n---\n# Doel\n\n## <a name=\"echt\"></a>Echt\n",
    );
    site.write(
        "content/source.md",
        "---\ntitle: Bron\nms.date: 01/01/2021\n---\n# Bron\n\nEen [goede](target.md#echt) link.\n\nEen [kapotte](nergens.md) link.\n\nEen [anker](target.md#nep) dat niet bestaat.\n\nOp [deze pagina](#ook-nep).\n",
    );
    site.write(
        "content/untitled.md",
        "---\nms.date: 01/01/2021\n---\nGeen titel.\n",
    );
    site
}

#[test]
fn reports_broken_links_anchors_and_missing_title_with_file_and_line() {
    let site = broken_site();
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains("error[broken-link]: `nergens.md` is not an article of this site"),
        "{err}"
    );
    assert!(err.contains("content/source.md:9:5"), "{err}");
    assert!(
        err.contains("error[broken-anchor]: `target.md#nep` points to #nep"),
        "{err}"
    );
    assert!(
        err.contains("(nl-nl and en)"),
        "one report for both languages: {err}"
    );
    assert!(err.contains("content/source.md:11:5"), "{err}");
    assert!(err.contains("did you mean #echt?"), "{err}");
    assert!(
        err.contains("error[broken-anchor]: `#ook-nep` is not a heading of this page"),
        "{err}"
    );
    assert!(
        err.contains("error[missing-front-matter]: the front matter has no `title`")
            && err.contains("content/untitled.md:1:1"),
        "{err}"
    );
    assert!(
        !err.contains("goede"),
        "the good link is not reported: {err}"
    );
    assert!(!site.exists("index.html"), "check writes no site");
}

#[test]
fn json_format_gives_one_object_per_diagnostic() {
    let site = broken_site();
    let run = site.tolk(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    let link = lines
        .iter()
        .find(|d| d["code"] == "broken-link")
        .expect("broken-link reported");
    assert_eq!(link["severity"], "error");
    assert_eq!(link["file"], "content/source.md");
    assert_eq!(link["line"], 9);
    assert_eq!(link["column"], 5);
    assert!(link["message"].as_str().unwrap().contains("nergens.md"));
    assert!(lines.iter().any(|d| d["code"] == "missing-front-matter"
        && d["file"] == "content/untitled.md"
        && d["line"] == 1));
}

#[test]
fn severities_come_from_book_toml() {
    let site = broken_site();
    site.write(
        "book.toml",
        "[check]\nrequired-front-matter = [\"ms.date\"]\n[check.severity]\nexternal-link = \"off\"\nbroken-link = \"warning\"\nbroken-anchor = \"off\"\n",
    );
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[broken-link]"));
    assert!(!run.stderr.contains("broken-anchor"));
    assert!(!run.stderr.contains("missing-front-matter"));
    site.write("book.toml", "[check.severity]\nbroken-link = \"fatal\"\n");
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("is not a severity") && run.stderr.contains("book.toml:2:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelt_code_under_check_severity_is_an_error_naming_the_nearest() {
    // `broken-ancor = "off"` silently did nothing: the broken anchors a
    // site meant to silence (or `unknown-code = "error"`, to fail on)
    // kept their default severity.
    let site = TempSite::new("[book]\ntitle = \"T\"\n\n[check.severity]\nbroken-ancor = \"off\"\n");
    site.write("content/index.md", ARTICLE);
    for args in [&["check"][..], &["build"][..]] {
        let run = site.tolk(args);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "error[unknown-config-key]: `broken-ancor` under [check.severity] is not a code tolk reports"
            ) && run.stderr.contains("--> book.toml:5:1")
                && run.stderr.contains("did you mean `broken-anchor`?"),
            "{}",
            run.stderr
        );
    }
    site.write("book.toml", "[check.severity]\nzzzz = \"error\"\n");
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("`zzzz` under [check.severity]")
            && !run.stderr.contains("did you mean"),
        "{}",
        run.stderr
    );
    // Every code that tolk documents is accepted.
    site.write("book.toml", "[check.severity]\nbroken-anchor = \"off\"\nmojibake = \"error\"\nsegment-identical = \"warning\"\n");
    assert_eq!(site.tolk(&["check"]).code, 0);
}

#[test]
fn bundled_site_lists_external_links_and_reports_its_real_problems() {
    let site = bundled_site();
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 0, "the bundled site passes: {}", run.stderr);
    // Links to articles the site does not have are listed with where they go.
    assert!(run.stderr.contains("note[external-link]: `azure-plan-price-list.md` is not in this site; it links to https://learn.microsoft.com/nl-nl/partner-center/azure-plan-price-list"), "{}", run.stderr);
    // Seed 004 links to a section it does not have, with an empty link text.
    assert!(run
        .stderr
        .contains("warning[broken-anchor]: `/partner-center/request-credit#required-information`"));
    assert!(run.stderr.contains("warning[empty-link-text]"));
    assert!(!run.stderr.contains("error["), "{}", run.stderr);
}

#[test]
fn mojibake_is_reported_with_the_repaired_word_in_both_formats() {
    let site = TempSite::new("[check.severity]\nexternal-link = \"off\"\nmojibake = \"error\"\n");
    site.write(
        "content/a.md",
        "---\ntitle: A\nms.date: 01/01/2021\n---\n# A\n\nDe klant is be\u{221a}\u{d8}nvloed door de storing.\n\nHet caf\u{c3}\u{a9} is open.\n",
    );
    let run = site.tolk(&["check"]);
    assert_eq!(
        run.code, 1,
        "mojibake set to error fails the check: {}",
        run.stderr
    );
    assert!(run.stderr.contains("`be\u{221a}\u{d8}nvloed` looks like UTF-8 read as mac-roman: it should be `be\u{ef}nvloed`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:7:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("it should be `caf\u{e9}`") && run.stderr.contains("content/a.md:9:"),
        "{}",
        run.stderr
    );
    let json = site.tolk(&["check", "--format", "json"]);
    let found: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &serde_json::Value| d["code"] == "mojibake")
        .collect();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0]["line"], 7);
    assert_eq!(found[1]["line"], 9);
    assert!(found[1]["message"]
        .as_str()
        .unwrap()
        .contains("windows-1252"));
}

#[test]
fn links_of_an_english_source_are_reported_in_that_file() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\nms.date: 01/01/2021\n---\n# A\n\nGoed.\n",
    );
    site.write(
        "content-en/a.md",
        "---\ntitle: A\n---\n# A\n\nSee [this](nowhere.md).\n",
    );
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content-en/a.md:6:5"), "{}", run.stderr);
    assert!(!run.stderr.contains("content/a.md:"), "{}", run.stderr);
}

/// Every `<a name>` and `id` the page shows is a target, as in docfx: a
/// second `<a name>` in a heading (the first becomes the heading's id), one
/// on a line of its own, one in the title; and `<!-->` is a whole comment,
/// not one that hides the rest of the page.
#[test]
fn every_name_and_id_on_the_page_is_an_anchor_target() {
    let site = TempSite::new("[check.severity]\nexternal-link = \"off\"\n");
    site.write(
        "content/doel.md",
        "---\ntitle: Doel\nms.date: 01/01/2021\n---\n# <a name=\"1\"></a><a name=\"top\"></a>Doel\n\n## <a name=\"echt\"></a><a name=\"12\"></a>Echt\n\n<a name=\"35\"></a>\nTekst.\n\n<!-->\nNa het commentaar.\n",
    );
    site.write(
        "content/bron.md",
        "---\ntitle: Bron\nms.date: 01/01/2021\n---\n# Bron\n\n[a](doel.md#12) [b](doel.md#35) [c](doel.md#top) [d](doel.md#echt) [e](doel.md#nep)\n",
    );
    let run = site.tolk(&["check"]);
    let err = &run.stderr;
    for ok in ["#12", "#35", "#top", "#echt"] {
        assert!(!err.contains(&format!("points to {ok}")), "{ok}: {err}");
    }
    assert!(
        err.contains("points to #nep"),
        "a real broken anchor stays an error: {err}"
    );
    assert!(!err.contains("raw-html-removed"), "{err}");
    site.tolk(&["build"]);
    assert!(site
        .read("nl-nl/doel/index.html")
        .contains("Na het commentaar."));
}

/// Links that name an article with other letter case or with `\` work in
/// docfx: tolk links them to the article (the right URL) and warns, in
/// articles and in TOC.yml.
#[test]
fn links_with_other_case_or_backslashes_resolve_and_warn() {
    let site = TempSite::new("[check.severity]\nexternal-link = \"off\"\n");
    site.write(
        "content/map/Doel-Pagina.md",
        "---\ntitle: Doel\nms.date: 01/01/2021\n---\n# Doel\n",
    );
    site.write(
        "content/bron.md",
        "---\ntitle: Bron\nms.date: 01/01/2021\n---\n# Bron\n\n[a](map/doel-pagina.md) en [b](map\\Doel-Pagina.md?tabs=x#doel)\n",
    );
    site.write(
        "content/TOC.yml",
        "- name: Bron\n  href: bron.md\n- name: Doel\n  href: map/DOEL-pagina.md\n",
    );
    let run = site.tolk(&["check"]);
    let err = &run.stderr;
    assert!(!err.contains("error["), "{err}");
    assert!(
        err.contains(
            "warning[link-spelling]: `map/doel-pagina.md` names the article map/Doel-Pagina"
        ),
        "{err}"
    );
    assert!(
        err.contains("warning[link-spelling]: `map\\Doel-Pagina.md?tabs=x#doel`"),
        "{err}"
    );
    assert!(
        err.contains("warning[link-spelling]: TOC entry `Doel`"),
        "{err}"
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("nl-nl/bron/index.html");
    assert!(page.contains("href=\"/nl-nl/map/Doel-Pagina/\""), "{page}");
    assert!(
        page.contains("href=\"/nl-nl/map/Doel-Pagina/?tabs=x#doel\""),
        "{page}"
    );
    // The TOC entry is in the navigation.
    assert!(page.contains(">Doel</a>"), "{page}");
}

#[test]
fn book_toml_mistakes_are_one_line_at_their_place() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n\n[build]\ntheme = \"nope\"\n");
    site.write("content/index.md", ARTICLE);
    // A theme folder that does not exist: at its name (it had no line).
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[theme]: the theme folder themes/nope does not exist\n --> book.toml:5:10\n"
        ),
        "{}",
        run.stderr
    );
    // toml's two-line message ("invalid array\nexpected `]`") is one.
    site.write("book.toml", "[book]\ntitle = \"T\"\nbad = [\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let head = run.stderr.lines().next().unwrap_or_default();
    assert_eq!(head, "error[config]: invalid array: expected `]`");
}
