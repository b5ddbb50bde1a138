//! A minimal WebDriver client for headless Chromium (Debian's chromium and
//! chromium-driver), and a static file server for a built site. Enough to
//! load pages, click, type, run a script and read text.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Serves a built site on 127.0.0.1 until dropped (worker threads; nothing
/// outside the folder).
pub struct StaticServer {
    pub port: u16,
    server: std::sync::Arc<tiny_http::Server>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: &Path) -> StaticServer {
        let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let port = server.server_addr().to_ip().expect("ip").port();
        let threads = (0..4)
            .map(|_| {
                let root = root.to_path_buf();
                let s = server.clone();
                std::thread::spawn(move || serve_files(&s, &root))
            })
            .collect();
        StaticServer {
            port,
            server,
            threads,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn serve_files(s: &tiny_http::Server, root: &Path) {
    while let Ok(req) = s.recv() {
        let path = req
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_string();
        let mut file = root.to_path_buf();
        for part in path.split('/').filter(|p| !p.is_empty() && *p != "..") {
            file.push(part);
        }
        if file.is_dir() {
            file.push("index.html");
        }
        let resp = match std::fs::read(&file) {
            Ok(bytes) => {
                let ct = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") => "text/javascript",
                    Some("css") => "text/css",
                    Some("json") => "application/json",
                    _ => "application/octet-stream",
                };
                // Content-hashed assets are cached as a real host caches
                // them: the shared runtime then comes from the cache while a
                // page's own checklist script still travels (issue 15).
                let cache = if matches!(
                    file.extension().and_then(|e| e.to_str()),
                    Some("js" | "css")
                ) {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                tiny_http::Response::from_data(bytes)
                    .with_header(tiny_http::Header::from_bytes("Content-Type", ct).expect("header"))
                    .with_header(
                        tiny_http::Header::from_bytes("Cache-Control", cache).expect("header"),
                    )
            }
            Err(_) => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let _ = req.respond(resp);
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        for _ in 0..self.threads.len() {
            self.server.unblock();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// chromedriver + one headless Chromium session.
pub struct Browser {
    agent: ureq::Agent,
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

/// Two headless Chromiums started side by side by parallel tests stall each
/// other's renderers on this 2-core machine; tests take turns.
static BROWSER_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Browser {
    /// Starts chromedriver and a headless Chromium with the flags this
    /// machine needs (no sandbox as root, no background networking).
    pub fn start() -> Browser {
        Browser::start_with(&[])
    }

    /// As [`Browser::start`], with more Chromium flags.
    pub fn start_with(extra: &[&str]) -> Browser {
        let guard = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        for tool in ["/usr/bin/chromedriver", "/usr/bin/chromium"] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); .ci/run does"
            );
        }
        let port = free_port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .args(
                std::env::var("TOLK_CHROMEDRIVER_LOG")
                    .map(|p| vec![format!("--log-path={p}"), "--verbose".to_string()])
                    .unwrap_or_default(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        // Every WebDriver call is bounded: a stuck browser fails the test, it
        // never hangs it.
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build();
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1200,900",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.extend(extra.iter().map(|a| a.to_string()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "eager",
            "timeouts": {"pageLoad": 8000, "script": 10000, "implicit": 0},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": args
            }
        }}});
        let resp: Value = agent
            .post(&format!("{base}/session"))
            .send_json(caps)
            .expect("new session")
            .into_json()
            .expect("json");
        let session = resp["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        let browser = Browser {
            agent,
            driver,
            base,
            session,
            _profile: profile,
            _one_at_a_time: guard,
        };
        // Headless Chromium with its own profile may never give its window
        // focus (document.hasFocus() false, no :focus styles); the page
        // behaves as a focused window does for a reader.
        browser.cdp(
            "Emulation.setFocusEmulationEnabled",
            json!({"enabled": true}),
        );
        browser
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        match self.try_cmd(method, path, body) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    fn try_cmd(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        if std::env::var_os("TOLK_WEBDRIVER_TRACE").is_some() {
            eprintln!("webdriver {method} {path} {body}");
        }
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = self.agent.request(method, &url);
        let resp = if method == "GET" {
            req.call()
        } else {
            req.send_json(body)
        };
        match resp {
            Ok(r) => Ok(r.into_json::<Value>().map_err(|e| e.to_string())?["value"].clone()),
            Err(ureq::Error::Status(code, r)) => Err(format!(
                "WebDriver {method} {path}: {code} {}",
                r.into_string().unwrap_or_default()
            )),
            Err(e) => Err(format!("WebDriver {method} {path}: {e}")),
        }
    }

    /// Loads a page. Headless Chromium on these machines sometimes stalls
    /// its very first navigation of a session (the renderer does not answer
    /// for 20 s, with the page's server idle); a second try goes through.
    pub fn goto(&self, url: &str) {
        let mut last = String::new();
        for _ in 0..3 {
            match self.try_cmd("POST", "/url", json!({"url": url})) {
                Ok(_) => return,
                Err(e) if e.contains("timeout") => last = e,
                Err(e) => panic!("{e}"),
            }
        }
        panic!("{last}");
    }

    /// Runs a script in the page; `None` when the page is between documents
    /// (a reload under way) or the script threw.
    pub fn try_js(&self, script: &str) -> Option<Value> {
        self.try_cmd(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
        .ok()
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver (e.g.
    /// a script that runs at the start of every document, before the page's).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": cmd, "params": params}),
        )
    }

    /// Loads a page once, without retrying: the time it took, or the
    /// WebDriver error (a page that hangs is a timeout after 8 s).
    pub fn goto_once(&self, url: &str) -> Result<Duration, String> {
        let start = Instant::now();
        self.try_cmd("POST", "/url", json!({"url": url}))
            .map(|_| start.elapsed())
    }

    /// Opens a new tab and makes it the current one; returns its handle.
    pub fn new_tab(&self) -> String {
        let v = self.cmd("POST", "/window/new", json!({"type": "tab"}));
        let handle = v["handle"].as_str().expect("window handle").to_string();
        self.switch_to(&handle);
        handle
    }

    /// Makes the tab or window `handle` the current one.
    pub fn switch_to(&self, handle: &str) {
        self.cmd("POST", "/window", json!({"handle": handle}));
    }

    /// The current tab's handle.
    pub fn tab(&self) -> String {
        self.cmd("GET", "/window", json!({}))
            .as_str()
            .expect("window handle")
            .to_string()
    }

    /// The visible part of the current page: a PNG in base64 (`base64 -d`).
    pub fn screenshot_base64(&self) -> String {
        self.cmd("GET", "/screenshot", json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// History back, as the browser's back button.
    pub fn back(&self) {
        self.cmd("POST", "/back", json!({}));
    }

    pub fn refresh(&self) {
        self.cmd("POST", "/refresh", json!({}));
    }

    /// Runs a script in the page and returns its value.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": args}),
        )
    }

    fn element(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("/element/{id}/click"), json!({}));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            json!({"text": text}),
        );
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.element(css);
        self.cmd("GET", &format!("/element/{id}/text"), json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Sets the window's size in CSS pixels.
    pub fn set_window(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        );
    }

    /// A PNG of one element, as WebDriver takes it.
    pub fn screenshot_element(&self, css: &str) -> Vec<u8> {
        let id = self.element(css);
        let b64 = self.cmd("GET", &format!("/element/{id}/screenshot"), json!({}));
        base64_decode(b64.as_str().unwrap_or_default())
    }

    /// Presses keys on whatever has the focus (WebDriver key actions; use
    /// the WebDriver codes for special keys: `\u{E004}` Tab, `\u{E007}`
    /// Enter, `\u{E00C}` Escape).
    pub fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.cmd(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// Emulates a device viewport of `width` × `height` CSS pixels (a
    /// phone when `mobile`).
    pub fn viewport(&self, width: u32, height: u32, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// A PNG of the viewport, written to `path`.
    pub fn screenshot(&self, path: &Path) {
        let v = self.cmd("GET", "/screenshot", json!({}));
        let png = base64_decode(v.as_str().unwrap_or_default());
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// The page printed to PDF (CDP `Page.printToPDF`).
    pub fn print_pdf(&self) -> Vec<u8> {
        let v = self.cdp("Page.printToPDF", json!({"printBackground": false}));
        base64_decode(v["data"].as_str().unwrap_or_default())
    }

    /// Waits until `script` returns true (or panics after 20 s, with `what`:
    /// on a loaded 2-core machine a page can take seconds to load).
    pub fn wait_for(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.js(script, json!([])) == json!(true) {
                return;
            }
            if Instant::now() >= deadline {
                let state = self.try_js(
                    "return [location.href, document.readyState, JSON.stringify(localStorage), document.body ? document.body.innerText.slice(0, 300) : '']",
                );
                panic!("timed out waiting for {what}; the page: {state:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (what WebDriver and CDP send screenshots and PDFs in).
pub fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
