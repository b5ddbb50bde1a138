//! Hostile content (tests/hostile): scripts, handlers and script URLs in
//! articles, front matter, checklists and the English halves of segments.
//! The built pages are scanned tag by tag: the only scripts are the theme's,
//! no element carries an event handler, a style or a script URL, the
//! checklist data cannot close its script, and `tolk check` names every
//! removal at its line.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A copy of tests/hostile in a temp folder (a build never writes into the
/// checkout).
fn hostile_site() -> TempSite {
    let site = TempSite::new("");
    copy_tree(&repo().join("tests/hostile"), site.root());
    site
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(files(&p, ext));
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// One start tag as a browser reads it: lower-case name and attributes.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Byte offset just past the `>`.
    end: usize,
}

/// Every start tag of a page, read with quotes respected (a `>` inside a
/// quoted value does not end the tag), and the text of raw-text elements
/// (`<script>`) skipped, as a browser does.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out: Vec<Tag> = Vec::new();
    let mut i = 0;
    while let Some(j) = html[i..].find('<') {
        i += j + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").expect("closed comment") + 3;
            continue;
        }
        if !b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let start = i;
        while i < b.len() && !b" \t\n\r/>".contains(&b[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && b" \t\n\r/".contains(&b[i]) {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < b.len() && !b" \t\n\r/>=".contains(&b[i]) {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                if let Some(&q) = b.get(i).filter(|q| **q == b'"' || **q == b'\'') {
                    let close = html[i + 1..].find(q as char).expect("closed quote");
                    value = html[i + 1..i + 1 + close].to_string();
                    i += close + 2;
                } else {
                    let v = i;
                    while i < b.len() && !b" \t\n\r>".contains(&b[i]) {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        let end = i;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i += html[i..].to_ascii_lowercase().find(&close).unwrap_or(0);
        }
        out.push(Tag { name, attrs, end });
    }
    out
}

fn attr<'a>(t: &'a Tag, name: &str) -> Option<&'a str> {
    t.attrs
        .iter()
        .find(|(a, _)| a == name)
        .map(|(_, v)| v.as_str())
}

/// What a page of the built hostile site may contain, and nothing else.
fn assert_page_is_clean(path: &Path, html: &str) {
    let page = path.display();
    for t in tags(html) {
        let n = t.name.as_str();
        assert!(
            !matches!(
                n,
                "iframe"
                    | "object"
                    | "embed"
                    | "svg"
                    | "math"
                    | "style"
                    | "base"
                    | "frame"
                    | "frameset"
                    | "applet"
                    | "template"
                    | "textarea"
            ),
            "{page}: a <{n}> element: {:?}",
            t.attrs
        );
        for (a, v) in &t.attrs {
            assert!(!a.starts_with("on"), "{page}: <{n} {a}={v:?}>");
            assert!(a != "style", "{page}: <{n} style={v:?}>");
            assert!(a != "srcdoc" && a != "formaction", "{page}: <{n} {a}>");
            let folded: String = v
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(a.as_str(), "href" | "src" | "action" | "cite" | "data") {
                assert!(
                    !folded.starts_with("javascript:")
                        && !folded.starts_with("vbscript:")
                        && !folded.starts_with("data:")
                        && !folded.contains("&#"),
                    "{page}: <{n} {a}={v:?}>"
                );
            }
        }
        match n {
            "script" => {
                let src = attr(&t, "src");
                let json = attr(&t, "type") == Some("application/json");
                assert!(
                    json || src.is_some_and(|s| s.starts_with("/static/")),
                    "{page}: a script that is not the theme's: {:?}",
                    t.attrs
                );
                if json {
                    let body = &html[t.end..];
                    let body = &body[..body.find("</script>").expect("closed script")];
                    let lower = body.to_ascii_lowercase();
                    assert!(
                        !lower.contains("</script")
                            && !lower.contains("<!--")
                            && !lower.contains("<script"),
                        "{page}: the checklist data can end its script: {body}"
                    );
                    serde_json::from_str::<serde_json::Value>(body)
                        .expect("checklist data is JSON");
                }
            }
            "meta" => {
                if let Some(equiv) = attr(&t, "http-equiv") {
                    let equiv = equiv.to_ascii_lowercase();
                    let refresh_home = equiv == "refresh"
                        && attr(&t, "content").is_some_and(|c| c.starts_with("0; url=/"));
                    assert!(
                        equiv == "content-security-policy" || refresh_home,
                        "{page}: <meta http-equiv={equiv}>"
                    );
                }
            }
            "form" => {
                let class = attr(&t, "class").unwrap_or_default();
                assert!(
                    class == "tolk-search" || class == "tolk-checklist",
                    "{page}: a form that is not the theme's: {:?}",
                    t.attrs
                );
            }
            "link" => {
                let href = attr(&t, "href").unwrap_or_default();
                assert!(
                    href.starts_with("/static/") || href.starts_with("https://tolk.example.org/"),
                    "{page}: <link href={href}>"
                );
            }
            _ => {}
        }
        if matches!(
            n,
            "a" | "span" | "input" | "h1" | "h2" | "h3" | "div" | "ul"
        ) {
            for key in ["id", "name"] {
                if let Some(id) = attr(&t, key) {
                    let theirs = matches!(id, "tolk-search-input" | "tolk-search-results");
                    assert!(
                        !theirs || matches!(n, "input" | "ul"),
                        "{page}: <{n} {key}={id}> takes over the theme's element"
                    );
                }
            }
        }
    }
}

#[test]
fn no_writer_markup_survives_in_any_page() {
    let site = hostile_site();
    let run = site.tolk(&["build"]);
    run.ok();
    let pages = files(&site.root().join("site"), "html");
    assert!(pages.len() >= 8, "{pages:?}");
    for p in &pages {
        let html = std::fs::read_to_string(p).expect("read page");
        assert_page_is_clean(p, &html);
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
                tolk::render::CSP_META
            )),
            "{}: no CSP meta",
            p.display()
        );
    }
}

