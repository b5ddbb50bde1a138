//! Content: the files under the content folder, read and split into front
//! matter and body.
//!
//! This stage walks `content/`, reads every article as UTF-8 (reporting the
//! line of the first bad byte when it is not), parses its YAML front matter
//! into [`FrontMatter`], and lists the other files as assets and the
//! `TOC.yml` files as navigation sources. It knows nothing of Markdown,
//! segments or pages: it only hands the next stage clean, located text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Location};
use crate::lang::Lang;
use crate::yaml;

/// A text file of the site, normalised: no byte-order mark, `\n` line
/// endings (so lines and columns in diagnostics match what editors show).
#[derive(Debug, Clone)]
pub struct Source {
    /// The path relative to the content folder, with `/` separators.
    pub rel: String,
    /// The path shown in diagnostics, relative to the site root
    /// (`content/request-credit.md`).
    pub display: PathBuf,
    pub text: String,
}

/// `ms.translationtype`: how the Dutch text was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TranslationType {
    /// Machine translated: the Dutch page says so and links to the English.
    #[serde(rename = "MT")]
    Machine,
    /// Human translated.
    #[serde(rename = "HT")]
    Human,
}

/// The front matter of an article: typed fields for the keys DocFX articles
/// use, and every other key kept as JSON for templates. Unknown keys are
/// never an error.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    #[serde(rename = "ms.author")]
    pub ms_author: Option<String>,
    #[serde(rename = "ms.date", serialize_with = "serialize_date")]
    pub date: Option<Date>,
    #[serde(rename = "ms.topic")]
    pub topic: Option<String>,
    #[serde(rename = "ms.service")]
    pub service: Option<String>,
    #[serde(rename = "ms.subservice")]
    pub subservice: Option<String>,
    #[serde(rename = "ms.translationtype")]
    pub translation_type: Option<TranslationType>,
    #[serde(rename = "ms.contentlocale")]
    pub content_locale: Option<Lang>,
    #[serde(rename = "ms.locfileid")]
    pub locfileid: Option<String>,
    /// Every other key, in the order written.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The keys given with a value of the wrong type (already reported),
    /// or `None` for every key when the front matter could not be read at
    /// all: `tolk check` does not call them missing too.
    #[serde(skip)]
    pub invalid: Option<Vec<&'static str>>,
}

impl Default for FrontMatter {
    /// No front matter: every key absent.
    fn default() -> Self {
        FrontMatter {
            title: None,
            description: None,
            author: None,
            ms_author: None,
            date: None,
            topic: None,
            service: None,
            subservice: None,
            translation_type: None,
            content_locale: None,
            locfileid: None,
            extra: serde_json::Map::new(),
            invalid: Some(Vec::new()),
        }
    }
}

impl FrontMatter {
    /// Front matter that could not be read (the error is reported): no
    /// value, and no key reported missing on top of it.
    fn unreadable() -> Self {
        FrontMatter {
            invalid: None,
            ..FrontMatter::default()
        }
    }

    /// Whether the front matter sets `key` (a typed key, or any other).
    pub fn has(&self, key: &str) -> bool {
        match &self.invalid {
            None => return true,
            Some(keys) if keys.contains(&key) => return true,
            Some(_) => {}
        }
        match key {
            "title" => self.title.is_some(),
            "description" => self.description.is_some(),
            "author" => self.author.is_some(),
            "ms.author" => self.ms_author.is_some(),
            "ms.date" => self.date.is_some(),
            "ms.topic" => self.topic.is_some(),
            "ms.service" => self.service.is_some(),
            "ms.subservice" => self.subservice.is_some(),
            "ms.translationtype" => self.translation_type.is_some(),
            "ms.contentlocale" => self.content_locale.is_some(),
            "ms.locfileid" => self.locfileid.is_some(),
            other => self.extra.contains_key(other),
        }
    }
}

fn serialize_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// An article: a Markdown source with its front matter parsed.
#[derive(Debug, Clone)]
pub struct Article {
    pub source: Source,
    pub front: FrontMatter,
    /// Byte offset in `source.text` where the Markdown body starts (after the
    /// front matter).
    pub body_start: usize,
    /// The page path, without language and slashes around it:
    /// `request-credit`, `marketplace/overview`; `""` for a root `index.md`.
    pub path: String,
    /// An English source for the same path, which takes precedence over the
    /// originals carried in the segments.
    pub english: Option<Source>,
    /// The English source's own front matter (title, description, date,
    /// author, `ms.*`), for the English page.
    /// Boxed: most articles have none, and a site's articles stay in
    /// memory until its last page is written.
    pub english_front: Option<Box<FrontMatter>>,
    /// An article that exists only in English (`content-en/` has it, no
    /// Dutch article pairs with it): `source` is the English file, and the
    /// Dutch page says the article is available only in English.
    pub only_english: bool,
    /// Where its texts wait when a [`TextStore`] keeps them (a build that
    /// keeps no session): `source.text` and `english`'s text are then
    /// empty until [`Article::take_back`].
    pub stored: Option<StoredTexts>,
}

/// The keys of an article's texts in a [`TextStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredTexts {
    pub source: usize,
    pub english: Option<usize>,
    /// Whether either text may hold a code directive
    /// ([`may_name_code_files`]): only those are read back before their
    /// batch, to learn which files the site's code blocks show.
    pub code: bool,
}

/// Whether `text` may hold a code directive (`:::code`, `[!code`), the
/// only Markdown that names a file to read. Cheap, and false for most
/// articles; `markdown` looks for the directives themselves only then.
pub fn may_name_code_files(text: &str) -> bool {
    text.contains(":::code") || text.contains("[!code")
}

/// Where a build that keeps no session puts the articles' texts between
/// reading them (for their front matter) and compiling them, a batch at a
/// time. All of a site's Markdown read at once was most of such a build's
/// memory at its peak: 67 MB of 10,000 generated articles, 335 MB of
/// 50,000 (issue 19). The output stage implements it on disk; this stage
/// only hands texts over and asks for them back.
pub trait TextStore: Sync {
    /// Keeps `text` and returns its key, or `None` when it could not (the
    /// text then stays in memory).
    fn keep(&self, text: &str) -> Option<usize>;
    /// The text kept under `key`; `Err` says why it cannot be read back.
    fn get(&self, key: usize) -> Result<String, String>;
}

impl Article {
    /// Moves the article's texts into `store`, unless it has them already
    /// or cannot keep them all (then they stay here).
    pub fn put_away(&mut self, store: &dyn TextStore) {
        if self.stored.is_some() {
            return;
        }
        let code = may_name_code_files(&self.source.text)
            || self
                .english
                .as_ref()
                .is_some_and(|en| may_name_code_files(&en.text));
        let Some(source) = store.keep(&self.source.text) else {
            return;
        };
        let english = match &self.english {
            // An English-only article's English source is its source.
            Some(_) if self.only_english => Some(source),
            Some(en) => match store.keep(&en.text) {
                Some(key) => Some(key),
                None => return,
            },
            None => None,
        };
        self.stored = Some(StoredTexts {
            source,
            english,
            code,
        });
        self.source.text = String::new();
        if let Some(en) = &mut self.english {
            en.text = String::new();
        }
    }

