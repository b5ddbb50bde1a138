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
//! - `:::row:::`/`:::column:::` grids, `::: zone`s, `:::code` and
//!   `[!code-x[](path)]` from files (`blocks`); pipe tables whose rows
//!   disagree on their cell count, padded as Markdig pads them (`tables`);
//! - links: to the page of an article in the same language, or out of the site
//!   against the configured external base;
//! - `<tolk-seg n="K">`...`</tolk-seg>` (put there by `segments`): a sentence
//!   that shows its English original on hover and focus;
//! - ```` ```checklist ```` blocks: the form the caller renders for them;
//! - other fenced code: highlighted with classes (`highlight`).
//!
//! It returns the body HTML and what later stages need from the article: the
//! title, the headings for "on this page", the links for `tolk check`, and
//! plain text per section for search. It knows pages only through
//! [`LinkContext`]; it never reads files (includes come in the context).

mod alerts;
mod autolinks;
mod blocks;
mod headings;
mod highlight;
mod images;
mod includes;
mod links;
mod tables;
mod tabs;
mod twin;
mod video;

use std::collections::{BTreeMap, HashSet};

use pulldown_cmark::{
    html, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::lang::Lang;
use crate::sanitize::{Removed, Sanitizer};

pub use crate::escape::{escape_attr, escape_html, escape_with, is_safe_url};
pub use blocks::{code_path, code_sources, BlockProblem, CodeFiles};
pub use headings::{gfm_id, slugify};
pub use links::{encode_path, normalize_path, page_url, resolve, PageSet};
pub use twin::{may_twin, render_twin, Twin};

use headings::{strip_name_anchor, IdMaker};
pub use includes::{prepare as prepare_include, IncludeCache, IncludeText};
use tabs::find_tab_sets;
use twin::twin_url;

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
    pub pages: PageSet,
    /// The site's base path (`/` or `/docs/`).
    pub base_path: String,
    /// `https://learn.microsoft.com/{lang}/partner-center/`: relative links
    /// that leave the content folder, or name articles the site does not
    /// have, resolve against it.
    pub external_base: String,
    /// Root-relative links (`/partner-center/x`) under this prefix are links
    /// into the site.
    pub site_prefix: String,
    /// Files that `[!INCLUDE]` may pull in, by content-relative path
    /// ([`prepare_include`]).
    pub includes: BTreeMap<String, IncludeText>,
    /// Their renders, made once per language and shared by all articles.
    pub include_cache: IncludeCache,
    /// Files of the English content tree, published under `en/`: a link
    /// from an English source to one of them goes there (empty in the
    /// context Dutch text is rendered with).
    pub en_assets: HashSet<String>,
    /// The files `:::code` and `[!code-...]` show, by content-relative
    /// path (read by `site`: this module reads no files).
    pub code_files: CodeFiles,
}

