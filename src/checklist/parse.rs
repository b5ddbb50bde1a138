//! From the text of a ```checklist block to raw, untyped definitions, and
//! from positions inside that YAML to positions in the Markdown file.
//!
//! The structure is read with serde (`deny_unknown_fields`, so a misspelt
//! key is an error at its line); positions of the values that the checker
//! looks at later come from the spanned event parser behind `crate::yaml`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::yaml::{self, NodePos, ScalarStyle};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChecklist {
    pub id: String,
    pub title: serde_json::Value,
    #[serde(default)]
    pub intro: Option<serde_json::Value>,
    #[serde(default)]
    pub inputs: Vec<RawInput>,
    #[serde(default)]
    pub computed: Vec<RawComputed>,
    #[serde(default)]
    pub steps: Vec<RawStep>,
    #[serde(default)]
    pub outcomes: Vec<RawOutcome>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawType {
    Choice,
    Bool,
    Int,
    Text,
    Date,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    pub id: String,
    #[serde(rename = "type")]
    pub ty: RawType,
    pub label: serde_json::Value,
    #[serde(default)]
    pub help: Option<serde_json::Value>,
    #[serde(default)]
    pub when: Option<serde_json::Value>,
    #[serde(default)]
    pub options: Option<Vec<RawOption>>,
    /// A rule the answer must meet (`valid: cancel_date >= purchase_date`).
    #[serde(default)]
    pub valid: Option<serde_json::Value>,
    /// The message shown when the answer breaks `valid`.
    #[serde(default)]
    pub invalid: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub value: String,
    pub label: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComputed {
    pub id: String,
    pub expr: serde_json::Value,
    #[serde(default)]
    pub label: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: String,
    pub label: serde_json::Value,
    #[serde(default)]
    pub help: Option<serde_json::Value>,
    #[serde(default)]
    pub when: Option<serde_json::Value>,
    #[serde(default)]
    pub fail: Option<serde_json::Value>,
    #[serde(default)]
    pub link: Option<RawLink>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub href: String,
    pub text: serde_json::Value,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawStatus {
    Pass,
    Info,
    Warn,
    Fail,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    pub id: String,
    pub when: serde_json::Value,
    pub status: RawStatus,
    pub message: serde_json::Value,
    #[serde(default)]
    pub link: Option<RawLink>,
}

/// Maps positions in the block's YAML to positions in the Markdown file.
pub struct Positions<'a> {
    pub file: &'a Path,
    pub file_text: &'a str,
    pub yaml: &'a str,
    /// Byte offset of the YAML's first byte in `file_text`.
    pub offset: usize,
    table: HashMap<String, NodePos>,
}

impl<'a> Positions<'a> {
    pub fn new(file: &'a Path, file_text: &'a str, yaml_text: &'a str, offset: usize) -> Self {
        // If the event parser disagrees with serde_yaml about the document
        // (it should not), positions fall back to the block's start.
        let table = yaml::node_positions(yaml_text)
            .map(|v| v.into_iter().collect())
            .unwrap_or_default();
        Positions {
            file,
            file_text,
            yaml: yaml_text,
            offset,
            table,
        }
    }

    /// The file offset of a byte offset in the YAML. A block's YAML is a
    /// slice of the file when the fence is at the top level; inside a list
    /// item or a quote its lines lose their indentation, so each YAML line is
    /// found as the end of the corresponding file line.
    pub fn file_offset(&self, yaml_at: usize) -> usize {
        let mut yaml_at = yaml_at.min(self.yaml.len());
        while !self.yaml.is_char_boundary(yaml_at) {
            yaml_at -= 1;
        }
        let line_no = self.yaml.as_bytes()[..yaml_at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let yl_start = self.yaml[..yaml_at].rfind('\n').map_or(0, |i| i + 1);
        let col = yaml_at - yl_start;
        if line_no == 0 {
            return (self.offset + col).min(self.file_text.len());
        }
        let mut fl_start = self.offset.min(self.file_text.len());
        for _ in 0..line_no {
            match self.file_text[fl_start..].find('\n') {
                Some(i) => fl_start += i + 1,
                None => return self.file_text.len(),
            }
        }
        let fl_end = self.file_text[fl_start..]
            .find('\n')
            .map_or(self.file_text.len(), |i| fl_start + i);
        let yl_end = self.yaml[yl_start..]
            .find('\n')
            .map_or(self.yaml.len(), |i| yl_start + i);
        let file_line = self.file_text[fl_start..fl_end].trim_end_matches('\r');
        let yaml_line = self.yaml[yl_start..yl_end].trim_end_matches('\r');
        let prefix = if file_line.ends_with(yaml_line) {
            file_line.len() - yaml_line.len()
        } else {
            0
        };
        (fl_start + prefix + col).min(self.file_text.len())
    }

    pub fn at_yaml(&self, yaml_at: usize, len: usize) -> Location {
        Location::from_offset(self.file, self.file_text, self.file_offset(yaml_at), len)
    }

    /// A YAML (line, column), both 1-based, as serde_yaml reports them.
    pub fn at_line_col(&self, line: usize, column: usize) -> Location {
        let mut at = 0;
        for _ in 1..line {
            match self.yaml[at..].find('\n') {
                Some(i) => at += i + 1,
                None => break,
            }
        }
        let at = self.yaml[at..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(self.yaml.len(), |(i, _)| at + i);
        self.at_yaml(at, 1)
    }

    fn node(&self, path: &str) -> Option<NodePos> {
        let mut p = path;
        loop {
            if let Some(n) = self.table.get(p) {
                return Some(*n);
            }
            p = &p[..p.rfind('.')?];
        }
    }

    /// The start of the node at `path` (or of its nearest ancestor).
    pub fn at_node(&self, path: &str) -> Location {
        let at = self.node(path).map_or(0, |n| n.offset);
        self.at_yaml(at, 1)
    }

    /// The key of the entry at `path` (`inputs.0.label` → `label:`).
    pub fn at_key(&self, path: &str) -> Location {
        match self.table.get(&format!("{path}#key")) {
            Some(n) => self.at_yaml(n.offset, 1),
            None => self.at_node(path),
        }
    }

    /// Bytes `start..start+len` of the scalar value at `path`, whose decoded
    /// text is `value`. The value is aligned with its source character by
    /// character: quotes, escapes and folded line breaks are skipped, so a
    /// plain or quoted expression maps exactly and anything else closely.
    pub fn at_in_scalar(&self, path: &str, value: &str, start: usize, len: usize) -> Location {
        let Some(node) = self.node(path) else {
            return self.at_yaml(0, 1);
        };
        let skip = match node.style {
            Some(ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) => 1,
            _ => 0,
        };
        let raw_start = (node.offset + skip).min(self.yaml.len());
        let raw = &self.yaml[raw_start..];
        let map = |k: usize| -> usize {
            let mut raw_iter = raw.char_indices().peekable();
            let mut last = 0;
            for (vi, vc) in value.char_indices() {
                loop {
                    match raw_iter.peek() {
                        None => return raw.len(),
                        Some(&(ri, rc)) => {
                            raw_iter.next();
                            if rc == vc || (vc == ' ' && rc == '\n') {
                                last = ri + rc.len_utf8();
                                if vi >= k {
                                    return ri;
                                }
                                break;
                            }
                        }
                    }
                }
            }
            last
        };
        let a = map(start);
        let b = if len == 0 { a } else { map(start + len) };
        self.at_yaml(raw_start + a, b.saturating_sub(a).max(1))
    }
}

/// Reads the block's YAML into raw definitions, or the YAML error at its
/// place in the file.
pub fn read(pos: &Positions<'_>) -> Result<RawChecklist, Box<Diagnostic>> {
    yaml::from_str::<RawChecklist>(pos.yaml).map_err(|e| {
        let general = "a checklist block holds YAML with the keys id, title, inputs, computed, steps and outcomes (see docs/checklists.md)";
        // The checklist's own explanation of what the parser said comes
        // first; then yaml.rs's general one; a mistake yaml.rs names itself
        // (an alias) keeps its words.
        let explained = e
            .parser
            .as_ref()
            .map(|(raw, line, column)| explain(pos.yaml, raw, *line, *column))
            .filter(|(message, ..)| !message.starts_with("invalid checklist: "));
        let (message, line, column, hint) = explained.unwrap_or_else(|| {
            (
                format!("invalid checklist: {}", e.message),
                e.line,
                e.column,
                e.hint.clone().unwrap_or_else(|| general.to_string()),
            )
        });
        Box::new(
            Diagnostic::error(e.code.unwrap_or("checklist-yaml"), message)
                .at(pos.at_line_col(line, column))
                .with_hint(&hint),
        )
    })
}

/// The parser's message in the writer's terms, at the line where the
/// mistake is (libyaml often notices it on the next line).
fn explain(yaml: &str, raw: &str, line: usize, column: usize) -> (String, usize, usize, String) {
    let lines: Vec<&str> = yaml.lines().collect();
    let text = |l: usize| lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
    let indent = |s: &str| s.len() - s.trim_start_matches(' ').len() + 1;
    // The last line before `line` with text on it.
    let before = |l: usize| (1..l).rev().find(|&k| !text(k).trim().is_empty());
    let general = "a checklist block holds YAML with the keys id, title, inputs, computed, steps and outcomes (see docs/checklists.md)".to_string();
    if raw.contains("did not find expected ',' or '}'")
        || raw.contains("did not find expected ',' or ']'")
    {
        let close = if raw.contains('}') { '}' } else { ']' };
        let open = if close == '}' { '{' } else { '[' };
        // The unclosed bracket: the last line before the error with more
        // opening than closing brackets.
        let at = (1..=line).rev().find(|&k| {
            let t = text(k);
            t.matches(open).count() > t.matches(close).count()
        });
        if let Some(k) = at {
            let col = text(k)
                .rfind(open)
                .map_or(1, |c| text(k)[..c].chars().count() + 1);
            return (
                format!("this `{open}` is not closed"),
                k,
                col,
                format!("end it with `{close}` on the same line, as in `label: {{nl: \"…\", en: \"…\"}}`"),
            );
        }
    }
    if raw.contains("could not find expected ':'") {
        if let Some(k) = before(line) {
            let t = text(k);
            return (
                format!("`{}` is not a `key: value` line", t.trim()),
                k,
                indent(t),
                "write the key, a colon and its value, as in `label: {nl: \"…\", en: \"…\"}`"
                    .into(),
            );
        }
    }
    if raw.contains("found character that cannot start any token") && text(line).contains('\t') {
        return (
            "a tab in the indentation: YAML indents with spaces only".into(),
            line,
            column,
            "replace the tab with spaces, lined up with the keys above".into(),
        );
    }
    // A line indented under a plain value continues that value:
    // `type: choice` + `     label: …` reads as the type `choice label`.
    if raw.contains("unknown variant `") && raw.split('`').nth(1).is_some_and(|v| v.contains(' ')) {
        let next = ((line + 1)..=lines.len()).find(|&k| !text(k).trim().is_empty());
        if let Some(k) = next {
            let (here, prev) = (indent(text(k)), indent(text(line)));
            if here > prev {
                return (
                    format!("this line is indented more than the line above it (column {here}, not {prev})"),
                    k,
                    here,
                    "YAML reads a line indented under a value as more of that value; line the keys of one item up in one column".into(),
                );
            }
        }
    }
    // A key out of line with its item's keys ends the item early, and the
    // item is then missing that key.
    if let Some(field) = raw
        .split("missing field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        let t = text(line);
        let keys = if t.trim_start().starts_with("- ") {
            indent(t) + 2
        } else {
            indent(t)
        };
        let found = (line + 1..=lines.len())
            .take_while(|&k| !text(k).trim_start().starts_with("- "))
            .find(|&k| text(k).trim_start().starts_with(&format!("{field}:")));
        if let Some(k) = found {
            let here = indent(text(k));
            if here != keys {
                let word = if here > keys { "more" } else { "less" };
                return (
                    format!("this line is indented {word} than the line above it (column {here}, not {keys})"),
                    k,
                    here,
                    "the keys of one input, step or outcome start in the same column".into(),
                );
            }
        }
    }
    if raw.contains("did not find expected key")
        || raw.contains("did not find expected '-' indicator")
    {
        if let Some(k) = before(line) {
            let (here, prev) = (indent(text(line)), indent(text(k)));
            let word = if here > prev { "more" } else { "less" };
            return (
                format!("this line is indented {word} than the line above it (column {here}, not {prev})"),
                line,
                here,
                "the keys of one input, step or outcome start in the same column; a new item starts with `- `".into(),
            );
        }
    }
    if raw.contains("found unexpected end of stream") {
        // An unclosed quote: the last line with an odd number of them.
        if let Some(k) = (1..=line)
            .rev()
            .find(|&k| text(k).matches('"').count() % 2 == 1)
        {
            let col = text(k)
                .rfind('"')
                .map_or(1, |c| text(k)[..c].chars().count() + 1);
            return (
                "this quote is not closed".into(),
                k,
                col,
                "end the text with `\"` on the same line".into(),
            );
        }
    }
    (format!("invalid checklist: {raw}"), line, column, general)
}