    /// Reads the article's texts back from `store` ([`Article::put_away`]);
    /// the keys stay, for a reader that needs a text again later. A text
    /// that cannot be read back is an error at the file.
    pub fn take_back(&mut self, store: &dyn TextStore) -> Result<(), Diagnostic> {
        let Some(keys) = self.stored else {
            return Ok(());
        };
        let lost = |source: &Source, why: String| {
            Diagnostic::error(
                "io",
                format!("the text of this file, kept in the build's temporary file, cannot be read back: {why}"),
            )
            .in_file(source.display.clone())
            .with_hint("check the space and health of the disk that holds the output folder, and build again")
        };
        let source = store
            .get(keys.source)
            .map_err(|why| lost(&self.source, why));
        let english = match (&self.english, keys.english) {
            (Some(en), Some(key)) => Some(store.get(key).map_err(|why| lost(en, why))),
            _ => None,
        };
        match (source, english.transpose()) {
            (Ok(text), Ok(en_text)) => {
                self.source.text = text;
                if let (Some(en), Some(text)) = (&mut self.english, en_text) {
                    en.text = text;
                }
                Ok(())
            }
            // No text, so no front matter either: the article compiles to
            // an empty page, which the error keeps from being written.
            (Err(e), _) | (_, Err(e)) => {
                self.body_start = 0;
                Err(e)
            }
        }
    }

    pub fn body(&self) -> &str {
        &self.source.text[self.body_start..]
    }
}

/// A file copied to the site as it is (images, PDFs, ...).
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub abs: PathBuf,
}

/// A `TOC.yml`: the navigation tree of its folder.
#[derive(Debug, Clone)]
pub struct TocFile {
    pub source: Source,
    pub items: Vec<TocItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TocItem {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub href: Option<String>,
    #[serde(default)]
    pub items: Vec<TocItem>,
}

/// A DocFX breadcrumb definition (`breadcrumb/toc.yml`): where the
/// docset's folders sit on the publisher's site. Pages under an item's
/// `tocHref` (a path from the content root) show its `name` in their
/// breadcrumbs, linked to `topicHref` when that is a page of this site.
#[derive(Debug, Clone, Deserialize)]
pub struct BreadcrumbItem {
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "tocHref")]
    pub toc_href: Option<String>,
    #[serde(default, rename = "topicHref")]
    pub topic_href: Option<String>,
    #[serde(default)]
    pub items: Vec<BreadcrumbItem>,
}

/// Everything the content stage read.
#[derive(Debug, Default)]
pub struct Content {
    pub articles: Vec<Article>,
    pub assets: Vec<Asset>,
    pub tocs: Vec<TocFile>,
    /// The items of every `breadcrumb/toc.yml`, in walk order.
    pub breadcrumbs: Vec<BreadcrumbItem>,
    /// Files that other articles pull in with `[!INCLUDE]` (anything under a
    /// folder named `includes`): not pages of their own.
    pub includes: BTreeMap<String, Source>,
    /// The English content tree, when the site has one.
    pub english: English,
    pub diagnostics: Vec<Diagnostic>,
}

/// The English content tree (`content-en/`): a whole tree like `content/`,
/// whose articles are the English pages of the Dutch ones at the same path
/// (or the path `[languages.renamed]` or a DocFX redirection file gives).
#[derive(Debug, Clone, Default)]
pub struct English {
    /// Whether the site has an English tree at all.
    pub present: bool,
    /// `[!INCLUDE]` files of English sources, by path in the English tree.
    pub includes: BTreeMap<String, Source>,
    pub tocs: Vec<TocFile>,
    /// Images and other files, published under `en/`.
    pub assets: Vec<Asset>,
    /// Dutch articles (paths in `content/`) with no English original, and
    /// the English path looked for.
    pub only_dutch: Vec<(String, String)>,
}

/// Is this a file tolk should not look at: hidden files, editor swap and
/// backup files, OS litter.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913" // vim's write test file
        || name == "Thumbs.db"
}

/// Is `rel` (a path in the content folder) named by `[book] exclude`: the
/// path itself or a folder above it.
pub fn is_excluded(exclude: &[String], rel: &str) -> bool {
    exclude.iter().any(|e| {
        let e = e.trim_matches('/');
        !e.is_empty()
            && (rel == e
                || rel
                    .strip_prefix(e)
                    .is_some_and(|rest| rest.starts_with('/')))
    })
}

/// Is this TOC file a DocFX breadcrumb definition (`breadcrumb/toc.yml`)?
/// Those name where the docset sits on the publisher's site: breadcrumbs,
/// not navigation of this site.
fn is_breadcrumb_toc(lower: &str) -> bool {
    lower.rsplit('/').nth(1) == Some("breadcrumb")
}

/// A DocFX Markdown TOC (`TOC.md`): each heading line `# [Name](href)` is
/// an entry, its depth the number of `#`. Other lines are ignored.
pub fn parse_markdown_toc(text: &str) -> Vec<TocItem> {
    fn push(items: &mut Vec<TocItem>, depth: usize, item: TocItem) {
        match items.last_mut() {
            Some(last) if depth > 1 => push(&mut last.items, depth - 1, item),
            _ => items.push(item),
        }
    }
    let mut items = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let depth = t.bytes().take_while(|&b| b == b'#').count();
        if depth == 0 || depth > 6 {
            continue;
        }
        let rest = t[depth..].trim();
        let (name, href) = match rest.strip_prefix('[').and_then(|r| r.split_once("](")) {
            Some((name, tail)) => match tail.rfind(')') {
                Some(end) => (name.trim(), Some(tail[..end].trim().to_string())),
                None => (rest, None),
            },
            None => (rest, None),
        };
        if name.is_empty() {
            continue;
        }
        push(
            &mut items,
            depth,
            TocItem {
                name: name.to_string(),
                href,
                items: Vec::new(),
            },
        );
    }
    items
}

/// Reads the content folder.
pub fn load(config: &Config) -> Content {
    load_with(config, None)
}

