//! `[!INCLUDE [title](path)]`, as DocFX reads it (its `InclusionBlockParser`
//! and `HtmlInclusionInlineRenderer`):
//!
//! - a line that is only an include is a block include: it may interrupt a
//!   paragraph (the text before and after become paragraphs of their own),
//!   and stands alone in a list item or a callout;
//! - anywhere else (in a sentence, a table cell, a heading) it is an inline
//!   include: the file's text in place, without its paragraph;
//! - both spellings, `[!INCLUDE[x](p)]` and `[!INCLUDE [x](p)]`, any case.
//!
//! The path is resolved against the including file (an include's own
//! includes against the include); failing that, against the nearest
//! `includes/` folder above it and then any `includes/` folder of the
//! content tree, so `../../includes/x.md` written for a deeper folder
//! still finds `includes/x.md`.
//!
//! An include file is prepared once ([`prepare`]): its front matter is
//! dropped and its bilingual segments split, so its Dutch half shows on the
//! Dutch page (with the English original as tooltip, unless the include
//! stands inside a segment of the article, whose tooltip already holds the
//! whole English sentence) and its English half on the English page.
//! Each include is rendered once per variant (page language, side, with or
//! without tooltips) and kept in [`IncludeCache`]: a product name included
//! ten thousand times is rendered once per language.
//!
//! The parser knows nothing of includes: [`expand`] rewrites its events,
//! replacing each inline include by `Event::InlineMath(path)` and each block
//! include by `Event::DisplayMath(path)` (the math extension is off, so
//! pulldown-cmark never emits either).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::links::normalize_path;
use super::{Heading, IdMaker, IncludeProblem, Input, Rendered};
use crate::diagnostic::Diagnostic;
use crate::escape::{escape_attr, escape_html};
use crate::lang::Lang;

/// Includes nest at most this deep, which also ends include cycles.
const MAX_INCLUDE_DEPTH: usize = 8;

/// The most HTML that the includes of one text (an article, or an include
/// with includes of its own) may paste into it. Depth alone did not bound
/// it: seven levels of files that each include the next ten times are
/// 10 KB of Markdown and 10^7 copies of the last (10 GB of memory, a
/// 1.2 GB page). Real includes paste kilobytes.
const MAX_INCLUDED_HTML: usize = 4 << 20;

/// An include file, ready to render in either language.
#[derive(Debug, Clone, Default)]
pub struct IncludeText {
    /// The Dutch text, each segment marked `<tolk-seg n=K>` (as `segments`
    /// writes it), and the same without the markers.
    pub nl: String,
    pub nl_plain: String,
    /// The English text: the English half of each segment.
    pub en: String,
    /// The English original of each segment, by index.
    pub originals: Vec<String>,
}

/// Prepares an include file: front matter dropped (an include's own
/// `title`/`ms.topic` block is not text), segments split. `display` is
/// the path shown in diagnostics of the segments inside.
pub fn prepare(text: &str, display: &Path) -> (IncludeText, Vec<Diagnostic>) {
    let body = match crate::content::split_front_matter(text) {
        Ok(Some((_, body))) => body,
        _ => 0,
    };
    // The front matter is blanked, lines kept, so segment diagnostics keep
    // the include's own line numbers.
    let masked: String = text.as_bytes()[..body]
        .iter()
        .map(|&b| if b == b'\n' { '\n' } else { ' ' })
        .collect::<String>()
        + &text[body..];
    let split = crate::segments::split(&masked, display);
    let nl = split.nl.text.get(body..).unwrap_or("").to_string();
    let en = split.en.text.get(body..).unwrap_or("").to_string();
    let originals = split
        .segments
        .iter()
        .map(|s| s.en.clone().unwrap_or_default())
        .collect();
    let nl_plain = strip_markers(&nl);
    (
        IncludeText {
            nl,
            nl_plain,
            en,
            originals,
        },
        split.diagnostics,
    )
}

