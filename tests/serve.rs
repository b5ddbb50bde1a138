//! `tolk serve` end to end: the real binary on a free port, spoken to over
//! plain TCP, so that the tests can also send what no HTTP library would
//! (`..` in paths, headers one byte at a time, requests cut short).
//!
//! Every wait is bounded; the server is stopped when its guard drops.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::serve::*;
use common::*;

/// What these tests ask of a running server (the harness is in
/// `common::serve`).
impl Serve {
    fn get(&self, path: &str) -> Resp {
        get(self.addr, path)
    }

    fn events(&self) -> Events {
        Events::connect(self.addr)
    }
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Reads a status line and headers.
fn read_head(r: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).expect("header");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    (status, headers)
}

/// Sends a raw request (exactly as given) and reads the response.
fn request(addr: SocketAddr, raw: &str) -> Resp {
    let mut s = connect(addr);
    s.write_all(raw.as_bytes()).expect("send");
    let mut r = BufReader::new(s);
    let (status, headers) = read_head(&mut r);
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
    };
    let len: usize = resp
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    if !raw.starts_with("HEAD ") {
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body).expect("body");
    }
    resp
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// An open `/__tolk/events` stream.
struct Events {
    r: BufReader<TcpStream>,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut s = connect(addr);
        s.write_all(
            format!(
                "GET /__tolk/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let (status, headers) = read_head(&mut r);
        assert_eq!(status, 200);
        assert!(headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("content-type")
                && v.starts_with("text/event-stream")));
        Events { r }
    }

    /// The next event (name, data) within `timeout`.
    fn next(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.r
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut line = String::new();
            match self.r.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => return None,
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    return Some((name, data));
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
    }

    /// Skips events until one named `want`; returns its data.
    fn wait_for(&mut self, want: &str, serve: &Serve) -> String {
        let deadline = Instant::now() + EVENT;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next(left) {
                Some((name, data)) if name == want => return data,
                Some(other) => seen.push(other),
                None => break,
            }
        }
        panic!(
            "no `{want}` event; got {seen:?}\n--- log ---\n{}",
            serve.log()
        );
    }
}

/// The build a page says it comes from (its live-reload script's stamp).
fn stamp(html: &str) -> u64 {
    html.split("data-build=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no stamp in {html}"))
}

/// The page as built, without the server's stamp.
fn unstamp(html: &str) -> String {
    let start = html.find(" data-server=\"").expect("stamp");
    let end = start + html[start..].find(" defer>").expect("end of stamp");
    format!("{}{}", &html[..start], &html[end..])
}

fn hello_build(data: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(data).unwrap();
    v["build"].as_u64().expect("build")
}

fn article(text: &str) -> String {
    format!("---\ntitle: Artikel\nms.date: 07/22/2021\nauthor: tester\n---\n# Artikel\n\n{text}\n")
}

fn small_site() -> TempSite {
    let site = TempSite::new("[book]\ntitle = \"Test\"\n# SECRET-BOOK-MARKER\n");
    site.write("content/artikel.md", article("Eerste tekst."));
    site.write("content/ander.md", article("Ander artikel."));
    site
}

