//! The build pipeline: the stages, in order, from `book.toml` to a written
//! site. `tolk build` runs it once; `tolk serve` runs it on every change.
//!
//! Nothing is written until every stage has succeeded: errors from any
//! article stop the build before the output stage, so the last good site
//! stays as it was.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::markdown;
use crate::output::{self, InPlace, Sink, Staging};
use crate::render::Theme;
use crate::search::SearchIndex;
use crate::site::{self, EnglishText, Site};

/// What a build is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The folder with `book.toml`.
    pub root: PathBuf,
    /// Overrides `[build] build-dir`.
    pub out: Option<PathBuf>,
    /// Replace an output folder that tolk did not write.
    pub force: bool,
    /// Overrides `[site] base-path`.
    pub base_path: Option<String>,
    /// HTML added before `</body>` of every page (the preview server's live
    /// reload script); empty for published sites.
    pub inject: String,
    /// `tolk check --review`: also list, as notes, the segments whose Dutch
    /// half is empty or the same as the English (`Compiled::review`).
    pub review: bool,
    /// [`build_unless_up_to_date`] (`tolk build` without `--rebuild`):
    /// when nothing changed since the last build into the same folder
    /// (`crate::stamp`), say so and repeat its diagnostics instead of
    /// building.
    pub skip_unchanged: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    /// Every HTML page written (articles, index and 404 pages, the root).
    pub pages: usize,
    /// Pages of each language: its articles and its index.
    pub pages_per_lang: usize,
    pub articles: usize,
    /// Everything `tolk check` reports on the built site: the build's own
    /// warnings and notes, and what [`site_checks`] found, whose errors
    /// (a broken link, a missing front-matter key) do not stop a build.
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub out: PathBuf,
    /// The path the site's links start with (`[site] base-path` or
    /// `--base-url`), e.g. `/` or `/docs/`.
    pub base_path: String,
    /// Nothing was built: the inputs and the site were those of the last
    /// build, whose counts and diagnostics these are.
    pub up_to_date: bool,
}

impl Report {
    /// The one-line summary: pages per language, the diagnostics counted
    /// as `tolk check` counts them, time.
    /// `Built 5 articles into site: 6 pages in nl-nl, 6 in en; 0 errors, 0 warnings, 0 notes; 21 ms`
    /// (`1 article`, `1 warning`: counts in their English number).
    /// A build that found nothing changed says `Up to date: 5 articles in
    /// site: ...` and how to build anyway.
    pub fn summary(&self) -> String {
        use crate::diagnostic::plural;
        let per_lang = self.pages_per_lang;
        if self.up_to_date {
            return format!(
                "Up to date: {} in {}: {} in nl-nl, {per_lang} in en; {}; {} ms. Nothing changed since the last build, whose diagnostics these are; `tolk build --rebuild` builds anyway.",
                plural(self.articles, "article"),
                self.out.display(),
                plural(per_lang, "page"),
                crate::diagnostic::tally(&self.diagnostics),
                self.elapsed.as_millis()
            );
        }
        format!(
            "Built {} into {}: {} in nl-nl, {per_lang} in en; {}; {} ms",
            plural(self.articles, "article"),
            self.out.display(),
            plural(per_lang, "page"),
            crate::diagnostic::tally(&self.diagnostics),
            self.elapsed.as_millis()
        )
    }

    /// What a build says when the checks found errors: they did not stop
    /// it, and `tolk check` (CI) fails on them.
    pub fn errors_note(&self) -> Option<String> {
        let (errors, _) = crate::diagnostic::count(&self.diagnostics);
        (errors > 0).then(|| {
            format!(
                "{}: {} found by the checks (links, anchors, files, front matter) do not stop a build, but `tolk check` fails on {}.",
                if self.up_to_date {
                    "The site is as the last build wrote it"
                } else {
                    "The site was written"
                },
                crate::diagnostic::plural(errors, "error"),
                if errors == 1 { "it" } else { "them" }
            )
        })
    }
}

/// Loads the configuration with the command line's overrides applied.
pub fn load_config(opts: &Options) -> Result<Config, Vec<Diagnostic>> {
    let mut config = Config::load(&opts.root).map_err(|d| vec![d])?;
    if let Some(out) = &opts.out {
        config.build.build_dir = out.clone();
    }
    if let Some(base) = &opts.base_path {
        config.site.base_path = crate::config::normalize_base_path(base);
    }
    Ok(config)
}

/// The date the build treats as today, for the checklists' first paint:
/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else today's UTC date,
/// never the machine's local date: two builds of the same day on machines in
/// different time zones must give the same bytes (docs/security.md). Only a
/// checklist whose answer-less state calls `today()` depends on it; the page
/// recomputes with the reader's date as soon as its script runs.
pub fn build_date() -> crate::date::Date {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    crate::date::Date::from_days(secs.div_euclid(86_400))
        .or_else(|| crate::date::Date::from_days(0))
        .unwrap_or_else(|| unreachable!("day 0 is 1970-01-01"))
}

/// Reads and compiles the whole site without writing anything. Only a
/// problem that stops everything (the theme) is an `Err`; the diagnostics of
/// articles come with the site, with the configured severities applied.
pub fn compile(config: &Config) -> Result<(Theme, Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    compile_in_batches(config, usize::MAX, &mut |_, _| {}, None)
}

/// [`compile`], handing the articles to `each` as they compile, `batch`
/// at a time (see [`Site::assemble_in_batches`]), their texts kept in
/// `texts` from reading to compiling when given.
fn compile_in_batches(
    config: &Config,
    batch: usize,
    each: &mut dyn FnMut(usize, &mut [site::Compiled]),
    texts: Option<&dyn content::TextStore>,
) -> Result<(Theme, Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let theme = Theme::load(config)?;
    let content = content::load_with(config, texts);
    let labels = |lang: Lang, key: &str| theme.strings(lang).get(key);
    let (mut site, mut diagnostics) =
        Site::assemble_in_batches(config, content, &labels, build_date(), batch, each, texts);
    // Read once here; the checks, the list of generated files and the
    // writing all use this list.
    let (redirects, redirect_problems) = crate::redirects::load(config);
    site.redirects = redirects;
    diagnostics.extend(unpublishable_assets(config, &theme, &mut site));
    diagnostics.extend(pages_on_tolks_pages(&site));
    // A redirection file that cannot be read is the build's business too.
    diagnostics.extend(redirect_problems);
    config.check.apply(&mut diagnostics);
    Ok((theme, site, diagnostics))
}

/// Everything `tolk check` reports: the build's diagnostics and the checks
/// of [`site_checks`], with the configured severities.
pub fn check(opts: &Options) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let config = load_config(opts)?;
    let (_theme, site, mut diagnostics) = compile(&config)?;
    diagnostics.extend(site_checks(&config, &site, &crate::check::InSite));
    if opts.review {
        diagnostics.extend(site.pages.iter().flat_map(|p| p.review.iter().cloned()));
    }
    Ok(diagnostics)
}

/// The checks of the compiled site as a whole ([`crate::check`]: links,
/// anchors, files, front matter, encoding damage; the redirects), with the
/// configured severities. `tolk check`, `tolk build` and every build of
/// `tolk serve` run them, so the three report the same diagnostics.
pub fn site_checks(
    config: &Config,
    site: &Site,
    texts: &dyn crate::check::Texts,
) -> Vec<Diagnostic> {
    let mut more = crate::check::check_site(config, site, texts);
    more.extend(crate::redirects::check(
        &site.redirects,
        &site.links,
        &config.content_dir(),
    ));
    config.check.apply(&mut more);
    more
}

