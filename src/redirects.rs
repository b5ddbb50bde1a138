//! Redirects: articles that were renamed or moved keep their old URLs.
//!
//! Two sources: a `[redirects]` table in `book.toml` (`"old.md" =
//! "new.md"`, as mdBook's `output.html.redirect`), and a DocFX
//! `.openpublishing.redirection.json` (`redirections`: `source_path`,
//! `redirect_url`) beside `book.toml` or in the content folder, its source
//! paths relative to its own folder. Each old path gets a page in both
//! languages (a meta refresh to the target in that language, a canonical
//! link, `noindex`; no script, so the CSP holds), and the site gets a
//! `_redirects` file (`/old/ /new/ 301`) for hosts that read one.
//! `tolk check` reports redirects to pages the site does not have, chains
//! (a redirect to an old path) and loops.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Location};
use crate::escape::escape_attr;
use crate::lang::Lang;
use crate::markdown::{self, LinkContext, LinkTarget};

/// The DocFX redirection file's name.
pub const DOCFX_FILE: &str = ".openpublishing.redirection.json";

/// One redirect: the old page path (`partner-center/old`), the target as
/// written, and where it was written.
#[derive(Debug, Clone)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub file: PathBuf,
    pub location: Location,
}

/// The page path of an old article path: `a/old.md` → `a/old`,
/// `a/index.yml` → `a`, with `.`, `..` and doubled or trailing slashes
/// folded and `\` read as `/`, as in links. `None` for a path that climbs
/// out of the content folder: its page would be written outside the site.
fn old_page(p: &str) -> Option<String> {
    let p = markdown::normalize_path(&p.trim().replace('\\', "/"))?;
    let p = p
        .strip_suffix(".md")
        .or_else(|| p.strip_suffix(".yml"))
        .unwrap_or(&p);
    Some(crate::content::page_path(&format!("{p}.md")))
}

/// [`old_page`] for comparing paths (a target's key); "" for one that
/// climbs out.
fn page_of(p: &str) -> String {
    old_page(p).unwrap_or_default()
}

/// `error[redirects]` for an old path that climbs out of the content folder.
fn climbs_out(from: &str, location: Location) -> Diagnostic {
    Diagnostic::error(
        "redirects",
        format!("the old path `{from}` climbs out of the content folder"),
    )
    .at(location)
    .with_hint("old paths are relative to the content folder (DocFX's file: to its own folder); remove the `..` that leads out")
}

/// `error[redirects]` for a target with a space or a control character
/// (`None` when it has none). A URL has neither, and `_redirects` is one
/// rule per line, fields apart by spaces: `"https://x/ 200!\n/* https://evil/ 200"`
/// written as it is would add a rule sending every URL of the site away.
fn unfit_target(from: &str, to: &str, location: Location) -> Option<Diagnostic> {
    let to = to.trim();
    let bad =
        (to.chars().find(|c| c.is_control())).or_else(|| to.chars().find(|c| c.is_whitespace()))?;
    Some(
        Diagnostic::error(
            "redirects",
            format!(
                "the redirect of `{from}` leads to a URL with {} in it: `{to}`",
                match bad {
                    '\n' | '\r' => "a line break",
                    '\t' => "a tab",
                    c if c.is_control() => "a control character",
                    _ => "a space",
                }
            ),
        )
        .at(location)
        .with_hint(
            "a URL has no spaces or line breaks: write a space as %20; the redirect is left out",
        ),
    )
}