/// Where a link in an article leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page of the site: its path, the query (`tabs=x`) and the anchor
    /// if any. `respelled` when the link named the file with other letter
    /// case or with `\` (docfx and case-insensitive disks forgive both;
    /// `tolk check` warns).
    Page {
        path: String,
        anchor: Option<String>,
        query: Option<String>,
        respelled: bool,
    },
    /// An anchor on the same page.
    SamePage { anchor: String },
    /// A file of the content folder (image, PDF), and what followed its
    /// path in the link (`?v=2`, `#page=3`), kept in the URL.
    Asset { rel: String, suffix: String },
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
    /// The link has no text (`[](x.md)`): the page shows its target as
    /// written, and `tolk check` warns (`empty-link-text`).
    pub empty: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// An error (a cycle, too deep, too much), not a warning.
    pub error: bool,
    /// It depends on the chain of includes the text was rendered on (a
    /// cycle, too deep): such a render is not cached.
    pub chained: bool,
    pub message: String,
    pub hint: &'static str,
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
    /// Every other `id` and `<a name>` in the body (a second `<a name>` in
    /// a heading, one on a line of its own, a tab, an image description):
    /// links may point at them too.
    pub targets: Vec<String>,
    pub links: Vec<Link>,
    pub sections: Vec<Section>,
    /// How many `<tolk-seg>` markers were rendered (a test counts them).
    pub segments: usize,
    /// `[!INCLUDE]`s that could not be rendered: byte offset and length of
    /// the include in this text (for one inside an include, the outermost
    /// one), whether it is an error (a cycle) or a warning (a missing file),
    /// and the message.
    pub include_problems: Vec<IncludeProblem>,
    /// Grid and zone directives out of place, code directives whose file
    /// or lines cannot be shown.
    pub block_problems: Vec<BlockProblem>,
    /// Raw HTML that the policy took out ([`crate::sanitize`]), at offsets
    /// of the rendered text like `links`.
    pub removed: Vec<Removed>,
    /// In a twin render ([`render_twin`]): each language-dependent value
    /// as it must appear in this language's HTML and in the twin's, by
    /// marker number; and the links as the twin's language resolves them.
    twin_values: Vec<(String, String)>,
    twin_links: Vec<Link>,
    /// Includes with tooltips placed so far (numbers their tooltip ids).
    include_uses: usize,
    /// Bytes of HTML that includes pasted so far (bounded:
    /// `includes::MAX_INCLUDED_HTML`).
    included_html: usize,
    /// Includes whose render met a problem of the chain (a cycle, too
    /// deep), with its message and hint: rendered once per text.
    chain_failed: Vec<(String, String, &'static str)>,
}

/// What the caller supplies for one render.
pub struct Input<'a> {
    pub text: &'a str,
    pub lang: Lang,
    /// The language `text` is written in: `lang`, except on the English
    /// page of an article with no English, which shows the Dutch text (an
    /// include there shows its Dutch half too).
    pub text_lang: Lang,
    /// Segments of includes show their English original on hover (a Dutch
    /// page); off on English pages and inside an article's own segment,
    /// whose tooltip already holds the whole English sentence.
    pub tooltips: bool,
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

/// Renders one language's text of an article.
pub fn render(input: &Input) -> Rendered {
    render_parsed(&parse(input.text), input)
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
    let mut events: Events = merged(Parser::new_ext(text, options()).into_offset_iter());
    // Tables whose rows disagree on their number of cells: Markdig pads
    // them, pulldown-cmark leaves them text (`tables`). Those that stand
    // in code or raw HTML stay as they are.
    // DocFX's directive lines (grids, zones, code from files) stand as
    // paragraphs of their own (`blocks`).
    let mut edits = blocks::edits(text);
    let mut found = tables::candidates(text);
    found.retain(|c| {
        !events.iter().any(|(e, r)| {
            matches!(e, Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock))
                && r.contains(&c.delimiter_at)
        })
    });
    edits.extend(found.into_iter().flat_map(tables::Candidate::edits));
    if !edits.is_empty() {
        let (padded, offsets) = tables::apply(text, edits);
        events = merged(
            Parser::new_ext(&padded, options())
                .into_offset_iter()
                .map(|(e, r)| {
                    let start = offsets.original(r.start);
                    (e.into_static(), start..offsets.original(r.end).max(start))
                }),
        );
    }
    events
}

