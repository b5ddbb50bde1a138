//! Render: the theme (tera templates, static files, UI strings) and the
//! pages it turns into HTML.
//!
//! The default theme is embedded in the binary, so `tolk init` needs no
//! theme files; a site's `themes/<name>/` overrides any file of it by path.
//! Templates are compiled once per build. Static files get content-hashed
//! names (`style.3f9a1c2e.css`) so hosts can cache them forever.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{include_dir, Dir};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Location};
use crate::lang::Lang;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The templates every theme provides.
/// The Content-Security-Policy of every page, less `frame-ancestors` (which
/// a `<meta>` cannot carry): the theme loads its scripts, styles and the
/// search index from the site itself and has no inline script, style or
/// event handler, so only what the site serves can run, whatever an article
/// slipped past the raw-HTML policy. Images may come from any https host
/// (articles link screenshots) and as `data:` (icons in a theme's CSS).
/// Built pages carry it in a `<meta http-equiv>` for static hosts.
macro_rules! csp {
    () => {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    };
}
pub const CSP_META: &str = csp!();

/// The header `tolk serve` sends (and a host should): the page policy plus
/// `frame-ancestors 'none'`, so no other site can frame the docs.
pub const CSP_HEADER: &str = concat!(csp!(), "; frame-ancestors 'none'");

pub const TEMPLATES: [&str; 6] = [
    "base.html",
    "article.html",
    "index.html",
    "404.html",
    "root.html",
    "search.html",
];

/// A loaded theme: compiled templates, static files with their hashed
/// names, and UI strings for both languages.
pub struct Theme {
    pub tera: tera::Tera,
    /// `(name, text, path shown in diagnostics)` of each template, to
    /// point a rendering error at its line.
    sources: Vec<(String, String, String)>,
    /// Static files: hashed output name (`static/style.1a2b3c4d.css`) → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Logical name (`style.css`) → URL path below the base (`static/style.1a2b3c4d.css`).
    pub asset_names: BTreeMap<String, String>,
    pub strings: BTreeMap<Lang, Strings>,
}

/// The UI strings of one language, from `i18n/<lang>.toml`.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub map: BTreeMap<String, String>,
    pub months: Vec<String>,
    pub date_format: String,
}

