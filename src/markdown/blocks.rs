//! DocFX's block directives that stand on lines of their own: a grid
//! (`:::row:::` / `:::column span="2":::` ... `:::column-end:::` /
//! `:::row-end:::`), zones (`::: zone target="docs" pivot="a,b"` ...
//! `::: zone-end`) and code taken from a file (`:::code source="x.cs"
//! range="3-5" language="csharp":::`, `[!code-csharp[](x.cs?range=3-5)]`,
//! `#L3-L5`, `?name=Snippet`).
//!
//! docfx parses them as blocks that interrupt a paragraph, and reads a
//! column's content whatever its indentation (CommonMark would make the
//! usual eight spaces a code block). [`edits`] prepares the text for
//! pulldown-cmark the same way: each directive line becomes a paragraph of
//! its own, and a grid's content loses its common indentation. The render
//! pass then turns such a paragraph into the markup ([`paragraph`]), as
//! docfx writes it: `<section class="row">`, `<div class="column span2">`,
//! `<div class="zone has-pivot" data-pivot="a b">`, `<pre><code
//! class="lang-csharp">`. No inline style: the theme lays the grid out.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::tables::Edit;
use super::{attr, escape_attr, escape_html, Input, Rendered};

/// A directive line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Directive {
    Row,
    RowEnd,
    Column {
        span: Option<String>,
    },
    ColumnEnd,
    Zone {
        target: Option<String>,
        pivot: Option<String>,
    },
    ZoneEnd,
    /// `:::code ...:::` (its attributes) or `[!code-lang[title](path)]`.
    Code(Code),
}

/// What to take from which file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Code {
    pub source: String,
    pub language: Option<String>,
    pub range: Option<String>,
    pub name: Option<String>,
    pub highlight: Option<String>,
}

/// Reads a line (without its indentation) as a directive.
pub(super) fn directive(line: &str) -> Option<Directive> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix("[!code") {
        return snippet(rest).map(Directive::Code);
    }
    let inner = t.strip_prefix(":::")?.trim_start();
    let inner = inner.strip_suffix(":::").unwrap_or(inner).trim_end();
    let (name, attrs) = match inner.find([' ', '\t']) {
        Some(i) => (&inner[..i], &inner[i..]),
        None => (inner, ""),
    };
    let attrs_tag = format!(" {}", attrs.trim());
    let a = |n: &str| attr(&attrs_tag, n).map(|v| v.trim().to_string());
    let closed = t.len() > 6 && t.ends_with(":::");
    match name {
        "row" if closed && attrs.trim().is_empty() => Some(Directive::Row),
        "row-end" if attrs.trim().is_empty() => Some(Directive::RowEnd),
        "column" if closed => Some(Directive::Column { span: a("span") }),
        "column-end" if attrs.trim().is_empty() => Some(Directive::ColumnEnd),
        "zone" if !attrs.trim().is_empty() => Some(Directive::Zone {
            target: a("target"),
            pivot: a("pivot"),
        }),
        "zone-end" if attrs.trim().is_empty() => Some(Directive::ZoneEnd),
        "code" if closed => Some(Directive::Code(Code {
            source: a("source")?,
            language: a("language"),
            range: a("range"),
            name: a("id"),
            highlight: a("highlight"),
        })),
        _ => None,
    }
}