#[test]
fn serves_pages_with_types_etags_head_redirects_and_404() {
    let site = small_site();
    let s = Serve::start(&site);

    let page = s.get("/nl-nl/artikel/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let text = page.text();
    assert!(text.contains("Eerste tekst."), "{text}");
    assert!(text.contains("<script src=\"/__tolk/livereload.js\" data-server=\""));
    assert!(
        text.contains("\" data-build=\"1\" defer></script>\n</body>"),
        "{text}"
    );

    // ETag and If-None-Match.
    let etag = page.header("etag").expect("etag").to_string();
    let again = request(
        s.addr,
        &format!("GET /nl-nl/artikel/ HTTP/1.1\r\nHost: {}\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n", s.addr),
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = request(
        s.addr,
        &format!("GET /nl-nl/artikel/ HTTP/1.1\r\nHost: {}\r\nIf-None-Match: \"nope\"\r\nConnection: close\r\n\r\n", s.addr),
    );
    assert_eq!(other.status, 200);

    // HEAD: the headers of GET, no body.
    let head = request(
        s.addr,
        &format!(
            "HEAD /nl-nl/artikel/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            s.addr
        ),
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    assert_eq!(head.header("etag"), Some(etag.as_str()));

    // A folder without its slash redirects; the root serves index.html.
    let redirect = s.get("/nl-nl/artikel?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/nl-nl/artikel/?x=1"));
    assert_eq!(s.get("/").status, 200);

    // The stylesheet and the script.
    let css_url = text
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|u| u.starts_with("/static/style.") && u.ends_with(".css"))
        .expect("stylesheet link")
        .to_string();
    let css = s.get(&css_url);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let js = s.get("/__tolk/livereload.js");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.text().contains("EventSource"));

    // The theme's 404 pages, with status 404.
    let missing = s.get("/nl-nl/bestaat-niet/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let file = |rel: &str| std::fs::read_to_string(s.site_dir().join(rel)).unwrap();
    assert_eq!(unstamp(&missing.text()), file("404.html"));
    let missing_en = s.get("/en/does-not-exist");
    assert_eq!(missing_en.status, 404);
    assert_eq!(unstamp(&missing_en.text()), file("en/404.html"));
    assert_eq!(s.get("/__tolk/nothing").status, 404);

    // Only reading.
    let post = request(
        s.addr,
        &format!("POST /nl-nl/artikel/ HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", s.addr),
    );
    assert_eq!(post.status, 405);

    // The preview never touches build-dir, and a real build carries no script.
    assert!(!site.exists("index.html"), "serve wrote into build-dir");
    site.tolk(&["build"]).ok();
    assert!(!site.read("nl-nl/artikel/index.html").contains("__tolk"));
}

#[test]
fn an_edit_reloads_the_pages_and_a_stylesheet_edit_swaps_it() {
    let site = small_site();
    site.write("themes/default/static/.keep", "");
    let s = Serve::start(&site);
    let mut events = s.events();
    let first = hello_build(&events.wait_for("hello", &s));
    let before = s.get("/nl-nl/artikel/").text();
    assert_eq!(stamp(&before), first);

    site.write("content/artikel.md", article("Tweede tekst."));
    events.wait_for("reload", &s);
    let after = s.get("/nl-nl/artikel/").text();
    assert!(after.contains("Tweede tekst."));
    // A page fetched before the rebuild whose stream connects after it
    // learns from the hello that it is behind.
    let now = hello_build(&s.events().wait_for("hello", &s));
    assert!(now > stamp(&before));
    assert_eq!(stamp(&after), now);
    assert!(s.get("/en/artikel/").text().contains("Tweede tekst."));

    // Only a stylesheet changed: the pages swap it, no reload.
    site.write(
        "themes/default/static/style.css",
        "body { color: rebeccapurple }\n",
    );
    let data = events.wait_for("css", &s);
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let url = v["stylesheets"]["style.css"]
        .as_str()
        .expect("style.css url");
    let css = s.get(url);
    assert_eq!(css.status, 200);
    assert!(css.text().contains("rebeccapurple"));
    assert!(s.get("/nl-nl/artikel/").text().contains(url));

    // A deleted article leaves the site.
    std::fs::remove_file(site.root().join("content/ander.md")).unwrap();
    events.wait_for("reload", &s);
    assert_eq!(s.get("/nl-nl/ander/").status, 404);
}

#[test]
fn editor_saves_rebuild_once_and_swap_files_are_ignored() {
    let site = small_site();
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);

    // Swap and backup files alone change nothing.
    site.write("content/.artikel.md.swp", "swap");
    site.write("content/artikel.md~", "backup");
    site.write("content/4913", "");
    assert_eq!(events.next(Duration::from_millis(400)), None);

    // vim/VS Code: write a temporary file, rename it over the article.
    site.write("content/.artikel.md.tmp", article("Atomisch opgeslagen."));
    std::fs::rename(
        site.root().join("content/.artikel.md.tmp"),
        site.root().join("content/artikel.md"),
    )
    .unwrap();
    events.wait_for("reload", &s);
    assert!(s
        .get("/nl-nl/artikel/")
        .text()
        .contains("Atomisch opgeslagen."));

    // A burst of saves is one rebuild.
    let t = Instant::now();
    for i in 0..10 {
        site.write("content/artikel.md", article(&format!("Versie {i}.")));
        site.write("content/ander.md", article(&format!("Ander {i}.")));
    }
    let burst = t.elapsed();
    events.wait_for("reload", &s);
    // Only if the machine did not stall mid-burst for longer than the
    // debounce (50 ms), which would make it two bursts.
    if burst < Duration::from_millis(25) {
        assert_eq!(events.next(Duration::from_millis(400)), None);
    } else {
        while !s.get("/nl-nl/artikel/").text().contains("Versie 9.") {
            events.wait_for("reload", &s);
        }
    }
    assert!(s.get("/nl-nl/artikel/").text().contains("Versie 9."));
}

