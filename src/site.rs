//! Site: the articles compiled into pages of both languages, and what ties
//! the pages together: URLs, navigation and the index groups.
//!
//! For each article this stage splits the bilingual source (`segments`),
//! renders both languages (`markdown`, with the checklist forms), and decides
//! where the English page's text comes from. Articles are independent, so they
//! compile in parallel; navigation is computed once per site, not per page.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::checklist;
use crate::config::Config;
use crate::content::{Article, Content, TocFile, TocItem};
use crate::diagnostic::{Diagnostic, Location};
use crate::lang::Lang;
use crate::markdown::{self, LinkContext, Rendered};
use crate::segments;

/// Where the English page of an article gets its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnglishText {
    /// Rebuilt from the English originals in the segments.
    Segments,
    /// From an English source file for the same path.
    Source,
    /// There is no English: the page carries the Dutch body, says so, and is
    /// kept out of search engines.
    DutchOnly,
}

/// An article with both languages rendered.
#[derive(Debug)]
pub struct Compiled {
    pub article: Article,
    pub nl: Rendered,
    pub en: Rendered,
    pub english: EnglishText,
    pub segment_count: usize,
    /// The article's checklists that compiled, in order.
    pub checklists: Vec<checklist::Checklist>,
    /// Their generated evaluators, one script for the article (both
    /// languages); `None` without checklists.
    pub script: Option<String>,
    /// The section anchors paired across the two sources.
    pub anchors: Anchors,
    /// For a translation reviewer (`tolk check --review`): a note at each
    /// segment whose Dutch half is empty or the same as its English half.
    pub review: Vec<Diagnostic>,
}

impl Compiled {
    pub fn rendered(&self, lang: Lang) -> &Rendered {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }

    /// The page title in `lang`: the first H1, else the front-matter title,
    /// else the file name.
    pub fn title(&self, lang: Lang) -> String {
        let r = self.rendered(lang);
        r.title_text
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| match (lang, self.english) {
                (Lang::Nl, _) | (_, EnglishText::DutchOnly) => self.article.front.title.clone(),
                (Lang::En, EnglishText::Source) => self
                    .article
                    .english_front
                    .as_ref()
                    .and_then(|f| f.title.clone()),
                _ => None,
            })
            .or_else(|| self.nl.title_text.clone())
            .unwrap_or_else(|| {
                self.article
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or("index")
                    .to_string()
            })
    }
}

impl Compiled {
    /// The language the page title in `lang` is written in: on an English
    /// page of an article with no English (or with segments but no English
    /// H1), Dutch; on the Dutch page of an English-only article, English.
    pub fn title_lang(&self, lang: Lang) -> Lang {
        let no_english_h1 = self.en.title_text.as_deref().map_or(true, str::is_empty);
        match (lang, self.english) {
            (Lang::Nl, _) if self.article.only_english => Lang::En,
            (Lang::En, EnglishText::DutchOnly) => Lang::Nl,
            (Lang::En, EnglishText::Segments) if no_english_h1 => Lang::Nl,
            _ => lang,
        }
    }
}

/// The `lang` attribute a fragment written in `text` needs on a page in
/// `page` (WCAG 3.1.2, language of parts): none when they are the same.
pub fn part_lang(text: Lang, page: Lang) -> Option<&'static str> {
    (text != page).then_some(match text {
        Lang::Nl => "nl",
        Lang::En => "en",
    })
}

/// `escaped`, in a `<span lang>` when it is not in the page's language.
fn in_lang(escaped: String, text: Lang, page: Lang) -> String {
    match part_lang(text, page) {
        Some(tag) => format!("<span lang=\"{tag}\">{escaped}</span>"),
        None => escaped,
    }
}

/// A node of the navigation tree.
#[derive(Debug, Clone)]
pub struct NavNode {
    /// The name given in TOC.yml (in the content language), or the group
    /// name.
    pub name: String,
    /// The same group's label in the English TOC.yml, where the English
    /// tree has a group with the same articles.
    pub name_en: Option<String>,
    /// The article this node links to (index into `Site::pages`).
    pub page: Option<usize>,
    /// An external link.
    pub href: Option<String>,
    /// Its English page's address, where it differs (a root-relative
    /// TOC entry into another docset resolves per language, as a link).
    pub href_en: Option<String>,
    pub children: Vec<NavNode>,
    /// This node's number in a pre-order walk of the tree, and one past the
    /// last number of its subtree: `pre..end` are its descendants, so "is the
    /// current page under this node" is two comparisons, not a tree walk.
    pub pre: usize,
    pub end: usize,
}

impl NavNode {
    /// A link to page `i`, named by the page's title.
    fn leaf(i: usize) -> NavNode {
        NavNode {
            name: String::new(),
            name_en: None,
            page: Some(i),
            href: None,
            href_en: None,
            children: vec![],
            pre: 0,
            end: 0,
        }
    }

    /// A named group of nodes that links nowhere itself.
    fn group(name: String, children: Vec<NavNode>) -> NavNode {
        NavNode {
            name,
            name_en: None,
            page: None,
            href: None,
            href_en: None,
            children,
            pre: 0,
            end: 0,
        }
    }
}

/// The compiled site.
pub struct Site {
    pub pages: Vec<Compiled>,
    pub nav: Vec<NavNode>,
    pub links: LinkContext,
    /// Page path → index into `pages`.
    pub by_path: HashMap<String, usize>,
    /// For each page, the pre-order numbers of the navigation nodes that
    /// link to it.
    pub nav_nodes_of: Vec<Vec<usize>>,
    /// How many nodes the navigation has.
    pub nav_count: usize,
    /// The content folder's other files, copied to the site as they are.
    pub assets: Vec<crate::content::Asset>,
    /// What English sources render against: the same pages, the English
    /// tree's includes and assets.
    pub en_links: LinkContext,
    /// The English tree's files, copied to the site under `en/`.
    pub en_assets: Vec<crate::content::Asset>,
    /// The trails of `breadcrumb/toc.yml`, see [`Site::breadcrumb_trail`].
    pub trails: Vec<Trail>,
    /// The old paths of `[redirects]` and the redirection file: not this
    /// stage's to read (the pipeline reads them once per build and puts
    /// them here, so that everything after compiling sees one list).
    pub redirects: Vec<crate::redirects::Redirect>,
}

/// One item of a `breadcrumb/toc.yml` with the items above it: the pages
/// under `prefix` (a page path, "" for the whole site) show `crumbs`.
#[derive(Debug, Clone)]
pub struct Trail {
    pub prefix: String,
    /// (label, the page it links to).
    pub crumbs: Vec<(String, Option<usize>)>,
}

/// `breadcrumb/toc.yml` items as trails, resolving `topicHref` against the
/// site's pages (`/partner-center/index` is the page `partner-center`).
fn trails(
    items: &[crate::content::BreadcrumbItem],
    by_path: &HashMap<String, usize>,
) -> Vec<Trail> {
    fn clean(href: &str) -> Option<String> {
        if href.contains("://") || href.starts_with("//") {
            return None;
        }
        let path = href.split(['?', '#']).next().unwrap_or("");
        let path = path.trim_matches('/');
        Some(crate::content::page_path(path))
    }
    fn walk(
        items: &[crate::content::BreadcrumbItem],
        by_path: &HashMap<String, usize>,
        above: &mut Vec<(String, Option<usize>)>,
        out: &mut Vec<Trail>,
    ) {
        for item in items {
            let page = item
                .topic_href
                .as_deref()
                .and_then(clean)
                .and_then(|p| by_path.get(&p).copied());
            above.push((item.name.clone(), page));
            if let Some(prefix) = item.toc_href.as_deref().and_then(clean) {
                out.push(Trail {
                    prefix,
                    crumbs: above.clone(),
                });
            }
            walk(&item.items, by_path, above, out);
            above.pop();
        }
    }
    let mut out = Vec::new();
    walk(items, by_path, &mut Vec::new(), &mut out);
    out
}

impl Site {
    /// Compiles every article and builds the navigation. Returns the site
    /// and every diagnostic found on the way.
    pub fn assemble(
        config: &Config,
        content: Content,
        labels: &(dyn Fn(Lang, &str) -> String + Sync),
        today: crate::date::Date,
    ) -> (Site, Vec<Diagnostic>) {
        Site::assemble_in_batches(
            config,
            content,
            labels,
            today,
            usize::MAX,
            &mut |_, _| {},
            None,
        )
    }

