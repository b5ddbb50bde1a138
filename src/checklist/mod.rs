//! Executable checklists (DESIGN.md §3).
//!
//! A ```checklist block in an article holds one checklist in YAML. It goes
//! through one front end and three back ends:
//!
//! ```text
//! find_blocks ─▶ compile (parse.rs: YAML → raw defs, expr.rs: expressions,
//!                         check.rs: names, types, cycles, translations, regexes)
//!                   │
//!                   ├─▶ evaluate (eval.rs)       Rust, for `tolk eval` and the first paint
//!                   ├─▶ generate_js (js.rs)      the same logic for the browser
//!                   └─▶ render_form (html.rs)    the accessible form
//! ```
//!
//! The JS back end calls the primitives of `themes/default/static/checklist.js`,
//! which mirror `value.rs` and `regex.rs` one to one; the differential
//! tests in `tests/checklist_parity.rs` hold the two evaluators to the same
//! bytes.

pub mod ast;
pub mod check;
pub mod eval;
pub mod expr;
pub mod html;
pub mod js;
pub mod parse;
pub mod regex;
pub mod value;
pub mod words;

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Location};
use crate::lang::Lang;

pub use ast::Checklist;
pub use eval::{Answers, Evaluation};
pub use html::render_form;
pub use js::generate_js;
pub use value::Value;

/// The hand-written browser runtime, built into the binary like the rest of
/// the default theme. Pages load it before the generated checklist code.
pub const RUNTIME_JS: &str = include_str!("../../themes/default/static/checklist.js");

/// One ```checklist block of a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub yaml: String,
    /// Byte offset of the YAML's first byte in the Markdown file's text.
    pub offset: usize,
}

/// The Markdown options tolk renders with; block finding uses the same, so a
/// fence inside a table or footnote is seen the way the page shows it.
pub fn markdown_options() -> Options {
    // Exactly the renderer's options: the blocks found here must be the
    // blocks the Markdown stage meets, one for one.
    crate::markdown::options()
}

/// The fenced code blocks whose info string is exactly `checklist`, in
/// document order.
pub fn find_blocks(markdown: &str) -> Vec<Block> {
    // Most articles have no checklist: skip the second Markdown parse unless
    // a fence can carry the info string `checklist`.
    if !may_open_checklist(markdown) {
        return Vec::new();
    }
    blocks_in(markdown)
}

/// [`find_blocks`] without the check that skips the parse.
fn blocks_in(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.as_ref() == "checklist" =>
            {
                // An empty block's YAML "starts" after the opening fence line.
                let after_fence = markdown[range.clone()]
                    .find('\n')
                    .map_or(range.end, |i| range.start + i + 1);
                current = Some(Block {
                    yaml: String::new(),
                    offset: after_fence,
                });
            }
            Event::Text(text) => {
                if let Some(b) = current.as_mut() {
                    if b.yaml.is_empty() {
                        b.offset = range.start;
                    }
                    b.yaml.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(b) = current.take() {
                    out.push(b);
                }
            }
            _ => {}
        }
    }
    out
}

/// Is there a fence (three or more backticks or tildes) whose info string
/// could be `checklist`: spelled out, or holding a `&` (an info string may
/// spell it with character references, `check&#108;ist`)? Articles that mention
/// checklists in their prose then skip the parse too. Conservative: a fence
/// inside a code span or an indented block still counts, so `false` means
/// the article has no checklist block.
fn may_open_checklist(markdown: &str) -> bool {
    let b = markdown.as_bytes();
    // First the cheap question (SIMD substring search): can the info
    // string be there at all? Then only the fences.
    if memchr::memmem::find(b, b"checklist").is_none() && memchr::memmem::find(b, b"&#").is_none() {
        return false;
    }
    let mut i = 0;
    while let Some(at) = memchr::memchr2(b'`', b'~', &b[i..]) {
        let start = i + at;
        let fence = b[start];
        let mut j = start;
        while j < b.len() && b[j] == fence {
            j += 1;
        }
        if j - start >= 3 {
            while j < b.len() && matches!(b[j], b' ' | b'\t') {
                j += 1;
            }
            let line_end = memchr::memchr(b'\n', &b[j..]).map_or(b.len(), |k| j + k);
            let info = &b[j..line_end];
            if info.starts_with(b"checklist") || info.contains(&b'&') {
                return true;
            }
        }
        i = j;
    }
    false
}

/// Parses and checks one block. Returns the checklist (unless there is an
/// error) and every diagnostic, warnings included, located in `file`.
pub fn compile(
    block: &Block,
    file: &Path,
    file_text: &str,
) -> (Option<Checklist>, Vec<Diagnostic>) {
    let pos = parse::Positions::new(file, file_text, &block.yaml, block.offset);
    match parse::read(&pos) {
        Err(d) => (None, vec![*d]),
        Ok(raw) => check::check(raw, &pos),
    }
}

/// Evaluates a checklist; see [`eval::evaluate`].
pub fn evaluate(cl: &Checklist, answers: &Answers, today: Date, lang: Lang) -> Evaluation {
    eval::evaluate(cl, answers, today, lang)
}

