//! `tolk build` end to end: the bundled seed site, small sites with each
//! construct, and bad input.

mod common;

use common::*;

#[test]
fn bundled_site_builds_with_titles_dates_anchors_callouts_tables_and_links() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    let pec = site.read("nl-nl/partner-earned-credit-troubleshoot/index.html");
    assert!(pec.contains("<h1 id=\"troubleshooting-partner-earned-credit\">Problemen met partnertegoed oplossen</h1>"), "{pec}");
    assert!(pec.contains("<time datetime=\"2021-07-22\">22 juli 2021</time>"));
    assert!(pec.contains("Auteur: adamyeh"));
    assert!(pec.contains("<h2 id=\"troubleshooting-guide\">"));
    assert!(pec.contains("<h2 id=\"next-steps\">"));
    assert!(pec.contains("<html lang=\"nl-NL\""));

    let cpor = site.read("nl-nl/incentives-customer-association-issues/index.html");
    assert!(cpor.contains("<div class=\"callout callout-important\" role=\"note\"><p class=\"callout-label\">Belangrijk</p>"));
    assert!(cpor.contains("<table>"), "seed 002 has a table");
    assert_eq!(
        cpor.matches("<tr>").count(),
        5,
        "the header and four rows of the table"
    );

    // Links between the seed articles become links to their pages, anchors kept.
    let lighthouse = site.read("nl-nl/lighthouse-partner-earned-credit/index.html");
    assert!(
        lighthouse.contains("href=\"/nl-nl/troubleshoot-account-setup/\"")
            || lighthouse.contains("href=\"/nl-nl/request-credit/")
    );
    let credit = site.read("nl-nl/request-credit/index.html");
    assert!(credit.contains("<h1 id=\"how-and-when-to-request-a-credit-from-microsoft\">"));
    // Links to articles the site does not have go to the external base.
    assert!(pec.contains(
        "href=\"https://learn.microsoft.com/nl-nl/partner-center/azure-plan-price-list\""
    ));
    // English pages exist for every article, and the index pages.
    for lang in ["nl-nl", "en"] {
        assert!(site.exists(&format!("{lang}/index.html")));
        assert!(site.exists(&format!("{lang}/request-credit/index.html")));
    }
    assert!(site.exists("index.html") && site.exists("404.html"));
}

