//! `[!INCLUDE [title](path)]`: the named file, rendered in place.

use pulldown_cmark::{Event, Tag};

use super::links::normalize_path;
use super::{render, IncludeProblem, Input, Rendered};
use crate::escape::escape_html;
use crate::sanitize::Removed;

/// Includes nest at most this deep, which also ends include cycles.
const MAX_INCLUDE_DEPTH: usize = 8;

/// A paragraph that is one `[!INCLUDE [title](path)]`, rendered in place.
pub(super) fn paragraph(
    inner: &[(Event, std::ops::Range<usize>)],
    input: &Input,
    out: &mut Rendered,
) -> Option<String> {
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
    Some(nested.html)
}
