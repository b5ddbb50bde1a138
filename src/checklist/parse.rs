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
        Box::new(Diagnostic::error(e.code.unwrap_or("checklist-yaml"), format!("invalid checklist: {}", e.message))
            .at(pos.at_line_col(e.line, e.column))
            .with_hint("a checklist block holds YAML with the keys id, title, inputs, computed, steps and outcomes (see docs/checklists.md)"))
    })
}