#[test]
fn init_then_build() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x");
    let run = tolk(&["init", target.to_str().unwrap()], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // It ends with the writer's next step: a preview in the browser.
    let next = format!("tolk serve --root {} --open", target.display());
    assert!(
        run.stderr.lines().any(|l| l.trim() == next),
        "{}",
        run.stderr
    );
    // The public URL is left for the writer, commented, with a hint.
    let book = std::fs::read_to_string(target.join("book.toml")).unwrap();
    assert!(
        book.contains("[site]\n# The public address of the site, for canonical links and the sitemap.\n# Set it before you publish, e.g.:\n# url = \"https://docs.example.org\"\n"),
        "{book}"
    );
    assert!(!book.lines().any(|l| l.starts_with("url")), "{book}");
    assert!(
        !target.join("themes").exists(),
        "init writes no theme files"
    );
    let run = tolk(&["build", "--root", target.to_str().unwrap()], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(target.join("site/nl-nl/welcome/index.html")).unwrap();
    assert!(page.contains("<h1 id=\"welcome\">"));
    // The build's hint names the same site (run from here, a bare `tolk
    // serve` finds no book.toml).
    assert!(
        run.stderr.contains(&format!(
            "preview with `tolk serve --root {}`",
            target.display()
        )),
        "{}",
        run.stderr
    );
    // What builds leave beside the content is ignored by git: the site,
    // and the stamp, lock, spare copy and copies' record beside it.
    let ignore = std::fs::read_to_string(target.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/site/"), "{ignore}");
    assert!(ignore.lines().any(|l| l == "/.site.tolk-*"), "{ignore}");
    let beside: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site"))
        .collect();
    assert!(!beside.is_empty());
    assert!(
        beside.iter().all(|n| n.starts_with(".site.tolk-")),
        "{beside:?}"
    );
    // init refuses to overwrite.
    let again = tolk(&["init", target.to_str().unwrap()], None);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"));
}

#[test]
fn init_in_the_current_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let run = tolk(&["init"], Some(dir.path()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Created a new site in the current folder.")
            && run.stderr.lines().any(|l| l.trim() == "tolk serve --open"),
        "{}",
        run.stderr
    );
    // An existing .gitignore is the writer's: left as it is.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "mine\n").unwrap();
    assert_eq!(tolk(&["init"], Some(dir.path())).code, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "mine\n"
    );
}

#[test]
fn docfx_constructs_render() {
    let site = TempSite::new(
        "[links]\nexternal-base = \"https://docs.example/{lang}/pc/\"\nsite-prefix = \"/pc/\"\n",
    );
    site.write(
        "content/other.md",
        "---\ntitle: Ander\n---\n# Ander\n\n## <a name=\"deel\"></a>Deel\n",
    );
    site.write(
        "content/main.md",
        "---\ntitle: Hoofd\n---\n# <a name=\"top-id\"></a>Hoofd\n\n\
         ## Een kop met **nadruk**\n\n## Een kop met **nadruk**\n\n\
         >[!note]\n>Lees dit.\n\n> [!WARNING]\n> Pas op.\n\n\
         [rel](other.md#deel) [root](/pc/other#deel) [gone](missing.md) [up](../../x/y.md) [ext](https://example.org/a)\n\n\
         :::image type=\"content\" source=\"media/a.png\" alt-text=\"Een \\\"plaatje\\\" & meer\":::\n\n\
         #### [Eerste](#tab/one)\n\nInhoud een.\n\n#### [Tweede](#tab/two)\n\nInhoud twee.\n\n---\n\nNa de tabs.\n",
    );
    site.write("content/media/a.png", "PNG");
    site.write(
        "content/TOC.yml",
        "- name: Hoofd\n  href: main.md\n- name: Ander\n  href: other.md\n",
    );
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/main/index.html");
    assert!(html.contains("<h1 id=\"top-id\">Hoofd</h1>"));
    assert!(html.contains("<h2 id=\"een-kop-met-nadruk\">"));
    assert!(
        html.contains("<h2 id=\"een-kop-met-nadruk-1\">"),
        "duplicate headings get unique ids"
    );
    assert!(
        html.contains("callout-note") && html.contains("<p class=\"callout-label\">Opmerking</p>")
    );
    assert!(html.contains("callout-warning") && html.contains("Waarschuwing"));
    assert!(html.contains("href=\"/nl-nl/other/#deel\">rel</a>"));
    assert!(html.contains("href=\"/nl-nl/other/#deel\">root</a>"));
    assert!(html.contains("href=\"https://docs.example/nl-nl/pc/missing\">gone</a>"));
    assert!(html.contains("href=\"https://docs.example/nl-nl/x/y\">up</a>"));
    assert!(html.contains("href=\"https://example.org/a\">ext</a>"));
    assert!(html.contains("<figure class=\"image\"><img src=\"/media/a.png\""));
    assert_eq!(
        std::fs::read(site.root().join("site/media/a.png")).unwrap(),
        b"PNG",
        "assets are copied"
    );
    assert!(
        !site.exists("TOC.yml") && !site.exists("main.md"),
        "sources are not copied"
    );
    assert!(html.contains("role=\"tablist\"") && html.contains("role=\"tabpanel\""));
    assert!(html.contains("Inhoud twee."));
    assert!(
        html.contains("</section></div>"),
        "the tab set is closed at ---"
    );
    assert!(
        !html.contains("<hr"),
        "the --- that closes tabs is not a rule"
    );
    let en = site.read("en/main/index.html");
    assert!(
        en.contains("href=\"/en/other/#deel\">rel</a>"),
        "links stay in the page's language"
    );
    assert!(en.contains("href=\"https://docs.example/en-us/pc/missing\""));
}

#[test]
fn text_and_front_matter_are_escaped() {
    let site = TempSite::new("[book]\ntitle = \"A <b>site</b>\"\n");
    site.write(
        "content/a.md",
        "---\ntitle: \"<script>alert(1)</script>\"\ndescription: \"\\\"><img src=x onerror=alert(1)>\"\nauthor: \"<i>me</i>\"\n---\nGeen kop, 1 < 2 & 3 > 2.\n",
    );
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/a/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<i>me</i>"));
    assert!(html.contains("A &lt;b&gt;site&lt;/b&gt;"));
    assert!(html.contains("1 &lt; 2 &amp; 3 &gt; 2"));
}

#[test]
fn broken_yaml_is_reported_at_its_line_in_the_markdown_file() {
    let site = TempSite::new("");
    site.write("content/ok.md", ARTICLE);
    site.write(
        "content/bad.md",
        "---\ntitle: Goed\ndescription: [niet gesloten\nauthor: x\n---\n# Kop\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[yaml]: invalid front matter"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/bad.md:"), "{}", run.stderr);
    let line: usize = run
        .stderr
        .split("content/bad.md:")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (3..=5).contains(&line),
        "the YAML error is at line {line} of the file, not of the snippet"
    );
    assert!(!site.exists("nl-nl"), "a failed build writes nothing");
}

#[test]
fn unknown_config_key_names_key_file_and_line() {
    let site = TempSite::new("[book]\ntitle = \"x\"\n[build]\nbuild_dir = \"out\"\n");
    site.write("content/a.md", ARTICLE);
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[unknown-config-key]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("build_dir"));
    assert!(run.stderr.contains("book.toml:4:1"), "{}", run.stderr);
}

#[test]
fn bad_usage_exits_2() {
    let run = tolk(&["build", "--no-such-flag"], None);
    assert_eq!(run.code, 2);
    let run = tolk(&["frobnicate"], None);
    assert_eq!(run.code, 2);
}

#[test]
fn a_failed_build_leaves_the_previous_site_in_place() {
    let site = TempSite::new("");
    site.write("content/a.md", ARTICLE);
    site.tolk(&["build"]).ok();
    let before = site.read("nl-nl/a/index.html");
    site.write("content/b.md", "---\ntitle: [kapot\n---\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nothing was written"));
    assert_eq!(site.read("nl-nl/a/index.html"), before);
    assert!(!site.exists("nl-nl/b"));
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("tolk-"))
        // The empty lock file that keeps two builds apart stays by design,
        // and so does the first build's record of how it left its copy.
        .filter(|n| n != ".site.tolk-lock" && n != ".site.tolk-copies")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder left: {leftovers:?}"
    );
}

