//! Check: what `tolk check` validates beyond what a build needs.
//!
//! The build already reports what it cannot get past (bad YAML, bad
//! segments, checklist errors). This stage looks at the compiled site as a
//! whole: links between articles and their anchors, in each language; files
//! that links point to; the front-matter keys the site requires; and text
//! damaged by a wrong code page. It reads the compiled site and writes
//! nothing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Location};
use crate::lang::Lang;
use crate::markdown::LinkTarget;
use crate::site::Site;

/// Where the checks read the articles' source texts: to scan them, and to
/// show the line of a problem. The compiled site holds them ([`InSite`]),
/// except in a build that keeps no session: it moves each batch's texts to
/// disk once the batch is compiled, so that its memory does not grow with
/// the site, and reads back only the texts a check needs.
pub trait Texts: Sync {
    /// The source text of page `page`'s article; with `english`, of its
    /// English source file.
    fn text<'s>(&'s self, site: &'s Site, page: usize, english: bool) -> Cow<'s, str>;
}

/// The source texts as the compiled site holds them.
pub struct InSite;

impl Texts for InSite {
    fn text<'s>(&'s self, site: &'s Site, page: usize, english: bool) -> Cow<'s, str> {
        let a = &site.pages[page].article;
        let source = match &a.english {
            Some(en) if english => en,
            _ => &a.source,
        };
        Cow::Borrowed(&source.text)
    }
}

/// Every problem `tolk check` finds in a compiled site, in a stable order.
pub fn check_site(config: &Config, site: &Site, texts: &dyn Texts) -> Vec<Diagnostic> {
    let mut out = check_links(site, texts);
    out.extend(check_sources(config, site, texts));
    out
}

/// Whether [`check_links`] can report on `link`. A build that keeps no
/// session drops the other links of a page once it is compiled: a link to
/// a page without an anchor, or to an address outside the site, is never
/// a problem, and most links are one of the two.
pub fn may_report(link: &crate::markdown::Link) -> bool {
    link.empty
        || match &link.target {
            LinkTarget::Page {
                anchor, respelled, ..
            } => anchor.is_some() || *respelled,
            LinkTarget::External { guessed, .. } => *guessed,
            LinkTarget::SamePage { .. }
            | LinkTarget::Asset { .. }
            | LinkTarget::Missing { .. }
            | LinkTarget::Unsafe { .. } => true,
        }
}

