//! Tabs: `# [Title](#tab/id)` headings, each with its panel, up to `---`.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{Event, Tag};

use super::headings::{slugify, strip_name_anchor};
use super::{find_end, plain_text};
use crate::escape::escape_html;

/// Tab sets: a run of headings whose only content is a link to `#tab/id`,
/// each followed by its panel, ended by a thematic break (`---`). Returns
/// the HTML to emit in place of each tab heading, keyed by event index; the
/// break that closes a set is rewritten too.
pub(super) fn find_tab_sets(events: &[(Event, std::ops::Range<usize>)]) -> HashMap<usize, String> {
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