/// [`load`], putting every article's texts into `texts` as soon as its
/// front matter is read (see [`TextStore`]).
pub fn load_with(config: &Config, texts: Option<&dyn TextStore>) -> Content {
    let mut content = Content::default();
    let dir = config.content_dir();
    if !dir.is_dir() {
        content.diagnostics.push(
            Diagnostic::error(
                "content",
                format!("the content folder {} does not exist", dir.display()),
            )
            .in_file(crate::config::FILE_NAME)
            .with_hint("create it, or set `src` under [book] in book.toml"),
        );
        return content;
    }
    let (mut english, tree) = load_english(config, &mut content.diagnostics);
    let redirects = load_redirections(config, &english, &mut content.diagnostics);
    content.english = tree;
    // Which English file is a Dutch article's original: the renamed table,
    // then the redirection file, then the same path.
    let english_rel = |rel: &str| -> String {
        config
            .languages
            .renamed
            .get(rel)
            .or_else(|| redirects.get(rel))
            .cloned()
            .unwrap_or_else(|| rel.to_string())
    };
    for (from, to) in &config.languages.renamed {
        if content.english.present && !english.contains_key(to) {
            content.diagnostics.push(
                Diagnostic::warning(
                    "renamed",
                    format!("[languages.renamed] maps {from} to {to}, which is not a file of the English tree"),
                )
                .in_file(crate::config::FILE_NAME)
                .with_hint("give the English path relative to the English content folder, with `.md`"),
            );
        }
    }
    // Reading and parsing front matter is a third of what a build does
    // before Markdown, and each file is independent: it runs on every core.
    // The results come back in walk order, so the content (and the order
    // of diagnostics) is the same whatever the thread count.
    let files: Vec<(String, PathBuf)> = walk(
        &dir,
        &config.book.src,
        Bound::new(&dir, &config.root, "the content folder"),
        &mut content.diagnostics,
    )
    .into_iter()
    .filter(|(rel, _)| !is_excluded(&config.book.exclude, rel))
    .collect();
    let loaded: Vec<(Loaded, Vec<Diagnostic>)> = files
        .into_par_iter()
        .map(|(rel, abs)| {
            let mut diagnostics = Vec::new();
            let mut loaded = load_file(config, &english, &english_rel, rel, abs, &mut diagnostics);
            if let (Loaded::Article(article), Some(store)) = (&mut loaded, texts) {
                article.put_away(store);
            }
            (loaded, diagnostics)
        })
        .collect();
    for (loaded, diagnostics) in loaded {
        content.diagnostics.extend(diagnostics);
        match loaded {
            Loaded::Article(a) => content.articles.push(*a),
            Loaded::Include(source) => {
                content.includes.insert(source.rel.clone(), source);
            }
            Loaded::Toc(toc) => content.tocs.push(toc),
            Loaded::Breadcrumb(items) => content.breadcrumbs.extend(items),
            Loaded::Asset(asset) => content.assets.push(asset),
            Loaded::English(_) | Loaded::Nothing => {}
        }
    }
    // What has no partner: Dutch articles without an English file, and
    // English files no Dutch article claims, which become pages of their
    // own (in English; the Dutch page says so).
    if content.english.present {
        for a in &content.articles {
            if a.english.is_none() {
                let rel = &a.source.rel;
                content
                    .english
                    .only_dutch
                    .push((rel.clone(), english_rel(rel)));
            }
        }
        for a in &content.articles {
            if a.english.is_some() {
                english.remove(&english_rel(&a.source.rel));
            }
        }
        for (_, source) in english {
            let mut diags = Vec::new();
            let (front, body_start) = parse_front_matter(&source, &mut diags);
            content.diagnostics.extend(diags);
            let path = page_path(&source.rel);
            let mut article = Article {
                english: Some(source.clone()),
                english_front: Some(Box::new(front.clone())),
                source,
                front,
                body_start,
                path,
                only_english: true,
                stored: None,
            };
            if let Some(store) = texts {
                article.put_away(store);
            }
            content.articles.push(article);
        }
    }
    content
        .articles
        .sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    content
}

/// What one file of the content folder turned out to be.
enum Loaded {
    Article(Box<Article>),
    /// An article of the English tree, before pairing.
    English(Source),
    Include(Source),
    Toc(TocFile),
    /// The items of a `breadcrumb/toc.yml`.
    Breadcrumb(Vec<BreadcrumbItem>),
    Asset(Asset),
    /// Unreadable (a diagnostic says why), or data tolk does not publish.
    Nothing,
}

/// Reads and classifies one file found by [`walk`]: `.md` files are
/// articles (or includes, under a folder named `includes`), `TOC.yml`
/// files navigation, other `.yml`/`.json` files data, the rest assets.
fn load_file(
    config: &Config,
    english: &BTreeMap<String, Source>,
    english_rel: &(dyn Fn(&str) -> String + Sync),
    rel: String,
    abs: PathBuf,
    diagnostics: &mut Vec<Diagnostic>,
) -> Loaded {
    let display = config.book.src.join(&rel);
    let lower = rel.to_ascii_lowercase();
    if lower.ends_with("toc.md") && lower.rsplit('/').next() == Some("toc.md") {
        // A DocFX Markdown TOC is navigation, not an article.
        let Some(source) = read_source(&abs, rel, display, diagnostics) else {
            return Loaded::Nothing;
        };
        let items = parse_markdown_toc(&source.text);
        return Loaded::Toc(TocFile { source, items });
    }
    if is_breadcrumb_toc(&lower) {
        let Some(source) = read_source(&abs, rel, display, diagnostics) else {
            return Loaded::Nothing;
        };
        return match yaml::from_str::<Vec<BreadcrumbItem>>(&source.text) {
            Ok(items) => Loaded::Breadcrumb(items),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::warning(
                        "toc",
                        format!("this breadcrumb TOC is not a list of items: {}", e.message),
                    )
                    .at(Location::from_line_col(
                        &source.display,
                        &source.text,
                        e.line,
                        e.column,
                        1,
                    ))
                    .with_hint("each item has `name`, `tocHref`, `topicHref` and optional `items`; pages keep the breadcrumbs of their TOC"),
                );
                Loaded::Nothing
            }
        };
    }
    if lower.ends_with(".md") {
        let Some(source) = read_source(&abs, rel.clone(), display, diagnostics) else {
            return Loaded::Nothing;
        };
        if rel.split('/').any(|part| part == "includes") {
            return Loaded::Include(source);
        }
        let english = english.get(&english_rel(&rel)).cloned();
        Loaded::Article(Box::new(parse_article(source, english, diagnostics)))
    } else if lower.ends_with("toc.yml") && lower.rsplit('/').next() == Some("toc.yml") {
        let Some(source) = read_source(&abs, rel, display, diagnostics) else {
            return Loaded::Nothing;
        };
        match yaml::from_str::<Vec<TocItem>>(&source.text) {
            Ok(items) => Loaded::Toc(TocFile { source, items }),
            Err(e) if e.code.is_some() => {
                let mut d = Diagnostic::error(e.code.unwrap_or("yaml"), e.message).at(
                    Location::from_line_col(&source.display, &source.text, e.line, e.column, 1),
                );
                if let Some(hint) = e.hint {
                    d = d.with_hint(hint);
                }
                diagnostics.push(d);
                Loaded::Nothing
            }
            Err(e) => {
                diagnostics.push(
                    Diagnostic::warning("toc", format!("this TOC.yml is not a list of items: {}", e.message))
                        .at(Location::from_line_col(&source.display, &source.text, e.line, e.column, 1))
                        .with_hint("each item has `name`, `href` and optional `items`; the folder falls back to alphabetical navigation"),
                );
                Loaded::Nothing
            }
        }
    } else if lower.ends_with(".yml") {
        // A DocFX YAML page (FAQ, landing page) is an article.
        match read_yaml_page(&abs, rel.clone(), display, diagnostics) {
            Some(source) => {
                let english = english.get(&english_rel(&rel)).cloned();
                Loaded::Article(Box::new(parse_article(source, english, diagnostics)))
            }
            None => Loaded::Nothing,
        }
    } else if !lower.ends_with(".json") {
        Loaded::Asset(Asset { rel, abs })
    } else {
        Loaded::Nothing
    }
}