    /// [`Site::assemble`], compiling the articles `batch` at a time (in
    /// parallel within a batch) and handing each batch, with the index of
    /// its first page, to `each` before the next is compiled. A build that
    /// writes the site (`pipeline::build`) moves each batch's bulk out
    /// there: its text into the search indexes, its bodies to disk, so
    /// that memory holds what is site-wide and one batch, not every page.
    /// Articles whose texts wait in `texts` ([`crate::content::TextStore`]) get
    /// them back just before their batch compiles.
    pub fn assemble_in_batches(
        config: &Config,
        content: Content,
        labels: &(dyn Fn(Lang, &str) -> String + Sync),
        today: crate::date::Date,
        batch: usize,
        each: &mut dyn FnMut(usize, &mut [Compiled]),
        texts: Option<&dyn crate::content::TextStore>,
    ) -> (Site, Vec<Diagnostic>) {
        let mut diagnostics = content.diagnostics;
        let mut by_path = HashMap::new();
        // `A.md` and `a.md` are two pages here, but one folder once the site
        // is copied to a case-insensitive file system (macOS, Windows) or
        // served by a host that ignores case: one page would hide the other.
        let mut by_lower: HashMap<String, usize> = HashMap::new();
        for (i, a) in content.articles.iter().enumerate() {
            let d = if let Some(prev) = by_path.insert(a.path.clone(), i) {
                let other = &content.articles[prev];
                Diagnostic::error(
                    "duplicate-page",
                    format!(
                        "{} and {} both become the page /{}/",
                        other.source.display.display(),
                        a.source.display.display(),
                        a.path
                    ),
                )
                .with_hint("rename one of them: `x.md` and `x/index.md` map to the same URL")
            } else if let Some(&first) = by_lower.get(&a.path.to_lowercase()) {
                let other = &content.articles[first];
                Diagnostic::warning(
                    "case-clash",
                    format!(
                        "{} and {} become /{}/ and /{}/, one folder where case does not count",
                        other.source.display.display(),
                        a.source.display.display(),
                        other.path,
                        a.path
                    ),
                )
                .with_hint("rename one of them: on macOS, Windows and many hosts one page would replace the other")
            } else {
                by_lower.insert(a.path.to_lowercase(), i);
                continue;
            };
            diagnostics.push(d.in_file(a.source.display.clone()));
        }
        // The files code directives show, read once for all articles.
        let mut wanted: HashSet<String> = HashSet::new();
        // A stored text is read back for this and dropped; one that cannot
        // be is reported when its batch compiles.
        fn text<'t>(
            texts: Option<&dyn crate::content::TextStore>,
            kept: &'t str,
            key: Option<usize>,
        ) -> std::borrow::Cow<'t, str> {
            match (texts, key) {
                (Some(store), Some(key)) => store.get(key).unwrap_or_default().into(),
                _ => kept.into(),
            }
        }
        for a in &content.articles {
            // Only texts that may hold a code directive are read back.
            let keys = a.stored;
            if keys.is_some_and(|k| !k.code) {
                continue;
            }
            let source = text(texts, &a.source.text, keys.map(|k| k.source));
            wanted.extend(markdown::code_sources(&source, &a.source.rel));
            if let Some(en) = &a.english {
                let en_text = text(texts, &en.text, keys.and_then(|k| k.english));
                wanted.extend(markdown::code_sources(&en_text, &en.rel));
            }
        }
        for (rel, s) in content.includes.iter().chain(&content.english.includes) {
            wanted.extend(markdown::code_sources(&s.text, rel));
        }
        let links = LinkContext {
            code_files: read_code_files(&wanted, &content.assets),
            pages: content.articles.iter().map(|a| a.path.clone()).collect(),
            base_path: config.site.base_path.clone(),
            external_base: config.links.external_base.clone(),
            site_prefix: config.links.site_prefix.clone(),
            includes: content
                .includes
                .iter()
                .map(|(k, s)| {
                    let (text, diags) = markdown::prepare_include(&s.text, &s.display);
                    diagnostics.extend(diags);
                    (k.clone(), text)
                })
                .collect(),
            include_cache: markdown::IncludeCache::default(),
            en_assets: HashSet::new(),
        };
        // English sources include from the English tree, with a cache of
        // their own (the same include path names another file there).
        let en_links = LinkContext {
            includes: content
                .english
                .includes
                .iter()
                .map(|(k, s)| {
                    let (text, diags) = markdown::prepare_include(&s.text, &s.display);
                    diagnostics.extend(diags);
                    (k.clone(), text)
                })
                .collect(),
            include_cache: markdown::IncludeCache::default(),
            code_files: read_code_files(&wanted, &content.english.assets),
            en_assets: content
                .english
                .assets
                .iter()
                .map(|a| a.rel.clone())
                .collect(),
            ..links.clone()
        };
        let mut pages = Vec::with_capacity(content.articles.len());
        // Taken from the end of the reversed list, whose room is given back
        // as it empties: the articles still to compile and the compiled
        // pages never both hold the whole site (the list was a tenth of a
        // 10,000-article build's peak while it was drained from the front).
        let mut articles = content.articles;
        articles.reverse();
        loop {
            let take = batch.max(1).min(articles.len());
            let mut next: Vec<Article> = articles.drain(articles.len() - take..).rev().collect();
            if next.is_empty() {
                break;
            }
            if articles.capacity() > 2 * articles.len() + 2 * batch.min(1024) {
                articles.shrink_to_fit();
            }
            if let Some(store) = texts {
                let lost: Vec<Diagnostic> = next
                    .par_iter_mut()
                    .filter_map(|a| a.take_back(store).err())
                    .collect();
                diagnostics.extend(lost);
            }
            let results: Vec<(Compiled, Vec<Diagnostic>)> = next
                .into_par_iter()
                .map(|a| compile(a, &links, &en_links, labels, today))
                .collect();
            let first = pages.len();
            for (page, diags) in results {
                diagnostics.extend(diags);
                pages.push(page);
            }
            each(first, &mut pages[first..]);
        }
        let trails = trails(&content.breadcrumbs, &by_path);
        let mut nav = build_nav(&content.tocs, &pages, &by_path, &links, &mut diagnostics);
        name_groups_in_english(&mut nav, &content.english.tocs, &pages);
        let mut nav_nodes_of = vec![Vec::new(); pages.len()];
        let nav_count = number_nodes(&mut nav, 0, &mut nav_nodes_of);
        let site = Site {
            pages,
            nav,
            links,
            by_path,
            nav_nodes_of,
            nav_count,
            assets: content.assets,
            en_links,
            en_assets: content.english.assets,
            trails,
            redirects: Vec::new(),
        };
        (site, diagnostics)
    }

    /// The URL of page `i` in `lang`.
    pub fn url(&self, i: usize, lang: Lang) -> String {
        markdown::page_url(&self.links.base_path, lang, &self.pages[i].article.path)
    }

    /// The breadcrumbs `breadcrumb/toc.yml` gives page `i`: those of the
    /// item with the longest `tocHref` the page lies under, as (label,
    /// link), less a crumb that links to the page itself. On English pages
    /// a crumb that links to a page is labelled with that page's English
    /// title (the file names them in the content's language), with the
    /// language each label is in.
    pub fn breadcrumb_trail(&self, i: usize, lang: Lang) -> Vec<(String, Lang, Option<String>)> {
        let path = &self.pages[i].article.path;
        let under = |prefix: &str| {
            prefix.is_empty()
                || path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|r| r.starts_with('/'))
        };
        let Some(trail) = self
            .trails
            .iter()
            .filter(|t| under(&t.prefix))
            .max_by_key(|t| t.prefix.len())
        else {
            return Vec::new();
        };
        trail
            .crumbs
            .iter()
            .filter(|(_, page)| *page != Some(i))
            .map(|(name, page)| match page {
                Some(p) if lang == Lang::En || name.is_empty() => (
                    self.pages[*p].title(lang),
                    self.pages[*p].title_lang(lang),
                    Some(self.url(*p, lang)),
                ),
                Some(p) => (name.clone(), Lang::Nl, Some(self.url(*p, lang))),
                None => (name.clone(), Lang::Nl, None),
            })
            .collect()
    }
}