#[test]
fn removed_markup_keeps_its_text() {
    let site = hostile_site();
    site.tolk(&["build"]).ok();
    let page = site.read("nl-nl/raw-html/index.html");
    // Tags go, text stays: the script's code is shown as text, escaped.
    for text in [
        "Een zin met alert('inline') midden in de tekst.",
        "alert('block');\ndocument.write('&lt;b&gt;geschreven&lt;/b&gt;');",
        "<div>Blok met handlers</div>",
        "<a>raw js link</a>",
        "<a title=\"over regels\">gesplitste tag</a>",
        "<img src=\"x\" alt=\"kapot\">",
        "Verstuur",
        "<a href=\"#\">markdown js</a>",
        // The allowed markup is kept as written.
        "<a name=\"anker\"></a>regel<br>breuk, <sup>1</sup>, <font color=\"red\">rood</font>",
        "<a href=\"https://example.org/\" title=\"t\">veilige link</a>",
        "<span class=\"x\" title=\"t\">span</span>",
    ] {
        assert!(page.contains(text), "missing {text:?} in:\n{page}");
    }
    // Code stays code: highlighted into spans, its text is the escaped
    // source, and no script element comes of it.
    let block = page
        .split("<pre")
        .find(|b| b.contains("code is text"))
        .and_then(|b| b.split("</pre>").next())
        .unwrap_or_else(|| panic!("no code block in:\n{page}"));
    let mut text = String::new();
    let mut in_tag = false;
    for c in block.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    assert!(
        text.contains("&lt;script&gt;alert(&#39;code is text&#39;)&lt;/script&gt;"),
        "{text}"
    );
    assert!(!page.contains("<script>alert('code"), "{page}");
    // Front matter and titles are escaped wherever they land.
    assert!(page.contains("<title>Ruwe HTML &lt;img src=x onerror=alert(&#39;h1&#39;)&gt; · Vijandig &lt;/title&gt;&lt;script&gt;"), "{page}");
    assert!(page.contains("<meta name=\"description\" content=\"&quot;&gt;&lt;script&gt;alert(&#39;description&#39;)"), "{page}");
    assert!(
        page.contains("Auteur: &lt;b onmouseover=alert(&#39;author&#39;)&gt;auteur&lt;/b&gt;"),
        "{page}"
    );
    let index = site.read("nl-nl/index.html");
    assert!(
        index.contains("<p>&quot;&gt;&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;"),
        "{index}"
    );
    assert!(
        index.contains(
            "<p class=\"lead\">&quot;&gt;&lt;img src=x onerror=alert(&#39;book-description&#39;)&gt;</p>"
        ),
        "{index}"
    );
    let body = &page[page.find("<div class=\"body\">").unwrap()..];
    assert!(
        !body.contains("<button") && !body.contains("<input"),
        "{body}"
    );
    // The English half of a segment goes through the same policy, in the
    // Dutch page's tooltip and on the English page.
    let nl = site.read("nl-nl/segments/index.html");
    assert!(
        nl.contains("lang=\"en\">A sentence with alert('english') and"),
        "{nl}"
    );
    assert!(
        nl.contains("lang=\"en\">See <a>this</a> and <a href=\"#\">that</a>.</span>"),
        "{nl}"
    );
    let en = site.read("en/segments/index.html");
    assert!(en.contains("A sentence with alert('english') and"), "{en}");
}