#[test]
fn a_broken_article_keeps_the_last_good_site_and_shows_the_error() {
    let site = small_site();
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);

    site.write(
        "content/artikel.md",
        "---\ntitle: \"kapot\nauthor: x\n---\n# Kapot\n\nKapotte tekst.\n",
    );
    let data = events.wait_for("error", &s);
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let d = diags
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(d["file"], "content/artikel.md");
    assert!(d["line"].as_u64().unwrap() >= 2, "{d}");
    assert!(d["column"].as_u64().is_some());
    assert!(d["message"].as_str().unwrap().contains("front matter"));
    assert!(d["rendered"]
        .as_str()
        .unwrap()
        .contains("--> content/artikel.md:"));

    // The last good page is still served.
    let page = s.get("/nl-nl/artikel/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Eerste tekst."));
    // A page opened now learns about the error at once.
    let mut late = s.events();
    late.wait_for("hello", &s);
    let again = late.wait_for("error", &s);
    assert!(again.contains("content/artikel.md"));
    // The terminal shows the same diagnostics.
    s.wait_log("--> content/artikel.md:");
    assert!(s.log().contains("error[yaml]"), "{}", s.log());

    site.write("content/artikel.md", article("Hersteld."));
    events.wait_for("reload", &s);
    late.wait_for("reload", &s);
    assert!(s.get("/nl-nl/artikel/").text().contains("Hersteld."));
}

