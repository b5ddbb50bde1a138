//! The raw-HTML policy: what HTML a writer may put in an article.
//!
//! Articles are Markdown with some raw HTML (`<a name>` anchors, `<br>`,
//! `<sup>`, the odd table), and the sites that publish them are read by
//! people who did not write them. So tolk keeps raw HTML, like mdBook and
//! Zola, but only from an allow-list, like GitHub: harmless elements and
//! attributes pass, everything else is taken out and reported
//! (`raw-html-removed`, an error of `tolk check`). Nothing a writer typed as
//! text is lost: a removed element's tags go, its content stays, as text
//! when it was raw text (`<script>`, `<style>`).
//!
//! pulldown-cmark hands raw HTML over in pieces: one event per tag inside a
//! paragraph, one per line in an HTML block, and a tag can run over lines.
//! So this is a small tokenizer that keeps its state between the pieces of
//! one block ([`Sanitizer::push`], then [`Sanitizer::finish`] at the end of
//! the block), not a parser of whole documents such as ammonia's html5ever:
//! that would have to see the page at once, including tolk's own markup,
//! and could not say where in the source a removal was. Every tag in the
//! output is one this module wrote from the parsed name and attributes, and
//! every `<` it did not understand is written `&lt;`, so a browser cannot
//! read the output differently from how it was checked.

use crate::escape::{escape_html, is_safe_url};

/// Elements a writer may use (lower case, sorted for binary search): text
/// semantics, lists, tables, figures, details. No scripts, styles, frames,
/// forms, embedded objects or document-level elements.
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes allowed on every allowed element (sorted).
const GLOBAL_ATTRS: &[&str] = &[
    "abbr",
    "align",
    "aria-describedby",
    "aria-hidden",
    "aria-label",
    "aria-labelledby",
    "class",
    "colspan",
    "data-ttu-id",
    "dir",
    "headers",
    "height",
    "id",
    "lang",
    "name",
    "role",
    "rowspan",
    "scope",
    "title",
    "valign",
    "width",
];

/// Attributes allowed on one element only.
const ELEMENT_ATTRS: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang", "rel"]),
    ("blockquote", &["cite"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("font", &["color", "face", "size"]),
    ("img", &["alt", "loading", "src"]),
    ("ins", &["cite", "datetime"]),
    ("li", &["value"]),
    ("ol", &["reversed", "start", "type"]),
    ("q", &["cite"]),
    (
        "table",
        &["border", "cellpadding", "cellspacing", "summary"],
    ),
    ("time", &["datetime"]),
];

/// Attributes whose value is a URL: a script or inline-document URL there
/// is removed like an event handler.
const URL_ATTRS: &[&str] = &["cite", "href", "src"];

/// Elements whose content a browser reads as raw text, up to their end tag;
/// none is allowed, so that content is written out as text.
const RAW_TEXT: &[&str] = &[
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
];

/// Elements without content (nothing to keep when they go).
const VOID: &[&str] = &[
    "area", "base", "embed", "input", "keygen", "link", "meta", "param", "source", "track",
];

/// Ids and names a writer may not use: the theme's own elements have them,
/// and a second element with the same id would take over their scripts.
const RESERVED_ID_PREFIXES: &[&str] = &["tolk-", "__tolk", "checklist-"];

/// Is this id one of the theme's (a heading anchor may not take it either)?
pub fn is_reserved_id(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    RESERVED_ID_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// What was taken out of the raw HTML, at a byte offset of the rendered
/// text (the caller maps it to the source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub offset: usize,
    pub len: usize,
    /// What it was, for the diagnostic: "the `<script>` element".
    pub what: String,
}

/// The tokenizer's state between the pieces of one block of raw HTML.
#[derive(Debug, Default)]
pub struct Sanitizer {
    /// The start of a tag whose `>` has not come yet, and its offset.
    pending: String,
    pending_at: usize,
    /// Inside a removed raw-text element: the name whose end tag ends it.
    raw_text: Option<&'static str>,
    /// Inside a comment, since this offset.
    comment_at: Option<usize>,
    /// How far the pending tag has been read: a piece that does not end it
    /// is appended without reading the tag again from its `<` (a `<div`
    /// left open for 100,000 lines was re-read per line, quadratic).
    scan: Scan,
}

/// Where the reading of a pending tag stands, as [`parse_tag`] reads it;
/// `End` once its `>` has come.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Too little seen to know (`<`, `</`): read the whole pending again.
    #[default]
    Unknown,
    /// `<!...` or `<?...`: ends at the first `>`.
    Bang,
    Name,
    /// Between attributes.
    Between,
    AttrName,
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    End,
}

