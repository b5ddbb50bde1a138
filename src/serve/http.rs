//! The preview server's HTTP side: turning a request URL into a file of the
//! built site (or a 404, never a file outside it), and answering with the
//! headers a browser needs to show fresh pages.
//!
//! Everything here runs on the request workers. Nothing in this module may
//! panic on what a client sends: a bad URL is a 404, a bad method a 405.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response};

use super::reload;

/// The URL prefix the server keeps for itself. No page of a site can live
/// there: requests under it never reach the file system.
pub const PREFIX: &str = "/__tolk/";
/// The live-reload script.
pub const SCRIPT_URL: &str = "/__tolk/livereload.js";
/// The shared worker that holds one event stream for all of a browser's tabs.
pub const WORKER_URL: &str = "/__tolk/livereload-worker.js";
/// The server-sent-events stream the script listens to.
pub const EVENTS_URL: &str = "/__tolk/events";

/// The scripts themselves, embedded so the server needs no files of its own.
const SCRIPT: &str = include_str!("livereload.js");
const WORKER: &str = include_str!("livereload-worker.js");

/// What the workers need to answer a request.
pub struct Ctx {
    /// The site folder, canonical (symlinks resolved), so that a resolved
    /// request path can be checked to lie under it by a prefix comparison.
    pub site: PathBuf,
    /// Where event-stream connections are handed over.
    pub events: reload::Broadcaster,
    /// Names this run of the server (see [`stamp`]).
    pub server: String,
    /// The build whose files the site folder holds (0: none yet).
    pub good: Arc<AtomicU64>,
    /// The `Host` values this server answers (DNS rebinding).
    pub hosts: Hosts,
}

/// The `Host` (and `Origin`) values the preview answers: those naming the
/// address it is bound to. A page on `rebind.example` whose name was made
/// to resolve to 127.0.0.1 sends `Host: rebind.example:P`, and gets 403:
/// it can read neither drafts nor the event stream (which carries file
/// paths and source lines).
#[derive(Debug, Clone)]
pub struct Hosts {
    /// Lower-case `name:port` values: `127.0.0.1:P`, `localhost:P`,
    /// `[::1]:P`, the bound address; on port 80 also without the port.
    names: Vec<String>,
    port: u16,
    /// Bound to all addresses (`--bind 0.0.0.0` or `::`): any IP literal
    /// with the port is this machine (an IP literal cannot be rebound).
    any_ip: bool,
}

impl Hosts {
    pub fn new(bound: std::net::SocketAddr) -> Hosts {
        let port = bound.port();
        let mut names = Vec::new();
        let ip = match bound.ip() {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        };
        for host in ["127.0.0.1", "localhost", "[::1]", ip.as_str()] {
            names.push(format!("{host}:{port}"));
            if port == 80 {
                names.push(host.to_string());
            }
        }
        Hosts {
            names,
            port,
            any_ip: bound.ip().is_unspecified(),
        }
    }

    /// Does this `Host` header value name this server?
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        if self.names.contains(&host) {
            return true;
        }
        self.any_ip
            && host
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|a| a.port() == self.port)
    }

    /// Does this `Origin` header value name this server (a page it served)?
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin
            .trim()
            .strip_prefix("http://")
            .is_some_and(|host| self.allows(host))
    }

    /// The values to name in a refusal.
    fn expected(&self) -> String {
        format!("127.0.0.1:{p}, localhost:{p} or [::1]:{p}", p = self.port)
    }
}

/// Refuses a request whose `Host` does not name this server, or an
/// event-stream request from another origin, with 403 and one line that
/// says why; one with two `Host` or two `Origin` headers with 400 (RFC
/// 9112: the first of two was taken, so `Host: 127.0.0.1:P` followed by
/// `Host: evil.example` passed). Returns the request when it may be
/// answered.
fn check_host(request: Request, ctx: &Ctx, events: bool) -> Option<Request> {
    let values = |name: &'static str| -> Vec<String> {
        request
            .headers()
            .iter()
            .filter(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
            .collect()
    };
    let (hosts, origins) = (values("Host"), values("Origin"));
    let twice = [("Host", &hosts), ("Origin", &origins)]
        .into_iter()
        .find(|(_, v)| v.len() > 1);
    if let Some((name, _)) = twice {
        let resp = Response::from_string(format!(
            "400 Bad Request: the request has more than one {name} header\n"
        ))
        .with_status_code(400);
        let resp = with_headers(
            resp,
            &[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Cache-Control", "no-store"),
            ],
        );
        let _ = request.respond(resp);
        return None;
    }
    let header = |name: &'static str| {
        if name == "Host" {
            hosts.first().cloned()
        } else {
            origins.first().cloned()
        }
    };
    let why = match header("Host") {
        None => Some("the request has no Host header".to_string()),
        Some(h) if !ctx.hosts.allows(&h) => Some(format!(
            "tolk serve answers only requests for {} (DNS rebinding protection)",
            ctx.hosts.expected()
        )),
        Some(_) => match header("Origin") {
            Some(o) if events && !ctx.hosts.allows_origin(&o) => Some(
                "the live-reload stream is only for pages of this server (another Origin asked)"
                    .to_string(),
            ),
            _ => None,
        },
    };
    let Some(why) = why else {
        return Some(request);
    };
    let resp = Response::from_string(format!("403 Forbidden: {why}\n")).with_status_code(403);
    let resp = with_headers(
        resp,
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
    );
    let _ = request.respond(resp);
    None
}