/// `-csharp[title](path?range=1-3)]` (after `[!code`).
fn snippet(rest: &str) -> Option<Code> {
    let (lang, rest) = match rest.strip_prefix('-') {
        Some(r) => {
            let i = r.find('[')?;
            (Some(r[..i].trim().to_string()), &r[i..])
        }
        None => (None, rest),
    };
    let rest = rest.strip_prefix('[')?;
    let close = rest.find("](")?;
    let rest = &rest[close + 2..];
    let rest = rest.strip_suffix(']')?.trim_end();
    let path = rest.strip_suffix(')')?.trim();
    // A title in quotes after the path is docfx's too.
    let path = path.split_whitespace().next()?;
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path, None),
    };
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut code = Code {
        source: path.to_string(),
        language: lang.filter(|l| !l.is_empty()),
        ..Code::default()
    };
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k.to_ascii_lowercase().as_str() {
            "range" => code.range = Some(v.to_string()),
            "name" => code.name = Some(v.to_string()),
            "highlight" => code.highlight = Some(v.to_string()),
            _ => {}
        }
    }
    if let Some(f) = fragment {
        // `#L3-L5`, `#L3`, or a snippet name.
        let lines = f
            .strip_prefix('L')
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        match lines {
            Some(r) => code.range = Some(r.replace("-L", "-")),
            None => code.name = Some(f.to_string()),
        }
    }
    Some(code)
}

/// Where a line's indentation ends.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// The edits that make each directive line a paragraph of its own and
/// bring a grid's content to the left margin (fenced code is left alone).
pub(super) fn edits(text: &str) -> Vec<Edit> {
    if !text.contains(":::") && !text.contains("[!code") {
        return Vec::new();
    }
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    let mut kinds: Vec<Option<Directive>> = vec![None; lines.len()];
    let mut fence: Option<(u8, usize)> = None;
    let mut in_row = 0usize;
    for (k, &(_, line)) in lines.iter().enumerate() {
        let body = line.trim_start();
        let fence_len = |c: u8| body.bytes().take_while(|&b| b == c).count();
        if let Some((c, n)) = fence {
            if fence_len(c) >= n && body.trim_end().bytes().all(|b| b == c) {
                fence = None;
            }
            continue;
        }
        for c in [b'`', b'~'] {
            if fence_len(c) >= 3 && indent(line) < 4 {
                fence = Some((c, fence_len(c)));
            }
        }
        if fence.is_some() {
            continue;
        }
        let Some(d) = directive(body) else { continue };
        // Four spaces outside a grid make code, as in CommonMark.
        if indent(line) >= 4 && in_row == 0 {
            continue;
        }
        match d {
            Directive::Row => in_row += 1,
            Directive::RowEnd => in_row = in_row.saturating_sub(1),
            Directive::Column { .. } | Directive::ColumnEnd if in_row == 0 => continue,
            _ => {}
        }
        kinds[k] = Some(d);
    }
    let mut out = Vec::new();
    let blank = |k: usize| lines.get(k).map_or(true, |(_, l)| l.trim().is_empty());
    // Each directive stands apart: blank lines around it, and (but for
    // code, which may stand in a list item) no indentation.
    for (k, d) in kinds.iter().enumerate() {
        let Some(d) = d else { continue };
        let (start, line) = lines[k];
        let strip = in_grid(&kinds, k) || !matches!(d, Directive::Code(_));
        if strip && indent(line) > 0 {
            out.push(Edit {
                start,
                end: start + indent(line),
                with: String::new(),
            });
        }
        if k > 0 && !blank(k - 1) && kinds[k - 1].is_none() {
            out.push(Edit {
                start,
                end: start,
                with: "\n".into(),
            });
        }
        if !blank(k + 1) {
            let end = start + line.len();
            out.push(Edit {
                start: end,
                end,
                with: "\n".into(),
            });
        }
    }
    // A grid's content between two directives loses its common
    // indentation.
    let mut k = 0;
    while k < lines.len() {
        if kinds[k].is_none() || !in_grid(&kinds, k) {
            k += 1;
            continue;
        }
        let from = k + 1;
        let mut to = from;
        while to < lines.len() && kinds[to].is_none() {
            to += 1;
        }
        if to < lines.len() {
            let common = lines[from..to]
                .iter()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(_, l)| indent(l))
                .min()
                .unwrap_or(0);
            for &(start, line) in &lines[from..to] {
                let cut = common.min(indent(line));
                if cut > 0 {
                    out.push(Edit {
                        start,
                        end: start + cut,
                        with: String::new(),
                    });
                }
            }
        }
        k = to;
    }
    out
}

