//! DocFX fidelity: each case in `tests/docfx/` is a Markdown input, the HTML
//! docfx (Markdig with the docfx extensions) writes for it, taken from the
//! docfx sources and docs, and the HTML tolk writes. tolk's markup differs
//! (a `<figure>` where docfx writes `<p class="mx-imgBorder">`, resolved
//! URLs), so the test holds tolk to docfx where a reader meets it: the
//! same text, the same images (source, alt text, role), the same link
//! targets, no DocFX syntax left raw; and holds tolk's own HTML exact, so a
//! change to it is seen.
//!
//! A case file: `--- input`, `--- docfx`, (`--- differs`: why the text
//! differs on purpose,) `--- tolk` sections, in order.

mod common;

use std::collections::BTreeMap;

use tolk::markdown::{self, Input, LinkContext};
use tolk::Lang;

struct Case {
    path: std::path::PathBuf,
    name: String,
    input: String,
    docfx: String,
    tolk: String,
    differs: bool,
}

fn cases() -> Vec<Case> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docfx");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/docfx")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("read case");
        let mut parts: BTreeMap<&str, String> = BTreeMap::new();
        let mut current = None;
        for line in text.split_inclusive('\n') {
            if let Some(name) = line.trim_end().strip_prefix("--- ") {
                current = Some(name);
                parts.insert(name, String::new());
                continue;
            }
            if let Some(name) = current {
                parts.get_mut(name).expect("section").push_str(line);
            }
        }
        let name = p.file_stem().expect("name").to_string_lossy().into_owned();
        let take = |k: &str| {
            parts
                .get(k)
                .cloned()
                .unwrap_or_else(|| panic!("{name}: no `--- {k}` section"))
        };
        out.push(Case {
            input: take("input"),
            docfx: take("docfx"),
            tolk: take("tolk"),
            differs: parts.contains_key("differs"),
            name,
            path: p.clone(),
        });
    }
    out
}

/// `samples/program.cs`, which the code cases show.
const CODE_SAMPLE: &str = "using System;

