//! Links: where a link written in an article leads, and the URL to write.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{LinkContext, LinkTarget};
use crate::escape::is_safe_url;
use crate::lang::Lang;

/// The site's page paths, and the same by their ASCII-lowercased form: a
/// link that differs from a page only in letter case finds it in one
/// lookup. (It was a scan of every page for each link the site has no
/// page for, such as a rooted link to another docset: work that grew
/// with the site for every such link.) Shared, not copied, by the
/// contexts the two languages render with.
#[derive(Debug, Clone, Default)]
pub struct PageSet(Arc<Pages>);

#[derive(Debug, Default)]
struct Pages {
    exact: HashSet<String>,
    /// Lowercased path → the first (in sort order, so the same page
    /// whatever order the set was built in) of the pages with a capital
    /// that fold to it. A page without capitals is its own folded form
    /// and is found in `exact`; it sorts after any page with capitals
    /// that folds alike.
    folded: HashMap<String, String>,
    /// The first folder of every page in a folder (`a` of `a/b/c`).
    top_folders: HashSet<String>,
}

impl PageSet {
    pub fn contains(&self, page: &str) -> bool {
        self.0.exact.contains(page)
    }

    /// The page `page` names with its letter case ignored (ASCII only).
    pub fn find_ignoring_case(&self, page: &str) -> Option<&String> {
        let key = page.to_ascii_lowercase();
        self.0.folded.get(&key).or_else(|| self.0.exact.get(&key))
    }

    /// Does a page lie in the top folder `top` (`a` for `a/b`)?
    pub fn has_top_folder(&self, top: &str) -> bool {
        self.0.top_folders.contains(top)
    }

    pub fn len(&self) -> usize {
        self.0.exact.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.exact.is_empty()
    }
}

impl FromIterator<String> for PageSet {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut pages = Pages::default();
        for page in iter {
            let key = page.to_ascii_lowercase();
            match pages.folded.get_mut(&key) {
                _ if key == page => {}
                Some(first) if *first <= page => {}
                Some(first) => first.clone_from(&page),
                None => {
                    pages.folded.insert(key, page.clone());
                }
            }
            if let Some((top, _)) = page.split_once('/') {
                if !pages.top_folders.contains(top) {
                    pages.top_folders.insert(top.to_string());
                }
            }
            pages.exact.insert(page);
        }
        PageSet(Arc::new(pages))
    }
}

impl LinkTarget {
    /// The URL to write in a page of language `lang`.
    pub fn url(&self, ctx: &LinkContext, lang: Lang) -> String {
        match self {
            LinkTarget::Page {
                path,
                anchor,
                query,
                ..
            } => {
                let mut u = page_url(&ctx.base_path, lang, path);
                if let Some(q) = query {
                    u.push('?');
                    u.push_str(q);
                }
                if let Some(a) = anchor {
                    u.push('#');
                    u.push_str(a);
                }
                u
            }
            LinkTarget::SamePage { anchor } => format!("#{anchor}"),
            LinkTarget::Asset { rel, suffix } if ctx.en_assets.contains(rel) => {
                format!("{}en/{}{suffix}", ctx.base_path, encode_path(rel))
            }
            LinkTarget::Asset { rel, suffix } => {
                format!("{}{}{suffix}", ctx.base_path, encode_path(rel))
            }
            LinkTarget::External { url, .. } => url.clone(),
            LinkTarget::Missing { path } => path.clone(),
            LinkTarget::Unsafe { .. } => "#".to_string(),
        }
    }
}

/// The URL of a page: `/base/nl-nl/request-credit/`.
pub fn page_url(base: &str, lang: Lang, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len() + 8);
    url.push_str(base);
    url.push_str(lang.code());
    url.push('/');
    if !path.is_empty() {
        push_encoded_path(&mut url, path);
        url.push('/');
    }
    url
}

/// Percent-encodes what may not stand in a URL path (spaces, quotes, non-ASCII).
pub fn encode_path(p: &str) -> String {
    let mut s = String::with_capacity(p.len());
    push_encoded_path(&mut s, p);
    s
}

/// Bytes that stand in a URL path as they are (RFC 3986 `pchar` and `/`,
/// less `'`, which would end a single-quoted attribute, and `%`: paths here
/// are file names, so a `%` in one is a character, never an escape, and
/// `x%2F..%2Fy.md` must not become the URL of `x/../y`).
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'/'
                | b'!'
                | b'$'
                | b'&'
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
        )
}