#[test]
fn search_indexes_hold_text_that_the_search_script_never_parses_as_html() {
    let site = hostile_site();
    site.tolk(&["build"]).ok();
    for lang in ["nl-nl", "en"] {
        let json = site.read(&format!("search-{lang}.json"));
        let v: serde_json::Value = serde_json::from_str(&json).expect("search index is JSON");
        assert!(v.is_object());
    }
    // The title is data, kept as written; search.js puts it in the page as
    // text (textContent), never as markup. (The English page of a Dutch-only
    // article is not indexed.)
    let nl = site.read("search-nl-nl.json");
    assert!(
        nl.contains("Ruwe HTML <img src=x onerror=alert('h1')>"),
        "{nl}"
    );
    let search_js =
        std::fs::read_to_string(repo().join("themes/default/static/search.js")).expect("search.js");
    assert!(!search_js.contains("innerHTML") && !search_js.contains("insertAdjacentHTML"));
    assert!(search_js.contains("textContent"));
}

#[test]
fn check_names_every_removal_at_its_line_and_fails() {
    let site = hostile_site();
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.stderr;
    for (what, at) in [
        ("the `<script>` element", "content/raw-html.md:9:13"),
        ("the `<script>` element", "content/raw-html.md:11:1"),
        ("the `<style>` element", "content/raw-html.md:16:1"),
        (
            "the attribute `style` on `<div>`",
            "content/raw-html.md:20:1",
        ),
        (
            "the event handler `onclick` on `<div>`",
            "content/raw-html.md:20:1",
        ),
        (
            "the script or inline-document URL in `href` on `<a>`",
            "content/raw-html.md:23:1",
        ),
        (
            "the script or inline-document URL in `href` on `<a>`",
            "content/raw-html.md:25:1",
        ),
        (
            "the script or inline-document URL in `src` on `<img>`",
            "content/raw-html.md:30:1",
        ),
        (
            "the event handler `onerror` on `<img>`",
            "content/raw-html.md:31:1",
        ),
        ("the `<iframe>` element", "content/raw-html.md:33:1"),
        ("the `<form>` element", "content/raw-html.md:36:1"),
        (
            "`name=\"tolk-search-input\"` on `<a>`",
            "content/raw-html.md:42:4",
        ),
        ("the `<script>` element", "content/segments.md:8:112"),
        (
            "the script or inline-document URL in `href` on `<a>`",
            "content/segments.md:10:97",
        ),
    ] {
        let needle = format!("error[raw-html-removed]: {what}");
        let found = err
            .split("\n\n")
            .any(|d| d.starts_with(&needle) && d.contains(&format!("--> {at}\n")));
        assert!(found, "no {needle} at {at}:\n{err}");
    }
    assert_eq!(err.matches("error[raw-html-removed]").count(), 26, "{err}");
    // Markdown links to script URLs, also in an English half.
    assert!(
        err.contains("error[unsafe-link]: `javascript:alert('en-md')`"),
        "{err}"
    );
    assert_eq!(err.matches("error[unsafe-link]").count(), 6, "{err}");
}

#[test]
fn the_severity_of_removals_is_configurable() {
    let site = hostile_site();
    let book = std::fs::read_to_string(site.root().join("book.toml")).unwrap();
    site.write(
        "book.toml",
        book + "raw-html-removed = \"warning\"\nunsafe-link = \"warning\"\n",
    );
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("warning[raw-html-removed]").count(), 26);
    site.write(
        "book.toml",
        std::fs::read_to_string(repo().join("tests/hostile/book.toml")).unwrap()
            + "raw-html-removed = \"off\"\nunsafe-link = \"off\"\n",
    );
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("raw-html-removed"), "{}", run.stderr);
}

#[test]
fn script_urls_in_checklist_links_stop_the_build() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n```checklist\nid: c\ntitle: {nl: T, en: T}\nsteps:\n  - id: s\n    label: {nl: S, en: S}\n    link: {href: \"javascript:alert(1)\", text: {nl: x, en: x}}\n```\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[checklist-link]: `javascript:alert(1)`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/a.md:12:18"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("nl-nl/a/index.html"));
}

/// A title with a character of two bytes (`é`) once shortened the blanked
/// front matter: the body lost its first bytes (the `#` of its heading) and
/// every location after it was off.
#[test]
fn locations_and_headings_survive_a_non_ascii_front_matter() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: Privé één\n---\n# Kop\n\nTekst <script>x</script>.\n",
    );
    let run = site.tolk(&["check"]);
    assert!(
        run.stderr.contains("--> content/a.md:6:7\n"),
        "{}",
        run.stderr
    );
    site.tolk(&["build"]).ok();
    let page = site.read("nl-nl/a/index.html");
    assert!(page.contains("<h1 id=\"kop\">Kop</h1>"), "{page}");
}