/// Whether line `k` (a directive) stands in a grid, or opens or closes one.
fn in_grid(kinds: &[Option<Directive>], k: usize) -> bool {
    let mut depth = 0i32;
    for d in kinds[..=k].iter().flatten() {
        match d {
            Directive::Row => depth += 1,
            Directive::RowEnd => depth -= 1,
            _ => {}
        }
    }
    depth > 0 || matches!(kinds[k], Some(Directive::RowEnd))
}

/// A directive found where it cannot stand, or code that cannot be read.
#[derive(Debug, Clone)]
pub struct BlockProblem {
    pub offset: usize,
    pub len: usize,
    pub error: bool,
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

/// The open grids and zones of a render.
#[derive(Debug, Default)]
pub(super) struct State {
    /// What is open, how deep in containers (lists, quotes) it opened, and
    /// where.
    open: Vec<(Open, usize, usize, usize)>,
    pub depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Row,
    Column,
    /// `hidden`: for another target than the docs site.
    Zone {
        hidden: bool,
    },
}

impl Open {
    fn same(self, other: Open) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
    fn close(self) -> &'static str {
        match self {
            Open::Row => "</section>\n",
            Open::Column | Open::Zone { .. } => "</div>\n",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Open::Row => ":::row:::",
            Open::Column => ":::column:::",
            Open::Zone { .. } => "::: zone",
        }
    }
    fn end(self) -> &'static str {
        match self {
            Open::Row => ":::row-end:::",
            Open::Column => ":::column-end:::",
            Open::Zone { .. } => "::: zone-end",
        }
    }
}

impl State {
    /// Inside a zone the page hides: its headings are not listed on the
    /// page's "on this page".
    pub(super) fn hidden(&self) -> bool {
        self.open
            .iter()
            .any(|o| matches!(o.0, Open::Zone { hidden: true }))
    }

    /// A container ends: what opened inside it closes with it (reported).
    pub(super) fn end_container(&mut self, out: &mut Rendered) -> String {
        let mut html = String::new();
        while let Some(&(open, depth, offset, len)) = self.open.last() {
            if depth < self.depth {
                break;
            }
            self.open.pop();
            html.push_str(open.close());
            unclosed(out, open, offset, len);
        }
        self.depth = self.depth.saturating_sub(1);
        html
    }

    /// The text ends: everything still open closes (reported).
    pub(super) fn finish(&mut self, out: &mut Rendered) -> String {
        let mut html = String::new();
        while let Some((open, _, offset, len)) = self.open.pop() {
            html.push_str(open.close());
            unclosed(out, open, offset, len);
        }
        html
    }

    fn close(&mut self, want: Open, out: &mut Rendered, offset: usize, len: usize) -> String {
        let found = self
            .open
            .iter()
            .rposition(|o| o.0.same(want) && o.1 == self.depth);
        let Some(at) = found else {
            out.block_problems.push(BlockProblem {
                offset,
                len,
                error: false,
                code: "docfx-block",
                message: format!("`{}` without a `{}` before it", want.end(), want.name()),
                hint: format!(
                    "remove it, or open the block with `{}` in the same list or quote",
                    want.name()
                ),
            });
            return String::new();
        };
        let mut html = String::new();
        while self.open.len() > at {
            let Some((open, _, o, l)) = self.open.pop() else {
                break;
            };
            html.push_str(open.close());
            if self.open.len() > at {
                unclosed(out, open, o, l);
            }
        }
        html
    }
}

fn unclosed(out: &mut Rendered, open: Open, offset: usize, len: usize) {
    out.block_problems.push(BlockProblem {
        offset,
        len,
        error: false,
        code: "docfx-block",
        message: format!("`{}` is never closed", open.name()),
        hint: format!(
            "end it with `{}` in the same list or quote; tolk closed it where its container ends",
            open.end()
        ),
    });
}