/// Compiles one article: both languages, its checklists, its diagnostics.
pub fn compile(
    article: Article,
    links: &LinkContext,
    en_links: &LinkContext,
    labels: &(dyn Fn(Lang, &str) -> String + Sync),
    today: crate::date::Date,
) -> (Compiled, Vec<Diagnostic>) {
    // An English-only article renders its English text for both pages.
    let links = if article.only_english {
        en_links
    } else {
        links
    };
    let file = article.source.display.clone();
    let text = &article.source.text;
    // Segments are split in the body only: the front matter is blanked to
    // the same length (lines kept), so `body_start` stays a valid offset
    // into both sides and diagnostics keep their lines.
    let masked: String;
    // `body_start` was found in this text, unless the text was read back
    // from a build's temporary file that failed (an error already): then
    // there is no body to mask.
    let scan = match (
        article.body_start > 0,
        text.get(..article.body_start),
        text.get(article.body_start..),
    ) {
        (true, Some(front), Some(body)) => {
            // Byte for byte: a character of several bytes (`é` in a title)
            // becomes as many spaces, or every later offset would shift.
            let blank: String = front
                .bytes()
                .map(|b| if b == b'\n' { '\n' } else { ' ' })
                .collect();
            masked = blank + body;
            masked.as_str()
        }
        _ => text.as_str(),
    };
    let split = segments::split(scan, &file);
    let mut diagnostics = split.diagnostics;
    // Checklists are compiled once; each language renders its own form.
    let mut checklists = Vec::new();
    let mut blocks_ok = Vec::new();
    for block in checklist::find_blocks(text) {
        let (cl, diags) = checklist::compile(&block, &file, text);
        diagnostics.extend(diags);
        blocks_ok.push(cl.is_some());
        checklists.extend(cl);
    }
    // The form of the n-th block in `lang`, first painted with the Rust
    // evaluator's result for no answers.
    let form = |n: usize, lang: Lang| -> Option<String> {
        if !blocks_ok.get(n).copied().unwrap_or(false) {
            return None;
        }
        let index = blocks_ok[..n].iter().filter(|ok| **ok).count();
        let cl = checklists.get(index)?;
        let initial = checklist::evaluate(cl, &checklist::Answers::empty(cl), today, lang);
        // Links in steps and outcomes resolve like the article's own.
        let mut cl = cl.clone();
        let resolve = |href: &mut String| {
            *href = markdown::resolve(links, &article.source.rel, href, lang).url(links, lang);
        };
        cl.steps
            .iter_mut()
            .filter_map(|s| s.link.as_mut())
            .for_each(|l| resolve(&mut l.href));
        cl.outcomes
            .iter_mut()
            .filter_map(|o| o.link.as_mut())
            .for_each(|l| resolve(&mut l.href));
        Some(checklist::render_form(&cl, lang, &initial))
    };
    let body = article.body_start;
    let originals: Vec<String> = split
        .segments
        .iter()
        .map(|s| s.en.clone().unwrap_or_default())
        .collect();
    // Each side is parsed once; an article without English renders its
    // Dutch events a second time for the English page.
    let render_side = |side_text: &str,
                       text_lang: Lang,
                       events: &[(pulldown_cmark::Event, std::ops::Range<usize>)],
                       lang: Lang,
                       originals: &[String],
                       search_text: bool| {
        let form = |n: usize| form(n, lang);
        let label = |key: &str| labels(lang, key);
        markdown::render_parsed(
            events,
            &markdown::Input {
                text: side_text,
                lang,
                text_lang,
                tooltips: lang == Lang::Nl,
                rel: &article.source.rel,
                links,
                originals,
                checklist: &form,
                search_text,
                twin: None,
                callout_label: &label,
                depth: 0,
                parent: None,
            },
        )
    };
    let nl_text = split.nl.text.get(body..).unwrap_or("");
    let nl_events = markdown::parse(nl_text);
    for at in markdown::conflict_markers(&nl_events, nl_text) {
        let start = split.nl.to_source(at + body);
        diagnostics.push(
            Diagnostic::error(
                "merge-conflict",
                "this article holds a merge conflict marker",
            )
            .at(Location::from_offset(&file, text, start, 7))
            .with_label("the conflict starts here")
            .with_hint(
                "resolve the conflict: keep one side and remove the <<<<<<< ======= >>>>>>> lines",
            ),
        );
    }
    // An article with no English shows its Dutch text on the English page
    // too: when nothing in it renders per language but links and callout
    // labels, one pass renders both pages.
    let dutch_only = article.english.is_none() && split.segments.is_empty();
    let mut twin_en = None;
    let mut nl = if dutch_only && blocks_ok.is_empty() && markdown::may_twin(nl_text) {
        let en_label = |key: &str| labels(Lang::En, key);
        let twin = markdown::Twin {
            lang: Lang::En,
            callout_label: &en_label,
        };
        let (nl, en) = markdown::render_twin(
            &nl_events,
            &markdown::Input {
                text: nl_text,
                lang: Lang::Nl,
                text_lang: Lang::Nl,
                tooltips: true,
                rel: &article.source.rel,
                links,
                originals: &originals,
                checklist: &|_| None,
                search_text: true,
                twin: Some(&twin),
                callout_label: &|key| labels(Lang::Nl, key),
                depth: 0,
                parent: None,
            },
        );
        twin_en = Some(en);
        nl
    } else {
        render_side(nl_text, Lang::Nl, &nl_events, Lang::Nl, &originals, true)
    };
    locate_links(&mut nl, &split.nl, body);
    // Reported from the Dutch side only: the English one has the same.
    for p in &nl.block_problems {
        let start = split.nl.to_source(p.offset + body);
        let end = split.nl.to_source(p.offset + p.len + body);
        let at = Location::from_offset(&file, text, start, end.saturating_sub(start).max(1));
        let d = if p.error {
            Diagnostic::error(p.code, p.message.clone())
        } else {
            Diagnostic::warning(p.code, p.message.clone())
        };
        diagnostics.push(d.with_hint(p.hint.clone()).at(at));
    }
    for p in &nl.include_problems {
        let start = split.nl.to_source(p.offset + body);
        let end = split.nl.to_source(p.offset + p.len + body);
        let at = Location::from_offset(&file, text, start, end.saturating_sub(start).max(1));
        let d = if p.error {
            Diagnostic::error("include", p.message.clone())
        } else {
            Diagnostic::warning("include", p.message.clone())
        };
        diagnostics.push(d.with_hint(p.hint).at(at));
    }
    let (en, english) = if let Some(src) = &article.english {
        let en_article_body = crate::content::split_front_matter(&src.text)
            .ok()
            .flatten()
            .map_or(0, |(_, b)| b);
        let mut en = markdown::render(&markdown::Input {
            text: &src.text[en_article_body..],
            lang: Lang::En,
            text_lang: Lang::En,
            tooltips: false,
            rel: &src.rel,
            links: en_links,
            originals: &[],
            checklist: &|n| form(n, Lang::En),
            search_text: true,
            twin: None,
            callout_label: &|key| labels(Lang::En, key),
            depth: 0,
            parent: None,
        });
        // Link offsets point into the English file (check reports there).
        for l in &mut en.links {
            l.offset += en_article_body;
        }
        for r in &mut en.removed {
            r.offset += en_article_body;
        }
        (en, EnglishText::Source)
    } else if split.segments.is_empty() {
        let mut en = match twin_en {
            Some(en) => en,
            None => render_side(nl_text, Lang::Nl, &nl_events, Lang::En, &[], false),
        };
        locate_links(&mut en, &split.nl, body);
        (en, EnglishText::DutchOnly)
    } else {
        let en_text = split.en.text.get(body..).unwrap_or("");
        let mut en = render_side(
            en_text,
            Lang::En,
            &markdown::parse(en_text),
            Lang::En,
            &[],
            true,
        );
        locate_links(&mut en, &split.en, body);
        mark_dutch_alt_texts(&mut en.html, &nl.html);
        (en, EnglishText::Segments)
    };
    if article.front.title.is_none() && nl.title_text.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                "missing-title",
                "this article has no title: no `title` in its front matter and no `# heading`",
            )
            .at(Location::from_offset(&file, text, 0, 1))
            .with_hint("add `title: ...` to the front matter"),
        );
    }
    // Review mode: each sentence of the Dutch page names its segment and
    // source line, and those a reviewer must look at say why.
    let mut review = Vec::new();
    if !split.segments.is_empty() {
        let mut line = 1;
        let mut at = 0;
        let mut marks = Vec::with_capacity(split.segments.len());
        for seg in &split.segments {
            let off = seg.offset.min(text.len());
            if off < at {
                (line, at) = (1, 0);
            }
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[at..off]).count();
            at = off;
            let kind = review_kind(seg);
            if let Some(kind) = kind {
                let (code, message, hint) = match kind {
                    "empty" => (
                        "segment-empty-dutch",
                        format!("segment {} has an empty Dutch half", seg.id),
                        "translate its English half; the Dutch page shows nothing for it",
                    ),
                    _ => (
                        "segment-identical",
                        format!("segment {} has the same text in both halves", seg.id),
                        "translate it, unless it is a name or a term kept in English",
                    ),
                };
                review.push(
                    Diagnostic::note(code, message)
                        .at(Location::from_offset_on_line(
                            &file, text, off, seg.len, line,
                        ))
                        .with_hint(hint),
                );
            }
            marks.push((seg.id.as_str(), line, kind));
        }
        mark_segments(&mut nl.html, &marks);
        if let Some(h1) = nl.title_html.as_mut() {
            mark_segments(h1, &marks);
        }
    }
    let mut en = en;
    let anchors = if english == EnglishText::Source && !article.only_english {
        cross_anchors(&mut nl, &mut en)
    } else {
        Anchors::default()
    };
    // Segments of includes count too: they show originals on the page.
    let segment_count = split.segments.len().max(nl.segments);
    let script =
        (!checklists.is_empty()).then(|| checklists.iter().map(checklist::generate_js).collect());
    (
        Compiled {
            article,
            nl,
            en,
            english,
            segment_count,
            checklists,
            script,
            anchors,
            review,
        },
        diagnostics,
    )
}