#[test]
fn requests_outside_the_site_get_404_never_a_file() {
    let site = small_site();
    let s = Serve::start(&site);
    let marker = "SECRET-BOOK-MARKER";
    for path in [
        "/../book.toml",
        "/%2e%2e/book.toml",
        "/%2E%2E/%2E%2E/book.toml",
        "/..%2fbook.toml",
        "/..%2Fbook.toml",
        "/%2e%2e%5cbook.toml",
        "/..\\book.toml",
        "/nl-nl/../../book.toml",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/nl-nl/artikel/index.html%00",
        "/.tolk-site",
        "book.toml",
        "http://localhost/../book.toml",
    ] {
        let r = get(s.addr, path);
        assert_eq!(r.status, 404, "{path}");
        let text = r.text();
        assert!(!text.contains(marker), "{path} leaked book.toml");
        assert!(!text.contains("root:"), "{path} leaked /etc/passwd");
    }

    #[cfg(unix)]
    {
        let dir = s.site_dir();
        std::os::unix::fs::symlink(site.root().join("book.toml"), dir.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(site.root(), dir.join("up")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd.txt")).unwrap();
        for path in ["/leak.txt", "/up/book.toml", "/up/", "/passwd.txt"] {
            let r = s.get(path);
            assert_eq!(r.status, 404, "{path}");
            assert!(!r.text().contains(marker) && !r.text().contains("root:"));
        }
    }
}

#[test]
fn slow_idle_and_vanishing_clients_do_not_stall_the_others() {
    let site = small_site();
    let s = Serve::start(&site);
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    let addr = s.addr;
    // 20 clients sending their headers a byte at a time.
    for _ in 0..20 {
        let stop = stop.clone();
        threads.push(thread::spawn(move || {
            let mut c = connect(addr);
            let req = b"GET /nl-nl/artikel/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
            for b in req.iter().cycle() {
                if stop.load(Ordering::Relaxed) || c.write_all(&[*b]).is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(25));
            }
        }));
    }
    // 15 clients that connect, send half a request and hang up, again and again.
    for _ in 0..15 {
        let stop = stop.clone();
        threads.push(thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let mut c = connect(addr);
                let _ = c.write_all(b"GET /nl-nl/art");
                drop(c);
                thread::sleep(Duration::from_millis(10));
            }
        }));
    }
    // 10 that connect and say nothing; 5 event streams nobody reads.
    let idle: Vec<TcpStream> = (0..10).map(|_| connect(addr)).collect();
    let streams: Vec<Events> = (0..5).map(|_| s.events()).collect();

    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 0..40 {
        let t = Instant::now();
        let path = if i % 2 == 0 {
            "/nl-nl/artikel/"
        } else {
            "/en/ander/"
        };
        let r = s.get(path);
        assert_eq!(r.status, 200);
        slowest = slowest.max(t.elapsed());
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    drop((idle, streams));
    assert!(
        slowest < Duration::from_secs(2),
        "a request took {slowest:?} while others stalled"
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_until_fixed() {
    let site = small_site();
    site.write("content/artikel.md", "---\ntitle: [kapot\n---\n# Kapot\n");
    let s = Serve::start(&site);
    // No site yet: a placeholder that carries the live-reload script.
    let page = s.get("/nl-nl/artikel/");
    assert_eq!(page.status, 503);
    assert!(page.text().contains("/__tolk/livereload.js"));
    let mut events = s.events();
    events.wait_for("hello", &s);
    assert!(events.wait_for("error", &s).contains("content/artikel.md"));
    // There is no last good site to speak of.
    s.wait_log(
        "the build failed with 1 error, 0 warnings, 0 notes; nothing is served until it builds",
    );
    site.write("content/artikel.md", article("Eindelijk."));
    events.wait_for("reload", &s);
    assert!(s.get("/nl-nl/artikel/").text().contains("Eindelijk."));
    s.wait_log("Rebuilt 2 articles: 3 pages in nl-nl, 3 in en, in ");
    // Broken again: now the last good site is served.
    site.write("content/artikel.md", "---\ntitle: [kapot\n---\n# Kapot\n");
    events.wait_for("error", &s);
    s.wait_log("still serving the last good site");
    assert!(s.get("/nl-nl/artikel/").text().contains("Eindelijk."));
}

#[test]
fn binding_beyond_this_machine_warns_and_bad_usage_fails() {
    let site = small_site();
    let s = Serve::start_with(&site, &["--bind", "0.0.0.0"]);
    assert_eq!(s.get("/nl-nl/artikel/").status, 200);
    s.wait_log("warning: listening on 0.0.0.0:");
    drop(s);

    assert_eq!(site.tolk(&["serve", "--port", "http"]).code, 2);
    assert_eq!(site.tolk(&["serve", "--bind", "localhost:3000"]).code, 2);
    let missing = tolk(
        &["serve", "--port", "0", "--root", "/nonexistent/tolk-site"],
        None,
    );
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("/nonexistent/tolk-site"),
        "{}",
        missing.stderr
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_no_folder() {
    let site = small_site();
    let mut s = Serve::start(&site);
    assert!(s.site_dir().join("index.html").is_file());
    let status = s.signal("-INT").expect("tolk serve did not stop on SIGINT");
    assert!(status.success(), "{status:?}\n{}", s.log());
    let left: Vec<_> = std::fs::read_dir(s.tmp.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    s.wait_log("Stopped.");
}

/// The edit-to-reload time on the bundled site: the time from writing an
/// article to the reload event arriving on an open event stream (debounce,
/// full rebuild, swap, event). A benchmark, not a test:
///
/// `cargo test --test serve -- --ignored --nocapture edit_to_reload`
#[test]
#[ignore = "a benchmark that prints figures: cargo test --test serve -- --ignored --nocapture edit_to_reload"]
fn edit_to_reload_on_the_bundled_site() {
    let site = bundled_site();
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);
    let file = "content/request-credit.md";
    let original = std::fs::read_to_string(site.root().join(file)).unwrap();
    let mut times = Vec::new();
    for i in 0..20 {
        let t = Instant::now();
        site.write(file, format!("{original}\nBewerking {i}.\n"));
        events.wait_for("reload", &s);
        times.push(t.elapsed());
        assert!(s
            .get("/nl-nl/request-credit/")
            .text()
            .contains(&format!("Bewerking {i}.")));
    }
    times.sort();
    eprintln!(
        "edit-to-reload over {} edits: min {:?}, median {:?}, max {:?}",
        times.len(),
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

#[test]
fn a_client_that_never_reads_its_responses_does_not_stall_the_others() {
    let site = small_site();
    let s = Serve::start(&site);
    let addr = s.addr;
    // Pipelined requests whose responses are never read: once the socket
    // buffers fill up, whoever writes to this connection blocks.
    let hogs: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut c = connect(addr);
            let one = format!("GET /nl-nl/artikel/ HTTP/1.1\r\nHost: {addr}\r\n\r\n").repeat(50);
            c.set_write_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            for _ in 0..100 {
                if c.write_all(one.as_bytes()).is_err() {
                    break;
                }
            }
            c
        })
        .collect();
    for _ in 0..20 {
        let t = Instant::now();
        assert_eq!(s.get("/nl-nl/artikel/").status, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }
    drop(hogs);
}

/// The same on a generated site of 1,000 articles (the bundled five, copied
/// 200 times). A benchmark for the incremental rebuild to beat:
///
/// `cargo test --test serve -- --ignored --nocapture edit_to_reload`
#[test]
#[ignore = "a benchmark that prints figures: cargo test --test serve -- --ignored --nocapture edit_to_reload"]
fn edit_to_reload_on_1000_articles() {
    let book = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    let site = TempSite::new(&book);
    let seeds: Vec<(String, String)> = std::fs::read_dir(repo().join("content"))
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    for i in 0..200 {
        for (name, text) in &seeds {
            site.write(&format!("content/copy-{i:03}-{name}"), text);
        }
    }
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);
    let file = format!("content/copy-100-{}", seeds[0].0);
    let original = std::fs::read_to_string(site.root().join(&file)).unwrap();
    let mut times = Vec::new();
    for i in 0..10 {
        let t = Instant::now();
        site.write(&file, format!("{original}\nBewerking {i}.\n"));
        events.wait_for("reload", &s);
        times.push(t.elapsed());
    }
    times.sort();
    eprintln!(
        "1,000 articles, edit-to-reload over {} edits: min {:?}, median {:?}, max {:?}",
        times.len(),
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

#[test]
fn a_theme_folder_created_later_is_watched() {
    let site = small_site();
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);
    // `themes/` did not exist at the start: its creation is seen through the
    // root's watch and rebuilds...
    site.write("themes/default/static/style.css", "body { color: teal }\n");
    events.wait_for("reload", &s);
    // ...and from then on its files are watched too.
    site.write("themes/default/static/style.css", "body { color: olive }\n");
    let data = events.wait_for("css", &s);
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let url = v["stylesheets"]["style.css"]
        .as_str()
        .expect("style.css url");
    assert!(s.get(url).text().contains("olive"));
}

/// How many builds the server has reported since it started (the first
/// included), good or failed.
fn builds(s: &Serve) -> usize {
    s.log()
        .lines()
        .filter(|l| {
            l.starts_with("Built ") || l.starts_with("Rebuilt ") || l.contains("the build failed")
        })
        .count()
}

#[test]
fn the_content_folder_deleted_and_made_anew_is_served_and_watched_again() {
    let site = small_site();
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);
    let content = site.root().join("content");

    // Gone: the server stays up and says what is wrong; the last good site
    // stays served.
    std::fs::remove_dir_all(&content).unwrap();
    let data = events.wait_for("error", &s);
    assert!(data.contains("content"), "{data}");
    assert_eq!(s.get("/nl-nl/artikel/").status, 200);

    // Back with other articles: they are served, the old ones are gone.
    site.write("content/nieuw.md", article("Nieuwe tekst."));
    events.wait_for("reload", &s);
    assert!(s.get("/nl-nl/nieuw/").text().contains("Nieuwe tekst."));
    assert_eq!(s.get("/nl-nl/artikel/").status, 404);
    assert_eq!(s.get("/en/ander/").status, 404);
    // The new folder is watched.
    site.write("content/nieuw.md", article("Bewerkt."));
    events.wait_for("reload", &s);
    assert!(s.get("/nl-nl/nieuw/").text().contains("Bewerkt."));

    // Replaced within one burst (`rm -rf content && cp -r other content`):
    // still a folder of that name, but a new one, and the watch must follow.
    let other = site.root().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("derde.md"), article("Derde tekst.")).unwrap();
    std::fs::remove_dir_all(&content).unwrap();
    std::fs::rename(&other, &content).unwrap();
    events.wait_for("reload", &s);
    assert!(s.get("/nl-nl/derde/").text().contains("Derde tekst."));
    assert_eq!(s.get("/nl-nl/nieuw/").status, 404);
    site.write("content/derde.md", article("Derde, bewerkt."));
    events.wait_for("reload", &s);
    assert!(s.get("/nl-nl/derde/").text().contains("Derde, bewerkt."));
}

#[test]
fn a_broken_book_toml_keeps_the_last_good_site_until_it_is_fixed() {
    let site = small_site();
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);

    site.write("book.toml", "[book]\ntitle = \"Test\nx = 1\n");
    let data = events.wait_for("error", &s);
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "book.toml", "{d}");
    assert_eq!(d["line"], 2, "{d}");
    assert!(d["column"].as_u64().is_some(), "{d}");
    s.wait_log("--> book.toml:2:");
    let page = s.get("/nl-nl/artikel/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Eerste tekst."));

    // An article saved meanwhile must not build on the old configuration
    // and hide the error.
    site.write("content/artikel.md", article("Tussendoor."));
    let data = events.wait_for("error", &s);
    assert!(data.contains("book.toml"), "{data}");

    site.write("book.toml", "[book]\ntitle = \"Nieuwe titel\"\n");
    events.wait_for("reload", &s);
    let page = s.get("/nl-nl/artikel/").text();
    assert!(page.contains("Nieuwe titel"), "{page}");
    assert!(page.contains("Tussendoor."), "{page}");
}