/// A `.yml` file that is a DocFX YAML page (`### YamlMime:FAQ`,
/// `YamlMime:Landing`, `YamlMime:Hub`), read as the Markdown article
/// `yaml_pages` writes for it (its lines where the YAML has them); `None`
/// for other YAML (data tolk does not publish) and for a page whose YAML
/// is broken (an error at its line).
pub fn read_yaml_page(
    abs: &Path,
    rel: String,
    display: PathBuf,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let source = read_source(abs, rel, display, diagnostics)?;
    let kind = crate::yaml_pages::kind(&source.text)?;
    match crate::yaml_pages::to_markdown(&source.text, kind) {
        Ok(text) => Some(Source { text, ..source }),
        Err(e) => {
            let mut d = Diagnostic::error(e.code.unwrap_or("yaml"), e.message).at(
                Location::from_line_col(&source.display, &source.text, e.line, e.column, 1),
            );
            if let Some(hint) = e.hint {
                d = d.with_hint(hint);
            }
            diagnostics.push(d);
            None
        }
    }
}

/// The file types the content folder may publish as they are: images,
/// documents, media, fonts, archives and code samples, none of which a
/// browser runs as script when it opens them from the site. Files without an
/// extension (`LICENSE`) are published too: hosts send them as
/// `application/octet-stream`, which browsers download.
pub const SAFE_ASSET_TYPES: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "tif", "tiff", // images
    "pdf", "txt", "csv", "tsv", "rtf", "docx", "xlsx", "pptx", "vsdx", "odt", "ods",
    "odp", // documents
    "mp4", "webm", "ogg", "ogv", "mp3", "m4a", "wav", "mov", "vtt", // media
    "woff", "woff2", "ttf", "otf", // fonts
    "zip", "gz", "tgz", "tar", "7z", // archives
    "ps1", "psm1", "sh", "py", "cs", "sql", "kql", "bicep", "ini", "cfg", "toml",
    "log", // code samples, shown as text
];

/// Types a browser runs script in when it opens them from the site
/// (HTML, SVG, XML with a stylesheet, scripts): named in the diagnostic.
const ACTIVE_ASSET_TYPES: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "mht", "mhtml",
    "js", "mjs", "css", "wasm", "swf",
];

/// Whether `rel`, an asset of the content folder, is of a type the site
/// publishes (see `SAFE_ASSET_TYPES` and `[build] extra-asset-types`):
/// `asset-type` otherwise.
pub fn asset_type_allowed(config: &Config, rel: &str) -> Result<(), Diagnostic> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return Ok(());
    };
    let ext = ext.to_ascii_lowercase();
    let extra = &config.build.extra_asset_types;
    if SAFE_ASSET_TYPES.contains(&ext.as_str())
        || extra
            .iter()
            .any(|t| t == "*" || t.trim_start_matches('.').eq_ignore_ascii_case(&ext))
    {
        return Ok(());
    }
    let why = if ACTIVE_ASSET_TYPES.contains(&ext.as_str()) {
        format!("a browser runs the script in a .{ext} file on the site's own origin")
    } else {
        format!("tolk publishes only file types known to be safe, and .{ext} is not one of them")
    };
    Err(Diagnostic::error(
        "asset-type",
        format!("this .{ext} file is not published: {why}"),
    )
    .with_hint(format!(
        "make it part of an article (or convert it, e.g. an SVG to PNG); a site whose writers are all trusted can allow the type in book.toml: `[build] extra-asset-types = [\"{ext}\"]` (docs/security.md)"
    )))
}

/// The English content tree: its articles by path (returned apart, as they
/// pair with the Dutch ones), and its includes, TOC files and assets.
fn load_english(
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, Source>, English) {
    let dir = config.english_dir();
    let mut articles = BTreeMap::new();
    let mut tree = English::default();
    if !dir.is_dir() {
        return (articles, tree);
    }
    tree.present = true;
    let bound = Bound::new(&config.root, &config.root, "the project folder");
    let read: Vec<(Loaded, Vec<Diagnostic>)> = walk(&dir, &config.languages.english_src, bound, diagnostics)
        .into_par_iter()
        .map(|(rel, abs)| {
            let mut diagnostics = Vec::new();
            let display = config.languages.english_src.join(&rel);
            let lower = rel.to_ascii_lowercase();
            let loaded = if lower.ends_with(".md") {
                match read_source(&abs, rel, display, &mut diagnostics) {
                    Some(s) if s.rel.split('/').any(|p| p == "includes") => Loaded::Include(s),
                    // An English article: kept as a source (`Article` is
                    // built once it is paired).
                    Some(s) => Loaded::English(s),
                    None => Loaded::Nothing,
                }
            } else if lower.rsplit('/').next() == Some("toc.yml") {
                match read_source(&abs, rel, display, &mut diagnostics) {
                    Some(source) => match yaml::from_str::<Vec<TocItem>>(&source.text) {
                        Ok(items) => Loaded::Toc(TocFile { source, items }),
                        Err(e) => {
                            diagnostics.push(
                                Diagnostic::warning("toc", format!("this TOC.yml is not a list of items: {}", e.message))
                                    .at(Location::from_line_col(&source.display, &source.text, e.line, e.column, 1))
                                    .with_hint("each item has `name`, `href` and optional `items`; English navigation labels fall back to page titles"),
                            );
                            Loaded::Nothing
                        }
                    },
                    None => Loaded::Nothing,
                }
            } else if lower.ends_with(".yml") {
                match read_yaml_page(&abs, rel, display, &mut diagnostics) {
                    Some(s) => Loaded::English(s),
                    None => Loaded::Nothing,
                }
            } else if !lower.ends_with(".json") {
                Loaded::Asset(Asset { rel, abs })
            } else {
                Loaded::Nothing
            };
            (loaded, diagnostics)
        })
        .collect();
    for (loaded, diags) in read {
        diagnostics.extend(diags);
        match loaded {
            Loaded::English(s) => {
                articles.insert(s.rel.clone(), s);
            }
            Loaded::Include(s) => {
                tree.includes.insert(s.rel.clone(), s);
            }
            Loaded::Toc(t) => tree.tocs.push(t),
            Loaded::Asset(a) => tree.assets.push(a),
            Loaded::Article(_) | Loaded::Breadcrumb(_) | Loaded::Nothing => {}
        }
    }
    (articles, tree)
}

