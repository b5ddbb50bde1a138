//! Markdown: one language's text of an article, rendered to an HTML body.
//!
//! pulldown-cmark parses the text (tables, footnotes, strikethrough, task
//! lists, GFM alerts); this stage then rewrites the event stream for the
//! DocFX constructs the articles use, in one pass each:
//!
//! - `# <a name="x"></a>Title`: the heading gets id `x`, the empty anchor goes;
//!   every other heading gets a stable, unique slug id;
//! - `>[!NOTE]` (any case, TIP, IMPORTANT, CAUTION, WARNING): a labelled callout;
//! - `# [Title](#tab/id)` ... `---`: an accessible tab set;
//! - `:::image type="content" source="..." alt-text="...":::`: a figure;
//! - `[!INCLUDE [title](path)]`: the named file, rendered in place;
//! - links: to the page of an article in the same language, or out of the site
//!   against the configured external base;
//! - `<tolk-seg n="K">`...`</tolk-seg>` (put there by `segments`): a sentence
//!   that shows its English original on hover and focus;
//! - ```` ```checklist ```` blocks: the form the caller renders for them.
//!
//! It returns the body HTML and what later stages need from the article: the
//! title, the headings for "on this page", the links for `tolk check`, and
//! plain text per section for search. It knows pages only through
//! [`LinkContext`]; it never reads files (includes come in the context).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{
    html, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};

use crate::lang::Lang;
use crate::sanitize::{Removed, Sanitizer};

/// The parser options: CommonMark plus the extensions the articles use.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

/// What links resolve against: the site's pages and where the rest go.
#[derive(Debug, Clone, Default)]
pub struct LinkContext {
    /// Every page path of the site (`request-credit`, `a/b`).
    pub pages: HashSet<String>,
    /// The site's base path (`/` or `/docs/`).
    pub base_path: String,
    /// `https://learn.microsoft.com/{lang}/partner-center/`: relative links
    /// that leave the content folder, or name articles the site does not
    /// have, resolve against it.
    pub external_base: String,
    /// Root-relative links (`/partner-center/x`) under this prefix are links
    /// into the site.
    pub site_prefix: String,
    /// Files that `[!INCLUDE]` may pull in, by content-relative path.
    pub includes: BTreeMap<String, String>,
}

/// Where a link in an article leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page of the site: its path, and the anchor if any.
    Page {
        path: String,
        anchor: Option<String>,
    },
    /// An anchor on the same page.
    SamePage { anchor: String },
    /// A file of the content folder (image, PDF).
    Asset { rel: String },
    /// Outside the site. `guessed` when it was an `.md` link or a
    /// root-relative one that tolk resolved against the external base.
    External { url: String, guessed: bool },
    /// A relative `.md` link to an article the site does not have, with no
    /// external base to send it to.
    Missing { path: String },
    /// A `javascript:`, `vbscript:` or `data:` URL: written as `#`, and an
    /// error of `tolk check`.
    Unsafe { href: String },
}

/// One link as written, with where it leads.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub target: LinkTarget,
    /// Byte offset of the link in the rendered text (map it back to the
    /// source with the text's source map), and its length.
    pub offset: usize,
    pub len: usize,
    /// The link has no text (`[](x.md)`): nothing for a reader to click or a
    /// screen reader to say.
    pub empty: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// The heading as plain text.
    pub text: String,
}

/// A heading's section as plain text, for the search index.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct IncludeProblem {
    pub offset: usize,
    pub len: usize,
    pub cycle: bool,
    pub message: String,
}

/// The result of rendering one language of an article.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body, without the first H1 (the template places the title).
    pub html: String,
    /// The first H1 as inline HTML and as text.
    pub title_html: Option<String>,
    pub title_text: Option<String>,
    pub title_id: Option<String>,
    /// H2 and H3, for "on this page".
    pub toc: Vec<Heading>,
    /// Every heading id on the page (anchors of links to it must be one).
    pub ids: Vec<String>,
    pub links: Vec<Link>,
    pub sections: Vec<Section>,
    /// How many `<tolk-seg>` markers were rendered (a test counts them).
    pub segments: usize,
    /// `[!INCLUDE]`s that could not be rendered: byte offset and length of
    /// the include in this text (for one inside an include, the outermost
    /// one), whether it is an error (a cycle) or a warning (a missing file),
    /// and the message.
    pub include_problems: Vec<IncludeProblem>,
    /// Raw HTML that the policy took out ([`crate::sanitize`]), at offsets
    /// of the rendered text like `links`.
    pub removed: Vec<Removed>,
    /// In a twin render ([`render_twin`]): each language-dependent value
    /// as it must appear in this language's HTML and in the twin's, by
    /// marker number; and the links as the twin's language resolves them.
    twin_values: Vec<(String, String)>,
    twin_links: Vec<Link>,
}

/// What the caller supplies for one render.
pub struct Input<'a> {
    pub text: &'a str,
    pub lang: Lang,
    /// The content-relative path of the source (`request-credit.md`).
    pub rel: &'a str,
    pub links: &'a LinkContext,
    /// The English original (Markdown) of each segment, by index, shown
    /// beside the Dutch text. Empty on English pages.
    pub originals: &'a [String],
    /// Renders the n-th checklist block of the article in this language.
    pub checklist: &'a dyn Fn(usize) -> Option<String>,
    /// Collect each section's plain text for the search index. Off for the
    /// English page of an article with no English: the index leaves that
    /// page out, and its text is the Dutch page's.
    pub search_text: bool,
    /// Render the other language too, from the same pass (see
    /// [`render_twin`]); `None` for a plain render.
    pub twin: Option<&'a Twin<'a>>,
    /// Localised callout labels, by kind (`note`, `tip`, ...).
    pub callout_label: &'a dyn Fn(&str) -> String,
    /// How deep inside `[!INCLUDE]`s this text is (0 for an article).
    pub depth: usize,
    /// The text that includes this one: an include that names any file on
    /// this chain is a cycle (only checking the direct parent would let
    /// `a` → `b` → `a` recurse, and fan out exponentially, up to the depth
    /// limit).
    pub parent: Option<&'a Input<'a>>,
}

/// Includes nest at most this deep, which also ends include cycles.
const MAX_INCLUDE_DEPTH: usize = 8;

/// Renders one language's text of an article.
pub fn render(input: &Input) -> Rendered {
    render_parsed(&parse(input.text), input)
}