#[test]
fn refuses_an_output_folder_it_did_not_write() {
    let site = TempSite::new("");
    site.write("content/a.md", ARTICLE);
    site.write("site/precious.txt", "mine");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("holds files that tolk did not write"),
        "{}",
        run.stderr
    );
    assert!(site.exists("precious.txt"));
    let run = site.tolk(&["build", "--out", "content"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content folder"), "{}", run.stderr);
    let run = site.tolk(&["build", "--out", "."]);
    assert_eq!(run.code, 1);
    // A folder inside the content that does not exist yet, by --out or
    // build-dir, however spelled: it was written (the next build then
    // published the site's own files as content).
    let before: Vec<_> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .flatten()
        .map(|e| e.path().to_path_buf())
        .collect();
    for out in ["content/nieuw/dieper", "./x/../content/nieuw"] {
        let run = site.tolk(&["build", "--out", out]);
        assert_eq!(run.code, 1, "{out}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("it is the content folder or overlaps it"),
            "{out}: {}",
            run.stderr
        );
    }
    let book = TempSite::new("[build]\nbuild-dir = \"content/site\"\n");
    book.write("content/a.md", ARTICLE);
    let run = book.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("overlaps it"), "{}", run.stderr);
    assert!(!book.root().join("content/site").exists());
    let after: Vec<_> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .flatten()
        .map(|e| e.path().to_path_buf())
        .collect();
    assert_eq!(before, after, "nothing made in the content folder");
    site.tolk(&["build", "--force"]).ok();
    assert!(site.exists("nl-nl/a/index.html"));
}