/// A DocFX redirection file in the English tree
/// (`.openpublishing.redirection.json`): where an English article moved,
/// as Dutch path → English path for each redirect that lands on an English
/// article of the tree.
fn load_redirections(
    config: &Config,
    english: &BTreeMap<String, Source>,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        redirections: Vec<Redirect>,
    }
    #[derive(Deserialize)]
    struct Redirect {
        source_path: String,
        redirect_url: String,
    }
    let mut out = BTreeMap::new();
    let name = ".openpublishing.redirection.json";
    let path = config.english_dir().join(name);
    let display = config.languages.english_src.join(name);
    let bound = Bound::new(&config.english_dir(), &config.root, "the English folder");
    let text = match read_alone(&path, &display, &bound) {
        Ok(Some(text)) => text,
        Ok(None) => return out,
        Err(d) => {
            diagnostics.push(d);
            return out;
        }
    };
    let file: File = match serde_json::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            diagnostics.push(
                Diagnostic::warning("redirection", format!("this redirection file cannot be read: {e}"))
                    .at(Location::from_line_col(&display, &text, e.line(), e.column(), 1))
                    .with_hint("it is a JSON object with `redirections`: a list of `source_path` and `redirect_url`"),
            );
            return out;
        }
    };
    for r in file.redirections {
        // `/partner-center/x` or `partner-center/x#y`: a path in the tree.
        let url = r.redirect_url.split(['#', '?']).next().unwrap_or("");
        if url.contains("://") {
            continue;
        }
        let target = format!("{}.md", url.trim_matches('/'));
        if english.contains_key(&target) {
            out.insert(r.source_path.trim_start_matches('/').to_string(), target);
        }
    }
    out
}

/// The folder a walk may not leave: a symbolic link whose target resolves
/// outside it is not followed.
#[derive(Debug, Clone)]
pub struct Bound {
    /// Canonical (links resolved), so that containment is a prefix test.
    dir: PathBuf,
    /// How diagnostics name it ("the content folder").
    name: &'static str,
    /// The project folder, canonical: where the walked folder itself may
    /// point when it is a link (`content -> ../shared/docs`).
    root: PathBuf,
}

impl Bound {
    /// `dir`, named `name`, in the project at `root`.
    pub fn new(dir: &Path, root: &Path, name: &'static str) -> Bound {
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        Bound {
            dir: canonical(dir),
            name,
            root: canonical(root),
        }
    }

    /// `error[symlink-outside]` when the symbolic link `link` resolves to a
    /// place outside the bound (outside the project, for the walked folder
    /// itself, `top`). A dangling link is left to the caller (it cannot be
    /// read, which is reported as such).
    pub fn check_link(&self, link: &Path, shown: &Path, top: bool) -> Result<(), Diagnostic> {
        let Ok(target) = link.canonicalize() else {
            return Ok(());
        };
        let (bound, name) = if top {
            (&self.root, "the project folder")
        } else {
            (&self.dir, self.name)
        };
        let written = std::fs::read_link(link).unwrap_or_else(|_| target.clone());
        if let Ok(inside) = target.strip_prefix(bound) {
            // Inside, a link reaches only what the walk itself would read:
            // not `.git/config` (which holds CI credentials), `.env`, ...
            let hidden = inside
                .components()
                .any(|c| is_ignored(&c.as_os_str().to_string_lossy()));
            if !hidden {
                return Ok(());
            }
            return Err(Diagnostic::error(
                "symlink-outside",
                format!(
                    "this symbolic link points to a hidden file, which tolk does not read: {}",
                    written.display()
                ),
            )
            .in_file(shown)
            .with_hint(
                "hidden files and folders (`.git`, `.env`) are never published: remove the link",
            ));
        }
        Err(Diagnostic::error(
            "symlink-outside",
            format!(
                "this symbolic link points outside {}, to {}",
                name,
                written.display()
            ),
        )
        .in_file(shown)
        .with_hint(format!(
            "tolk never follows a link out of {name} (it could publish files of the machine that builds the site): copy what you need into it, or remove the link"
        )))
    }
}

/// Lists the files under `dir`, sorted, as (relative path with `/`, absolute
/// path). `shown` is how diagnostics name `dir` (`content`). Hidden and
/// editor files are skipped; unreadable entries and symlink loops become
/// diagnostics. A symbolic link is followed only when its target resolves
/// inside `bound` (one check for files and folders, made before the walk
/// descends into a linked folder); any other is `error[symlink-outside]`.
/// FIFOs, sockets and devices are never read.
pub fn walk(
    dir: &Path,
    shown: &Path,
    bound: Bound,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let outside = std::cell::RefCell::new(Vec::new());
    // How diagnostics name a path of the walk: `content/a/b.md`, as every
    // other diagnostic does, not the absolute or `./content/...` path.
    let shown_path = |p: &Path| -> PathBuf {
        match p.strip_prefix(dir) {
            Ok(rel) if rel.as_os_str().is_empty() => shown.to_path_buf(),
            Ok(rel) => shown.join(rel),
            Err(_) => p.to_path_buf(),
        }
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && is_ignored(&e.file_name().to_string_lossy()) {
                return false;
            }
            if !e.path_is_symlink() {
                return true;
            }
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            let shown = if e.depth() == 0 {
                shown.to_path_buf()
            } else {
                shown.join(rel)
            };
            match bound.check_link(e.path(), &shown, e.depth() == 0) {
                Ok(()) => true,
                Err(d) => {
                    outside.borrow_mut().push(d);
                    false
                }
            }
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                // The path tolk knows a file by is NFC (see [`nfc`]); the
                // absolute path reads it under the name it was saved with.
                files.push((nfc(&rel.join("/")).into_owned(), e.path().to_path_buf()));
            }
            Ok(e) if !e.file_type().is_dir() => {
                // A FIFO, socket or device: reading it could block the build
                // forever (a FIFO) or never end (a device).
                diagnostics.push(
                    Diagnostic::warning(
                        "io",
                        "this is not a regular file (a FIFO, socket or device), so it was not read",
                    )
                    .in_file(shown_path(e.path()))
                    .with_hint(
                        "the file was skipped: replace it with a regular file, or remove it",
                    ),
                );
            }
            Ok(_) => {}
            Err(err) => {
                let at = err
                    .path()
                    .map(shown_path)
                    .unwrap_or_else(|| shown.to_path_buf());
                // A loop only repeats files the walk has already seen; any
                // other failure (a folder we may not read, a dangling link)
                // would silently drop articles from the site.
                let links_in_a_ring = err
                    .io_error()
                    .and_then(std::io::Error::raw_os_error)
                    .is_some_and(|code| code == ELOOP);
                let d = if err.loop_ancestor().is_some() {
                    Diagnostic::warning("io", "this symbolic link leads back to a folder above it")
                        .with_hint("the link was skipped: its files are already in the site")
                } else if links_in_a_ring {
                    // An error, as any file that cannot be read: named like
                    // an article, it may be one the site would lose.
                    Diagnostic::error("io", "this symbolic link is one of links that point at each other, never at a file")
                        .with_hint("point it at the file or folder it stands for, or remove it")
                } else {
                    let why = err
                        .io_error()
                        .map_or_else(|| err.to_string(), |e| e.to_string());
                    Diagnostic::error("io", format!("cannot read this: {why}"))
                        .with_hint("make it readable, or remove it from the content folder")
                };
                diagnostics.push(d.in_file(at));
            }
        }
    }
    diagnostics.extend(outside.into_inner());
    files
}