/// The second language of a twin render.
pub struct Twin<'a> {
    pub lang: Lang,
    /// Callout labels in that language.
    pub callout_label: &'a dyn Fn(&str) -> String,
}

/// Renders `events` in `input.lang` and in `input.twin`'s language at once,
/// for the English page of an article with no English, which shows the
/// Dutch text. The two renders differ only where a link resolves per
/// language and in callout labels: the pass writes a numbered marker there
/// and keeps both values, and the markers are then replaced once per
/// language. This saves the second render (a tenth of a build of a site
/// without bilingual text).
///
/// The caller must use it only for a text without checklists or includes
/// (which render per language in their own ways) and without anything that
/// looks like a marker ([`may_twin`]). The second result has no section
/// texts (the search index leaves such a page out).
pub fn render_twin(
    events: &[(Event, std::ops::Range<usize>)],
    input: &Input,
) -> (Rendered, Rendered) {
    let mut this = render_parsed(events, input);
    let values = std::mem::take(&mut this.twin_values);
    let links = std::mem::take(&mut this.twin_links);
    let (html, twin_html) = unmark(&this.html, &values);
    let (title, twin_title) = match this.title_html.as_deref().map(|t| unmark(t, &values)) {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    this.html = html;
    this.title_html = title;
    let twin = Rendered {
        html: twin_html,
        title_html: twin_title,
        title_text: this.title_text.clone(),
        title_id: this.title_id.clone(),
        toc: this.toc.clone(),
        ids: this.ids.clone(),
        links,
        sections: Vec::new(),
        segments: this.segments,
        include_problems: this.include_problems.clone(),
        removed: this.removed.clone(),
        twin_values: Vec::new(),
        twin_links: Vec::new(),
    };
    (this, twin)
}

/// Can `text` be rendered with [`render_twin`]: no `[!INCLUDE` (any case),
/// and nothing the marker scan could take for a marker (U+E000, U+E001, or
/// `%EE%80%8`, as an escaped URL holds them).
pub fn may_twin(text: &str) -> bool {
    let b = text.as_bytes();
    // Case-insensitive, found from the first byte (`[` or `%`) with memchr.
    let has = |needle: &[u8]| {
        memchr::memchr_iter(needle[0], b).any(|i| {
            b.get(i..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
    };
    !has(b"[!include")
        && !has(b"%ee%80%8")
        && memchr::memmem::find(b, "\u{E000}".as_bytes()).is_none()
        && memchr::memmem::find(b, "\u{E001}".as_bytes()).is_none()
}

/// A marker, as escape_href writes U+E000 K U+E001 and as the HTML this
/// module writes holds it.
const MARK_OPEN: &str = "%EE%80%80";
const MARK_CLOSE: &str = "%EE%80%81";

/// In a twin render, a marker for a URL that pulldown-cmark will escape
/// (`escape_href` turns the private-use characters into the marker); the
/// values are stored escaped the same way. Otherwise `url` itself.
fn twin_url(out: &mut Rendered, input: &Input, url: String, twin: Option<String>) -> String {
    match (input.twin, twin) {
        (Some(_), Some(other)) => {
            let k = out.twin_values.len();
            let mut a = String::new();
            let mut b = String::new();
            let _ = pulldown_cmark_escape::escape_href(&mut a, &url);
            let _ = pulldown_cmark_escape::escape_href(&mut b, &other);
            out.twin_values.push((a, b));
            format!("\u{E000}{k}\u{E001}")
        }
        _ => url,
    }
}

/// In a twin render, a marker for HTML this module writes itself (`this`
/// and `other` already escaped); otherwise `this`.
fn twin_html(
    out: &mut Rendered,
    input: &Input,
    this: String,
    other: impl FnOnce() -> String,
) -> String {
    if input.twin.is_none() {
        return this;
    }
    let k = out.twin_values.len();
    out.twin_values.push((this, other()));
    format!("{MARK_OPEN}{k}{MARK_CLOSE}")
}

/// The two languages' HTML from a twin render's: each marker replaced by
/// its value for that language.
fn unmark(html: &str, values: &[(String, String)]) -> (String, String) {
    let mut a = String::with_capacity(html.len());
    let mut b = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = memchr::memmem::find(rest.as_bytes(), MARK_OPEN.as_bytes()) {
        let after = &rest[i + MARK_OPEN.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let value = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with(MARK_CLOSE))
            .and_then(|k| values.get(k));
        a.push_str(&rest[..i]);
        b.push_str(&rest[..i]);
        match value {
            Some((x, y)) => {
                a.push_str(x);
                b.push_str(y);
                rest = &after[digits + MARK_CLOSE.len()..];
            }
            None => {
                a.push_str(MARK_OPEN);
                b.push_str(MARK_OPEN);
                rest = after;
            }
        }
    }
    a.push_str(rest);
    b.push_str(rest);
    (a, b)
}

/// Byte offsets in `text` of lines that open a merge conflict
/// (`<<<<<<< ` as git writes it, at the start of a line) outside code
/// blocks. Only the opening marker is looked for: `=======` is also a
/// heading underline and `>>>>>>>` a nested quote.
pub fn conflict_markers(events: &[(Event, std::ops::Range<usize>)], text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_code = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(t) if in_code == 0 => {
                let at_line_start =
                    range.start == 0 || text.as_bytes().get(range.start - 1) == Some(&b'\n');
                let marker = t
                    .strip_prefix("<<<<<<<")
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
                if at_line_start && marker {
                    found.push(range.start);
                }
            }
            _ => {}
        }
    }
    found
}

/// The event stream of a text, with byte ranges, adjacent text merged.
pub type Events<'a> = Vec<(Event<'a>, std::ops::Range<usize>)>;

/// Parses a text once, for [`render_parsed`] to render in each language
/// (an article with no English renders the same text twice).
pub fn parse(text: &str) -> Events<'_> {
    let mut events: Events = Parser::new_ext(text, options())
        .into_offset_iter()
        .collect();
    merge_text(&mut events);
    events
}