#[test]
fn bad_input_is_a_diagnostic_never_a_panic() {
    // Unclosed front matter.
    let site = TempSite::new("");
    site.write("content/a.md", "---\ntitle: x\n# Kop\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the front matter is never closed")
            && run.stderr.contains("content/a.md:1:1"),
        "{}",
        run.stderr
    );

    // Not UTF-8: the line and column of the bad byte.
    let site = TempSite::new("");
    site.write("content/a.md", b"---\ntitle: x\n---\ncaf\xe9 au lait\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not valid UTF-8") && run.stderr.contains("content/a.md:4:4"),
        "{}",
        run.stderr
    );

    // Empty file, BOM, CRLF: handled.
    let site = TempSite::new("");
    site.write("content/empty.md", "");
    site.write(
        "content/bom.md",
        "\u{feff}---\r\ntitle: Met BOM\r\nms.date: 01/02/2021\r\n---\r\n# Met BOM\r\n\r\nTekst\r\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[missing-title]"),
        "the empty file has no title: {}",
        run.stderr
    );
    let bom = site.read("nl-nl/bom/index.html");
    assert!(bom.contains("<h1 id=\"met-bom\">Met BOM</h1>"));
    assert!(bom.contains("2 januari 2021"));
    assert!(!bom.contains('\r'));
    assert!(site.exists("nl-nl/empty/index.html"));

    // Bad date.
    let site = TempSite::new("");
    site.write("content/a.md", "---\ntitle: x\nms.date: 2021-13-45\n---\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[front-matter-date]") && run.stderr.contains("content/a.md:3:1"),
        "{}",
        run.stderr
    );

    // Missing book.toml.
    let dir = tempfile::tempdir().unwrap();
    let run = tolk(&["build", "--root", dir.path().to_str().unwrap()], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("tolk init"), "{}", run.stderr);
}

#[test]
fn two_articles_with_one_url_are_an_error() {
    let site = TempSite::new("");
    site.write("content/a.md", ARTICLE);
    site.write("content/a/index.md", ARTICLE);
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[duplicate-page]"),
        "{}",
        run.stderr
    );
}

#[test]
fn builds_are_byte_identical() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    let first = snapshot(&site.root().join("site"));
    // A build, not the check that nothing changed (tests/up_to_date.rs).
    let again = site.tolk(&["build", "--rebuild"]);
    again.ok();
    assert!(
        again.stderr.contains("Built 5 articles"),
        "{}",
        again.stderr
    );
    assert_eq!(first, snapshot(&site.root().join("site")));
}

#[test]
fn site_overrides_a_theme_template() {
    let site = TempSite::new("[build]\ntheme = \"mine\"\n");
    site.write("content/a.md", ARTICLE);
    site.write(
        "themes/mine/templates/404.html",
        "<!DOCTYPE html><title>eigen 404</title>{{ t['not-found-title'] }}",
    );
    site.tolk(&["build"]).ok();
    assert!(site.read("404.html").contains("eigen 404"));
    assert!(
        site.read("nl-nl/a/index.html").contains("<h1"),
        "other templates still come from the default theme"
    );
}

/// Front matter keys tolk does not read reach templates as `page.extra`.
#[test]
fn unknown_front_matter_keys_reach_templates_as_page_extra() {
    let site = TempSite::new("[build]\ntheme = \"mine\"\n");
    site.write(
        "content/a.md",
        "---\ntitle: A\nms.custom: SEOMAY.20\nreviewers: [anna, <bob>]\n---\n# A\n\nTekst.\n",
    );
    site.write(
        "themes/mine/templates/article.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">{{ page.extra['ms.custom'] }}</p><p id=\"rev\">{{ page.extra.reviewers | join(sep=\", \") }}</p>{% endblock main %}",
    );
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/a/index.html");
    assert!(html.contains("<p id=\"custom\">SEOMAY.20</p>"), "{html}");
    assert!(
        html.contains("<p id=\"rev\">anna, &lt;bob&gt;</p>"),
        "{html}"
    );
}