/// Where a request URL leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file inside the site folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here, so that
    /// relative links in its `index.html` resolve against the folder.
    Redirect(String),
    NotFound,
}

/// Answers one request. Errors writing to the client (it went away) are
/// ignored: there is nobody left to tell.
pub fn handle(request: Request, ctx: &Ctx) {
    let events = request.url().split(['?', '#']).next() == Some(EVENTS_URL);
    let Some(request) = check_host(request, ctx, events) else {
        return;
    };
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let resp = Response::from_string("405 Method Not Allowed: the preview server only reads\n")
            .with_status_code(405);
        let resp = with_headers(
            resp,
            &[
                ("Allow", "GET, HEAD"),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
        );
        let _ = request.respond(resp);
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path.starts_with(PREFIX) {
        match path {
            SCRIPT_URL | WORKER_URL => {
                let script = if path == SCRIPT_URL { SCRIPT } else { WORKER };
                let etag = etag(script.as_bytes());
                send_bytes(
                    request,
                    script.as_bytes().to_vec(),
                    "text/javascript; charset=utf-8",
                    &etag,
                );
            }
            EVENTS_URL if method == Method::Get => ctx.events.subscribe(request),
            _ => not_found(request, ctx, path),
        }
        return;
    }
    // Read before the file: the file is then at least this new.
    let build = ctx.good.load(Ordering::SeqCst);
    match resolve(&ctx.site, &url) {
        Resolved::File(file) => match fs::read(&file) {
            Ok(bytes) => {
                let kind = content_type(&file);
                let bytes = if kind.starts_with("text/html") {
                    stamp(bytes, &ctx.server, build)
                } else {
                    bytes
                };
                let etag = etag(&bytes);
                send_bytes(request, bytes, kind, &etag);
            }
            // Removed between resolving and reading (a rebuild swapped the
            // folder): as good as missing.
            Err(_) => not_found(request, ctx, path),
        },
        Resolved::Redirect(location) => {
            let resp =
                Response::from_string(format!("Moved to {location}\n")).with_status_code(301);
            let resp = with_headers(
                resp,
                &[
                    ("Location", &location),
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Cache-Control", "no-cache"),
                ],
            );
            let _ = request.respond(resp);
        }
        Resolved::NotFound => not_found(request, ctx, path),
    }
}

/// Sends a file's bytes, or 304 when the client's `If-None-Match` already
/// names this version.
///
/// Every response says `Cache-Control: no-cache`: the browser may keep a
/// copy but must ask again each time, and the ETag makes asking cheap. A
/// preview that shows a stale page after a rebuild is worse than useless.
fn send_bytes(request: Request, bytes: Vec<u8>, content_type: &str, etag: &str) {
    let fresh = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .any(|h| etag_matches(h.value.as_str(), etag));
    let common = [
        ("ETag", etag),
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", crate::render::CSP_HEADER),
    ];
    if fresh {
        let resp = with_headers(Response::empty(304), &common);
        let _ = request.respond(resp);
        return;
    }
    let resp = with_headers(Response::from_data(bytes), &common);
    let resp = with_headers(resp, &[("Content-Type", content_type)]);
    let _ = request.respond(resp);
}

/// Answers 404 with the site's own 404 page (the English one under `/en/`),
/// so a writer sees the theme's page with its navigation. Before the first
/// good build there is no site yet: then a placeholder page that carries the
/// live-reload script answers 503, so the error overlay still shows and the
/// page reloads by itself once the site builds.
fn not_found(request: Request, ctx: &Ctx, path: &str) {
    let build = ctx.good.load(Ordering::SeqCst);
    let page = if path.starts_with("/en/") || path == "/en" {
        ctx.site.join("en").join("404.html")
    } else {
        ctx.site.join("404.html")
    };
    let (status, body) = match fs::read(&page) {
        Ok(bytes) => (404, bytes),
        Err(_) if !ctx.site.join(crate::output::MARKER).is_file() => (
            503,
            format!(
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tolk serve</title></head>\
                 <body><p>tolk serve: the site has not been built yet. This page reloads when it is.</p>\
                 {}</body></html>\n",
                super::inject()
            )
            .into_bytes(),
        ),
        Err(_) => (404, b"<!DOCTYPE html><title>404</title><p>404 Not Found</p>\n".to_vec()),
    };
    let body = stamp(body, &ctx.server, build);
    let resp = Response::from_data(body).with_status_code(status);
    let resp = with_headers(
        resp,
        &[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("Content-Security-Policy", crate::render::CSP_HEADER),
        ],
    );
    let _ = request.respond(resp);
}

/// Tells a page which build it comes from, by adding `data-server` and
/// `data-build` to its live-reload script tag (the last one, which is the
/// injected one: a writer's own text reaches the page escaped).
///
/// A page fetched just before a rebuild whose event stream connects just
/// after it would otherwise miss the reload and show stale text until the
/// next save; with the stamp, the stream's `hello` (which names the current
/// build) tells the page it is behind. The ETag is computed over the stamped
/// bytes, so a 304 can never hand back a page with an older stamp.
pub fn stamp(html: Vec<u8>, server: &str, build: u64) -> Vec<u8> {
    let tag = super::inject();
    let needle = tag
        .strip_suffix(" defer></script>")
        .unwrap_or(&tag)
        .as_bytes();
    let Some(at) = html.windows(needle.len()).rposition(|w| w == needle) else {
        return html;
    };
    let end = at + needle.len();
    let mut out = Vec::with_capacity(html.len() + 64);
    out.extend_from_slice(&html[..end]);
    // Server ids are `<pid>-<hex>`: nothing to escape.
    out.extend_from_slice(format!(" data-server=\"{server}\" data-build=\"{build}\"").as_bytes());
    out.extend_from_slice(&html[end..]);
    out
}

/// Adds headers; a value that is not a valid header (it cannot happen for
/// the values built here, but they pass through a fallible constructor) is
/// left out rather than panicking. Always sends `Content-Length` (no
/// chunking), so that `HEAD` tells the size of the page.
fn with_headers<R: std::io::Read>(mut resp: Response<R>, headers: &[(&str, &str)]) -> Response<R> {
    for (name, value) in headers {
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            resp.add_header(h);
        }
    }
    resp.with_chunked_threshold(usize::MAX)
}