/// "Too many levels of symbolic links": links that point at each other.
#[cfg(target_os = "linux")]
const ELOOP: i32 = libc::ELOOP;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

/// Opens `path` for reading, following a symbolic link, without waiting:
/// a FIFO put where a file was expected would otherwise block the build
/// until something writes to it. `None` when what was opened is not a
/// regular file (a FIFO, a device such as `/dev/zero`, which never ends).
pub fn open_regular(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    // Asked of the opened file, not of the path: a file swapped for a FIFO
    // between a check and the open is still refused.
    Ok(file.metadata()?.is_file().then_some(file))
}

/// Reads one file the build looks for by name outside the walks (a DocFX
/// redirection file): a hidden file, so no walk reads it, but a
/// contributor can send it as a symbolic link or a FIFO like any other.
/// The same rules as the walk's: a link is followed only inside `bound`
/// (`error[symlink-outside]`), a FIFO or device is skipped with a warning,
/// never read. `Ok(None)` when there is no such file.
pub fn read_alone(path: &Path, shown: &Path, bound: &Bound) -> Result<Option<String>, Diagnostic> {
    use std::io::Read;
    let cannot = |e: std::io::Error| {
        Diagnostic::error("io", format!("cannot read this file: {e}"))
            .in_file(shown)
            .with_hint("make it a readable file, or remove it")
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(e)),
        Ok(m) if m.file_type().is_symlink() => bound.check_link(path, shown, false)?,
        Ok(_) => {}
    }
    // Its folder may itself be a link out of the project (`content-en ->
    // /elsewhere`), which the walk refuses at its top: so is the file.
    if let Some(folder) = path.parent() {
        if std::fs::symlink_metadata(folder).is_ok_and(|m| m.file_type().is_symlink()) {
            bound.check_link(folder, shown.parent().unwrap_or(shown), true)?;
        }
    }
    let Some(mut file) = open_regular(path).map_err(cannot)? else {
        return Err(Diagnostic::warning(
            "io",
            "this is not a regular file (a FIFO, socket or device), so it was not read",
        )
        .in_file(shown)
        .with_hint("the file was skipped: replace it with a regular file, or remove it"));
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(cannot)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(normalize(text))),
        Err(e) => Err(not_utf8(shown, &e)),
    }
}

/// `error[encoding]` at the first byte that is not UTF-8, its whole line
/// shown (the rest of the line with `U+FFFD` for bad bytes: cut at the
/// byte, the line would hide what the writer has to find), and a hint
/// from the file's first bytes.
fn not_utf8(shown: &Path, e: &std::string::FromUtf8Error) -> Diagnostic {
    let bytes = e.as_bytes();
    let good = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(bytes);
    let hint = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        "the file is saved as UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"
    } else {
        "save the file as UTF-8 (it is probably Windows-1252 or Latin-1)"
    };
    Diagnostic::error(
        "encoding",
        format!(
            "this file is not valid UTF-8: byte 0x{:02X} cannot start a character here",
            bytes.get(good).copied().unwrap_or(0)
        ),
    )
    .at(Location::from_offset(shown, &text, good, 1))
    .with_hint(hint)
}

/// Reads a file as UTF-8 text, normalised (no BOM, `\n` line endings). A
/// file that is not UTF-8 is an error at the line and column of the first
/// bad byte.
pub fn read_source(
    abs: &Path,
    rel: String,
    display: PathBuf,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("io", format!("cannot read this file: {e}")).in_file(display),
            );
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diagnostics.push(not_utf8(&display, &e));
            return None;
        }
    };
    let text = normalize(text);
    // A NUL is valid UTF-8 but never text: it is a damaged file or one saved
    // as UTF-16 (whose ASCII letters come with a NUL each), and browsers
    // drop or replace it, so the page would silently lose text.
    if let Some(at) = text.find('\0') {
        let mut loc = Location::from_offset(&display, &text, at, 1);
        loc.source_line = loc.source_line.replace('\0', "\u{2400}");
        diagnostics.push(
            Diagnostic::error(
                "encoding",
                "this file contains a NUL byte (0x00), which is not text",
            )
            .at(loc)
            .with_hint("the file is damaged or saved as UTF-16: save it as UTF-8"),
        );
        return None;
    }
    Some(Source { rel, display, text })
}

/// Strips a byte-order mark and turns `\r\n` (and lone `\r`) into `\n`.
pub fn normalize(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// The page path of a content-relative file: `a/b.md` → `a/b`,
/// `a/index.md` → `a`, `index.md` → ``. In Unicode NFC (see [`nfc`]).
pub fn page_path(rel: &str) -> String {
    // A YAML page (`faq.yml`, `index.yml`) is a page like an article.
    let stem = rel
        .strip_suffix(".md")
        .or_else(|| rel.strip_suffix(".MD"))
        .or_else(|| rel.strip_suffix(".yml"))
        .unwrap_or(rel);
    let path = if stem == "index" {
        ""
    } else if let Some(dir) = stem.strip_suffix("/index") {
        dir
    } else {
        stem
    };
    nfc(path).into_owned()
}

/// A path in Unicode NFC. macOS writes file names decomposed (`e` and a
/// combining accent), writers type links composed (`é`): in NFC both name
/// the same file. [`walk`] gives every file its NFC path, and links, TOC
/// entries and includes are read in NFC, so a page, an image, an include
/// or an English source is found whichever form either side was saved in.
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfc().collect())
    }
}