/// One version of a site of `n` articles for the checkout test: version 1
/// has articles 0..n, version 2 drops the first 50, adds 50 and rewords
/// every other one.
fn write_version(root: &std::path::Path, n: usize, version: u32) {
    let content = root.join("content");
    let _ = std::fs::remove_dir_all(&content);
    std::fs::create_dir_all(&content).unwrap();
    let range = if version == 1 { 0..n } else { 50..n + 50 };
    for i in range {
        let text = if version == 2 && i % 2 == 0 {
            format!(
                "Versie twee van artikel {i}, zie [het volgende](a{}.md).",
                i + 1
            )
        } else {
            format!("Artikel {i}.")
        };
        std::fs::write(
            content.join(format!("a{i}.md")),
            format!(
                "---\ntitle: Artikel {i}\nms.date: 07/22/2021\nauthor: tester\n---\n# Artikel {i}\n\n{text}\n"
            ),
        )
        .unwrap();
    }
}

fn git(root: &std::path::Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(root)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_git_checkout_of_hundreds_of_files_is_one_rebuild_of_the_right_site() {
    const N: usize = 300;
    let site = TempSite::new("[book]\ntitle = \"Checkout\"\n");
    let root = site.root();
    std::fs::write(root.join(".gitignore"), "site/\n").unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    write_version(root, N, 1);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "one"]);
    git(root, &["checkout", "-qb", "two"]);
    write_version(root, N, 2);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "two"]);
    git(root, &["checkout", "-q", "main"]);

    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);
    assert!(s.get("/nl-nl/a0/").text().contains("Artikel 0."));
    let before = builds(&s);

    git(root, &["checkout", "-q", "two"]);
    events.wait_for("reload", &s);
    // Longer than the debounce's longest burst: a second rebuild would
    // have started by now.
    thread::sleep(Duration::from_millis(2500));
    assert_eq!(builds(&s), before + 1, "{}", s.log());

    // What is served is what `tolk build` makes of the same tree.
    let out = tempfile::tempdir().unwrap();
    let fresh = out.path().join("site");
    site.tolk(&["build", "--out", fresh.to_str().unwrap()]).ok();
    let pages: Vec<String> = files_under(&fresh)
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .collect();
    assert!(pages.len() >= 2 * N, "{}", pages.len());
    assert_eq!(
        pages,
        files_under(&s.site_dir())
            .into_iter()
            .filter(|f| f.ends_with("index.html"))
            .collect::<Vec<_>>()
    );
    let script = "<script src=\"/__tolk/livereload.js\" defer></script>";
    for page in &pages {
        let url = format!("/{}", page.trim_end_matches("index.html"));
        let r = s.get(&url);
        assert_eq!(r.status, 200, "{url}");
        let text = r.text();
        // Pages carry the live-reload script (and its stamp); a page
        // without it (the root's language redirect) is served as built.
        let served = if text.contains(" data-server=\"") {
            unstamp(&text).replace(script, "")
        } else {
            text
        };
        let built = std::fs::read_to_string(fresh.join(page)).unwrap();
        assert_eq!(served, built, "{url}");
    }
    assert_eq!(s.get("/nl-nl/a0/").status, 404);
    assert!(s
        .get("/nl-nl/a52/")
        .text()
        .contains("Versie twee van artikel 52"));
}

