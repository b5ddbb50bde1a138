//! `book.toml`: the site's configuration, read once at the start of a build.
//!
//! Like mdBook 0.5, an unknown key is an error that names the key and the
//! file: a misspelt `build-dir` silently ignored would publish to the wrong
//! place. Every key has a default, so an empty `book.toml` is a valid site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::lang::Lang;

/// The file name tolk looks for in the site root.
pub const FILE_NAME: &str = "book.toml";

/// The whole configuration, with defaults filled in and paths made absolute.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder that holds `book.toml`.
    pub root: PathBuf,
    pub book: Book,
    pub build: Build,
    pub site: Site,
    pub languages: Languages,
    pub links: Links,
    pub check: Check,
    /// `[redirects]`: an old article path (`old.md` or `old/page`) → where
    /// it went (an article `new.md`, a site path, or a URL). See
    /// [`crate::redirects`].
    pub redirects: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Book {
    pub title: String,
    pub description: String,
    /// The content folder, relative to the root.
    pub src: PathBuf,
    /// Files and folders of the content folder that are not part of the
    /// site (paths relative to it, `/`-separated; a folder excludes all it
    /// holds), as docfx.json's `exclude`. Default: the root `README.md`.
    pub exclude: Vec<String>,
    /// The site's title on English pages; empty: `title`.
    pub title_en: String,
}