/// Renders parsed events; `input.text` must be the text they came from.
pub fn render_parsed(events: &[(Event, std::ops::Range<usize>)], input: &Input) -> Rendered {
    let mut out = Rendered::default();
    let mut ids = IdMaker::default();
    let mut checklist_index = 0;
    let mut current_seg: Vec<usize> = Vec::new();
    let mut html_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut section = Section::default();
    let mut raw = Sanitizer::default();
    let tabs = find_tab_sets(events);
    let mut i = 0;
    while i < events.len() {
        let (ev, range) = &events[i];
        if let Event::End(end) = ev {
            if !is_inline_end(end) {
                end_raw_html(&mut raw, &mut html_events, &mut out);
            }
        }
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                let end = find_end(events, i);
                let inner = &events[i + 1..end];
                if let Some(tab) = tabs.get(&i) {
                    html_events.push(Event::Html(tab.clone().into()));
                    i = end + 1;
                    continue;
                }
                let (anchor, inner) = strip_name_anchor(inner);
                let text = plain_text(&inner);
                let id = ids.make(anchor.as_deref(), &text);
                let inner_html = render_inline(&inner, input, &mut out, &mut current_seg);
                let lvl = *level as u8;
                if lvl == 1 && out.title_html.is_none() {
                    out.title_html = Some(inner_html);
                    out.title_text = Some(text.clone());
                    out.title_id = Some(id.clone());
                } else {
                    let id_attr = escape_attr(&id);
                    html_events.push(Event::Html(
                        format!(
                            "<h{lvl} id=\"{id_attr}\"><a class=\"anchor\" href=\"#{id_attr}\" aria-hidden=\"true\">#</a>{inner_html}</h{lvl}>\n"
                        )
                        .into(),
                    ));
                    if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                        out.toc.push(Heading {
                            level: lvl,
                            id: id.clone(),
                            text: text.clone(),
                        });
                    }
                }
                flush_section(&mut out, &mut section);
                section.heading = text;
                section.id = id.clone();
                out.ids.push(id);
                i = end + 1;
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {}
            Event::End(end) if tabs.contains_key(&i) => {
                // A tab set that stands in a container closes before it.
                html_events.push(Event::Html(tabs[&i].clone().into()));
                if matches!(end, TagEnd::BlockQuote(Some(_))) {
                    html_events.push(Event::Html("</div>\n".into()));
                } else {
                    html_events.push(ev.clone());
                }
            }
            Event::Rule if tabs.contains_key(&i) => {
                html_events.push(Event::Html(tabs[&i].clone().into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, key) = match kind {
                    BlockQuoteKind::Note => ("note", "note"),
                    BlockQuoteKind::Tip => ("tip", "tip"),
                    BlockQuoteKind::Important => ("important", "important"),
                    BlockQuoteKind::Warning => ("warning", "warning"),
                    BlockQuoteKind::Caution => ("caution", "caution"),
                };
                let label = escape_html(&(input.callout_label)(key));
                let label = twin_html(&mut out, input, label, || {
                    input
                        .twin
                        .map(|t| escape_html(&(t.callout_label)(key)))
                        .unwrap_or_default()
                });
                html_events.push(Event::Html(
                    format!(
                        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-label\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                html_events.push(Event::Html("</div>\n".into()))
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.as_ref() == "checklist" =>
            {
                let end = find_end(events, i);
                let form = (input.checklist)(checklist_index);
                checklist_index += 1;
                if let Some(html) = form {
                    html_events.push(Event::Html(html.into()));
                    i = end + 1;
                    continue;
                }
                // No form for this block (inside an include): keep its text
                // as a code block rather than lose it.
                html_events.push(ev.clone());
            }
            Event::Start(Tag::Paragraph) => {
                let end = find_end(events, i);
                if let Some(html) = docfx_paragraph(&events[i + 1..end], input, &mut out) {
                    html_events.push(Event::Html(html.into()));
                    i = end + 1;
                    continue;
                }
                html_events.push(ev.clone());
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                if let Some(rewritten) = rewrite_dest(ev, range, input, &mut out) {
                    html_events.push(rewritten);
                }
                let empty = matches!(events.get(i + 1), Some((Event::End(TagEnd::Link), _)));
                if empty && matches!(ev, Event::Start(Tag::Link { .. })) {
                    if let Some(l) = out.links.last_mut() {
                        l.empty = true;
                    }
                    if let Some(l) = out.twin_links.last_mut().filter(|_| input.twin.is_some()) {
                        l.empty = true;
                    }
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let html =
                    segment_html(h, range.start, input, &mut out, &mut current_seg, &mut raw);
                html_events.push(Event::Html(html.into()));
            }
            Event::Text(t) => {
                if input.search_text {
                    push_text(&mut section.text, t);
                }
                html_events.push(ev.clone());
            }
            Event::Code(t) => {
                if input.search_text {
                    push_text(&mut section.text, t);
                }
                html_events.push(ev.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                if input.search_text {
                    push_text(&mut section.text, " ");
                }
                html_events.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                if input.search_text {
                    push_text(&mut section.text, " ");
                }
                html_events.push(ev.clone());
            }
            _ => html_events.push(ev.clone()),
        }
        i += 1;
    }
    end_raw_html(&mut raw, &mut html_events, &mut out);
    if let Some(close) = tabs.get(&events.len()) {
        html_events.push(Event::Html(close.clone().into()));
    }
    flush_section(&mut out, &mut section);
    html::push_html(&mut out.html, html_events.into_iter());
    crate::postprocess::table_align_classes(&mut out.html);
    // A built site keeps every page's HTML and text until the pages and the
    // search index are written; strings grown by doubling hold up to twice
    // their length. Trimming them (and the search index keeping snippets,
    // not texts) took the corpus build's peak from 58 to 52 MiB.
    out.html.shrink_to_fit();
    out.sections.shrink_to_fit();
    for s in &mut out.sections {
        s.text.shrink_to_fit();
    }
    out
}

/// Ends inline formatting rather than a block: raw HTML state (an open
/// `<script>` whose text follows as Markdown) lasts until the block ends.
fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Closes the raw HTML of a block: what the sanitizer still held is written.
fn end_raw_html(raw: &mut Sanitizer, html_events: &mut Vec<Event>, out: &mut Rendered) {
    let mut rest = String::new();
    raw.finish(&mut rest, &mut out.removed);
    if !rest.is_empty() {
        html_events.push(Event::Html(rest.into()));
    }
}

fn flush_section(out: &mut Rendered, section: &mut Section) {
    let len = section.text.trim_end().len();
    section.text.truncate(len);
    if !section.text.is_empty() || !section.heading.is_empty() {
        out.sections.push(Section {
            heading: std::mem::take(&mut section.heading),
            id: std::mem::take(&mut section.id),
            text: std::mem::take(&mut section.text),
        });
    }
    section.text.clear();
}

/// Appends text to a section's plain text with white space collapsed as it
/// goes (one space between words, none at the start), so a section is
/// scanned once.
fn push_text(buf: &mut String, t: &str) {
    let mut space = buf.ends_with(' ') || buf.is_empty();
    let mut run = 0; // start of the current run of non-space text
    let bytes = t.as_bytes();
    let mut i = 0;
    // Bytes, not chars: most text is ASCII, and a multi-byte character is
    // decoded only to ask whether it is white space (U+00A0 and the like).
    while i < bytes.len() {
        let b = bytes[i];
        let (white, len) = if b.is_ascii() {
            (matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c), 1)
        } else {
            match t[i..].chars().next() {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => break,
            }
        };
        if white {
            if run < i {
                buf.push_str(&t[run..i]);
                space = false;
            }
            if !space {
                buf.push(' ');
                space = true;
            }
            run = i + len;
        }
        i += len;
    }
    if run < t.len() {
        buf.push_str(&t[run..]);
    }
}

/// Runs of white space become one space; none at the ends.
fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// pulldown-cmark splits text at characters it might have treated as markup;
/// the DocFX recognisers want whole runs.
fn merge_text(events: &mut Vec<(Event, std::ops::Range<usize>)>) {
    let mut merged: Vec<(Event, std::ops::Range<usize>)> = Vec::with_capacity(events.len());
    for (ev, range) in events.drain(..) {
        if let (Event::Text(t), Some((Event::Text(prev), prev_range))) = (&ev, merged.last_mut()) {
            let joined = format!("{prev}{t}");
            *prev = joined.into();
            prev_range.end = range.end;
            continue;
        }
        merged.push((ev, range));
    }
    *events = merged;
}

/// The index of the event that closes the one that starts at `start`.
fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (ev, _)) in events.iter().enumerate().skip(start) {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// `<a name="x"></a>` (or `<a id="x">`) at the start of a heading: returns
/// `x` and the heading's events without the anchor.
fn strip_name_anchor<'a>(
    inner: &[(Event<'a>, std::ops::Range<usize>)],
) -> (Option<String>, Vec<(Event<'a>, std::ops::Range<usize>)>) {
    let mut anchor = None;
    let mut out = Vec::with_capacity(inner.len());
    let mut skip_close = false;
    for (ev, r) in inner {
        if let Event::InlineHtml(h) = ev {
            if anchor.is_none() {
                if let Some(name) = anchor_name(h) {
                    anchor = Some(name);
                    skip_close = !h.trim_end().ends_with("/>");
                    continue;
                }
            }
            if skip_close && h.trim().eq_ignore_ascii_case("</a>") {
                skip_close = false;
                continue;
            }
        }
        out.push((ev.clone(), r.clone()));
    }
    (anchor, out)
}

/// The `name` or `id` of an `<a ...>` tag.
fn anchor_name(tag: &str) -> Option<String> {
    let t = tag.trim();
    if !(t.starts_with("<a ") || t.starts_with("<A ")) {
        return None;
    }
    attr(t, "name")
        .or_else(|| attr(t, "id"))
        .filter(|v| !v.is_empty() && !crate::sanitize::is_reserved_id(v))
}

/// The value of attribute `name` in a tag, quoted with `"` or `'`.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok =
            at > 0 && (bytes[at - 1] == b' ' || bytes[at - 1] == b'\t' || bytes[at - 1] == b'\n');
        let rest = tag[at + name.len()..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(rest.len());
            return Some(rest[..end].to_string());
        }
        let end = rest[1..].find(quote)?;
        return Some(rest[1..1 + end].to_string());
    }
    None
}

/// Plain text of inline events (for ids, "on this page", search).
fn plain_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    for (ev, _) in events {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    collapse_ws(&s)
}

/// Renders inline events (a heading's content) to HTML, resolving links and
/// segments the same way as the body.
fn render_inline(
    events: &[(Event, std::ops::Range<usize>)],
    input: &Input,
    out: &mut Rendered,
    current_seg: &mut Vec<usize>,
) -> String {
    let mut evs: Vec<Event> = Vec::with_capacity(events.len());
    let mut raw = Sanitizer::default();
    for (ev, range) in events {
        match ev {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                evs.extend(rewrite_dest(ev, range, input, out));
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let html = segment_html(h, range.start, input, out, current_seg, &mut raw);
                evs.push(Event::Html(html.into()))
            }
            _ => evs.push(ev.clone()),
        }
    }
    end_raw_html(&mut raw, &mut evs, out);
    let mut s = String::new();
    html::push_html(&mut s, evs.into_iter());
    s
}

/// Turns the segment markers into the hover/focus original; other raw HTML
/// (at byte `at` of the text) goes through the raw-HTML policy.
fn segment_html(
    h: &str,
    at: usize,
    input: &Input,
    out: &mut Rendered,
    current: &mut Vec<usize>,
    raw: &mut Sanitizer,
) -> String {
    let t = h.trim();
    if let Some(rest) = t.strip_prefix("<tolk-seg n=\"") {
        let n: usize = rest
            .split('"')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(usize::MAX);
        current.push(n);
        out.segments += 1;
        return match input.originals.get(n) {
            Some(_) => format!(
                "<span class=\"tolk-seg\" tabindex=\"0\" aria-describedby=\"tolk-orig-{n}\">"
            ),
            None => "<span class=\"tolk-seg\">".to_string(),
        };
    }
    if t == "</tolk-seg>" {
        let n = current.pop().unwrap_or(usize::MAX);
        return match input.originals.get(n) {
            Some(en) => format!(
                "</span><span class=\"tolk-orig\" id=\"tolk-orig-{n}\" role=\"tooltip\" lang=\"en\">{}</span>",
                inline_markdown(en, input)
            ),
            None => "</span>".to_string(),
        };
    }
    let mut s = String::with_capacity(h.len());
    raw.push(h, at, &mut s, &mut out.removed);
    s
}

/// Renders a short Markdown fragment (an English original) as inline HTML.
/// Its raw HTML goes through the same policy as the page's; what is removed
/// is reported where the English side renders it.
fn inline_markdown(md: &str, input: &Input) -> String {
    let mut raw = Sanitizer::default();
    let mut ignored = Vec::new();
    let mut events: Vec<Event> = Parser::new_ext(md, options())
        .filter(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .map(|e| match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = resolve(input.links, input.rel, &dest_url, input.lang)
                    .url(input.links, input.lang);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut s = String::new();
                raw.push(&h, 0, &mut s, &mut ignored);
                Event::InlineHtml(s.into())
            }
            other => other,
        })
        .collect();
    let mut rest = String::new();
    raw.finish(&mut rest, &mut ignored);
    events.push(Event::InlineHtml(rest.into()));
    let mut s = String::new();
    html::push_html(&mut s, events.into_iter());
    s.trim_end().to_string()
}

/// A link or image with its destination resolved (and the link recorded);
/// `None` for every other event.
fn rewrite_dest<'a>(
    ev: &Event<'a>,
    range: &std::ops::Range<usize>,
    input: &Input,
    out: &mut Rendered,
) -> Option<Event<'a>> {
    match ev {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let url = resolve_and_record(input, out, dest_url, range.clone(), *link_type);
            Some(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: url.into(),
                title: title.clone(),
                id: id.clone(),
            }))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let url = resolve_and_record(input, out, dest_url, range.clone(), *link_type);
            Some(Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: url.into(),
                title: title.clone(),
                id: id.clone(),
            }))
        }
        _ => None,
    }
}