/// The HTML of a directive paragraph (`source` is its text as written, at
/// `offset`), or `None` when it is not one.
pub(super) fn paragraph(
    source: &str,
    offset: usize,
    input: &Input,
    out: &mut Rendered,
    state: &mut State,
) -> Option<String> {
    let d = directive(source)?;
    let len = source.trim_end().len();
    let here = (state.depth, offset, len);
    let push = |state: &mut State, o: Open| state.open.push((o, here.0, here.1, here.2));
    Some(match d {
        Directive::Row => {
            push(state, Open::Row);
            "<section class=\"row\">\n".into()
        }
        Directive::Column { span } => {
            push(state, Open::Column);
            match span.filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())) {
                Some(n) => format!("<div class=\"column span{n}\">\n"),
                None => "<div class=\"column\">\n".into(),
            }
        }
        Directive::Zone { target, pivot } => {
            let hidden = target
                .as_deref()
                .is_some_and(|t| !t.is_empty() && t != "docs");
            push(state, Open::Zone { hidden });
            zone(target, pivot)
        }
        Directive::RowEnd => state.close(Open::Row, out, offset, len),
        Directive::ColumnEnd => state.close(Open::Column, out, offset, len),
        Directive::ZoneEnd => state.close(Open::Zone { hidden: false }, out, offset, len),
        Directive::Code(code) => code_block(&code, input, out, offset, len),
    })
}

/// A zone as docfx writes it; a zone for another target than the docs
/// site (`chromeless`, `pdf`) is hidden, and a pivot zone is labelled with
/// its pivots, as all of them are shown.
fn zone(target: Option<String>, pivot: Option<String>) -> String {
    let mut class = String::from("zone");
    let mut attrs = String::new();
    let target = target.filter(|t| !t.is_empty());
    let pivots: Vec<String> = pivot
        .iter()
        .flat_map(|p| p.split(','))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(t) = &target {
        class.push_str(" has-target");
        attrs.push_str(&format!(" data-target=\"{}\"", escape_attr(t)));
    }
    if !pivots.is_empty() {
        class.push_str(" has-pivot");
        attrs.push_str(&format!(
            " data-pivot=\"{}\"",
            escape_attr(&pivots.join(" "))
        ));
    }
    let hidden = if target.as_deref().is_some_and(|t| t != "docs") {
        " hidden"
    } else {
        ""
    };
    let mut html = format!("<div class=\"{class}\"{attrs}{hidden}>\n");
    if !pivots.is_empty() {
        html.push_str(&format!(
            "<p class=\"zone-pivot\">{}</p>\n",
            escape_html(&pivots.join(", "))
        ));
    }
    html
}

/// The files that code directives may show, by content-relative path:
/// their text, or why it could not be read.
pub type CodeFiles = Arc<BTreeMap<String, Result<String, String>>>;

