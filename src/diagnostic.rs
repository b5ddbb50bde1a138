//! Diagnostics: every problem tolk reports, from a bad `book.toml` key to a
//! type error inside a checklist expression, is one [`Diagnostic`] value.
//!
//! A diagnostic carries its own location *and* the text of the source line it
//! points at. That keeps it self-contained: the CLI prints it the way rustc
//! does, `tolk check --format json` serialises it, and the preview server can
//! show it in the browser overlay, all without going back to the file (which
//! may have changed again by then).

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors fail the build (exit 1); warnings are
/// printed and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, never a problem on its own (a link that leaves the
    /// site, listed by `tolk check`).
    Note,
    Warning,
    Error,
}

impl Severity {
    /// Parses a severity as book.toml spells it.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Where a diagnostic points: a file, a 1-based line, a 1-based column
/// counted in characters (what editors show), and how many characters to
/// underline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub width: usize,
    /// The source line, without its line ending; of a line longer than
    /// [`WINDOW`] characters, only the part that is shown (see
    /// [`clip_line`]): each diagnostic kept a copy of its whole line, and
    /// 20,000 links to missing anchors on one 313 KB line took 6 GB.
    #[serde(skip)]
    pub source_line: String,
    /// Characters of the line left out before `source_line`.
    #[serde(skip)]
    pub line_from: usize,
    /// Characters of the line left out after it.
    #[serde(skip)]
    pub line_cut_end: bool,
}

impl Location {
    /// The location of byte `offset` (with `len` bytes underlined) in `src`,
    /// the full text of `file`. Offsets past the end clamp to the end, and an
    /// offset inside a UTF-8 sequence moves back to its start, so a location
    /// can always be made and never panics.
    pub fn from_offset(file: impl Into<PathBuf>, src: &str, offset: usize, len: usize) -> Self {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = memchr::memchr_iter(b'\n', &src.as_bytes()[..line_start]).count() + 1;
        Self::from_offset_on_line(file, src, offset, len, line)
    }

    /// [`Location::from_offset`] when the caller knows the offset's line
    /// (1-based) already: no count from the start of the file, so reporting
    /// many places in one big file stays linear.
    pub fn from_offset_on_line(
        file: impl Into<PathBuf>,
        src: &str,
        offset: usize,
        len: usize,
        line: usize,
    ) -> Self {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
        let column = src[line_start..offset].chars().count() + 1;
        let mut end = (offset + len).min(line_end);
        while !src.is_char_boundary(end) {
            end -= 1;
        }
        let width = src[offset..end].chars().count().max(1);
        let (source_line, line_from, line_cut_end) = clip_line(
            src[line_start..line_end].trim_end_matches('\r'),
            column,
            width,
        );
        Location {
            file: file.into(),
            line,
            column,
            width,
            source_line,
            line_from,
            line_cut_end,
        }
    }

    /// A location from a 1-based line and column (in characters) of `src`.
    pub fn from_line_col(
        file: impl Into<PathBuf>,
        src: &str,
        line: usize,
        column: usize,
        width: usize,
    ) -> Self {
        let text = src.split('\n').nth(line.saturating_sub(1)).unwrap_or("");
        let (column, width) = (column.max(1), width.max(1));
        let (source_line, line_from, line_cut_end) =
            clip_line(text.trim_end_matches('\r'), column, width);
        Location {
            file: file.into(),
            line: line.max(1),
            column,
            width,
            source_line,
            line_from,
            line_cut_end,
        }
    }

    /// A location that names only a file (no line is known).
    pub fn file_only(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            line: 0,
            column: 0,
            width: 0,
            source_line: String::new(),
            line_from: 0,
            line_cut_end: false,
        }
    }
}