/// Links and anchors in both languages, and the files links point to.
fn check_links(site: &Site, texts: &dyn Texts) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    // The same link is checked in both languages; a problem found in both is
    // reported once, naming both.
    let mut seen: HashMap<(&'static str, PathBuf, usize), usize> = HashMap::new();
    // Raw HTML removed from both languages' pages (the same line when the
    // English page renders the Dutch text) is reported once.
    let mut removed_seen: std::collections::HashSet<(&PathBuf, usize, &str)> = Default::default();
    // What the build copies, by the NFC paths links resolve to (a file
    // saved with a decomposed name is there under its composed one).
    let assets: std::collections::HashSet<&str> =
        site.assets.iter().map(|a| a.rel.as_str()).collect();
    let en_assets: std::collections::HashSet<&str> =
        site.en_assets.iter().map(|a| a.rel.as_str()).collect();
    for (i, page) in site.pages.iter().enumerate() {
        let a = &page.article;
        for lang in Lang::ALL {
            // An English page from an English source file has its links there.
            let (source, english) = match (&a.english, lang, page.english) {
                (Some(en), Lang::En, crate::site::EnglishText::Source) => (en, true),
                _ => (&a.source, false),
            };
            let file = &source.display;
            // Read only when a problem is found: most pages have none.
            let read = std::cell::OnceCell::new();
            let text = || read.get_or_init(|| texts.text(site, i, english));
            let r = page.rendered(lang);
            for removed in &r.removed {
                if !removed_seen.insert((file, removed.offset, &removed.what)) {
                    continue;
                }
                out.push(
                    Diagnostic::error("raw-html-removed", format!("{} is not allowed in an article and was removed", removed.what))
                        .at(Location::from_offset(file, text(), removed.offset, removed.len))
                        .with_hint("tolk keeps only harmless HTML (docs/security.md lists it); use Markdown, or a checklist block for interactive content"),
                );
            }
            for link in &r.links {
                let loc = || Location::from_offset(file, text(), link.offset, link.len);
                if link.empty && lang == Lang::Nl {
                    out.push(
                        Diagnostic::warning(
                            "empty-link-text",
                            format!(
                                "the link to `{}` has no text; the page shows its target instead",
                                link.href
                            ),
                        )
                        .at(loc())
                        .with_hint(
                            "write the words a reader clicks between the brackets: [text](target)",
                        ),
                    );
                }
                if let LinkTarget::Page {
                    path,
                    respelled: true,
                    ..
                } = &link.target
                {
                    if lang == Lang::Nl {
                        out.push(
                            Diagnostic::warning(
                                "link-spelling",
                                format!("`{}` names the article {path} with other letter case or with `\\`; it is linked, but a case-sensitive host or another tool may not find it", link.href),
                            )
                            .at(loc())
                            .with_hint("write the path as the file is named, with `/`"),
                        );
                    }
                }
                let d = match &link.target {
                    LinkTarget::Page { path, anchor: Some(anchor), .. } => {
                        let Some(&target) = site.by_path.get(path) else { continue };
                        let tr = site.pages[target].rendered(lang);
                        if has_id(tr, anchor) {
                            continue;
                        }
                        Some(
                            Diagnostic::error(
                                "broken-anchor",
                                format!("`{}` points to #{anchor}, which is not a heading of {path} ({})", link.href, lang.code()),
                            )
                            .at(loc())
                            .with_hint(suggest(anchor, tr)),
                        )
                    }
                    LinkTarget::SamePage { anchor } if !anchor.starts_with("tab/") && !anchor.is_empty() => {
                        if has_id(r, anchor) {
                            continue;
                        }
                        Some(
                            Diagnostic::error("broken-anchor", format!("`#{anchor}` is not a heading of this page ({})", lang.code()))
                                .at(loc())
                                .with_hint(suggest(anchor, r)),
                        )
                    }
                    LinkTarget::Unsafe { href } => Some(
                        Diagnostic::error("unsafe-link", format!("`{href}` is a script or inline-document URL; it is written as `#`"))
                            .at(loc())
                            .with_hint("link to a page (https:, a .md file) instead; tolk does not publish javascript:, vbscript: or data: links"),
                    ),
                    LinkTarget::Missing { path } => Some(
                        Diagnostic::error("broken-link", format!("`{path}` is not an article of this site"))
                            .at(loc())
                            .with_hint("fix the path, or set `external-base` under [links] in book.toml to send such links to the public docs"),
                    ),
                    LinkTarget::External { url, guessed: true } if lang == Lang::Nl => Some(
                        Diagnostic::note("external-link", format!("`{}` is not in this site; it links to {url}", link.href)).at(loc()),
                    ),
                    // An English source's links are checked on its English
                    // page; they may name the English tree's files.
                    LinkTarget::Asset { rel, .. }
                        if (lang == Lang::Nl && !a.only_english)
                            || (lang == Lang::En && page.english == crate::site::EnglishText::Source) =>
                    {
                        let english = lang == Lang::En;
                        if assets.contains(rel.as_str()) || (english && en_assets.contains(rel.as_str())) {
                            continue;
                        }
                        Some(
                            Diagnostic::warning("missing-asset", format!("`{}` points to {rel}, which is not a file the site publishes", link.href))
                                .at(loc())
                                .with_hint("add the file, or fix the path"),
                        )
                    }
                    _ => None,
                };
                if let Some(d) = d {
                    match seen.entry((d.code, file.clone(), link.offset)) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            let prev = &mut out[*e.get()];
                            if let Some(i) = prev.message.rfind(" (") {
                                let langs = prev.message[i + 2..].trim_end_matches(')').to_string();
                                prev.message =
                                    format!("{} ({langs} and {})", &prev.message[..i], lang.code());
                            }
                        }
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(out.len());
                            out.push(d);
                        }
                    }
                }
            }
        }
    }
    out
}