/// Why a reviewer should look at a segment: its Dutch half is `empty`, or
/// `identical` to its English half (as written, spaces around aside).
fn review_kind(seg: &segments::Segment) -> Option<&'static str> {
    let nl = seg.nl.trim();
    if nl.is_empty() {
        Some("empty")
    } else if seg.en.as_deref().map(str::trim) == Some(nl) {
        Some("identical")
    } else {
        None
    }
}

/// Gives each of the article's sentences on the Dutch page (`<span
/// class="tolk-seg" aria-describedby="tolk-orig-K">`) its segment's id,
/// source line and review kind (`marks[K]`) as `data-seg`, `data-line` and
/// `data-review`, for review mode. One pass over the page; an include's
/// sentences (`tolk-orig-` then not a number) are not the article's.
fn mark_segments(html: &mut String, marks: &[(&str, usize, Option<&str>)]) {
    const AT: &str = "aria-describedby=\"tolk-orig-";
    let mut out = String::with_capacity(html.len() + marks.len() * 40);
    let mut rest = html.as_str();
    while let Some(i) = rest.find(AT) {
        let after = &rest[i + AT.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let mark = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with('"'))
            .and_then(|k| marks.get(k));
        let end = i + AT.len() + digits + usize::from(mark.is_some());
        out.push_str(&rest[..end]);
        if let Some((id, line, kind)) = mark {
            out.push_str(" data-seg=\"");
            out.push_str(&markdown::escape_attr(id));
            out.push_str("\" data-line=\"");
            out.push_str(&line.to_string());
            out.push('"');
            if let Some(kind) = kind {
                out.push_str(" data-review=\"");
                out.push_str(kind);
                out.push('"');
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    // Sized for every mark of the article; a title holds a few: kept for
    // the whole build, its spare room added up to megabytes.
    out.shrink_to_fit();
    *html = out;
}

/// The `alt` values of the `<img>` tags in rendered HTML, escaped as they
/// stand, with the byte offset just past each tag's `<img`.
fn img_alts(html: &str) -> impl Iterator<Item = (usize, &str)> {
    html.match_indices("<img ").filter_map(move |(at, _)| {
        let tag = &html[at..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let alt = tag.split(" alt=\"").nth(1)?;
        Some((at + 4, &alt[..alt.find('"').unwrap_or(alt.len())]))
    })
}

/// On the English page rebuilt from segments, an image's alt text is
/// outside every segment, so it is the Dutch source's text: an alt text
/// the Dutch page has too is Dutch, and its `<img>` gets `lang="nl"`
/// (WCAG 3.1.2: `lang` on the element gives its attributes' language). An
/// alt text written as a segment differs between the pages and stays
/// unmarked.
fn mark_dutch_alt_texts(en: &mut String, nl: &str) {
    let dutch: HashSet<&str> = img_alts(nl).map(|(_, alt)| alt).collect();
    let at: Vec<usize> = img_alts(en)
        .filter(|(_, alt)| !alt.trim().is_empty() && dutch.contains(alt))
        .map(|(at, _)| at)
        .collect();
    for at in at.into_iter().rev() {
        en.insert_str(at, " lang=\"nl\"");
    }
}

/// How the section anchors of an article's two sources were paired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anchors {
    /// Headings (H2, H3) of each source, when the outlines differ (the
    /// anchors could not be paired): (Dutch, English).
    pub mismatch: Option<(usize, usize)>,
    /// How many headings answer to the other language's anchor too.
    pub paired: usize,
}

/// Pairs the H2/H3 headings of a Dutch page and the English page built from
/// an English source by position, when the two outlines match (same number
/// of headings, same levels): each English heading also answers to its
/// Dutch heading's anchor and the reverse, so the language switch (which
/// keeps `#fragment`) and Dutch links into English pages land on the
/// section. Where the outlines differ nothing is added, and `tolk check`
/// reports the pair.
fn cross_anchors(nl: &mut Rendered, en: &mut Rendered) -> Anchors {
    let outline = |r: &Rendered| r.toc.iter().map(|h| h.level).collect::<Vec<_>>();
    if outline(nl) != outline(en) {
        return Anchors {
            mismatch: Some((nl.toc.len(), en.toc.len())),
            paired: 0,
        };
    }
    let pairs: Vec<(u8, String, String)> = nl
        .toc
        .iter()
        .zip(&en.toc)
        .filter(|(a, b)| a.id != b.id)
        .map(|(a, b)| (a.level, a.id.clone(), b.id.clone()))
        .collect();
    let mut paired = 0;
    for (level, nl_id, en_id) in &pairs {
        // Each page gets the other's anchor, unless it names something of
        // its own already.
        if add_anchor(en, *level, en_id, nl_id) {
            paired += 1;
        }
        add_anchor(nl, *level, nl_id, en_id);
    }
    Anchors {
        mismatch: None,
        paired,
    }
}

/// Puts an empty element with id `extra` at the start of the heading `id`
/// of level `level`, and lists it among the page's ids.
fn add_anchor(r: &mut Rendered, level: u8, id: &str, extra: &str) -> bool {
    if r.ids.iter().any(|i| i == extra) || r.title_id.as_deref() == Some(extra) {
        return false;
    }
    let open = format!("<h{level} id=\"{}\">", markdown::escape_attr(id));
    let Some(at) = r.html.find(&open) else {
        return false;
    };
    let anchor = format!(
        "<span class=\"tolk-alt-anchor\" id=\"{}\"></span>",
        markdown::escape_attr(extra)
    );
    r.html.insert_str(at + open.len(), &anchor);
    r.ids.push(extra.to_string());
    true
}

/// Turns link (and removed raw HTML) offsets in a side's rendered text into
/// offsets in the source.
fn locate_links(r: &mut Rendered, side: &segments::Side, body: usize) {
    let spans = r.links.iter_mut().map(|l| (&mut l.offset, &mut l.len));
    let removed = r.removed.iter_mut().map(|x| (&mut x.offset, &mut x.len));
    for (offset, len) in spans.chain(removed) {
        let start = side.to_source(*offset + body);
        let end = side.to_source(*offset + *len + body);
        *offset = start;
        *len = end.saturating_sub(start).max(1);
    }
}

/// Builds the navigation tree: from the TOC.yml files when the site has
/// them (a TOC that another TOC includes is nested there), otherwise the
/// articles grouped by `ms.subservice`. Articles no TOC mentions are listed
/// last, so none is unreachable.
fn build_nav(
    tocs: &[TocFile],
    pages: &[Compiled],
    by_path: &HashMap<String, usize>,
    links: &LinkContext,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NavNode> {
    let mut listed = HashSet::new();
    let mut nav = Vec::new();
    if !tocs.is_empty() {
        let by_rel: BTreeMap<&str, &TocFile> =
            tocs.iter().map(|t| (t.source.rel.as_str(), t)).collect();
        let mut nested = HashSet::new();
        for t in tocs {
            collect_nested(&t.items, dir_of(&t.source.rel), &mut nested);
        }
        for t in tocs {
            if nested.contains(t.source.rel.as_str()) {
                continue;
            }
            let mut visiting = HashSet::new();
            let found = Found {
                by_rel: &by_rel,
                by_path,
                links,
            };
            let children = toc_nodes(t, &found, &mut listed, &mut visiting, diagnostics);
            if tocs.len() == 1 {
                nav.extend(children);
            } else {
                let name = toc_label(t);
                nav.push(NavNode::group(name, children));
            }
        }
    }
    let mut rest: Vec<usize> = (0..pages.len()).filter(|i| !listed.contains(i)).collect();
    // What no TOC lists: dated articles newest first (announcements, release
    // notes), then the undated ones by path.
    rest.sort_by(|&a, &b| {
        let (da, db) = (pages[a].article.front.date, pages[b].article.front.date);
        db.cmp(&da)
            .then_with(|| pages[a].article.path.cmp(&pages[b].article.path))
    });
    if tocs.is_empty() {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for i in rest {
            let key = pages[i]
                .article
                .front
                .subservice
                .clone()
                .unwrap_or_default();
            groups.entry(key).or_default().push(i);
        }
        for (name, members) in groups {
            let children = members.into_iter().map(NavNode::leaf).collect();
            if name.is_empty() {
                nav.extend::<Vec<NavNode>>(children);
            } else {
                nav.push(NavNode::group(name, children));
            }
        }
    } else if !rest.is_empty() {
        let children = rest.into_iter().map(NavNode::leaf).collect();
        nav.push(NavNode::group(String::new(), children));
    }
    nav
}

/// The label of a top-level TOC's group: the name of its first entry when
/// that entry is the folder's landing page (`index.yml`/`index.md`, as
/// DocFX docsets start), else the folder's name.
fn toc_label(t: &TocFile) -> String {
    let landing = t.items.first().filter(|it| {
        it.items.is_empty()
            && it.href.as_deref().is_some_and(|h| {
                let h = h.trim().to_ascii_lowercase();
                h == "index.yml" || h == "index.md" || h == "./index.yml" || h == "./index.md"
            })
    });
    match landing {
        Some(it) if !it.name.trim().is_empty() => it.name.trim().to_string(),
        _ => dir_of(&t.source.rel)
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string(),
    }
}

/// Numbers the nodes in pre-order from `next`; returns the next free number.
fn number_nodes(nodes: &mut [NavNode], mut next: usize, nodes_of: &mut [Vec<usize>]) -> usize {
    for n in nodes {
        n.pre = next;
        if let Some(p) = n.page {
            nodes_of[p].push(next);
        }
        next = number_nodes(&mut n.children, next + 1, nodes_of);
        n.end = next;
    }
    next
}

fn dir_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

fn join(dir: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        vec![]
    } else {
        dir.split('/').collect()
    };
    for p in href.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The scheme of an absolute URL (`https`, `mailto`, `javascript`),
/// lowercased, as a browser reads it: white space and control characters
/// anywhere in it ignored. `None` for a path (`a/b.md`, `../x:y.md` has
/// a `/` before its colon).
fn url_scheme(href: &str) -> Option<String> {
    let cleaned: String = href
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
}

fn is_toc_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    lower.ends_with("toc.yml") || lower.ends_with("toc.md")
}

fn collect_nested(items: &[TocItem], dir: &str, out: &mut HashSet<String>) {
    for it in items {
        if let Some(h) = &it.href {
            if is_toc_href(h) {
                if let Some(p) = join(dir, h) {
                    out.insert(p);
                }
            }
        }
        collect_nested(&it.items, dir, out);
    }
}

/// What a TOC entry can lead to: nested TOC files by path, pages by
/// path, and the links of the site (for entries into other docsets).
struct Found<'a> {
    by_rel: &'a BTreeMap<&'a str, &'a TocFile>,
    by_path: &'a HashMap<String, usize>,
    links: &'a LinkContext,
}

fn toc_nodes(
    toc: &TocFile,
    found: &Found,
    listed: &mut HashSet<usize>,
    visiting: &mut HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NavNode> {
    visiting.insert(toc.source.rel.clone());
    let dir = dir_of(&toc.source.rel).to_string();
    let nodes = items_to_nodes(
        &toc.items,
        &dir,
        &TocHrefs::new(toc),
        found,
        listed,
        visiting,
        diagnostics,
    );
    visiting.remove(&toc.source.rel);
    nodes
}

/// Gives each navigation group the label the English TOC.yml files give the
/// group with the most of the same articles (headings of the two TOCs are
/// worded apart, but group the same pages).
fn name_groups_in_english(nav: &mut [NavNode], tocs: &[TocFile], pages: &[Compiled]) {
    if tocs.is_empty() {
        return;
    }
    // English article path (in the English tree) → page.
    let by_en: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.article.english.as_ref().map(|s| (s.rel.as_str(), i)))
        .collect();
    // Every English group with the pages under it, and its first page
    // (a DocFX group starts with its overview).
    struct Group<'a> {
        label: &'a str,
        pages: HashSet<usize>,
        first: Option<usize>,
    }
    fn groups<'a>(
        items: &'a [TocItem],
        dir: &str,
        by_en: &HashMap<&str, usize>,
        out: &mut Vec<Group<'a>>,
    ) -> (HashSet<usize>, Option<usize>) {
        let mut all = HashSet::new();
        let mut first = None;
        for it in items {
            let mut mine = HashSet::new();
            let mut own_first = None;
            if let Some(rel) = it.href.as_deref().and_then(|h| join(dir, h.trim())) {
                own_first = by_en.get(rel.as_str()).copied();
                mine.extend(own_first);
            }
            if !it.items.is_empty() {
                let (under, under_first) = groups(&it.items, dir, by_en, out);
                mine.extend(under);
                own_first = own_first.or(under_first);
                if !it.name.is_empty() {
                    out.push(Group {
                        label: it.name.as_str(),
                        pages: mine.clone(),
                        first: own_first,
                    });
                }
            }
            first = first.or(own_first);
            all.extend(mine);
        }
        (all, first)
    }
    let mut english = Vec::new();
    for t in tocs {
        groups(&t.items, dir_of(&t.source.rel), &by_en, &mut english);
    }
    /// What a subtree of the Dutch navigation holds: its pages, its first
    /// page, and the English labels given inside it.
    struct Held<'a> {
        pages: HashSet<usize>,
        first: Option<usize>,
        labels: HashSet<&'a str>,
    }
    fn name<'a>(nodes: &mut [NavNode], english: &[Group<'a>]) -> Held<'a> {
        let mut held = Held {
            pages: HashSet::new(),
            first: None,
            labels: HashSet::new(),
        };
        for n in nodes {
            let under = name(&mut n.children, english);
            let mut mine = under.pages;
            mine.extend(n.page);
            let own_first = n.page.or(under.first);
            let mut labels = under.labels;
            if !n.children.is_empty() && !mine.is_empty() {
                // An English label names one Dutch group, the innermost:
                // a Dutch group and its subgroup both open with the same
                // overview, and both would take its group's label.
                let free = |g: &&Group<'a>| !labels.contains(g.label);
                // Most shared pages, then fewest others; first on a tie.
                // Only a group that is mostly the same pages, both ways:
                // otherwise the Dutch top group (every page) took the
                // largest English group's name ("Customers"), and a small
                // Dutch group the name of a large English one holding it.
                let best = english
                    .iter()
                    .filter(free)
                    .map(|g| {
                        (
                            g.pages.intersection(&mine).count(),
                            usize::MAX - g.pages.len(),
                            g.label,
                        )
                    })
                    .filter(|(shared, rest, _)| {
                        let theirs = usize::MAX - rest;
                        *shared > 0 && 2 * shared > mine.len() && 2 * shared > theirs
                    })
                    .fold(None::<(usize, usize, &str)>, |best, c| match best {
                        Some(b) if (b.0, b.1) >= (c.0, c.1) => Some(b),
                        _ => Some(c),
                    })
                    .map(|(_, _, label)| label);
                // Else the one English group that starts with the same
                // page: the sources' groups were regrouped since the
                // translation ("Prijzen", 54 pages in 2021; "Pricing", 7 in
                // 2023), but each still opens with its overview.
                let same_start = || {
                    let mut starting = english
                        .iter()
                        .filter(free)
                        .filter(|g| own_first.is_some() && g.first == own_first);
                    match (starting.next(), starting.next()) {
                        (Some(g), None) => Some(g.label),
                        _ => None,
                    }
                };
                let label = best.or_else(same_start);
                labels.extend(label);
                n.name_en = label.map(str::to_string);
            }
            held.first = held.first.or(own_first);
            held.pages.extend(mine);
            held.labels.extend(labels);
        }
        held
    }
    name(nav, &english);
}

