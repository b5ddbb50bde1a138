//! The bodies of the fuzz targets in `fuzz/`.
//!
//! They live in the library, not in the fuzz crate, so that
//! `tests/fuzz_regressions.rs` replays a saved crash through exactly the code
//! the fuzzer ran, on stable and in `cargo test`. Each function takes the
//! fuzzer's bytes, drives the real code path, and asserts what must hold
//! for any input beyond "does not panic"; a failed assertion is a crash the
//! fuzzer keeps. Nothing here is used by a build.

use std::path::{Path, PathBuf};

use crate::checklist::{self, ast::InputKind, Answers, Checklist, Value};
use crate::content::{self, Source};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::markdown::LinkContext;
use crate::segments;
use crate::serve::http::{self, Resolved};
use crate::site;

/// Where the targets say their input came from.
const FILE: &str = "content/fuzz.md";

fn text_of(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Every diagnostic must render and point at a line of the file it names.
fn check_diagnostics(diagnostics: &[Diagnostic], text: &str) {
    let lines = text.split('\n').count();
    for d in diagnostics {
        let _ = d.render(false);
        if let Some(loc) = &d.location {
            assert!(
                loc.line >= 1 && loc.line <= lines,
                "diagnostic `{}` at line {} of a {lines}-line file",
                d.code,
                loc.line
            );
            assert!(loc.column >= 1, "diagnostic `{}` at column 0", d.code);
        }
    }
}

/// The front-matter splitter, the YAML reader and the typed front matter.
pub fn front_matter(data: &[u8]) {
    let Some(raw) = text_of(data) else { return };
    let text = content::normalize(raw.to_string());
    if let Ok(Some((range, body_start))) = content::split_front_matter(&text) {
        assert!(range.start <= range.end && range.end <= body_start && body_start <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        assert!(text.is_char_boundary(body_start));
        let _ = crate::yaml::to_json(&text[range.clone()]);
        if let Ok(nodes) = crate::yaml::node_positions(&text[range.clone()]) {
            for (_, pos) in nodes {
                assert!(pos.offset <= range.len(), "node offset past the YAML");
            }
        }
    }
    let mut diagnostics = Vec::new();
    let source = Source {
        rel: "fuzz.md".into(),
        display: FILE.into(),
        text: text.clone(),
    };
    let article = content::parse_article(source, None, &mut diagnostics);
    assert!(article.body_start <= text.len());
    assert!(text.is_char_boundary(article.body_start));
    check_diagnostics(&diagnostics, &text);
    // Templates get the front matter as JSON.
    let json = serde_json::to_string(&article.front).unwrap_or_else(|e| panic!("{e}"));
    let _: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
}

/// The bilingual scanner. Beyond not panicking: when no English wrapper
/// stood alone (`segment-stray-english`, or one after an unclosed Dutch
/// half), each side is exactly the source with every segment replaced
/// (Dutch: marker + Dutch half + closing marker; English: the English half,
/// or the Dutch one). A lone wrapper loses its tags and keeps its text, so
/// then no character of the source outside `<span ...>`/`</span>` tags may be
/// missing from either side. And the source maps point inside the source,
/// in order.
pub fn segments(data: &[u8]) {
    let Some(src) = text_of(data) else { return };
    let split = segments::split(src, Path::new(FILE));
    let mut nl = String::new();
    let mut en = String::new();
    let mut at = 0;
    for (n, seg) in split.segments.iter().enumerate() {
        assert!(seg.offset >= at, "segment {n} overlaps the one before");
        let end = seg.offset + seg.len;
        assert!(end <= src.len(), "segment {n} ends past the source");
        let whole = &src[seg.offset..end];
        assert!(
            whole.contains(seg.nl.as_str()),
            "segment {n}: Dutch half not in the segment"
        );
        if let Some(e) = &seg.en {
            assert!(
                whole.contains(e.as_str()),
                "segment {n}: English half not in the segment"
            );
        }
        let gap = &src[at..seg.offset];
        nl.push_str(gap);
        nl.push_str(&format!("<tolk-seg n=\"{n}\">{}</tolk-seg>", seg.nl));
        en.push_str(gap);
        en.push_str(seg.en.as_deref().unwrap_or(&seg.nl));
        at = end;
    }
    nl.push_str(&src[at..]);
    en.push_str(&src[at..]);
    let lone_wrapper = split
        .diagnostics
        .iter()
        .any(|d| matches!(d.code, "segment-stray-english" | "segment-unclosed"));
    if lone_wrapper {
        for (side, expected) in [(&split.nl.text, &nl), (&split.en.text, &en)] {
            let mut have = char_counts(side);
            for (c, n) in char_counts(&without_spans(expected)) {
                let h = have.entry(c).or_default();
                assert!(*h >= n, "{c:?} lost: {n} in the source, {h} on a side");
            }
        }
    } else {
        assert_eq!(
            split.nl.text, nl,
            "the Dutch side is not the source with its segments replaced"
        );
        assert_eq!(
            split.en.text, en,
            "the English side is not the source with its segments replaced"
        );
    }
    for side in [&split.nl, &split.en] {
        let mut last = 0;
        for (i, _) in side.text.char_indices().chain([(side.text.len(), ' ')]) {
            let s = side.to_source(i);
            assert!(s <= src.len(), "offset {i} maps past the source");
            assert!(s >= last, "offset {i} maps before the offset ahead of it");
            last = s;
        }
    }
    check_diagnostics(&split.diagnostics, src);
}

fn char_counts(s: &str) -> std::collections::HashMap<char, usize> {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_default() += 1;
    }
    counts
}

/// `s` without `<span ...>` and `</span>` tags.
fn without_spans(s: &str) -> String {
    // Closing tags in any case, as the scanner (and HTML) reads them; ASCII
    // lowercasing keeps every byte offset. Opening tags end where the
    // scanner's tag reader says (quoted `>` and all), or are text.
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    loop {
        let rest = &lower[at..];
        let open = rest.find("<span");
        let close = rest.find("</span>");
        let (start, len) = match (open, close) {
            (Some(o), Some(c)) if c < o => (c, "</span>".len()),
            (Some(o), _) => match segments::span_tag_end(s, at + o) {
                Some(end) => (o, end - (at + o)),
                None => {
                    out.push_str(&s[at..at + o + 5]);
                    at += o + 5;
                    continue;
                }
            },
            (None, Some(c)) => (c, "</span>".len()),
            (None, None) => break,
        };
        out.push_str(&s[at..at + start]);
        at += start + len;
    }
    out.push_str(&s[at..]);
    out
}

/// One article through the real per-article compile of a build
/// (`site::compile`): front matter, segments, checklists, both languages
/// rendered. Bytes after a first NUL are the article's English source.
pub fn article(data: &[u8]) {
    let Some(raw) = text_of(data) else { return };
    let (nl_raw, en_raw) = match raw.split_once('\0') {
        Some((nl, en)) => (nl, Some(en)),
        None => (raw, None),
    };
    let mut diagnostics = Vec::new();
    let source = Source {
        rel: "fuzz.md".into(),
        display: FILE.into(),
        text: content::normalize(nl_raw.to_string()),
    };
    let english = en_raw.map(|t| Source {
        rel: "fuzz.md".into(),
        display: "content/en/fuzz.md".into(),
        text: content::normalize(t.to_string()),
    });
    let article = content::parse_article(source, english, &mut diagnostics);
    let text = article.source.text.clone();
    let links = LinkContext {
        pages: ["fuzz", "request-credit", "a/b"]
            .into_iter()
            .map(String::from)
            .collect(),
        base_path: "/".into(),
        external_base: "https://example.com/{lang}/docs/".into(),
        site_prefix: "/docs/".into(),
        // An include that includes itself and one that includes the article:
        // the depth limit must hold.
        includes: [
            (
                "includes/a.md",
                "A [!INCLUDE [a](a.md)]\n\n[!INCLUDE [b](../fuzz.md)]\n",
            ),
            ("includes/b.md", "**B** <span data-ttu-id=\"1\">x</span>\n"),
        ]
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                crate::markdown::prepare_include(v, Path::new(k)).0,
            )
        })
        .collect(),
        en_assets: Default::default(),
        include_cache: Default::default(),
        code_files: Default::default(),
    };
    let labels = |lang: Lang, key: &str| format!("{}:{key}", lang.code());
    let today = Date::from_ymd(2024, 2, 29).unwrap_or_else(|| unreachable!());
    let has_english = article.english.is_some();
    let (compiled, diags) = site::compile(article, &links, &links, &labels, today);
    diagnostics.extend(diags);
    check_diagnostics(
        &diagnostics
            .into_iter()
            .filter(|d| d.file() == Some(Path::new(FILE)))
            .collect::<Vec<_>>(),
        &text,
    );
    let blocks = checklist::find_blocks(&text).len();
    assert!(compiled.checklists.len() <= blocks);
    for lang in [Lang::Nl, Lang::En] {
        let r = compiled.rendered(lang);
        // The segment markers are tolk's own: none may reach a page unless
        // the writer typed one.
        if !raw.contains("tolk-seg") {
            assert!(
                !r.html.contains("<tolk-seg"),
                "a segment marker reached the {lang:?} page"
            );
        }
        if !(lang == Lang::En && has_english) {
            for l in &r.links {
                assert!(l.offset <= text.len(), "link offset past the source");
            }
        }
        let _ = compiled.title(lang);
    }
}

