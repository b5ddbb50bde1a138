//! `tolk serve`: the writers' preview. Builds the site into a private
//! folder, serves it over HTTP, watches the sources, rebuilds on every
//! change and tells the open pages to reload (or to show the errors).
//!
//! The preview is built into a folder of its own under the system's
//! temporary folder, never into `build-dir`: its pages carry the live-reload
//! script (through [`pipeline::Options::inject`]), and a preview that leaked
//! into the folder a writer publishes would ship that script. The folder is
//! removed on Ctrl-C.
//!
//! Threads: a pool of request workers (each calling `recv` on the shared
//! server), the broadcaster that owns the open event streams
//! ([`reload`]), the debouncer's thread, and the rebuild loop. Builds are
//! serialised by one lock, which shutdown takes last so that no build is
//! writing while the folder is removed.

// Public for the fuzz target of `resolve` (crate::fuzzing).
pub mod http;
mod reload;
mod watch;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::diagnostic::{self, Diagnostic};
use crate::pipeline::{self, Options, Report};

/// How many `/__tolk/events` streams may be open at once.
pub use reload::MAX_CLIENTS as MAX_EVENT_STREAMS;
use reload::{Broadcaster, Event};
use watch::Watch;

/// Request workers. Slow clients cost tiny_http's connection threads, not
/// these (a request reaches `recv` only once its head is complete), event
/// streams are handed to the broadcaster, and a connection holds at most one
/// worker (see [`Busy`]), so a few suffice; it takes this many clients that
/// stop reading their responses at once to stall the server.
const WORKERS: usize = 8;

/// How long a write to a client may make no progress before the connection
/// is given up (see [`listen`]). A client on a slow network still gets large
/// files: only a write that moves no byte for this long fails.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// What `tolk serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The folder with `book.toml`.
    pub root: PathBuf,
    /// 0 lets the system pick a free port (the URL printed names it).
    pub port: u16,
    pub bind: IpAddr,
    /// Open the site in the default browser once it is built.
    pub open: bool,
}

/// The HTML every preview page gets before `</body>`.
pub fn inject() -> String {
    format!("<script src=\"{}\" defer></script>", http::SCRIPT_URL)
}

/// Builds the preview site.
///
/// This is the one place `serve` runs the pipeline. It keeps the compiled
/// site between builds ([`pipeline::Session`]), so an edit to one article
/// recompiles and rewrites only that article's pages and what lists it.
pub struct Builder {
    opts: Options,
    session: std::sync::Mutex<Kept>,
}

/// The kept site and the changes it has not taken in yet.
#[derive(Default)]
struct Kept {
    session: Option<pipeline::Session>,
    /// Changes since the last good build. A failed rebuild leaves the
    /// session as it was, so the next one must take them in again: after
    /// a broken `book.toml`, an edit to an article must not become an
    /// incremental rebuild on the old configuration that hides the error.
    pending: Vec<PathBuf>,
}

impl Builder {
    pub fn new(opts: Options) -> Builder {
        Builder {
            opts,
            session: std::sync::Mutex::default(),
        }
    }

    /// Rebuilds after `changed` (empty: build everything). On failure the
    /// folder keeps the last good site, which the server goes on serving.
    pub fn rebuild(&self, changed: &[PathBuf]) -> Result<Report, Vec<Diagnostic>> {
        let mut guard = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let kept = &mut *guard;
        for path in changed {
            if !kept.pending.contains(path) {
                kept.pending.push(path.clone());
            }
        }
        let result = match kept.session.as_mut() {
            Some(session) if !changed.is_empty() => session.rebuild(&kept.pending),
            _ => pipeline::Session::build(&self.opts).map(|(session, report)| {
                kept.session = Some(session);
                report
            }),
        };
        if result.is_ok() {
            kept.pending.clear();
        }
        result
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }
}