/// Reads the redirects of a site: `[redirects]` and the DocFX file.
pub fn load(config: &Config) -> (Vec<Redirect>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let book = config.root.join(crate::config::FILE_NAME);
    let book_text = std::fs::read_to_string(&book).unwrap_or_default();
    for (from, to) in &config.redirects {
        let at = book_text.find(from.as_str()).unwrap_or(0);
        let location = Location::from_offset(crate::config::FILE_NAME, &book_text, at, from.len());
        let Some(page) = old_page(from) else {
            diags.push(climbs_out(from, location));
            continue;
        };
        if let Some(d) = unfit_target(from, to, location.clone()) {
            diags.push(d);
            continue;
        }
        out.push(Redirect {
            from: page,
            to: to.clone(),
            file: book.clone(),
            location,
        });
    }
    for (dir, name) in [
        (config.root.clone(), "the project folder"),
        (config.content_dir(), "the content folder"),
    ] {
        let path = dir.join(DOCFX_FILE);
        let shown = path
            .strip_prefix(&config.root)
            .unwrap_or(&path)
            .to_path_buf();
        // Sent by a contributor like any content file: never read through
        // a link out of its folder, nor from a FIFO or a device.
        let bound = crate::content::Bound::new(&dir, &config.root, name);
        let text = match crate::content::read_alone(&path, &shown, &bound) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        // Source paths are relative to the file's folder; pages to the
        // content folder.
        let prefix = relative_prefix(&dir, &config.content_dir());
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => {
                let list = v.get("redirections").and_then(|r| r.as_array());
                for r in list.into_iter().flatten() {
                    let (Some(from), Some(to)) = (
                        r.get("source_path").and_then(|s| s.as_str()),
                        r.get("redirect_url").and_then(|s| s.as_str()),
                    ) else {
                        continue;
                    };
                    let Some(from) = from.strip_prefix(prefix.as_str()) else {
                        continue;
                    };
                    let at = text.find(from).unwrap_or(0);
                    let location = Location::from_offset(&shown, &text, at, from.len());
                    let Some(page) = old_page(from) else {
                        diags.push(climbs_out(from, location));
                        continue;
                    };
                    if let Some(d) = unfit_target(from, to, location.clone()) {
                        diags.push(d);
                        continue;
                    }
                    out.push(Redirect {
                        from: page,
                        to: to.to_string(),
                        file: path.clone(),
                        location,
                    });
                }
            }
            Err(e) => diags.push(
                Diagnostic::error("redirects", format!("{DOCFX_FILE} is not valid JSON: {e}"))
                    .at(Location::from_line_col(&shown, &text, e.line(), e.column(), 1))
                    .with_hint("fix the JSON; each entry is {\"source_path\": \"old.md\", \"redirect_url\": \"/new\"}"),
            ),
        }
        break;
    }
    (out, diags)
}

/// What to strip from a path relative to `dir` to make it relative to
/// `content` (`partner-center/` when the file is one folder up).
fn relative_prefix(dir: &Path, content: &Path) -> String {
    match content.strip_prefix(dir) {
        Ok(rest) if !rest.as_os_str().is_empty() => {
            format!("{}/", rest.to_string_lossy().trim_end_matches('/'))
        }
        _ => String::new(),
    }
}

/// Where a redirect leads in `lang`: a page URL or a URL outside the site.
fn target(links: &LinkContext, r: &Redirect, lang: Lang) -> LinkTarget {
    let to = r.to.trim();
    // A bare `new.md` is content-relative, as the old path is.
    markdown::resolve(links, "index.md", to, lang)
}

/// The page key a redirect leads to, when it leads into the site (or
/// means to: a `.md` path, or a root-relative path under one of the site's
/// top folders); `None` for a URL outside.
fn key_of(links: &LinkContext, r: &Redirect) -> Option<String> {
    let to = r.to.trim();
    match target(links, r, Lang::Nl) {
        LinkTarget::Page { path, .. } => Some(path),
        LinkTarget::Missing { .. } => Some(page_of(to)),
        LinkTarget::External { guessed: true, .. } => {
            let key = page_of(to.split(['#', '?']).next().unwrap_or(to));
            let top = key.split('/').next().unwrap_or("");
            let ours = to.to_ascii_lowercase().ends_with(".md") || links.pages.has_top_folder(top);
            ours.then_some(key)
        }
        _ => None,
    }
}

