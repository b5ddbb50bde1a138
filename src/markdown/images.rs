//! `:::image type="content" source="..." alt-text="...":::`: a figure.

use pulldown_cmark::Event;

use super::twin::twin_html;
use super::{attr, resolve_link, Input, Rendered};
use crate::escape::escape_attr;

/// A paragraph that is one `:::image ...:::`, as a figure.
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
    Some(format!(
        "<figure class=\"image\"><img src=\"{src}\" alt=\"{}\" loading=\"lazy\"></figure>\n",
        escape_attr(&alt)
    ))
}