/// The preview's private folder; removed when dropped.
struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    /// Creates a new folder under the system's temporary folder, readable
    /// only by this user (drafts may be confidential), with a name nobody
    /// could have prepared: `create` fails rather than reuse an existing one.
    fn create() -> Result<PrivateDir, Diagnostic> {
        let base = std::env::temp_dir();
        let seed = nanos();
        let mut last_error = None;
        for attempt in 0..16u32 {
            let path = base.join(format!(
                "tolk-serve-{}-{:x}",
                std::process::id(),
                seed.wrapping_add(u64::from(attempt) * 7919)
            ));
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&path) {
                Ok(()) => return Ok(PrivateDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        let e = last_error.map(|e| e.to_string()).unwrap_or_default();
        Err(Diagnostic::error(
            "io",
            format!("cannot create a preview folder in {}: {e}", base.display()),
        )
        .with_hint("set TMPDIR to a writable folder"))
    }
}

impl Drop for PrivateDir {
    /// Removes the folder. Ctrl-C waits for an abandoned build's writes
    /// under way to end first; should one outlast that wait,
    /// `remove_dir_all` fails on a folder that gained an entry after it
    /// was listed, so it is tried again until the folder is gone (for at
    /// most half a second).
    fn drop(&mut self) {
        for _ in 0..50 {
            let _ = fs::remove_dir_all(&self.path);
            if fs::symlink_metadata(&self.path).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

fn nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Runs the preview server until Ctrl-C (or SIGTERM). Errors are those that
/// keep it from starting (no `book.toml`, the port is taken); errors in the
/// site are shown in the terminal and the browser, and serving goes on.
pub fn run(opts: &ServeOptions) -> Result<(), Vec<Diagnostic>> {
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        crate::say_err!(
            "tolk: warning: cannot catch Ctrl-C ({e}); the preview folder may be left behind"
        );
    }

    let root = fs::canonicalize(&opts.root).map_err(|e| {
        vec![Diagnostic::error(
            "config",
            format!("cannot open the site folder {}: {e}", opts.root.display()),
        )
        .with_hint("pass the folder that holds book.toml with --root")]
    })?;
    let private = PrivateDir::create().map_err(|d| vec![d])?;
    let site_dir = private.path.join("site");
    let builder = Builder::new(Options {
        root: root.clone(),
        out: Some(site_dir.clone()),
        force: false,
        // The preview is served from the server's root, whatever path the
        // published site lives under.
        base_path: Some("/".into()),
        inject: inject(),
        review: false,
        // A session rebuilds in memory; it never skips.
        skip_unchanged: false,
    });
    // A book.toml that does not load stops here: without it there is no
    // content folder to watch.
    let config = pipeline::load_config(builder.options())?;

    let addr = SocketAddr::new(opts.bind, opts.port);
    let server = listen(addr).map_err(|e| {
        vec![
            Diagnostic::error("serve", format!("cannot listen on {addr}: {e}")).with_hint(
                "another program (perhaps another tolk serve) uses that port: pass --port",
            ),
        ]
    })?;
    let server = Arc::new(server);
    let addr = server.server_addr().to_ip().unwrap_or(addr);

    let server_id = format!("{}-{:x}", std::process::id(), nanos());
    let events = Broadcaster::start(server_id.clone());
    let good = Arc::new(AtomicU64::new(0));
    let canonical_private = fs::canonicalize(&private.path).map_err(|e| {
        vec![Diagnostic::error(
            "io",
            format!("cannot open {}: {e}", private.path.display()),
        )]
    })?;
    let ctx = Arc::new(http::Ctx {
        site: canonical_private.join("site"),
        events: events.clone(),
        server: server_id,
        good: good.clone(),
        hosts: http::Hosts::new(addr),
    });
    let stopping = Arc::new(AtomicBool::new(false));
    let busy: Arc<Busy> = Arc::default();
    for i in 0..WORKERS {
        let (server, ctx, stopping) = (server.clone(), ctx.clone(), stopping.clone());
        let busy = busy.clone();
        let spawned = thread::Builder::new()
            .name(format!("tolk-http-{i}"))
            .spawn(move || worker(&server, &ctx, &busy, &stopping));
        if let Err(e) = spawned {
            return Err(vec![Diagnostic::error(
                "serve",
                format!("cannot start a server thread: {e}"),
            )]);
        }
    }

    // Watch before the first build, so that a save made while it runs is
    // not lost: it queues and triggers the next build.
    let watch = Watch::start(&root, &site_dir, &config).map_err(|d| vec![d])?;
    let build_lock = Arc::new(Mutex::new(()));
    let mut rebuilds = Rebuilds {
        builder,
        events,
        root: root.clone(),
        site: site_dir,
        build: 0,
        good,
        last_ok: false,
    };
    // Ctrl-C is handled on a thread of its own from here on, so that it
    // stops the server within a second even while a build runs (the first
    // one included): it waits that long for the build, then removes the
    // folder and ends the process, build or not.
    {
        let (server, lock, stopping) = (server.clone(), build_lock.clone(), stopping.clone());
        thread::Builder::new()
            .name("tolk-stop".into())
            .spawn(move || stop_on_signal(&stop_rx, &server, &lock, &stopping, private))
            .map_err(|e| {
                vec![Diagnostic::error(
                    "serve",
                    format!("cannot start the Ctrl-C thread: {e}"),
                )]
            })?;
    }
    {
        let _guard = build_lock.lock().unwrap_or_else(|e| e.into_inner());
        rebuilds.run(&[]);
    }

    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::from([127, 0, 0, 1]), addr.port())
    } else {
        addr
    };
    let url = format!("http://{shown}/");
    crate::say_err!(
        "Serving {} at {url} (press Ctrl-C to stop)",
        config.book.title
    );
    if !addr.ip().is_loopback() {
        crate::say_err!(
            "tolk: warning: listening on {addr}: anyone who can reach this machine can read the \
             preview, drafts included; leave out --bind to keep it to this machine"
        );
    }
    if opts.open {
        open_browser(&url);
    }

    {
        let (lock, stopping) = (build_lock.clone(), stopping.clone());
        thread::Builder::new()
            .name("tolk-rebuild".into())
            .spawn(move || rebuild_loop(rebuilds, watch, &lock, &stopping))
            .map_err(|e| {
                vec![Diagnostic::error(
                    "serve",
                    format!("cannot start the rebuild thread: {e}"),
                )]
            })?;
    }

    // The stop thread ends the process.
    loop {
        thread::park();
    }
}

/// How long Ctrl-C waits for a build in progress before it removes the
/// preview folder anyway (a rebuild of a big site can take minutes). Short:
/// a build that ends within it only changes the goodbye message, and a
/// writer pressing Ctrl-C expects the prompt back at once.
const STOP_GRACE: Duration = Duration::from_millis(300);

/// How long, after that, the writes under way may take to end before the
/// folder is removed (each is one file; a file made in pieces stops at the
/// next piece).
const STOP_DRAIN: Duration = Duration::from_millis(300);

/// Waits for Ctrl-C (or SIGTERM), then stops the workers, waits at most
/// [`STOP_GRACE`] for a build in progress (and keeps a new one from
/// starting), removes the private folder and ends the process.
fn stop_on_signal(
    stop_rx: &mpsc::Receiver<()>,
    server: &tiny_http::Server,
    lock: &Mutex<()>,
    stopping: &AtomicBool,
    private: PrivateDir,
) {
    // Without a Ctrl-C handler the sender is gone and this returns at once;
    // then serve on, as a server without Ctrl-C handling would.
    if stop_rx.recv().is_err() {
        loop {
            thread::park();
        }
    }
    stopping.store(true, Ordering::SeqCst);
    for _ in 0..WORKERS {
        server.unblock();
    }
    let deadline = Instant::now() + STOP_GRACE;
    let guard = loop {
        match lock.try_lock() {
            Ok(g) => break Some(g),
            Err(std::sync::TryLockError::Poisoned(e)) => break Some(e.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(std::sync::TryLockError::WouldBlock) => break None,
        }
    };
    let cut_short = guard.is_none();
    // A build still running writes only into the private folder (its
    // output's spare copy), and from now on nothing at all; the process
    // ends right after the removal.
    crate::output::abandon_writes(STOP_DRAIN);
    drop(private);
    if cut_short {
        crate::say_err!("Stopped (the build in progress was abandoned).");
    } else {
        crate::say_err!("Stopped.");
    }
    std::process::exit(0);
}

/// The connections a worker is answering right now, with the requests
/// that arrived on them meanwhile (HTTP/1.1 pipelining).
///
/// tiny_http puts every request of every connection in one queue, and the
/// responses of one connection are written in order. A client that
/// pipelines requests and never reads the answers would block the worker
/// writing the first one, and every worker that picked up a later one would
/// wait behind it: all of them, soon. So one connection gets at most one
/// worker; its later requests wait in its own line and that worker answers
/// them in turn.
type Busy = Mutex<HashMap<SocketAddr, VecDeque<tiny_http::Request>>>;

fn worker(server: &tiny_http::Server, ctx: &http::Ctx, busy: &Busy, stopping: &AtomicBool) {
    let port = server.server_addr().to_ip().map_or(0, |a| a.port());
    loop {
        let request = match server.recv() {
            Ok(request) => request,
            Err(_) if stopping.load(Ordering::SeqCst) => return,
            Err(_) => continue,
        };
        let Some(peer) = request.remote_addr().copied() else {
            answer(request, ctx);
            continue;
        };
        {
            let mut busy = busy.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(line) = busy.get_mut(&peer) {
                line.push_back(request);
                continue;
            }
            busy.insert(peer, VecDeque::new());
        }
        let mut next = Some(request);
        // Whether answering took the whole send timeout: then a write has
        // most likely stalled that long because the client does not read,
        // and each of its queued requests would stall this worker as long
        // again, and so would every request it sends later. The connection
        // is hung up and its queued requests dropped unanswered
        // (`into_writer` keeps tiny_http from writing a 500 to it). A reader
        // so slow that one answer took that long loses its connection too;
        // it can ask again.
        let mut dead = false;
        while let Some(request) = next {
            if dead {
                drop(request.into_writer());
            } else {
                let start = Instant::now();
                answer(request, ctx);
                if start.elapsed() >= SEND_TIMEOUT {
                    dead = true;
                    hang_up(peer, port);
                }
            }
            let mut busy = busy.lock().unwrap_or_else(|e| e.into_inner());
            next = busy.get_mut(&peer).and_then(VecDeque::pop_front);
            if next.is_none() {
                busy.remove(&peer);
            }
        }
    }
}

/// Binds `addr` for tiny_http, with a send timeout on the listening socket
/// that every accepted connection inherits (Linux copies `SO_SNDTIMEO` and
/// `TCP_NODELAY` to the sockets `accept` returns; tiny_http gives no access
/// to them).
///
/// Without it a client that stops reading holds the worker (or the
/// broadcaster) writing to it for as long as it keeps the connection open.
/// `SO_RCVTIMEO` cannot be set the same way: on the listener it would make
/// tiny_http's `accept` time out, which ends its accept loop. A client that
/// sends its request slowly costs one of tiny_http's connection threads,
/// not a worker.
fn listen(addr: SocketAddr) -> std::io::Result<tiny_http::Server> {
    let listener = std::net::TcpListener::bind(addr)?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let timeout = libc::timeval {
            tv_sec: SEND_TIMEOUT.as_secs() as libc::time_t,
            tv_usec: 0,
        };
        // SAFETY: a valid socket descriptor and a `timeval` of the size passed.
        let rc = unsafe {
            libc::setsockopt(
                listener.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_SNDTIMEO,
                std::ptr::addr_of!(timeout).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // Inherited the same way. tiny_http writes a response's head and
        // body separately; with Nagle's algorithm the body then waits for
        // the client's delayed ACK, 40 ms per request on a kept-alive
        // connection.
        let on: libc::c_int = 1;
        // SAFETY: as above, with a `c_int`.
        let rc = unsafe {
            libc::setsockopt(
                listener.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                std::ptr::addr_of!(on).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    tiny_http::Server::from_listener(listener, None).map_err(std::io::Error::other)
}

/// Shuts down the connection from `peer` to this server's `port`, found
/// among the process's open descriptors: tiny_http does not hand out its
/// sockets. Its connection thread then sees the end of the stream and
/// further writes fail at once.
#[cfg(target_os = "linux")]
fn hang_up(peer: SocketAddr, port: u16) {
    use std::os::fd::FromRawFd;
    let Ok(fds) = fs::read_dir("/proc/self/fd") else {
        return;
    };
    for entry in fds.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // SAFETY: the descriptor is only asked for its addresses and shut
        // down, never closed (`ManuallyDrop`); on a descriptor that is not a
        // socket, or was closed meanwhile, those calls fail harmlessly.
        let stream = std::mem::ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(fd) });
        if stream.peer_addr().ok() == Some(peer)
            && stream.local_addr().is_ok_and(|a| a.port() == port)
        {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn hang_up(_peer: SocketAddr, _port: u16) {}

fn answer(request: tiny_http::Request, ctx: &http::Ctx) {
    // A bug must cost one request (tiny_http answers 500 when a request is
    // dropped unanswered), not a worker.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        http::handle(request, ctx);
    }));
}

/// The rebuild loop's state.
struct Rebuilds {
    builder: Builder,
    events: Broadcaster,
    root: PathBuf,
    site: PathBuf,
    /// Counts builds.
    build: u64,
    /// The last good build, whose files are served: pages carry it, and
    /// one that connects to find a newer build reloads.
    good: Arc<AtomicU64>,
    /// Whether the last build succeeded (the pages show no overlay).
    last_ok: bool,
}

impl Rebuilds {
    /// Builds once, prints the outcome and tells the pages. `changed` is
    /// empty for the first build.
    fn run(&mut self, changed: &[PathBuf]) {
        self.build += 1;
        let build = self.build;
        // CSS-only is decided from the sources: a stylesheet's hashed name
        // changes every page that links it, so the output cannot tell. After
        // a failed build the pages need a real reload to drop the overlay
        // and pick up everything that changed since the last good one.
        let css_only = self.last_ok && !changed.is_empty() && changed.iter().all(|p| is_css(p));
        match self.builder.rebuild(changed) {
            Ok(report) => {
                let what = if changed.is_empty() {
                    String::new()
                } else {
                    format!(" after changes to {}", describe(changed, &self.root))
                };
                // The same diagnostics and counts as `tolk build` and
                // `tolk check` (a rebuild counts the whole site's).
                diagnostic::eprint_all(&report.diagnostics);
                crate::say_err!(
                    "{} {}: {} in nl-nl, {} in en, in {:.0?}{what}; {}",
                    if changed.is_empty() {
                        "Built"
                    } else {
                        "Rebuilt"
                    },
                    diagnostic::plural(report.articles, "article"),
                    diagnostic::plural(report.pages_per_lang, "page"),
                    report.pages_per_lang,
                    report.elapsed,
                    diagnostic::tally(&report.diagnostics),
                );
                self.good.store(build, Ordering::SeqCst);
                let event = if css_only {
                    Event::Css {
                        build,
                        stylesheets: stylesheets(&self.site),
                    }
                } else {
                    Event::Reload { build }
                };
                self.events.send(event);
                self.last_ok = true;
            }
            Err(diagnostics) => {
                diagnostic::eprint_all(&diagnostics);
                // Before a first good build there is no site to fall back
                // on: every page says the site has not been built yet.
                let serving = if self.good.load(Ordering::SeqCst) == 0 {
                    "nothing is served until it builds"
                } else {
                    "still serving the last good site"
                };
                crate::say_err!(
                    "tolk: the build failed with {}; {serving}",
                    diagnostic::tally(&diagnostics)
                );
                self.events.send(Event::Error { diagnostics });
                self.last_ok = false;
            }
        }
    }
}

/// Rebuilds once per burst of changes; changes made during a build are the
/// next burst.
fn rebuild_loop(mut rebuilds: Rebuilds, mut watch: Watch, lock: &Mutex<()>, stopping: &AtomicBool) {
    while let Some(changed) = watch.next_burst() {
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        // book.toml may name other folders now, and a folder may have
        // appeared (a first `themes/`): point the watch at them.
        watch.refresh(
            pipeline::load_config(rebuilds.builder.options())
                .ok()
                .as_ref(),
        );
        let changed: Vec<PathBuf> = changed.into_iter().collect();
        rebuilds.run(&changed);
    }
}

fn is_css(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("css"))
}

/// `content/a.md, themes/x/static/style.css and 3 more`, relative to the
/// root.
fn describe(paths: &[PathBuf], root: &Path) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..2].join(", "), n - 2),
    }
}