/// A template that does not parse stops the build before anything is
/// written, with the template's line and column and the line itself.
#[test]
fn a_template_syntax_error_points_at_the_template_line() {
    let site = TempSite::new("[build]\ntheme = \"mine\"\n");
    site.write("content/a.md", ARTICLE);
    site.write(
        "themes/mine/templates/404.html",
        "<!DOCTYPE html>\n<title>{{ site.title }}</title>\n<p>{{ page.title </p>\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[template]: a theme template does not compile: Found `</` but expected }}."
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> themes/mine/templates/404.html:3:18"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("3 | <p>{{ page.title </p>"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("index.html"), "nothing is written");
}

/// A variable the template names but the page does not have fails every
/// page that uses the template: one error, at the template's line, that
/// says which page it was rendering and how many more failed.
#[test]
fn a_template_rendering_error_is_reported_once_for_all_pages() {
    let site = TempSite::new("[build]\ntheme = \"mine\"\n");
    site.write("content/a.md", ARTICLE);
    site.write("content/b.md", ARTICLE);
    site.write(
        "themes/mine/templates/article.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ page.body | safe }}\n<p>{{ page.subtitle }}</p>{% endblock main %}\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[template]: article.html failed to render: Field `subtitle` is not defined."
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> themes/mine/templates/article.html:3:12"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("while rendering content/a.md and 3 other pages"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("failed with 1 error, 0 warnings, 0 notes;"),
        "one error, not one per page: {}",
        run.stderr
    );
    assert!(!site.exists("index.html"), "nothing is written");
}

#[test]
fn base_path_prefixes_every_link() {
    let site = bundled_site();
    site.tolk(&["build", "--base-url", "/docs/"]).ok();
    let html = site.read("nl-nl/request-credit/index.html");
    for href in html
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
    {
        assert!(
            href.starts_with("/docs/")
                || href.starts_with('#')
                || href.starts_with("https://")
                || href.starts_with("mailto:"),
            "{href} escapes /docs/"
        );
    }
    assert!(html.contains("href=\"/docs/static/style."));
}

#[test]
fn hosting_files_sitemap_robots_and_hashed_assets() {
    let site = bundled_site();
    let run = site.tolk(&["build"]);
    assert!(
        run.stderr.contains("Built 5 articles into")
            && run
                .stderr
                .contains("6 pages in nl-nl, 6 in en; 0 errors, 3 warnings, 25 notes;"),
        "{}",
        run.stderr
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://tolk.example.org/nl-nl/troubleshoot-account-setup/</loc><lastmod>2020-08-18</lastmod><xhtml:link rel=\"alternate\" hreflang=\"nl-NL\""));
    assert!(sitemap.contains("<loc>https://tolk.example.org/en/troubleshoot-account-setup/</loc>"));
    assert!(
        !sitemap.contains("<loc>https://tolk.example.org/en/request-credit/</loc>"),
        "noindex pages are not in the sitemap"
    );
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://tolk.example.org/sitemap.xml"));
    let page = site.read("nl-nl/request-credit/index.html");
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://tolk.example.org/nl-nl/request-credit/\">"
    ));
    let css = page
        .split("href=\"/static/style.")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(
        css.len() == "12345678.css".len(),
        "content-hashed name: style.{css}"
    );
    assert!(site.exists(&format!("static/style.{css}")));
    // The 404 page says so, in the content language, with the theme.
    assert!(site.read("404.html").contains("Pagina niet gevonden"));
    assert!(site.read("en/404.html").contains("Page not found"));
}

#[test]
fn includes_are_rendered_in_place_and_are_not_pages() {
    let site = TempSite::new("");
    site.write(
        "content/includes/note.md",
        "Gedeelde **tekst** uit een include.\n\n```checklist\nid: in-include\n```\n",
    );
    site.write("content/a.md", "---\ntitle: A\n---\n# A\n\nVoor.\n\n[!INCLUDE [gedeeld](includes/note.md)]\n\nNa.\n\n[!INCLUDE [weg](includes/missing.md)]\n");
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/a/index.html");
    assert!(
        html.contains("<p>Gedeelde <strong>tekst</strong> uit een include.</p>"),
        "{html}"
    );
    assert!(
        html.find("Voor.").unwrap() < html.find("Gedeelde").unwrap()
            && html.find("Gedeelde").unwrap() < html.find("Na.").unwrap()
    );
    assert!(html.contains("include-missing"));
    assert!(
        html.contains("id: in-include") && !html.contains("tolk-checklist"),
        "a checklist in an include stays text, no other form"
    );
    assert!(
        !site.exists("nl-nl/includes/note/index.html"),
        "include files are not pages"
    );
}

#[test]
fn large_sites_keep_each_pages_navigation_small() {
    let site = TempSite::new("");
    let mut toc = String::new();
    for n in 0..200 {
        site.write(
            &format!("content/a{n:03}.md"),
            format!("---\ntitle: Artikel {n}\n---\n# Artikel {n}\n"),
        );
        toc.push_str(&format!("- name: Artikel {n}\n  href: a{n:03}.md\n"));
    }
    site.write("content/TOC.yml", toc);
    site.tolk(&["build"]).ok();
    let page = site.read("nl-nl/a123/index.html");
    let nav = page
        .split("<nav class=\"site-nav\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    assert_eq!(
        nav.matches("<li>").count(),
        2,
        "the page itself and the way to all of them: {nav}"
    );
    assert!(nav.contains("aria-current=\"page\">Artikel 123</a>"));
    assert!(nav.contains("<a href=\"/nl-nl/\">Alle onderwerpen (200)</a>"));
    // The index page still lists every article.
    assert_eq!(
        site.read("nl-nl/index.html").matches("/nl-nl/a").count(),
        200
    );
}

#[test]
fn segments_in_front_matter_do_not_shift_the_body() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: <span data-ttu-id=\"1\">Titel</span><span class=\"sxs-lookup\"><span data-stu-id=\"1\">Title</span></span>\n---\n# Kop\n\nDe tekst blijft staan.\n",
    );
    site.tolk(&["build"]).ok();
    assert!(site
        .read("nl-nl/a/index.html")
        .contains("De tekst blijft staan."));
    assert!(site
        .read("en/a/index.html")
        .contains("De tekst blijft staan."));
}