/// One ```checklist block: YAML, expressions, checks; when it compiles, its
/// browser code, its form and an evaluation with no answers.
pub fn checklist(data: &[u8]) {
    let Some(yaml) = text_of(data) else { return };
    // The expression parser on its own, on the same text.
    let _ = checklist::expr::parse(yaml);
    let file_text = format!("# T\n\n```checklist\n{yaml}\n```\n");
    let file = Path::new(FILE);
    for block in checklist::find_blocks(&file_text) {
        let (cl, diagnostics) = checklist::compile(&block, file, &file_text);
        check_diagnostics(&diagnostics, &file_text);
        let Some(cl) = cl else {
            assert!(
                diagnostics.iter().any(Diagnostic::is_error),
                "a checklist was refused without an error"
            );
            continue;
        };
        let _ = checklist::generate_js(&cl);
        let today = Date::from_ymd(2021, 3, 1).unwrap_or_else(|| unreachable!());
        for lang in [Lang::Nl, Lang::En] {
            let ev = checklist::evaluate(&cl, &Answers::empty(&cl), today, lang);
            let _ = checklist::render_form(&cl, lang, &ev);
            well_formed(&ev.to_json());
        }
    }
}

fn well_formed(json: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(json) {
        panic!("the evaluation is not JSON ({e}): {json}");
    }
}