/// The content-relative path `source` names from the file at `rel`, or
/// `None` if it leaves the content folder.
pub fn code_path(rel: &str, source: &str) -> Option<String> {
    let source = source.replace('\\', "/");
    let mut parts: Vec<&str> = if source.starts_with('/') || source.starts_with("~/") {
        Vec::new()
    } else {
        rel.split('/').collect()
    };
    if !parts.is_empty() {
        parts.pop();
    }
    for seg in source.trim_start_matches("~/").split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The content-relative paths the code directives of `text` name (from
/// the file at `rel`), for the caller to read.
pub fn code_sources(text: &str, rel: &str) -> Vec<String> {
    if !crate::content::may_name_code_files(text) {
        return Vec::new();
    }
    text.lines()
        .filter_map(|l| match directive(l.trim_start()) {
            Some(Directive::Code(c)) => code_path(rel, &c.source),
            _ => None,
        })
        .collect()
}

fn language_of(source: &str) -> String {
    let ext = source.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "cs" => "csharp",
        "vb" => "vb",
        "py" => "python",
        "ps1" | "psm1" => "powershell",
        "sh" => "bash",
        "js" => "javascript",
        "ts" => "typescript",
        "kql" => "kusto",
        "yml" => "yaml",
        other => other,
    }
    .to_string()
}

fn code_problem(out: &mut Rendered, offset: usize, len: usize, message: String, hint: &str) {
    out.block_problems.push(BlockProblem {
        offset,
        len,
        error: true,
        code: "code-source",
        message,
        hint: hint.to_string(),
    });
}

/// The `<pre><code>` of a code directive, or a problem and an empty block.
fn code_block(code: &Code, input: &Input, out: &mut Rendered, offset: usize, len: usize) -> String {
    let lang = code
        .language
        .clone()
        .unwrap_or_else(|| language_of(&code.source));
    let mut attrs = format!(" class=\"lang-{}\"", escape_attr(&lang));
    if let Some(h) = code.highlight.as_deref().filter(|h| !h.is_empty()) {
        attrs.push_str(&format!(" highlight-lines=\"{}\"", escape_attr(h)));
    }
    let empty = format!("<pre><code{attrs}></code></pre>\n");
    let Some(path) = code_path(input.rel, &code.source) else {
        code_problem(
            out,
            offset,
            len,
            format!("`{}` is outside the content folder", code.source),
            "code can only be shown from files inside the content folder; copy the file there",
        );
        return empty;
    };
    let text = match input.links.code_files.get(&path) {
        Some(Ok(t)) => t,
        Some(Err(why)) => {
            code_problem(
                out,
                offset,
                len,
                format!("`{}` cannot be shown: {why}", code.source),
                "save it as UTF-8 text",
            );
            return empty;
        }
        None => {
            code_problem(
                out,
                offset,
                len,
                format!("no file `{path}` for this code block"),
                "check the path: it is relative to this file",
            );
            return empty;
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let picked = match (&code.range, &code.name) {
        (Some(r), _) => match pick_range(&lines, r) {
            Some(p) => p,
            None => {
                code_problem(
                    out,
                    offset,
                    len,
                    format!(
                        "range `{r}` does not fit `{}` ({} lines)",
                        code.source,
                        lines.len()
                    ),
                    "write line numbers as `3-5`, `7`, `9-` or `1-2,8-9`, within the file",
                );
                return empty;
            }
        },
        (None, Some(n)) => match pick_named(&lines, n) {
            Some(p) => p,
            None => {
                code_problem(
                    out,
                    offset,
                    len,
                    format!("no snippet `{n}` in `{}`", code.source),
                    "mark it in the file with `<name>` ... `</name>` comments or `#region name` ... `#endregion`",
                );
                return empty;
            }
        },
        (None, None) => lines.clone(),
    };
    let mut body = String::new();
    for l in dedent(&picked) {
        body.push_str(&escape_html(&l));
        body.push('\n');
    }
    format!("<pre><code{attrs}>{body}</code></pre>\n")
}

/// Lines `3-5`, `7`, `9-`, `1-2,8-9` (1-based, inclusive).
fn pick_range<'a>(lines: &[&'a str], range: &str) -> Option<Vec<&'a str>> {
    let mut out = Vec::new();
    for part in range.split(',') {
        let part = part.trim();
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let a: usize = a.parse().ok()?;
        let b: usize = if b.is_empty() {
            lines.len()
        } else {
            b.parse().ok()?
        };
        if a == 0 || a > b || b > lines.len() {
            return None;
        }
        out.extend_from_slice(&lines[a - 1..b]);
    }
    Some(out)
}