/// A site with one 4 MB asset: more than the socket buffers hold, so a
/// client that does not read its response stalls the write.
fn site_with_a_big_file() -> TempSite {
    let site = small_site();
    site.write(
        "content/artikel.md",
        article("Eerste tekst. ![groot](media/big.png)"),
    );
    let mut big = Vec::with_capacity(4 << 20);
    let mut x: u32 = 1;
    while big.len() < 4 << 20 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        big.extend_from_slice(&x.to_le_bytes());
    }
    site.write("content/media/big.png", big);
    site
}

/// Asks for a page until `until`, each within `bound`; returns the slowest.
fn keep_asking(s: &Serve, until: Instant, bound: Duration) -> Duration {
    let mut slowest = Duration::ZERO;
    while Instant::now() < until {
        let t = Instant::now();
        let mut c = connect(s.addr);
        c.set_read_timeout(Some(bound)).unwrap();
        c.write_all(
            format!(
                "GET /nl-nl/artikel/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                s.addr
            )
            .as_bytes(),
        )
        .unwrap();
        let mut answer = Vec::new();
        if let Err(e) = c.read_to_end(&mut answer) {
            panic!("no answer within {bound:?} ({e}):\n{}", s.log());
        }
        assert!(
            answer.starts_with(b"HTTP/1.1 200 "),
            "{}",
            String::from_utf8_lossy(&answer)
        );
        slowest = slowest.max(t.elapsed());
        thread::sleep(Duration::from_millis(200));
    }
    slowest
}