fn push_encoded_path(out: &mut String, p: &str) {
    if p.bytes().all(is_path_byte) {
        out.push_str(p);
        return;
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in p.bytes() {
        if is_path_byte(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// The language code that public docs sites use in their URLs.
fn external_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "nl-nl",
        Lang::En => "en-us",
    }
}

/// Has the string a URL scheme (`https:`, `mailto:`)?
fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => s[..i]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'),
        _ => false,
    }
}

/// Resolves a link written in the source file `from` (content-relative,
/// `a/b.md`).
pub fn resolve(ctx: &LinkContext, from: &str, href: &str, lang: Lang) -> LinkTarget {
    let href = href.trim();
    if let Some(anchor) = href.strip_prefix('#') {
        return LinkTarget::SamePage {
            anchor: anchor.to_string(),
        };
    }
    if has_scheme(href) || href.starts_with("//") {
        if !is_safe_url(href) {
            return LinkTarget::Unsafe {
                href: href.to_string(),
            };
        }
        return LinkTarget::External {
            url: href.to_string(),
            guessed: false,
        };
    }
    // `..\\a.md` is how Windows writes `../a.md`; docfx follows it.
    let slashed;
    let (href, mut respelled) = if href.contains('\\') {
        slashed = href.replace('\\', "/");
        (slashed.as_str(), true)
    } else {
        (href, false)
    };
    let (path_part, anchor) = match href.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (href, None),
    };
    let (path_part, query) = match path_part.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (path_part, None),
    };
    let suffix = href[path_part.len()..].to_string();
    // A page of the site by its key, or by a key that differs only in
    // letter case (respelled).
    let find = |page: String, respelled: &mut bool| -> Option<String> {
        if ctx.pages.contains(&page) {
            return Some(page);
        }
        let found = ctx.pages.find_ignoring_case(&page)?;
        *respelled = true;
        Some(found.clone())
    };
    // `my%20file.md` is how CommonMark writes a link to `my file.md`.
    let decoded = percent_decode(path_part);
    let path_part = decoded.as_str();
    let external = ctx.external_base.replace("{lang}", external_lang(lang));
    if let Some(rooted) = path_part.strip_prefix('/') {
        let prefix = ctx.site_prefix.trim_matches('/');
        if !prefix.is_empty() {
            if let Some(rest) = rooted
                .strip_prefix(prefix)
                .filter(|r| r.is_empty() || r.starts_with('/'))
            {
                if let Some(path) = find(page_key(rest.trim_matches('/')), &mut respelled) {
                    return LinkTarget::Page {
                        path,
                        anchor,
                        query,
                        respelled,
                    };
                }
            }
        }
        if external.is_empty() {
            return LinkTarget::External {
                url: href.to_string(),
                guessed: false,
            };
        }
        return LinkTarget::External {
            url: format!("{}{}", origin_with_lang(&external), href),
            guessed: true,
        };
    }
    // A relative link: resolve against the article's folder.
    let from_dir = match from.rfind('/') {
        Some(i) => &from[..i],
        None => "",
    };
    let dir_of_source = from_dir;
    let joined = if dir_of_source.is_empty() {
        path_part.to_string()
    } else {
        format!("{dir_of_source}/{path_part}")
    };
    let Some(normal) = normalize_path(&joined) else {
        // Climbs out of the content folder.
        if external.is_empty() {
            return LinkTarget::External {
                url: href.to_string(),
                guessed: false,
            };
        }
        let mut url = join_url(
            &external,
            &format!("{dir_of_source}/{}", strip_md(path_part)),
        );
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(&a);
        }
        return LinkTarget::External { url, guessed: true };
    };
    let lower = normal.to_ascii_lowercase();
    if lower.ends_with(".md")
        || lower.ends_with(".yml")
        || normal.is_empty()
        || path_part.ends_with('/')
    {
        if let Some(path) = find(page_key(&normal), &mut respelled) {
            return LinkTarget::Page {
                path,
                anchor,
                query,
                respelled,
            };
        }
        if !external.is_empty() {
            let mut url = format!("{}{}", external, strip_md(&normal));
            if let Some(a) = anchor {
                url.push('#');
                url.push_str(&a);
            }
            return LinkTarget::External { url, guessed: true };
        }
        return LinkTarget::Missing {
            path: href.to_string(),
        };
    }
    let page = page_key(&normal);
    if ctx.pages.contains(&page) {
        return LinkTarget::Page {
            path: page,
            anchor,
            query,
            respelled,
        };
    }
    // Assets are known by their NFC paths (`content::walk`).
    LinkTarget::Asset {
        suffix,
        rel: crate::content::nfc(&normal).into_owned(),
    }
}