/// `tolk check`'s findings: targets the site does not have, chains, loops,
/// and an old path that is still an article.
pub fn check(redirects: &[Redirect], links: &LinkContext, content: &Path) -> Vec<Diagnostic> {
    // A YAML page (FAQ, landing) that tolk does not build yet.
    let yaml_page = |key: &str| {
        content.join(format!("{key}.yml")).is_file()
            || content.join(key).join("index.yml").is_file()
    };
    let mut out = Vec::new();
    let by_from: std::collections::HashMap<&str, &Redirect> =
        redirects.iter().map(|r| (r.from.as_str(), r)).collect();
    for r in redirects {
        if links.pages.contains(&r.from) {
            out.push(
                Diagnostic::warning(
                    "redirect-shadowed",
                    format!(
                        "`{}` redirects, but the site still has an article there; the article wins",
                        r.from
                    ),
                )
                .at(r.location.clone())
                .with_hint("remove the redirect, or the old article"),
            );
            continue;
        }
        if let LinkTarget::Unsafe { href } = target(links, r, Lang::Nl) {
            out.push(
                Diagnostic::error(
                    "unsafe-link",
                    format!(
                        "`{}` redirects to `{href}`, a script or data URL; its pages lead nowhere (`#`)",
                        r.from
                    ),
                )
                .at(r.location.clone())
                .with_hint("point it at an article or an https:// URL"),
            );
            continue;
        }
        let Some(first) = key_of(links, r) else {
            continue;
        };
        if by_from.contains_key(first.as_str()) && !links.pages.contains(&first) {
            let mut seen = vec![r.from.clone()];
            let mut next = Some(first);
            let mut looped = false;
            while let Some(n) = next.take() {
                if seen.contains(&n) {
                    looped = true;
                    seen.push(n);
                    break;
                }
                seen.push(n.clone());
                next = by_from
                    .get(n.as_str())
                    .filter(|_| !links.pages.contains(&n))
                    .and_then(|m| key_of(links, m));
            }
            out.push(
                Diagnostic::error(
                    if looped {
                        "redirect-loop"
                    } else {
                        "redirect-chain"
                    },
                    format!(
                        "`{}` redirects {}: {}",
                        r.from,
                        if looped {
                            "in a loop"
                        } else {
                            "to another redirect"
                        },
                        seen.join(" → ")
                    ),
                )
                .at(r.location.clone())
                .with_hint(if looped {
                    "point one of them at an article"
                } else {
                    "point the redirect at the article where the chain ends"
                }),
            );
        } else if yaml_page(&first) && !links.pages.contains(&first) {
            // FAQ, landing and hub pages are built (`yaml_pages`); other
            // kinds of YAML page are not.
            out.push(
                Diagnostic::warning("redirect-to-yaml", format!("`{}` redirects to `{}`, a YAML page of a kind tolk does not build (it builds `YamlMime:FAQ`, `Landing` and `Hub`); the redirect leads to a missing page", r.from, r.to))
                    .at(r.location.clone())
                    .with_hint("point it at an article, or at the page's published https:// URL"),
            );
        } else if !links.pages.contains(&first) {
            out.push(
                Diagnostic::error(
                    "redirect-missing",
                    format!(
                        "`{}` redirects to `{}`, which is not an article of this site",
                        r.from, r.to
                    ),
                )
                .at(r.location.clone())
                .with_hint("point it at an existing article, or at a full https:// URL"),
            );
        }
    }
    out
}

/// `s` as one field of a `_redirects` rule: a space or control character
/// (none reaches here from `load`, which refuses them) is percent-encoded,
/// so a field can never end early or start a line of its own.
fn rule_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The files a build writes for the redirects: a page per old path and
/// language, and `_redirects`. Paths are site-relative.
pub fn files(redirects: &[Redirect], links: &LinkContext) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = String::new();
    for r in redirects {
        if links.pages.contains(&r.from) || r.from.is_empty() {
            continue;
        }
        for lang in Lang::ALL {
            let url = target(links, r, lang).url(links, lang);
            let from_url = markdown::page_url(&links.base_path, lang, &r.from);
            let u = escape_attr(&url);
            out.push((
                format!("{}/{}/index.html", lang.code(), r.from),
                format!(
                    "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{u}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{u}\">\n<meta http-equiv=\"refresh\" content=\"0; url={u}\">\n</head>\n<body>\n<p><a href=\"{u}\">{u}</a></p>\n</body>\n</html>\n",
                    lang.code()
                ),
            ));
            lines.push_str(&format!(
                "{} {} 301\n",
                rule_field(&from_url),
                rule_field(&url)
            ));
        }
    }
    if !lines.is_empty() {
        out.push(("_redirects".to_string(), lines));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No field of a rule ends early or starts a line of its own, whatever
    /// reaches `files` (a second guard behind `load`'s refusal).
    #[test]
    fn a_rule_field_has_no_space_or_line_break() {
        assert_eq!(rule_field("/nl-nl/a/"), "/nl-nl/a/");
        assert_eq!(rule_field("a b\nc\r\u{85}é"), "a%20b%0Ac%0D%C2%85é");
    }
}