/// Splits front matter from an article and parses it.
pub fn parse_article(
    source: Source,
    english: Option<Source>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Article {
    let (front, body_start) = parse_front_matter(&source, diagnostics);
    let path = page_path(&source.rel);
    let english_front = english
        .as_ref()
        .map(|en| Box::new(parse_front_matter(en, diagnostics).0));
    Article {
        source,
        front,
        body_start,
        path,
        english,
        english_front,
        only_english: false,
        stored: None,
    }
}

/// Finds the front matter: a first line `---`, then YAML up to a line `---`
/// (or `...`). Returns the YAML's byte range and where the body starts.
pub fn split_front_matter(text: &str) -> Result<Option<(std::ops::Range<usize>, usize)>, Unclosed> {
    let Some(first_end) = text.find('\n') else {
        return Ok(None);
    };
    if text[..first_end].trim_end() != "---" {
        return Ok(None);
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Some((yaml_start..pos, (end + 1).min(text.len()))));
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    Err(Unclosed)
}

/// The front matter opens with `---` and never closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclosed;

fn parse_front_matter(source: &Source, diagnostics: &mut Vec<Diagnostic>) -> (FrontMatter, usize) {
    let text = &source.text;
    let (range, body_start) = match split_front_matter(text) {
        Ok(Some(r)) => r,
        Ok(None) => return (FrontMatter::default(), 0),
        Err(Unclosed) => {
            diagnostics.push(
                Diagnostic::error("front-matter", "the front matter is never closed")
                    .at(Location::from_offset(&source.display, text, 0, 3))
                    .with_label("opened here")
                    .with_hint("end the front matter with a line that holds only `---`"),
            );
            return (FrontMatter::unreadable(), text.len());
        }
    };
    let yaml_text = &text[range.clone()];
    let line_offset = text[..range.start].matches('\n').count();
    // A merge conflict left in the front matter: point at the marker, not
    // at whatever YAML error it happens to cause two lines further on.
    let mut at = range.start;
    for line in yaml_text.split_inclusive('\n') {
        if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
            .iter()
            .any(|m| line.starts_with(m))
        {
            diagnostics.push(
                Diagnostic::error("merge-conflict", "the front matter holds a merge conflict marker")
                    .at(Location::from_offset(&source.display, text, at, line.trim_end().len().max(1)))
                    .with_hint("resolve the conflict: keep one side and remove the <<<<<<< ======= >>>>>>> lines"),
            );
            return (FrontMatter::unreadable(), body_start);
        }
        at += line.len();
    }
    let value = match yaml::to_json(yaml_text) {
        Ok(v) => v,
        Err(e) => {
            let hint = if yaml_text.contains("<<<<<<<") || yaml_text.contains(">>>>>>>") {
                "this looks like a merge conflict: resolve it and remove the <<<<<<< ======= >>>>>>> lines"
            } else if let Some(hint) = &e.hint {
                hint
            } else {
                "front matter is YAML: `key: value` lines; quote values that contain `: ` or start with a special character"
            };
            diagnostics.push(
                Diagnostic::error(
                    e.code.unwrap_or("yaml"),
                    format!("invalid front matter: {}", e.message),
                )
                .at(Location::from_line_col(
                    &source.display,
                    text,
                    e.line + line_offset,
                    e.column,
                    1,
                ))
                .with_hint(hint),
            );
            return (FrontMatter::unreadable(), body_start);
        }
    };
    let map = match value {
        serde_json::Value::Object(map) => map,
        serde_json::Value::Null => serde_json::Map::new(),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    "yaml",
                    "the front matter must be a map of `key: value` lines",
                )
                .at(Location::from_offset(&source.display, text, range.start, 1)),
            );
            return (FrontMatter::unreadable(), body_start);
        }
    };
    (
        typed_front_matter(map, source, range.start, diagnostics),
        body_start,
    )
}