/// Decodes `%XX` escapes (invalid ones stay as written).
pub(super) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a/b.md` → `a/b`, `a/index.md` → `a`.
fn page_key(p: &str) -> String {
    crate::content::page_path(p.trim_end_matches('/'))
}

fn strip_md(p: &str) -> &str {
    p.strip_suffix(".md")
        .or_else(|| p.strip_suffix(".yml"))
        .unwrap_or(p)
}

/// Folds `.` and `..`; `None` when the path climbs above its root.
pub fn normalize_path(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Joins a relative path onto a base URL that ends with `/`, folding `..`
/// against the base's own path, but never above its origin and locale
/// (`https://learn.microsoft.com/nl-nl`): a link that climbs out stays on the
/// docs site in the same language.
fn join_url(base: &str, rel: &str) -> String {
    let root = origin_with_lang(base);
    let path = base.strip_prefix(root.as_str()).unwrap_or("");
    let mut parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("{root}/{}", parts.join("/"))
}

/// `https://learn.microsoft.com/nl-nl/partner-center/` → `https://learn.microsoft.com/nl-nl`:
/// root-relative links on the docs site are relative to the locale.
fn origin_with_lang(external: &str) -> String {
    let Some(scheme_end) = external.find("://") else {
        return external.trim_end_matches('/').to_string();
    };
    let after = &external[scheme_end + 3..];
    let host_end = after
        .find('/')
        .map_or(external.len(), |i| scheme_end + 3 + i);
    let origin = &external[..host_end];
    let first_segment = external[host_end..]
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    if Lang::parse(first_segment).is_some() {
        format!("{origin}/{first_segment}")
    } else {
        origin.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link that differs from a page only in letter case reaches it,
    /// the same page whatever order the pages came in when two fold alike.
    #[test]
    fn links_find_pages_whatever_their_case() {
        let ctx = |pages: &[&str]| LinkContext {
            pages: pages.iter().map(|p| p.to_string()).collect(),
            base_path: "/".into(),
            ..Default::default()
        };
        let target = |ctx: &LinkContext, href: &str| resolve(ctx, "a/from.md", href, Lang::Nl);
        let one = ctx(&["a/Request-Credit", "a/other"]);
        assert_eq!(
            target(&one, "request-credit.md"),
            LinkTarget::Page {
                path: "a/Request-Credit".into(),
                anchor: None,
                query: None,
                respelled: true
            }
        );
        assert!(matches!(
            target(&one, "Other.md#x"),
            LinkTarget::Page { ref path, respelled: true, .. } if path == "a/other"
        ));
        assert!(matches!(
            target(&one, "missing.md"),
            LinkTarget::Missing { .. }
        ));
        assert!(one.pages.has_top_folder("a") && !one.pages.has_top_folder("a/other"));
        for order in [
            ["a/Bx", "a/bX"],
            ["a/bX", "a/Bx"],
            ["a/bx", "a/Bx"],
            ["a/Bx", "a/bx"],
        ] {
            let two = ctx(&order);
            let exact = order[1 - usize::from(order[0] == "a/Bx")];
            assert!(matches!(
                target(&two, &format!("{}.md", &exact[2..])),
                LinkTarget::Page { ref path, respelled: false, .. } if path == exact
            ));
            assert!(
                matches!(
                    target(&two, "BX.md"),
                    LinkTarget::Page { ref path, respelled: true, .. } if path == "a/Bx"
                ),
                "{order:?}"
            );
        }
    }

    /// The URL encoder keeps exactly RFC 3986's path characters less `'`
    /// and writes everything else as `%XX`, byte by byte.
    #[test]
    fn encode_path_keeps_path_characters_and_escapes_the_rest() {
        use proptest::prelude::*;
        fn reference(p: &str) -> String {
            let mut s = String::new();
            for b in p.bytes() {
                if b.is_ascii_alphanumeric() || (b"-._~/!$&()*+,;=:@".contains(&b)) {
                    s.push(char::from(b));
                } else {
                    s.push_str(&format!("%{b:02X}"));
                }
            }
            s
        }
        assert_eq!(encode_path("a b/é'\"x"), "a%20b/%C3%A9%27%22x");
        assert_eq!(page_url("/docs/", Lang::En, "a b"), "/docs/en/a%20b/");
        assert_eq!(page_url("/", Lang::Nl, ""), "/nl-nl/");
        assert_eq!(
            page_url("/", Lang::Nl, "x%2F..%2Fy"),
            "/nl-nl/x%252F..%252Fy/"
        );
        proptest!(ProptestConfig::with_cases(512), |(p in "\\PC{0,40}")| {
            prop_assert_eq!(encode_path(&p), reference(&p));
        });
    }
}