/// Every code tolk reports, sorted. A site sets severities by code
/// (`[check.severity]`), so a key that is not here would silently do
/// nothing: `config` refuses it, naming the nearest code. A debug build
/// panics on a diagnostic whose code is missing (the tests build so), and
/// a unit test finds the literal codes in the sources.
pub const CODES: &[&str] = &[
    "anchor-mismatch",
    "asset-type",
    "broken-anchor",
    "broken-link",
    "case-clash",
    "checklist-answers",
    "checklist-choice",
    "checklist-cycle",
    "checklist-duplicate",
    "checklist-expr",
    "checklist-id",
    "checklist-link",
    "checklist-message",
    "checklist-name",
    "checklist-never",
    "checklist-not-found",
    "checklist-options",
    "checklist-regex",
    "checklist-scope",
    "checklist-translation",
    "checklist-type",
    "checklist-valid",
    "checklist-yaml",
    "code-source",
    "config",
    "content",
    "docfx-block",
    "duplicate-page",
    "empty-link-text",
    "encoding",
    "external-link",
    "front-matter",
    "front-matter-date",
    "front-matter-type",
    "include",
    "init",
    "io",
    "link-spelling",
    "merge-conflict",
    "missing-asset",
    "missing-front-matter",
    "missing-title",
    "mojibake",
    "only-dutch",
    "only-english",
    "output-clash",
    "output-dir",
    "output-path",
    "raw-html-removed",
    "redirect-chain",
    "redirect-loop",
    "redirect-missing",
    "redirect-shadowed",
    "redirect-to-yaml",
    "redirection",
    "redirects",
    "renamed",
    "segment-empty-dutch",
    "segment-id-mismatch",
    "segment-identical",
    "segment-missing-english",
    "segment-split-table-cell",
    "segment-stray-english",
    "segment-unclosed",
    "serve",
    "symlink-outside",
    "template",
    "theme",
    "toc",
    "toc-missing",
    "unknown-config-key",
    "unsafe-link",
    "watch",
    "yaml",
    "yaml-alias",
];

/// The code `code` names, as the `'static` string diagnostics carry.
pub fn known_code(code: &str) -> Option<&'static str> {
    CODES.binary_search(&code).ok().map(|i| CODES[i])
}

/// One problem, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case name for the kind of problem (`yaml`,
    /// `unknown-config-key`, `broken-link`, ...). Sites configure severities
    /// by code, and CI annotations group by it.
    pub code: &'static str,
    pub message: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// A short text printed under the caret.
    #[serde(skip)]
    pub label: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            cfg!(test) || known_code(code).is_some(),
            "diagnostic code `{code}` is missing from diagnostic::CODES"
        );
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            label: None,
            hint: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn in_file(self, file: impl Into<PathBuf>) -> Self {
        self.at(Location::file_only(file))
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file this diagnostic points into, if any.
    pub fn file(&self) -> Option<&Path> {
        self.location.as_ref().map(|l| l.file.as_path())
    }

    /// Renders the diagnostic the way rustc does:
    ///
    /// ```text
    /// error[yaml]: did not find expected key
    ///   --> content/foo.md:3:5
    ///    |
    ///  3 | title: "x
    ///    |     ^ here
    ///    |
    ///    = help: close the quote
    /// ```
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_string()
            }
        };
        let (word, tint) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Note => ("note", "1;36"),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            paint(tint, &format!("{word}[{}]", self.code)),
            paint("1", &format!(": {}", visible(&self.message)))
        );
        let mut gutter = 1;
        if let Some(loc) = &self.location {
            gutter = loc.line.to_string().len().max(1);
            let pad = " ".repeat(gutter);
            let bar = paint("1;34", "|");
            if loc.line == 0 {
                let _ = writeln!(
                    out,
                    "{pad}{} {}",
                    paint("1;34", "-->"),
                    visible(&loc.file.display().to_string())
                );
            } else {
                let _ = writeln!(
                    out,
                    "{pad}{} {}:{}:{}",
                    paint("1;34", "-->"),
                    visible(&loc.file.display().to_string()),
                    loc.line,
                    loc.column
                );
                let _ = writeln!(out, "{pad} {bar}");
                let (line, before, width) = shown_line(loc);
                let line = visible(&line).into_owned();
                let _ = writeln!(out, "{} {bar} {line}", paint("1;34", &loc.line.to_string()));
                let caret = format!("{}{}", " ".repeat(before), "^".repeat(width));
                let label = self
                    .label
                    .as_deref()
                    .map(|l| format!(" {}", visible(l)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{pad} {bar} {}",
                    paint(tint, &format!("{caret}{label}"))
                );
            }
        }
        if let Some(hint) = &self.hint {
            let pad = " ".repeat(gutter);
            let _ = writeln!(
                out,
                "{pad} {} {}",
                paint("1;34", "="),
                format_args!("help: {}", visible(hint))
            );
        }
        out
    }
}