impl Strings {
    /// The string for `key`, or the key itself (visible, so a missing
    /// translation is noticed rather than silently blank).
    pub fn get(&self, key: &str) -> String {
        self.map
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// A date in this language: `22 juli 2021`, `July 22, 2021`.
    pub fn date(&self, d: Date) -> String {
        let (y, m, day) = d.ymd();
        let month = self
            .months
            .get(m as usize - 1)
            .cloned()
            .unwrap_or_else(|| m.to_string());
        self.date_format
            .replace("{day}", &day.to_string())
            .replace("{month}", &month)
            .replace("{year}", &y.to_string())
    }
}

/// A theme file: embedded default, overridden by the site's theme folder.
fn theme_file(config: &Config, rel: &str) -> Option<(Vec<u8>, String)> {
    let site_theme = config.theme_dir();
    let local = site_theme.join(rel);
    if local.is_file() {
        if let Ok(bytes) = std::fs::read(&local) {
            let shown = Path::new("themes")
                .join(&config.build.theme)
                .join(rel)
                .display()
                .to_string();
            return Some((bytes, shown));
        }
    }
    DEFAULT_THEME
        .get_file(rel)
        .map(|f| (f.contents().to_vec(), format!("(built-in theme)/{rel}")))
}

/// Every file name under `dir` of the default theme and the site's theme.
fn theme_files(config: &Config, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = DEFAULT_THEME
        .get_dir(dir)
        .map(|d| {
            d.files()
                .map(|f| f.path().to_string_lossy().replace('\\', "/"))
                .collect()
        })
        .unwrap_or_default();
    let local = config.theme_dir().join(dir);
    if let Ok(entries) = std::fs::read_dir(&local) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_file() && !crate::content::is_ignored(&name) {
                names.push(format!("{dir}/{name}"));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

impl Theme {
    /// Loads and compiles the theme for a site.
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        if config.build.theme != "default" && !config.theme_dir().is_dir() {
            // At the `theme = ...` line of book.toml, when it can be found.
            let book = std::fs::read_to_string(config.root.join(crate::config::FILE_NAME))
                .unwrap_or_default();
            let quoted = format!("\"{}\"", config.build.theme);
            let at = book.match_indices(&quoted).map(|(i, _)| i + 1).find(|&i| {
                book[..i]
                    .rsplit('\n')
                    .next()
                    .is_some_and(|l| l.trim_start().starts_with("theme"))
            });
            let d = Diagnostic::error(
                "theme",
                format!(
                    "the theme folder themes/{} does not exist",
                    config.build.theme
                ),
            )
            .with_hint(
                "create it (its files override the built-in theme), or set `theme = \"default\"`",
            );
            diagnostics.push(match at {
                Some(i) => d.at(crate::diagnostic::Location::from_offset(
                    crate::config::FILE_NAME,
                    &book,
                    i,
                    config.build.theme.len(),
                )),
                None => d.in_file(crate::config::FILE_NAME),
            });
            return Err(diagnostics);
        }
        // A link out of the project in the theme folder would publish its
        // target as a static file: the content's walk and its check.
        if config.theme_dir().is_dir() {
            let shown = Path::new("themes").join(&config.build.theme);
            let bound =
                crate::content::Bound::new(&config.root, &config.root, "the project folder");
            crate::content::walk(&config.theme_dir(), &shown, bound, &mut diagnostics);
            if diagnostics.iter().any(Diagnostic::is_error) {
                return Err(diagnostics);
            }
        }
        let mut tera = tera::Tera::new();
        // Before the templates: tera 2 settles each template's escaping
        // when it is added.
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_for_templates);
        let mut sources = Vec::new();
        for name in theme_files(config, "templates") {
            let Some((bytes, shown)) = theme_file(config, &name) else {
                continue;
            };
            let short = name.trim_start_matches("templates/").to_string();
            match String::from_utf8(bytes) {
                Ok(text) => sources.push((short, text, shown)),
                Err(_) => diagnostics
                    .push(Diagnostic::error("theme", "this template is not UTF-8").in_file(shown)),
            }
        }
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
        {
            diagnostics.push(template_error(
                &e,
                &sources,
                "a theme template does not compile",
                "fix the template (tera syntax: https://keats.github.io/tera/docs/)",
            ));
            return Err(diagnostics);
        }
        for required in TEMPLATES {
            if !sources.iter().any(|(n, _, _)| n == required) {
                diagnostics.push(Diagnostic::error(
                    "theme",
                    format!("the theme has no template {required}"),
                ));
            }
        }
        let mut statics = BTreeMap::new();
        let mut asset_names = BTreeMap::new();
        for name in theme_files(config, "static") {
            let Some((bytes, _)) = theme_file(config, &name) else {
                continue;
            };
            let logical = name.trim_start_matches("static/").to_string();
            let hashed = hashed_name(&logical, &bytes);
            asset_names.insert(logical, format!("static/{hashed}"));
            statics.insert(format!("static/{hashed}"), bytes);
        }
        let mut strings = BTreeMap::new();
        for lang in Lang::ALL {
            let file = format!("i18n/{}.toml", lang.code());
            match theme_file(config, &file) {
                Some((bytes, shown)) => match parse_strings(&bytes) {
                    Ok(s) => {
                        strings.insert(lang, s);
                    }
                    Err(msg) => diagnostics.push(Diagnostic::error("theme", msg).in_file(shown)),
                },
                None => diagnostics.push(Diagnostic::error(
                    "theme",
                    format!("the theme has no {file}"),
                )),
            }
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        Ok(Theme {
            tera,
            sources,
            statics,
            asset_names,
            strings,
        })
    }

    pub fn strings(&self, lang: Lang) -> &Strings {
        static EMPTY: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
        self.strings
            .get(&lang)
            .unwrap_or_else(|| EMPTY.get_or_init(Strings::default))
    }

    /// Asset URLs for templates: `style.css` → `/base/static/style.1a2b.css`.
    pub fn asset_urls(&self, base_path: &str) -> BTreeMap<String, String> {
        self.asset_names
            .iter()
            .map(|(k, v)| (k.clone(), format!("{base_path}{v}")))
            .collect()
    }

    /// Renders a template; an error names the page and points at the
    /// template line that failed.
    pub fn render(
        &self,
        template: &str,
        context: &tera::Context,
        page: &str,
    ) -> Result<String, Diagnostic> {
        self.tera.render(template, context).map_err(|e| {
            template_error(
                &e,
                &self.sources,
                &format!("{template} failed to render"),
                "check the template's variables against the theme documentation in the README",
            )
            .with_label(format!("while rendering {page}"))
        })
    }
}

/// One mistake in a template fails every page that uses it: the errors of
/// one template spot with one message become one diagnostic, whose label
/// says how many pages failed. Other diagnostics pass through in order.
pub fn fold_repeated(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut repeats: Vec<usize> = Vec::new();
    for d in diagnostics {
        let same = |o: &Diagnostic| {
            o.code == "template" && o.message == d.message && o.location == d.location
        };
        match (d.code == "template")
            .then(|| out.iter().position(same))
            .flatten()
        {
            Some(i) => repeats[i] += 1,
            None => {
                out.push(d);
                repeats.push(0);
            }
        }
    }
    for (d, n) in out.iter_mut().zip(repeats) {
        if n > 0 {
            if let Some(label) = &mut d.label {
                let pages = if n == 1 { "page" } else { "pages" };
                label.push_str(&format!(" and {n} other {pages}"));
            }
        }
    }
    out
}

/// A tera error as a diagnostic: at the template line and column tera
/// names (syntax and rendering errors carry a span), with tera's own
/// message and the hint.
fn template_error(
    e: &tera::Error,
    sources: &[(String, String, String)],
    what: &str,
    hint: &str,
) -> Diagnostic {
    let (mut message, at) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            (r.message().to_string(), Some((r.filename(), r.span())))
        }
        _ => (e.to_string(), None),
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let d = Diagnostic::error("template", format!("{what}: {message}")).with_hint(hint);
    match at {
        Some((name, span)) => match sources.iter().find(|(n, _, _)| n == name) {
            Some((_, text, shown)) => {
                let width = if span.start_line == span.end_line {
                    span.end_col.saturating_sub(span.start_col).max(1)
                } else {
                    1
                };
                d.at(Location::from_line_col(
                    shown,
                    text,
                    span.start_line,
                    span.start_col + 1,
                    width,
                ))
            }
            None => d,
        },
        // Errors without a span (a missing parent template, a circular
        // extend) name the template in their message.
        None => match sources
            .iter()
            .find(|(n, _, _)| message.contains(n.as_str()))
        {
            Some((_, _, shown)) => d.in_file(shown.clone()),
            None => d,
        },
    }
}

/// Escapes `& < > " '`: enough for text and quoted attributes, and the
/// same escaping as the Markdown stage's, so a title reads the same in the
/// template and the body.
fn escape_for_templates(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    crate::markdown::escape_with(s, true, |piece| {
        if result.is_ok() {
            result = out.write_all(piece.as_bytes());
        }
    });
    result
}

fn parse_strings(bytes: &[u8]) -> Result<Strings, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "this file is not UTF-8".to_string())?;
    let table: toml::Table =
        toml::from_str(text).map_err(|e| format!("invalid TOML: {}", e.message()))?;
    let mut s = Strings::default();
    for (k, v) in table {
        match (k.as_str(), v) {
            ("months", toml::Value::Array(a)) => {
                s.months = a
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
            }
            ("date-format", toml::Value::String(f)) => s.date_format = f,
            (_, toml::Value::String(v)) => {
                s.map.insert(k, v);
            }
            _ => return Err(format!("`{k}` must be a string")),
        }
    }
    if s.months.len() != 12 {
        return Err("`months` must list the twelve month names".into());
    }
    if s.date_format.is_empty() {
        s.date_format = "{year}-{month}-{day}".into();
    }
    Ok(s)
}

/// `style.css` + bytes → `style.1a2b3c4d.css`, by the content hash: stable
/// across machines and runs, which a std hasher is not.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = content_hash(bytes);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{:08x}.{ext}", hash as u32),
        None => format!("{name}.{:08x}", hash as u32),
    }
}

/// XXH3, 64 bits: a specified, portable hash (the same on every machine and
/// version), fast enough to hash every page a build writes.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_locale() {
        let cfg = Config::parse(Path::new("/nonexistent"), "").unwrap();
        let theme = Theme::load(&cfg).unwrap();
        let d = Date::from_ymd(2021, 7, 22).unwrap();
        assert_eq!(theme.strings(Lang::Nl).date(d), "22 juli 2021");
        assert_eq!(theme.strings(Lang::En).date(d), "July 22, 2021");
    }

    #[test]
    fn hashed_names_are_stable() {
        assert_eq!(
            hashed_name("style.css", b"a"),
            hashed_name("style.css", b"a")
        );
        assert_ne!(
            hashed_name("style.css", b"a"),
            hashed_name("style.css", b"b")
        );
        assert!(
            hashed_name("style.css", b"a").starts_with("style.")
                && hashed_name("style.css", b"a").ends_with(".css")
        );
    }
}