fn resolve_and_record(
    input: &Input,
    out: &mut Rendered,
    dest: &str,
    range: std::ops::Range<usize>,
    link_type: LinkType,
) -> String {
    if matches!(link_type, LinkType::Email) {
        return format!("mailto:{dest}");
    }
    let (url, twin) = resolve_link(input, out, dest, range.start, range.len());
    twin_url(out, input, url, twin)
}

/// Resolves a link for the render's language and records it (and in a
/// twin render, for the twin's language too). Returns the URL, and the
/// twin's.
fn resolve_link(
    input: &Input,
    out: &mut Rendered,
    dest: &str,
    offset: usize,
    len: usize,
) -> (String, Option<String>) {
    let record = |lang: Lang, links: &mut Vec<Link>| {
        let target = resolve(input.links, input.rel, dest, lang);
        let url = target.url(input.links, lang);
        links.push(Link {
            href: dest.to_string(),
            target,
            offset,
            len,
            empty: false,
        });
        url
    };
    let url = record(input.lang, &mut out.links);
    let twin = input.twin.map(|t| record(t.lang, &mut out.twin_links));
    (url, twin)
}

impl LinkTarget {
    /// The URL to write in a page of language `lang`.
    pub fn url(&self, ctx: &LinkContext, lang: Lang) -> String {
        match self {
            LinkTarget::Page { path, anchor } => {
                let mut u = page_url(&ctx.base_path, lang, path);
                if let Some(a) = anchor {
                    u.push('#');
                    u.push_str(a);
                }
                u
            }
            LinkTarget::SamePage { anchor } => format!("#{anchor}"),
            LinkTarget::Asset { rel } => format!("{}{}", ctx.base_path, encode_path(rel)),
            LinkTarget::External { url, .. } => url.clone(),
            LinkTarget::Missing { path } => path.clone(),
            LinkTarget::Unsafe { .. } => "#".to_string(),
        }
    }
}