/// A TOC.yml and, read once when the first of its entries is reported,
/// where each `href:` value stands in it.
struct TocHrefs<'a> {
    file: &'a TocFile,
    /// Each href value with the offsets (and lines) of its occurrences,
    /// in order.
    values: std::cell::OnceCell<HashMap<&'a str, Vec<(usize, usize)>>>,
    /// Per value, how many of its occurrences have been reported.
    used: std::cell::RefCell<HashMap<&'a str, usize>>,
}

impl<'a> TocHrefs<'a> {
    fn new(file: &'a TocFile) -> Self {
        TocHrefs {
            file,
            values: std::cell::OnceCell::new(),
            used: Default::default(),
        }
    }

    /// Where an href stands: the value of its next `href:` key not yet
    /// reported (entries are reported in file order), never a match inside
    /// a longer value (`a.md` inside `xa.md`). Finding them is one pass over
    /// the file, not one per entry (50,000 missing entries took 79 s).
    fn location(&self, href: &str) -> Location {
        let text = self.file.source.text.as_str();
        let values = self.values.get_or_init(|| href_values(text));
        let at = match values.get_key_value(href) {
            Some((key, offsets)) => {
                let mut used = self.used.borrow_mut();
                let n = used.entry(key).or_insert(0);
                let at = offsets[(*n).min(offsets.len() - 1)];
                *n += 1;
                Some(at)
            }
            None => None,
        };
        match at {
            Some((at, line)) => {
                Location::from_offset_on_line(&self.file.source.display, text, at, href.len(), line)
            }
            // Written in a way the scan does not read (an escape in quotes,
            // a block scalar): the file, line 1.
            None => Location::from_offset(&self.file.source.display, text, 0, 0),
        }
    }
}