/// The sources themselves: text damaged by a wrong code page, and the
/// front-matter keys the site requires.
fn check_sources(config: &Config, site: &Site, texts: &dyn Texts) -> Vec<Diagnostic> {
    // Every article's text is scanned on every build (and serve rebuild):
    // on all cores, collected in page order.
    use rayon::prelude::*;
    let per_page: Vec<Vec<Diagnostic>> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| source_checks(config, page, &texts.text(site, i, false)))
        .collect();
    let mut out: Vec<Diagnostic> = per_page.into_iter().flatten().collect();
    for page in &site.pages {
        let Some((nl, en)) = page.anchors.mismatch else {
            continue;
        };
        let Some(src) = &page.article.english else {
            continue;
        };
        out.push(
            Diagnostic::warning(
                "anchor-mismatch",
                format!(
                    "the outlines of {} ({nl} sections) and its English original ({en} sections) differ: Dutch section anchors do not lead into the English page",
                    page.article.source.display.display()
                ),
            )
            .in_file(src.display.clone())
            .with_hint("give both the same H2/H3 headings in the same order, or add `<a name=\"dutch-anchor\"></a>` to the English headings that links use"),
        );
    }
    out.extend(unpaired(config, site));
    out
}

/// One article's text damaged by a wrong code page, and the front-matter
/// keys it lacks.
fn source_checks(config: &Config, page: &crate::site::Compiled, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let a = &page.article;
    let file = &a.source.display;
    for m in crate::encoding::find_mojibake(text) {
        out.push(
            Diagnostic::warning(
                "mojibake",
                format!(
                    "`{}` looks like UTF-8 read as {}: it should be `{}`",
                    m.found, m.codepage, m.repaired
                ),
            )
            .at(Location::from_offset(file, text, m.offset, m.len))
            .with_label(format!("should be `{}`", m.repaired))
            .with_hint(format!("replace `{}` with `{}`", m.found, m.repaired)),
        );
    }
    for key in &config.check.required_front_matter {
        if !a.front.has(key) {
            out.push(
                Diagnostic::error("missing-front-matter", format!("the front matter has no `{key}`"))
                    .at(Location::from_offset(file, text, 0, 3))
                    .with_hint(format!("add `{key}: ...` between the `---` lines (book.toml [check] required-front-matter asks for it)")),
            );
        }
    }
    out
}

/// With an English tree: the Dutch articles that have no English original
/// and the English articles no Dutch one pairs with, one note each, so a
/// localization team has a list to work from.
fn unpaired(config: &Config, site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !config.english_dir().is_dir() {
        return out;
    }
    let en_root = &config.languages.english_src;
    for page in &site.pages {
        let a = &page.article;
        if a.only_english {
            out.push(
                Diagnostic::note(
                    "only-english",
                    format!("{} has no Dutch article: it is published in English only", a.source.display.display()),
                )
                .in_file(a.source.display.clone())
                .with_hint(format!("translate it to {}, or map the Dutch article it belongs to under [languages.renamed] in book.toml", config.book.src.join(&a.source.rel).display())),
            );
        } else if a.english.is_none() {
            let en = config
                .languages
                .renamed
                .get(&a.source.rel)
                .unwrap_or(&a.source.rel);
            out.push(
                Diagnostic::note(
                    "only-dutch",
                    format!("{} has no English original (looked for {})", a.source.display.display(), en_root.join(en).display()),
                )
                .in_file(a.source.display.clone())
                .with_hint("if the English article was moved, map `\"Dutch path\" = \"English path\"` under [languages.renamed] in book.toml"),
            );
        }
    }
    out
}

fn has_id(r: &crate::markdown::Rendered, anchor: &str) -> bool {
    r.title_id.as_deref() == Some(anchor)
        || r.ids.iter().any(|i| i == anchor)
        || r.targets.iter().any(|i| i == anchor)
}

/// "did you mean": the id that shares the longest prefix with the anchor.
fn suggest(anchor: &str, r: &crate::markdown::Rendered) -> String {
    let best = r.ids.iter().max_by_key(|id| {
        id.chars()
            .zip(anchor.chars())
            .take_while(|(a, b)| a == b)
            .count()
    });
    match best {
        Some(id) => format!(
            "did you mean #{id}? The page's headings have ids: {}",
            r.ids.join(", ")
        ),
        None => "the page has no headings to link to".into(),
    }
}