/// Renders parsed events; `input.text` must be the text they came from.
pub fn render_parsed(events: &[(Event, std::ops::Range<usize>)], input: &Input) -> Rendered {
    let expanded = includes::expand(events);
    let events: &[(Event, std::ops::Range<usize>)] = &expanded;
    let mut out = Rendered::default();
    let mut ids = IdMaker::default();
    let mut checklist_index = 0;
    let mut current_seg: Vec<usize> = Vec::new();
    let mut html_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut section = Section::default();
    let mut raw = Sanitizer::default();
    let tabs = find_tab_sets(events);
    let mut open_images: Vec<String> = Vec::new();
    // For each open quote without an alert kind: is it a `[!div]`?
    let mut quotes: Vec<bool> = Vec::new();
    // Inside a link or image (no autolinks there), inside a code block.
    let (mut in_link, mut in_code) = (0usize, 0usize);
    // Inside a callout (a second alert marker there starts a new one).
    let mut in_callout = 0usize;
    // Open grids and zones.
    let mut grid = blocks::State::default();
    let mut i = 0;
    while i < events.len() {
        let (ev, range) = &events[i];
        match ev {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => grid.depth += 1,
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => {
                end_raw_html(&mut raw, &mut html_events, &mut out);
                let close = grid.end_container(&mut out);
                if !close.is_empty() {
                    html_events.push(Event::Html(close.into()));
                }
            }
            _ => {}
        }
        if let Event::End(end) = ev {
            if !is_inline_end(end) {
                end_raw_html(&mut raw, &mut html_events, &mut out);
                // A complex image's description without its
                // `:::image-end:::` ends with the block it stands in.
                while let Some(close) = open_images.pop() {
                    html_events.push(Event::InlineHtml(close.into()));
                }
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
                // An include in a heading counts with its text (docfx derives
                // the id from the rendered heading).
                let with_includes;
                let words: &[(Event, std::ops::Range<usize>)] =
                    if inner.iter().any(|(e, _)| matches!(e, Event::InlineMath(_))) {
                        with_includes = includes::as_text(&inner, input);
                        &with_includes
                    } else {
                        &inner
                    };
                let text = plain_text(words);
                let id = ids.make(anchor.as_deref(), &headings::id_text(words));
                let inner_html = render_inline(&inner, input, &mut out, &mut current_seg);
                let lvl = *level as u8;
                if lvl == 1 && out.title_html.is_none() {
                    out.title_html = Some(inner_html);
                    out.title_text = Some(text.clone());
                    out.title_id = Some(id.clone());
                } else {
                    let id_attr = escape_attr(&id);
                    // The link's `#` is hidden from assistive technology:
                    // as plain text it began every heading's accessible name
                    // ("# Overwegingen"). In the markup, not the stylesheet,
                    // so that a site's own style.css keeps it.
                    html_events.push(Event::Html(
                        format!(
                            "<h{lvl} id=\"{id_attr}\"><a class=\"anchor\" href=\"#{id_attr}\" aria-labelledby=\"{id_attr}\"><span aria-hidden=\"true\">#</span></a>{inner_html}</h{lvl}>\n"
                        )
                        .into(),
                    ));
                    if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) && !grid.hidden() {
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
                let div = matches!(end, TagEnd::BlockQuote(None)) && quotes.pop() == Some(true);
                if matches!(end, TagEnd::BlockQuote(Some(_))) || div {
                    html_events.push(Event::Html("</div>\n".into()));
                } else {
                    html_events.push(ev.clone());
                }
            }
            Event::Rule if tabs.contains_key(&i) => {
                html_events.push(Event::Html(tabs[&i].clone().into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let open = alerts::open(*kind, input, &mut out);
                html_events.push(Event::Html(open.into()));
                in_callout += 1;
            }
            // A second marker (`[!TIP]`) inside a callout starts a new one,
            // as in docfx.
            Event::Start(Tag::Paragraph)
                if in_callout > 0 && alerts::marker(events, i).is_some() =>
            {
                if let Some((kind, next)) = alerts::marker(events, i) {
                    html_events.push(Event::Html("</div>\n".into()));
                    let open = alerts::open(kind, input, &mut out);
                    html_events.push(Event::Html(open.into()));
                    if matches!(events.get(next), Some((Event::End(TagEnd::Paragraph), _))) {
                        i = next + 1;
                    } else {
                        html_events.push(ev.clone());
                        i = next;
                    }
                    continue;
                }
            }
            Event::Start(Tag::BlockQuote(None)) => {
                if let Some((html, next)) = video::blockquote(events, i, input, &mut out) {
                    html_events.push(Event::Html(html.into()));
                    i = next;
                    continue;
                }
                if let Some((html, next)) = alerts::div_open(events, i) {
                    html_events.push(Event::Html(html.into()));
                    quotes.push(true);
                    i = next;
                    continue;
                }
                quotes.push(false);
                html_events.push(ev.clone());
            }
            Event::End(TagEnd::BlockQuote(None)) => {
                if quotes.pop() == Some(true) {
                    html_events.push(Event::Html("</div>\n".into()));
                } else {
                    html_events.push(ev.clone());
                }
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                in_callout = in_callout.saturating_sub(1);
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
                    in_code -= 1;
                    i = end + 1;
                    continue;
                }
                // No form for this block (inside an include): keep its text
                // as a code block rather than lose it.
                html_events.push(ev.clone());
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if highlight::knows(highlight::lang_of(info)) =>
            {
                let end = find_end(events, i);
                let mut code = String::new();
                for (e, _) in &events[i + 1..end] {
                    if let Event::Text(t) = e {
                        code.push_str(t);
                    }
                }
                if let Some(html) = highlight::block(highlight::lang_of(info), &code) {
                    if input.search_text {
                        push_text(&mut section.text, &code);
                    }
                    html_events.push(Event::Html(html.into()));
                    in_code -= 1;
                    i = end + 1;
                    continue;
                }
                // Too large, or the highlighter failed: plain, as before.
                html_events.push(ev.clone());
            }
            Event::Start(Tag::Paragraph) => {
                let end = find_end(events, i);
                let source = input.text.get(range.clone()).unwrap_or("").trim_start();
                if source.starts_with(":::") || source.starts_with("[!code") {
                    if let Some(html) =
                        blocks::paragraph(source, range.start, input, &mut out, &mut grid)
                    {
                        html_events.push(Event::Html(html.into()));
                        i = end + 1;
                        continue;
                    }
                }
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
                if let (true, Event::Start(Tag::Link { dest_url, .. })) = (empty, ev) {
                    if let Some(l) = out.links.last_mut() {
                        l.empty = true;
                    }
                    if let Some(l) = out.twin_links.last_mut().filter(|_| input.twin.is_some()) {
                        l.empty = true;
                    }
                    // `[](target)` (a translation that lost the link's
                    // words) would be an invisible link no one can click
                    // or hear: it shows its target as written instead, and
                    // `tolk check` says `empty-link-text`.
                    html_events.push(Event::Text(dest_url.to_string().into()));
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let html =
                    segment_html(h, range.start, input, &mut out, &mut current_seg, &mut raw);
                html_events.push(Event::Html(html.into()));
            }
            Event::Text(t) if images::has_triple_colon(t) => {
                // The run of text and line breaks from here: a DocFX
                // construct may span its lines.
                let mut end = i;
                let mut pieces = Vec::new();
                while let Some((e, r)) = events.get(end) {
                    match e {
                        Event::Text(t) => pieces.push((t.to_string(), r.start)),
                        Event::SoftBreak => pieces.push(("\n".to_string(), r.start)),
                        _ => break,
                    }
                    end += 1;
                }
                for e in images::inline_run(&pieces, input, &mut out, &mut open_images) {
                    if let (true, Event::Text(t)) = (input.search_text, &e) {
                        push_text(&mut section.text, t);
                    }
                    html_events.push(e);
                }
                i = end;
                continue;
            }
            // A segment marker in indented code (the scanner leaves only
            // fenced code alone) is not code: it goes, the code stays.
            Event::Text(t) if in_code > 0 && t.contains("tolk-seg") => {
                let code = strip_segment_markers(t);
                if input.search_text {
                    push_text(&mut section.text, &code);
                }
                html_events.push(Event::Text(code.into()));
            }
            Event::Text(t) if in_link == 0 && in_code == 0 && autolinks::may_have(t) => {
                if input.search_text {
                    push_text(&mut section.text, t);
                }
                autolinks::push(t, range.start, input, &mut out, &mut html_events);
            }
            // An include (`includes::expand` put the markers there).
            Event::InlineMath(dest) | Event::DisplayMath(dest) => {
                let inline = matches!(ev, Event::InlineMath(_));
                if !inline {
                    end_raw_html(&mut raw, &mut html_events, &mut out);
                }
                let placed = includes::place(
                    input,
                    &mut out,
                    includes::Use {
                        dest,
                        offset: range.start,
                        len: range.len(),
                        inline,
                        side: input.text_lang,
                        tooltips: input.tooltips && current_seg.is_empty(),
                    },
                );
                if input.search_text {
                    push_text(&mut section.text, placed.text());
                    if !inline {
                        push_text(&mut section.text, " ");
                    }
                }
                let html = match placed.cached.as_deref().filter(|_| !inline) {
                    Some(nested) => {
                        includes::place_headings(placed.html, &nested.rendered, &mut ids, &mut out)
                    }
                    None => placed.html,
                };
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
    let close = grid.finish(&mut out);
    if !close.is_empty() {
        html_events.push(Event::Html(close.into()));
    }
    if let Some(close) = tabs.get(&events.len()) {
        html_events.push(Event::Html(close.clone().into()));
    }
    flush_section(&mut out, &mut section);
    html::push_html(&mut out.html, html_events.into_iter());
    crate::postprocess::table_align_classes(&mut out.html);
    out.targets = html_targets(&out.html, &out.ids);
    if let Some(title) = &out.title_html {
        for t in html_targets(title, &out.ids) {
            if !out.targets.contains(&t) {
                out.targets.push(t);
            }
        }
    }
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

/// The values of the `id` and `name` attributes in `html` (as this module
/// and the sanitizer write tags: double-quoted, escaped), less `known` and
/// the tooltips' `tolk-orig-*`.
/// Text never holds `id="`: its `"` is written `&quot;`.
fn html_targets(html: &str, known: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    // Sets, not `Vec::contains`: 50,000 headings made this quadratic.
    // Made at the first id found: most pages' HTML has none.
    let mut known_set: Option<HashSet<&str>> = None;
    let mut seen: HashSet<String> = HashSet::new();
    let b = html.as_bytes();
    for needle in [&b" id=\""[..], &b" name=\""[..]] {
        for at in memchr::memmem::find_iter(b, needle) {
            let from = at + needle.len();
            let Some(len) = memchr::memchr(b'"', &b[from..]) else {
                continue;
            };
            // The tooltips of bilingual sentences (`tolk-orig-N`): a
            // page's own, hundreds on a long one, and never a place to
            // link to (no author id may start with `tolk-`, sanitize.rs).
            if b[from..].starts_with(b"tolk-orig-") {
                continue;
            }
            let raw = &html[from..from + len];
            let v = if raw.contains('&') {
                raw.replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
            } else {
                raw.to_string()
            };
            let known = known_set.get_or_insert_with(|| known.iter().map(String::as_str).collect());
            if !known.contains(v.as_str()) && seen.insert(v.clone()) {
                found.push(v);
            }
        }
    }
    found
}

/// `t` without the `<tolk-seg n="K">` and `</tolk-seg>` markers that
/// `segments` writes.
fn strip_segment_markers(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest
        .find("<tolk-seg n=\"")
        .or_else(|| rest.find("</tolk-seg>"))
    {
        let j = rest.find("</tolk-seg>").filter(|&j| j < i).unwrap_or(i);
        out.push_str(&rest[..j]);
        let after = &rest[j..];
        let len = if after.starts_with("</tolk-seg>") {
            "</tolk-seg>".len()
        } else {
            after.find("\">").map_or(after.len(), |k| k + 2)
        };
        rest = &after[len..];
    }
    out.push_str(rest);
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

/// The events, with adjacent texts joined: pulldown-cmark splits text at
/// characters it might have treated as markup (`\\*`, `&amp;`, `[`), and
/// the DocFX recognisers want whole runs.
///
/// Joined as they arrive, so the split pieces are never all held (a line
/// of 400,000 `\\*` is 800,000 of them), and each run is copied once:
/// joining them two by two after collecting copied the run so far each
/// time (that line took 23 s; now a quarter of a second).
fn merged<'a>(events: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>) -> Events<'a> {
    let mut out: Events = Vec::new();
    // The run of texts so far, when it has more than one piece: it
    // replaces the text that `out` ends with.
    let mut run: Option<String> = None;
    for (event, range) in events {
        if let (Event::Text(t), Some((Event::Text(first), so_far))) = (&event, out.last_mut()) {
            run.get_or_insert_with(|| first.to_string()).push_str(t);
            so_far.end = range.end;
            continue;
        }
        end_run(&mut out, &mut run);
        out.push((event, range));
    }
    end_run(&mut out, &mut run);
    out
}

fn end_run(out: &mut Events, run: &mut Option<String>) {
    if let (Some(joined), Some((last, _))) = (run.take(), out.last_mut()) {
        *last = Event::Text(joined.into());
    }
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
            Event::InlineMath(dest) | Event::DisplayMath(dest) => {
                let placed = includes::place(
                    input,
                    out,
                    includes::Use {
                        dest,
                        offset: range.start,
                        len: range.len(),
                        inline: true,
                        side: input.text_lang,
                        tooltips: input.tooltips && current_seg.is_empty(),
                    },
                );
                evs.push(Event::Html(placed.html.into()));
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
        // In an include, ids carry a mark each use replaces by its number.
        let mark = if input.depth > 0 {
            includes::ID_MARK
        } else {
            ""
        };
        return match input.originals.get(n) {
            Some(_) => format!(
                "<span class=\"tolk-seg\" tabindex=\"0\" aria-describedby=\"tolk-orig-{mark}{n}\">"
            ),
            None => "<span class=\"tolk-seg\">".to_string(),
        };
    }
    if t == "</tolk-seg>" {
        let n = current.pop().unwrap_or(usize::MAX);
        let mark = if input.depth > 0 {
            includes::ID_MARK
        } else {
            ""
        };
        return match input.originals.get(n) {
            Some(en) => format!(
                "</span><span class=\"tolk-orig\" id=\"tolk-orig-{mark}{n}\" role=\"tooltip\" lang=\"en\">{}</span>",
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
    // The half stands inside a sentence: a leading `- `, `1. `, `#` or `>`
    // is text there, as it is in its Dutch half, never a list or heading
    // (block HTML inside the inline tooltip would close the paragraph).
    let md = inline_only(md);
    let parsed = parse(&md);
    // An include in the original shows its English half, plain (what it
    // lost or lacks is reported where the Dutch text uses it).
    let mut scratch = Rendered::default();
    let mut events: Vec<Event> = includes::expand(&parsed)
        .iter()
        .map(|(e, _)| e.clone())
        .filter(|e| !is_block(e))
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
        .map(|e| match e {
            Event::InlineMath(dest) | Event::DisplayMath(dest) => {
                let placed = includes::place(
                    input,
                    &mut scratch,
                    includes::Use {
                        dest: &dest,
                        offset: 0,
                        len: 0,
                        inline: true,
                        side: Lang::En,
                        tooltips: false,
                    },
                );
                Event::InlineHtml(placed.html.into())
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

/// `md` with every line's block marker escaped (`- x` → `\- x`, `1. x` →
/// `1\. x`, `# x`, `> x`, `| x`, `+ x`, `* x`, `---`) and leading spaces (an
/// indented code block) dropped, so Markdown reads it as inline text.
fn inline_only(md: &str) -> std::borrow::Cow<'_, str> {
    let marker = |line: &str| -> Option<usize> {
        let b = line.as_bytes();
        match b.first()? {
            b'#' | b'>' | b'|' => Some(0),
            // A list item, or a line of `-`/`=` (a setext underline, a rule).
            b'-' | b'+' | b'*' if b.len() == 1 || matches!(b[1], b' ' | b'\t') => Some(0),
            c @ (b'-' | b'=') if line.trim_end().bytes().all(|x| x == *c) => Some(0),
            b'0'..=b'9' => {
                let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
                matches!(b.get(digits), Some(b'.' | b')')).then_some(digits)
            }
            b'`' | b'~' if line.starts_with("```") || line.starts_with("~~~") => Some(0),
            _ => None,
        }
    };
    if md
        .lines()
        .all(|l| l == l.trim_start() && marker(l).is_none())
    {
        return std::borrow::Cow::Borrowed(md);
    }
    let mut out = String::with_capacity(md.len() + 8);
    for (k, line) in md.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let line = line.trim_start();
        match marker(line) {
            Some(at) => {
                out.push_str(&line[..at]);
                out.push('\\');
                out.push_str(&line[at..]);
            }
            None => out.push_str(line),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A block-level start or end (and a rule): none of these may stand inside
/// an inline span.
fn is_block(e: &Event) -> bool {
    match e {
        Event::Start(t) => !matches!(
            t,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        ),
        Event::End(t) => !matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Rule | Event::TaskListMarker(_) => true,
        _ => false,
    }
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
    // pulldown-cmark's HTML writer adds an email autolink's `mailto:`.
    if matches!(link_type, LinkType::Email) {
        return dest.to_string();
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

/// DocFX paragraphs: `:::image ...:::` (includes are `includes::expand`'s).
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
        return images::paragraph(inner, input, out);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` rendered as a Dutch article `a.md` on its own.
    fn render_nl(text: &str) -> Rendered {
        let links = LinkContext::default();
        render(&Input {
            text,
            lang: Lang::Nl,
            rel: "a.md",
            links: &links,
            originals: &[],
            checklist: &|_| None,
            search_text: true,
            twin: None,
            callout_label: &|k| k.to_string(),
            depth: 0,
            parent: None,
            text_lang: Lang::Nl,
            tooltips: true,
        })
    }

    #[test]
    fn segment_markers_in_indented_code_do_not_leak() {
        let html = render_nl(
            "Tekst.\n\n    <tolk-seg n=\"0\">code()</tolk-seg> <tolk-seg n=\"1\">meer</tolk-seg>\n",
        )
        .html;
        assert!(
            html.contains("<pre><code>code() meer\n</code></pre>"),
            "{html}"
        );
        assert!(!html.contains("tolk-seg"), "{html}");
    }

    /// A quote whose first text has a multi-byte character at the fifth
    /// byte is no `[!div` marker, and no panic (the markdown fuzz target
    /// found `[!Ny\u{a0}queries…` in CI).
    #[test]
    fn a_quote_like_a_marker_with_a_wide_character_stays_a_quote() {
        let r = render_nl("> [!Ny\u{a0}queries]\n");
        assert!(
            r.html.contains("<blockquote>") && r.html.contains("[!Ny\u{a0}queries]"),
            "{}",
            r.html
        );
    }

    #[test]
    fn a_link_without_words_shows_its_target() {
        let r = render_nl(
            "Volg [](https://example.org/gids) de gids of [de video](https://example.org/v).\n",
        );
        assert!(
            r.html.contains(
                "<a href=\"https://example.org/gids\">https://example.org/gids</a> de gids of <a href=\"https://example.org/v\">de video</a>"
            ),
            "{}",
            r.html
        );
        assert_eq!(
            r.links.iter().map(|l| l.empty).collect::<Vec<_>>(),
            [true, false]
        );
    }

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
}