/// The lines between `<name>` and `</name>` (in any comment) or `#region
/// name` and its `#endregion`, without the lines that mark other snippets.
fn pick_named<'a>(lines: &[&'a str], name: &str) -> Option<Vec<&'a str>> {
    let lower = name.to_ascii_lowercase();
    let open_tag = format!("<{lower}>");
    let close_tag = format!("</{lower}>");
    let is_marker = |l: &str| {
        let t = l.trim().to_ascii_lowercase();
        let t = t.trim_start_matches(['/', '#', '-', '\'', ';', '%', '*', ' ']);
        t.starts_with("region")
            || t.starts_with("endregion")
            || (t.starts_with('<') && t.trim_end_matches(['*', '/', ' ']).ends_with('>'))
            || t.starts_with("rem <")
    };
    let start = lines.iter().position(|l| {
        let t = l.to_ascii_lowercase();
        t.contains(&open_tag) || {
            let t = t.trim();
            t.trim_start_matches('#')
                .trim_start()
                .strip_prefix("region")
                .map(str::trim)
                == Some(&lower)
        }
    })?;
    let region = !lines[start].to_ascii_lowercase().contains(&open_tag);
    let mut depth = 0;
    let mut out = Vec::new();
    for l in &lines[start + 1..] {
        let t = l.to_ascii_lowercase();
        if region {
            let tt = t.trim().trim_start_matches('#').trim_start().to_string();
            if tt.starts_with("region") {
                depth += 1;
            } else if tt.starts_with("endregion") {
                if depth == 0 {
                    return Some(out);
                }
                depth -= 1;
            }
        } else if t.contains(&close_tag) {
            return Some(out);
        }
        if !is_marker(l) {
            out.push(*l);
        }
    }
    None
}

/// Lines without the indentation they all share (blank lines aside).
fn dedent(lines: &[&str]) -> Vec<String> {
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(common.min(indent(l))..).unwrap_or("").to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read() {
        assert_eq!(directive(":::row:::"), Some(Directive::Row));
        assert_eq!(
            directive(":::column span=\"2\":::"),
            Some(Directive::Column {
                span: Some("2".into())
            })
        );
        assert_eq!(
            directive("::: zone pivot=\"a,b\""),
            Some(Directive::Zone {
                target: None,
                pivot: Some("a,b".into())
            })
        );
        assert_eq!(directive(":::zone-end:::"), Some(Directive::ZoneEnd));
        assert_eq!(directive("::: zone-end"), Some(Directive::ZoneEnd));
        assert_eq!(directive(":::image source=\"a.png\":::"), None);
        let Some(Directive::Code(c)) = directive("[!code-csharp[](../x.cs#L3-L5)]") else {
            panic!("not code")
        };
        assert_eq!(
            (c.source.as_str(), c.range.as_deref()),
            ("../x.cs", Some("3-5"))
        );
        let Some(Directive::Code(c)) = directive("[!code-cs[Main](x.cs?name=Main&highlight=2)]")
        else {
            panic!("not code")
        };
        assert_eq!(c.name.as_deref(), Some("Main"));
        assert_eq!(c.highlight.as_deref(), Some("2"));
    }

    #[test]
    fn paths_stay_inside_the_content_folder() {
        assert_eq!(code_path("a/b.md", "x.cs").as_deref(), Some("a/x.cs"));
        assert_eq!(code_path("a/b.md", "../x.cs").as_deref(), Some("x.cs"));
        assert_eq!(code_path("a/b.md", "../../x.cs"), None);
        assert_eq!(code_path("a/b.md", "..\\..\\etc\\passwd"), None);
        assert_eq!(code_path("a/b.md", "/s/x.cs").as_deref(), Some("s/x.cs"));
    }

    #[test]
    fn ranges_and_names_pick_lines() {
        let lines = vec!["a", "  b", "  c", "// <Snip>", "    d", "// </Snip>", "e"];
        assert_eq!(pick_range(&lines, "2-3"), Some(vec!["  b", "  c"]));
        assert_eq!(pick_range(&lines, "1,7"), Some(vec!["a", "e"]));
        assert_eq!(pick_range(&lines, "6-"), Some(vec!["// </Snip>", "e"]));
        assert_eq!(pick_range(&lines, "5-9"), None);
        assert_eq!(pick_named(&lines, "snip"), Some(vec!["    d"]));
        assert_eq!(dedent(&["  b", "", "    c"]), vec!["b", "", "  c"]);
        let region = vec!["#region Main", "x", "#endregion", "y"];
        assert_eq!(pick_named(&region, "Main"), Some(vec!["x"]));
    }
}