/// Pulls the known keys out of the map, reporting values of the wrong form
/// at the line of their key.
fn typed_front_matter(
    mut map: serde_json::Map<String, serde_json::Value>,
    source: &Source,
    yaml_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let locate = |key: &str| {
        let text = &source.text;
        let needle = format!("\n{key}:");
        let at = text[yaml_start.saturating_sub(1)..]
            .find(&needle)
            .map_or(yaml_start, |i| yaml_start + i);
        Location::from_offset(&source.display, text, at, key.len())
    };
    // Typed keys hold one value: a list or a map there is an error at its
    // key (shown as JSON on the page, or dropped, it would be lost text).
    let mut wrong: Vec<(&'static str, &'static str)> = Vec::new();
    let mut take = |key: &'static str| -> Option<String> {
        match map.shift_remove(key)? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Null => None,
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            serde_json::Value::Array(_) => {
                wrong.push((key, "a list"));
                None
            }
            serde_json::Value::Object(_) => {
                wrong.push((key, "a map"));
                None
            }
        }
    };
    let mut fm = FrontMatter {
        title: take("title"),
        description: take("description"),
        author: take("author"),
        ms_author: take("ms.author"),
        topic: take("ms.topic"),
        service: take("ms.service"),
        subservice: take("ms.subservice"),
        locfileid: take("ms.locfileid"),
        ..FrontMatter::default()
    };
    let date = take("ms.date");
    let translation = take("ms.translationtype");
    let locale = take("ms.contentlocale");
    // In the order of the file, not of the keys.
    let mut wrong: Vec<(Location, &'static str, &str)> = wrong
        .into_iter()
        .map(|(k, kind)| (locate(k), k, kind))
        .collect();
    wrong.sort_by_key(|(at, ..)| at.line);
    let invalid: Vec<&'static str> = wrong.iter().map(|(_, k, _)| *k).collect();
    for (at, key, kind) in wrong {
        diagnostics.push(
            Diagnostic::error(
                "front-matter-type",
                format!("`{key}` must be one text value, not {kind}"),
            )
            .at(at)
            .with_hint(format!(
                "write it on one line, like `{key}: text` (quote it if it holds `: ` or starts with `[`, `{{` or `*`)"
            )),
        );
    }
    if let Some(d) = date {
        fm.date = Date::parse_us(&d).or_else(|| Date::parse_iso(&d));
        if fm.date.is_none() {
            diagnostics.push(
                Diagnostic::error("front-matter-date", format!("`ms.date: {d}` is not a date"))
                    .at(locate("ms.date"))
                    .with_hint("write it as MM/DD/YYYY, like `ms.date: 07/22/2021`"),
            );
        }
    }
    if let Some(t) = translation {
        fm.translation_type = match t.to_ascii_uppercase().as_str() {
            "MT" => Some(TranslationType::Machine),
            "HT" => Some(TranslationType::Human),
            _ => {
                diagnostics.push(
                    Diagnostic::warning(
                        "front-matter",
                        format!("unknown `ms.translationtype: {t}`"),
                    )
                    .at(locate("ms.translationtype"))
                    .with_hint("use MT (machine translated) or HT (human translated)"),
                );
                None
            }
        };
    }
    if let Some(l) = locale {
        fm.content_locale = Lang::parse(&l);
        if fm.content_locale.is_none() {
            diagnostics.push(
                Diagnostic::warning(
                    "front-matter",
                    format!("`ms.contentlocale: {l}` is not a language of this site"),
                )
                .at(locate("ms.contentlocale"))
                .with_hint("use nl-NL or en-US"),
            );
        }
    }
    // Collected anew: the map keeps the room of the keys taken out of it
    // (hundreds of bytes an article, for the whole build), and most DocFX
    // front matter has no other keys at all.
    fm.extra = map.into_iter().collect();
    fm.invalid = Some(invalid);
    fm
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_markdown_toc_nests_by_heading_depth_and_skips_other_lines() {
        let items = parse_markdown_toc(
            "# [Nieuws](index.md)\n## [Oktober](2021-october.md)\ntekst\n## Zonder link\n# [Maart](2021-march.md)\n",
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "Nieuws");
        assert_eq!(items[0].href.as_deref(), Some("index.md"));
        assert_eq!(items[0].items.len(), 2);
        assert_eq!(items[0].items[0].href.as_deref(), Some("2021-october.md"));
        assert_eq!(items[0].items[1].name, "Zonder link");
        assert_eq!(items[0].items[1].href, None);
        assert_eq!(items[1].name, "Maart");
    }

    #[test]
    fn exclude_names_files_and_folders() {
        let ex = vec!["README.md".to_string(), "drafts/".to_string()];
        assert!(is_excluded(&ex, "README.md"));
        assert!(is_excluded(&ex, "drafts/a.md"));
        assert!(!is_excluded(&ex, "guide/README.md"));
        assert!(!is_excluded(&ex, "drafts-old/a.md"));
    }

    use super::*;

    fn src(text: &str) -> Source {
        Source {
            rel: "a.md".into(),
            display: "content/a.md".into(),
            text: normalize(text.to_string()),
        }
    }

    /// A store of texts in memory that can be told to lose them.
    #[derive(Default)]
    struct Store {
        texts: std::sync::Mutex<Vec<String>>,
        full: bool,
        lost: bool,
    }

    impl TextStore for Store {
        fn keep(&self, text: &str) -> Option<usize> {
            let mut texts = self.texts.lock().ok().filter(|_| !self.full)?;
            texts.push(text.to_string());
            Some(texts.len() - 1)
        }
        fn get(&self, key: usize) -> Result<String, String> {
            match self.texts.lock() {
                Ok(texts) if !self.lost => texts.get(key).cloned().ok_or("no such key".into()),
                _ => Err("the disk is gone".into()),
            }
        }
    }

    /// An article's texts go to the store and come back whole, the English
    /// one too; a store that cannot keep them leaves them in place; one
    /// that loses them makes a located error, not an empty page.
    #[test]
    fn texts_put_away_come_back_or_are_an_error_at_the_file() {
        let mut en = src("---\ntitle: E\n---\nEnglish.\n");
        en.rel = "a.md".into();
        en.display = "content-en/a.md".into();
        let mut d = vec![];
        let article = parse_article(src("---\ntitle: N\n---\nDutch.\n"), Some(en), &mut d);
        let store = Store::default();
        let mut a = article.clone();
        a.put_away(&store);
        assert!(a.source.text.is_empty() && a.english.as_ref().is_some_and(|e| e.text.is_empty()));
        assert_eq!(
            a.stored,
            Some(StoredTexts {
                source: 0,
                english: Some(1),
                code: false
            })
        );
        a.take_back(&store).expect("read back");
        assert_eq!(a.source.text, article.source.text);
        assert_eq!(
            a.english.as_ref().map(|e| &e.text),
            article.english.as_ref().map(|e| &e.text)
        );

        let full = Store {
            full: true,
            ..Store::default()
        };
        let mut kept = article.clone();
        kept.put_away(&full);
        assert_eq!(
            (kept.stored, &kept.source.text),
            (None, &article.source.text)
        );

        let lost = Store {
            lost: true,
            ..Store::default()
        };
        let mut gone = article.clone();
        gone.put_away(&lost);
        let e = gone.take_back(&lost).expect_err("a lost text is an error");
        let shown = e.render(false);
        assert!(
            shown.contains("error[io]")
                && shown.contains("content/a.md")
                && shown.contains("the disk is gone"),
            "{shown}"
        );
    }

    #[test]
    fn front_matter_is_typed_and_extras_kept() {
        let mut d = vec![];
        let a = parse_article(
            src("---\ntitle: T\nms.date: 07/22/2021\nms.translationtype: MT\nms.contentlocale: nl-NL\nms.custom: SEOMAY.20\n---\n# Body\n"),
            None,
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(a.front.title.as_deref(), Some("T"));
        assert_eq!(a.front.date, Date::from_ymd(2021, 7, 22));
        assert_eq!(a.front.translation_type, Some(TranslationType::Machine));
        assert_eq!(a.front.content_locale, Some(Lang::Nl));
        assert_eq!(a.front.extra["ms.custom"], "SEOMAY.20");
        assert_eq!(a.body(), "# Body\n");
    }

    #[test]
    fn yaml_error_is_located_in_the_markdown_file() {
        let mut d = vec![];
        parse_article(
            src("---\ntitle: ok\ndescription: [unclosed\nauthor: x\n---\nbody"),
            None,
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "yaml");
        let loc = d[0].location.as_ref().unwrap();
        assert!(loc.line >= 3 && loc.line <= 5, "line {}", loc.line);
    }

    #[test]
    fn unclosed_front_matter_and_bad_date() {
        let mut d = vec![];
        parse_article(src("---\ntitle: x\n"), None, &mut d);
        assert_eq!(d[0].code, "front-matter");
        let mut d = vec![];
        parse_article(
            src("---\ntitle: x\nms.date: 31/12/2021\n---\n"),
            None,
            &mut d,
        );
        assert_eq!(d[0].code, "front-matter-date");
        assert_eq!(d[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn typed_keys_of_the_wrong_type_are_located_errors() {
        let mut d = vec![];
        let a = parse_article(
            src("---\ntitle: [1, 2]\nms.date: 07/22/2021\nauthor: [1, {a: 2}]\ndescription:\n  a: 1\nms.custom: [kept]\n---\n# Body\n"),
            None,
            &mut d,
        );
        let found: Vec<(&str, usize, &str)> = d
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.location.as_ref().map_or(0, |l| l.line),
                    d.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "front-matter-type",
                    2,
                    "`title` must be one text value, not a list"
                ),
                (
                    "front-matter-type",
                    4,
                    "`author` must be one text value, not a list"
                ),
                (
                    "front-matter-type",
                    5,
                    "`description` must be one text value, not a map"
                ),
            ]
        );
        assert_eq!(a.front.author, None);
        // Untyped keys keep any form.
        assert!(a.front.extra["ms.custom"].is_array());
    }

    #[test]
    fn bom_and_crlf_are_normalized() {
        let mut d = vec![];
        let a = parse_article(
            src("\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n"),
            None,
            &mut d,
        );
        assert!(d.is_empty());
        assert_eq!(a.front.title.as_deref(), Some("x"));
        assert_eq!(a.body(), "body\n");
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_path("a/b.md"), "a/b");
        assert_eq!(page_path("a/index.md"), "a");
        assert_eq!(page_path("index.md"), "");
    }
}
