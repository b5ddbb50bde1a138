//! `:::image type="content" source="..." alt-text="...":::`: DocFX's image,
//! as a block (a paragraph that is only the image: a figure) or inline
//! (anywhere in text: after a line of a paragraph, on a list item's
//! continuation line, in a sentence, in a table cell, several in a row).
//!
//! As docfx renders it (`ImageExtension.cs`): `type` is `content` (the
//! default), `icon` (decorative: `role="presentation"`, empty alt, no
//! border) or `complex` (a long description up to `:::image-end:::`,
//! visually hidden and named by the image's `aria-describedby`);
//! `lightbox="full.png"` links the image to its full-size file; `link="url"`
//! links it elsewhere; `border` (default true but for icons) frames it.

use pulldown_cmark::Event;

use super::twin::twin_html;
use super::{attr, resolve_link, Input, Rendered};
use crate::escape::{escape_attr, escape_html};

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(super) enum Kind {
    Content,
    Icon,
    Complex,
}

/// The attributes of one `:::image ...:::` tag.
#[derive(Debug)]
pub(super) struct Image {
    pub source: String,
    pub alt: String,
    pub kind: Kind,
    pub lightbox: Option<String>,
    pub link: Option<String>,
    pub border: bool,
}

/// Reads the attributes of a tag (`:::image ...:::`, its text as written).
pub(super) fn parse_tag(tag: &str) -> Image {
    let kind = match attr(tag, "type").as_deref().map(str::trim) {
        Some("icon") => Kind::Icon,
        Some("complex") => Kind::Complex,
        _ => Kind::Content,
    };
    let border = match attr(tag, "border").as_deref().map(str::trim) {
        Some("true") => true,
        Some("false") => false,
        _ => kind != Kind::Icon,
    };
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Image {
        // A trailing space in `source="a.png "` is a typo, not part of the
        // file name (docfx trims it too).
        source: attr(tag, "source").unwrap_or_default().trim().to_string(),
        alt: attr(tag, "alt-text").unwrap_or_default(),
        kind,
        lightbox: nonempty(attr(tag, "lightbox")),
        link: nonempty(attr(tag, "link")),
        border,
    }
}

/// A resolved URL of the image (its source, lightbox or link), recorded as
/// a link of the page at `offset`, and escaped for an attribute.
fn url(input: &Input, out: &mut Rendered, dest: &str, offset: usize, len: usize) -> String {
    let (url, twin) = resolve_link(input, out, dest, offset, len);
    twin_html(out, input, escape_attr(&url), || {
        escape_attr(&twin.unwrap_or_default())
    })
}

/// The HTML of an image: what comes before its long description and what
/// closes it (for a complex image the description goes between them; for
/// the others the second part closes the wrappers). `id` names the
/// description of a complex image. `block` wraps it in a figure, else in a
/// span (inside a paragraph).
pub(super) fn render(
    img: &Image,
    offset: usize,
    len: usize,
    block: bool,
    id: &str,
    input: &Input,
    out: &mut Rendered,
) -> (String, String) {
    let src = url(input, out, &img.source, offset, len);
    let mut open = String::new();
    let mut close = String::new();
    let (wrap, end_wrap) = if block {
        ("<figure class=\"image\">", "</figure>\n")
    } else if img.kind == Kind::Icon {
        ("", "")
    } else {
        ("<span class=\"image\">", "</span>")
    };
    open.push_str(wrap);
    let anchor = match (&img.link, &img.lightbox) {
        (Some(link), _) => Some(format!(
            "<a href=\"{}\">",
            url(input, out, link, offset, len)
        )),
        (None, Some(full)) => Some(format!(
            "<a class=\"lightbox\" href=\"{}\">",
            url(input, out, full, offset, len)
        )),
        _ => None,
    };
    if let Some(a) = &anchor {
        open.push_str(a);
    }
    let border = if img.border { " class=\"border\"" } else { "" };
    if img.kind == Kind::Icon {
        open.push_str(&format!(
            "<img src=\"{src}\" alt=\"\" role=\"presentation\"{border}>"
        ));
    } else {
        let described = if img.kind == Kind::Complex {
            format!(" aria-describedby=\"{}\"", escape_attr(id))
        } else {
            String::new()
        };
        open.push_str(&format!(
            "<img src=\"{src}\" alt=\"{}\"{border}{described} loading=\"lazy\">",
            escape_attr(&img.alt)
        ));
    }
    if anchor.is_some() {
        open.push_str("</a>");
    }
    if img.kind == Kind::Complex {
        let tag = if block { "div" } else { "span" };
        open.push_str(&format!(
            "<{tag} id=\"{}\" class=\"visually-hidden\">",
            escape_attr(id)
        ));
        close.push_str(&format!("</{tag}>"));
    }
    close.push_str(end_wrap);
    (open, close)
}