impl Scan {
    /// The state after the pending text `p` (which starts with `<`).
    fn start(p: &str) -> Scan {
        let b = p.as_bytes();
        let (state, from) = match (b.get(1), b.get(2)) {
            (Some(b'!' | b'?'), _) => (Scan::Bang, 2),
            (Some(b'/'), Some(c)) if c.is_ascii_alphabetic() => (Scan::Name, 3),
            (Some(c), _) if c.is_ascii_alphabetic() => (Scan::Name, 2),
            _ => return Scan::Unknown,
        };
        state.feed(&b[from..])
    }

    /// Reads `bytes` on from this state.
    fn feed(mut self, bytes: &[u8]) -> Scan {
        let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
        for &c in bytes {
            self = match self {
                Scan::Unknown | Scan::End => return self,
                Scan::Bang => {
                    if c == b'>' {
                        Scan::End
                    } else {
                        Scan::Bang
                    }
                }
                Scan::Name => match c {
                    b'>' => Scan::End,
                    b'/' => Scan::Between,
                    c if ws(c) => Scan::Between,
                    _ => Scan::Name,
                },
                Scan::Between => Scan::between(c),
                Scan::AttrName => match c {
                    b'>' => Scan::End,
                    b'/' => Scan::Between,
                    b'=' => Scan::BeforeValue,
                    c if ws(c) => Scan::AfterName,
                    _ => Scan::AttrName,
                },
                Scan::AfterName => match c {
                    b'=' => Scan::BeforeValue,
                    c if ws(c) => Scan::AfterName,
                    c => Scan::between(c),
                },
                Scan::BeforeValue => match c {
                    b'>' => Scan::End,
                    q @ (b'"' | b'\'') => Scan::Quoted(q),
                    c if ws(c) => Scan::BeforeValue,
                    _ => Scan::Unquoted,
                },
                Scan::Quoted(q) => {
                    if c == q {
                        Scan::Between
                    } else {
                        Scan::Quoted(q)
                    }
                }
                Scan::Unquoted => match c {
                    b'>' => Scan::End,
                    c if ws(c) => Scan::Between,
                    _ => Scan::Unquoted,
                },
            };
        }
        self
    }

    /// The top of `parse_tag`'s attribute loop.
    fn between(c: u8) -> Scan {
        match c {
            b'>' => Scan::End,
            b'/' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' => Scan::Between,
            _ => Scan::AttrName,
        }
    }
}

impl Sanitizer {
    /// Sanitizes one piece of raw HTML that starts at byte `at` of the text,
    /// appending to `out` and recording what was removed.
    pub fn push(&mut self, piece: &str, at: usize, out: &mut String, removed: &mut Vec<Removed>) {
        if self.pending.is_empty() {
            self.run(piece, at, out, removed);
        } else {
            if self.scan != Scan::Unknown {
                self.scan = self.scan.feed(piece.as_bytes());
                if self.scan != Scan::End {
                    // Still inside the tag: nothing to read again.
                    self.pending.push_str(piece);
                    return;
                }
            }
            let mut joined = std::mem::take(&mut self.pending);
            let start = self.pending_at;
            joined.push_str(piece);
            self.run(&joined, start, out, removed);
        }
        self.scan = if self.pending.is_empty() {
            Scan::Unknown
        } else {
            Scan::start(&self.pending)
        };
    }

    /// Ends a block: a tag that never closed is written as text, an open
    /// comment or raw-text element ends here.
    pub fn finish(&mut self, out: &mut String, removed: &mut Vec<Removed>) {
        if !self.pending.is_empty() {
            out.push_str(&escape_html(&self.pending));
            self.pending.clear();
        }
        self.scan = Scan::Unknown;
        if let Some(at) = self.comment_at.take() {
            removed.push(Removed {
                offset: at,
                len: 4,
                what: "a comment that is never closed (`<!--` without `-->`), which hides the text after it".into(),
            });
        }
        self.raw_text = None;
    }

