//! A running `tolk serve` for the tests that talk to it: started on a free
//! port with its own TMPDIR, its log collected, killed when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{bin, TempSite};

/// How long the first build may take (a debug binary on a busy machine).
pub const START: Duration = Duration::from_secs(60);
/// How long a rebuild and its event may take.
pub const EVENT: Duration = Duration::from_secs(20);

/// A running `tolk serve`; killed when dropped.
pub struct Serve {
    pub child: Child,
    pub addr: SocketAddr,
    /// The server's TMPDIR, so the tests can find (and check the removal of)
    /// its private folder.
    pub tmp: tempfile::TempDir,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    pub fn start(site: &TempSite) -> Serve {
        Serve::start_with(site, &[])
    }

    pub fn start_with(site: &TempSite, args: &[&str]) -> Serve {
        Serve::start_command(Command::new(bin()), site, args)
    }

    /// `tolk serve` with at most `n` open file descriptors (`ulimit -n`).
    #[cfg(unix)]
    pub fn start_with_nofile(site: &TempSite, n: u32) -> Serve {
        let mut sh = Command::new("sh");
        sh.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\"")])
            .arg(bin());
        Serve::start_command(sh, site, &[])
    }

    /// Starts `cmd` (`tolk`, or something that execs it) with `serve` and
    /// its options.
    pub fn start_command(mut cmd: Command, site: &TempSite, args: &[&str]) -> Serve {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut child = cmd
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(args)
            .env("NO_COLOR", "1")
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tolk serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        {
            let log = log.clone();
            thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line.clone());
                    let _ = tx.send(line);
                }
            });
        }
        let mut serve = Serve {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            tmp,
            log,
        };
        serve.addr = wait_for_url(&rx);
        serve
    }

    /// The server's base URL followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The folder the server serves.
    pub fn site_dir(&self) -> PathBuf {
        let private = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with("tolk-serve-"))
            .expect("the private folder");
        private.path().join("site")
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits (boundedly) until the server has printed `needle`.
    pub fn wait_log(&self, needle: &str) {
        let deadline = Instant::now() + EVENT;
        while !self.log().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "tolk serve never printed {needle:?}:\n{}",
                self.log()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends SIGTERM (or SIGINT) and waits for the exit.
    #[cfg(unix)]
    pub fn signal(&mut self, sig: &str) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("--- tolk serve log ---\n{}", self.log());
        }
        #[cfg(unix)]
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.signal("-TERM");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn wait_for_url(rx: &Receiver<String>) -> SocketAddr {
    let deadline = Instant::now() + START;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line.split("http://").nth(1) {
                    let addr = rest.split('/').next().unwrap();
                    return addr.parse().expect("address");
                }
                seen.push(line);
            }
            Err(_) => break,
        }
    }
    panic!("tolk serve did not start:\n{}", seen.join("\n"));
}

/// Sends one raw request and reads the answer's status line, headers and
/// body (up to `limit` bytes, or until the server closes).
pub fn raw(addr: std::net::SocketAddr, request: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).expect("connect");
    c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    c.write_all(request.as_bytes()).expect("send");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    // Read until the head and the body it announces are in (an event
    // stream never ends: stop after its first frame).
    loop {
        match c.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        let text = String::from_utf8_lossy(&buf);
        if let Some(i) = text.find("\r\n\r\n") {
            let head = &text[..i];
            let len = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
            });
            let body = &text[i + 4..];
            if len.is_some_and(|n| body.len() >= n) || body.contains("\n\n") {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

pub fn get_with(addr: std::net::SocketAddr, path: &str, headers: &str) -> (u16, String, String) {
    raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"),
    )
}