/// The text without the `<tolk-seg n="K">` and `</tolk-seg>` markers.
fn strip_markers(text: &str) -> String {
    const OPEN: &str = "<tolk-seg n=\"";
    const CLOSE: &str = "</tolk-seg>";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(j) = rest
        .find("<tolk-seg n=\"")
        .into_iter()
        .chain(rest.find(CLOSE))
        .min()
    {
        out.push_str(&rest[..j]);
        let after = &rest[j..];
        let skip = if after.starts_with(CLOSE) {
            CLOSE.len()
        } else {
            let digits = after[OPEN.len()..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let end = OPEN.len() + digits;
            if digits > 0 && after[end..].starts_with("\">") {
                end + 2
            } else {
                // Not a marker segments wrote: keep it as text.
                out.push('<');
                1
            }
        };
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// Renders of includes, shared by every article of a build (and by the
/// threads that compile them), and where each path from each folder led.
#[derive(Debug, Clone, Default)]
pub struct IncludeCache(Arc<Mutex<Cache>>);

#[derive(Debug, Default)]
struct Cache {
    /// By include key, then by [`variant`].
    renders: HashMap<String, [Option<Arc<Cached>>; 8]>,
    /// By folder of the including file, then by the path as written.
    resolved: HashMap<String, HashMap<String, Result<String, String>>>,
}

/// An include rendered in one variant, with what each use needs ready.
#[derive(Debug)]
pub(super) struct Cached {
    pub rendered: Rendered,
    /// The HTML of an inline use (its one paragraph unwrapped).
    inline_html: String,
    /// The plain text, for search (headings too, for a block use).
    inline_text: String,
    block_text: String,
    /// The HTML holds tooltip ids to number per use.
    marked: bool,
}

/// The slot of a variant: the page's language (links, callout labels),
/// which half of the segments, and tooltips or not.
fn variant(page: Lang, side: Lang, tooltips: bool) -> usize {
    usize::from(page == Lang::En) * 4 + usize::from(side == Lang::En) * 2 + usize::from(tooltips)
}

/// Marks the ids of tooltips in an include's HTML: the include's own
/// segment `n` is `tolk-orig-\u{E002}n`, and each use replaces the mark by
/// its number on the page, so one include used twice has distinct ids.
pub(super) const ID_MARK: &str = "\u{E002}";

/// Is `t` (ASCII case aside) `[!include` at `at`?
fn include_at(t: &str, at: usize) -> bool {
    t.as_bytes()
        .get(at..at + 9)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"[!include"))
}

/// The events with includes replaced by markers (see the module comment);
/// borrowed as they are when the text has none.
pub(super) fn expand<'a, 'e>(
    events: &'e [(Event<'a>, std::ops::Range<usize>)],
) -> Cow<'e, [(Event<'a>, std::ops::Range<usize>)]> {
    let any = events.iter().any(|(e, _)| match e {
        Event::Text(t) => {
            memchr::memchr_iter(b'!', t.as_bytes()).any(|i| i > 0 && include_at(t, i - 1))
        }
        _ => false,
    });
    if !any {
        return Cow::Borrowed(events);
    }
    let inline = inline_markers(events);
    Cow::Owned(block_markers(inline))
}

/// Replaces `[!INCLUDE` + link + `]` by `InlineMath(path)`.
fn inline_markers<'a>(
    events: &[(Event<'a>, std::ops::Range<usize>)],
) -> Vec<(Event<'a>, std::ops::Range<usize>)> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    // Text left over after the `]` of an include, to look at again.
    let mut carry: Option<(CowStr<'a>, std::ops::Range<usize>)> = None;
    while i < events.len() || carry.is_some() {
        let (ev, range) = match carry.take() {
            Some((t, r)) => (Event::Text(t), r),
            None => {
                let (e, r) = &events[i];
                i += 1;
                (e.clone(), r.clone())
            }
        };
        let Event::Text(t) = &ev else {
            out.push((ev, range));
            continue;
        };
        // `[!INCLUDE` (and spaces) must end this text and a link follow.
        let head = t.trim_end_matches([' ', '\t']);
        let Some(at) = head.len().checked_sub(9).filter(|&at| include_at(head, at)) else {
            out.push((ev, range));
            continue;
        };
        let Some((
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                ..
            }),
            _,
        )) = events.get(i)
        else {
            out.push((ev, range));
            continue;
        };
        let end = super::find_end(events, i);
        let after = match events.get(end + 1) {
            Some((Event::Text(a), r)) if a.starts_with(']') => Some((a, r)),
            _ => None,
        };
        let Some((after, after_range)) = after else {
            out.push((ev, range));
            continue;
        };
        // Offsets in the source: exact where the text is the source's own
        // bytes (no entities or escapes in it).
        let exact = range.len() == t.len();
        let start = if exact { range.start + at } else { range.start };
        if at > 0 {
            let prefix: CowStr = t[..at].to_string().into();
            out.push((Event::Text(prefix), range.start..start));
        }
        let after_exact = after_range.len() == after.len();
        let stop = if after_exact {
            after_range.start + 1
        } else {
            after_range.end
        };
        out.push((Event::InlineMath(dest_url.clone()), start..stop));
        let rest = &after[1..];
        if !rest.is_empty() {
            carry = Some((rest.to_string().into(), stop..after_range.end));
        }
        i = end + 2;
    }
    out
}

