//! Bilingual segments: the sentence pairs that a localized article carries.
//!
//! A localized source (`ms.contentlocale: nl-NL`) wraps each translated
//! sentence in a pair of spans:
//!
//! ```text
//! <span data-ttu-id="ID">Dutch markdown</span><span class="sxs-lookup"><span data-stu-id="ID">English markdown</span></span>
//! ```
//!
//! [`split`] scans the Markdown source *before* pulldown-cmark sees it and
//! yields one Markdown text per language plus the list of segments. It is a
//! small hand-written scanner rather than a regex because the halves hold
//! Markdown of their own (emphasis, links, code spans, escapes, nested spans)
//! and because every bad input must become a diagnostic at a precise line and
//! column without losing text, which needs a scanner that knows where it is.
//!
//! What the scanner knows about Markdown, and why:
//!
//! - fenced code blocks (```` ``` ```` and `~~~`, also indented or inside a
//!   blockquote) are skipped and left byte-identical: a segment shown as an
//!   example in a code block is text, not a segment;
//! - code spans and backslash escapes are skipped, for the same reason, both
//!   outside and inside halves (so `` `</span>` `` inside a half does not
//!   close it);
//! - HTML comments are skipped;
//! - a half cannot cross a blank line (Markdown inline HTML cannot leave its
//!   paragraph), so an unclosed span is found at the end of its paragraph and
//!   not at the end of the file;
//! - table rows (the header line above a delimiter row and the lines after it
//!   up to a blank line) are known, so that an unescaped `|` inside a half,
//!   which would split the segment across two cells, is an error.
//!
//! Indented code blocks are *not* recognised: in these articles four spaces of
//! indentation almost always mean a nested list item that holds segments.
//!
//! ## The two texts
//!
//! - `nl.text` is the source with each segment replaced by
//!   `<tolk-seg n="K">` + the Dutch markdown + `</tolk-seg>`, where `K` is the
//!   segment's index in [`Split::segments`]. The Markdown stage turns that
//!   inline tag into the Dutch text with its English original on hover and
//!   focus. Every segment gets a marker, also one without an English half
//!   (its `en` is `None`), so `K` always indexes `segments`.
//! - `en.text` is the source with each segment replaced by its English
//!   markdown (the Dutch markdown when there is no English half).
//!
//! Everything outside segments is copied byte for byte, and [`Side::to_source`]
//! maps any offset of either text back to the source, so later stages can
//! report their own diagnostics at the right line.
//!
//! ## Bad input
//!
//! Nothing panics and no text is lost. Each problem is a [`Diagnostic`] with a
//! stable code:
//!
//! | code | severity | what happens to the text |
//! |---|---|---|
//! | `segment-id-mismatch` | warning | both halves kept, paired by position |
//! | `segment-missing-english` | warning | the Dutch half is used on both sides |
//! | `segment-unclosed` | error | the unclosed opening tag is kept raw on both sides |
//! | `segment-stray-english` | warning | its English text is kept on both sides |
//! | `segment-split-table-cell` | error | the segment is kept as written |
//!
//! An id mismatch is a warning, not an error: the text of both halves is
//! complete and the reader sees them paired by position, which is what the
//! translation tool meant in every case seen so far; an error would stop a
//! whole build over an id typo. A site can raise it to an error by code.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Location};

/// One bilingual segment of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The id of the Dutch half (`data-ttu-id`).
    pub id: String,
    /// The Markdown inside the Dutch half, as written.
    pub nl: String,
    /// The Markdown inside the English half, as written; `None` when the
    /// Dutch half has no English partner.
    pub en: Option<String>,
    /// Byte offset of the segment's first `<span` in the source.
    pub offset: usize,
    /// Byte length of the whole segment in the source, both halves included.
    pub len: usize,
}

/// One run of a side's text: from `side` on, the text came from `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    side: usize,
    source: usize,
    /// Copied text maps byte for byte; inserted text (the `<tolk-seg>`
    /// markers) maps to one source offset.
    exact: bool,
}

/// Where the bytes of a side's text came from. Kept as sorted runs, one per
/// copied or inserted piece, so a lookup is a binary search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SourceMap {
    runs: Vec<Run>,
    source_len: usize,
}

/// The Markdown of one language, with a map back to the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub text: String,
    map: SourceMap,
}

impl Side {
    /// Maps a byte offset in `text` to the byte offset in the source that it
    /// came from. Copied text (everything outside segments, and the Markdown
    /// of the halves) maps exactly; an offset inside a `<tolk-seg>` marker maps
    /// to the segment's start (opening marker) or the end of its Dutch half
    /// (closing marker). Offsets past the end map to the end of the source.
    pub fn to_source(&self, offset: usize) -> usize {
        let runs = &self.map.runs;
        let i = runs.partition_point(|r| r.side <= offset);
        if i == 0 {
            return offset.min(self.map.source_len);
        }
        let run = runs[i - 1];
        let mapped = if run.exact {
            run.source.saturating_add(offset - run.side)
        } else {
            run.source
        };
        mapped.min(self.map.source_len)
    }
}

/// The result of [`split`]: one text per language, the segments, and what
/// was wrong with them.
#[derive(Debug, Clone)]
pub struct Split {
    pub nl: Side,
    pub en: Side,
    pub segments: Vec<Segment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits a localized Markdown source into its Dutch and English texts.
/// `file` is the path shown in diagnostics.
pub fn split(source: &str, file: &Path) -> Split {
    // Every segment, and every stray half the scanner reports, starts with
    // a `<span` tag. Most articles of a site without bilingual text have
    // none, and then both sides are the source itself: the scan (which
    // first finds every code fence and table) would copy it piece by piece
    // to the same result.
    if !has_span_tag(source) {
        let side = || {
            let mut b = SideBuilder::new(source.len());
            b.copy(source, 0, source.len());
            b.finish(source.len())
        };
        return Split {
            nl: side(),
            en: side(),
            segments: Vec::new(),
            diagnostics: Vec::new(),
        };
    }
    let mut scanner = Scanner::new(source, file);
    scanner.run();
    scanner.finish()
}

/// Where the `<span ...>` tag at `pos` ends (just past its `>`), as the
/// scanner reads tags; `None` when the scanner takes it for text. For the
/// fuzz harness, whose check is about the text around tags.
#[doc(hidden)]
pub fn span_tag_end(src: &str, pos: usize) -> Option<usize> {
    Scanner::new(src, Path::new(""))
        .span_tag(pos)
        .map(|t| t.end)
}

/// Does `source` hold `<span` in any case (HTML tag names are not case
/// sensitive, and neither is [`Scanner::span_tag`])?
fn has_span_tag(source: &str) -> bool {
    let b = source.as_bytes();
    let mut at = 0;
    while let Some(i) = b[at..].iter().position(|&c| c == b'<') {
        let tag = at + i;
        if b.len() >= tag + 5 && b[tag + 1..tag + 5].eq_ignore_ascii_case(b"span") {
            return true;
        }
        at = tag + 1;
    }
    false
}

/// Builds one side's text and its source map together.
struct SideBuilder {
    text: String,
    runs: Vec<Run>,
}

impl SideBuilder {
    fn new(capacity: usize) -> Self {
        SideBuilder {
            text: String::with_capacity(capacity),
            runs: Vec::new(),
        }
    }