/// The site's theme stylesheets: logical name (`style.css`) → URL of the
/// current hashed file (`/static/style.1a2b3c4d.css`).
fn stylesheets(site: &Path) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let Ok(entries) = fs::read_dir(site.join("static")) else {
        return map;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".css") {
            continue;
        }
        map.insert(logical_name(&name), format!("/static/{name}"));
    }
    map
}

/// `style.1a2b3c4d.css` → `style.css` (undoes `render::hashed_name`).
fn logical_name(hashed: &str) -> String {
    let mut parts: Vec<&str> = hashed.split('.').collect();
    if parts.len() >= 3 {
        let hash = parts[parts.len() - 2];
        if hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            parts.remove(parts.len() - 2);
        }
    }
    parts.join(".")
}

/// Opens `url` in the default browser. A failure is reported, not fatal: the
/// URL is printed anyway.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        Ok(mut child) => {
            // Reap it, so it does not linger as a zombie.
            thread::spawn(move || child.wait());
        }
        Err(e) => crate::say_err!("tolk: cannot open a browser ({e}); open {url} yourself"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_names_undo_the_content_hash() {
        assert_eq!(logical_name("style.1a2b3c4d.css"), "style.css");
        assert_eq!(
            logical_name(&crate::render::hashed_name("print.css", b"x")),
            "print.css"
        );
        assert_eq!(logical_name("style.css"), "style.css");
        assert_eq!(logical_name("a.b.cafe.css"), "a.b.cafe.css");
    }

    #[test]
    fn css_only_is_by_extension() {
        assert!(is_css(Path::new("themes/x/static/style.CSS")));
        assert!(!is_css(Path::new("content/a.md")));
    }
}