    fn run(&mut self, s: &str, at: usize, out: &mut String, removed: &mut Vec<Removed>) {
        let mut i = 0;
        while i < s.len() {
            if self.comment_at.is_some() {
                match s[i..].find("-->") {
                    Some(j) => {
                        i += j + 3;
                        self.comment_at = None;
                    }
                    // The rest of the comment comes in a later piece.
                    None => return,
                }
                continue;
            }
            if let Some(name) = self.raw_text {
                let end = find_end_tag(&s[i..], name).map_or(s.len(), |j| i + j);
                out.push_str(&escape_html(&s[i..end]));
                i = end;
                if end < s.len() {
                    self.raw_text = None;
                }
                continue;
            }
            let Some(j) = s[i..].find('<') else {
                out.push_str(&s[i..]);
                return;
            };
            out.push_str(&s[i..i + j]);
            i += j;
            let rest = &s[i..];
            // `<!-->` and `<!--->` are whole (empty) comments in HTML and in
            // CommonMark 0.31; only `<!--` followed by anything else opens
            // one that runs to `-->`.
            if let Some(empty) = ["<!-->", "<!--->"].iter().find(|e| rest.starts_with(**e)) {
                i += empty.len();
                continue;
            }
            if rest.starts_with("<!--") {
                self.comment_at = Some(at + i);
                i += 4;
                continue;
            }
            let b = rest.as_bytes();
            let is_tag = match b.get(1) {
                Some(c) if c.is_ascii_alphabetic() => true,
                Some(b'/') => b.get(2).is_some_and(|c| c.is_ascii_alphabetic()),
                Some(b'!' | b'?') => {
                    // A doctype, CDATA or processing instruction: dropped.
                    match rest.find('>') {
                        Some(k) => {
                            i += k + 1;
                            continue;
                        }
                        None => {
                            self.pending = rest.to_string();
                            self.pending_at = at + i;
                            return;
                        }
                    }
                }
                None => {
                    self.pending = rest.to_string();
                    self.pending_at = at + i;
                    return;
                }
                _ => false,
            };
            if !is_tag {
                out.push_str("&lt;");
                i += 1;
                continue;
            }
            let Some(tag) = parse_tag(rest) else {
                // The `>` comes in a later piece.
                self.pending = rest.to_string();
                self.pending_at = at + i;
                return;
            };
            self.tag(&tag, &rest[..tag.len], at + i, out, removed);
            i += tag.len;
        }
    }

    fn tag(
        &mut self,
        tag: &Tag,
        src: &str,
        at: usize,
        out: &mut String,
        removed: &mut Vec<Removed>,
    ) {
        let name = tag.name.as_str();
        if ELEMENTS.binary_search(&name).is_err() {
            if !tag.end {
                if let Some(raw) = RAW_TEXT.iter().find(|r| **r == name) {
                    self.raw_text = Some(raw);
                }
                let what = if VOID.contains(&name) {
                    format!("the `<{name}>` element")
                } else {
                    format!("the `<{name}>` element (its content is kept as text)")
                };
                removed.push(Removed {
                    offset: at,
                    len: src.len(),
                    what,
                });
            }
            return;
        }
        if tag.end {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
            return;
        }
        out.push('<');
        out.push_str(name);
        let own = ELEMENT_ATTRS
            .iter()
            .find(|(e, _)| *e == name)
            .map_or(&[][..], |(_, a)| *a);
        let mut seen: Vec<&str> = Vec::new();
        for (attr, value) in &tag.attrs {
            let attr = attr.as_str();
            if seen.contains(&attr) {
                continue;
            }
            seen.push(attr);
            let allowed = GLOBAL_ATTRS.binary_search(&attr).is_ok() || own.contains(&attr);
            let decoded = decode_entities(value);
            let why = if !allowed {
                Some(if attr.starts_with("on") {
                    format!("the event handler `{attr}` on `<{name}>`")
                } else {
                    format!("the attribute `{attr}` on `<{name}>`")
                })
            } else if URL_ATTRS.contains(&attr) && !is_safe_url(&decoded) {
                Some(format!(
                    "the script or inline-document URL in `{attr}` on `<{name}>`"
                ))
            } else if (attr == "id" || attr == "name") && is_reserved_id(&decoded) {
                Some(format!(
                    "`{attr}=\"{decoded}\"` on `<{name}>` (ids starting with tolk-, __tolk or checklist- are the theme's)"
                ))
            } else {
                None
            };
            if let Some(what) = why {
                removed.push(Removed {
                    offset: at,
                    len: src.len(),
                    what,
                });
                continue;
            }
            out.push(' ');
            out.push_str(attr);
            out.push_str("=\"");
            // As written, entities and all; a quote would end it, and `<`,
            // `>` are written as references (the same value to a browser)
            // so that no `>` in the output stands inside a tag.
            for c in value.chars() {
                match c {
                    '"' => out.push_str("&quot;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        if tag.self_closing {
            out.push('/');
        }
        out.push('>');
    }
}

/// One start or end tag, as a browser's tokenizer reads it.
#[derive(Debug)]
struct Tag {
    name: String,
    end: bool,
    self_closing: bool,
    /// Names in lower case, values as written (entities not decoded).
    attrs: Vec<(String, String)>,
    /// Bytes from `<` to `>` inclusive.
    len: usize,
}

/// Parses the tag at the start of `s` (which starts with `<` and a letter,
/// or `</` and a letter); `None` when its `>` is not in `s`.
fn parse_tag(s: &str) -> Option<Tag> {
    let b = s.as_bytes();
    let end = b.get(1) == Some(&b'/');
    let mut i = if end { 2 } else { 1 };
    let name_start = i;
    while i < b.len() && !matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>') {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(Tag {
                    name,
                    end,
                    self_closing,
                    attrs,
                    len: i + 1,
                })
            }
            b'/' => {
                i += 1;
                self_closing = b.get(i) == Some(&b'>');
                continue;
            }
            _ => {}
        }
        self_closing = false;
        // An attribute name: a first `=` belongs to it, as in browsers.
        let a_start = i;
        i += 1;
        while i < b.len()
            && !matches!(
                b[i],
                b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>' | b'='
            )
        {
            i += 1;
        }
        let attr = s[a_start..i].to_ascii_lowercase();
        while i < b.len() && matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
            i += 1;
        }
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
                i += 1;
            }
            match b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let close = s[i + 1..].find(*q as char)?;
                    value = s[i + 1..i + 1 + close].to_string();
                    i += close + 2;
                }
                b'>' => {}
                _ => {
                    let v_start = i;
                    while i < b.len()
                        && !matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'>')
                    {
                        i += 1;
                    }
                    value = s[v_start..i].to_string();
                }
            }
        }
        if !end {
            attrs.push((attr, value));
        }
    }
}

