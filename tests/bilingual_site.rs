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

/// The navigation of a page.
fn nav(html: &str) -> &str {
    let start = html.find("<nav").unwrap_or(0);
    let end = html[start..]
        .find("</nav>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn english_tree_publishes_its_images_includes_and_toc() {
    let site = built();
    // Images of content-en are published under en/, where the English
    // page's <img> points.
    let en = site.read("en/partner-center/account-structure/index.html");
    assert!(
        en.contains("src=\"/en/partner-center/media/accountstructure.png\""),
        "English image URL"
    );
    assert!(site.exists("en/partner-center/media/accountstructure.png"));
    assert!(site.exists("en/partner-center/media/insights/roles.png"));
    // The English include is found in the English tree.
    let en = site.read("en/partner-center/reg-number-id/index.html");
    assert!(!en.contains("[!INCLUDE"), "raw include on the English page");
    assert!(
        en.contains("INN – Tax identification number"),
        "included table"
    );
    // The English navigation uses the English TOC's group labels.
    let nav_en = nav(&en).to_string();
    assert!(nav_en.contains("Programs"), "{nav_en}");
    assert!(
        !nav_en.contains("Programma"),
        "Dutch TOC label on an English page: {nav_en}"
    );
    let nl = site.read("nl-nl/partner-center/reg-number-id/index.html");
    assert!(nav(&nl).contains("Programma&#39;s") || nav(&nl).contains("Programma's"));
    // `tolk check` finds nothing missing on the English pages (the Dutch
    // corpus's own images are absent: those warnings name content/).
    let check = site.tolk(&["check"]);
    let out = format!("{}{}", check.stdout, check.stderr);
    assert!(out.contains("warning[missing-asset]: `images/"), "{out}");
    assert!(!out.contains("warning[missing-asset]: `media/"), "{out}");
    for block in out.split("\n\n") {
        // (Outlines that differ are the English file's, on purpose.)
        let serious = (block.starts_with("warning") || block.starts_with("error"))
            && !block.starts_with("warning[anchor-mismatch]");
        assert!(!(serious && block.contains("--> content-en/")), "{block}");
    }
}

#[test]
fn an_article_only_in_english_is_an_english_page_and_a_dutch_page_that_says_so() {
    let site = built();
    let en = site.read("en/partner-center/gdap-partner-terminate/index.html");
    assert!(en.contains("<title>Partner-led termination of a GDAP relationship"));
    assert!(!en.contains("noindex"), "the English page is the real one");
    assert!(en.contains("src=\"/en/partner-center/media/gdap/gdap-terminate.png\""));
    let nl = site.read("nl-nl/partner-center/gdap-partner-terminate/index.html");
    assert!(
        nl.contains("<article lang=\"en\">"),
        "English body marked on the Dutch page"
    );
    assert!(nl.contains("alleen in het Engels beschikbaar"));
    assert!(nl.contains("noindex"));
    // Not in the Dutch search index, in the English one.
    let nl_index = site.read("search-nl-nl.json");
    let en_index = site.read("search-en.json");
    assert!(!nl_index.contains("gdap-partner-terminate"));
    assert!(en_index.contains("gdap-partner-terminate"));
}

#[test]
fn renamed_articles_pair_through_book_toml_and_check_lists_the_unpaired() {
    let site = built();
    // advanced-specializations-apply.md → specializations-apply.md
    let en = site.read("en/partner-center/advanced-specializations-apply/index.html");
    assert!(en.contains("Use Partner Center to apply for specializations and check their status"));
    assert!(!en.contains("available only in Dutch"));
    assert!(
        !site.exists("en/partner-center/specializations-apply/index.html"),
        "no second page for the renamed file"
    );
    let check = site.tolk(&["check"]);
    let out = format!("{}{}", check.stdout, check.stderr);
    assert!(out.contains("note[only-dutch]"), "{out}");
    assert!(out.contains("content/partner-center/psc-to-pc.md has no English original (looked for content-en/partner-center/psc-to-pc.md)"), "{out}");
    assert!(out.contains("note[only-english]: content-en/partner-center/gdap-partner-terminate.md has no Dutch article"), "{out}");
    assert!(
        !out.contains("advanced-specializations-apply.md has no English"),
        "{out}"
    );
}

#[test]
fn a_docfx_redirection_file_pairs_a_moved_article() {
    let site = two_language_site();
    // Without the book.toml table, the English tree's redirection file says
    // where the article went.
    let book = std::fs::read_to_string(site.root().join("book.toml")).unwrap();
    let book = book
        .split("[languages.renamed]")
        .next()
        .unwrap()
        .to_string();
    site.write("book.toml", book);
    site.write(
        "content-en/.openpublishing.redirection.json",
        r#"{"redirections": [{"source_path": "partner-center/advanced-specializations-apply.md", "redirect_url": "/partner-center/specializations-apply", "redirect_document_id": true}]}"#,
    );
    site.tolk(&["build"]).ok();
    let en = site.read("en/partner-center/advanced-specializations-apply/index.html");
    assert!(en.contains("Use Partner Center to apply for specializations and check their status"));
}

/// Runs `queries` through search.js against the built site's Dutch index:
/// for each, the section anchors (page URL + `#` + anchor) it finds.
fn search_js(site: &TempSite, queries: &[&str]) -> Vec<Vec<String>> {
    let node_there = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    // Needed, not optional: a test that passed without Node would have
    // checked nothing (README: what the tests need).
    assert!(
        node_there,
        "this test runs search.js in Node: install Node.js (apt-get install nodejs)"
    );
    let script = repo().join("themes/default/static/search.js");
    let index = site.root().join("site/search-nl-nl.json");
    let check = r#"
const fs = require('fs');
const s = require(process.argv[2]);
const nl = new s.Index(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));
const out = JSON.parse(process.argv[4]).map(q =>
  nl.search(q + ' ').map(id => nl.docs[nl.sections[id][0]][0] + '#' + nl.sections[id][2]));
console.log(JSON.stringify(out));
"#;
    let output = std::process::Command::new("node")
        .args(["-e", check, "x"])
        .arg(&script)
        .arg(&index)
        .arg(serde_json::to_string(queries).unwrap_or_default())
        .output()
        .expect("node");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

#[test]
fn dutch_search_finds_both_forms_of_a_word_and_skips_stop_words() {
    let site = built();
    let nl = site.read("search-nl-nl.json");
    let v: serde_json::Value = serde_json::from_str(&nl).expect("index");
    let stop: Vec<&str> = v["stop"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    for w in ["een", "geen", "meer", "kunt", "kan", "moet"] {
        assert!(stop.contains(&w), "`{w}` is a stop word");
    }
    let found = search_js(
        &site,
        &[
            "opties", "optie", "rol", "rollen", "stap", "stappen", "prijzen", "prijs",
        ],
    );
    // Singular and plural find the same sections.
    assert_eq!(found[0], found[1], "opties / optie");
    assert_eq!(found[2], found[3], "rol / rollen");
    assert_eq!(found[4], found[5], "stap / stappen");
    // `optie` occurs in sections where `opties` does not: both are found.
    assert!(found[0].len() > 2, "{:?}", found[0]);
    // No article says `prijzen`: the query still finds `prijs`.
    assert!(!found[7].is_empty());
    assert_eq!(found[6], found[7], "prijzen / prijs");
}

#[test]
fn an_english_half_is_rendered_inline_whatever_it_starts_with() {
    // Shapes from the localized corpora: English halves that begin like a
    // list item, a numbered step, a heading or a quote, in a paragraph and
    // in a list item, next to one with ordinary inline Markdown.
    let seg = |id: u32, nl: &str, en: &str| {
        format!("<span data-ttu-id=\"a-{id}\">{nl}</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-{id}\">{en}</span></span>")
    };
    let body = format!(
        "---\ntitle: Test\n---\n# Test\n\nEerst {} en dan {}.\n\n- {}\n- {}\n\n{} {}\n",
        seg(1, "kiest u", "- Select **Billing**"),
        seg(2, "stap een", "1. Sign in to Partner Center"),
        seg(3, "Lijstitem", "2) Open the [page](other.md)"),
        seg(4, "Kop", "# Heading-like"),
        seg(5, "Citaat", "> quoted"),
        seg(6, "Gewoon", "Plain *text*"),
    );
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/a.md", body);
    site.write("content/other.md", "---\ntitle: Other\n---\n# Other\n");
    site.tolk(&["build"]).ok();
    let nl = site.read("nl-nl/a/index.html");
    let main = nl.split("<main").nth(1).expect("main");
    let origs: Vec<&str> = main
        .split("<span class=\"tolk-orig\"")
        .skip(1)
        .map(|s| s.split("</span>").next().unwrap_or(""))
        .collect();
    assert_eq!(origs.len(), 6, "{main}");
    for o in &origs {
        for block in [
            "<ul",
            "<ol",
            "<li",
            "<h1",
            "<h2",
            "<blockquote",
            "<p>",
            "<hr",
        ] {
            assert!(!o.contains(block), "block HTML in an English half: {o}");
        }
    }
    assert!(
        origs[0].contains("- Select <strong>Billing</strong>"),
        "{}",
        origs[0]
    );
    assert!(
        origs[1].contains("1. Sign in to Partner Center"),
        "{}",
        origs[1]
    );
    assert!(
        origs[2].contains("2) Open the <a href=\"/nl-nl/other/\">page</a>"),
        "{}",
        origs[2]
    );
    assert!(origs[3].contains("# Heading-like"), "{}", origs[3]);
    assert!(origs[4].contains("&gt; quoted"), "{}", origs[4]);
    assert!(origs[5].contains("Plain <em>text</em>"), "{}", origs[5]);
    // The paragraph holds both segments: the browser would close it at a
    // block element.
    let para = main
        .split("<p>Eerst")
        .nth(1)
        .expect("paragraph")
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        para.contains("stap een") && para.contains("Sign in to Partner Center"),
        "{para}"
    );
    // The English page has the English halves as they are.
    let en = site.read("en/a/index.html");
    assert!(en.contains("Sign in to Partner Center"));
}

#[test]
fn english_headings_answer_to_the_dutch_anchors_where_outlines_match() {
    let site = built();
    // account-structure: the English headings were reworded ("Partner
    // global account"), the outline (three H2) is the same.
    let en = site.read("en/partner-center/account-structure/index.html");
    let nl = site.read("nl-nl/partner-center/account-structure/index.html");
    let dutch = "the-top-level-account-is-the-partner-global-account-pga";
    assert!(nl.contains(&format!("<h2 id=\"{dutch}\">")));
    let h2 = en
        .split("<h2 ")
        .nth(1)
        .expect("first H2")
        .split("</h2>")
        .next()
        .unwrap();
    assert!(h2.contains("id=\"partner-global-account\""), "{h2}");
    assert!(
        h2.contains(&format!("id=\"{dutch}\"")),
        "the Dutch anchor on the English heading: {h2}"
    );
    // And the reverse: the English anchor lands on the Dutch section.
    let h2 = nl
        .split("<h2 ")
        .nth(1)
        .expect("first H2")
        .split("</h2>")
        .next()
        .unwrap();
    assert!(h2.contains("id=\"partner-global-account\""), "{h2}");
    // No id twice on a page.
    for page in [&en, &nl] {
        let mut ids: Vec<&str> = page
            .split(" id=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
    // A Dutch link with a Dutch anchor into an English page passes check,
    // and outlines that differ are reported.
    let check = site.tolk(&["check"]);
    let out = format!("{}{}", check.stdout, check.stderr);
    assert!(
        out.contains("warning[anchor-mismatch]: the outlines of content/partner-center/update-customer-account-info.md (2 sections) and its English original (3 sections) differ"),
        "{out}"
    );
    assert!(
        out.contains("--> content-en/partner-center/update-customer-account-info.md"),
        "{out}"
    );
    assert!(
        !out.contains(
            "anchor-mismatch]: the outlines of content/partner-center/account-structure.md"
        ),
        "{out}"
    );
}

#[test]
fn a_dutch_link_with_a_dutch_anchor_into_an_english_page_is_not_broken() {
    let site = two_language_site();
    site.write(
        "content-en/partner-center/chip-users.md",
        format!(
            "{}\nSee [the PGA](account-structure.md#the-top-level-account-is-the-partner-global-account-pga).\n",
            std::fs::read_to_string(repo().join("tests/bilingual-site/content-en/partner-center/chip-users.md")).unwrap()
        ),
    );
    site.tolk(&["build"]).ok();
    let check = site.tolk(&["check"]);
    let out = format!("{}{}", check.stdout, check.stderr);
    assert!(
        !out.contains(
            "the-top-level-account-is-the-partner-global-account-pga, which is not a heading"
        ),
        "{out}"
    );
}

#[test]
fn dutch_fragments_on_english_pages_are_marked_dutch() {
    let site = built();
    // A Dutch-only article's English page: the Dutch meta description.
    let en = site.read("en/partner-center/psc-to-pc/index.html");
    let meta = en
        .split("<meta name=\"description\"")
        .nth(1)
        .expect("meta")
        .split('>')
        .next()
        .unwrap();
    assert!(meta.contains("lang=\"nl\""), "{meta}");
    // An English source's description is English: not marked.
    let en = site.read("en/partner-center/agreements/index.html");
    let meta = en
        .split("<meta name=\"description\"")
        .nth(1)
        .expect("meta")
        .split('>')
        .next()
        .unwrap();
    assert!(!meta.contains("lang=\"nl\""), "{meta}");
    // The site title (book.toml, in Dutch) on an English page.
    assert!(en.contains("<a class=\"site-title\" href=\"/en/\" lang=\"nl\">"));
    let nl = site.read("nl-nl/partner-center/agreements/index.html");
    assert!(nl.contains("<a class=\"site-title\" href=\"/nl-nl/\">"));
    // A navigation group the English TOC does not name keeps its Dutch
    // label, marked.
    let site = two_language_site();
    std::fs::remove_file(site.root().join("content-en/partner-center/TOC.yml")).unwrap();
    site.tolk(&["build"]).ok();
    let en = site.read("en/partner-center/agreements/index.html");
    assert!(
        nav(&en).contains("<summary><span lang=\"nl\">Programma&#39;s</span></summary>")
            || nav(&en).contains("<summary><span lang=\"nl\">Programma's</span></summary>"),
        "{}",
        nav(&en)
    );
}

#[test]
fn an_english_group_names_a_dutch_one_only_when_they_hold_mostly_the_same_pages() {
    // The shared corpus's English TOC has no group over the whole site,
    // but large ones ("Customers"): the Dutch top group and small Dutch
    // groups inside a large English one took its name, so the English
    // sidebar said "Customers" three times.
    let site = two_language_site();
    let toc = site.root().join("content-en/partner-center/TOC.yml");
    let english = std::fs::read_to_string(&toc).expect("English TOC");
    // One English group holding every page of both Dutch groups, and a
    // small one with two of the Account pages.
    let all: String = english
        .lines()
        .filter(|l| {
            l.trim_start().starts_with("- name:") && l.starts_with("    ")
                || l.trim_start().starts_with("href:")
        })
        .map(|l| format!("  {l}\n"))
        .collect();
    site.write(
        "content-en/partner-center/TOC.yml",
        format!(
            "- name: Customers\n  items:\n{all}- name: Two\n  items:\n    - name: A\n      href: account-structure.md\n    - name: B\n      href: reg-number-id.md\n"
        ),
    );
    site.tolk(&["build"]).ok();
    let en = site.read("en/partner-center/agreements/index.html");
    let nav_en = nav(&en);
    // Account's 5 pages are 5 of the 13 under "Customers", and "Two"
    // holds only 2 of them: neither names it. (The 8 Programs pages are
    // most of "Customers", which may name that group.)
    assert!(
        nav_en.contains("<summary><span lang=\"nl\">Account</span></summary>"),
        "Account is not kept, marked Dutch: {nav_en}"
    );
    assert!(!nav_en.contains(">Two<"), "{nav_en}");
    // A group regrouped since the translation but opening with the same
    // overview page is the same group: it lends its name.
    site.write(
        "content-en/partner-center/TOC.yml",
        "- name: Your account\n  items:\n    - name: A\n      href: account-structure.md\n    - name: B\n      href: gdap-partner-terminate.md\n",
    );
    site.tolk(&["build"]).ok();
    let en = site.read("en/partner-center/agreements/index.html");
    assert!(
        nav(&en).contains("<summary>Your account</summary>"),
        "{}",
        nav(&en)
    );
    // A Dutch group and its subgroup open with the same page: the label
    // goes to the innermost only (both were "Your account").
    let dutch_toc = site.root().join("content/partner-center/TOC.yml");
    let dutch = std::fs::read_to_string(&dutch_toc).expect("Dutch TOC");
    let nested: String = dutch.lines().map(|l| format!("    {l}\n")).collect();
    site.write(
        "content/partner-center/TOC.yml",
        format!("- name: Alles\n  items:\n{nested}"),
    );
    site.tolk(&["build"]).ok();
    let en = site.read("en/partner-center/agreements/index.html");
    let nav_en = nav(&en);
    assert_eq!(nav_en.matches("Your account").count(), 1, "{nav_en}");
    assert!(
        nav_en.contains("<summary><span lang=\"nl\">Alles</span></summary>"),
        "{nav_en}"
    );
    std::fs::write(&dutch_toc, dutch).expect("write");
    // With the English TOC as it was, its names come back.
    std::fs::write(&toc, english).expect("write");
    site.tolk(&["build"]).ok();
    let en = site.read("en/partner-center/agreements/index.html");
    assert!(
        nav(&en).contains("<summary>Programs</summary>"),
        "{}",
        nav(&en)
    );
}

/// Decodes the character references tolk writes.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text nodes and the `alt`/`content` attribute values of a page, each
/// with the `lang` of its nearest element that has one (the page's `<html
/// lang>` at the top). `<title>` is left out: it holds text only, so a
/// title "English page · Dutch site" cannot mark its parts.
fn fragments_with_lang(html: &str) -> Vec<(String, String, &'static str)> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let v = tag.split(&format!(" {name}=\"")).nth(1)?;
        Some(unescape(&v[..v.find('"')?]))
    };
    let mut out = Vec::new();
    // (element name, its lang or the inherited one)
    let mut stack: Vec<(String, String)> = vec![(String::new(), String::new())];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let text = unescape(rest[..lt].trim());
        let lang = stack.last().map(|e| e.1.clone()).unwrap_or_default();
        let in_title = stack.iter().any(|e| e.0 == "title" || e.0 == "script");
        if !text.is_empty() && !in_title {
            out.push((text, lang.clone(), "text"));
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            if let Some(k) = stack.iter().rposition(|e| e.0 == name.trim()) {
                stack.truncate(k.max(1));
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let own = attr(tag, "lang").unwrap_or(lang);
        for a in ["alt", "content"] {
            if let Some(v) = attr(tag, a).filter(|v| !v.trim().is_empty()) {
                out.push((v, own.clone(), a));
            }
        }
        if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push((name, own));
        }
    }
    out
}

/// The fragments of every page of `lang` (skipping pages `skip` says are
/// in the other language) that are in `lang` (not marked otherwise), with
/// the page's path: title, meta description, alt texts, and with
/// `with_nav` the navigation's labels.
fn fragments_of(site: &TempSite, lang: &str, skip: &str, with_nav: bool) -> Vec<(String, String)> {
    let own = |l: &str| l.is_empty() || l.to_ascii_lowercase().starts_with(&lang[..2]);
    let mut all = Vec::new();
    for e in walkdir::WalkDir::new(site.root().join("site").join(lang)).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_name() != "index.html" {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).expect("read");
        let page = e.path().display().to_string();
        if html.contains(skip) {
            continue;
        }
        let mut kinds = Vec::new();
        let h1 = html.find("<h1").map_or("", |at| {
            let h = &html[at..];
            &h[..h.find("</h1>").map_or(h.len(), |e| e + 5)]
        });
        for (text, l, _) in fragments_with_lang(h1) {
            if own(&l) {
                kinds.push(text);
            }
        }
        if let Some(meta) = html.split("<meta name=\"description\"").nth(1) {
            let meta = &meta[..meta.find('>').unwrap_or(meta.len())];
            if !meta.contains(" lang=") {
                kinds.extend(
                    meta.split("content=\"")
                        .nth(1)
                        .and_then(|d| Some(unescape(&d[..d.find('"')?]))),
                );
            }
        }
        for (alt, l, kind) in fragments_with_lang(&html) {
            if kind == "alt" && own(&l) {
                kinds.push(alt);
            }
        }
        // Navigation labels: the text of every link and summary.
        if with_nav {
            for (text, l, _) in fragments_with_lang(nav(&html)) {
                if own(&l) {
                    kinds.push(text);
                }
            }
        }
        all.extend(kinds.into_iter().map(|k| (k, page.clone())));
    }
    all
}

/// WCAG 3.1.2 on the two-language site: every Dutch title, description,
/// alt text, navigation label and the site title on an English page sits
/// inside an element with `lang="nl"`, and every English one on a Dutch
/// page inside `lang="en"`.
#[test]
fn no_fragment_of_the_other_language_is_unmarked() {
    let site = two_language_site();
    // An article with segments and an image whose alt text is Dutch (no
    // segment): its English page is rebuilt from the segments.
    site.write(
        "content/partner-center/segment-image.md",
        "---\ntitle: Afbeelding met segmenten\ndescription: Een artikel met zinnen in twee talen\nms.date: 01/02/2021\n---\n\
         # <span data-ttu-id=\"a-1\">Afbeeldingen bekijken</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">Viewing images</span></span>\n\n\
         <span data-ttu-id=\"a-2\">Zie de afbeelding.</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-2\">See the image.</span></span>\n\n\
         ![Schermafbeelding van de accountstructuur](images/accountstructure.png)\n\n\
         ![<span data-ttu-id=\"a-3\">Een vertaalde tekst</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-3\">A translated text</span></span>](images/accountstructure.png)\n",
    );
    // A site title that is a Dutch word (the fixture's is a name).
    let book = std::fs::read_to_string(site.root().join("book.toml")).expect("book.toml");
    site.write(
        "book.toml",
        book.replace(
            "title = \"Partner Center\"",
            "title = \"Partnerhandleiding\"",
        ),
    );
    let built = site.tolk(&["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    // Dutch fragments: those of the Dutch pages (not the English-only
    // articles'), the site title and description; minus what the English
    // pages also say in English (a name such as "Multichannel").
    let mut dutch: std::collections::BTreeSet<String> =
        fragments_of(&site, "nl-nl", "notice-only-english", true)
            .into_iter()
            .map(|f| f.0)
            .collect();
    dutch.insert("Partner Center-documentatie".into());
    dutch.insert("Partnerhandleiding".into());
    let mut english_only: std::collections::BTreeSet<String> =
        fragments_of(&site, "en", "notice-only-dutch", false)
            .into_iter()
            .map(|f| f.0)
            .collect();
    // The English TOC's labels ("Account" is a word of both).
    let toc = std::fs::read_to_string(site.root().join("content-en/partner-center/TOC.yml"))
        .expect("English TOC");
    english_only.extend(
        toc.lines()
            .filter_map(|l| l.trim().strip_prefix("- name: "))
            .map(|n| n.trim_matches('"').to_string()),
    );
    // The English fragments: those the Dutch page of an English-only
    // article shows.
    let mut english = std::collections::BTreeSet::new();
    for page in ["gdap-partner-terminate", "sales-advisor-opportunities"] {
        let nl = site.read(&format!("nl-nl/partner-center/{page}/index.html"));
        assert!(nl.contains("notice-only-english"), "{page}");
        english.extend(
            fragments_of(&site, "nl-nl", "\u{0}", false)
                .into_iter()
                .filter(|f| f.1.contains(page))
                .map(|f| f.0),
        );
    }
    let shared: Vec<String> = dutch.intersection(&english_only).cloned().collect();
    for s in &shared {
        dutch.remove(s);
        english.remove(s);
    }
    let bare: Vec<String> = english.intersection(&dutch).cloned().collect();
    for s in &bare {
        english.remove(s);
    }
    english.retain(|s| s.chars().count() > 3 && !s.contains("Partner Center"));
    dutch.retain(|s| s.chars().count() > 3 && s != "Partner Center");
    // The fixture holds each kind, so the check below has something to
    // check.
    for must in [
        "Schermafbeelding van de accountstructuur",
        "Een artikel met zinnen in twee talen",
        "Partner Center-documentatie",
    ] {
        assert!(dutch.contains(must), "{must} not among {dutch:?}");
    }
    let mut unmarked = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (lang, strings, want) in [("en", &dutch, "nl"), ("nl-nl", &english, "en")] {
        for e in walkdir::WalkDir::new(site.root().join("site").join(lang)) {
            let e = e.expect("walk");
            let path = e.path();
            let html = match path.extension().and_then(|x| x.to_str()) {
                Some("html") => std::fs::read_to_string(path).expect("read"),
                _ => continue,
            };
            for (text, text_lang, _) in fragments_with_lang(&html) {
                if strings.contains(&text) {
                    seen.insert(text.clone());
                    if !text_lang.to_ascii_lowercase().starts_with(want) {
                        unmarked.push(format!(
                            "{}: {text:?} in lang {text_lang:?}",
                            path.display()
                        ));
                    }
                }
            }
        }
    }
    // Each kind met on a page of the other language: an alt text, a meta
    // description, the site's description, a Dutch-only article's title
    // (navigation, previous/next); an English-only article's title on the
    // Dutch pages.
    for must in [
        "Schermafbeelding van de accountstructuur",
        "Een artikel met zinnen in twee talen",
        "Partner Center-documentatie",
        "Partnerhandleiding",
        "Handleiding voor co-verkoop in Partner Center (PC) voor partners die migreren van Partner Sales Verbinding maken (PSC)",
        "Partner-led termination of a GDAP relationship",
    ] {
        assert!(seen.contains(must), "{must} not met: {seen:?}");
    }
    assert!(
        unmarked.is_empty(),
        "{} unmarked:\n{}",
        unmarked.len(),
        unmarked.join("\n")
    );
    // The shared navigation data marks them too: tolk.js sets `lang` from
    // "l" on each entry it builds.
    let toc = std::fs::read_dir(site.root().join("site/static"))
        .expect("static")
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("toc-en."))
        .expect("toc-en script");
    let js = std::fs::read_to_string(toc.path()).expect("read");
    let json: serde_json::Value = serde_json::from_str(
        js.trim()
            .trim_start_matches("window.tolkNav = ")
            .trim_end_matches(';'),
    )
    .expect("nav JSON");
    let mut bad = Vec::new();
    let mut marked = 0;
    fn walk(
        v: &serde_json::Value,
        dutch: &std::collections::BTreeSet<String>,
        bad: &mut Vec<String>,
        marked: &mut usize,
    ) {
        for n in v.as_array().into_iter().flatten() {
            let t = n["t"].as_str().unwrap_or("");
            if n["l"] == "nl" {
                *marked += 1;
            } else if dutch.contains(t) {
                bad.push(t.to_string());
            }
            walk(&n["c"], dutch, bad, marked);
        }
    }
    walk(&json, &dutch, &mut bad, &mut marked);
    assert!(bad.is_empty(), "unmarked in toc-en: {bad:?}");
    assert!(marked > 0, "no entry of toc-en is marked Dutch");
}