/// Turns an inline marker that is a line of its own in a paragraph or a
/// tight list item into a block marker: the paragraph is closed before it
/// and opened again after it, as DocFX's block parser interrupts it.
fn block_markers<'a>(
    events: Vec<(Event<'a>, std::ops::Range<usize>)>,
) -> Vec<(Event<'a>, std::ops::Range<usize>)> {
    let mut out: Vec<(Event<'a>, std::ops::Range<usize>)> = Vec::with_capacity(events.len());
    // The open containers, innermost last: is each a paragraph or an item?
    let mut open: Vec<bool> = Vec::new();
    let mut item: Vec<bool> = Vec::new();
    let mut reopen = false;
    for k in 0..events.len() {
        let (ev, range) = &events[k];
        if reopen {
            reopen = false;
            match ev {
                Event::SoftBreak | Event::HardBreak => {
                    out.push((Event::Start(Tag::Paragraph), range.clone()));
                    continue;
                }
                Event::End(TagEnd::Paragraph) => {
                    open.pop();
                    item.pop();
                    continue;
                }
                _ => {}
            }
        }
        match ev {
            Event::Start(tag) => {
                open.push(matches!(tag, Tag::Paragraph));
                item.push(matches!(tag, Tag::Item));
            }
            Event::End(_) => {
                open.pop();
                item.pop();
            }
            Event::InlineMath(dest) => {
                let line_start = matches!(
                    events.get(k.wrapping_sub(1)).map(|e| &e.0),
                    Some(
                        Event::SoftBreak
                            | Event::HardBreak
                            | Event::Start(Tag::Paragraph | Tag::Item)
                    )
                );
                let line_end = matches!(
                    events.get(k + 1).map(|e| &e.0),
                    Some(
                        Event::SoftBreak
                            | Event::HardBreak
                            | Event::End(TagEnd::Paragraph | TagEnd::Item)
                            | Event::Start(Tag::List(_))
                    )
                );
                let in_paragraph = open.last() == Some(&true);
                let in_item = item.last() == Some(&true);
                if line_start && line_end && (in_paragraph || in_item) {
                    if in_paragraph {
                        match out.last().map(|e| &e.0) {
                            Some(Event::Start(Tag::Paragraph)) => {
                                out.pop();
                            }
                            _ => {
                                out.pop(); // the line break before
                                out.push((Event::End(TagEnd::Paragraph), range.clone()));
                            }
                        }
                        reopen = true;
                    }
                    out.push((Event::DisplayMath(dest.clone()), range.clone()));
                    continue;
                }
            }
            _ => {}
        }
        out.push((ev.clone(), range.clone()));
    }
    out
}

/// Finds an include's file: the content-relative key, or the path looked
/// for.
/// Does `dest`, included from the file `from`, lead out of the content
/// folder (`../book.toml` from the top)?
fn climbs_out(from: &str, dest: &str) -> bool {
    let dest = dest.split(['#', '?']).next().unwrap_or(dest);
    let dest = super::links::percent_decode(dest);
    let from_dir = from.rfind('/').map_or("", |i| &from[..i]);
    let joined = if from_dir.is_empty() {
        dest
    } else {
        format!("{from_dir}/{dest}")
    };
    normalize_path(&joined).is_none()
}

fn resolve(
    includes: &BTreeMap<String, IncludeText>,
    from: &str,
    dest: &str,
) -> Result<String, String> {
    let dest = dest.split(['#', '?']).next().unwrap_or(dest);
    let dest = super::links::percent_decode(dest);
    let from_dir = from.rfind('/').map_or("", |i| &from[..i]);
    let joined = if from_dir.is_empty() {
        dest.clone()
    } else {
        format!("{from_dir}/{dest}")
    };
    let direct = normalize_path(&joined).map(|p| crate::content::nfc(&p).into_owned());
    if let Some(key) = direct.as_ref().filter(|k| includes.contains_key(*k)) {
        return Ok(key.clone());
    }
    let looked = direct.unwrap_or_else(|| dest.clone());
    // The part after the last `includes/` of the path, looked for in the
    // `includes/` folder nearest above the including file, then anywhere.
    let normal = crate::content::nfc(&dest).into_owned();
    let Some(rest) = normal
        .rfind("includes/")
        .filter(|&i| i == 0 || normal.as_bytes()[i - 1] == b'/')
        .map(|i| &normal[i + "includes/".len()..])
        .filter(|r| !r.is_empty())
    else {
        return Err(looked);
    };
    let mut dir = from_dir;
    loop {
        let key = if dir.is_empty() {
            format!("includes/{rest}")
        } else {
            format!("{dir}/includes/{rest}")
        };
        if includes.contains_key(&key) {
            return Ok(key);
        }
        if dir.is_empty() {
            break;
        }
        dir = dir.rfind('/').map_or("", |i| &dir[..i]);
    }
    let tail = format!("/includes/{rest}");
    includes
        .keys()
        .find(|k| k.ends_with(&tail))
        .cloned()
        .ok_or(looked)
}

/// One use of an include.
pub(super) struct Use<'u> {
    pub dest: &'u str,
    /// Where it stands in the including text.
    pub offset: usize,
    pub len: usize,
    pub inline: bool,
    /// Which half of the include's segments, and whether its segments get
    /// their tooltips.
    pub side: Lang,
    pub tooltips: bool,
}