    /// Copies `source[start..end]`, mapped byte for byte.
    fn copy(&mut self, source: &str, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let side = self.text.len();
        let continues = self
            .runs
            .last()
            .is_some_and(|r| r.exact && r.source + (side - r.side) == start);
        if !continues {
            self.runs.push(Run {
                side,
                source: start,
                exact: true,
            });
        }
        self.text.push_str(&source[start..end]);
    }

    /// Inserts text that has no source of its own; it maps to `source_at`.
    fn insert(&mut self, text: &str, source_at: usize) {
        if text.is_empty() {
            return;
        }
        self.runs.push(Run {
            side: self.text.len(),
            source: source_at,
            exact: false,
        });
        self.text.push_str(text);
    }

    fn finish(self, source_len: usize) -> Side {
        Side {
            text: self.text,
            map: SourceMap {
                runs: self.runs,
                source_len,
            },
        }
    }
}

/// Sorted, disjoint byte ranges of the source.
type Ranges = Vec<(usize, usize)>;

/// The kind of a `<span ...>` opening tag, by its attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SpanKind {
    /// `<span data-ttu-id="ID">`: a Dutch half.
    Dutch(String),
    /// `<span class="sxs-lookup">`: the wrapper of an English half.
    Lookup,
    /// `<span data-stu-id="ID">`: an English half inside its wrapper.
    English(String),
    /// Any other span.
    Other,
}

/// A parsed `<span ...>` opening tag.
#[derive(Debug, Clone)]
struct SpanTag {
    kind: SpanKind,
    /// Offset just past the `>`.
    end: usize,
}

/// Where a half's content ends.
enum Close {
    /// Content ends at `content_end`; the closing `</span>` ends at `end`.
    Found { content_end: usize, end: usize },
    /// No closing tag in this paragraph. `at` is where the search stopped;
    /// `before_lookup` is set when it stopped at an English wrapper, which
    /// means the Dutch half just lacks its `</span>`; `nested` when it
    /// stopped at another segment's opening tag, which ends `at`.
    Unclosed {
        at: usize,
        before_lookup: bool,
        nested: Option<usize>,
    },
}

/// A whole English half.
struct English {
    /// The `data-stu-id` and the offset of its tag; `None` when the wrapper
    /// holds the text directly.
    id: Option<(String, usize)>,
    /// The Markdown inside, as a source range.
    content: (usize, usize),
    /// Just past the wrapper's `</span>`.
    end: usize,
}

struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    file: &'a Path,
    /// Byte ranges of fenced code blocks, sorted.
    fences: Ranges,
    /// Byte ranges of table rows, sorted.
    tables: Ranges,
    nl: SideBuilder,
    en: SideBuilder,
    /// Source up to here is already on both sides.
    copied: usize,
    segments: Vec<Segment>,
    diagnostics: Vec<Diagnostic>,
    /// An English wrapper at this offset already has its diagnostic (the
    /// unclosed Dutch half before it), so it is not reported as stray too.
    quiet_lookup: Option<usize>,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str, file: &'a Path) -> Self {
        let (fences, tables) = block_ranges(src);
        Scanner {
            src,
            bytes: src.as_bytes(),
            file,
            fences,
            tables,
            nl: SideBuilder::new(src.len() + src.len() / 8),
            en: SideBuilder::new(src.len()),
            copied: 0,
            segments: Vec::new(),
            diagnostics: Vec::new(),
            quiet_lookup: None,
        }
    }

    fn finish(mut self) -> Split {
        let len = self.src.len();
        self.nl.copy(self.src, self.copied, len);
        self.en.copy(self.src, self.copied, len);
        Split {
            nl: self.nl.finish(len),
            en: self.en.finish(len),
            segments: self.segments,
            diagnostics: self.diagnostics,
        }
    }

    fn location(&self, offset: usize, len: usize) -> Location {
        Location::from_offset(self.file, self.src, offset, len)
    }

    /// The first fenced block that ends after `pos`.
    fn next_fence(&self, pos: usize) -> Option<(usize, usize)> {
        let i = self.fences.partition_point(|&(_, end)| end <= pos);
        self.fences.get(i).copied()
    }

    fn run(&mut self) {
        let len = self.bytes.len();
        let mut pos = 0;
        while pos < len {
            let limit = match self.next_fence(pos) {
                Some((start, end)) if start <= pos => {
                    pos = end;
                    continue;
                }
                Some((start, _)) => start,
                None => len,
            };
            let Some(found) = self.bytes[pos..limit]
                .iter()
                .position(|&b| matches!(b, b'<' | b'`' | b'\\'))
            else {
                pos = limit;
                continue;
            };
            pos += found;
            pos = match self.bytes[pos] {
                b'\\' => pos + self.escape_len(pos),
                b'`' => self.skip_code_span(pos, limit),
                _ => self.at_angle(pos, limit),
            };
        }
    }

    /// Handles a `<` outside any segment; returns where to go on.
    fn at_angle(&mut self, pos: usize, limit: usize) -> usize {
        if self.src[pos..].starts_with("<!--") {
            return match self.src[pos + 4..].find("-->") {
                Some(i) => pos + 4 + i + 3,
                None => self.bytes.len(),
            };
        }
        match self.span_tag(pos) {
            Some(SpanTag {
                kind: SpanKind::Dutch(id),
                end,
            }) => self.segment(pos, id, end, limit),
            Some(SpanTag {
                kind: SpanKind::Lookup,
                end,
            }) => self.stray_lookup(pos, end, limit),
            _ => pos + 1,
        }
    }

    /// Skips a code span that starts at `pos` (a run of backticks); an
    /// unmatched run is literal text and only the run is skipped.
    fn skip_code_span(&self, pos: usize, limit: usize) -> usize {
        let run = self.backtick_run(pos, limit);
        let mut i = pos + run;
        while i < limit {
            match self.bytes[i] {
                b'`' => {
                    let n = self.backtick_run(i, limit);
                    if n == run {
                        return i + n;
                    }
                    i += n;
                }
                b'\n' if self.blank_line_after(i) => break,
                _ => i += 1,
            }
        }
        pos + run
    }

    /// A backslash escapes the ASCII punctuation after it (CommonMark);
    /// before anything else it is a plain character.
    fn escape_len(&self, i: usize) -> usize {
        if self.bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
            2
        } else {
            1
        }
    }

    fn backtick_run(&self, pos: usize, limit: usize) -> usize {
        self.bytes[pos..limit]
            .iter()
            .take_while(|&&b| b == b'`')
            .count()
    }

    /// Whether the line after the line break at `nl` is blank (only
    /// whitespace and blockquote markers), i.e. ends the paragraph.
    fn blank_line_after(&self, nl: usize) -> bool {
        self.bytes[nl + 1..]
            .iter()
            .take_while(|&&b| b != b'\n')
            .all(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'>'))
    }

    /// Parses a `<span ...>` opening tag at `pos`. Attribute values may be
    /// quoted with `"` or `'` or unquoted; anything that is not a well-formed
    /// opening tag is `None` and stays text.
    fn span_tag(&self, pos: usize) -> Option<SpanTag> {
        let b = self.bytes;
        let rest = b.get(pos..)?;
        if rest.len() < 6 || !rest[..5].eq_ignore_ascii_case(b"<span") {
            return None;
        }
        let mut i = pos + 5;
        if !matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r' | b'>')) {
            return None;
        }
        let (mut ttu, mut stu, mut lookup) = (None, None, false);
        loop {
            while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                i += 1;
            }
            match b.get(i)? {
                b'>' => break,
                b'/' if b.get(i + 1) == Some(&b'>') => return None,
                _ => {}
            }
            let name_start = i;
            while matches!(b.get(i), Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
            {
                i += 1;
            }
            if i == name_start {
                return None;
            }
            let name = &self.src[name_start..i];
            let mut value = "";
            if b.get(i) == Some(&b'=') {
                i += 1;
                match b.get(i)? {
                    &q @ (b'"' | b'\'') => {
                        let start = i + 1;
                        let close = b[start..].iter().position(|&c| c == q)?;
                        value = &self.src[start..start + close];
                        i = start + close + 1;
                    }
                    _ => {
                        let start = i;
                        while matches!(b.get(i), Some(c) if !c.is_ascii_whitespace() && !matches!(c, b'>' | b'"' | b'\'' | b'=' | b'<' | b'`'))
                        {
                            i += 1;
                        }
                        if i == start {
                            return None;
                        }
                        value = &self.src[start..i];
                    }
                }
            }
            if name.eq_ignore_ascii_case("data-ttu-id") {
                ttu = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("data-stu-id") {
                stu = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("class") {
                lookup |= value.split_ascii_whitespace().any(|c| c == "sxs-lookup");
            }
        }
        let kind = match (ttu, stu, lookup) {
            (Some(id), _, _) => SpanKind::Dutch(id),
            (None, _, true) => SpanKind::Lookup,
            (None, Some(id), false) => SpanKind::English(id),
            (None, None, false) => SpanKind::Other,
        };
        Some(SpanTag { kind, end: i + 1 })
    }

    /// Finds the `</span>` that closes a half whose content starts at
    /// `start`, counting nested spans and skipping code spans and escapes.
    /// The search stops at the end of the paragraph, at `limit` (the next
    /// fenced block), and at the start of another segment half, which is
    /// never nested and so means a missing `</span>`. `dutch` says whether
    /// this is a Dutch half, where an English wrapper means just that.
    fn find_close(&self, start: usize, limit: usize, dutch: bool) -> Close {
        let b = self.bytes;
        let mut depth = 1usize;
        let mut i = start;
        while i < limit {
            match b[i] {
                b'\\' => i += self.escape_len(i),
                b'`' => i = self.skip_code_span(i, limit),
                b'\n' if self.blank_line_after(i) => break,
                b'<' => {
                    if b[i..].len() >= 7 && b[i..i + 7].eq_ignore_ascii_case(b"</span>") {
                        depth -= 1;
                        if depth == 0 {
                            return Close::Found {
                                content_end: i,
                                end: i + 7,
                            };
                        }
                        i += 7;
                    } else if let Some(tag) = self.span_tag(i) {
                        match tag.kind {
                            SpanKind::Dutch(_) => {
                                return Close::Unclosed {
                                    at: i,
                                    before_lookup: false,
                                    nested: Some(tag.end),
                                }
                            }
                            SpanKind::Lookup => {
                                return Close::Unclosed {
                                    at: i,
                                    before_lookup: dutch,
                                    nested: None,
                                }
                            }
                            _ => {}
                        }
                        depth += 1;
                        i = tag.end;
                    } else {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        Close::Unclosed {
            at: i.min(limit),
            before_lookup: false,
            nested: None,
        }
    }

    /// Skips the whitespace that may stand between two halves: spaces and
    /// tabs, and at most one line break (not a blank line), after which the
    /// blockquote markers of a callout's next line are skipped too.
    fn skip_gap(&self, mut i: usize, limit: usize) -> usize {
        let b = self.bytes;
        let mut broke = false;
        while i < limit {
            match b[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'>' if broke => i += 1,
                b'\n' if !broke => {
                    broke = true;
                    i += 1;
                }
                _ => break,
            }
        }
        i
    }

    /// Skips plain whitespace (inside an English wrapper).
    fn skip_space(&self, mut i: usize, limit: usize) -> usize {
        while i < limit && matches!(self.bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        i
    }

    /// Parses an English wrapper whose opening tag spans `start..open_end`.
    /// `Err((tag_start, tag_end))` names the span that is not closed.
    fn english(
        &self,
        start: usize,
        open_end: usize,
        limit: usize,
    ) -> Result<English, (usize, usize)> {
        let inner = self.skip_space(open_end, limit);
        if let Some(SpanTag {
            kind: SpanKind::English(id),
            end: inner_end,
        }) = self.span_tag(inner)
        {
            let Close::Found {
                content_end,
                end: close,
            } = self.find_close(inner_end, limit, false)
            else {
                return Err((inner, inner_end));
            };
            let after = self.skip_space(close, limit);
            if self.bytes[after..].len() >= 7
                && self.bytes[after..after + 7].eq_ignore_ascii_case(b"</span>")
            {
                return Ok(English {
                    id: Some((id, inner)),
                    content: (inner_end, content_end),
                    end: after + 7,
                });
            }
            return Err((start, open_end));
        }
        match self.find_close(open_end, limit, false) {
            Close::Found { content_end, end } => Ok(English {
                id: None,
                content: (open_end, content_end),
                end,
            }),
            Close::Unclosed { .. } => Err((start, open_end)),
        }
    }

    /// Copies the source between the last segment and `upto` to both sides.
    fn copy_gap(&mut self, upto: usize) {
        self.nl.copy(self.src, self.copied, upto);
        self.en.copy(self.src, self.copied, upto);
        self.copied = upto;
    }

    fn unclosed(&mut self, tag_start: usize, tag_end: usize, what: &str, hint: &str) {
        let d = Diagnostic::error(
            "segment-unclosed",
            format!(
                "unclosed {what} `{}`: no matching `</span>` in its paragraph",
                &self.src[tag_start..tag_end]
            ),
        )
        .at(self.location(tag_start, tag_end - tag_start))
        .with_label("opened here")
        .with_hint(hint.to_string());
        self.diagnostics.push(d);
    }

    /// Handles a segment whose Dutch opening tag spans `start..open_end`;
    /// returns where scanning goes on.
    fn segment(&mut self, start: usize, id: String, open_end: usize, limit: usize) -> usize {
        let (nl_end, close_end) = match self.find_close(open_end, limit, true) {
            Close::Found { content_end, end } => (content_end, end),
            Close::Unclosed {
                at,
                nested: Some(inner_end),
                ..
            } => {
                // Segments never nest: the first lacks its `</span>`, or
                // the second should stand after it. Either way, say that
                // the second was met, not only that no `</span>` was.
                let (line, column) = {
                    let l = self.location(at, inner_end - at);
                    (l.line, l.column)
                };
                let d = Diagnostic::error(
                    "segment-unclosed",
                    format!(
                        "the Dutch half `{}` holds another segment, `{}` (line {line}, column {column}): segments do not nest, so the first is taken as unclosed",
                        &self.src[start..open_end],
                        &self.src[at..inner_end]
                    ),
                )
                .at(self.location(start, open_end - start))
                .with_label("opened here")
                .with_hint("close the first with `</span>` (and its English half) before the second opens; until then the raw text is kept on both pages".to_string());
                self.diagnostics.push(d);
                return open_end;
            }
            Close::Unclosed {
                at, before_lookup, ..
            } => {
                let hint = if before_lookup {
                    self.quiet_lookup = Some(at);
                    "add `</span>` at the end of the Dutch text, before `<span class=\"sxs-lookup\">`; until then the raw text is kept on both pages"
                } else {
                    "add the missing `</span>`; until then the raw text is kept on both pages"
                };
                self.unclosed(start, open_end, "Dutch half", hint);
                return open_end;
            }
        };
        let gap_end = self.skip_gap(close_end, limit);
        let english = match self.span_tag(gap_end) {
            Some(SpanTag {
                kind: SpanKind::Lookup,
                end,
            }) => match self.english(gap_end, end, limit) {
                Ok(found) => Some(found),
                Err((tag_start, tag_end)) => {
                    // The Dutch half is whole: keep it as a segment without
                    // English, and the unclosed English markup raw after it.
                    self.unclosed(
                        tag_start,
                        tag_end,
                        "English half",
                        "add the missing `</span>`; until then the English markup is kept raw on both pages",
                    );
                    self.emit(start, close_end, id, (open_end, nl_end), None);
                    return tag_end;
                }
            },
            _ => None,
        };
        let Some(English {
            id: en_id,
            content: (en_start, en_end),
            end: seg_end,
        }) = english
        else {
            let hint = format!(
                "add `<span class=\"sxs-lookup\"><span data-stu-id=\"{id}\">English text</span></span>` right after it; until then the Dutch text is used on the English page"
            );
            self.diagnostics.push(
                Diagnostic::warning(
                    "segment-missing-english",
                    format!("the Dutch half `{id}` has no English half"),
                )
                .at(self.location(start, open_end - start))
                .with_label("Dutch half without English")
                .with_hint(hint),
            );
            self.check_table_cell(&id, open_end, nl_end, "Dutch");
            self.emit(start, close_end, id, (open_end, nl_end), None);
            return close_end;
        };
        match en_id {
            Some((en_id, at)) if en_id != id => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "segment-id-mismatch",
                        format!("segment ids differ: the Dutch half is `{id}`, the English half `{en_id}`"),
                    )
                    .at(self.location(at, en_start - at))
                    .with_label(format!("expected data-stu-id=\"{id}\""))
                    .with_hint("give `data-ttu-id` and `data-stu-id` the same id; both halves are kept, paired by position"),
                );
            }
            Some(_) => {}
            None => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "segment-id-mismatch",
                        format!("the English half of segment `{id}` has no `data-stu-id`"),
                    )
                    .at(self.location(gap_end, en_start - gap_end))
                    .with_hint(format!(
                        "wrap the English text in `<span data-stu-id=\"{id}\">…</span>`; both halves are kept, paired by position"
                    )),
                );
            }
        }
        self.check_table_cell(&id, open_end, nl_end, "Dutch");
        self.check_table_cell(&id, en_start, en_end, "English");
        self.emit(
            start,
            seg_end,
            id,
            (open_end, nl_end),
            Some((en_start, en_end)),
        );
        seg_end
    }

    /// Puts a segment on both sides.
    fn emit(
        &mut self,
        start: usize,
        end: usize,
        id: String,
        nl: (usize, usize),
        en: Option<(usize, usize)>,
    ) {
        self.copy_gap(start);
        let n = self.segments.len();
        self.nl.insert(&format!("<tolk-seg n=\"{n}\">"), start);
        self.nl.copy(self.src, nl.0, nl.1);
        self.nl.insert("</tolk-seg>", nl.1);
        let (en_start, en_end) = en.unwrap_or(nl);
        self.en.copy(self.src, en_start, en_end);
        self.copied = end;
        self.segments.push(Segment {
            id,
            nl: self.src[nl.0..nl.1].to_string(),
            en: en.map(|(s, e)| self.src[s..e].to_string()),
            offset: start,
            len: end - start,
        });
    }

    /// Handles an English wrapper that follows no Dutch half.
    fn stray_lookup(&mut self, start: usize, open_end: usize, limit: usize) -> usize {
        let quiet = self.quiet_lookup == Some(start);
        match self.english(start, open_end, limit) {
            Ok(English {
                id,
                content: (content_start, content_end),
                end,
            }) => {
                if !quiet {
                    let name = id.as_ref().map_or("", |(id, _)| id.as_str());
                    let hint = format!(
                        "add `<span data-ttu-id=\"{name}\">Dutch text</span>` before it, or remove the English half; until then its text is kept on both pages"
                    );
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "segment-stray-english",
                            format!(
                                "an English half{} has no Dutch half before it",
                                if name.is_empty() {
                                    String::new()
                                } else {
                                    format!(" `{name}`")
                                }
                            ),
                        )
                        .at(self.location(start, open_end - start))
                        .with_label("English half without Dutch")
                        .with_hint(hint),
                    );
                }
                self.copy_gap(start);
                self.nl.copy(self.src, content_start, content_end);
                self.en.copy(self.src, content_start, content_end);
                self.copied = end;
                end
            }
            Err((tag_start, tag_end)) => {
                if !quiet {
                    self.unclosed(
                        tag_start,
                        tag_end,
                        "English half",
                        "add the missing `</span>`; until then the raw text is kept on both pages",
                    );
                }
                tag_end
            }
        }
    }

    /// Reports an unescaped `|` inside a half that stands on a table row: the
    /// table would cut the segment in two cells.
    fn check_table_cell(&mut self, id: &str, start: usize, end: usize, half: &str) {
        let i = self.tables.partition_point(|&(_, e)| e <= start);
        if !self.tables.get(i).is_some_and(|&(s, _)| s < end) {
            return;
        }
        let b = self.bytes;
        let mut k = start;
        while k < end {
            match b[k] {
                b'\\' => k += self.escape_len(k),
                b'|' if self.in_table(k) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "segment-split-table-cell",
                            format!("segment `{id}` is split across a table cell border: a `|` inside its {half} half"),
                        )
                        .at(self.location(k, 1))
                        .with_label("this `|` ends the cell")
                        .with_hint("close both halves inside one cell, or write the pipe as `\\|` if it is text"),
                    );
                    return;
                }
                _ => k += 1,
            }
        }
    }

    fn in_table(&self, offset: usize) -> bool {
        let i = self.tables.partition_point(|&(_, e)| e <= offset);
        self.tables.get(i).is_some_and(|&(s, _)| s <= offset)
    }
}