/// The id of a complex image's description, as docfx writes it: the
/// tag's line and column in the text (both from 0, Markdig's).
pub(super) fn description_id(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count();
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    format!("{line}-{column}")
}

/// A paragraph that is only an image (a complex one with its description
/// and `:::image-end:::`), as a figure. `None` when the paragraph holds
/// more (the inline path renders it then).
pub(super) fn paragraph(
    inner: &[(Event, std::ops::Range<usize>)],
    input: &Input,
    out: &mut Rendered,
) -> Option<String> {
    let all: String = inner
        .iter()
        .map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => t.to_string(),
            Event::SoftBreak => " ".into(),
            _ => String::new(),
        })
        .collect();
    let text = all.trim();
    let rest = text.strip_prefix(":::image")?;
    if rest.starts_with("-end") {
        return None;
    }
    let close = rest.find(":::")?;
    let tag = &text[..":::image".len() + close + 3];
    let after = text[tag.len()..].trim();
    let img = parse_tag(tag);
    let description = if img.kind == Kind::Complex {
        Some(after.strip_suffix(":::image-end:::")?.trim())
    } else if after.is_empty() {
        None
    } else {
        return None;
    };
    let (offset, len) = (inner[0].1.start, inner[0].1.len());
    let id = description_id(input.text, offset);
    let (open, close) = render(&img, offset, len, true, &id, input, out);
    Some(format!(
        "{open}{}{close}",
        escape_html(description.unwrap_or_default())
    ))
}

/// Is there a triple-colon construct in this text?
pub(super) fn has_triple_colon(t: &str) -> bool {
    memchr::memmem::find(t.as_bytes(), b":::").is_some()
}

/// Renders a run of text (`pieces`: each piece's text and byte offset in
/// the source text) that holds `:::image`, `:::image-end:::` or
/// `:::no-loc text="..."::: ` anywhere: the text between as text, each
/// construct as inline HTML. A complex image's description opens here and
/// its closing HTML is pushed on `open` (closed by `:::image-end:::`, or
/// by the caller at the end of the block).
pub(super) fn inline_run(
    pieces: &[(String, usize)],
    input: &Input,
    out: &mut Rendered,
    open: &mut Vec<String>,
) -> Vec<Event<'static>> {
    let text: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
    // The source offset of a byte of `text`.
    let offset_of = |at: usize| {
        let mut seen = 0;
        for (t, off) in pieces {
            if at < seen + t.len() {
                return off + (at - seen);
            }
            seen += t.len();
        }
        pieces.last().map_or(0, |(t, off)| off + t.len())
    };
    let mut events = Vec::new();
    let mut rest_from = 0;
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&text.as_bytes()[from..], b":::") {
        let at = from + i;
        let after = &text[at..];
        let (html, len) = if after.starts_with(":::image-end:::") {
            (open.pop().unwrap_or_default(), ":::image-end:::".len())
        } else if after.starts_with(":::image") || after.starts_with(":::no-loc") {
            let Some(close) = after[3..].find(":::") else {
                from = at + 3;
                continue;
            };
            let tag = &after[..close + 6];
            if tag.starts_with(":::no-loc") {
                (
                    escape_html(&attr(tag, "text").unwrap_or_default()),
                    tag.len(),
                )
            } else {
                let img = parse_tag(tag);
                let offset = offset_of(at);
                let id = description_id(input.text, offset);
                let (html, close) = render(&img, offset, tag.len(), false, &id, input, out);
                if img.kind == Kind::Complex {
                    open.push(close);
                    (html, tag.len())
                } else {
                    (format!("{html}{close}"), tag.len())
                }
            }
        } else {
            from = at + 3;
            continue;
        };
        if rest_from < at {
            events.push(Event::Text(text[rest_from..at].to_string().into()));
        }
        events.push(Event::InlineHtml(html.into()));
        from = at + len;
        rest_from = from;
    }
    if rest_from < text.len() {
        events.push(Event::Text(text[rest_from..].to_string().into()));
    }
    events
}