/// A strong ETag from the content: FNV-1a and the length. The same bytes give
/// the same tag across rebuilds, so an unchanged page stays cached even
/// though the rebuild wrote it anew.
pub fn etag(bytes: &[u8]) -> String {
    format!(
        "\"{:016x}-{:x}\"",
        crate::render::content_hash(bytes),
        bytes.len()
    )
}

/// Whether an `If-None-Match` header value names `etag` (a list of tags,
/// possibly weak, or `*`).
fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// Maps a URL to a file of the site folder `root` (which must be canonical).
///
/// The URL is split into segments and each one percent-decoded on its own,
/// so an encoded slash or backslash stays inside its segment, where it is
/// refused. Refused outright: `.` and `..` (plain or encoded), segments
/// starting with a dot (the site's marker file, editors' leftovers), empty
/// segments (`//etc/passwd`), NUL, `:` (Windows drive letters and streams),
/// bad percent escapes and non-UTF-8. What remains is joined to the root and
/// canonicalized, and the result must still lie under the root: that catches
/// symlinks that point out of the site, whatever the URL looked like.
pub fn resolve(root: &Path, url: &str) -> Resolved {
    let (without_fragment, _) = url.split_once('#').unwrap_or((url, ""));
    let (path, query) = match without_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (without_fragment, None),
    };
    let Some(rest) = path.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let mut file = root.to_path_buf();
    for (i, raw) in parts.iter().enumerate() {
        if raw.is_empty() {
            if i + 1 == parts.len() {
                break; // the trailing slash of a folder, or the root itself
            }
            return Resolved::NotFound;
        }
        let Some(seg) = percent_decode(raw) else {
            return Resolved::NotFound;
        };
        if seg.starts_with('.') || seg.contains(['/', '\\', '\0', ':']) {
            return Resolved::NotFound;
        }
        file.push(seg);
    }
    let Ok(canon) = fs::canonicalize(&file) else {
        return Resolved::NotFound;
    };
    if !canon.starts_with(root) {
        return Resolved::NotFound;
    }
    let Ok(meta) = fs::metadata(&canon) else {
        return Resolved::NotFound;
    };
    let wants_folder = path.ends_with('/');
    if meta.is_dir() {
        if !wants_folder {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            return Resolved::Redirect(format!("{path}/{query}"));
        }
        match fs::canonicalize(canon.join("index.html")) {
            Ok(index) if index.starts_with(root) && index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        }
    } else if meta.is_file() && !wants_folder {
        Resolved::File(canon)
    } else {
        Resolved::NotFound
    }
}