/// The values of the `href:` keys of a TOC.yml (block or flow style, plain
/// or quoted), trimmed, with their offsets and lines.
fn href_values(text: &str) -> HashMap<&str, Vec<(usize, usize)>> {
    let mut out: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let b = text.as_bytes();
    // Lines counted up to `counted`, which only moves forward.
    let (mut counted, mut line) = (0, 1);
    for key in memchr::memmem::find_iter(b, b"href:") {
        // A key: at the start of a line or after `- `, `{`, `,` or spaces.
        if key > 0 && !matches!(b[key - 1], b' ' | b'\t' | b'\n' | b'{' | b',' | b'-') {
            continue;
        }
        let mut i = key + 5;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        let (start, end) = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = i + 1;
                match memchr::memchr2(q, b'\n', &b[start..]) {
                    Some(len) if b[start + len] == q => (start, start + len),
                    _ => continue,
                }
            }
            Some(_) => {
                let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                let mut end = i;
                while end < line_end && !matches!(b[end], b',' | b'}') {
                    if b[end] == b'#' && matches!(b[end - 1], b' ' | b'\t') {
                        break;
                    }
                    end += 1;
                }
                (i, end)
            }
            None => continue,
        };
        let raw = &text[start..end];
        let value = raw.trim();
        let lead = raw.len() - raw.trim_start().len();
        if !value.is_empty() {
            line += memchr::memchr_iter(b'\n', &b[counted..start]).count();
            counted = start;
            out.entry(value).or_default().push((start + lead, line));
        }
    }
    out
}

fn items_to_nodes(
    items: &[TocItem],
    dir: &str,
    toc: &TocHrefs<'_>,
    found: &Found,
    listed: &mut HashSet<usize>,
    visiting: &mut HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NavNode> {
    let (by_rel, by_path) = (found.by_rel, found.by_path);
    let mut out = Vec::new();
    for it in items {
        let mut node = NavNode::group(it.name.clone(), Vec::new());
        if let Some(href) = it.href.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            if let Some(scheme) = url_scheme(href) {
                // `javascript:` and `data:` have no `//`: they were taken
                // for paths and silently dropped; `ftp://` was published.
                if matches!(scheme.as_str(), "http" | "https" | "mailto")
                    && markdown::is_safe_url(href)
                {
                    node.href = Some(href.to_string());
                } else {
                    diagnostics.push(
                        Diagnostic::error("unsafe-link", format!("TOC entry `{}` links to `{href}`: only http, https and mailto links may leave the site", it.name))
                            .at(toc.location(href))
                            .with_hint("remove the entry or link to a web page"),
                    );
                    continue;
                }
            } else if is_toc_href(href) {
                if let Some(rel) = join(dir, href) {
                    if let Some(sub) = by_rel.get(rel.as_str()) {
                        if !visiting.contains(&rel) {
                            node.children = toc_nodes(sub, found, listed, visiting, diagnostics);
                        }
                    } else if let Some(&i) = by_path.get(&crate::content::page_path(&rel)) {
                        node.page = Some(i);
                        listed.insert(i);
                    }
                }
            } else if let Some(file) = href.split(['#', '?']).next().filter(|f| {
                // A YAML page (`index.yml`, a FAQ) is an article too: the
                // docset's landing page was left to "Other articles".
                let f = f.to_ascii_lowercase();
                f.ends_with(".md") || f.ends_with(".yml")
            }) {
                let key = join(dir, file).map(|r| crate::content::page_path(&r));
                match key.as_ref().and_then(|k| by_path.get(k).copied()) {
                    Some(i) => {
                        node.page = Some(i);
                        listed.insert(i);
                    }
                    // Named with other letter case: docfx (on a
                    // case-insensitive disk) finds it, so tolk does, and warns.
                    None if key
                        .as_ref()
                        .is_some_and(|k| by_path.keys().any(|p| p.eq_ignore_ascii_case(k))) =>
                    {
                        let k = key.as_deref().unwrap_or_default();
                        let Some((path, &i)) =
                            by_path.iter().find(|(p, _)| p.eq_ignore_ascii_case(k))
                        else {
                            continue;
                        };
                        diagnostics.push(
                            Diagnostic::warning("link-spelling", format!("TOC entry `{}` points to {href}, which differs in letter case from the article {path}; it is linked, but a case-sensitive host or another tool may not find it", it.name))
                                .at(toc.location(href))
                                .with_hint("write the path as the file is named"),
                        );
                        node.page = Some(i);
                        listed.insert(i);
                    }
                    None => {
                        diagnostics.push(
                            Diagnostic::warning("toc-missing", format!("TOC entry `{}` points to {href}, which is not an article of the site", it.name))
                                .at(toc.location(href))
                                .with_hint("fix the href or remove the entry; it is left out of the navigation"),
                        );
                        continue;
                    }
                }
            } else if let Some(folder) = href.strip_suffix('/').and_then(|f| {
                ["TOC.yml", "toc.yml"].iter().find_map(|t| {
                    join(dir, &format!("{f}/{t}")).filter(|rel| by_rel.contains_key(rel.as_str()))
                })
            }) {
                // `href: sub/` is DocFX for the folder's TOC.
                if let Some(sub) = by_rel.get(folder.as_str()) {
                    if !visiting.contains(&folder) {
                        node.children = toc_nodes(sub, found, listed, visiting, diagnostics);
                    }
                }
            } else if href.starts_with('/') && !found.links.external_base.is_empty() {
                // A path of the public docs outside this site
                // (`/azure/marketplace`): resolved as a link is, per
                // language, against `external-base`.
                let url = |lang| {
                    markdown::resolve(found.links, &toc.file.source.rel, href, lang)
                        .url(found.links, lang)
                };
                let (nl, en) = (url(Lang::Nl), url(Lang::En));
                node.href_en = (en != nl).then_some(en);
                node.href = Some(nl);
            } else if it.items.is_empty() {
                // `overview`, `page.html`, `#x`: no article, and no group.
                diagnostics.push(
                    Diagnostic::warning("toc-missing", format!("TOC entry `{}` points to {href}, which is not an article of the site", it.name))
                        .at(toc.location(href))
                        .with_hint("point it at the article's file (`overview.md`) or at a web page (`https://...`); it is left out of the navigation"),
                );
                continue;
            }
        }
        let children = items_to_nodes(&it.items, dir, toc, found, listed, visiting, diagnostics);
        node.children.extend(children);
        if node.page.is_none() && node.href.is_none() && node.children.is_empty() {
            continue;
        }
        out.push(node);
    }
    out
}

/// The parts of the navigation that are the same on every page of one
/// language, escaped once: each page's link target and title, each node's
/// label, and the UI strings. Rendering a page's navigation is then only
/// string concatenation; formatting URLs and escaping names for every entry
/// of every page was a tenth of a build.
pub struct NavText {
    lang: Lang,
    /// Per page: its URL, escaped for an attribute.
    hrefs: Vec<String>,
    /// Per page: its title in this language, escaped.
    titles: Vec<String>,
    /// Per node (by pre-order number): its label, escaped.
    labels: Vec<String>,
    /// The "all articles (N)" entry's link target and label.
    index_href: String,
    all_articles: String,
}