impl Book {
    /// The site's title in `lang`.
    pub fn title_in(&self, lang: crate::lang::Lang) -> &str {
        if lang == crate::lang::Lang::En && !self.title_en.is_empty() {
            &self.title_en
        } else {
            &self.title
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Build {
    /// The output folder, relative to the root.
    pub build_dir: PathBuf,
    /// The theme: `default` (built into tolk) or a folder name under
    /// `themes/`, whose files override the built-in ones.
    pub theme: String,
    /// File types (extensions, without the dot; `"*"` for any) published
    /// besides the safe ones of [`crate::content::SAFE_ASSET_TYPES`]:
    /// `["svg", "html"]` for a site that needs them, knowing that a browser
    /// runs the script in such a file on the site's origin.
    pub extra_asset_types: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Site {
    /// The public URL of the site (`https://docs.example.org`), used for
    /// canonical links and the sitemap. Empty: none are written.
    pub url: String,
    /// The path under which the site is served (`/` or `/docs/`). Every link
    /// tolk writes starts with it.
    pub base_path: String,
    /// Where review mode links a segment's source line: a URL with `{path}`
    /// (the file, from the folder of book.toml) and `{line}`, such as
    /// `https://github.com/org/docs/blob/main/{path}#L{line}`. Empty: review
    /// mode names the file and line without a link.
    pub source_url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Languages {
    /// The language the content is written in (the content locale).
    pub source: Lang,
    /// The folder with English sources that take precedence over the
    /// originals carried in the Dutch articles, relative to the root.
    pub english_src: PathBuf,
    /// Articles whose English original has another path: Dutch path →
    /// English path, both relative to their content folders with `.md`
    /// (`"partner-center/advanced-specializations-apply.md" =
    /// "partner-center/specializations-apply.md"`).
    pub renamed: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Links {
    /// Where links that leave the site resolve, with `{lang}` standing for the
    /// page's language (`https://learn.microsoft.com/{lang}/partner-center/`).
    /// Relative links that climb out of the content folder and root-relative
    /// links resolve against it. Empty: such links are kept as written.
    pub external_base: String,
    /// Root-relative links under this prefix (`/partner-center/`) point into
    /// this site: `/partner-center/request-credit#x` is the article
    /// `request-credit.md`.
    pub site_prefix: String,
}

/// What `tolk check` (and the build) treat as problems, and how severe.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Check {
    /// Front-matter keys every article must have.
    pub required_front_matter: Vec<String>,
    /// Severity by diagnostic code: `"error"`, `"warning"`, `"note"` or
    /// `"off"`, as Zola's link checker levels (`broken-link = "warning"`).
    pub severity: std::collections::BTreeMap<String, String>,
}

impl Default for Check {
    fn default() -> Self {
        Check {
            required_front_matter: vec!["title".into(), "ms.date".into()],
            severity: Default::default(),
        }
    }
}

impl Check {
    /// Applies the configured severities: changes levels, drops `off` codes.
    pub fn apply(&self, diagnostics: &mut Vec<crate::diagnostic::Diagnostic>) {
        if self.severity.is_empty() {
            return;
        }
        diagnostics.retain_mut(|d| match self.severity.get(d.code).map(String::as_str) {
            Some("off") => false,
            Some(level) => {
                if let Some(sev) = crate::diagnostic::Severity::parse(level) {
                    d.severity = sev;
                }
                true
            }
            None => true,
        });
    }
}

impl Default for Book {
    fn default() -> Self {
        Book {
            title: "Documentation".into(),
            description: String::new(),
            src: "content".into(),
            exclude: vec!["README.md".into()],
            title_en: String::new(),
        }
    }
}

impl Default for Build {
    fn default() -> Self {
        Build {
            build_dir: "site".into(),
            theme: "default".into(),
            extra_asset_types: Vec::new(),
        }
    }
}

impl Default for Site {
    fn default() -> Self {
        Site {
            url: String::new(),
            base_path: "/".into(),
            source_url: String::new(),
        }
    }
}

impl Default for Languages {
    fn default() -> Self {
        Languages {
            source: Lang::Nl,
            english_src: "content-en".into(),
            renamed: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    book: Book,
    build: Build,
    site: Site,
    languages: Languages,
    links: Links,
    check: Check,
    redirects: std::collections::BTreeMap<String, String>,
}

impl Config {
    /// Reads `book.toml` from `root`. A missing file is an error with a hint
    /// to run `tolk init`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(FILE_NAME);
        let cannot = |e: std::io::Error| {
            Diagnostic::error("config", format!("cannot read {}: {e}", path.display())).with_hint(
                format!(
                    "run `tolk init {}` to start a site there, or pass --root",
                    root.display()
                ),
            )
        };
        // Not waited on when it is a FIFO, not read forever from a device.
        let Some(file) = crate::content::open_regular(&path).map_err(cannot)? else {
            return Err(Diagnostic::error(
                "config",
                format!("{} is not a regular file", path.display()),
            )
            .with_hint("book.toml must be a file of TOML text: replace it with one"));
        };
        let text = std::io::read_to_string(file).map_err(cannot)?;
        Config::parse(root, &text)
    }

    /// Parses the text of a `book.toml` that lives in `root`.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Diagnostic> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            // toml's messages can run over lines ("invalid array\nexpected
            // `]`"): one line, as every diagnostic's head is.
            let message = e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(": ");
            let (code, hint) = if message.starts_with("unknown field") {
                ("unknown-config-key", "remove the key or correct its spelling; see the README for the keys book.toml takes")
            } else {
                ("config", "see the README for the keys book.toml takes")
            };
            Diagnostic::error(code, message)
                .at(Location::from_offset(FILE_NAME, text, span.start, span.len()))
                .with_hint(hint)
        })?;
        let mut site = raw.site;
        site.base_path = normalize_base_path(&site.base_path);
        for (code, level) in &raw.check.severity {
            // The key's own line (`link` is also in `[links]`).
            let key_at = |code: &str| {
                let mut at = 0;
                text.split_inclusive('\n')
                    .find_map(|line| {
                        let start = at;
                        at += line.len();
                        let rest = line.trim_start().strip_prefix(code)?;
                        rest.trim_start()
                            .starts_with('=')
                            .then(|| start + line.len() - line.trim_start().len())
                    })
                    .unwrap_or(0)
            };
            if crate::diagnostic::known_code(code).is_none() {
                // A misspelt code would silently keep its old severity.
                let at = key_at(code);
                let nearest = crate::diagnostic::CODES
                    .iter()
                    .map(|c| (strsim::damerau_levenshtein(code, c), *c))
                    .min()
                    .filter(|(d, _)| *d <= 3 || code.len() > 6 && *d <= code.len() / 3);
                let hint = match nearest {
                    Some((_, c)) => format!("did you mean `{c}`? a code is the word in brackets of a diagnostic, like `broken-link` in `warning[broken-link]`"),
                    None => "a code is the word in brackets of a diagnostic, like `broken-link` in `warning[broken-link]`; docs/ci.md lists them".to_string(),
                };
                return Err(Diagnostic::error(
                    "unknown-config-key",
                    format!("`{code}` under [check.severity] is not a code tolk reports"),
                )
                .at(Location::from_offset(FILE_NAME, text, at, code.len()))
                .with_hint(hint));
            }
            if level != "off" && crate::diagnostic::Severity::parse(level).is_none() {
                // The value on the key's line.
                let line = key_at(code);
                let at = text[line..].find(level.as_str()).map_or(line, |i| line + i);
                return Err(Diagnostic::error(
                    "config",
                    format!("`{code} = \"{level}\"` is not a severity"),
                )
                .at(Location::from_offset(FILE_NAME, text, at, level.len()))
                .with_hint("use \"error\", \"warning\", \"note\" or \"off\""));
            }
        }
        // A theme is a folder name under themes/: `../x` or `/etc` would
        // publish another folder's static/ files.
        let theme = &raw.build.theme;
        let mut parts = Path::new(theme).components();
        if !matches!(
            (parts.next(), parts.next()),
            (Some(std::path::Component::Normal(_)), None)
        ) || crate::content::is_ignored(theme)
        {
            let at = text.find(&format!("\"{theme}\"")).map_or(0, |i| i + 1);
            return Err(Diagnostic::error(
                "config",
                format!("`theme = \"{theme}\"` is not the name of a folder under themes/"),
            )
            .at(Location::from_offset(FILE_NAME, text, at, theme.len().max(1)))
            .with_hint("write the folder's name only, like `theme = \"mine\"` for themes/mine, or \"default\""));
        }
        Ok(Config {
            root: root.to_path_buf(),
            book: raw.book,
            build: raw.build,
            site,
            languages: raw.languages,
            links: raw.links,
            check: raw.check,
            redirects: raw.redirects,
        })
    }

    /// The absolute content folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.book.src)
    }

    /// The absolute folder of English sources.
    pub fn english_dir(&self) -> PathBuf {
        self.root.join(&self.languages.english_src)
    }

    /// The absolute output folder.
    pub fn build_dir(&self) -> PathBuf {
        self.root.join(&self.build.build_dir)
    }

    /// The folder of a site-local theme override, if the site has one.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.build.theme)
    }
}

/// `docs` → `/docs/`; empty → `/`.
pub fn normalize_base_path(p: &str) -> String {
    let trimmed = p.trim().trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::parse(Path::new("/r"), "").unwrap();
        assert_eq!(c.book.src, PathBuf::from("content"));
        assert_eq!(c.build.build_dir, PathBuf::from("site"));
        assert_eq!(c.site.base_path, "/");
        assert_eq!(c.languages.source, Lang::Nl);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::parse(
            Path::new("/r"),
            "[book]\ntitle = \"x\"\n\n[build]\nbuild_dir = \"out\"\n",
        )
        .unwrap_err();
        assert_eq!(err.code, "unknown-config-key");
        assert!(err.message.contains("build_dir"), "{}", err.message);
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (5, 1));
        assert_eq!(loc.file, PathBuf::from("book.toml"));
    }

    #[test]
    fn a_theme_is_a_folder_name_under_themes() {
        for bad in ["../x", "/etc", "a/b", "..", ".hidden", ""] {
            let e = Config::parse(Path::new("/r"), &format!("[build]\ntheme = \"{bad}\"\n"))
                .unwrap_err();
            assert_eq!(e.code, "config", "{bad}");
            assert_eq!(e.location.as_ref().map(|l| l.line), Some(2), "{bad}");
        }
        assert!(Config::parse(Path::new("/r"), "[build]\ntheme = \"mine\"\n").is_ok());
    }

    #[test]
    fn base_path_is_normalized() {
        assert_eq!(normalize_base_path("docs"), "/docs/");
        assert_eq!(normalize_base_path("/docs/"), "/docs/");
        assert_eq!(normalize_base_path(""), "/");
    }
}