/// The URL of a page: `/base/nl-nl/request-credit/`.
pub fn page_url(base: &str, lang: Lang, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len() + 8);
    url.push_str(base);
    url.push_str(lang.code());
    url.push('/');
    if !path.is_empty() {
        push_encoded_path(&mut url, path);
        url.push('/');
    }
    url
}

/// Percent-encodes what may not stand in a URL path (spaces, quotes, non-ASCII).
pub fn encode_path(p: &str) -> String {
    let mut s = String::with_capacity(p.len());
    push_encoded_path(&mut s, p);
    s
}

/// Bytes that stand in a URL path as they are (RFC 3986 `pchar` and `/`,
/// less `'`, which would end a single-quoted attribute).
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'/'
                | b'!'
                | b'$'
                | b'&'
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'%'
        )
}

fn push_encoded_path(out: &mut String, p: &str) {
    if p.bytes().all(is_path_byte) {
        out.push_str(p);
        return;
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in p.bytes() {
        if is_path_byte(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// The language code that public docs sites use in their URLs.
fn external_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "nl-nl",
        Lang::En => "en-us",
    }
}

/// Is a URL with a scheme one a page may link to? Scripts (`javascript:`,
/// `vbscript:`) and inline documents (`data:`) are refused, whatever their
/// case or the white space and control characters browsers ignore in them.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    !(cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("data:"))
}

/// Has the string a URL scheme (`https:`, `mailto:`)?
fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => s[..i]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'),
        _ => false,
    }
}