impl NavText {
    pub fn new(site: &Site, lang: Lang, strings: &dyn Fn(&str) -> String) -> NavText {
        use markdown::{escape_attr, escape_html};
        let hrefs = (0..site.pages.len())
            .map(|i| escape_attr(&site.url(i, lang)))
            .collect();
        // A title in the other language is marked as such (an English page
        // lists Dutch-only articles by their Dutch titles).
        let titles: Vec<String> = site
            .pages
            .iter()
            .map(|p| in_lang(escape_html(&p.title(lang)), p.title_lang(lang), lang))
            .collect();
        let other = escape_html(&strings("other-articles"));
        let mut labels = vec![String::new(); site.nav_count];
        fn walk(
            nodes: &[NavNode],
            lang: Lang,
            titles: &[String],
            other: &str,
            labels: &mut [String],
        ) {
            for n in nodes {
                if let Some(slot) = labels.get_mut(n.pre) {
                    *slot = match (n.page, &n.name_en) {
                        (Some(i), _) if lang == Lang::En || n.name.is_empty() => titles[i].clone(),
                        _ if n.name.is_empty() => other.to_string(),
                        (_, Some(en)) if lang == Lang::En => markdown::escape_html(en),
                        // A Dutch label on an English page says so (WCAG
                        // 3.1.2, language of parts).
                        _ if lang == Lang::En => {
                            format!(
                                "<span lang=\"nl\">{}</span>",
                                markdown::escape_html(&n.name)
                            )
                        }
                        _ => markdown::escape_html(&n.name),
                    };
                }
                walk(&n.children, lang, titles, other, labels);
            }
        }
        walk(&site.nav, lang, &titles, &other, &mut labels);
        NavText {
            lang,
            hrefs,
            titles,
            labels,
            index_href: escape_attr(&markdown::page_url(&site.links.base_path, lang, "")),
            all_articles: escape_html(&strings("all-articles")),
        }
    }
}

/// The navigation of one page as HTML: every top-level entry, and the
/// branches that lead to the current page opened. Large sites (over
/// [`FULL_NAV_LIMIT`] entries) show only those branches, so the cost of a page
/// does not grow with the size of the site.
pub fn nav_html(site: &Site, text: &NavText, current: Option<usize>) -> String {
    let full = site.nav_count <= FULL_NAV_LIMIT;
    let mut out = String::with_capacity(256);
    out.push_str("<ul>");
    nodes_html(site, text, &site.nav, current, full, 0, &mut out);
    out.push_str("</ul>");
    out
}

/// In the navigation of a large site, a list of more siblings than this
/// shows only the branch that leads to the page, and a link to the index
/// page where all of them are listed: otherwise a TOC with thousands of
/// entries would put thousands of links in every page.
pub const SIBLING_LIMIT: usize = 60;

fn nodes_html(
    site: &Site,
    text: &NavText,
    nodes: &[NavNode],
    current: Option<usize>,
    full: bool,
    depth: usize,
    out: &mut String,
) {
    if full || nodes.len() <= SIBLING_LIMIT {
        for n in nodes {
            node_html(site, text, n, current, full, depth, out);
        }
        return;
    }
    for n in nodes
        .iter()
        .filter(|n| current.is_some_and(|c| contains_page(site, n, c)))
    {
        node_html(site, text, n, current, full, depth, out);
    }
    out.push_str("<li><a href=\"");
    out.push_str(&text.index_href);
    out.push_str("\">");
    out.push_str(&text.all_articles);
    out.push_str(" (");
    out.push_str(&nodes.len().to_string());
    out.push_str(")</a></li>");
}

/// Sites with at most this many navigation entries get the whole tree on
/// every page.
pub const FULL_NAV_LIMIT: usize = 150;

/// Is the page linked from `n` or anywhere below it?
fn contains_page(site: &Site, n: &NavNode, page: usize) -> bool {
    site.nav_nodes_of[page]
        .iter()
        .any(|&p| (n.pre..n.end).contains(&p))
}

/// One entry: its link (or label), and its children when the entry is open.
fn node_html(
    site: &Site,
    text: &NavText,
    n: &NavNode,
    current: Option<usize>,
    full: bool,
    depth: usize,
    out: &mut String,
) {
    let on_path = current.is_some_and(|c| contains_page(site, n, c));
    let label = text.labels.get(n.pre).map_or("", String::as_str);
    let link = |out: &mut String| match (n.page, &n.href) {
        (Some(i), _) => {
            out.push_str("<a href=\"");
            out.push_str(&text.hrefs[i]);
            out.push('"');
            if current == Some(i) {
                out.push_str(" aria-current=\"page\"");
            }
            out.push('>');
            out.push_str(label);
            out.push_str("</a>");
        }
        (None, Some(h)) => {
            let h = match (&n.href_en, text.lang) {
                (Some(en), Lang::En) => en,
                _ => h,
            };
            out.push_str("<a href=\"");
            out.push_str(&markdown::escape_attr(h));
            out.push_str("\">");
            out.push_str(label);
            out.push_str("</a>");
        }
        (None, None) => out.push_str(label),
    };
    out.push_str("<li>");
    if n.children.is_empty() {
        link(out);
    } else if full || on_path || depth == 0 {
        let open = on_path || (depth == 0 && site.nav.len() == 1);
        out.push_str(if open {
            "<details open><summary>"
        } else {
            "<details><summary>"
        });
        link(out);
        out.push_str("</summary><ul>");
        if full || on_path {
            nodes_html(site, text, &n.children, current, full, depth + 1, out);
        } else if let Some(first) = first_page(n) {
            out.push_str("<li><a href=\"");
            out.push_str(&text.hrefs[first]);
            out.push_str("\">");
            out.push_str(&text.titles[first]);
            out.push_str("</a></li>");
        }
        out.push_str("</ul></details>");
    } else {
        link(out);
    }
    out.push_str("</li>");
}

fn first_page(n: &NavNode) -> Option<usize> {
    n.page.or_else(|| n.children.iter().find_map(first_page))
}

/// The articles for the index page, in groups: the top-level entries of the
/// navigation, with every article under each: (name, the language it is
/// written in, articles).
pub fn index_groups(
    site: &Site,
    lang: Lang,
    strings: &dyn Fn(&str) -> String,
) -> Vec<(String, Lang, Vec<usize>)> {
    let mut groups: Vec<(String, Lang, Vec<usize>)> = Vec::new();
    let mut loose = Vec::new();
    for n in &site.nav {
        if n.children.is_empty() {
            loose.extend(n.page);
            continue;
        }
        let mut members = Vec::new();
        collect_pages(n, &mut members);
        let (name, name_lang) = match (&n.name_en, lang) {
            _ if n.name.is_empty() => (strings("other-articles"), lang),
            (Some(en), Lang::En) => (en.clone(), Lang::En),
            _ => (n.name.clone(), Lang::Nl),
        };
        groups.push((name, name_lang, members));
    }
    if !loose.is_empty() {
        groups.insert(0, (strings("articles"), lang, loose));
    }
    groups
}

