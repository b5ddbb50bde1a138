//! Alerts: `> [!NOTE]` (any case; TIP, IMPORTANT, CAUTION, WARNING) as a
//! labelled callout.

use pulldown_cmark::BlockQuoteKind;

use super::twin::twin_html;
use super::{Input, Rendered};
use crate::escape::escape_html;

/// The opening of a callout of `kind`, with its label in the page's
/// language; the quote's end closes the `<div>`.
pub(super) fn open(kind: BlockQuoteKind, input: &Input, out: &mut Rendered) -> String {
    let (class, key) = match kind {
        BlockQuoteKind::Note => ("note", "note"),
        BlockQuoteKind::Tip => ("tip", "tip"),
        BlockQuoteKind::Important => ("important", "important"),
        BlockQuoteKind::Warning => ("warning", "warning"),
        BlockQuoteKind::Caution => ("caution", "caution"),
    };
    let label = escape_html(&(input.callout_label)(key));
    let label = twin_html(out, input, label, || {
        input
            .twin
            .map(|t| escape_html(&(t.callout_label)(key)))
            .unwrap_or_default()
    });
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-label\">{label}</p>\n"
    )
}

/// `> [!div class="nextstepaction"]` at the start of a quote's first
/// paragraph (`events[i]` is the quote's start): the `<div>` that replaces
/// the quote, and the index of the first event after the marker (and its
/// line break). The class keeps only letters, digits, `-` and `_`.
pub(super) fn div_open(
    events: &[(pulldown_cmark::Event, std::ops::Range<usize>)],
    i: usize,
) -> Option<(String, usize)> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let (Event::Start(Tag::Paragraph), _) = events.get(i + 1)? else {
        return None;
    };
    let (Event::Text(t), _) = events.get(i + 2)? else {
        return None;
    };
    let t = t.trim();
    // By `get`: the fifth byte may fall inside a character (`[!Ny\u{a0}…`,
    // found by the markdown fuzz target).
    let marker = t.get(..5).is_some_and(|m| m.eq_ignore_ascii_case("[!div"));
    if !(t.len() > 5 && marker && t.ends_with(']')) {
        return None;
    }
    let class: String = super::attr(&t[..t.len() - 1], "class")
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .collect();
    let mut next = i + 3;
    match events.get(next) {
        Some((Event::SoftBreak, _)) => next += 1,
        // The marker alone in its paragraph: the paragraph goes too.
        Some((Event::End(TagEnd::Paragraph), _)) => {
            return Some((format!("<div class=\"{}\">\n", class.trim()), next + 1));
        }
        _ => {}
    }
    Some((format!("<div class=\"{}\">\n<p>", class.trim()), next))
}

/// A paragraph (starting at `events[i]`) that opens with an alert marker
/// (`[!TIP]`, any case) on a line of its own: the kind, and the index of
/// the event after the marker (and its line break).
pub(super) fn marker(
    events: &[(pulldown_cmark::Event, std::ops::Range<usize>)],
    i: usize,
) -> Option<(BlockQuoteKind, usize)> {
    use pulldown_cmark::{Event, TagEnd};
    let (Event::Text(t), _) = events.get(i + 1)? else {
        return None;
    };
    let word = t.trim().strip_prefix("[!")?.strip_suffix(']')?;
    let kind = match word.to_ascii_lowercase().as_str() {
        "note" => BlockQuoteKind::Note,
        "tip" => BlockQuoteKind::Tip,
        "important" => BlockQuoteKind::Important,
        "warning" => BlockQuoteKind::Warning,
        "caution" => BlockQuoteKind::Caution,
        _ => return None,
    };
    match events.get(i + 2) {
        Some((Event::SoftBreak, _)) => Some((kind, i + 3)),
        Some((Event::End(TagEnd::Paragraph), _)) => Some((kind, i + 2)),
        _ => None,
    }
}
