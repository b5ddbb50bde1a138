//! Twin renders: one pass that gives the pages of two languages.

use pulldown_cmark::Event;

use super::{render_parsed, Input, Rendered};
use crate::lang::Lang;

/// The second language of a twin render.
pub struct Twin<'a> {
    pub lang: Lang,
    /// Callout labels in that language.
    pub callout_label: &'a dyn Fn(&str) -> String,
}

/// Renders `events` in `input.lang` and in `input.twin`'s language at once,
/// for the English page of an article with no English, which shows the
/// Dutch text. The two renders differ only where a link resolves per
/// language and in callout labels: the pass writes a numbered marker there
/// and keeps both values, and the markers are then replaced once per
/// language. This saves the second render (a tenth of a build of a site
/// without bilingual text).
///
/// The caller must use it only for a text without checklists or includes
/// (which render per language in their own ways) and without anything that
/// looks like a marker ([`may_twin`]). The second result has no section
/// texts (the search index leaves such a page out).
pub fn render_twin(
    events: &[(Event, std::ops::Range<usize>)],
    input: &Input,
) -> (Rendered, Rendered) {
    let mut this = render_parsed(events, input);
    let values = std::mem::take(&mut this.twin_values);
    let links = std::mem::take(&mut this.twin_links);
    let (html, twin_html) = unmark(&this.html, &values);
    let (title, twin_title) = match this.title_html.as_deref().map(|t| unmark(t, &values)) {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    this.html = html;
    this.title_html = title;
    let twin = Rendered {
        html: twin_html,
        title_html: twin_title,
        title_text: this.title_text.clone(),
        title_id: this.title_id.clone(),
        toc: this.toc.clone(),
        ids: this.ids.clone(),
        targets: this.targets.clone(),
        links,
        sections: Vec::new(),
        segments: this.segments,
        include_problems: this.include_problems.clone(),
        block_problems: this.block_problems.clone(),
        removed: this.removed.clone(),
        twin_values: Vec::new(),
        twin_links: Vec::new(),
        include_uses: 0,
        included_html: 0,
        chain_failed: Vec::new(),
    };
    (this, twin)
}

/// Can `text` be rendered with [`render_twin`]: no `[!INCLUDE` (any case),
/// and nothing the marker scan could take for a marker (U+E000, U+E001, or
/// `%EE%80%8`, as an escaped URL holds them).
pub fn may_twin(text: &str) -> bool {
    let b = text.as_bytes();
    // Case-insensitive, found from the first byte (`[` or `%`) with memchr.
    let has = |needle: &[u8]| {
        memchr::memchr_iter(needle[0], b).any(|i| {
            b.get(i..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
    };
    !has(b"[!include")
        && !has(b"%ee%80%8")
        && memchr::memmem::find(b, "\u{E000}".as_bytes()).is_none()
        && memchr::memmem::find(b, "\u{E001}".as_bytes()).is_none()
}

/// A marker, as escape_href writes U+E000 K U+E001 and as the HTML this
/// module writes holds it.
const MARK_OPEN: &str = "%EE%80%80";
const MARK_CLOSE: &str = "%EE%80%81";

/// In a twin render, a marker for a URL that pulldown-cmark will escape
/// (`escape_href` turns the private-use characters into the marker); the
/// values are stored escaped the same way. Otherwise `url` itself.
pub(super) fn twin_url(
    out: &mut Rendered,
    input: &Input,
    url: String,
    twin: Option<String>,
) -> String {
    match (input.twin, twin) {
        (Some(_), Some(other)) => {
            let k = out.twin_values.len();
            let mut a = String::new();
            let mut b = String::new();
            let _ = pulldown_cmark_escape::escape_href(&mut a, &url);
            let _ = pulldown_cmark_escape::escape_href(&mut b, &other);
            out.twin_values.push((a, b));
            format!("\u{E000}{k}\u{E001}")
        }
        _ => url,
    }
}

/// In a twin render, a marker for HTML this module writes itself (`this`
/// and `other` already escaped); otherwise `this`.
pub(super) fn twin_html(
    out: &mut Rendered,
    input: &Input,
    this: String,
    other: impl FnOnce() -> String,
) -> String {
    if input.twin.is_none() {
        return this;
    }
    let k = out.twin_values.len();
    out.twin_values.push((this, other()));
    format!("{MARK_OPEN}{k}{MARK_CLOSE}")
}

/// The two languages' HTML from a twin render's: each marker replaced by
/// its value for that language.
fn unmark(html: &str, values: &[(String, String)]) -> (String, String) {
    let mut a = String::with_capacity(html.len());
    let mut b = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = memchr::memmem::find(rest.as_bytes(), MARK_OPEN.as_bytes()) {
        let after = &rest[i + MARK_OPEN.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let value = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with(MARK_CLOSE))
            .and_then(|k| values.get(k));
        a.push_str(&rest[..i]);
        b.push_str(&rest[..i]);
        match value {
            Some((x, y)) => {
                a.push_str(x);
                b.push_str(y);
                rest = &after[digits + MARK_CLOSE.len()..];
            }
            None => {
                a.push_str(MARK_OPEN);
                b.push_str(MARK_OPEN);
                rest = after;
            }
        }
    }
    a.push_str(rest);
    b.push_str(rest);
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use std::collections::BTreeMap;

    /// A twin render gives both pages exactly as two renders do: the same
    /// HTML, title, links (with their targets and places), headings and
    /// removed HTML, for documents pieced together from every construct
    /// that renders per language and many that do not.
    #[test]
    fn a_twin_render_equals_two_renders() {
        use proptest::prelude::*;
        let links = LinkContext {
            pages: ["a", "dir/b"].iter().map(|s| s.to_string()).collect(),
            base_path: "/docs/".into(),
            external_base: "https://learn.microsoft.com/{lang}/partner-center/".into(),
            site_prefix: "/partner-center/".into(),
            includes: BTreeMap::new(),
            include_cache: crate::markdown::IncludeCache::default(),
            en_assets: Default::default(),
            code_files: Default::default(),
        };
        let nl_label = |key: &str| format!("{key} in het Nederlands <&>");
        let en_label = |key: &str| format!("{key} in English <&>");
        fn input<'a>(
            text: &'a str,
            lang: Lang,
            links: &'a LinkContext,
            label: &'a dyn Fn(&str) -> String,
            twin: Option<&'a Twin<'a>>,
        ) -> Input<'a> {
            Input {
                text,
                lang,
                text_lang: lang,
                tooltips: lang == Lang::Nl,
                rel: "dir/page.md",
                links,
                originals: &[],
                checklist: &|_| None,
                search_text: lang == Lang::Nl,
                twin,
                callout_label: label,
                depth: 0,
                parent: None,
            }
        }
        let same = |a: &Rendered, b: &Rendered| {
            a.html == b.html
                && a.title_html == b.title_html
                && a.title_text == b.title_text
                && a.title_id == b.title_id
                && format!("{:?}", a.links) == format!("{:?}", b.links)
                && format!("{:?}", a.toc) == format!("{:?}", b.toc)
                && a.ids == b.ids
                && a.targets == b.targets
                && format!("{:?}", a.removed) == format!("{:?}", b.removed)
        };
        let piece = proptest::sample::select(vec![
            "# Titel met [link](a.md)\n\n",
            "## Kop [b](b.md#x)\n\n",
            "Tekst met [een pagina](../a.md) en [extern](https://example.com/x?a=1&b='2').\n\n",
            "[elders](other.md) en [onbekend](../../x/y.md) en [anker](#kop)\n\n",
            "[root](/partner-center/a) [mail](<mailto:a@b.nl>) <x@y.nl> [js](javascript:alert(1))\n\n",
            "[leeg](a.md)[](dir/b.md)\n\n",
            "![plaatje](media/p.png \"titel\") ![extern](https://x.nl/é.png)\n\n",
            ":::image type=\"content\" source=\"media/a b.png\" alt-text=\"Een <b>\":::\n\n",
            "> [!NOTE]\n> Let op [dit](a.md).\n\n",
            "> [!WARNING]\n> Pas op.\n\n",
            "> [!NOTE]\n> Eerst.\n>\n> [!TIP]\n> Dan.\n\n",
            "> [!VIDEO https://www.youtube.com/embed/x]\n\n",
            "Zie https://partner.microsoft.com/dashboard (of www.example.com).\n\n",
            "> [!div class=\"nextstepaction\"]\n> [Verder](a.md)\n\n",
            "Tekst :::image type=\"content\" source=\"media/c.png\" alt-text=\"C\" lightbox=\"b.md\"::: meer\n\n",
            "- punt met [link](a.md)\n- nog een\n\n",
            "| a | [b](a.md) |\n|---|---|\n| 1 | 2 |\n\n",
            "`code [x](a.md)`\n\n",
            "<b>vet</b> <script>x</script> <a href=\"a.md\">ruw</a>\n\n",
            "Tekst met %EE%80%8 erin?\n\n",
            "[met %EE](a%20b.md) [ü](ü.md)\n\n",
        ]);
        proptest!(ProptestConfig::with_cases(256), |(parts in proptest::collection::vec(piece, 0..8))| {
            let text = parts.concat();
            prop_assume!(may_twin(&text));
            let events = parse(&text);
            let twin = Twin { lang: Lang::En, callout_label: &en_label };
            let (nl, en) =
                render_twin(&events, &input(&text, Lang::Nl, &links, &nl_label, Some(&twin)));
            let nl_alone = render_parsed(&events, &input(&text, Lang::Nl, &links, &nl_label, None));
            let en_alone = render_parsed(&events, &input(&text, Lang::En, &links, &en_label, None));
            prop_assert!(same(&nl, &nl_alone), "nl:\n{}\n{}", nl.html, nl_alone.html);
            prop_assert!(same(&en, &en_alone), "en:\n{}\n{}", en.html, en_alone.html);
            prop_assert_eq!(&nl.sections.len(), &nl_alone.sections.len());
        });
        assert!(!may_twin("[!INCLUDE [x](includes/x.md)]"));
        assert!(!may_twin("[!include [x](x.md)]"));
        assert!(!may_twin("a %ee%80%81 b"));
        assert!(!may_twin("a \u{E000} b"));
        assert!(may_twin("gewone tekst"));
    }
}