namespace Demo
{
    class Program
    {
        // <Main>
        static void Main()
        {
            Console.WriteLine(\"<hello>\");
        }
        // </Main>
    }
}
";

fn render(text: &str) -> String {
    let pages: markdown::PageSet = ["other", "dir/page"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let code: std::collections::BTreeMap<String, Result<String, String>> = [(
        "samples/program.cs".to_string(),
        Ok(CODE_SAMPLE.to_string()),
    )]
    .into_iter()
    .collect();
    let links = LinkContext {
        pages,
        base_path: "/".into(),
        code_files: std::sync::Arc::new(code),
        ..Default::default()
    };
    let label = |k: &str| k.to_ascii_uppercase();
    markdown::render(&Input {
        text,
        lang: Lang::En,
        text_lang: Lang::En,
        tooltips: false,
        rel: "article.md",
        links: &links,
        originals: &[],
        checklist: &|_| None,
        search_text: false,
        twin: None,
        callout_label: &label,
        depth: 0,
        parent: None,
    })
    .html
}

/// What a reader meets in HTML: its text (tags out, white space
/// collapsed, entities decoded for the few the renderers write) and its
/// images, links and targets (`src`, `alt`, `role`, `id`, `href` without a leading `/`
/// or docfx's `#lightbox`; an empty `alt` as none).
fn reader_view(html: &str) -> (String, Vec<String>) {
    // tolk's `#` link beside a heading is hidden from screen readers, and
    // docfx's theme draws its own.
    let mut html = html.to_string();
    while let Some(i) = html.find("<a class=\"anchor\"") {
        let end = html[i..].find("</a>").map_or(html.len(), |e| i + e + 4);
        html.replace_range(i..end, "");
    }
    let mut text = String::new();
    let mut attrs = Vec::new();
    let mut rest = html.as_str();
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        text.push(' ');
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let iframe = tag.starts_with("iframe ");
        for name in ["src", "alt", "role", "href", "id"] {
            // An image's role says whether it is decorative; a landmark
            // role tolk adds (a callout's `note`) is not docfx's business.
            if name == "role" && !tag.starts_with("img ") {
                continue;
            }
            let needle = format!(" {name}=\"");
            if let Some(i) = tag.find(&needle) {
                let v = &tag[i + needle.len()..];
                let v = &v[..v.find('"').unwrap_or(v.len())];
                let v = v.trim_start_matches('/').trim_end_matches("#lightbox");
                // tolk's page URLs are `/en/path/`, docfx's `path`.
                let v = if name == "href" {
                    let v = v.strip_prefix("en/").unwrap_or(v);
                    let cut = v.find(['?', '#']).unwrap_or(v.len());
                    format!("{}{}", v[..cut].trim_end_matches('/'), &v[cut..])
                } else {
                    v.to_string()
                };
                // `alt=""` says what docfx's missing alt on an icon means
                // (decorative), and is valid HTML.
                if name == "alt" && v.is_empty() {
                    continue;
                }
                // An iframe's `src` is where the reader goes: a link.
                let name = if iframe { "href" } else { name };
                attrs.push(format!("{name}={v}"));
            }
        }
        rest = &rest[lt + gt + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    attrs.sort();
    (text, attrs)
}

#[test]
fn docfx_cases_render_as_docfx_does() {
    let cases = cases();
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let got = render(&case.input);
        // `TOLK_BLESS=1` writes tolk's HTML into the case, to be read
        // against the docfx section before it is committed.
        if std::env::var_os("TOLK_BLESS").is_some() && got.trim_end() != case.tolk.trim_end() {
            let text = std::fs::read_to_string(&case.path).expect("read case");
            let head = &text[..text.find("--- tolk\n").expect("tolk section")];
            std::fs::write(&case.path, format!("{head}--- tolk\n{got}")).expect("bless");
            continue;
        }
        if got.trim_end() != case.tolk.trim_end() {
            failures.push(format!(
                "{}: tolk's HTML changed\n--- want\n{}\n--- got\n{}",
                case.name, case.tolk, got
            ));
            continue;
        }
        let (want_text, want_attrs) = reader_view(&case.docfx);
        let (got_text, got_attrs) = reader_view(&got);
        // A case with a `--- differs` section says why tolk's text differs
        // on purpose; its links and images must still agree.
        let text_differs = want_text != got_text && !case.differs;
        if text_differs || want_attrs != got_attrs {
            failures.push(format!(
                "{}: differs from docfx\n  docfx: {want_text:?} {want_attrs:?}\n  tolk:  {got_text:?} {got_attrs:?}",
                case.name
            ));
        }
        for raw in [":::", "[!VIDEO", "[!div", "[!NOTE", "[!IMPORTANT"] {
            if got.contains(raw) && !case.input.contains("`:::") {
                failures.push(format!("{}: `{raw}` left raw in\n{got}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A padded table (Markdig's reading of rows that disagree on their cell
/// count) is parsed from a rewritten text; what follows it must still be
/// reported where the writer wrote it.
#[test]
fn offsets_after_a_padded_table_point_into_the_source() {
    let text = "a | b\n-|-\n1 | 2 | 3\n\nSee [it](missing.md) and [the other](other.md).\n";
    let links = LinkContext {
        base_path: "/".into(),
        ..Default::default()
    };
    let label = |k: &str| k.to_string();
    let r = markdown::render(&Input {
        text,
        lang: Lang::En,
        text_lang: Lang::En,
        tooltips: false,
        rel: "article.md",
        links: &links,
        originals: &[],
        checklist: &|_| None,
        search_text: true,
        twin: None,
        callout_label: &label,
        depth: 0,
        parent: None,
    });
    assert!(r.html.contains("<td>3</td>"), "{}", r.html);
    let at: Vec<&str> = r
        .links
        .iter()
        .map(|l| &text[l.offset..l.offset + l.len])
        .collect();
    assert_eq!(at, ["[it](missing.md)", "[the other](other.md)"]);
}

/// Code directives in a real build: the file is read from the content
/// folder (never from outside it), and a path that leaves it, a missing
/// file or a range past its end is an error at the directive, with no
/// site written.
#[test]
fn code_directives_read_only_the_content_folder() {
    let site = common::TempSite::new("");
    site.write("secret.cs", "// not content\n");
    site.write("content/samples/hello.cs", "class A\n{\n    int x;\n}\n");
    site.write(
        "content/docs/a.md",
        "---\ntitle: A\n---\n# A\n\nIntro.\n:::code source=\"../samples/hello.cs\" range=\"2-4\":::\n",
    );
    site.tolk(&["build"]).ok();
    let html = site.read("nl-nl/docs/a/index.html");
    assert!(
        html.contains("<pre><code class=\"lang-csharp\">{\n    int x;\n}\n</code></pre>"),
        "{html}"
    );
    for (directive, message, col) in [
        (
            "[!code-csharp[](../../secret.cs)]",
            "`../../secret.cs` is outside the content folder",
            1,
        ),
        (
            "   :::code source=\"../samples/none.cs\":::",
            "no file `samples/none.cs` for this code block",
            4,
        ),
        (
            ":::code source=\"../samples/hello.cs\" range=\"3-9\":::",
            "range `3-9` does not fit `../samples/hello.cs` (4 lines)",
            1,
        ),
    ] {
        site.write(
            "content/docs/b.md",
            format!("---\ntitle: B\n---\n# B\n\nText.\n{directive}\nMore.\n"),
        );
        let run = site.tolk(&["build"]);
        assert_eq!(run.code, 1, "{directive}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("error[code-source]: {message}")),
            "{directive}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("content/docs/b.md:7:{col}")),
            "{directive}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("not content"), "{}", run.stderr);
    }
}

/// A grid or zone left open is closed where its container ends, and said.
#[test]
fn an_unclosed_grid_is_closed_and_reported() {
    let site = common::TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n:::row:::\n    :::column:::\n        Text.\n:::column-end:::\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[docfx-block]: `:::row:::` is never closed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/a.md:6:1"), "{}", run.stderr);
    let html = site.read("nl-nl/a/index.html");
    assert!(
        html.contains(
            "<section class=\"row\">\n<div class=\"column\">\n<p>Text.</p>\n</div>\n</section>"
        ),
        "{html}"
    );
}

/// DocFX's YAML pages (FAQ, landing) are built in both languages, and
/// links to `.yml` files (with a question's anchor) lead to them.
#[test]
fn yaml_faq_and_landing_pages_are_pages() {
    let site = common::TempSite::new("");
    site.write(
        "content/a/faq.yml",
        "### YamlMime:FAQ\nmetadata:\n  title: Vragen\n  ms.date: 09/27/2021\ntitle: Veelgestelde vragen\nsummary: Over uitbetalingen.\nsections:\n- name: Profiel\n  questions:\n  - question: >\n      Why are my earnings missing?\n    answer: >\n      Zie **[het artikel](b.md)**.\n",
    );
    site.write(
        "content/a/index.yml",
        "### YamlMime:Landing\ntitle: Start\nmetadata:\n  title: Start\n  ms.date: 09/01/2021\nlandingContent:\n- title: Vragen\n  linkLists:\n  - linkListType: faq\n    links:\n    - text: De vragen\n      url: faq.yml\n",
    );
    site.write(
        "content/a/b.md",
        "---\ntitle: B\nms.date: 01/01/2021\n---\n# B\n\nZie [de vraag](faq.yml#why-are-my-earnings-missing-) en [start](index.yml).\n",
    );
    site.write("content/a/data.yml", "key: value\n");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
    let faq = site.read("nl-nl/a/faq/index.html");
    assert!(faq.contains("Veelgestelde vragen</h1>"), "{faq}");
    assert!(
        faq.contains("<h3 id=\"why-are-my-earnings-missing-\">"),
        "{faq}"
    );
    assert!(
        faq.contains("<strong><a href=\"/nl-nl/a/b/\">het artikel</a></strong>"),
        "{faq}"
    );
    assert!(site.exists("en/a/faq/index.html"));
    let landing = site.read("nl-nl/a/index.html");
    assert!(
        landing.contains("<a href=\"/nl-nl/a/faq/\">De vragen</a>"),
        "{landing}"
    );
    let b = site.read("nl-nl/a/b/index.html");
    assert!(
        b.contains("href=\"/nl-nl/a/faq/#why-are-my-earnings-missing-\""),
        "{b}"
    );
    assert!(b.contains("href=\"/nl-nl/a/\""), "{b}");
    assert!(
        !site.exists("nl-nl/a/data/index.html"),
        "data is not a page"
    );
    // A YAML page whose YAML is broken: an error at its line, no site.
    site.write(
        "content/a/faq.yml",
        "### YamlMime:FAQ\ntitle: Vragen\nsections:\n- name: [niet gesloten\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/a/faq.yml:4:"),
        "{}",
        run.stderr
    );
}

/// A heading in a zone the page hides (`target="chromeless"`) is not
/// offered in "on this page"; one in a docs or pivot zone is.
#[test]
fn headings_of_hidden_zones_are_not_on_this_page() {
    let text = "# T\n\n::: zone target=\"chromeless\"\n## Chromeless only\n::: zone-end\n\n::: zone pivot=\"cs\"\n## For C#\n::: zone-end\n\n## Shared\n";
    let links = LinkContext::default();
    let label = |k: &str| k.to_string();
    let r = markdown::render(&Input {
        text,
        lang: Lang::En,
        text_lang: Lang::En,
        tooltips: false,
        rel: "article.md",
        links: &links,
        originals: &[],
        checklist: &|_| None,
        search_text: false,
        twin: None,
        callout_label: &label,
        depth: 0,
        parent: None,
    });
    let toc: Vec<&str> = r.toc.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(toc, ["For C#", "Shared"]);
    assert!(
        r.html
            .contains("data-target=\"chromeless\" hidden>\n<h2 id=\"chromeless-only\">"),
        "{}",
        r.html
    );
}