/// What a use of an include puts on the page.
pub(super) struct Placed {
    pub html: String,
    inline: bool,
    /// The include's render (its headings, for a block include that is a
    /// section of its own).
    pub cached: Option<Arc<Cached>>,
}

impl Placed {
    /// Its plain text, for the search index.
    pub fn text(&self) -> &str {
        match &self.cached {
            Some(c) if self.inline => &c.inline_text,
            Some(c) => &c.block_text,
            None => "",
        }
    }
}

/// What kind of problem an include that cannot be placed is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// Missing: a warning.
    Warning,
    /// An error wherever the text is included from (too much HTML).
    Error,
    /// An error of the chain of includes it was rendered on (a cycle, too
    /// deep): a render that met one is not cached.
    OfTheChain,
}

/// The hint of an include that is only warned about.
const SHOWN_BY_NAME: &str = "the page shows the include's name in its place";

/// `"tolk-orig-` + [`ID_MARK`]: where a tooltip id of an include starts.
const MARKED_ID: &str = "\"tolk-orig-\u{E002}";

/// Renders one use of an include (from the cache when it can); problems
/// are recorded in `out` at the use.
pub(super) fn place(input: &Input, out: &mut Rendered, u: Use) -> Placed {
    // The include's name is left on the page; `how` says whether that
    // is an error, and whether one of the chain it was rendered on.
    let missing = |out: &mut Rendered, how: Problem, message: String, hint: &'static str| {
        out.include_problems.push(IncludeProblem {
            offset: u.offset,
            len: u.len,
            error: how != Problem::Warning,
            chained: how == Problem::OfTheChain,
            message,
            hint,
        });
        let shown = escape_html(u.dest);
        let html = if u.inline {
            format!("<span class=\"include-missing\">[!INCLUDE {shown}]</span>")
        } else {
            format!("<p class=\"include-missing\">[!INCLUDE {shown}]</p>\n")
        };
        Placed {
            html,
            inline: u.inline,
            cached: None,
        }
    };
    let cache = &input.links.include_cache.0;
    let from_dir = input.rel.rfind('/').map_or("", |i| &input.rel[..i]);
    let known = cache.lock().ok().and_then(|c| {
        c.resolved
            .get(from_dir)
            .and_then(|m| m.get(u.dest))
            .cloned()
    });
    let found = known.unwrap_or_else(|| {
        let r = resolve(&input.links.includes, input.rel, u.dest);
        if let Ok(mut c) = cache.lock() {
            c.resolved
                .entry(from_dir.to_string())
                .or_default()
                .insert(u.dest.to_string(), r.clone());
        }
        r
    });
    let key = match found {
        Ok(key) => key,
        Err(looked) => {
            // An article of the site named as an include: there, but not
            // an include (DocFX would paste it; tolk pastes only files of
            // an `includes` folder, which are not pages of their own).
            let article = looked
                .strip_suffix(".md")
                .is_some_and(|page| input.links.pages.contains(page));
            let message = if article {
                format!(
                    "`{}` is an article of this site, not an include: tolk includes only files in a folder named `includes`",
                    u.dest
                )
            } else if climbs_out(input.rel, u.dest) {
                // Not "does not exist": it may well exist, out of bounds.
                format!(
                    "the included file `{}` is outside the content folder; tolk includes only files inside it, in a folder named `includes`",
                    u.dest
                )
            } else {
                format!(
                    "the included file `{}` does not exist (looked for content/{looked}; includes live in a folder named `includes`)",
                    u.dest
                )
            };
            return missing(out, Problem::Warning, message, SHOWN_BY_NAME);
        }
    };
    let mut on_chain = input.rel == key;
    let mut up = input.parent;
    while let Some(p) = up {
        on_chain |= p.rel == key;
        up = p.parent;
    }
    if on_chain || input.depth >= MAX_INCLUDE_DEPTH {
        let mut chain = vec![input.rel];
        let mut up = input.parent;
        while let Some(p) = up {
            chain.push(p.rel);
            up = p.parent;
        }
        chain.reverse();
        chain.push(&key);
        let (message, hint) = if input.depth >= MAX_INCLUDE_DEPTH {
            (
                format!(
                    "includes nest more than {MAX_INCLUDE_DEPTH} deep: {}",
                    chain.join(" → ")
                ),
                "include fewer levels deep: paste the deepest files' text higher up",
            )
        } else {
            (
                format!("this include includes itself: {}", chain.join(" → ")),
                "an include cannot contain itself, directly or through others",
            )
        };
        return missing(out, Problem::OfTheChain, message, hint);
    }
    // An include whose render met a problem of the chain is not cached, so
    // each use would render it again, and each of its own uses again:
    // eight levels of ten uses each were 10^8 renders (hours). Within one
    // text it is rendered once; later uses repeat its problem.
    if let Some((_, message, hint)) = out.chain_failed.iter().find(|(k, ..)| *k == key) {
        let (message, hint) = (message.clone(), *hint);
        return missing(out, Problem::OfTheChain, message, hint);
    }
    let Some(text) = input.links.includes.get(&key) else {
        return missing(
            out,
            Problem::Warning,
            format!("the included file `{}` does not exist", u.dest),
            SHOWN_BY_NAME,
        );
    };
    let tooltips = u.tooltips && u.side == Lang::Nl;
    let slot = variant(input.lang, u.side, tooltips);
    let cached = cache
        .lock()
        .ok()
        .and_then(|c| c.renders.get(&key).and_then(|v| v[slot].clone()));
    let nested = match cached {
        Some(r) => r,
        None => {
            let source = match (u.side, tooltips) {
                (Lang::En, _) => &text.en,
                (Lang::Nl, true) => &text.nl,
                (Lang::Nl, false) => &text.nl_plain,
            };
            // Checklists are compiled from the article's own blocks; a
            // block in an include stays a code block (its n-th index would
            // name the article's n-th checklist).
            let rendered = super::render(&Input {
                text: source,
                text_lang: u.side,
                rel: &key,
                depth: input.depth + 1,
                checklist: &|_| None,
                parent: Some(input),
                twin: None,
                search_text: true,
                tooltips,
                originals: if tooltips { &text.originals } else { &[] },
                ..*input
            });
            let mut inline_text = String::new();
            let mut block_text = String::new();
            for s in &rendered.sections {
                for (buf, heading) in [(&mut inline_text, false), (&mut block_text, true)] {
                    if !buf.is_empty() {
                        buf.push(' ');
                    }
                    if heading && !s.heading.is_empty() {
                        buf.push_str(&s.heading);
                        buf.push(' ');
                    }
                    buf.push_str(&s.text);
                }
            }
            let r = Arc::new(Cached {
                inline_html: unwrap_paragraph(&rendered.html).to_string(),
                marked: rendered.html.contains(MARKED_ID),
                inline_text,
                block_text,
                rendered,
            });
            // A render that met a cycle depends on the chain it was
            // rendered on; any other is the same from every article.
            if let Some(p) = r.rendered.include_problems.iter().find(|p| p.chained) {
                out.chain_failed
                    .push((key.clone(), p.message.clone(), p.hint));
            } else if let Ok(mut c) = cache.lock() {
                c.renders.entry(key.clone()).or_default()[slot] = Some(Arc::clone(&r));
            }
            r
        }
    };
    let rendered = &nested.rendered;
    // A problem deep inside is reported at the include in this text, the
    // place the writer can see from here.
    for p in &rendered.include_problems {
        if !out.include_problems.iter().any(|q| q.message == p.message) {
            out.include_problems.push(IncludeProblem {
                offset: u.offset,
                len: u.len,
                error: p.error,
                chained: p.chained,
                message: p.message.clone(),
                hint: p.hint,
            });
        }
    }
    // What the include lost is reported at the line that includes it.
    out.removed
        .extend(rendered.removed.iter().map(|r| crate::sanitize::Removed {
            offset: u.offset,
            len: u.len,
            what: format!("{} (in {key})", r.what),
        }));
    let size = if u.inline {
        nested.inline_html.len()
    } else {
        rendered.html.len()
    };
    if out.included_html + size > MAX_INCLUDED_HTML {
        // The same from every article that includes this text: its render
        // is cached with the error (rendering it again per use cost ten
        // times the bound per level).
        return missing(
            out,
            Problem::Error,
            format!(
                "the includes of {} come to more than {} MiB of HTML, so `{}` is left out: an include is pasted many times over, or includes include each other many times",
                if input.depth == 0 { "this article".to_string() } else { format!("`{}`", input.rel) },
                MAX_INCLUDED_HTML >> 20,
                u.dest
            ),
            "paste each include once or a few times, or split the article",
        );
    }
    out.included_html += size;
    let mut html = if u.inline {
        nested.inline_html.clone()
    } else {
        rendered.html.clone()
    };
    if tooltips {
        out.segments += rendered.segments;
        if nested.marked {
            let prefix = if input.depth == 0 { "" } else { ID_MARK };
            let k = out.include_uses;
            out.include_uses += 1;
            html = html.replace(MARKED_ID, &format!("\"tolk-orig-{prefix}i{k}-"));
        }
    }
    Placed {
        html,
        inline: u.inline,
        cached: Some(nested),
    }
}