/// Every file a build generates, by its path in the site, with what it is:
/// the theme's static files, the checklist code, the pages, the index, 404
/// and root pages, the search indexes, the sitemap and robots.txt. The
/// names [`write_site`] writes; the content may not write any of them.
pub fn generated_files(config: &Config, theme: &Theme, site: &Site) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in theme.statics.keys() {
        out.insert(name.clone(), "a static file of the theme".to_string());
    }
    for page in &site.pages {
        let shown = page.article.source.display.display().to_string();
        if let Some(js) = &page.script {
            let name = format!(
                "static/{}",
                crate::render::hashed_name("checklists.js", js.as_bytes())
            );
            out.insert(name, format!("the checklist code of {shown}"));
        }
        for lang in Lang::ALL {
            out.insert(
                page_file(lang, &page.article.path),
                format!("the {} page of {shown}", lang.code()),
            );
        }
    }
    out.extend(tolks_pages());
    for (name, _) in crate::redirects::files(&site.redirects, &site.links) {
        out.entry(name)
            .or_insert_with(|| "a redirect of [redirects] or the redirection file".into());
    }
    for lang in Lang::ALL {
        out.entry(format!("{}/index.html", lang.code()))
            .or_insert_with(|| format!("the {} index page", lang.code()));
        out.insert(
            format!("search-{}.json", lang.code()),
            format!("the {} search index", lang.code()),
        );
        let not_found = if lang == config.languages.source {
            "404.html".to_string()
        } else {
            format!("{}/404.html", lang.code())
        };
        out.insert(not_found, format!("the {} 404 page", lang.code()));
    }
    out.insert("index.html".into(), "the root page".into());
    out.insert("sitemap.xml".into(), "the sitemap".into());
    out.insert("robots.txt".into(), "robots.txt".into());
    out.insert("_redirects".into(), "the redirects".into());
    out
}

/// The pages tolk makes itself at paths an article's page could take: the
/// search results page of each language (`content/search.md` would be
/// `nl-nl/search/index.html`).
fn tolks_pages() -> BTreeMap<String, String> {
    Lang::ALL
        .iter()
        .map(|lang| {
            let code = lang.code();
            (
                format!("{code}/search/index.html"),
                format!("the {code} search page"),
            )
        })
        .collect()
}

/// An article, or an old path of `[redirects]`, whose page would be
/// written where tolk writes a page of its own ([`tolks_pages`]):
/// `output-clash` at the article (or the redirect file), which the build
/// stops on, instead of a clash found while writing that names no source.
fn pages_on_tolks_pages(site: &Site) -> Vec<Diagnostic> {
    let ours = tolks_pages();
    let mut out = Vec::new();
    for page in &site.pages {
        for lang in Lang::ALL {
            let file = page_file(lang, &page.article.path);
            if let Some(what) = ours.get(&file) {
                out.push(
                    Diagnostic::error(
                        "output-clash",
                        format!("this article's page would overwrite {what}, which tolk writes to {file}"),
                    )
                    .in_file(page.article.source.display.clone())
                    .with_hint("rename the article: that path of the site belongs to tolk"),
                );
                break;
            }
        }
    }
    for (file, _) in crate::redirects::files(&site.redirects, &site.links) {
        if let Some(what) = ours.get(&file) {
            out.push(
                Diagnostic::error(
                    "output-clash",
                    format!("a redirect from an old path would overwrite {what}, which tolk writes to {file}"),
                )
                .with_hint("remove that old path from [redirects] in book.toml or from the redirection file"),
            );
        }
    }
    out
}