/// Decodes `%XX` escapes. `None` for a malformed escape or a result that is
/// not UTF-8. `+` is kept: it means a space only in query strings.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type for a file of the site, by extension. Text types say
/// UTF-8, which is what tolk writes.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("nl-nl/a")).unwrap();
        fs::write(root.join("nl-nl/a/index.html"), "a").unwrap();
        fs::write(root.join("index.html"), "root").unwrap();
        fs::write(root.join(".tolk-site"), "marker").unwrap();
        fs::write(dir.path().join("book.toml"), "secret").unwrap();
        let root = fs::canonicalize(root).unwrap();
        (dir, root)
    }

    #[test]
    fn files_folders_and_redirects() {
        let (_d, root) = site();
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/nl-nl/a/?x=1#top"),
            Resolved::File(root.join("nl-nl/a/index.html"))
        );
        assert_eq!(
            resolve(&root, "/nl-nl/a?x=1"),
            Resolved::Redirect("/nl-nl/a/?x=1".into())
        );
        assert_eq!(
            resolve(&root, "/nl-nl/a/index.html"),
            Resolved::File(root.join("nl-nl/a/index.html"))
        );
        assert_eq!(resolve(&root, "/nl-nl/a/index.html/"), Resolved::NotFound);
        assert_eq!(
            resolve(&root, "/nl%2Dnl/a/"),
            Resolved::File(root.join("nl-nl/a/index.html"))
        );
    }

    #[test]
    fn nothing_outside_the_site_and_no_hidden_files() {
        let (_d, root) = site();
        for url in [
            "/../book.toml",
            "/%2e%2e/book.toml",
            "/%2E%2E/book.toml",
            "/..%2fbook.toml",
            "/..%2Fbook.toml",
            "/%2e%2e%5cbook.toml",
            "/..\\book.toml",
            "//etc/passwd",
            "/nl-nl/../../book.toml",
            "/./index.html",
            "/.tolk-site",
            "/index.html%00",
            "/%zz",
            "/%e9",
            "/C:/Windows/win.ini",
            "book.toml",
            "",
            "*",
        ] {
            assert_eq!(resolve(&root, url), Resolved::NotFound, "{url}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_not_followed() {
        let (d, root) = site();
        std::os::unix::fs::symlink(d.path().join("book.toml"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(d.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink(root.join("index.html"), root.join("inside.html")).unwrap();
        assert_eq!(resolve(&root, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/up/book.toml"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/up/"), Resolved::NotFound);
        assert_eq!(
            resolve(&root, "/inside.html"),
            Resolved::File(root.join("index.html"))
        );
    }

    #[test]
    fn pages_are_stamped_with_their_build() {
        let page = format!(
            "<p>&lt;script src=\"/__tolk/livereload.js\"</p>{}\n</body>",
            super::super::inject()
        );
        let stamped = String::from_utf8(stamp(page.into_bytes(), "1-a", 7)).unwrap();
        assert!(stamped.ends_with(
            "<script src=\"/__tolk/livereload.js\" data-server=\"1-a\" data-build=\"7\" defer></script>\n</body>"
        ), "{stamped}");
        assert_eq!(
            stamp(b"<p>no script</p>".to_vec(), "1-a", 7),
            b"<p>no script</p>"
        );
    }

    #[test]
    fn etags_match_lists_weak_tags_and_star() {
        let tag = etag(b"x");
        assert!(etag_matches(&tag, &tag));
        assert!(etag_matches(&format!("\"other\", W/{tag}"), &tag));
        assert!(etag_matches("*", &tag));
        assert!(!etag_matches("\"other\"", &tag));
    }
}