/// A block include's headings join the page: their ids made unique on it
/// (renamed in `html` where one was taken), and its H2s listed in "on this
/// page", as DocFX's outline lists every `h2` of the article; its deeper
/// headings (a footer banner's sub-headings) stay out.
pub(super) fn place_headings(
    mut html: String,
    nested: &Rendered,
    ids: &mut IdMaker,
    out: &mut Rendered,
) -> String {
    for id in &nested.ids {
        let unique = ids.make(Some(id), "");
        if unique != *id {
            let (old, new) = (escape_attr(id), escape_attr(&unique));
            html = html
                .replace(&format!("id=\"{old}\""), &format!("id=\"{new}\""))
                .replace(&format!("href=\"#{old}\""), &format!("href=\"#{new}\""));
        }
        if let Some(h) = nested.toc.iter().find(|h| h.id == *id && h.level == 2) {
            out.toc.push(Heading {
                id: unique.clone(),
                ..h.clone()
            });
        }
        out.ids.push(unique);
    }
    html
}

/// Inline events with each include replaced by its plain text (a heading
/// that names the product: its id, "on this page" and search hold the
/// name). Problems are reported where the heading is rendered, not here.
pub(super) fn as_text<'a>(
    events: &[(Event<'a>, std::ops::Range<usize>)],
    input: &Input,
) -> Vec<(Event<'a>, std::ops::Range<usize>)> {
    let mut scratch = Rendered::default();
    events
        .iter()
        .map(|(ev, r)| match ev {
            Event::InlineMath(dest) | Event::DisplayMath(dest) => {
                let placed = place(
                    input,
                    &mut scratch,
                    Use {
                        dest,
                        offset: r.start,
                        len: r.len(),
                        inline: true,
                        side: input.text_lang,
                        tooltips: false,
                    },
                );
                (Event::Text(placed.text().to_string().into()), r.clone())
            }
            _ => (ev.clone(), r.clone()),
        })
        .collect()
}

/// An include used inside text: its one paragraph without the `<p>`.
fn unwrap_paragraph(html: &str) -> &str {
    let t = html.trim_end();
    match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") && !inner.contains("</p>") => inner,
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_stripped_and_look_alikes_kept() {
        assert_eq!(
            strip_markers("a <tolk-seg n=\"12\">b</tolk-seg> <tolk-seg n=\"x\">c"),
            "a b <tolk-seg n=\"x\">c"
        );
    }

    /// Ten thousand uses over two articles: one render per variant, each
    /// use in place with its own tooltip ids.
    #[test]
    fn an_include_is_rendered_once_per_variant() {
        let (prod, diags) = prepare(
            "---\ntitle: x\n---\n<span data-ttu-id=\"p\">Zakelijk</span><span class=\"sxs-lookup\"><span data-stu-id=\"p\">Business</span></span>\n",
            Path::new("content/includes/prod.md"),
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            (prod.nl_plain.trim(), prod.en.trim()),
            ("Zakelijk", "Business")
        );
        let links = super::super::LinkContext {
            includes: [("includes/prod.md".to_string(), prod)]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let text = "Met [!INCLUDE[p](../includes/prod.md)] erin.\n\n".repeat(5_000);
        let nl_render = || {
            let cache = links.include_cache.0.lock().expect("cache");
            cache.renders["includes/prod.md"][variant(Lang::Nl, Lang::Nl, true)]
                .as_ref()
                .map(Arc::as_ptr)
        };
        let mut first = None;
        for (rel, lang) in [
            ("a/one.md", Lang::Nl),
            ("b/two.md", Lang::Nl),
            ("a/one.md", Lang::En),
        ] {
            let r = super::super::render(&Input {
                text: &text,
                lang,
                text_lang: lang,
                tooltips: lang == Lang::Nl,
                rel,
                links: &links,
                originals: &[],
                checklist: &|_| None,
                search_text: true,
                twin: None,
                callout_label: &|k| k.to_string(),
                depth: 0,
                parent: None,
            });
            let name = if lang == Lang::Nl {
                "Zakelijk"
            } else {
                "Business"
            };
            assert_eq!(r.html.matches(name).count(), 5_000, "{lang:?}");
            assert!(r.include_problems.is_empty());
            if lang == Lang::Nl {
                assert!(r.html.contains("id=\"tolk-orig-i4999-0\""));
                assert_eq!(r.segments, 5_000);
            }
            // The first article's render is the one every later use takes.
            first = first.or_else(nl_render);
            assert_eq!(nl_render(), first);
        }
        let cache = links.include_cache.0.lock().expect("cache");
        let slots = &cache.renders["includes/prod.md"];
        assert_eq!(
            slots.iter().flatten().count(),
            2,
            "Dutch with tooltips, English"
        );
        // Rendered once each: every use holds the same render.
        let nl = slots[variant(Lang::Nl, Lang::Nl, true)]
            .as_ref()
            .expect("nl");
        assert_eq!(Arc::strong_count(nl), 1, "no use keeps its own copy");
    }

    #[test]
    fn paths_fall_back_to_the_nearest_includes_folder() {
        let mut inc = BTreeMap::new();
        for k in ["includes/a.md", "x/includes/a.md", "y/z/includes/b.md"] {
            inc.insert(k.to_string(), IncludeText::default());
        }
        let r = |from: &str, dest: &str| resolve(&inc, from, dest);
        assert_eq!(r("p.md", "includes/a.md"), Ok("includes/a.md".into()));
        assert_eq!(
            r("x/y/p.md", "../../includes/a.md"),
            Ok("includes/a.md".into())
        );
        assert_eq!(
            r("x/y/p.md", "../../../includes/a.md"),
            Ok("x/includes/a.md".into())
        );
        assert_eq!(r("x/y/p.md", "includes/a.md"), Ok("x/includes/a.md".into()));
        assert_eq!(r("p.md", "includes/b.md"), Ok("y/z/includes/b.md".into()));
        assert_eq!(r("p.md", "includes/c.md"), Err("includes/c.md".into()));
        assert_eq!(r("p.md", "c.md"), Err("c.md".into()));
    }
}