/// Source lines longer than this many characters are shown as a window
/// around the span, as rustc does.
const WINDOW: usize = 120;
/// At most this many `^` underline a span; a longer one ends in `...`.
const MAX_CARETS: usize = 60;

/// The part of `line` to show for a span at 1-based `column` (in
/// characters) of `width` characters: the text (with `...` where it was
/// cut), the characters before the span in it, and the span's underline
/// width.
/// The part of a line that [`window`] would show for `column` and `width`,
/// with how many characters were left out before it and whether some were
/// after: what a [`Location`] keeps of a long line.
fn clip_line(line: &str, column: usize, width: usize) -> (String, usize, bool) {
    if line.len() <= WINDOW {
        return (line.to_string(), 0, false);
    }
    let n = line.chars().count();
    if n <= WINDOW {
        return (line.to_string(), 0, false);
    }
    let (from, to) = window_range(n, column, width);
    let piece = line.chars().skip(from).take(to - from).collect();
    (piece, from, to < n)
}

/// What a location shows of its line: the text, the characters before the
/// span and the carets' count, as [`window`] gives for the whole line.
fn shown_line(loc: &Location) -> (String, usize, usize) {
    let line = loc.source_line.replace('\t', " ");
    if loc.line_from == 0 && !loc.line_cut_end {
        return window(&line, loc.column, loc.width);
    }
    let n = loc.line_from + line.chars().count();
    let start = loc
        .column
        .saturating_sub(1)
        .min(n)
        .saturating_sub(loc.line_from);
    let mut text = String::with_capacity(line.len() + 6);
    if loc.line_from > 0 {
        text.push_str("...");
    }
    text.push_str(&line);
    if loc.line_cut_end {
        text.push_str("...");
    }
    let before = start + if loc.line_from > 0 { 3 } else { 0 };
    (text, before, loc.width.clamp(1, MAX_CARETS))
}

/// The characters `from..to` of a line of `n` characters that a window
/// around `column` (1-based) and `width` shows.
fn window_range(n: usize, column: usize, width: usize) -> (usize, usize) {
    let start = column.saturating_sub(1).min(n);
    let shown = width.clamp(1, MAX_CARETS);
    let from = start.saturating_sub(30);
    let to = (start + shown + 30).max(from + WINDOW).min(n);
    (from, to)
}