/// A path of the shape of a navigation script's, `static/toc-<lang>.<hash>.js`
/// (the name [`write_site`] gives it, whose hash is not known before the
/// pages are).
fn nav_script_like(rel: &str) -> bool {
    let rel = rel.to_ascii_lowercase();
    Lang::ALL.iter().any(|lang| {
        rel.strip_prefix(&format!("static/toc-{}.", lang.code()))
            .and_then(|rest| rest.strip_suffix(".js"))
            .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// The assets of the content folder the site may not publish, dropped from
/// it: `output-clash` for a path tolk generates (`content/robots.txt`,
/// `content/static/tolk.<hash>.js`, `content/nl-nl/index.html`), else
/// `asset-type` for a type outside the policy (`content/x.svg`).
fn unpublishable_assets(config: &Config, theme: &Theme, site: &mut Site) -> Vec<Diagnostic> {
    // Compared without case: a site is often served from a file system
    // (or a host) that does not tell `Robots.txt` from `robots.txt`.
    let generated: BTreeMap<String, String> = generated_files(config, theme, site)
        .into_iter()
        .map(|(k, v)| (k.to_lowercase(), v))
        .collect();
    // The navigation scripts' names carry their content's hash, which is
    // not known before the pages are: any name of their shape is tolk's.
    let nav = "the navigation script".to_string();
    let mut out = Vec::new();
    site.assets.retain(|asset| {
        let Some(what) = generated
            .get(&asset.rel.to_lowercase())
            .or_else(|| nav_script_like(&asset.rel).then_some(&nav))
        else {
            return match content::asset_type_allowed(config, &asset.rel) {
                Ok(()) => true,
                Err(d) => {
                    out.push(d.in_file(config.book.src.join(&asset.rel)));
                    false
                }
            };
        };
        out.push(
            Diagnostic::error(
                "output-clash",
                format!(
                    "this file would overwrite {what}, which tolk writes to {}",
                    asset.rel
                ),
            )
            .in_file(config.book.src.join(&asset.rel))
            .with_hint("rename or move the file: that path of the site belongs to tolk"),
        );
        false
    });
    // The English tree's files, published under en/, follow the same rules.
    let en_src = &config.languages.english_src;
    site.en_assets.retain(|asset| {
        let published = format!("en/{}", asset.rel).to_lowercase();
        if let Some(what) = generated.get(&published) {
            out.push(
                Diagnostic::error(
                    "output-clash",
                    format!(
                        "this file would overwrite {what}, which tolk writes to en/{}",
                        asset.rel
                    ),
                )
                .in_file(en_src.join(&asset.rel))
                .with_hint("rename or move the file: that path of the site belongs to tolk"),
            );
            return false;
        }
        match content::asset_type_allowed(config, &asset.rel) {
            Ok(()) => true,
            Err(d) => {
                out.push(d.in_file(en_src.join(&asset.rel)));
                false
            }
        }
    });
    out
}

/// Builds the site: compile, render every page, write atomically.
pub fn build(opts: &Options) -> Result<Report, Vec<Diagnostic>> {
    build_unless_up_to_date(opts).map(|(_, report)| report)
}

/// `tolk build`: [`Session::build_once`], unless `opts.skip_unchanged` and
/// the stamp beside the output folder (`crate::stamp`) says that the
/// inputs are the same bytes as the last build's and the site is as it
/// left it; then nothing is read beyond the inputs' bytes and nothing is
/// written, and the report is the last build's, marked `up_to_date`. The
/// session is `None` then. A build removes the stamp before it may change
/// the site and writes its own once the site is swapped in.
pub fn build_unless_up_to_date(
    opts: &Options,
) -> Result<(Option<Session>, Report), Vec<Diagnostic>> {
    let start = Instant::now();
    // Before the inputs' hash starts rayon's workers: a worker that
    // allocates before the cap keeps an arena of its own (+12 MiB at
    // generated-10000).
    limit_malloc_arenas();
    let config = load_config(opts)?;
    let out = config.build_dir();
    output::check_target(&out, &config.root, &config.content_dir(), opts.force)
        .map_err(|d| vec![d])?;
    // A stamp is read and removed under the lock beside the site, which
    // a build holds from making its spare to writing its own stamp: no
    // other build can swap its site in between. Without a stamp there is
    // nothing to read, and no lock file is made for a build that may fail
    // (a failed build writes nothing).
    let stamped = crate::stamp::exists(&out);
    let _lock = if stamped {
        Some(output::lock_site(&out).map_err(|d| vec![d])?)
    } else {
        None
    };
    // What of the command line reaches the pages or the diagnostics
    // beyond the config (`--force` only lets a build start).
    let options = format!(
        "{:?}\0{:?}\0{:?}\0{:?}\0{}",
        opts.root, opts.out, opts.base_path, opts.inject, opts.review
    );
    let inputs = crate::stamp::inputs(&config, &options, build_date().days());
    let kept = inputs
        .filter(|_| opts.skip_unchanged && stamped)
        .and_then(|i| crate::stamp::read_if_fresh(&out, i.bytes));
    if let Some(kept) = kept {
        return Ok((
            None,
            Report {
                pages: kept.counts.pages,
                pages_per_lang: kept.counts.pages_per_lang,
                articles: kept.counts.articles,
                diagnostics: kept.diagnostics,
                elapsed: start.elapsed(),
                out,
                base_path: config.site.base_path,
                up_to_date: true,
            },
        ));
    }
    if stamped {
        crate::stamp::remove(&out).map_err(|d| vec![d])?;
    }
    let (session, report) = Session::build_with(opts, true, &mut |report| {
        // Whatever stamp another build left since: it does not describe
        // this site (and a new one replaces it).
        let _ = crate::stamp::remove(&report.out);
        // A file saved while the build read it (even saved back as it
        // was) may be in the site in either version: only inputs that
        // stood still over the build are vouched for.
        let after = crate::stamp::input_files(&config, &options, build_date().days());
        if let Some(inputs) = inputs.filter(|i| after == Some(i.files)) {
            let counts = crate::stamp::Counts {
                pages: report.pages,
                pages_per_lang: report.pages_per_lang,
                articles: report.articles,
            };
            crate::stamp::write(&report.out, inputs.bytes, counts, &report.diagnostics);
        }
    })?;
    Ok((Some(session), report))
}

/// How many articles a build that keeps no session compiles before it
/// moves their bodies to disk and their text into the search indexes: the
/// memory of one batch is what such a build holds beyond the site-wide
/// data (navigation, titles, link targets, search indexes).
const BATCH: usize = 64;

/// What a build that keeps no session ([`Session::build_once`]) drops of
/// a compiled article once its bodies and source texts are on disk and its
/// text is in the search indexes: the bodies and outlines, the search text,
/// the source texts, the compiled checklists (their script stays), the
/// review notes, and the links no check can report on
/// ([`crate::check::may_report`]). The other links and the removed markup
/// stay: [`site_checks`] reads them once every batch is compiled (a link's
/// anchor is checked against a page of a later batch), and `tolk build`
/// reports what `tolk check` reports; it reads a source text back
/// ([`Spilled`]) to scan it and to show the line of a problem.
fn lighten(page: &mut site::Compiled) {
    for r in [&mut page.nl, &mut page.en] {
        r.html = String::new();
        r.toc = Vec::new();
        r.sections = Vec::new();
        r.links.retain(crate::check::may_report);
        r.links.shrink_to_fit();
    }
    page.article.source.text = String::new();
    if let Some(en) = &mut page.article.english {
        en.text = String::new();
    }
    // The page's template asks only whether it has checklists, which its
    // script tells; `tolk build` shows no review notes.
    page.checklists = Vec::new();
    page.review = Vec::new();
}

/// What a build that keeps no session drops of a page once the site
/// checks have run: what only they read (links, element ids, removed
/// markup, include and block problems). The pages are written after the
/// checks, and that is when such a build holds the most (the home page's
/// lists of every article on top of the site); the links kept for the
/// checks alone were a tenth of it at 10,000 articles (massif).
fn forget_checked(page: &mut site::Compiled) {
    for r in [&mut page.nl, &mut page.en] {
        r.links = Vec::new();
        r.ids = Vec::new();
        r.targets = Vec::new();
        r.removed = Vec::new();
        r.include_problems = Vec::new();
        r.block_problems = Vec::new();
    }
}

/// Caps glibc's malloc arenas at one per worker thread before the build's
/// threads first allocate. glibc gives a thread that meets a busy arena a
/// new one (up to eight per core), and memory freed in one arena serves
/// only that arena: with the main thread's and each worker's, a build's
/// short-lived pages left more of its resident set free but unusable than
/// the site's own data. One arena fewer: generated-10000 104 -> 88 MiB,
/// generated-50000 450 -> 388 MiB, with the same CPU time on the corpus
/// (bench/compare.sh, 11 interleaved runs; one arena for all took 1.5x).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // As many as rayon's workers (it starts one per core unless told
        // otherwise), counted without starting them: a worker that
        // allocated first would already have its arena.
        let workers = std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
            .unwrap_or(2);
        let arenas = i32::try_from(workers.max(2)).unwrap_or(i32::MAX);
        // SAFETY: mallopt only sets a tunable of the allocator; M_ARENA_MAX
        // limits arenas made from now on and touches no allocation.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Gives the memory the compile stage freed back to the system. The
/// batches' pages were allocated on every core, between the site-wide data
/// that stays; their freed room stayed resident in the allocator's arenas
/// and was counted in the build's peak as the pages were written.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it has
    // no preconditions and touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What a build that keeps no session puts on disk of a rendered page:
/// its outline ("on this page") as a line of JSON, then its body. Only the
/// page's own template reads either, and the headings, kept per page and
/// language, were a tenth of such a build's memory at its peak (massif,
/// 10,000 articles).
fn spilled_body(r: &markdown::Rendered) -> String {
    let toc = serde_json::to_string(&r.toc).unwrap_or_else(|_| "[]".into());
    let mut out = String::with_capacity(toc.len() + 1 + r.html.len());
    out.push_str(&toc);
    out.push('\n');
    out.push_str(&r.html);
    out
}

/// [`spilled_body`]'s outline and body. Compact JSON never holds a raw
/// line break, so the first one ends the outline.
fn read_spilled_body(text: &str) -> (Vec<markdown::Heading>, &str) {
    match text.split_once('\n') {
        Some((toc, body)) => (serde_json::from_str(toc).unwrap_or_default(), body),
        None => (Vec::new(), text),
    }
}

/// The key of a page's body in a [`output::Spill`].
fn body_key(i: usize, lang: Lang) -> usize {
    2 * i + usize::from(lang == Lang::En)
}

/// A search index's section fragments, on disk until the index is written.
struct SpilledFragments(output::Spill);

impl crate::search::Fragments for SpilledFragments {
    fn put(&mut self, items: &mut dyn Iterator<Item = (usize, String)>) -> std::io::Result<()> {
        let items: Vec<(usize, String)> = items.collect();
        self.0
            .put(items.iter().map(|(k, t)| (*k, t.as_str())))
            .map_err(|d| std::io::Error::other(d.message))
    }

    fn get(&self, key: usize) -> std::io::Result<String> {
        match self.0.get(key) {
            Some(Ok(text)) => Ok(text),
            Some(Err(d)) => Err(std::io::Error::other(d.message)),
            None => Err(std::io::Error::other(
                "a page's search text is missing from the build's temporary file",
            )),
        }
    }
}

/// The source texts of a build that keeps no session, on disk from when
/// their front matter was read ([`content::TextStore`]): read back for
/// their batch to compile, and by the checks, to scan each text once and
/// to show the line of a problem.
struct Spilled {
    /// The file, and the next key.
    spill: std::sync::RwLock<(output::Spill, usize)>,
    /// The first write that failed: the build stops with it.
    failed: std::sync::Mutex<Option<Diagnostic>>,
}

impl Spilled {
    fn new(spill: output::Spill) -> Spilled {
        Spilled {
            spill: std::sync::RwLock::new((spill, 0)),
            failed: std::sync::Mutex::new(None),
        }
    }

    fn failed(&self) -> Option<Diagnostic> {
        self.failed.lock().ok().and_then(|mut f| f.take())
    }
}

impl content::TextStore for Spilled {
    fn keep(&self, text: &str) -> Option<usize> {
        let mut guard = self.spill.write().ok()?;
        let (spill, next) = &mut *guard;
        let key = *next;
        match spill.put([(key, text)]) {
            Ok(()) => {
                *next += 1;
                Some(key)
            }
            Err(d) => {
                if let Ok(mut failed) = self.failed.lock() {
                    failed.get_or_insert(d);
                }
                None
            }
        }
    }

    fn get(&self, key: usize) -> Result<String, String> {
        let guard = self
            .spill
            .read()
            .map_err(|_| "another thread failed while writing it".to_string())?;
        let why = match guard.0.get(key) {
            Some(Ok(text)) => return Ok(text),
            Some(Err(d)) => d.message,
            None => "it is not there".to_string(),
        };
        // Besides the error at the file, which `[check.severity]` could
        // turn off, the build stops with this one, which nothing can: a
        // page compiled without its text must not be published.
        if let Ok(mut failed) = self.failed.lock() {
            failed.get_or_insert_with(|| {
                Diagnostic::error(
                    "io",
                    format!("a text kept in the build's temporary file cannot be read back: {why}"),
                )
                .with_hint("check the space and health of the disk that holds the output folder, and build again")
            });
        }
        Err(why)
    }
}

impl crate::check::Texts for Spilled {
    fn text<'s>(&'s self, site: &'s Site, page: usize, english: bool) -> Cow<'s, str> {
        let keys = site.pages.get(page).and_then(|p| p.article.stored);
        let key = keys.and_then(|k| if english { k.english } else { Some(k.source) });
        match key.map(|key| content::TextStore::get(self, key)) {
            Some(Ok(text)) => Cow::Owned(text),
            // Not stored (a page the session compiled itself), or the disk
            // failed since: the site's own copy (empty when lightened: a
            // diagnostic then points at the file's first line).
            _ => crate::check::InSite.text(site, page, english),
        }
    }
}

/// A built site kept in memory, so that the preview server can rebuild
/// after an edit by recompiling only the articles that changed.
pub struct Session {
    opts: Options,
    /// Built by [`Session::build_once`]: the pages hold no bodies, text
    /// or links, so the next rebuild is a full one.
    once: bool,
    config: Config,
    theme: Theme,
    site: Site,
    derived: Derived,
    /// The diagnostics of compiling the site (not of [`site_checks`],
    /// which run anew on each build): a rebuild of some articles replaces
    /// theirs, so its report counts what a full build would.
    compiled: Vec<Diagnostic>,
}

/// What a build derives from the whole site, kept by a session so that a
/// rebuild recomputes only what the edited articles change: the search
/// index of each language (a rebuild tokenizes only the edited pages) and
/// the navigation's escaped links (valid while no title changes, which
/// is a full build).
struct Derived {
    search: [SearchIndex; 2],
    /// The search indexes already hold every page: a build that keeps no
    /// session fills them as the articles compile, then drops the text.
    indexed: bool,
    nav: [site::NavText; 2],
}

impl Derived {
    fn new(site: &Site, theme: &Theme, search: [SearchIndex; 2], indexed: bool) -> Derived {
        Derived {
            search,
            indexed,
            nav: Lang::ALL.map(|lang| {
                let strings = theme.strings(lang);
                site::NavText::new(site, lang, &|k| strings.get(k))
            }),
        }
    }
}

/// Which pages `write_site` renders.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// Every page and file: a full build.
    All,
    /// These articles' pages, their checklist code and the search indexes;
    /// with `lists` also what lists every article (the index, 404 and root
    /// pages and the sitemap).
    Articles { only: &'a [usize], lists: bool },
}

impl Session {
    /// A full build: compile everything, render every page, write through
    /// the spare folder and swap it in atomically.
    pub fn build(opts: &Options) -> Result<(Session, Report), Vec<Diagnostic>> {
        Session::build_with(opts, false, &mut |_| {})
    }

    /// A full build for a session that will not be rebuilt (`tolk build`):
    /// as each batch of articles compiles, their text goes into the search
    /// indexes and their bodies to disk ([`output::Spill`]), so memory
    /// holds the site-wide data and one batch, not every page; the pages
    /// are written from there. The same bytes as [`Session::build`]. The
    /// links, removed markup and source text stay: [`site_checks`] reads
    /// them after the last batch.
    pub fn build_once(opts: &Options) -> Result<(Session, Report), Vec<Diagnostic>> {
        Session::build_with(opts, true, &mut |_| {})
    }

    /// A full build; `after_swap` runs once the site is swapped in, still
    /// under the lock beside it (for the stamp that describes it).
    fn build_with(
        opts: &Options,
        once: bool,
        after_swap: &mut dyn FnMut(&Report),
    ) -> Result<(Session, Report), Vec<Diagnostic>> {
        let start = Instant::now();
        let mut timings = Timings::from_env();
        let config = load_config(opts)?;
        let out = config.build_dir();
        output::check_target(&out, &config.root, &config.content_dir(), opts.force)
            .map_err(|d| vec![d])?;
        if once {
            limit_malloc_arenas();
        }
        let mut search = Lang::ALL.map(SearchIndex::new);
        if once {
            // The pages' headings and snippets wait on disk too.
            for index in &mut search {
                let store = output::Spill::create(&out).map_err(|d| vec![d])?;
                *index = SearchIndex::with_store(index.lang(), Box::new(SpilledFragments(store)));
            }
        }
        let mut spill = None;
        let mut spilled_texts = None;
        let (theme, site, diagnostics) = if once {
            let mut bodies = output::Spill::create(&out).map_err(|d| vec![d])?;
            let sources = Spilled::new(output::Spill::create(&out).map_err(|d| vec![d])?);
            let mut failed = None;
            let base = config.site.base_path.clone();
            let compiled = compile_in_batches(
                &config,
                BATCH,
                &mut |first, pages| {
                    let [nl, en] = &mut search;
                    rayon::join(
                        || put_search(nl, pages, first, &base),
                        || put_search(en, pages, first, &base),
                    );
                    let texts: Vec<(usize, String)> = pages
                        .iter()
                        .enumerate()
                        .flat_map(|(k, p)| {
                            Lang::ALL.map(|l| (body_key(first + k, l), spilled_body(p.rendered(l))))
                        })
                        .collect();
                    if let Err(e) = bodies.put(texts.iter().map(|(k, t)| (*k, t.as_str()))) {
                        failed.get_or_insert(e);
                    }
                    // Texts that could not be stored when read get a second try.
                    for page in pages.iter_mut() {
                        page.article.put_away(&sources);
                    }
                    pages.iter_mut().for_each(lighten);
                },
                Some(&sources),
            )?;
            let mut compiled = compiled;
            compiled.2.extend(failed);
            compiled.2.extend(sources.failed());
            spill = Some(bodies);
            spilled_texts = Some(sources);
            compiled
        } else {
            compile(&config)?
        };
        timings.lap("compile (read, segments, markdown, nav)");
        let compiled = diagnostics.clone();
        let mut diagnostics = diagnostics;
        let texts: &dyn crate::check::Texts = match &spilled_texts {
            Some(texts) => texts,
            None => &crate::check::InSite,
        };
        // Run even when compiling failed: a build that stops reports what
        // `tolk check` reports, not only the errors that stopped it.
        diagnostics.extend(site_checks(&config, &site, texts));
        drop(spilled_texts);
        timings.lap("checks (links, anchors, files, front matter)");
        let mut site = site;
        if once {
            site.pages.iter_mut().for_each(forget_checked);
            release_free_memory();
        }
        if compiled.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        let staging = Staging::create(&out).map_err(|d| vec![d])?;
        let mut derived = Derived::new(&site, &theme, search, once);
        let pages = write_site(
            &config,
            &theme,
            &site,
            &staging,
            &opts.inject,
            Scope::All,
            &mut derived,
            spill.as_ref(),
        )?;
        derived.indexed = false;
        timings.lap("render and write");
        let mut report = Report {
            pages,
            pages_per_lang: site.pages.len() + usize::from(!site.by_path.contains_key("")),
            articles: site.pages.len(),
            diagnostics,
            elapsed: start.elapsed(),
            out,
            base_path: config.site.base_path.clone(),
            up_to_date: false,
        };
        staging
            .commit_then(|| after_swap(&report))
            .map_err(|d| vec![d])?;
        timings.lap("swap in");
        report.elapsed = start.elapsed();
        Ok((
            Session {
                opts: opts.clone(),
                once,
                config,
                theme,
                site,
                derived,
                compiled,
            },
            report,
        ))
    }

    /// Rebuilds after `changed` (absolute paths). When every changed path is
    /// an existing article whose titles stay the same, only those articles
    /// are recompiled and only their pages (plus the search indexes, and the
    /// index pages and sitemap when a description or date changed; see
    /// [`Scope`]) are rewritten, in place; anything else (the
    /// config, the theme, a TOC, an article added, removed or retitled) is a
    /// full build. On error nothing is written and the session keeps the
    /// last good site.
    /// The path the built site's links start with (`[site] base-path` or
    /// `--base-url`), e.g. `/` or `/docs/`.
    pub fn base_path(&self) -> &str {
        &self.config.site.base_path
    }

    pub fn rebuild(&mut self, changed: &[std::path::PathBuf]) -> Result<Report, Vec<Diagnostic>> {
        match self.changed_articles(changed) {
            Some(indices) if !indices.is_empty() && !self.once => self.rebuild_articles(&indices),
            _ => {
                let (session, report) = Session::build(&self.opts)?;
                *self = session;
                Ok(report)
            }
        }
    }

    /// The articles `changed` names, or `None` when a change needs a full build.
    fn changed_articles(&self, changed: &[std::path::PathBuf]) -> Option<Vec<usize>> {
        let content = self.config.content_dir();
        let content = std::fs::canonicalize(&content).unwrap_or(content);
        let mut out = Vec::new();
        for path in changed {
            let path = std::fs::canonicalize(path).ok()?; // deleted: full build
            let rel = path.strip_prefix(&content).ok()?;
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = crate::content::nfc(&rel.join("/")).into_owned();
            let i = self
                .site
                .pages
                .iter()
                // An English-only page's source is in the English tree: a
                // Dutch file at its path is a new article (full build).
                .position(|p| p.article.source.rel == rel && !p.article.only_english)?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        Some(out)
    }

    fn rebuild_articles(&mut self, indices: &[usize]) -> Result<Report, Vec<Diagnostic>> {
        let start = Instant::now();
        let labels = |lang: Lang, key: &str| self.theme.strings(lang).get(key);
        let mut compiled = Vec::with_capacity(indices.len());
        let mut diagnostics = Vec::new();
        for &i in indices {
            let old = &self.site.pages[i].article;
            let abs = self.config.content_dir().join(&old.source.rel);
            let mut read = Vec::new();
            // A YAML page is read as the article `yaml_pages` writes.
            let read_page = if old.source.rel.to_ascii_lowercase().ends_with(".yml") {
                content::read_yaml_page
            } else {
                content::read_source
            };
            let Some(source) = read_page(
                &abs,
                old.source.rel.clone(),
                old.source.display.clone(),
                &mut read,
            ) else {
                if read.is_empty() {
                    // No longer a page (not a YAML page any more): what
                    // the site has changes.
                    let (session, report) = Session::build(&self.opts)?;
                    *self = session;
                    return Ok(report);
                }
                return Err(read);
            };
            diagnostics.extend(read);
            let article = content::parse_article(source, old.english.clone(), &mut diagnostics);
            // A code directive naming a file the build has not read: the
            // files are read by a full build.
            let code = &self.site.links.code_files;
            if crate::markdown::code_sources(&article.source.text, &article.source.rel)
                .iter()
                .any(|p| !code.contains_key(p))
            {
                let (session, report) = Session::build(&self.opts)?;
                *self = session;
                return Ok(report);
            }
            let (page, diags) = site::compile(
                article,
                &self.site.links,
                &self.site.en_links,
                &labels,
                build_date(),
            );
            diagnostics.extend(diags);
            compiled.push((i, page));
        }
        self.config.check.apply(&mut diagnostics);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        // A new title changes the navigation of every page: rebuild all.
        // What the navigation shows of an article: its titles, its
        // subservice (the group of a site without TOC files) and its date
        // (which orders the articles no TOC lists).
        let retitled = compiled.iter().any(|(i, p)| {
            let old = &self.site.pages[*i];
            p.article.front.subservice != old.article.front.subservice
                || p.article.front.date != old.article.front.date
                || Lang::ALL.iter().any(|&l| p.title(l) != old.title(l))
        });
        // What the index pages and the sitemap show of an article besides
        // its title: its description, its date, and whether it has English.
        let lists = compiled.iter().any(|(i, p)| {
            let old = &self.site.pages[*i];
            p.article.front.description != old.article.front.description
                || p.article.front.date != old.article.front.date
                || p.english != old.english
        });
        for (i, page) in compiled {
            self.site.pages[i] = page;
        }
        if retitled {
            return self.rebuild(&[]);
        }
        // The report counts what a full build would: the other articles'
        // diagnostics as they were, these articles' anew, and the checks
        // of the whole site.
        let files: std::collections::HashSet<&std::path::Path> = indices
            .iter()
            .flat_map(|&i| {
                let a = &self.site.pages[i].article;
                std::iter::once(a.source.display.as_path())
                    .chain(a.english.as_ref().map(|e| e.display.as_path()))
            })
            .collect();
        self.compiled.retain(|d| {
            d.location
                .as_ref()
                .map_or(true, |l| !files.contains(l.file.as_path()))
        });
        self.compiled.extend(diagnostics);
        let mut diagnostics = self.compiled.clone();
        diagnostics.extend(site_checks(&self.config, &self.site, &crate::check::InSite));
        let out = self.config.build_dir();
        let sink = InPlace::open(&out).map_err(|d| vec![d])?;
        let pages = write_site(
            &self.config,
            &self.theme,
            &self.site,
            &sink,
            &self.opts.inject,
            Scope::Articles {
                only: indices,
                lists,
            },
            &mut self.derived,
            None,
        )?;
        Ok(Report {
            pages,
            pages_per_lang: self.site.pages.len()
                + usize::from(!self.site.by_path.contains_key("")),
            articles: indices.len(),
            diagnostics,
            elapsed: start.elapsed(),
            out,
            base_path: self.config.site.base_path.clone(),
            up_to_date: false,
        })
    }
}

/// Stage timings, printed to stderr when `TOLK_TIMINGS` is set: where a
/// build's time goes, for profiling without a profiler.
struct Timings {
    last: Option<Instant>,
}

impl Timings {
    fn from_env() -> Timings {
        Timings {
            last: std::env::var_os("TOLK_TIMINGS").map(|_| Instant::now()),
        }
    }

    fn lap(&mut self, what: &str) {
        if let Some(last) = self.last {
            crate::say_err!(
                "tolk timing: {what}: {:.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
            self.last = Some(Instant::now());
        }
    }
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    /// `[site] source-url`, when it is an http(s) URL.
    source_url: &'a str,
    /// The language of the title and description where it is not the
    /// page's: `book.toml` is written in the content language.
    title_lang: Option<&'static str>,
    description: &'a str,
    description_lang: Option<&'static str>,
    base_path: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct LangCtx {
    code: &'static str,
    tag: &'static str,
    other_code: &'static str,
    other_tag: &'static str,
}

impl LangCtx {
    fn new(lang: Lang) -> Self {
        LangCtx {
            code: lang.code(),
            tag: lang.html_tag(),
            other_code: lang.other().code(),
            other_tag: lang.other().html_tag(),
        }
    }
}

#[derive(Serialize)]
struct Alternate {
    hreflang: &'static str,
    href: String,
}

#[derive(Serialize, Default)]
struct PageCtx<'a> {
    title: String,
    /// The title's language where it is not the page's (`nl`, `en`).
    title_lang: Option<&'static str>,
    title_html: String,
    title_id: String,
    description: String,
    description_lang: Option<&'static str>,
    date: Option<String>,
    date_text: Option<String>,
    author: Option<String>,
    body: &'a str,
    body_lang: Option<&'static str>,
    toc: &'a [markdown::Heading],
    segments: usize,
    checklists: bool,
    /// The generated evaluators of the page's checklists.
    checklist_script: Option<String>,
    machine_translated: bool,
    /// The machine-translation notice links the English original: only
    /// when the English page has English text.
    has_original: bool,
    only_dutch: bool,
    /// A Dutch page of an article that exists only in English.
    only_english: bool,
    noindex: bool,
    canonical: Option<String>,
    alternates: Vec<Alternate>,
    other_url: Option<String>,
    url: String,
    /// The front matter keys tolk does not read itself, for themes
    /// (`page.extra['ms.custom']`); empty on the index and 404 pages.
    extra: std::borrow::Cow<'a, serde_json::Map<String, serde_json::Value>>,
    /// The pages before and after this one in TOC order.
    prev: Option<Link>,
    next: Option<Link>,
    /// The TOC entries above this page (a group has no link).
    crumbs: Vec<Crumb>,
    /// The source file (from the project folder, `/`-separated) of a Dutch
    /// page with segments, for review mode's links to source lines.
    source: Option<String>,
}

#[derive(Serialize)]
struct Link {
    title: String,
    title_lang: Option<&'static str>,
    url: String,
}

#[derive(Serialize)]
struct Crumb {
    title: String,
    title_lang: Option<&'static str>,
    url: Option<String>,
}

/// A page's breadcrumbs: the trail its `breadcrumb/toc.yml` gives (where
/// the docset sits), then the TOC entries above the page that lie below
/// the trail's end: those after the deepest one the trail also names (by
/// label or link), or all of them when it names none.
fn crumbs(site: &Site, order: &site::NavOrder, i: usize, lang: Lang, other: &str) -> Vec<Crumb> {
    let trail = site.breadcrumb_trail(i, lang);
    let toc = order.crumbs(site, i, lang, other);
    let named = |(title, _, url): &(String, Lang, Option<String>)| {
        trail
            .iter()
            .any(|(t, _, u)| t == title || (url.is_some() && u == url))
    };
    let below = toc.iter().rposition(named).map_or(0, |k| k + 1);
    trail
        .into_iter()
        .chain(toc.into_iter().skip(below))
        .map(|(title, title_lang, url)| Crumb {
            title,
            title_lang: site::part_lang(title_lang, lang),
            url,
        })
        .collect()
}

#[derive(Serialize)]
struct ListEntry {
    title: String,
    title_lang: Option<&'static str>,
    url: String,
    description: String,
    description_lang: Option<&'static str>,
}

#[derive(Serialize)]
struct Group {
    title: String,
    title_lang: Option<&'static str>,
    /// How many articles the group has; `articles` holds the first few.
    count: usize,
    /// The first few articles, shown; the rest, folded away.
    articles: Vec<ListEntry>,
    more: Vec<ListEntry>,
}

/// How many of a group's articles the home page lists.
const HOME_GROUP_ENTRIES: usize = 5;
/// How many recently updated articles the home page lists.
const HOME_RECENT: usize = 8;

/// Absolute URL for canonical and alternate links when the site URL is
/// known; otherwise the path alone.
fn absolute(config: &Config, path: &str) -> String {
    let base = config.site.url.trim_end_matches('/');
    format!("{base}{path}")
}

/// The `hreflang` alternates of a page: none when the site's URL is not
/// known (they must be absolute, and `url` empty means none).
fn alternates(config: &Config, nl: &str, en: &str) -> Vec<Alternate> {
    if config.site.url.is_empty() {
        return Vec::new();
    }
    vec![
        Alternate {
            hreflang: "nl-NL",
            href: absolute(config, nl),
        },
        Alternate {
            hreflang: "en",
            href: absolute(config, en),
        },
        Alternate {
            hreflang: "x-default",
            href: absolute(config, nl),
        },
    ]
}

/// Renders the site's pages into `staging`; returns the number of pages.
/// With [`Scope::Articles`], just what the edit can change (see there); the
/// theme's files and the content's assets are left as they are. The pages'
/// bodies are in `bodies` when the build put them there, else in the site.
#[allow(clippy::too_many_arguments)]
fn write_site(
    config: &Config,
    theme: &Theme,
    site: &Site,
    staging: &dyn Sink,
    inject: &str,
    scope: Scope,
    derived: &mut Derived,
    bodies: Option<&output::Spill>,
) -> Result<usize, Vec<Diagnostic>> {
    let base = config.site.base_path.as_str();
    let mut assets = theme.asset_urls(base);
    // The search indexes keep one name per language (at the site root, not
    // under the immutable `static/`): pages can then name them before they
    // are built, and building them overlaps with rendering the pages.
    for lang in Lang::ALL {
        let name = format!("search-{}.json", lang.code());
        assets.insert(name.clone(), format!("{base}{name}"));
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    let site_ctx = |lang: Lang| SiteCtx {
        title: config.book.title_in(lang),
        source_url: if markdown::is_safe_url(&config.site.source_url)
            && config.site.source_url.starts_with("http")
        {
            &config.site.source_url
        } else {
            ""
        },
        title_lang: (lang == Lang::En && config.book.title_en.is_empty()).then_some("nl"),
        description: &config.book.description,
        description_lang: (lang == Lang::En).then_some("nl"),
        base_path: base,
        url: &config.site.url,
    };
    // What every page of a language shares, serialized once: tera 2's
    // values are reference-counted, so a page's copy costs a few pointers.
    // The whole navigation of each language: one shared, content-hashed
    // script (see `site::nav_script`); pages carry only their own branch.
    let nav_files = Lang::ALL.map(|lang| {
        let other = theme.strings(lang).get("other-articles");
        let js = site::nav_script(site, lang, &other);
        let name = format!(
            "static/{}",
            crate::render::hashed_name(&format!("toc-{}.js", lang.code()), js.as_bytes())
        );
        (name, js)
    });
    if matches!(scope, Scope::All) {
        for (name, js) in &nav_files {
            staging.write(name, js.as_bytes()).map_err(|e| vec![e])?;
        }
    }
    let order = site::NavOrder::new(site);
    let shared = Lang::ALL.map(|lang| {
        let mut ctx = tera::Context::new();
        ctx.insert(
            "nav_script",
            &format!("{base}{}", nav_files[usize::from(lang == Lang::En)].0),
        );
        ctx.insert("search_page", &format!("{base}{}/search/", lang.code()));
        ctx.insert("site", &site_ctx(lang));
        ctx.insert("lang", &LangCtx::new(lang));
        ctx.insert("t", &theme.strings(lang).map);
        ctx.insert("assets", &assets);
        ctx.insert(
            "search_index",
            &assets[&format!("search-{}.json", lang.code())],
        );
        // Each language's pages know the other's index: a query with few
        // hits offers the articles only the other language has (English
        // pages: the Dutch-only ones; Dutch pages: the English-only ones,
        // whose Dutch pages hold English text, so no Dutch index has them).
        // Dutch pages only where an English tree can give English-only
        // articles: elsewhere the fetch could find nothing.
        if lang == Lang::En || config.english_dir().is_dir() {
            ctx.insert(
                "search_fallback",
                &assets[&format!("search-{}.json", lang.other().code())],
            );
        }
        ctx.insert("live_reload", inject);
        ctx.insert("csp", crate::render::CSP_META);
        ctx
    });
    let make_ctx = |lang: Lang, nav: &str| {
        let mut ctx = shared[usize::from(lang == Lang::En)].clone();
        ctx.insert("nav", nav);
        ctx
    };
    // Article pages, both languages, in parallel.
    let all: Vec<usize>;
    let (articles, lists) = match scope {
        Scope::Articles { only, lists } => (only, lists),
        Scope::All => {
            all = (0..site.pages.len()).collect();
            (&all[..], true)
        }
    };
    let jobs: Vec<(usize, Lang)> = articles
        .iter()
        .flat_map(|&i| Lang::ALL.map(|l| (i, l)))
        .collect();
    // The generated checklist code of each article (made when it compiled):
    // one file per article, named by its content hash, the same for both
    // languages; written for the articles being rendered.
    let script_names: Vec<Option<String>> = site
        .pages
        .iter()
        .map(|p| {
            p.script.as_ref().map(|js| {
                format!(
                    "static/{}",
                    crate::render::hashed_name("checklists.js", js.as_bytes())
                )
            })
        })
        .collect();
    // Articles with the same checklists share one file, written once.
    let mut scripts_written = std::collections::BTreeSet::new();
    for &i in articles {
        if let (Some(name), Some(js)) = (&script_names[i], &site.pages[i].script) {
            if scripts_written.insert(name) {
                staging.write(name, js.as_bytes()).map_err(|e| vec![e])?;
            }
        }
    }
    let scripts: Vec<Option<String>> = script_names
        .iter()
        .map(|n| n.as_ref().map(|n| format!("{base}{n}")))
        .collect();
    let Derived {
        search,
        indexed,
        nav,
    } = derived;
    let indexed = *indexed;
    let nav_of = |lang: Lang| &nav[usize::from(lang == Lang::En)];
    let progress = progress_bar(jobs.len());
    let search = || -> Vec<Result<(), Diagnostic>> {
        let start = Instant::now();
        let [nl_index, en_index] = search;
        let write = |lang: Lang, json: String| {
            staging.write(&format!("search-{}.json", lang.code()), json.as_bytes())
        };
        if indexed {
            // Filled as the articles compiled: written straight to their
            // files, not held as strings of tens of megabytes. Such an
            // index is a build's that keeps no session, which will not
            // write it again: its pages and vocabulary (24 MB at 50,000
            // articles) are given back while the pages are written.
            return [(Lang::Nl, nl_index), (Lang::En, en_index)]
                .map(|(lang, index)| {
                    let written = staging
                        .write_with(&format!("search-{}.json", lang.code()), &mut |out| {
                            index.write_json(out)
                        });
                    *index = SearchIndex::new(lang);
                    written
                })
                .into();
        }
        let (nl, en) = rayon::join(
            || update_search(nl_index, site, articles),
            || update_search(en_index, site, articles),
        );
        if std::env::var_os("TOLK_TIMINGS").is_some() {
            crate::say_err!(
                "tolk timing:   search indexes: {:.1} ms",
                start.elapsed().as_secs_f64() * 1000.0
            );
        }
        vec![write(Lang::Nl, nl), write(Lang::En, en)]
    };
    let pages = || -> Vec<Result<(), Diagnostic>> {
        jobs.par_iter()
            .map(|&(i, lang)| {
                progress.inc(1);
                let nav = site::nav_html(site, nav_of(lang), Some(i));
                let mut ctx = make_ctx(lang, &nav);
                let page = &site.pages[i];
                let spilled = bodies.and_then(|b| b.get(body_key(i, lang))).transpose()?;
                let (toc, body) = match spilled.as_deref() {
                    Some(text) => read_spilled_body(text),
                    None => (Vec::new(), page.rendered(lang).html.as_str()),
                };
                let mut page_ctx = article_ctx(config, theme, site, i, lang, &scripts, &order);
                page_ctx.body = body;
                if spilled.is_some() {
                    page_ctx.toc = &toc;
                }
                ctx.insert("page", &page_ctx);
                let html = theme.render(
                    "article.html",
                    &ctx,
                    &page.article.source.display.display().to_string(),
                )?;
                staging.write(&page_file(lang, &page.article.path), html.as_bytes())
            })
            .collect()
    };
    let (searched, results) = rayon::join(search, pages);
    if indexed {
        // The pages' own buffers, freed on every thread, before the pages
        // that list every article are made.
        release_free_memory();
    }
    progress.finish_and_clear();
    errors.extend(searched.into_iter().chain(results).filter_map(Result::err));
    let mut count = jobs.len();
    // Index and 404 pages per language, the root page and the sitemap:
    // they list every article, so an edit that changes no list skips them.
    if lists {
        for lang in Lang::ALL {
            let strings = theme.strings(lang);
            let nav = site::nav_html(site, nav_of(lang), None);
            let mut ctx = make_ctx(lang, &nav);
            let home = |l: Lang| markdown::page_url(base, l, "");
            let groups: Vec<Group> = site::index_groups(site, lang, &|k| strings.get(k))
                .into_iter()
                .map(|(title, title_lang, members)| {
                    let mut articles: Vec<ListEntry> =
                        members.iter().map(|&i| list_entry(site, i, lang)).collect();
                    let more = articles.split_off(articles.len().min(HOME_GROUP_ENTRIES));
                    Group {
                        title,
                        title_lang: site::part_lang(title_lang, lang),
                        count: members.len(),
                        articles,
                        more,
                    }
                })
                .collect();
            ctx.insert("groups", &groups);
            // The recently updated articles: dated ones, newest first.
            let mut dated: Vec<usize> = (0..site.pages.len())
                .filter(|&i| site.pages[i].article.front.date.is_some())
                .collect();
            dated.sort_by(|&a, &b| {
                let (pa, pb) = (&site.pages[a].article, &site.pages[b].article);
                pb.front
                    .date
                    .cmp(&pa.front.date)
                    .then_with(|| pa.path.cmp(&pb.path))
            });
            let recent: Vec<serde_json::Value> = dated
                .into_iter()
                .take(HOME_RECENT)
                .map(|i| {
                    let d = site.pages[i].article.front.date;
                    serde_json::json!({
                        "title": site.pages[i].title(lang),
                        "title_lang": site::part_lang(site.pages[i].title_lang(lang), lang),
                        "url": site.url(i, lang),
                        "date": d.map(|d| d.to_string()),
                        "date_text": d.map(|d| strings.date(d)),
                    })
                })
                .collect();
            ctx.insert("recent", &recent);
            let page = PageCtx {
                title: config.book.title_in(lang).to_string(),
                title_lang: (lang == Lang::En && config.book.title_en.is_empty()).then_some("nl"),
                description: config.book.description.clone(),
                description_lang: (lang == Lang::En).then_some("nl"),
                alternates: alternates(config, &home(Lang::Nl), &home(Lang::En)),
                other_url: Some(home(lang.other())),
                canonical: (!config.site.url.is_empty()).then(|| absolute(config, &home(lang))),
                url: home(lang),
                ..PageCtx::default()
            };
            ctx.insert("page", &page);
            if !site.by_path.contains_key("") {
                match theme.render("index.html", &ctx, &format!("the {} index", lang.code())) {
                    Ok(html) => push_err(
                        &mut errors,
                        staging.write(&format!("{}/index.html", lang.code()), html.as_bytes()),
                    ),
                    Err(e) => errors.push(e),
                }
                count += 1;
            }
            let page404 = PageCtx {
                title: strings.get("not-found-title"),
                description: config.book.description.clone(),
                description_lang: (lang == Lang::En).then_some("nl"),
                // A reader lost in the wrong language finds the other
                // language's home (the missing page has no counterpart).
                other_url: Some(home(lang.other())),
                noindex: true,
                ..PageCtx::default()
            };
            ctx.insert("page", &page404);
            match theme.render("404.html", &ctx, "the 404 page") {
                Ok(html) => {
                    let file = if lang == config.languages.source {
                        "404.html".to_string()
                    } else {
                        format!("{}/404.html", lang.code())
                    };
                    push_err(&mut errors, staging.write(&file, html.as_bytes()));
                }
                Err(e) => errors.push(e),
            }
            count += 1;
            // The search results page (`<lang>/search/?q=`): search.js
            // fills it; not indexed.
            let search_page = PageCtx {
                title: strings.get("search-results"),
                noindex: true,
                alternates: alternates(
                    config,
                    &format!("{base}nl-nl/search/"),
                    &format!("{base}en/search/"),
                ),
                other_url: Some(format!("{base}{}/search/", lang.other().code())),
                ..PageCtx::default()
            };
            ctx.insert("page", &search_page);
            match theme.render("search.html", &ctx, "the search page") {
                Ok(html) => push_err(
                    &mut errors,
                    staging.write(
                        &format!("{}/search/index.html", lang.code()),
                        html.as_bytes(),
                    ),
                ),
                Err(e) => errors.push(e),
            }
            count += 1;
            if lang == config.languages.source {
                let root_page = PageCtx {
                    alternates: alternates(config, &home(Lang::Nl), &home(Lang::En)),
                    ..PageCtx::default()
                };
                ctx.insert("page", &root_page);
                match theme.render("root.html", &ctx, "the root page") {
                    Ok(html) => push_err(&mut errors, staging.write("index.html", html.as_bytes())),
                    Err(e) => errors.push(e),
                }
                count += 1;
            }
        }
        // A sitemap needs absolute URLs: without `url` there is none.
        if !config.site.url.is_empty() {
            push_err(
                &mut errors,
                staging.write("sitemap.xml", sitemap(config, site).as_bytes()),
            );
        }
    }
    push_err(
        &mut errors,
        staging.write("robots.txt", robots(config).as_bytes()),
    );
    if matches!(scope, Scope::All) {
        for (name, text) in crate::redirects::files(&site.redirects, &site.links) {
            push_err(&mut errors, staging.write(&name, text.as_bytes()));
        }
        for (name, bytes) in &theme.statics {
            push_err(&mut errors, staging.write(name, bytes));
        }
        errors.extend(copy_assets(site, staging));
    }
    if errors.is_empty() {
        Ok(count)
    } else {
        Err(crate::render::fold_repeated(errors))
    }
}

/// `sitemap.xml`: every indexable page with its language alternates
/// (Google's `xhtml:link` form). English pages that only carry the Dutch
/// text are `noindex`, so they are left out and not named as alternates.
fn sitemap(config: &Config, site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let esc = markdown::escape_attr;
    let mut entry = |loc: String, alternates: &[(&str, String)], lastmod: Option<String>| {
        xml.push_str("<url><loc>");
        xml.push_str(&esc(&loc));
        xml.push_str("</loc>");
        if let Some(d) = lastmod {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        for (tag, href) in alternates {
            xml.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{tag}\" href=\"{}\"/>",
                esc(href)
            ));
        }
        xml.push_str("</url>\n");
    };
    let base = &config.site.base_path;
    let homes = [
        absolute(config, &markdown::page_url(base, Lang::Nl, "")),
        absolute(config, &markdown::page_url(base, Lang::En, "")),
    ];
    let home_alts = [
        ("nl-NL", homes[0].clone()),
        ("en", homes[1].clone()),
        ("x-default", homes[0].clone()),
    ];
    entry(homes[0].clone(), &home_alts, None);
    entry(homes[1].clone(), &home_alts, None);
    for (i, page) in site.pages.iter().enumerate() {
        let nl = absolute(config, &site.url(i, Lang::Nl));
        let en = absolute(config, &site.url(i, Lang::En));
        let lastmod = page.article.front.date.map(|d| d.to_string());
        if page.english == EnglishText::DutchOnly {
            entry(nl, &[], lastmod);
        } else if page.article.only_english {
            entry(en, &[], lastmod);
        } else {
            let alts = [
                ("nl-NL", nl.clone()),
                ("en", en.clone()),
                ("x-default", nl.clone()),
            ];
            entry(nl, &alts, lastmod.clone());
            entry(en, &alts, lastmod);
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be crawled; the sitemap is named when the
/// site's URL is known.
fn robots(config: &Config) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if !config.site.url.is_empty() {
        s.push_str(&format!(
            "Sitemap: {}\n",
            absolute(config, &format!("{}sitemap.xml", config.site.base_path))
        ));
    }
    s
}

/// Puts pages `slots` of the site into the search index of its language:
/// every page that has text in that language (English pages that only carry
/// the Dutch text are left out). Returns the index's JSON.
fn update_search(index: &mut SearchIndex, site: &Site, slots: &[usize]) -> String {
    let mut pages = Vec::with_capacity(slots.len());
    for &i in slots {
        pages.extend(search_text(index, &site.pages[i], i, &site.links.base_path));
    }
    index.put(pages);
    index.to_json()
}

/// Puts `pages`, the pages from slot `first` on, in `index`.
fn put_search(index: &mut SearchIndex, pages: &[site::Compiled], first: usize, base: &str) {
    let pages = pages
        .iter()
        .enumerate()
        .filter_map(|(k, page)| search_text(index, page, first + k, base))
        .collect();
    index.put(pages);
}

/// What `index` takes of page `i`: its URL, title and sections; `None`
/// (and its slot emptied) when the page has no text in the index's
/// language.
fn search_text<'a>(
    index: &mut SearchIndex,
    page: &'a site::Compiled,
    i: usize,
    base: &str,
) -> Option<crate::search::PageText<'a>> {
    let lang = index.lang();
    if (lang == Lang::En && page.english == EnglishText::DutchOnly)
        || (lang == Lang::Nl && page.article.only_english)
    {
        index.clear(i);
        return None;
    }
    let sections: Vec<(&str, &str, &str)> = page
        .rendered(lang)
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.id.as_str(), s.text.as_str()))
        .collect();
    Some((
        i,
        markdown::page_url(base, lang, &page.article.path),
        page.title(lang),
        sections,
    ))
}

/// A progress bar for the page-rendering stage, shown only on a terminal,
/// never in CI (`CI` set), and only once a build has taken long enough to
/// need one.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() || len < 2_000 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} rendering pages {bar:30} {pos}/{len} {elapsed}",
    ) {
        bar.set_style(style);
    }
    bar
}

fn push_err(errors: &mut Vec<Diagnostic>, r: Result<(), Diagnostic>) {
    if let Err(e) = r {
        errors.push(e);
    }
}

/// Copies the content folder's other files (images, PDFs), as the content
/// stage listed them, into the site at the same relative paths.
fn copy_assets(site: &Site, staging: &dyn Sink) -> Vec<Diagnostic> {
    // The English tree's files go under `en/`, where English sources'
    // links point (`LinkContext::en_assets`).
    let dutch = site.assets.par_iter().map(|a| (a, None));
    let english = site.en_assets.par_iter().map(|a| (a, Some("en/")));
    dutch
        .chain(english)
        .filter_map(|(asset, prefix)| match std::fs::read(&asset.abs) {
            Ok(bytes) => {
                let rel = match prefix {
                    Some(p) => std::borrow::Cow::Owned(format!("{p}{}", asset.rel)),
                    None => std::borrow::Cow::Borrowed(asset.rel.as_str()),
                };
                staging.write(&rel, &bytes).err()
            }
            Err(e) => Some(Diagnostic::error(
                "io",
                format!("cannot read {}: {e}", asset.abs.display()),
            )),
        })
        .collect()
}

/// `site/<lang>/<path>/index.html`, relative to the site folder.
pub fn page_file(lang: Lang, path: &str) -> String {
    if path.is_empty() {
        format!("{}/index.html", lang.code())
    } else {
        format!("{}/{path}/index.html", lang.code())
    }
}

/// The language of an article's description where it is not the page's:
/// an English page without an English source shows the Dutch front
/// matter's; a Dutch page of an English-only article the English one's.
fn description_lang(
    p: &site::Compiled,
    lang: Lang,
    english_source: bool,
    description: &str,
) -> Option<&'static str> {
    if description.is_empty() {
        return None;
    }
    match lang {
        Lang::En if !english_source => Some("nl"),
        Lang::Nl if p.article.only_english => Some("en"),
        _ => None,
    }
}