/// The content locale of an article: `ms.contentlocale` in its front
/// matter, Dutch when absent or unknown.
pub fn content_lang(markdown: &str) -> Lang {
    front_matter(markdown)
        .and_then(|fm| crate::yaml::to_json(fm).ok())
        .and_then(|v| {
            v.get("ms.contentlocale")
                .and_then(|l| l.as_str())
                .and_then(Lang::parse)
        })
        .unwrap_or(Lang::Nl)
}

fn front_matter(md: &str) -> Option<&str> {
    let rest = md
        .strip_prefix("---\n")
        .or_else(|| md.strip_prefix("---\r\n"))?;
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(&rest[..at]);
        }
        at += line.len();
    }
    None
}

/// The reader's (here: the machine's) local calendar date.
pub fn local_today() -> Date {
    // No time-zone crate: ask `date`, which knows the local zone, and fall
    // back to UTC from the system clock.
    let from_cmd = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| Date::parse_iso(s.trim()));
    from_cmd
        .or_else(|| {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Date::from_days((secs / 86_400) as i64)
        })
        .or_else(|| Date::from_days(0))
        .unwrap_or_else(|| unreachable!("day 0 is 1970-01-01"))
}

/// `tolk eval ARTICLE CHECKLIST-ID`: reads the article, compiles its
/// checklists, evaluates the one named with the answers, and returns the
/// result as one line of JSON. Every problem (unreadable file, an error in
/// any checklist of the article, an unknown id, bad answers) comes back as
/// diagnostics; warnings alone do not stop the evaluation.
pub fn eval_command(
    article_path: &Path,
    checklist_id: &str,
    answers_json: &str,
    today: Option<Date>,
    lang: Option<Lang>,
) -> Result<String, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(article_path).map_err(|e| {
        vec![
            Diagnostic::error("io", format!("cannot read {}: {e}", article_path.display()))
                .in_file(article_path),
        ]
    })?;
    let mut found = None;
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for block in find_blocks(&text) {
        let (cl, diags) = compile(&block, article_path, &text);
        errors.extend(diags.into_iter().filter(|d| d.is_error()));
        if let Some(cl) = cl {
            ids.push(cl.id.clone());
            if cl.id == checklist_id {
                found = Some(cl);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(cl) = found else {
        let hint = if ids.is_empty() {
            "this article has no ```checklist block".to_string()
        } else {
            format!("its checklists are: {}", ids.join(", "))
        };
        return Err(vec![Diagnostic::error(
            "checklist-not-found",
            format!(
                "{} has no checklist `{checklist_id}`",
                article_path.display()
            ),
        )
        .in_file(article_path)
        .with_hint(hint)]);
    };
    let answers = Answers::from_json(&cl, answers_json).map_err(|m| {
        vec![Diagnostic::error("checklist-answers", format!("bad answers: {m}"))
            .with_hint("answers are JSON: {\"input_id\": value, \"steps\": {\"step_id\": true}}; see docs/checklists.md")]
    })?;
    let lang = lang.unwrap_or_else(|| content_lang(&text));
    let today = today.unwrap_or_else(local_today);
    Ok(evaluate(&cl, &answers, today, lang).to_json())
}

/// Locates a byte range of a file's text; a convenience for callers that
/// report problems next to checklist diagnostics.
pub fn location(file: &Path, file_text: &str, offset: usize, len: usize) -> Location {
    Location::from_offset(file, file_text, offset, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_that_may_open_a_checklist() {
        for yes in [
            "```checklist\n",
            "~~~ checklist\n",
            "> ```checklist\n",
            "- ````\tchecklist\n",
            "```&#99;hecklist\n",
            "```check&#108;ist\n",
            "text ```checklist",
        ] {
            assert!(may_open_checklist(yes), "{yes:?}");
        }
        for no in [
            "a checklist in the text\n",
            "``checklist``\n",
            "```yaml\nchecklist: 1\n```\n",
            "&#99; and ```\n",
            "```yaml\n&#99;\n```\n",
            "",
        ] {
            assert!(!may_open_checklist(no), "{no:?}");
        }
    }

    /// When the check says no, the parse it saves would have found nothing.
    /// Documents are lines of a container prefix, maybe a fence, and an
    /// info string pieced together (spelled out, or with references).
    #[test]
    fn the_check_never_hides_a_block() {
        use proptest::prelude::*;
        let prefix = proptest::sample::select(vec!["", "> ", "- ", "1. ", "   ", "    ", "text "]);
        let fence = proptest::sample::select(vec!["", "```", "~~~", "````", "``", "`"]);
        let space = proptest::sample::select(vec!["", " ", "\t"]);
        let word = proptest::sample::select(vec![
            "checklist",
            "check",
            "&#108;",
            "ist",
            "&#99;",
            "&#x63;",
            "hecklist",
            "yaml",
            " ",
            "\\",
        ]);
        let line = (prefix, fence, space, proptest::collection::vec(word, 0..4))
            .prop_map(|(p, f, s, w)| format!("{p}{f}{s}{}\n", w.concat()));
        proptest!(ProptestConfig::with_cases(4096), |(lines in proptest::collection::vec(line, 0..6))| {
            let doc = lines.concat();
            if !may_open_checklist(&doc) {
                prop_assert!(blocks_in(&doc).is_empty(), "{:?}", doc);
            }
        });
    }
}
