//! `> [!VIDEO https://www.youtube.com/embed/id]`: a video.
//!
//! docfx writes an `<iframe>` that loads the player (and its trackers)
//! with the page. tolk writes a link card instead: nothing is loaded from
//! the video host until the reader follows the link, and the page's
//! Content-Security-Policy needs no frame source.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::twin::twin_html;
use super::{resolve_link, Input, Rendered};
use crate::escape::{escape_attr, escape_html};

/// A quote that is only `[!VIDEO url]`, at `events[i]` (its start): the
/// card's HTML and the index after the quote.
pub(super) fn blockquote(
    events: &[(Event, std::ops::Range<usize>)],
    i: usize,
    input: &Input,
    out: &mut Rendered,
) -> Option<(String, usize)> {
    let (Event::Start(Tag::Paragraph), _) = events.get(i + 1)? else {
        return None;
    };
    let (Event::Text(t), range) = events.get(i + 2)? else {
        return None;
    };
    let (Event::End(TagEnd::Paragraph), _) = events.get(i + 3)? else {
        return None;
    };
    let (Event::End(TagEnd::BlockQuote(None)), _) = events.get(i + 4)? else {
        return None;
    };
    let inner = t.trim().strip_prefix("[!")?.strip_suffix(']')?;
    let (word, src) = inner.split_once(char::is_whitespace)?;
    if !word.eq_ignore_ascii_case("video") {
        return None;
    }
    let src = src.trim();
    // A bare id names a video of Microsoft Learn's player.
    let url = if src.contains("://") {
        src.to_string()
    } else {
        format!("https://learn.microsoft.com/_themes/docs.theme/master/en-us/_themes/global/video-embed.html?id={src}")
    };
    let (href, _) = resolve_link(input, out, &url, range.start, range.len());
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default();
    let label = escape_html(&(input.callout_label)("video"));
    let label = twin_html(out, input, label, || {
        input
            .twin
            .map(|t| escape_html(&(t.callout_label)("video")))
            .unwrap_or_default()
    });
    Some((
        format!(
            "<p class=\"video\"><a href=\"{}\" rel=\"noopener\">{label} ({})</a></p>\n",
            escape_attr(&href),
            escape_html(host)
        ),
        i + 5,
    ))
}
