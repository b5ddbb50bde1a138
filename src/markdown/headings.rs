//! Heading ids: the DocFX `<a name>` anchor of a heading, or a slug of its text.

use std::collections::HashSet;

use pulldown_cmark::Event;

use super::attr;

/// `<a name="x"></a>` (or `<a id="x">`) at the start of a heading: returns
/// `x` and the heading's events without the anchor.
pub(super) fn strip_name_anchor<'a>(
    inner: &[(Event<'a>, std::ops::Range<usize>)],
) -> (Option<String>, Vec<(Event<'a>, std::ops::Range<usize>)>) {
    let mut anchor = None;
    let mut out = Vec::with_capacity(inner.len());
    let mut skip_close = false;
    for (ev, r) in inner {
        if let Event::InlineHtml(h) = ev {
            if anchor.is_none() {
                if let Some(name) = anchor_name(h) {
                    anchor = Some(name);
                    skip_close = !h.trim_end().ends_with("/>");
                    continue;
                }
            }
            if skip_close && h.trim().eq_ignore_ascii_case("</a>") {
                skip_close = false;
                continue;
            }
        }
        out.push((ev.clone(), r.clone()));
    }
    (anchor, out)
}

/// The `name` or `id` of an `<a ...>` tag.
fn anchor_name(tag: &str) -> Option<String> {
    let t = tag.trim();
    if !(t.starts_with("<a ") || t.starts_with("<A ")) {
        return None;
    }
    attr(t, "name")
        .or_else(|| attr(t, "id"))
        .filter(|v| !v.is_empty() && !crate::sanitize::is_reserved_id(v))
}

/// Makes heading ids: the DocFX anchor when there is one, otherwise a slug of
/// the text; unique within the page (`-1`, `-2` appended).
#[derive(Default)]
pub(super) struct IdMaker {
    used: HashSet<String>,
}

impl IdMaker {
    pub(super) fn make(&mut self, anchor: Option<&str>, text: &str) -> String {
        let base = match anchor {
            Some(a) => a.to_string(),
            None => slugify(text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// A heading's text as an id: lowercase letters and digits (any script),
/// words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            s.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("Wat is Partner Center?"), "wat-is-partner-center");
        assert_eq!(slugify("Ärger über Café"), "ärger-über-café");
        assert_eq!(slugify("  --  "), "");
    }
}