fn list_entry(site: &Site, i: usize, lang: Lang) -> ListEntry {
    let p = &site.pages[i];
    let english_fm = match (lang, p.english, &p.article.english_front) {
        (Lang::En, EnglishText::Source, Some(en)) => Some(&**en),
        _ => None,
    };
    let fm = english_fm.unwrap_or(&p.article.front);
    let description = fm.description.clone().unwrap_or_default();
    ListEntry {
        title: p.title(lang),
        title_lang: site::part_lang(p.title_lang(lang), lang),
        url: site.url(i, lang),
        description_lang: description_lang(p, lang, english_fm.is_some(), &description),
        description,
    }
}

fn article_ctx<'a>(
    config: &Config,
    theme: &Theme,
    site: &'a Site,
    i: usize,
    lang: Lang,
    scripts: &[Option<String>],
    order: &site::NavOrder,
) -> PageCtx<'a> {
    let page = &site.pages[i];
    let r = page.rendered(lang);
    let strings = theme.strings(lang);
    let fm = &page.article.front;
    let title = page.title(lang);
    let title_html = r
        .title_html
        .clone()
        .unwrap_or_else(|| markdown::escape_html(&title));
    let nl_url = site.url(i, Lang::Nl);
    let en_url = site.url(i, Lang::En);
    let url = site.url(i, lang);
    let only_dutch = lang == Lang::En && page.english == EnglishText::DutchOnly;
    let only_english = lang == Lang::Nl && page.article.only_english;
    // An English page built from an English source file takes its
    // description, date and author from that file's own front matter.
    let english_fm = match (lang, page.english, &page.article.english_front) {
        (Lang::En, EnglishText::Source, Some(en)) => Some(&**en),
        _ => None,
    };
    let machine_translated =
        lang == Lang::Nl && fm.translation_type == Some(crate::content::TranslationType::Machine);
    let fm = english_fm.unwrap_or(fm);
    let description = fm.description.clone().unwrap_or_default();
    let (prev, next) = order.neighbours(i);
    let link = |j: usize| Link {
        title: site.pages[j].title(lang),
        title_lang: site::part_lang(site.pages[j].title_lang(lang), lang),
        url: site.url(j, lang),
    };
    PageCtx {
        title,
        title_lang: site::part_lang(page.title_lang(lang), lang),
        title_html,
        title_id: r.title_id.clone().unwrap_or_default(),
        description_lang: description_lang(page, lang, english_fm.is_some(), &description),
        description,
        date: fm.date.map(|d| d.to_string()),
        date_text: fm.date.map(|d| strings.date(d)),
        author: fm.author.clone(),
        body: &r.html,
        body_lang: if only_dutch {
            Some("nl")
        } else if only_english {
            Some("en")
        } else {
            None
        },
        toc: &r.toc,
        segments: if lang == Lang::Nl {
            page.segment_count
        } else {
            0
        },
        // The same as `!page.checklists.is_empty()`: a page has a script
        // when it has checklists, and a build may have dropped the latter.
        checklists: page.script.is_some(),
        checklist_script: scripts[i].clone(),
        machine_translated,
        has_original: page.english != EnglishText::DutchOnly,
        only_dutch,
        only_english,
        noindex: only_dutch || only_english,
        canonical: (!config.site.url.is_empty()).then(|| absolute(config, &url)),
        alternates: alternates(config, &nl_url, &en_url),
        other_url: Some(if lang == Lang::Nl { en_url } else { nl_url }),
        url,
        extra: std::borrow::Cow::Borrowed(&fm.extra),
        prev: prev.map(link),
        next: next.map(link),
        source: (lang == Lang::Nl && page.segment_count > 0).then(|| {
            page.article
                .source
                .display
                .to_string_lossy()
                .replace('\\', "/")
        }),
        crumbs: crumbs(site, order, i, lang, &strings.get("other-articles")),
    }
}