#[test]
fn more_clients_that_never_read_than_workers_do_not_starve_the_server() {
    let site = site_with_a_big_file();
    let s = Serve::start(&site);
    // 16 connections (twice the workers) that ask for the big file again
    // and again and never read a byte.
    let hogs: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut c = connect(s.addr);
            let req = format!("GET /media/big.png HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr).repeat(20);
            c.write_all(req.as_bytes()).unwrap();
            c
        })
        .collect();
    // Each stalls a worker for the send timeout (10 s), then is hung up.
    let slowest = keep_asking(
        &s,
        Instant::now() + Duration::from_secs(15),
        Duration::from_secs(30),
    );
    eprintln!("slowest answer while 16 clients did not read: {slowest:?}");
    // Afterwards the workers are free again.
    let after = keep_asking(
        &s,
        Instant::now() + Duration::from_secs(2),
        Duration::from_secs(5),
    );
    assert!(after < Duration::from_secs(2), "{after:?}");
    // How many hogs are still connected is printed, not asserted: in slow
    // runs (CI, debug build, a loaded machine) some were found still
    // connected after both rounds of the send timeout, without starving the
    // server, which is what the assertions above hold it to
    // (RELIABILITY.md, "Left open").
    let mut connected = 0;
    for mut c in hogs {
        c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut buf = vec![0; 1 << 16];
        loop {
            match c.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    connected += 1;
                    break;
                }
                Err(_) => break,
            }
        }
    }
    eprintln!("clients that never read, still connected at the end: {connected} of 16");
}

