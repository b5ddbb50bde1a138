//! GFM autolink literals: a bare `https://...`, `http://...`, `ftp://...`
//! or `www....` in text becomes a link, as Markdig's autolinks (which docfx
//! turns on) make it. The `linkify` crate finds them, with GFM's rules for
//! trailing punctuation and parentheses.

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::{resolve_and_record, Input, Rendered};

/// Can `t` hold an autolink? (A cheap test before the scan.)
pub(super) fn may_have(t: &str) -> bool {
    memchr::memmem::find(t.as_bytes(), b"://").is_some()
        || memchr::memmem::find(t.as_bytes(), b"www.").is_some()
}

/// Pushes text `t` (at byte `at` of the source) as events, each URL in it a
/// link (resolved and recorded like a written one).
pub(super) fn push<'a>(
    t: &str,
    at: usize,
    input: &Input,
    out: &mut Rendered,
    events: &mut Vec<Event<'a>>,
) {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    let mut last = 0;
    for link in finder.links(t) {
        let text = link.as_str();
        let lower = text.to_ascii_lowercase();
        let dest = if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("ftp://")
        {
            text.to_string()
        } else if lower.starts_with("www.") {
            format!("http://{text}")
        } else {
            // Other schemes (`file:`, `foo://`) stay text, as in Markdig.
            continue;
        };
        if last < link.start() {
            events.push(Event::Text(t[last..link.start()].to_string().into()));
        }
        let url = resolve_and_record(
            input,
            out,
            &dest,
            at + link.start()..at + link.end(),
            LinkType::Autolink,
        );
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: url.into(),
            title: "".into(),
            id: "".into(),
        }));
        events.push(Event::Text(text.to_string().into()));
        events.push(Event::End(TagEnd::Link));
        last = link.end();
    }
    if last < t.len() {
        events.push(Event::Text(t[last..].to_string().into()));
    }
}