fn window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let width = width.max(1);
    if chars.len() <= WINDOW {
        return (line.to_string(), start, width);
    }
    let shown = width.min(MAX_CARETS);
    let (from, to) = window_range(chars.len(), column, width);
    let mut text = String::new();
    if from > 0 {
        text.push_str("...");
    }
    text.extend(&chars[from..to]);
    if to < chars.len() {
        text.push_str("...");
    }
    let before = start - from + if from > 0 { 3 } else { 0 };
    (text, before, shown)
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Text from a file or a user, made safe to print to a terminal: C0 and
/// C1 control characters (ESC, BEL, the OSC and CSI introducers, NUL...),
/// DEL and the bidirectional overrides are shown as visible escapes
/// (`␛`, `␇`, `<U+009B>`, `<U+202E>`), so an article line cannot retitle the
/// window, move the cursor or reorder what is shown. A line feed is shown
/// too (`␊`): a message is one line, and a link target that decoded to
/// `\n::error file=book.toml::Build OK` would otherwise print a line of
/// its own, which CI services such as GitHub Actions read as a command of
/// theirs (a fake annotation on a pull request). Tab stays.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !hidden(c) => out.push(c),
            // The Control Pictures block: U+2400 + the code, DEL is U+2421.
            '\0'..='\u{1F}' => out.extend(char::from_u32(0x2400 + c as u32)),
            '\u{7F}' => out.push('\u{2421}'),
            c => {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Set when standard output or standard error could not be written (a
/// closed pipe, `tolk check | head`, or a full disk): later output is
/// dropped, and the command still ends with its own exit code.
static STDOUT_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static STDERR_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn write_line(gone: &std::sync::atomic::AtomicBool, mut w: impl std::io::Write, text: &str) {
    use std::sync::atomic::Ordering;
    if gone.load(Ordering::Relaxed) {
        return;
    }
    if writeln!(w, "{text}").and_then(|()| w.flush()).is_err() {
        gone.store(true, Ordering::Relaxed);
    }
}

/// `eprintln!` that never panics: a write error (closed pipe, `/dev/full`)
/// makes this and every later line a no-op instead of a panic (exit 101).
pub fn eprint_line(text: &str) {
    write_line(&STDERR_GONE, std::io::stderr().lock(), text);
}

/// `println!` that never panics, as [`eprint_line`].
pub fn print_line(text: &str) {
    write_line(&STDOUT_GONE, std::io::stdout().lock(), text);
}

/// JSON text with DEL, C1 controls and bidirectional overrides written as
/// `\uXXXX` (serde_json escapes only C0): the same JSON, safe to show in a
/// terminal. Those characters only occur inside JSON strings.
pub fn json_for_terminal(json: String) -> String {
    let hidden = |c: char| {
        ('\u{7F}'..='\u{9F}').contains(&c)
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !json.chars().any(hidden) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// `eprintln!` through [`eprint_line`]: never panics on a closed stderr.
#[macro_export]
macro_rules! say_err {
    ($($t:tt)*) => {
        $crate::diagnostic::eprint_line(&format!($($t)*))
    };
}

/// `println!` through [`print_line`]: never panics on a closed stdout.
#[macro_export]
macro_rules! say_out {
    ($($t:tt)*) => {
        $crate::diagnostic::print_line(&format!($($t)*))
    };
}

/// Prints diagnostics to stderr, in colour when stderr is a terminal and
/// `NO_COLOR` is not set.
pub fn eprint_all(diagnostics: &[Diagnostic]) {
    use rayon::prelude::*;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Rendered on all cores, a thousand at a time, printed in order: the
    // corpus's 1,108 took a twentieth of its build on one core, after
    // everything else.
    for chunk in diagnostics.chunks(1024) {
        let rendered: Vec<String> = chunk.par_iter().map(|d| d.render(color)).collect();
        for text in &rendered {
            eprint_line(text);
        }
    }
}

/// `n` and the noun in its English number: `1 warning`, `0 warnings`,
/// `2 errors` (`noun` is the singular; the plural adds `s`).
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `2 errors, 1 warning, 25 notes`: the one count of diagnostics that
/// `tolk build`, `tolk check` and `tolk serve` print, so that the same
/// site shows the same numbers whichever command looked at it.
pub fn tally(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = count(diagnostics);
    let notes = diagnostics.len() - errors - warnings;
    format!(
        "{}, {}, {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(notes, "note")
    )
}

/// Counts of errors and warnings, for one-line summaries (notes are not
/// counted).
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_sorted_and_every_literal_code_in_the_sources_is_listed() {
        assert!(super::CODES.windows(2).all(|w| w[0] < w[1]));
        // Each string literal handed to a constructor, and every
        // `checklist-`/`segment-` literal, outside test modules.
        let mut missing = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in walkdir::WalkDir::new(src).into_iter().flatten() {
            if entry.path().extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let mut literals = Vec::new();
            for call in [
                "Diagnostic::error(",
                "Diagnostic::warning(",
                "Diagnostic::note(",
            ] {
                for (at, _) in text.match_indices(call) {
                    // Every literal of the first argument, up to its comma
                    // (`if looped { "redirect-loop" } else { ... }` too).
                    let rest = &text[at + call.len()..];
                    let mut depth = 0i32;
                    let end = rest
                        .char_indices()
                        .find(|&(_, c)| {
                            match c {
                                '(' | '{' | '[' => depth += 1,
                                ')' | '}' | ']' => depth -= 1,
                                _ => {}
                            }
                            depth < 0 || (depth == 0 && c == ',')
                        })
                        .map_or(rest.len(), |(i, _)| i);
                    literals.extend(rest[..end].split('"').skip(1).step_by(2));
                }
            }
            // Whole literals, not class names inside HTML strings (`\"`).
            for prefix in ["\"checklist-", "\"segment-"] {
                for (at, _) in text.match_indices(prefix) {
                    let lit = text[at + 1..].split('"').next().unwrap_or_default();
                    let whole = !text[..at].ends_with('\\')
                        && lit.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
                    let html = ["html.rs", "js.rs", "sanitize.rs"]
                        .iter()
                        .any(|f| entry.path().ends_with(f));
                    if whole && !html {
                        literals.push(lit);
                    }
                }
            }
            for lit in literals {
                if super::known_code(lit).is_none() {
                    missing.push(format!("{}: {lit}", entry.path().display()));
                }
            }
        }
        assert!(missing.is_empty(), "codes missing from CODES: {missing:?}");
        // The list a writer reads is this one.
        let ci = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md");
        let ci = std::fs::read_to_string(ci).unwrap_or_default();
        let undocumented: Vec<&&str> = super::CODES
            .iter()
            .filter(|c| !ci.contains(&format!("`{c}`")))
            .collect();
        assert!(
            undocumented.is_empty(),
            "not in docs/ci.md: {undocumented:?}"
        );
    }

    #[test]
    fn counts_read_in_english_number() {
        assert_eq!(super::plural(0, "warning"), "0 warnings");
        assert_eq!(super::plural(1, "warning"), "1 warning");
        assert_eq!(super::plural(2, "error"), "2 errors");
    }

    use super::*;

    /// A location keeps only the shown part of a long line, and shows it
    /// exactly as the whole line was shown: every column and width on
    /// lines around the window's size, with wide characters and tabs.
    #[test]
    fn a_clipped_line_shows_as_the_whole_line_did() {
        for n in [10, WINDOW - 1, WINDOW, WINDOW + 1, 300, 2000] {
            let line: String = (0..n)
                .map(|i| match i % 7 {
                    0 => 'é',
                    3 => '\t',
                    _ => char::from(b'a' + (i % 26) as u8),
                })
                .collect();
            let src = format!("voor\n{line}\nna\n");
            let at = src.find('\n').unwrap() + 1;
            for column in (1..=n + 2).step_by(7) {
                for width in [1, 5, 59, 60, 61, 400] {
                    let offset = at
                        + line
                            .chars()
                            .take(column - 1)
                            .map(char::len_utf8)
                            .sum::<usize>();
                    let len = line
                        .chars()
                        .skip(column - 1)
                        .take(width)
                        .map(char::len_utf8)
                        .sum::<usize>();
                    let clipped = Location::from_offset("f.md", &src, offset, len);
                    assert!(clipped.source_line.chars().count() <= WINDOW + 60 + 30);
                    let whole = Location {
                        source_line: line.clone(),
                        line_from: 0,
                        line_cut_end: false,
                        ..clipped.clone()
                    };
                    let d = |l: Location| Diagnostic::error("broken-link", "x").at(l).render(false);
                    assert_eq!(d(clipped), d(whole), "n {n} column {column} width {width}");
                }
            }
            let by_col = Location::from_line_col("f.md", &src, 2, n / 2 + 1, 3);
            let whole = Location {
                source_line: line.clone(),
                line_from: 0,
                line_cut_end: false,
                ..by_col.clone()
            };
            let d = |l: Location| Diagnostic::error("broken-link", "x").at(l).render(false);
            assert_eq!(d(by_col), d(whole), "n {n}");
        }
    }

    #[test]
    fn location_counts_lines_and_characters() {
        let src = "a: 1\nbé: \"x\ny\n";
        let loc = Location::from_offset("f.md", src, src.find('"').unwrap(), 1);
        assert_eq!((loc.line, loc.column), (2, 5));
        assert_eq!(loc.source_line, "bé: \"x");
    }

    #[test]
    fn location_clamps_offsets_past_the_end_and_inside_characters() {
        let src = "é";
        let loc = Location::from_offset("f", src, 1, 10);
        assert_eq!((loc.line, loc.column), (1, 1));
        let loc = Location::from_offset("f", src, 99, 1);
        assert_eq!(loc.column, 2);
    }

    #[test]
    fn a_long_source_line_is_shown_around_its_column() {
        // An alias bomb's line: 20,000 `*a` (80 KB).
        let line = format!("list: [{}]", vec!["*a"; 20_000].join(", "));
        let at = 40_000;
        let src = format!("{line}\n");
        let d =
            Diagnostic::error("yaml-alias", "x").at(Location::from_offset("f.yml", &src, at, 2));
        let text = d.render(false);
        assert!(text.len() < 1_000, "{} bytes", text.len());
        let lines: Vec<&str> = text.lines().collect();
        let shown = lines.iter().find(|l| l.starts_with("1 |")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        assert!(shown.contains("...") && shown.ends_with("..."));
        // The caret stands under the character it points at.
        let col = caret.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown.chars().nth(col), line[at..].chars().next());
        // Short lines are shown whole.
        let d = Diagnostic::error("x", "y").at(Location::from_offset("f", "ab: c\n", 4, 1));
        assert!(d.render(false).contains("1 | ab: c\n"));
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_span() {
        let line = format!("{}[link](x.md){}", "a".repeat(2000), "b".repeat(280));
        let src = format!("intro\n{line}\n");
        let d = Diagnostic::error("broken-link", "x").at(Location::from_offset(
            "a.md",
            &src,
            6 + 2000,
            12,
        ));
        let text = d.render(false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() < 200), "{text}");
        let shown = lines[3];
        let caret = lines[4];
        assert!(
            shown.contains("...") && shown.contains("[link](x.md)"),
            "{text}"
        );
        // The carets stand under the link.
        let at = shown.find("[link]").unwrap();
        assert_eq!(&caret[at..at + 12], "^^^^^^^^^^^^", "{text}");
        // A span longer than the window is underlined up to a limit.
        let d = Diagnostic::error("x", "y").at(Location::from_offset("a.md", &src, 6, 2290));
        let text = d.render(false);
        assert_eq!(text.matches('^').count(), MAX_CARETS, "{text}");
    }

    #[test]
    fn renders_like_rustc() {
        let src = "---\ntitle: \"x\n---\n";
        let d = Diagnostic::error("yaml", "unterminated string")
            .at(Location::from_offset("content/a.md", src, 11, 1))
            .with_label("starts here")
            .with_hint("close the quote");
        let text = d.render(false);
        assert_eq!(
            text,
            "error[yaml]: unterminated string\n --> content/a.md:2:8\n  |\n2 | title: \"x\n  |        ^ starts here\n  = help: close the quote\n"
        );
    }
}