fn collect_pages(n: &NavNode, out: &mut Vec<usize>) {
    if let Some(p) = n.page {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    for c in &n.children {
        collect_pages(c, out);
    }
}

/// A navigation node's label in `lang`, unescaped, and the language it is
/// written in: the TOC's name (the page title on English pages, where the
/// TOC's Dutch name would be wrong; the English TOC's name of a group on
/// English pages), the page title when the TOC gives none, `other` for the
/// group of articles no TOC lists.
fn node_label(site: &Site, n: &NavNode, lang: Lang, other: &str) -> (String, Lang) {
    match (n.page, &n.name_en) {
        (Some(i), _) if lang == Lang::En || n.name.is_empty() => {
            let p = &site.pages[i];
            (p.title(lang), p.title_lang(lang))
        }
        _ if n.name.is_empty() => (other.to_string(), lang),
        (_, Some(en)) if lang == Lang::En => (en.clone(), Lang::En),
        _ => (n.name.clone(), Lang::Nl),
    }
}

/// The whole navigation of one language as the script that every page of
/// that language shares (`static/toc-<lang>.<hash>.js`, see
/// `pipeline::write_site`): `window.tolkNav = [node, ...]`, a node being
/// `{"t": label, "l": its language when not the page's ("nl"/"en"), "u":
/// URL (absent for a group), "c": [children]}`. It is
/// data for `tolk.js` (which builds the tree with `textContent`, never
/// `innerHTML`); the page itself carries only the branch to the current
/// page, so a page's size does not grow with the site.
pub fn nav_script(site: &Site, lang: Lang, other: &str) -> String {
    fn walk(site: &Site, nodes: &[NavNode], lang: Lang, other: &str) -> serde_json::Value {
        serde_json::Value::Array(
            nodes
                .iter()
                .map(|n| {
                    let mut o = serde_json::Map::new();
                    let (label, label_lang) = node_label(site, n, lang, other);
                    o.insert("t".into(), label.into());
                    if let Some(tag) = part_lang(label_lang, lang) {
                        o.insert("l".into(), tag.into());
                    }
                    match (n.page, &n.href) {
                        (Some(i), _) => {
                            o.insert("u".into(), site.url(i, lang).into());
                        }
                        (None, Some(h)) => {
                            let h = match (&n.href_en, lang) {
                                (Some(en), Lang::En) => en,
                                _ => h,
                            };
                            o.insert("u".into(), h.clone().into());
                            o.insert("x".into(), true.into());
                        }
                        (None, None) => {}
                    }
                    if !n.children.is_empty() {
                        o.insert("c".into(), walk(site, &n.children, lang, other));
                    }
                    serde_json::Value::Object(o)
                })
                .collect(),
        )
    }
    format!("window.tolkNav = {};\n", walk(site, &site.nav, lang, other))
}

/// Where each page stands in the navigation: the pages in TOC order (each
/// once, where it is first listed), and per page its position in that
/// order and the nodes above its first listing (for breadcrumbs).
pub struct NavOrder {
    pub order: Vec<usize>,
    pub position: Vec<Option<usize>>,
    /// Per page: the pre-order numbers of the nodes above its first node.
    pub ancestors: Vec<Vec<usize>>,
    /// Per pre-order number: the node's page, if it links to one.
    node_page: Vec<Option<usize>>,
}

impl NavOrder {
    pub fn new(site: &Site) -> NavOrder {
        let n_pages = site.pages.len();
        let mut out = NavOrder {
            order: Vec::with_capacity(n_pages),
            position: vec![None; n_pages],
            ancestors: vec![Vec::new(); n_pages],
            node_page: vec![None; site.nav_count],
        };
        fn walk(nodes: &[NavNode], stack: &mut Vec<usize>, out: &mut NavOrder) {
            for n in nodes {
                if let Some(slot) = out.node_page.get_mut(n.pre) {
                    *slot = n.page;
                }
                if let Some(p) = n.page {
                    if out.position[p].is_none() {
                        out.position[p] = Some(out.order.len());
                        out.order.push(p);
                        out.ancestors[p] = stack.clone();
                    }
                }
                stack.push(n.pre);
                walk(&n.children, stack, out);
                stack.pop();
            }
        }
        walk(&site.nav, &mut Vec::new(), &mut out);
        out
    }

    /// The pages before and after `page` in TOC order.
    pub fn neighbours(&self, page: usize) -> (Option<usize>, Option<usize>) {
        match self.position.get(page).copied().flatten() {
            Some(k) => (
                k.checked_sub(1).map(|j| self.order[j]),
                self.order.get(k + 1).copied(),
            ),
            None => (None, None),
        }
    }

    /// The breadcrumb trail of `page`: (label, its language, link) of each
    /// node above it.
    pub fn crumbs(
        &self,
        site: &Site,
        page: usize,
        lang: Lang,
        other: &str,
    ) -> Vec<(String, Lang, Option<String>)> {
        let Some(ancestors) = self.ancestors.get(page) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(ancestors.len());
        for &pre in ancestors {
            if let Some(n) = find_node(&site.nav, pre) {
                let link = self
                    .node_page
                    .get(pre)
                    .copied()
                    .flatten()
                    .map(|p| site.url(p, lang));
                let (label, label_lang) = node_label(site, n, lang, other);
                out.push((label, label_lang, link));
            }
        }
        out
    }
}

/// The node numbered `pre`, found by descending into the one subtree that
/// holds it.
fn find_node(nodes: &[NavNode], pre: usize) -> Option<&NavNode> {
    let n = nodes.iter().find(|n| (n.pre..n.end).contains(&pre))?;
    if n.pre == pre {
        Some(n)
    } else {
        find_node(&n.children, pre)
    }
}

/// The text of each file in `wanted` (content-relative paths) that is one
/// of `assets`, for code directives to show: read here, as the walk found
/// it inside the content folder, never from a path a writer typed.
fn read_code_files(
    wanted: &HashSet<String>,
    assets: &[crate::content::Asset],
) -> markdown::CodeFiles {
    const LIMIT: u64 = 4 << 20;
    let mut files = std::collections::BTreeMap::new();
    if wanted.is_empty() {
        return Default::default();
    }
    for a in assets.iter().filter(|a| wanted.contains(&a.rel)) {
        let text = match std::fs::metadata(&a.abs) {
            Ok(m) if m.len() > LIMIT => Err(format!("it is larger than {} MiB", LIMIT >> 20)),
            Ok(_) => match std::fs::read(&a.abs) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map(|t| t.replace("\r\n", "\n"))
                    .map_err(|_| "it is not UTF-8 text".to_string()),
                Err(e) => Err(format!("it cannot be read ({e})")),
            },
            Err(e) => Err(format!("it cannot be read ({e})")),
        };
        files.insert(a.rel.clone(), text);
    }
    std::sync::Arc::new(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store that keeps texts but, when `lose` is set, cannot give them
    /// back, or gives back another text than it was given.
    struct Store {
        texts: std::sync::Mutex<Vec<String>>,
        back: Option<&'static str>,
    }

    impl crate::content::TextStore for Store {
        fn keep(&self, text: &str) -> Option<usize> {
            let mut texts = self.texts.lock().ok()?;
            texts.push(text.to_string());
            Some(texts.len() - 1)
        }
        fn get(&self, key: usize) -> Result<String, String> {
            match self.back {
                Some(other) => Ok(other.to_string()),
                None => Err(format!("key {key}: the disk is gone")),
            }
        }
    }

    /// An article whose text cannot be read back for its batch, or comes
    /// back as another (shorter) text, compiles without panicking and
    /// with the error at its file; the other articles compile whole.
    #[test]
    fn a_text_lost_from_the_store_is_an_error_not_a_panic() {
        let config = Config::parse(std::path::Path::new("/nonexistent"), "").expect("config");
        let labels = |_: Lang, k: &str| k.to_string();
        let today = crate::date::Date::from_ymd(2024, 1, 1).expect("date");
        for back in [None, Some("x"), Some("---\né\n")] {
            let store = Store {
                texts: Default::default(),
                back,
            };
            let mut diagnostics = Vec::new();
            let source = crate::content::Source {
                rel: "a.md".into(),
                display: "content/a.md".into(),
                text: "---\ntitle: Nederlands é\n---\n# Kop\n\nTekst.\n".into(),
            };
            let mut article = crate::content::parse_article(source, None, &mut diagnostics);
            assert!(article.body_start > 3);
            article.put_away(&store);
            assert!(article.stored.is_some());
            let content = Content {
                articles: vec![article],
                ..Content::default()
            };
            let (site, diagnostics) = Site::assemble_in_batches(
                &config,
                content,
                &labels,
                today,
                64,
                &mut |_, _| {},
                Some(&store),
            );
            assert_eq!(site.pages.len(), 1);
            let shown: Vec<String> = diagnostics.iter().map(|d| d.render(false)).collect();
            if back.is_none() {
                assert!(
                    shown.iter().any(|d| d.contains("error[io]")
                        && d.contains("content/a.md")
                        && d.contains("the disk is gone")),
                    "{shown:?}"
                );
            }
        }
    }

    #[test]
    fn mark_segments_marks_the_articles_sentences_only() {
        let mut html = concat!(
            "<h2><span class=\"tolk-seg\" aria-describedby=\"tolk-orig-1\">b</span></h2>",
            "<span class=\"tolk-seg\" aria-describedby=\"tolk-orig-i3-0\">inc</span>",
            "<span aria-describedby=\"tolk-orig-7\">none</span>",
            "<span aria-describedby=\"tolk-orig-0x\">odd</span>",
        )
        .to_string();
        let marks = [("a\"0", 1, None), ("a-1", 4, Some("identical"))];
        mark_segments(&mut html, &marks);
        assert_eq!(
            html,
            concat!(
                "<h2><span class=\"tolk-seg\" aria-describedby=\"tolk-orig-1\" data-seg=\"a-1\" data-line=\"4\" data-review=\"identical\">b</span></h2>",
                "<span class=\"tolk-seg\" aria-describedby=\"tolk-orig-i3-0\">inc</span>",
                "<span aria-describedby=\"tolk-orig-7\">none</span>",
                "<span aria-describedby=\"tolk-orig-0x\">odd</span>",
            )
        );
        let mut html = "<span aria-describedby=\"tolk-orig-0\">x</span>".to_string();
        mark_segments(&mut html, &marks);
        assert!(
            html.contains("data-seg=\"a&quot;0\" data-line=\"1\">"),
            "{html}"
        );
    }
}
