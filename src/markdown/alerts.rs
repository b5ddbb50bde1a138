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