/// The offset of `</name` (any case) in `s`.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(j) = s[from..].find("</") {
        let at = from + j;
        let n = &b[at + 2..];
        if n.len() >= name.len()
            && n[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && n.get(name.len()).map_or(true, |c| {
                matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
            })
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// Decodes character references in an attribute value, as a browser does
/// before it reads a URL: numeric ones (`&#106;`, `&#x6A`, the `;` optional)
/// and the named ones that matter to a scheme (`&colon;`, `&Tab;`,
/// `&NewLine;`) and to text (`&amp;`, `&quot;`, `&apos;`, `&lt;`, `&gt;`,
/// `&nbsp;`). Others stay as written.
fn decode_entities(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let after = &rest[1..];
        if let Some(num) = after.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let n = digits
                .bytes()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            if n > 0 {
                out.push(numeric_reference(&digits[..n], hex));
                let used = 1 + (num.len() - digits.len()) + n;
                rest = &after[used..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        const NAMED: &[(&str, char)] = &[
            ("colon;", ':'),
            ("Tab;", '\t'),
            ("NewLine;", '\n'),
            ("amp;", '&'),
            ("quot;", '"'),
            ("apos;", '\''),
            ("lt;", '<'),
            ("gt;", '>'),
            ("nbsp;", '\u{a0}'),
        ];
        if let Some((name, c)) = NAMED.iter().find(|(n, _)| after.starts_with(n)) {
            out.push(*c);
            rest = &after[name.len()..];
            continue;
        }
        out.push('&');
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The character a numeric character reference stands for, as the HTML
/// standard's tokenizer decodes it ("numeric character reference end
/// state"): any number of digits (leading zeros included, a value past
/// U+10FFFF saturates), 0, surrogates and out-of-range values become
/// U+FFFD, and 0x80..=0x9F are read as windows-1252.
fn numeric_reference(digits: &str, hex: bool) -> char {
    let radix = if hex { 16 } else { 10 };
    let mut value: u32 = 0;
    for d in digits.chars() {
        let Some(d) = d.to_digit(radix) else {
            break;
        };
        // Saturate past the last code point; the digits still all count.
        value = value.saturating_mul(radix).saturating_add(d).min(0x11_0000);
    }
    const C1: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let value = match value {
        0x80..=0x9F => C1[(value - 0x80) as usize],
        v => v,
    };
    // 0, surrogates and values past U+10FFFF: `from_u32` refuses the last
    // two.
    match value {
        0 => '\u{FFFD}',
        v => char::from_u32(v).unwrap_or('\u{FFFD}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(pieces: &[&str]) -> (String, Vec<String>) {
        let mut s = Sanitizer::default();
        let mut out = String::new();
        let mut removed = Vec::new();
        let mut at = 0;
        for p in pieces {
            s.push(p, at, &mut out, &mut removed);
            at += p.len();
        }
        s.finish(&mut out, &mut removed);
        (out, removed.into_iter().map(|r| r.what).collect())
    }

    #[test]
    fn the_allow_lists_are_sorted_for_binary_search() {
        assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]));
        assert!(GLOBAL_ATTRS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_corpus_markup_passes() {
        let (out, removed) = clean(&[
            "<a name=\"x\"></a>",
            "a<br>b",
            "<sup>1</sup>",
            "<font color=\"red\">",
        ]);
        assert_eq!(
            out,
            "<a name=\"x\"></a>a<br>b<sup>1</sup><font color=\"red\">"
        );
        assert!(removed.is_empty());
    }

    #[test]
    fn scripts_lose_their_tags_and_keep_their_text() {
        let (out, removed) = clean(&["<script>\n", "alert('<b>x</b>')\n", "</script>\n"]);
        assert_eq!(out, "\nalert('&lt;b&gt;x&lt;/b&gt;')\n\n");
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert!(removed[0].contains("<script>"));
    }

    #[test]
    fn handlers_and_script_urls_are_removed_from_allowed_elements() {
        let (out, removed) = clean(&[
            "<a href=\"java&#x09;script:alert(1)\" onclick='x()' title=\"t\">k</a>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"&#106;avascript&colon;x\">",
            "<A HREF=\"https://e.example/\" STYLE=\"color:red\">",
        ]);
        assert_eq!(
            out,
            "<a title=\"t\">k</a><img src=\"x\"><a><a href=\"https://e.example/\">"
        );
        assert_eq!(removed.len(), 5, "{removed:?}");
        assert!(removed
            .iter()
            .any(|r| r.contains("event handler `onerror`")));
        assert!(removed.iter().any(|r| r.contains("`style`")));
    }

    #[test]
    fn a_tag_split_over_lines_is_read_whole() {
        let (out, removed) = clean(&["<a\n", "href=\"javascript:x\"\n", "name=\"n\">t</a>"]);
        assert_eq!(out, "<a name=\"n\">t</a>");
        assert_eq!(removed.len(), 1);
    }

    #[test]
    fn what_is_not_a_tag_becomes_text() {
        let (out, _) = clean(&["a < b <3 <", "/>"]);
        assert_eq!(out, "a &lt; b &lt;3 &lt;/>");
        let (out, _) = clean(&["<a title=\"x"]);
        assert_eq!(out, "&lt;a title=\"x");
    }

    #[test]
    fn comments_and_doctypes_are_dropped() {
        let (out, removed) = clean(&["a<!-- x <script> -->b<!DOCTYPE html>c"]);
        assert_eq!(out, "abc");
        assert!(removed.is_empty());
        let (out, removed) = clean(&["a<!-- never closed", "<b>"]);
        assert_eq!(out, "a");
        assert_eq!(removed.len(), 1);
        // Empty comments are closed where they open: the text after them
        // stays, and nothing is reported.
        let (out, removed) = clean(&["a<!-->b<!--->c", "<b>d</b>"]);
        assert_eq!(out, "abc<b>d</b>");
        assert!(removed.is_empty(), "{removed:?}");
    }

    #[test]
    fn theme_ids_are_refused() {
        let (out, removed) = clean(&["<a id=\"tolk-search-input\"></a><a name=\"Checklist-x\">"]);
        assert_eq!(out, "<a></a><a>");
        assert_eq!(removed.len(), 2);
    }

    /// Any mix of tag fragments, cut into pieces anywhere: every tag in the
    /// output is an allowed one with allowed, safe attributes, and no `<`
    /// stands outside a tag.
    #[test]
    fn no_input_gets_a_forbidden_tag_through() {
        use proptest::prelude::*;
        const TOKENS: &[&str] = &[
            "<",
            ">",
            "</",
            "/>",
            "<script>",
            "</script>",
            "<a ",
            "<img ",
            "<svg ",
            "<style>",
            "</style>",
            "<b>",
            "</b>",
            "<br/>",
            "<!--",
            "-->",
            "<!",
            "<?",
            "href=",
            "src=",
            "onclick=",
            "style=",
            "id=",
            "title=",
            "\"",
            "'",
            "=",
            " ",
            "\n",
            "javascript:",
            "java\tscript:",
            "&#106;",
            "&#x6A",
            "&colon;",
            "data:",
            "x",
            "tolk-",
            "<iframe",
            "</iframe>",
            "<textarea>",
            "<A HREF=",
            "<ScRiPt",
            "&",
        ];
        let cases =
            proptest::collection::vec((proptest::sample::select(TOKENS), any::<bool>()), 0..40);
        proptest!(ProptestConfig::with_cases(512), |(toks in cases)| {
            let mut pieces: Vec<String> = vec![String::new()];
            for (t, cut) in toks {
                pieces.last_mut().unwrap().push_str(t);
                if cut {
                    pieces.push(String::new());
                }
            }
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let (out, _) = clean(&refs);
            let mut rest = out.as_str();
            while let Some(i) = rest.find('<') {
                let end = rest[i..].find('>').map(|j| i + j);
                prop_assert!(end.is_some(), "unclosed tag in {out:?}");
                let tag = &rest[i + 1..end.unwrap()];
                rest = &rest[end.unwrap() + 1..];
                let tag = tag.strip_prefix('/').unwrap_or(tag);
                let name: String = tag.chars().take_while(|c| !c.is_whitespace() && *c != '/').collect();
                prop_assert!(ELEMENTS.contains(&name.as_str()), "<{name}> in {out:?}");
                let Some(parsed) = parse_tag(&format!("<{tag}>")) else {
                    return Err(TestCaseError::fail(format!("unparsable <{tag}>")));
                };
                for (a, v) in &parsed.attrs {
                    prop_assert!(!a.starts_with("on") && a != "style", "{a} in {out:?}");
                    prop_assert!(is_safe_url(&decode_entities(v)) || !URL_ATTRS.contains(&a.as_str()), "{a}={v} in {out:?}");
                    prop_assert!(!is_reserved_id(&decode_entities(v)) || (a != "id" && a != "name"), "{a}={v}");
                }
            }
        });
    }

    /// The tag scanner agrees with `parse_tag`: pieces fed through `push`
    /// give the output of re-reading the joined pending text every time
    /// (the old, quadratic way).
    #[test]
    fn reading_on_from_the_scan_state_matches_reading_again() {
        use proptest::prelude::*;
        const TOKENS: &[&str] = &[
            "<",
            ">",
            "</",
            "/",
            "<div",
            "<a",
            "<!",
            "<?",
            " ",
            "\n",
            "\t",
            "=",
            "\"",
            "'",
            "title",
            "href",
            "x",
            "javascript:",
            "-->",
            "<!--",
            "</div>",
            "b>",
            "=>",
            "a=b",
        ];
        fn slow(pieces: &[String]) -> (String, Vec<Removed>) {
            let mut s = Sanitizer::default();
            let mut out = String::new();
            let mut removed = Vec::new();
            let mut at = 0;
            for p in pieces {
                if s.pending.is_empty() {
                    s.run(p, at, &mut out, &mut removed);
                } else {
                    let mut joined = std::mem::take(&mut s.pending);
                    let start = s.pending_at;
                    joined.push_str(p);
                    s.run(&joined, start, &mut out, &mut removed);
                }
                at += p.len();
            }
            s.finish(&mut out, &mut removed);
            (out, removed)
        }
        let cases =
            proptest::collection::vec((proptest::sample::select(TOKENS), any::<bool>()), 0..40);
        proptest!(ProptestConfig::with_cases(2000), |(toks in cases)| {
            let mut pieces: Vec<String> = vec![String::new()];
            for (t, cut) in toks {
                pieces.last_mut().unwrap().push_str(t);
                if cut {
                    pieces.push(String::new());
                }
            }
            let mut s = Sanitizer::default();
            let mut out = String::new();
            let mut removed = Vec::new();
            let mut at = 0;
            for p in &pieces {
                s.push(p, at, &mut out, &mut removed);
                at += p.len();
            }
            s.finish(&mut out, &mut removed);
            prop_assert_eq!((out, removed), slow(&pieces));
        });
    }

    #[test]
    fn attribute_values_are_requoted() {
        let (out, _) = clean(&["<span title='a\"b' class=c>"]);
        assert_eq!(out, "<span title=\"a&quot;b\" class=\"c\">");
    }
}