/// A line's content after its indentation and blockquote markers.
fn strip_container(line: &str) -> &str {
    line.trim_start_matches([' ', '\t', '>'])
}

/// A fence opener: the fence character and the length of the run.
fn fence_open(line: &str) -> Option<(u8, usize)> {
    let s = strip_container(line);
    let c = *s.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = s.bytes().take_while(|&b| b == c).count();
    if n < 3 || (c == b'`' && s[n..].contains('`')) {
        return None;
    }
    Some((c, n))
}

fn fence_closes(line: &str, c: u8, n: usize) -> bool {
    let s = strip_container(line);
    let run = s.bytes().take_while(|&b| b == c).count();
    run >= n && s[run..].trim().is_empty()
}

/// A GFM table delimiter row: `| --- | :-: |` (pipes, dashes, colons).
fn is_delimiter_row(line: &str) -> bool {
    let s = strip_container(line).trim_end();
    s.contains('|')
        && s.contains('-')
        && s.bytes()
            .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
}

fn is_blank(line: &str) -> bool {
    strip_container(line).trim().is_empty()
}

/// One pass over the lines: the byte ranges of fenced code blocks and of
/// table rows (a header line above a delimiter row, then the rows up to a
/// blank line or a fence).
fn block_ranges(src: &str) -> (Ranges, Ranges) {
    let mut fences = Vec::new();
    let mut tables: Vec<(usize, usize)> = Vec::new();
    let mut fence: Option<(usize, u8, usize)> = None;
    let mut in_table = false;
    // The previous line, when it could be a table header.
    let mut prev: Option<(usize, bool)> = None;
    let mut start = 0;
    while start < src.len() {
        let end = src[start..].find('\n').map_or(src.len(), |i| start + i + 1);
        let line = src[start..end].trim_end_matches(['\n', '\r']);
        if let Some((fstart, c, n)) = fence {
            if fence_closes(line, c, n) {
                fences.push((fstart, end));
                fence = None;
            }
        } else if let Some((c, n)) = fence_open(line) {
            fence = Some((start, c, n));
            in_table = false;
            prev = None;
        } else if is_blank(line) {
            in_table = false;
            prev = None;
        } else if in_table {
            if let Some(last) = tables.last_mut() {
                last.1 = end;
            }
        } else if is_delimiter_row(line) && prev.is_some_and(|(_, pipe)| pipe) {
            if let Some((pstart, _)) = prev {
                tables.push((pstart, end));
            }
            in_table = true;
        } else {
            prev = Some((start, line.contains('|')));
        }
        start = end;
    }
    if let Some((fstart, _, _)) = fence {
        fences.push((fstart, src.len()));
    }
    (fences, tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(id: &str, nl: &str, en: &str) -> String {
        format!("<span data-ttu-id=\"{id}\">{nl}</span><span class=\"sxs-lookup\"><span data-stu-id=\"{id}\">{en}</span></span>")
    }

    fn run(src: &str) -> Split {
        split(src, Path::new("content/a.md"))
    }

    /// The diagnostics as `code@line:column`.
    fn codes(s: &Split) -> Vec<String> {
        s.diagnostics
            .iter()
            .map(|d| {
                let l = d.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
                format!("{}@{}:{}", d.code, l.0, l.1)
            })
            .collect()
    }

    /// Without a `<span` the fast path must give exactly what the scan
    /// gives: the same two sides, the same source map, nothing reported.
    #[test]
    fn text_without_spans_splits_as_the_scanner_would() {
        let file = Path::new("content/a.md");
        for src in [
            "",
            "# Titel\n\nGewone tekst met `code` en \\<escape>.\n",
            "```html\n<div>code</div>\n```\n\n| a | b |\n|---|---|\n| <b>x</b> | y |\n",
            "<!-- commentaar <spa -->\n<SPA>niet</SPA> </span> <br/> <sp",
            "tekst zonder einde <",
        ] {
            assert!(!has_span_tag(src), "{src}");
            let fast = split(src, file);
            let mut scanner = Scanner::new(src, file);
            scanner.run();
            let slow = scanner.finish();
            assert_eq!(fast.nl, slow.nl, "{src:?}");
            assert_eq!(fast.en, slow.en, "{src:?}");
            assert!(slow.segments.is_empty() && slow.diagnostics.is_empty());
            assert!(fast.segments.is_empty() && fast.diagnostics.is_empty());
        }
        for src in ["<span>", "a <SPAN data-ttu-id=\"1\">", "x<Span\n"] {
            assert!(has_span_tag(src), "{src}");
        }
    }

    #[test]
    fn one_segment_in_a_paragraph() {
        let src = format!(
            "Intro\n\n{}\n",
            seg("a-1", "Hallo **wereld**", "Hello **world**")
        );
        let s = run(&src);
        assert_eq!(s.segments.len(), 1);
        assert_eq!(
            s.nl.text,
            "Intro\n\n<tolk-seg n=\"0\">Hallo **wereld**</tolk-seg>\n"
        );
        assert_eq!(s.en.text, "Intro\n\nHello **world**\n");
        let g = &s.segments[0];
        assert_eq!(
            (g.id.as_str(), g.nl.as_str(), g.en.as_deref()),
            ("a-1", "Hallo **wereld**", Some("Hello **world**"))
        );
        assert_eq!(g.offset, 7);
        assert_eq!(
            &src[g.offset..g.offset + g.len],
            seg("a-1", "Hallo **wereld**", "Hello **world**")
        );
        assert!(s.diagnostics.is_empty());
    }

    #[test]
    fn several_segments_on_one_line_and_a_break_between_halves() {
        let src = format!(
            "{} {}\n<span data-ttu-id=\"c\">Drie</span>\n  <span class=\"sxs-lookup\">\n<span data-stu-id=\"c\">Three</span> </span>\n",
            seg("a", "Een", "One"),
            seg("b", "Twee", "Two")
        );
        let s = run(&src);
        assert_eq!(s.segments.len(), 3, "{:?}", s.diagnostics);
        assert_eq!(s.en.text, "One Two\nThree\n");
        assert_eq!(
            s.nl.text,
            "<tolk-seg n=\"0\">Een</tolk-seg> <tolk-seg n=\"1\">Twee</tolk-seg>\n<tolk-seg n=\"2\">Drie</tolk-seg>\n"
        );
        assert!(s.diagnostics.is_empty());
    }

    #[test]
    fn a_callout_may_break_between_the_halves() {
        let src = "> [!NOTE]\n> <span data-ttu-id=\"n\">Let op</span>\n> <span class=\"sxs-lookup\"><span data-stu-id=\"n\">Note</span></span>\n";
        let s = run(src);
        assert!(s.diagnostics.is_empty(), "{:?}", codes(&s));
        assert_eq!(s.en.text, "> [!NOTE]\n> Note\n");
        assert_eq!(
            s.nl.text,
            "> [!NOTE]\n> <tolk-seg n=\"0\">Let op</tolk-seg>\n"
        );
    }

    #[test]
    fn headings_lists_links_callouts_and_tables() {
        let src = format!(
            "# <a name=\"x\"></a>{}\n\n- {}\n1. {}\n\n[{}](x.md)\n\n>[!NOTE]\n> {}\n\n| {} | {} |\n| --- | --- |\n| {} | {} |\n",
            seg("h", "Kop", "Heading"),
            seg("l", "Punt", "Item"),
            seg("o", "Eerst", "First"),
            seg("k", "Koppeling", "Link"),
            seg("n", "Let op", "Note"),
            seg("t1", "Gebied", "Area"),
            seg("t2", "Actie", "Action"),
            seg("t3", "A \\| B", "A \\| B"),
            seg("t4", "`x`", "`x`"),
        );
        let s = run(&src);
        assert!(s.diagnostics.is_empty(), "{:?}", codes(&s));
        assert_eq!(s.segments.len(), 9);
        assert_eq!(
            s.en.text,
            "# <a name=\"x\"></a>Heading\n\n- Item\n1. First\n\n[Link](x.md)\n\n>[!NOTE]\n> Note\n\n| Area | Action |\n| --- | --- |\n| A \\| B | `x` |\n"
        );
        assert!(s
            .nl
            .text
            .starts_with("# <a name=\"x\"></a><tolk-seg n=\"0\">Kop</tolk-seg>\n"));
        assert!(s
            .nl
            .text
            .contains("[<tolk-seg n=\"3\">Koppeling</tolk-seg>](x.md)"));
    }

    #[test]
    fn inline_markdown_nested_spans_code_and_escapes_inside_halves() {
        let src = seg(
            "a",
            "Kies <span class=\"ui\">**Accepteren**</span> en `</span>` \\<span>",
            "Select <span class=\"ui\">[Accept](a.md)</span> and `</span>`",
        );
        let s = run(&src);
        assert!(s.diagnostics.is_empty(), "{:?}", codes(&s));
        assert_eq!(s.segments.len(), 1);
        assert_eq!(
            s.segments[0].nl,
            "Kies <span class=\"ui\">**Accepteren**</span> en `</span>` \\<span>"
        );
        assert_eq!(
            s.en.text,
            "Select <span class=\"ui\">[Accept](a.md)</span> and `</span>`"
        );
    }

    #[test]
    fn fenced_code_blocks_are_left_alone() {
        let inner = seg("f", "Niet", "Not");
        let src = format!("```html\n{inner}\n```\n\n~~~\n{inner}\n~~~~\n\n  > ```\n  > {inner}\n  > ```\n\n`{inner}`\n\n{}\n", seg("r", "Wel", "Yes"));
        let s = run(&src);
        assert_eq!(s.segments.len(), 1);
        assert_eq!(s.segments[0].id, "r");
        assert_eq!(s.en.text.matches(&inner).count(), 4);
        assert!(s.diagnostics.is_empty());
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let src = format!("```\n{}\n", seg("f", "a", "b"));
        let s = run(&src);
        assert!(s.segments.is_empty());
        assert_eq!(s.nl.text, src);
    }

    #[test]
    fn no_segments_means_identical_texts() {
        let src = "# Title\n\n<span class=\"x\">a</span> `<span data-ttu-id=\"q\">` <!-- <span data-ttu-id=\"c\"> -->\n| a | b |\n|---|---|\n";
        let s = run(src);
        assert_eq!(s.nl.text, src);
        assert_eq!(s.en.text, src);
        assert!(s.segments.is_empty() && s.diagnostics.is_empty());
    }

    #[test]
    fn mismatched_ids_keep_both_halves() {
        let src = "Text\n<span data-ttu-id=\"a-1\">Een</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-2\">One</span></span>\n";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-id-mismatch@2:60"]);
        let d = &s.diagnostics[0];
        assert!(!d.is_error());
        assert_eq!(
            d.message,
            "segment ids differ: the Dutch half is `a-1`, the English half `a-2`"
        );
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("same id")));
        assert_eq!(s.en.text, "Text\nOne\n");
        assert_eq!(s.nl.text, "Text\n<tolk-seg n=\"0\">Een</tolk-seg>\n");
    }

    #[test]
    fn an_english_half_without_stu_id_is_a_mismatch() {
        let src = "<span data-ttu-id=\"a\">Een</span><span class=\"sxs-lookup\">One</span>";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-id-mismatch@1:33"]);
        assert_eq!(s.en.text, "One");
    }

    #[test]
    fn a_dutch_half_without_english_is_kept_on_both_sides() {
        let src = "Intro\n\nAl <span data-ttu-id=\"a-9\">Alleen Nederlands</span> hier.\n";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-missing-english@3:4"]);
        let d = &s.diagnostics[0];
        assert_eq!(d.message, "the Dutch half `a-9` has no English half");
        assert!(!d.is_error());
        assert!(d
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("data-stu-id=\"a-9\"")));
        assert_eq!(s.en.text, "Intro\n\nAl Alleen Nederlands hier.\n");
        assert_eq!(
            s.nl.text,
            "Intro\n\nAl <tolk-seg n=\"0\">Alleen Nederlands</tolk-seg> hier.\n"
        );
        assert_eq!(s.segments[0].en, None);
    }

    /// A segment inside a segment is named as such: the error said "no
    /// matching `</span>` in its paragraph" of a span that had one, which
    /// sent a writer looking for what was not missing.
    #[test]
    fn a_segment_inside_a_segment_is_named_as_such() {
        let src = "<span data-ttu-id=\"1\"><span data-ttu-id=\"2\">x</span></span>";
        let s = run(src);
        let d = &s.diagnostics[0];
        assert_eq!(d.code, "segment-unclosed");
        assert_eq!(
            d.message,
            "the Dutch half `<span data-ttu-id=\"1\">` holds another segment, `<span data-ttu-id=\"2\">` (line 1, column 23): segments do not nest, so the first is taken as unclosed"
        );
        assert!(d
            .hint
            .as_deref()
            .is_some_and(|h| h.starts_with("close the first with `</span>`")));
        assert_eq!(
            d.location.as_ref().map(|l| (l.line, l.column)),
            Some((1, 1))
        );
    }

    #[test]
    fn an_unclosed_dutch_span_is_an_error_and_the_raw_text_stays() {
        let src = "a\n\nb <span data-ttu-id=\"u\">Nooit gesloten\n\nNext paragraph.\n";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-unclosed@3:3"]);
        let d = &s.diagnostics[0];
        assert!(d.is_error());
        assert_eq!(d.message, "unclosed Dutch half `<span data-ttu-id=\"u\">`: no matching `</span>` in its paragraph");
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("`</span>`")));
        assert_eq!(s.nl.text, src);
        assert_eq!(s.en.text, src);
        assert!(s.segments.is_empty());
    }

    #[test]
    fn a_dutch_half_unclosed_before_its_english_half_is_one_error() {
        let src = "<span data-ttu-id=\"u\">Een<span class=\"sxs-lookup\"><span data-stu-id=\"u\">One</span></span> <span data-ttu-id=\"v\">Twee</span><span class=\"sxs-lookup\"><span data-stu-id=\"v\">Two</span></span>";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-unclosed@1:1"]);
        assert!(s.diagnostics[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("before `<span class=\"sxs-lookup\">`")));
        // The scan goes on: the next segment is found, no text is lost.
        assert_eq!(s.segments.len(), 1);
        assert_eq!(s.en.text, "<span data-ttu-id=\"u\">EenOne Two");
        assert!(s.nl.text.starts_with("<span data-ttu-id=\"u\">EenOne "));
    }

    #[test]
    fn an_unclosed_english_half_keeps_the_dutch_segment_and_the_raw_markup() {
        let src = "<span data-ttu-id=\"w\">Een</span><span class=\"sxs-lookup\"><span data-stu-id=\"w\">One\n\nRest\n";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-unclosed@1:58"]);
        assert_eq!(s.segments.len(), 1);
        assert_eq!(s.segments[0].en, None);
        assert_eq!(
            s.en.text,
            "Een<span class=\"sxs-lookup\"><span data-stu-id=\"w\">One\n\nRest\n"
        );
    }

    #[test]
    fn a_stray_english_half_is_kept_with_a_warning() {
        let src = "Zie\n  <span class=\"sxs-lookup\"><span data-stu-id=\"s-1\">Stray text</span></span> end\n";
        let s = run(src);
        assert_eq!(codes(&s), ["segment-stray-english@2:3"]);
        let d = &s.diagnostics[0];
        assert_eq!(
            d.message,
            "an English half `s-1` has no Dutch half before it"
        );
        assert!(!d.is_error());
        assert!(d
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("data-ttu-id=\"s-1\"")));
        assert_eq!(s.nl.text, "Zie\n  Stray text end\n");
        assert_eq!(s.en.text, "Zie\n  Stray text end\n");
        assert!(s.segments.is_empty());
    }

    #[test]
    fn a_segment_split_across_a_table_cell_is_an_error() {
        let src = format!(
            "| a | b |\n|---|---|\n| {} |\n",
            seg("t", "links | rechts", "left | right")
        );
        let s = run(&src);
        assert_eq!(
            codes(&s),
            [
                "segment-split-table-cell@3:31",
                "segment-split-table-cell@3:98"
            ]
        );
        let d = &s.diagnostics[0];
        assert!(d.is_error());
        assert_eq!(
            d.message,
            "segment `t` is split across a table cell border: a `|` inside its Dutch half"
        );
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("\\|")));
        assert_eq!(s.segments.len(), 1);
        assert!(s.en.text.contains("left | right"));
    }

    #[test]
    fn a_pipe_outside_a_table_is_text() {
        let src = seg("p", "**Rollen:** A | B", "**Roles**: A | B");
        let s = run(&src);
        assert!(s.diagnostics.is_empty());
        assert_eq!(s.en.text, "**Roles**: A | B");
    }

    #[test]
    fn single_quotes_unquoted_values_and_extra_attributes() {
        let src = "<span lang=nl data-ttu-id='q1'>Ja</span> <SPAN class=\"x sxs-lookup\"><span data-stu-id=q1>Yes</span></SPAN>";
        let s = run(src);
        assert!(s.diagnostics.is_empty(), "{:?}", codes(&s));
        assert_eq!(s.en.text, "Yes");
    }

    #[test]
    fn to_source_maps_copied_and_inserted_text() {
        let src = format!("ab {} cd", seg("a", "NL", "EN"));
        let s = run(&src);
        let nl = &s.nl;
        assert_eq!(nl.to_source(1), 1);
        let marker = nl.text.find("<tolk-seg").unwrap_or(0);
        assert_eq!(nl.to_source(marker + 2), 3);
        let dutch = nl.text.find("NL").unwrap_or(0);
        assert_eq!(nl.to_source(dutch), src.find(">NL").unwrap_or(0) + 1);
        let cd = nl.text.find("cd").unwrap_or(0);
        assert_eq!(nl.to_source(cd), src.find("cd").unwrap_or(0));
        let en = &s.en;
        assert_eq!(
            en.to_source(en.text.find("EN").unwrap_or(0)),
            src.find(">EN").unwrap_or(0) + 1
        );
        assert_eq!(en.to_source(en.text.len()), src.len());
        assert_eq!(en.to_source(usize::MAX), src.len());
    }

    #[test]
    fn bad_bytes_never_panic() {
        for src in [
            "<span", "<span data-ttu-id=\"", "<span data-ttu-id=\"a\">", "<span data-ttu-id=a>x</span><span class=sxs-lookup>",
            "<span class=\"sxs-lookup\"><span data-stu-id=\"x\">", "\\", "`", "<!--", "<span data-ttu-id=\"a\">é\\", "|-|\n|", "```",
            "<span data-ttu-id=\"a\">x</span>\n", "<span data-ttu-id=\"a\">x</span><span class=\"sxs-lookup\"><span data-stu-id=\"a\">y</span>",
        ] {
            let s = run(src);
            assert!(s.en.text.len() + s.nl.text.len() > 0 || src.is_empty());
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Piece {
            Plain(String),
            Seg {
                id: String,
                nl: String,
                en: String,
                gap: &'static str,
            },
        }

        fn piece() -> impl Strategy<Value = Piece> {
            prop_oneof![
                "[a-zA-Z0-9 .,:;!?*_#()\\[\\]/éëïü’-]{0,24}(\n|\n\n|)".prop_map(Piece::Plain),
                (
                    "[a-f0-9]{5}-[0-9]{3}",
                    "[a-zA-Z0-9 .,*_éëï’-]{0,20}",
                    "[a-zA-Z0-9 .,*_’-]{0,20}",
                    prop_oneof![Just(""), Just(" "), Just("\n")],
                )
                    .prop_map(|(id, nl, en, gap)| Piece::Seg { id, nl, en, gap }),
            ]
        }

        /// Counts the characters of `t` outside the segment markup and the
        /// `<tolk-seg>` markers, whitespace left out.
        fn visible(t: &str) -> std::collections::BTreeMap<char, usize> {
            const TAGS: [&str; 5] = [
                "<span data-ttu-id=\"a\">",
                "<span class=\"sxs-lookup\">",
                "<span data-stu-id=\"b\">",
                "</span>",
                "</tolk-seg>",
            ];
            let mut out = String::new();
            let mut rest = t;
            while let Some(i) = rest.find('<') {
                out.push_str(&rest[..i]);
                rest = &rest[i..];
                let skip = TAGS
                    .into_iter()
                    .find(|tag| rest.starts_with(tag))
                    .map(str::len)
                    .or_else(|| {
                        rest.starts_with("<tolk-seg n=")
                            .then(|| rest.find('>').map_or(rest.len(), |j| j + 1))
                    });
                match skip {
                    Some(n) => rest = &rest[n..],
                    None => {
                        out.push('<');
                        rest = &rest[1..];
                    }
                }
            }
            out.push_str(rest);
            let mut counts = std::collections::BTreeMap::new();
            for c in out.chars().filter(|c| !c.is_whitespace()) {
                *counts.entry(c).or_insert(0usize) += 1;
            }
            counts
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            #[test]
            fn well_formed_segments_split_exactly(pieces in prop::collection::vec(piece(), 0..24)) {
                let (mut src, mut nl, mut en) = (String::new(), String::new(), String::new());
                // (source offset, nl offset, en offset, length) of copied text.
                let mut copied: Vec<(usize, usize, usize, usize, bool)> = Vec::new();
                let mut count = 0;
                for p in &pieces {
                    match p {
                        Piece::Plain(t) => {
                            copied.push((src.len(), nl.len(), en.len(), t.len(), true));
                            src.push_str(t);
                            nl.push_str(t);
                            en.push_str(t);
                        }
                        Piece::Seg { id, nl: d, en: e, gap } => {
                            src.push_str(&format!("<span data-ttu-id=\"{id}\">"));
                            nl.push_str(&format!("<tolk-seg n=\"{count}\">"));
                            copied.push((src.len(), nl.len(), usize::MAX, d.len(), true));
                            src.push_str(d);
                            nl.push_str(d);
                            nl.push_str("</tolk-seg>");
                            src.push_str(&format!("</span>{gap}<span class=\"sxs-lookup\"><span data-stu-id=\"{id}\">"));
                            copied.push((src.len(), usize::MAX, en.len(), e.len(), false));
                            src.push_str(e);
                            en.push_str(e);
                            src.push_str("</span></span>");
                            count += 1;
                        }
                    }
                }
                let s = run(&src);
                prop_assert!(s.diagnostics.is_empty(), "{:?}", codes(&s));
                prop_assert_eq!(s.segments.len(), count);
                prop_assert_eq!(&s.nl.text, &nl);
                prop_assert_eq!(&s.en.text, &en);
                for p in &pieces {
                    if let Piece::Seg { nl: d, en: e, .. } = p {
                        prop_assert!(s.nl.text.contains(d.as_str()));
                        prop_assert!(s.en.text.contains(e.as_str()));
                    }
                }
                for &(so, no, eo, len, _) in &copied {
                    for i in 0..len {
                        if no != usize::MAX {
                            prop_assert_eq!(s.nl.to_source(no + i), so + i);
                        }
                        if eo != usize::MAX {
                            prop_assert_eq!(s.en.to_source(eo + i), so + i);
                        }
                    }
                }
            }

            #[test]
            fn no_segments_is_the_identity(src in "(\\PC|\n|<span>|</span>|<span class=\"x\">|`|```\n|\\\\)*") {
                prop_assume!(!src.contains("data-ttu-id") && !src.contains("sxs-lookup"));
                let s = run(&src);
                prop_assert_eq!(&s.nl.text, &src);
                prop_assert_eq!(&s.en.text, &src);
                prop_assert!(s.segments.is_empty());
                for i in (0..src.len()).step_by(7) {
                    prop_assert_eq!(s.nl.to_source(i), i);
                }
            }

            #[test]
            fn arbitrary_input_never_panics_or_loses_text(src in "(\\PC|\n|<span data-ttu-id=\"a\">|<span class=\"sxs-lookup\">|<span data-stu-id=\"b\">|</span>|`|\\||---|\\\\)*") {
                let s = run(&src);
                // Every visible character of the source is on one side or
                // the other (a Dutch half only on the Dutch side, an English
                // half only on the English side).
                let (nl, en) = (visible(&s.nl.text), visible(&s.en.text));
                for (c, n) in visible(&src) {
                    let kept = nl.get(&c).copied().unwrap_or(0) + en.get(&c).copied().unwrap_or(0);
                    prop_assert!(kept >= n, "{:?} lost: {} of {}", c, kept, n);
                }
                let _ = s.nl.to_source(s.nl.text.len() / 2);
            }
        }
    }
}