/// Resolves a link written in the source file `from` (content-relative,
/// `a/b.md`).
pub fn resolve(ctx: &LinkContext, from: &str, href: &str, lang: Lang) -> LinkTarget {
    let href = href.trim();
    if let Some(anchor) = href.strip_prefix('#') {
        return LinkTarget::SamePage {
            anchor: anchor.to_string(),
        };
    }
    if has_scheme(href) || href.starts_with("//") {
        if !is_safe_url(href) {
            return LinkTarget::Unsafe {
                href: href.to_string(),
            };
        }
        return LinkTarget::External {
            url: href.to_string(),
            guessed: false,
        };
    }
    let (path_part, anchor) = match href.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (href, None),
    };
    let (path_part, _query) = path_part.split_once('?').unwrap_or((path_part, ""));
    // `my%20file.md` is how CommonMark writes a link to `my file.md`.
    let decoded = percent_decode(path_part);
    let path_part = decoded.as_str();
    let external = ctx.external_base.replace("{lang}", external_lang(lang));
    if let Some(rooted) = path_part.strip_prefix('/') {
        let prefix = ctx.site_prefix.trim_matches('/');
        if !prefix.is_empty() {
            if let Some(rest) = rooted
                .strip_prefix(prefix)
                .filter(|r| r.is_empty() || r.starts_with('/'))
            {
                let page = page_key(rest.trim_matches('/'));
                if ctx.pages.contains(&page) {
                    return LinkTarget::Page { path: page, anchor };
                }
            }
        }
        if external.is_empty() {
            return LinkTarget::External {
                url: href.to_string(),
                guessed: false,
            };
        }
        return LinkTarget::External {
            url: format!("{}{}", origin_with_lang(&external), href),
            guessed: true,
        };
    }
    // A relative link: resolve against the article's folder.
    let from_dir = match from.rfind('/') {
        Some(i) => &from[..i],
        None => "",
    };
    let dir_of_source = from_dir;
    let joined = if dir_of_source.is_empty() {
        path_part.to_string()
    } else {
        format!("{dir_of_source}/{path_part}")
    };
    let Some(normal) = normalize_path(&joined) else {
        // Climbs out of the content folder.
        if external.is_empty() {
            return LinkTarget::External {
                url: href.to_string(),
                guessed: false,
            };
        }
        let mut url = join_url(
            &external,
            &format!("{dir_of_source}/{}", strip_md(path_part)),
        );
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(&a);
        }
        return LinkTarget::External { url, guessed: true };
    };
    let lower = normal.to_ascii_lowercase();
    if lower.ends_with(".md") || normal.is_empty() || path_part.ends_with('/') {
        let page = page_key(&normal);
        if ctx.pages.contains(&page) {
            return LinkTarget::Page { path: page, anchor };
        }
        if !external.is_empty() {
            let mut url = format!("{}{}", external, strip_md(&normal));
            if let Some(a) = anchor {
                url.push('#');
                url.push_str(&a);
            }
            return LinkTarget::External { url, guessed: true };
        }
        return LinkTarget::Missing {
            path: href.to_string(),
        };
    }
    let page = page_key(&normal);
    if ctx.pages.contains(&page) {
        return LinkTarget::Page { path: page, anchor };
    }
    // Assets are known by their NFC paths (`content::walk`).
    LinkTarget::Asset {
        rel: crate::content::nfc(&normal).into_owned(),
    }
}

/// Decodes `%XX` escapes (invalid ones stay as written).
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a/b.md` → `a/b`, `a/index.md` → `a`.
fn page_key(p: &str) -> String {
    crate::content::page_path(p.trim_end_matches('/'))
}

fn strip_md(p: &str) -> &str {
    p.strip_suffix(".md").unwrap_or(p)
}

/// Folds `.` and `..`; `None` when the path climbs above its root.
fn normalize_path(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Joins a relative path onto a base URL that ends with `/`, folding `..`
/// against the base's own path, but never above its origin and locale
/// (`https://learn.microsoft.com/nl-nl`): a link that climbs out stays on the
/// docs site in the same language.
fn join_url(base: &str, rel: &str) -> String {
    let root = origin_with_lang(base);
    let path = base.strip_prefix(root.as_str()).unwrap_or("");
    let mut parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("{root}/{}", parts.join("/"))
}

/// `https://learn.microsoft.com/nl-nl/partner-center/` → `https://learn.microsoft.com/nl-nl`:
/// root-relative links on the docs site are relative to the locale.
fn origin_with_lang(external: &str) -> String {
    let Some(scheme_end) = external.find("://") else {
        return external.trim_end_matches('/').to_string();
    };
    let after = &external[scheme_end + 3..];
    let host_end = after
        .find('/')
        .map_or(external.len(), |i| scheme_end + 3 + i);
    let origin = &external[..host_end];
    let first_segment = external[host_end..]
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    if Lang::parse(first_segment).is_some() {
        format!("{origin}/{first_segment}")
    } else {
        origin.to_string()
    }
}

/// DocFX paragraphs: `:::image ...:::` and `[!INCLUDE [t](path)]`.
fn docfx_paragraph(
    inner: &[(Event, std::ops::Range<usize>)],
    input: &Input,
    out: &mut Rendered,
) -> Option<String> {
    let first = match inner.first() {
        Some((Event::Text(t), _)) => t.as_ref(),
        _ => return None,
    };
    if first.starts_with(":::image") {
        let all: String = inner
            .iter()
            .map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => t.to_string(),
                Event::SoftBreak => " ".into(),
                _ => String::new(),
            })
            .collect();
        let tag = all.trim();
        if !tag.ends_with(":::") {
            return None;
        }
        let source = attr(tag, "source").unwrap_or_default();
        let alt = attr(tag, "alt-text").unwrap_or_default();
        let (url, twin) = resolve_link(input, out, &source, inner[0].1.start, inner[0].1.len());
        let src = twin_html(out, input, escape_attr(&url), || {
            escape_attr(&twin.unwrap_or_default())
        });
        return Some(format!(
            "<figure class=\"image\"><img src=\"{src}\" alt=\"{}\" loading=\"lazy\"></figure>\n",
            escape_attr(&alt)
        ));
    }
    if first
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("[!INCLUDE")
    {
        let dest = inner.iter().find_map(|(e, _)| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })?;
        let from_dir = input.rel.rfind('/').map_or("", |i| &input.rel[..i]);
        let joined = if from_dir.is_empty() {
            dest.clone()
        } else {
            format!("{from_dir}/{dest}")
        };
        let key = crate::content::nfc(&normalize_path(&joined).unwrap_or_default()).into_owned();
        let (offset, len) = (
            inner[0].1.start,
            inner.last().map_or(0, |(_, r)| r.end) - inner[0].1.start,
        );
        let missing = format!(
            "<p class=\"include-missing\">[!INCLUDE {}]</p>\n",
            escape_html(&dest)
        );
        let Some(text) = input.links.includes.get(&key) else {
            out.include_problems.push(IncludeProblem {
                offset,
                len,
                cycle: false,
                message: format!("the included file `{dest}` does not exist (looked for content/{key}; includes live in a folder named `includes`)"),
            });
            return Some(missing);
        };
        let mut chain = vec![input.rel];
        let mut up = input.parent;
        while let Some(p) = up {
            chain.push(p.rel);
            up = p.parent;
        }
        if chain.contains(&key.as_str()) || input.depth >= MAX_INCLUDE_DEPTH {
            chain.reverse();
            chain.push(&key);
            out.include_problems.push(IncludeProblem {
                offset,
                len,
                cycle: true,
                message: if input.depth >= MAX_INCLUDE_DEPTH {
                    format!(
                        "includes nest more than {MAX_INCLUDE_DEPTH} deep: {}",
                        chain.join(" → ")
                    )
                } else {
                    format!("this include includes itself: {}", chain.join(" → "))
                },
            });
            return Some(missing);
        }
        // Checklists are compiled from the article's own blocks; a block in
        // an include stays a code block (its n-th index would name the
        // article's n-th checklist).
        let nested = render(&Input {
            text,
            rel: &key,
            depth: input.depth + 1,
            checklist: &|_| None,
            parent: Some(input),
            twin: None,
            ..*input
        });
        // A problem deep inside is reported at the include in this text,
        // the place the writer can see from here.
        for p in nested.include_problems {
            if !out.include_problems.iter().any(|q| q.message == p.message) {
                out.include_problems
                    .push(IncludeProblem { offset, len, ..p });
            }
        }
        // What the include lost is reported at the line that includes it.
        let at = inner[0].1.clone();
        out.removed
            .extend(nested.removed.into_iter().map(|r| Removed {
                offset: at.start,
                len: at.len(),
                what: format!("{} (in {key})", r.what),
            }));
        return Some(nested.html);
    }
    None
}