#[test]
fn a_hundred_and_fifty_slow_senders_and_hang_ups_mid_response_cost_nothing() {
    let site = site_with_a_big_file();
    let s = Serve::start(&site);
    let addr = s.addr;
    let log_lines = s.log().lines().count();
    let stop = Arc::new(AtomicBool::new(false));
    // 150 connections sending their request head a byte at a time, from one
    // thread.
    let slow = {
        let stop = stop.clone();
        thread::spawn(move || {
            let mut conns: Vec<TcpStream> = (0..150).map(|_| connect(addr)).collect();
            let head = format!("GET /nl-nl/artikel/ HTTP/1.1\r\nHost: {addr}\r\n").into_bytes();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                conns.retain_mut(|c| c.write_all(&head[i % head.len()..][..1]).is_ok());
                i += 1;
                thread::sleep(Duration::from_millis(100));
            }
            conns.len()
        })
    };
    // Clients that ask for the big file and hang up after its first bytes.
    let quitters: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let mut c = connect(addr);
                    c.write_all(
                        format!("GET /media/big.png HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
                    )
                    .unwrap();
                    let mut buf = [0; 1024];
                    let _ = c.read(&mut buf);
                    drop(c);
                    n += 1;
                }
                n
            })
        })
        .collect();
    let slowest = keep_asking(
        &s,
        Instant::now() + Duration::from_secs(8),
        Duration::from_secs(10),
    );
    stop.store(true, Ordering::Relaxed);
    let open = slow.join().unwrap();
    let hung_up: usize = quitters.into_iter().map(|t| t.join().unwrap()).sum();
    eprintln!("slowest answer beside {open} slow senders and {hung_up} hang-ups: {slowest:?}");
    assert_eq!(open, 150, "the slow senders were cut off");
    assert!(hung_up >= 20, "{hung_up}");
    // Every worker is still there: more parallel requests than workers.
    let all: Vec<_> = (0..32)
        .map(|_| thread::spawn(move || get(addr, "/media/big.png").body.len()))
        .collect();
    for t in all {
        assert_eq!(t.join().unwrap(), 4 << 20);
    }
    // And the terminal stayed quiet.
    let log = s.log();
    let new: Vec<&str> = log.lines().skip(log_lines).collect();
    assert!(new.is_empty(), "{new:?}");
}

#[cfg(unix)]
#[test]
fn running_out_of_file_descriptors_does_not_stop_the_server_for_good() {
    let site = small_site();
    let s = Serve::start_with_nofile(&site, 64);
    assert_eq!(s.get("/nl-nl/artikel/").status, 200);
    // More connections than the server may have files open: its accept
    // fails (EMFILE) until some close.
    let many: Vec<TcpStream> = (0..100)
        .filter_map(|_| TcpStream::connect_timeout(&s.addr, Duration::from_secs(2)).ok())
        .collect();
    thread::sleep(Duration::from_millis(500));
    drop(many);
    // Then it answers again.
    let slowest = keep_asking(
        &s,
        Instant::now() + Duration::from_secs(2),
        Duration::from_secs(10),
    );
    assert!(slowest < Duration::from_secs(10), "{slowest:?}");
}

/// The DocFX redirection file is a build input although its name starts
/// with a dot, which the watch ignores elsewhere: an edit to it rebuilds
/// the redirect pages (they kept the old target, and `tolk serve` its old
/// diagnostics, until something else forced a full build).
#[test]
fn an_edit_to_the_redirection_file_rebuilds_the_redirects() {
    let site = small_site();
    let redirects = |to: &str| {
        format!(
            "{{\"redirections\": [{{\"source_path\": \"oud.md\", \"redirect_url\": \"{to}\"}}]}}\n"
        )
    };
    site.write(
        "content/.openpublishing.redirection.json",
        redirects("artikel.md"),
    );
    let s = Serve::start(&site);
    let mut events = s.events();
    events.wait_for("hello", &s);
    let before = s.get("/nl-nl/oud/").text();
    assert!(before.contains("/nl-nl/artikel/"), "{before}");

    site.write(
        "content/.openpublishing.redirection.json",
        redirects("ander.md"),
    );
    events.wait_for("reload", &s);
    let after = s.get("/nl-nl/oud/").text();
    assert!(after.contains("/nl-nl/ander/"), "{after}");
    assert!(!after.contains("/nl-nl/artikel/"), "{after}");
}