#[test]
fn unsafe_links_and_tab_ids_are_defused() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\nms.date: 01/01/2021\n---\n# A\n\n[klik](javascript:alert(1)) en [ook]( JaVaScRiPt:alert(2))\n\n#### [Een](#tab/a\"><img/src=x/onerror=alert(1)>)\n\nInhoud.\n\n---\n\n[spatie](my%20file.md)\n",
    );
    site.write(
        "content/my file.md",
        "---\ntitle: Met spatie\nms.date: 01/01/2021\n---\n# Met spatie\n",
    );
    site.write(
        "content/TOC.yml",
        "- name: Kwaad\n  href: \"javascript://%0aalert(1)\"\n- name: A\n  href: a.md#a\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(
        run.code, 1,
        "an unsafe TOC link fails the build: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error[unsafe-link]") && run.stderr.contains("content/TOC.yml:2:"),
        "{}",
        run.stderr
    );
    // Without `//` a script URL was taken for a path and silently
    // dropped, and `ftp://` was published, though only http, https and
    // mailto may leave the site; a path that names no article vanished.
    site.write(
        "content/TOC.yml",
        "- name: A\n  href: a.md#a\n- name: J\n  href: \"javascript:alert(52)\"\n- name: D\n  href: \" data:text/html,x\"\n- name: F\n  href: ftp://example.com/x\n- name: O\n  href: overview\n- name: M\n  href: mailto:docs@example.org\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (line, what) in [
        (4, "javascript:alert(52)"),
        (6, "data:text/html,x"),
        (8, "ftp://example.com/x"),
    ] {
        assert!(
            run.stderr.contains(&format!("links to `{what}`: only http, https and mailto links may leave the site\n --> content/TOC.yml:{line}:")),
            "{what}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("warning[toc-missing]: TOC entry `O` points to overview, which is not an article of the site\n  --> content/TOC.yml:10:")
            || run.stderr.contains("warning[toc-missing]: TOC entry `O` points to overview, which is not an article of the site\n --> content/TOC.yml:10:"),
        "{}",
        run.stderr
    );
    // A YAML page in the TOC is in the navigation, not in "Other
    // articles" (the shared corpus's docset landing page).
    site.write(
        "content/start.yml",
        "### YamlMime:Landing\ntitle: Start\nsummary: Begin hier.\nmetadata:\n  title: Start\n  ms.date: 01/01/2021\nlandingContent:\n  - title: Eerst\n    linkLists:\n      - linkListType: overview\n        links:\n          - text: A\n            url: a.md\n",
    );
    site.write(
        "content/TOC.yml",
        "- name: Begin\n  href: start.yml\n- name: A\n  href: a.md#a\n- name: Spatie\n  href: my file.md\n",
    );
    site.tolk(&["build"]).ok();
    let start = site.read("nl-nl/start/index.html");
    assert!(start.contains("aria-current=\"page\""), "{start}");
    assert!(!start.contains("Overige artikelen"), "{start}");
    site.write(
        "content/TOC.yml",
        "- name: A\n  href: a.md#a\n- name: Spatie\n  href: my file.md\n",
    );
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/a/index.html");
    assert!(!html.to_ascii_lowercase().contains("javascript:"), "{html}");
    assert!(html.contains("<a href=\"#\">klik</a>"));
    assert!(!html.contains("<img/src=x"), "tab ids are escaped");
    assert!(
        html.contains("href=\"/nl-nl/my%20file/\">spatie</a>"),
        "percent-encoded paths are decoded: {html}"
    );
    assert!(
        html.contains("aria-current=\"page\""),
        "a TOC entry with an anchor still links its page"
    );
    let check = site.tolk(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stderr
            .contains("error[unsafe-link]: `javascript:alert(1)`"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_tab_set_inside_a_quote_closes_inside_it() {
    let site = TempSite::new("");
    site.write("content/a.md", "---\ntitle: A\n---\n# A\n\n> # [Een](#tab/een)\n>\n> Eerste.\n>\n> # [Twee](#tab/twee)\n>\n> Tweede.\n\nNa de quote.\n");
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/a/index.html");
    let quote = html
        .split("<blockquote>")
        .nth(1)
        .unwrap()
        .split("</blockquote>")
        .next()
        .unwrap();
    assert!(
        quote.contains("</section></div>"),
        "the set closes inside the quote: {html}"
    );
    assert!(html.find("</blockquote>").unwrap() < html.find("Na de quote.").unwrap());
}

#[test]
fn the_summary_counts_in_english_number_and_says_the_site_must_be_served() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/a.md", ARTICLE).write(
        "content/TOC.yml",
        "- name: A\n  href: a.md\n- name: Weg\n  href: gone.md\n",
    );
    let run = site.tolk(&["build"]);
    run.ok();
    assert!(
        run.stderr.contains("Built 1 article into ")
            && run
                .stderr
                .contains(": 2 pages in nl-nl, 2 in en; 0 errors, 1 warning, 0 notes; "),
        "{}",
        run.stderr
    );
    // Build's count is the site's: it ran every check.
    assert!(!run.stderr.contains("not checked"), "{}", run.stderr);
    // The site must be served: its links start at /.
    let out = site.root().join("site");
    assert!(
        run.stderr.contains(&format!("Serve it with any static web server, e.g. `python3 -m http.server -d {}`", out.display()))
            && run.stderr.contains("opening its index.html from disk (file://) does not work, because its links start at /."),
        "{}",
        run.stderr
    );
    let under = site.tolk(&["build", "--base-url", "/docs/"]);
    assert!(
        under
            .stderr
            .contains("Publish it at /docs/ of a web server")
            && under.stderr.contains("its links start at /docs/."),
        "{}",
        under.stderr
    );
    let check = site.tolk(&["check"]);
    assert!(
        check.stderr.contains("tolk check: 0 errors, 1 warning, "),
        "{}",
        check.stderr
    );
}

/// The count after `; ` in a summary line that contains `marker`: `2
/// errors, 1 warning, 0 notes`.
fn tally_after(log: &str, marker: &str) -> String {
    let line = log
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no `{marker}` line in\n{log}"));
    let err = line.find(" error").expect("a count of errors");
    let from = line[..err]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let note = from + line[from..].find(" note").expect("a count of notes");
    let end = if line[note..].starts_with(" notes") {
        note + 6
    } else {
        note + 5
    };
    line[from..end].to_string()
}

/// One set of diagnostics: `tolk build`, `tolk check` and the first build
/// of `tolk serve` run the same checks on a site with a broken link, a
/// broken anchor and removed raw HTML (made a warning in book.toml), print
/// the same diagnostics and the same counts. Build still writes the site:
/// the checks' errors do not stop it, and it says that `tolk check` fails.
#[test]
fn build_check_and_serve_report_the_same_diagnostics() {
    let site = TempSite::new("[check.severity]\nraw-html-removed = \"warning\"\n");
    site.write("content/a.md", ARTICLE);
    site.write(
        "content/b.md",
        "---\ntitle: B\nms.date: 01/02/2021\n---\n# B\n\nZie [weg](gone.md) en [a](a.md#geen-kop).\n\n<script>alert(1)</script>\n",
    );
    let check = site.tolk(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let counted = tally_after(&check.stderr, "tolk check: ");
    assert!(
        counted.starts_with("2 errors, 1 warning, "),
        "{}",
        check.stderr
    );
    let build = site.tolk(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(tally_after(&build.stderr, "Built 2 articles"), counted);
    assert!(
        build.stderr.contains("The site was written: 2 errors found by the checks (links, anchors, files, front matter) do not stop a build, but `tolk check` fails on them."),
        "{}",
        build.stderr
    );
    assert!(site.exists("nl-nl/b/index.html"));
    // The same diagnostics, line for line.
    let diags = |log: &str| -> Vec<String> {
        let mut v: Vec<String> = log
            .lines()
            .filter(|l| {
                l.starts_with("error[")
                    || l.starts_with("warning[")
                    || l.starts_with("note[")
                    || l.starts_with("  --> ")
            })
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(diags(&build.stderr), diags(&check.stderr));
    for code in [
        "error[broken-link]",
        "error[broken-anchor]",
        "warning[raw-html-removed]",
    ] {
        assert!(build.stderr.contains(code), "{code}: {}", build.stderr);
    }
    let serve = common::serve::Serve::start(&site);
    serve.wait_log("Built ");
    let log = serve.log();
    assert_eq!(tally_after(&log, "Built "), counted, "{log}");
    assert_eq!(diags(&log), diags(&check.stderr), "{log}");
}

/// A build that an error stops reports what `tolk check` reports, the site
/// checks included: before, it printed only the error that stopped it, so
/// a writer fixed that and met the broken link on the next run.
#[test]
fn a_stopped_build_reports_what_check_reports() {
    let site = TempSite::new("");
    site.write("content/a.md", ARTICLE);
    site.write("content/b.md", "---\ntitle: [B\n---\n# B\n\nTekst.\n");
    site.write(
        "content/c.md",
        "---\ntitle: C\nms.date: 01/02/2021\n---\n# C\n\nZie [weg](gone.md).\n",
    );
    let check = site.tolk(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let build = site.tolk(&["build"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(
        !site.exists("nl-nl/a/index.html"),
        "a stopped build wrote the site"
    );
    let diags = |log: &str| -> Vec<String> {
        log.split("\n\n")
            .map(str::trim)
            .filter(|b| {
                b.starts_with("error[") || b.starts_with("warning[") || b.starts_with("note[")
            })
            .map(str::to_string)
            .collect()
    };
    let (b, c) = (diags(&build.stderr), diags(&check.stderr));
    assert_eq!(b, c);
    for code in ["error[yaml]", "error[broken-link]"] {
        assert!(
            b.iter().any(|d| d.starts_with(code)),
            "{code} missing:\n{}",
            build.stderr
        );
    }
}

/// The spare copy a build brings up to date was the live site until the
/// build before: anything edited or added there by hand must not come
/// back two builds later, as it did when the manifest alone was trusted.
#[test]
fn hand_edits_to_the_site_never_come_back() {
    let site = TempSite::new("");
    site.write("content/a.md", ARTICLE);
    site.tolk(&["build"]).ok();
    let fresh = snapshot(&site.root().join("site"));
    let out = site.root().join("site");
    std::fs::write(out.join("stray.html"), "x").expect("stray");
    std::fs::create_dir_all(out.join("nl-nl/a/extra")).expect("mkdir");
    std::fs::write(out.join("nl-nl/a/extra/stray.html"), "x").expect("stray");
    let page = out.join("nl-nl/a/index.html");
    let mut bytes = std::fs::read(&page).expect("page");
    bytes[0] = b'X';
    std::fs::write(&page, &bytes).expect("edit");
    for round in 0..4 {
        site.tolk(&["build", "--rebuild"]).ok();
        assert_eq!(snapshot(&out), fresh, "after build {round}");
    }
}

#[test]
fn toc_entries_into_other_docsets_and_folders_are_linked() {
    // A DocFX TOC names pages of the public docs outside this docset by
    // their root path (`/azure/marketplace`) and a folder's TOC by the
    // folder (`sub/`); both vanished from the navigation.
    let site = TempSite::new(
        "[links]\nexternal-base = \"https://docs.example/{lang}/pc/\"\nsite-prefix = \"/pc/\"\n",
    );
    site.write("content/a.md", "---\ntitle: A\n---\n# A\n");
    site.write("content/sub/b.md", "---\ntitle: Bee\n---\n# Bee\n");
    site.write("content/sub/TOC.yml", "- name: B\n  href: b.md\n");
    site.write(
        "content/TOC.yml",
        "- name: A\n  href: a.md\n- name: Azure\n  href: /azure/marketplace\n- name: Sub\n  href: sub/\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("toc-missing"), "{}", run.stderr);
    let nl = site.read("nl-nl/a/index.html");
    let en = site.read("en/a/index.html");
    assert!(
        nl.contains("href=\"https://docs.example/nl-nl/azure/marketplace\""),
        "{nl}"
    );
    assert!(
        en.contains("href=\"https://docs.example/en-us/azure/marketplace\""),
        "{en}"
    );
    // The folder's TOC is a group with its page.
    assert!(nl.contains("<summary>Sub</summary>"), "{nl}");
    assert!(nl.contains("href=\"/nl-nl/sub/b/\""), "{nl}");
}