/// Tab sets: a run of headings whose only content is a link to `#tab/id`,
/// each followed by its panel, ended by a thematic break (`---`). Returns
/// the HTML to emit in place of each tab heading, keyed by event index; the
/// break that closes a set is rewritten too.
fn find_tab_sets(events: &[(Event, std::ops::Range<usize>)]) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    let tab_of = |i: usize| -> Option<(String, String)> {
        let Event::Start(Tag::Heading { .. }) = &events[i].0 else {
            return None;
        };
        let end = find_end(events, i);
        let (_, inner) = strip_name_anchor(&events[i + 1..end]);
        let href = inner.iter().find_map(|(e, _)| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })?;
        let id = slugify(href.strip_prefix("#tab/")?);
        Some((id, plain_text(&inner)))
    };
    let mut i = 0;
    let mut set_no = 0;
    while i < events.len() {
        if tab_of(i).is_none() {
            i += 1;
            continue;
        }
        // Collect the set: tab headings up to a Rule at the same depth.
        let mut heads = Vec::new();
        let mut j = i;
        let mut depth = 0i32;
        let mut close_at = None;
        let mut container_end = None;
        while j < events.len() {
            match &events[j].0 {
                Event::Start(Tag::Heading { .. }) if depth == 0 => {
                    if let Some(t) = tab_of(j) {
                        heads.push((j, t));
                    }
                    j = find_end(events, j);
                }
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth < 0 {
                        // The container the tabs stand in (a list item, a
                        // quote) ends: the set closes just before it.
                        container_end = Some(j);
                        break;
                    }
                }
                Event::Rule if depth == 0 => {
                    close_at = Some(j);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        set_no += 1;
        let tablist: String = heads
            .iter()
            .enumerate()
            .map(|(k, (_, (id, title)))| {
                format!(
                    "<button type=\"button\" role=\"tab\" id=\"tab-{set_no}-{id}\" aria-controls=\"panel-{set_no}-{id}\" aria-selected=\"{}\"{}>{}</button>",
                    k == 0,
                    if k == 0 { "" } else { " tabindex=\"-1\"" },
                    escape_html(title)
                )
            })
            .collect();
        for (k, (idx, (id, _))) in heads.iter().enumerate() {
            let mut html = String::new();
            if k == 0 {
                let _ = writeln!(
                    html,
                    "<div class=\"tabs\"><div role=\"tablist\">{tablist}</div>"
                );
            } else {
                html.push_str("</section>\n");
            }
            let _ = writeln!(
                html,
                "<section role=\"tabpanel\" id=\"panel-{set_no}-{id}\" aria-labelledby=\"tab-{set_no}-{id}\"{}>",
                if k == 0 { "" } else { " hidden" }
            );
            out.insert(*idx, html);
        }
        let end = close_at
            .or(container_end)
            .unwrap_or(j.min(events.len().saturating_sub(1)));
        if close_at.is_some() || container_end.is_some() {
            out.insert(end, "</section></div>\n".to_string());
        } else {
            // No closing `---`: the set ends with the article.
            out.insert(events.len(), "</section></div>\n".to_string());
        }
        i = end + 1;
    }
    out
}

/// Makes heading ids: the DocFX anchor when there is one, otherwise a slug of
/// the text; unique within the page (`-1`, `-2` appended).
#[derive(Default)]
struct IdMaker {
    used: HashSet<String>,
}

impl IdMaker {
    fn make(&mut self, anchor: Option<&str>, text: &str) -> String {
        let base = match anchor {
            Some(a) => a.to_string(),
            None => slugify(text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// A heading's text as an id: lowercase letters and digits (any script),
/// words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            s.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    s
}

/// Escapes text for an HTML text node.
pub fn escape_html(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for a quoted attribute.
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

/// One pass over the bytes; text without special characters is copied whole.
fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    escape_with(s, attr, |piece| out.push_str(piece));
    out
}

/// Escapes `s` for HTML text (and with `attr`, for a quoted attribute),
/// handing the pieces to `push`: what is between special characters is
/// passed whole, so a writer gets a few large writes and nothing is
/// allocated.
pub fn escape_with(s: &str, attr: bool, mut push: impl FnMut(&str)) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attr => "&quot;",
            b'\'' if attr => "&#39;",
            _ => continue,
        };
        if last < i {
            push(&s[last..i]);
        }
        push(entity);
        last = i + 1;
    }
    if last < s.len() {
        push(&s[last..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_text_collapses_white_space_as_it_is_pushed() {
        let mut buf = String::new();
        for part in [
            "  Een\n zin ",
            " met",
            "\u{a0}",
            "code",
            "  ",
            "en  meer.\n",
        ] {
            push_text(&mut buf, part);
        }
        assert_eq!(buf, "Een zin met code en meer. ");
        let mut section = Section {
            heading: "Kop".into(),
            id: "kop".into(),
            text: buf,
        };
        let mut out = Rendered::default();
        flush_section(&mut out, &mut section);
        assert_eq!(out.sections[0].text, "Een zin met code en meer.");
    }

    /// A twin render gives both pages exactly as two renders do: the same
    /// HTML, title, links (with their targets and places), headings and
    /// removed HTML, for documents pieced together from every construct
    /// that renders per language and many that do not.
    #[test]
    fn a_twin_render_equals_two_renders() {
        use proptest::prelude::*;
        let links = LinkContext {
            pages: ["a", "dir/b"].iter().map(|s| s.to_string()).collect(),
            base_path: "/docs/".into(),
            external_base: "https://learn.microsoft.com/{lang}/partner-center/".into(),
            site_prefix: "/partner-center/".into(),
            includes: BTreeMap::new(),
        };
        let nl_label = |key: &str| format!("{key} in het Nederlands <&>");
        let en_label = |key: &str| format!("{key} in English <&>");
        fn input<'a>(
            text: &'a str,
            lang: Lang,
            links: &'a LinkContext,
            label: &'a dyn Fn(&str) -> String,
            twin: Option<&'a Twin<'a>>,
        ) -> Input<'a> {
            Input {
                text,
                lang,
                rel: "dir/page.md",
                links,
                originals: &[],
                checklist: &|_| None,
                search_text: lang == Lang::Nl,
                twin,
                callout_label: label,
                depth: 0,
                parent: None,
            }
        }
        let same = |a: &Rendered, b: &Rendered| {
            a.html == b.html
                && a.title_html == b.title_html
                && a.title_text == b.title_text
                && a.title_id == b.title_id
                && format!("{:?}", a.links) == format!("{:?}", b.links)
                && format!("{:?}", a.toc) == format!("{:?}", b.toc)
                && a.ids == b.ids
                && format!("{:?}", a.removed) == format!("{:?}", b.removed)
        };
        let piece = proptest::sample::select(vec![
            "# Titel met [link](a.md)\n\n",
            "## Kop [b](b.md#x)\n\n",
            "Tekst met [een pagina](../a.md) en [extern](https://example.com/x?a=1&b='2').\n\n",
            "[elders](other.md) en [onbekend](../../x/y.md) en [anker](#kop)\n\n",
            "[root](/partner-center/a) [mail](<mailto:a@b.nl>) <x@y.nl> [js](javascript:alert(1))\n\n",
            "[leeg](a.md)[](dir/b.md)\n\n",
            "![plaatje](media/p.png \"titel\") ![extern](https://x.nl/é.png)\n\n",
            ":::image type=\"content\" source=\"media/a b.png\" alt-text=\"Een <b>\":::\n\n",
            "> [!NOTE]\n> Let op [dit](a.md).\n\n",
            "> [!WARNING]\n> Pas op.\n\n",
            "- punt met [link](a.md)\n- nog een\n\n",
            "| a | [b](a.md) |\n|---|---|\n| 1 | 2 |\n\n",
            "`code [x](a.md)`\n\n",
            "<b>vet</b> <script>x</script> <a href=\"a.md\">ruw</a>\n\n",
            "Tekst met %EE%80%8 erin?\n\n",
            "[met %EE](a%20b.md) [ü](ü.md)\n\n",
        ]);
        proptest!(ProptestConfig::with_cases(256), |(parts in proptest::collection::vec(piece, 0..8))| {
            let text = parts.concat();
            prop_assume!(may_twin(&text));
            let events = parse(&text);
            let twin = Twin { lang: Lang::En, callout_label: &en_label };
            let (nl, en) =
                render_twin(&events, &input(&text, Lang::Nl, &links, &nl_label, Some(&twin)));
            let nl_alone = render_parsed(&events, &input(&text, Lang::Nl, &links, &nl_label, None));
            let en_alone = render_parsed(&events, &input(&text, Lang::En, &links, &en_label, None));
            prop_assert!(same(&nl, &nl_alone), "nl:\n{}\n{}", nl.html, nl_alone.html);
            prop_assert!(same(&en, &en_alone), "en:\n{}\n{}", en.html, en_alone.html);
            prop_assert_eq!(&nl.sections.len(), &nl_alone.sections.len());
        });
        assert!(!may_twin("[!INCLUDE [x](includes/x.md)]"));
        assert!(!may_twin("[!include [x](x.md)]"));
        assert!(!may_twin("a %ee%80%81 b"));
        assert!(!may_twin("a \u{E000} b"));
        assert!(may_twin("gewone tekst"));
    }

    /// `push_text` reads bytes; it must collapse exactly as a plain
    /// `char::is_whitespace` scan does, for any text and any split of it.
    #[test]
    fn push_text_matches_a_char_by_char_scan() {
        use proptest::prelude::*;
        fn by_chars(buf: &mut String, t: &str) {
            let mut space = buf.ends_with(' ') || buf.is_empty();
            for c in t.chars() {
                if c.is_whitespace() {
                    if !space {
                        buf.push(' ');
                        space = true;
                    }
                } else {
                    buf.push(c);
                    space = false;
                }
            }
        }
        let piece = proptest::sample::select(vec![
            "a", "é", " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{2003}", "\u{3000}",
            "\u{85}", "x\u{300}", "€", "😀", "Zo", "\u{200b}",
        ]);
        let parts = proptest::collection::vec(proptest::collection::vec(piece, 0..12), 0..5);
        proptest!(ProptestConfig::with_cases(512), |(parts in parts)| {
            let (mut fast, mut slow) = (String::new(), String::new());
            for p in &parts {
                let p: String = p.concat();
                push_text(&mut fast, &p);
                by_chars(&mut slow, &p);
            }
            prop_assert_eq!(fast, slow);
        });
    }

    /// The URL encoder keeps exactly RFC 3986's path characters less `'`
    /// and writes everything else as `%XX`, byte by byte.
    #[test]
    fn encode_path_keeps_path_characters_and_escapes_the_rest() {
        use proptest::prelude::*;
        fn reference(p: &str) -> String {
            let mut s = String::new();
            for b in p.bytes() {
                if b.is_ascii_alphanumeric() || (b"-._~/!$&()*+,;=:@%".contains(&b)) {
                    s.push(char::from(b));
                } else {
                    s.push_str(&format!("%{b:02X}"));
                }
            }
            s
        }
        assert_eq!(encode_path("a b/é'\"x"), "a%20b/%C3%A9%27%22x");
        assert_eq!(page_url("/docs/", Lang::En, "a b"), "/docs/en/a%20b/");
        assert_eq!(page_url("/", Lang::Nl, ""), "/nl-nl/");
        proptest!(ProptestConfig::with_cases(512), |(p in "\\PC{0,40}")| {
            prop_assert_eq!(encode_path(&p), reference(&p));
        });
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(escape_html("a<b>&\"'"), "a&lt;b&gt;&amp;\"'");
        assert_eq!(escape_attr("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("Wat is Partner Center?"), "wat-is-partner-center");
        assert_eq!(slugify("Ärger über Café"), "ärger-über-café");
        assert_eq!(slugify("  --  "), "");
    }
}