/// The articles, relative to the repository, whose checklists [`eval`]
/// evaluates: the bundled site's. The fuzz target and the regression test
/// both read them in this order, so a saved input picks the same article.
pub const EVAL_ARTICLES: [&str; 5] = [
    "content/request-credit.md",
    "content/partner-earned-credit-troubleshoot.md",
    "content/troubleshoot-account-setup.md",
    "content/lighthouse-partner-earned-credit.md",
    "content/incentives-customer-association-issues.md",
];

/// The checklists of the articles' texts, in order. Compiling is far slower
/// than evaluating, so callers do it once, not per input.
pub fn eval_checklists(articles: &[String]) -> Vec<Checklist> {
    let checklists: Vec<Checklist> = articles
        .iter()
        .flat_map(|a| {
            checklist::find_blocks(a)
                .iter()
                .filter_map(|b| checklist::compile(b, Path::new(FILE), a).0)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(!checklists.is_empty(), "the eval target needs checklists");
    checklists
}

/// Valid checklists ([`eval_checklists`] of [`EVAL_ARTICLES`]) evaluated
/// against arbitrary answers. The first byte picks the checklist, the
/// second the language and the form of the answers, the next two the date.
/// Even forms read the rest as answers JSON (`tolk eval`'s path); odd forms
/// build valid answers from the bytes, which reach far deeper into the
/// rules, and check that their JSON form reads back to the same answers.
pub fn eval(checklists: &[Checklist], data: &[u8]) {
    let [pick, mode, d0, d1, rest @ ..] = data else {
        return;
    };
    let cl = &checklists[usize::from(*pick) % checklists.len()];
    let lang = if mode & 2 == 0 { Lang::Nl } else { Lang::En };
    // Days around 2021, where the seeds' dates are; the far ends are reached
    // through the answers.
    let days = 18_000 + i64::from(u16::from_le_bytes([*d0, *d1]));
    let today = Date::from_days(days).unwrap_or_else(|| unreachable!());
    let answers = if mode & 1 == 0 {
        let Some(json) = text_of(rest) else { return };
        match Answers::from_json(cl, json) {
            Ok(a) => a,
            Err(message) => {
                assert!(!message.is_empty());
                return;
            }
        }
    } else {
        let a = structured_answers(cl, rest);
        let json = answers_json(cl, &a);
        match Answers::from_json(cl, &json) {
            Ok(back) => assert_eq!(back, a, "answers changed on the way through {json}"),
            Err(m) => panic!("valid answers refused: {m}\n{json}"),
        }
        a
    };
    let ev = checklist::evaluate(cl, &answers, today, lang);
    let json = ev.to_json();
    well_formed(&json);
    // Evaluation is a pure function of its inputs.
    assert_eq!(
        checklist::evaluate(cl, &answers, today, lang).to_json(),
        json
    );
    let _ = checklist::render_form(cl, lang, &ev);
}

/// Valid answers for `cl` drawn from `bytes`: per input one byte (unset,
/// or a value of its kind), plus what that kind needs; then one byte per step.
fn structured_answers(cl: &Checklist, bytes: &[u8]) -> Answers {
    let mut b = bytes.iter().copied();
    let mut next = || b.next().unwrap_or(0);
    let mut a = Answers::empty(cl);
    for (i, input) in cl.inputs.iter().enumerate() {
        let tag = next();
        if tag % 4 == 0 {
            continue;
        }
        a.inputs[i] = match &input.kind {
            InputKind::Bool => Value::Bool(tag & 8 != 0),
            InputKind::Choice(opts) if !opts.is_empty() => {
                Value::Text(opts[usize::from(next()) % opts.len()].value.clone())
            }
            InputKind::Choice(_) => Value::Unset,
            InputKind::Int => {
                let raw = i64::from_le_bytes(std::array::from_fn(|_| next()));
                let v = match tag % 4 {
                    1 => raw % 100,
                    2 => raw % 100_000,
                    _ => raw % (checklist::expr::MAX_INT + 1),
                };
                Value::Int(v)
            }
            InputKind::Date => {
                let off = i64::from(i16::from_le_bytes([next(), next()]));
                let base = if tag & 8 == 0 { 18_600 } else { 0 };
                Date::from_days(base + off * if tag & 16 == 0 { 1 } else { 100 })
                    .map_or(Value::Unset, Value::Date)
            }
            InputKind::Text => {
                let len = usize::from(next() % 16);
                let s: String = (0..len).map(|_| char::from(next() % 96 + 32)).collect();
                Value::Text(s)
            }
        };
    }
    for s in a.steps.iter_mut() {
        *s = match next() % 3 {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
    }
    a
}

/// The answers as `tolk eval` takes them.
fn answers_json(cl: &Checklist, a: &Answers) -> String {
    let mut map = serde_json::Map::new();
    for (input, v) in cl.inputs.iter().zip(&a.inputs) {
        let j = match v {
            Value::Unset => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Text(t) => serde_json::Value::String(t.clone()),
            Value::Date(d) => serde_json::Value::String(d.to_string()),
        };
        map.insert(input.id.clone(), j);
    }
    let steps: serde_json::Map<String, serde_json::Value> = cl
        .steps
        .iter()
        .zip(&a.steps)
        .map(|(s, v)| (s.id.clone(), v.map_or(serde_json::Value::Null, Into::into)))
        .collect();
    map.insert("steps".into(), steps.into());
    serde_json::Value::Object(map).to_string()
}

/// A site folder for [`serve_path`], made under `dir`: pages, a folder
/// without `index.html`, a dot file, and symlinks that lead out of the site
/// to a file and a folder beside it. Returns the canonical site root.
pub fn serve_fixture(dir: &Path) -> std::io::Result<PathBuf> {
    use std::fs;
    let root = dir.join("site");
    let outside = dir.join("outside");
    fs::create_dir_all(root.join("nl-nl/a b"))?;
    fs::create_dir_all(root.join("empty"))?;
    fs::create_dir_all(&outside)?;
    fs::write(root.join("index.html"), "root")?;
    fs::write(root.join("nl-nl/index.html"), "nl")?;
    fs::write(root.join("nl-nl/a b/index.html"), "a b")?;
    fs::write(root.join("nl-nl/style.css"), "css")?;
    fs::write(root.join(".tolk-site"), "")?;
    fs::write(outside.join("secret.txt"), "secret")?;
    fs::write(outside.join("index.html"), "secret")?;
    #[cfg(unix)]
    {
        let link = |to: &Path, at: &Path| match std::os::unix::fs::symlink(to, at) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
            _ => Ok(()),
        };
        link(&outside.join("secret.txt"), &root.join("leak.txt"))?;
        link(&outside, &root.join("nl-nl/leak"))?;
        link(
            Path::new("../nl-nl/style.css"),
            &root.join("empty/inside.css"),
        )?;
    }
    fs::canonicalize(root)
}

/// The preview server's URL-to-file mapping on a [`serve_fixture`] root: a
/// file it serves is always a regular file inside the root, and a redirect
/// stays on this server.
pub fn serve_path(root: &Path, data: &[u8]) {
    let Some(url) = text_of(data) else { return };
    match http::resolve(root, url) {
        Resolved::File(p) => {
            assert!(
                p.starts_with(root),
                "{url:?} served {} from outside the site",
                p.display()
            );
            assert!(p.is_file(), "{url:?} served {}, not a file", p.display());
            let outside = root.parent().map(|d| d.join("outside"));
            if let Some(o) = outside {
                assert!(!p.starts_with(o), "{url:?} served {}", p.display());
            }
        }
        Resolved::Redirect(to) => {
            assert!(
                to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"),
                "{url:?} redirects off the server, to {to:?}"
            );
        }
        Resolved::NotFound => {}
    }
}
