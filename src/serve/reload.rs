//! Live reload: the server-sent-events stream every served page listens to.
//!
//! An event-stream connection stays open as long as the page does, so it must
//! not hold one of the request workers. The worker hands the connection's
//! writer to the broadcaster thread, which owns all of them, and goes back to
//! serving files. The broadcaster also remembers whether the site is broken,
//! so a page opened while it is gets the error overlay at once.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use tiny_http::{Request, Response};

use crate::diagnostic::Diagnostic;

/// Open event streams beyond this get 503 with `Retry-After` (the page's
/// script tries again): every open tab holds one, and a runaway script
/// should not make the broadcaster write to thousands. Before refusing, the
/// open streams are pinged and the dead ones dropped, so closed tabs never
/// keep a slot from a live one.
pub const MAX_CLIENTS: usize = 256;

/// Seconds a refused stream is told to wait before it asks again.
const RETRY_AFTER: &str = "2";

/// How often idle streams get a comment line. It finds closed tabs (the write
/// fails) and keeps proxies from timing the stream out.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// What a build tells the open pages.
#[derive(Debug, Clone)]
pub enum Event {
    /// The site was rebuilt: reload the page.
    Reload { build: u64 },
    /// Only stylesheets changed: swap them without a reload. Maps the
    /// stylesheet's logical name (`style.css`) to its new URL.
    Css {
        build: u64,
        stylesheets: BTreeMap<String, String>,
    },
    /// The rebuild failed: show the diagnostics over the page. The pages
    /// stay those of the last good build.
    Error { diagnostics: Vec<Diagnostic> },
}

#[derive(Serialize)]
struct ShownDiagnostic<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    /// The same text the terminal shows, without colour.
    rendered: String,
}

impl Event {
    /// The event as one SSE frame. JSON never contains a raw newline, so one
    /// `data:` line is enough.
    fn frame(&self, server: &str) -> String {
        let (name, data) = match self {
            Event::Reload { build } => (
                "reload",
                serde_json::json!({ "server": server, "build": build }),
            ),
            Event::Css { build, stylesheets } => (
                "css",
                serde_json::json!({ "server": server, "build": build, "stylesheets": stylesheets }),
            ),
            Event::Error { diagnostics } => {
                let shown: Vec<ShownDiagnostic> = diagnostics
                    .iter()
                    .map(|d| ShownDiagnostic {
                        diagnostic: d,
                        rendered: d.render(false),
                    })
                    .collect();
                (
                    "error",
                    serde_json::json!({ "server": server, "diagnostics": shown }),
                )
            }
        };
        format!("event: {name}\ndata: {data}\n\n")
    }

    /// The build whose files are now served, if this event brings one.
    fn good_build(&self) -> Option<u64> {
        match self {
            Event::Reload { build } | Event::Css { build, .. } => Some(*build),
            Event::Error { .. } => None,
        }
    }
}

enum Msg {
    Subscribe(Request),
    Send(Event),
}

/// The handle the workers and the rebuild loop use; cheap to clone.
#[derive(Clone)]
pub struct Broadcaster {
    tx: Sender<Msg>,
}

impl Broadcaster {
    /// Starts the broadcaster thread. `server` names this run of the server;
    /// a page whose stream reconnects to a different one (the server was
    /// restarted) reloads.
    pub fn start(server: String) -> Broadcaster {
        let (tx, rx) = mpsc::channel();
        thread::Builder::new()
            .name("tolk-events".into())
            .spawn(move || run(&rx, &server))
            .map(|_| ())
            .unwrap_or_else(|e| crate::say_err!("tolk: cannot start the live-reload thread: {e}"));
        Broadcaster { tx }
    }

    /// Hands an `/__tolk/events` request over to the broadcaster.
    pub fn subscribe(&self, request: Request) {
        if let Err(mpsc::SendError(Msg::Subscribe(request))) = self.tx.send(Msg::Subscribe(request))
        {
            refuse(request);
        }
    }

    /// Sends an event to every open page.
    pub fn send(&self, event: Event) {
        let _ = self.tx.send(Msg::Send(event));
    }
}

type Writer = Box<dyn Write + Send + 'static>;

/// Answers an event-stream request that gets no slot: 503, try again soon.
fn refuse(request: Request) {
    let mut resp =
        Response::from_string("503 Service Unavailable: too many open live-reload streams\n")
            .with_status_code(503);
    for (name, value) in [
        ("Retry-After", RETRY_AFTER),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            resp.add_header(h);
        }
    }
    let _ = request.respond(resp);
}

fn run(rx: &Receiver<Msg>, server: &str) {
    let mut clients: Vec<Writer> = Vec::new();
    // The build whose files are served (0: none yet), and the error frame
    // of the last build if it failed.
    let mut build = 0;
    let mut broken: Option<String> = None;
    let mut last_ping = Instant::now();
    loop {
        // The heartbeat goes out on time even when messages keep coming
        // (constant probing once kept it, and the pruning, from ever running).
        let wait = HEARTBEAT.saturating_sub(last_ping.elapsed());
        match rx.recv_timeout(wait) {
            Ok(Msg::Subscribe(request)) => {
                if clients.len() >= MAX_CLIENTS {
                    // Drop the streams whose tab has gone before refusing:
                    // the first write to a closed connection draws its
                    // reset, the second fails.
                    send_all(&mut clients, PING);
                    send_all(&mut clients, PING);
                }
                if clients.len() >= MAX_CLIENTS {
                    refuse(request);
                    continue;
                }
                let mut w = request.into_writer();
                let hello = format!(
                    "event: hello\ndata: {}\n\n",
                    serde_json::json!({ "server": server, "build": build })
                );
                // The response is written by hand: tiny_http's own responses
                // end, and this one must stay open. No length: it ends when
                // the connection closes.
                let head = "HTTP/1.1 200 OK\r\n\
                            Content-Type: text/event-stream; charset=utf-8\r\n\
                            Cache-Control: no-cache\r\n\
                            X-Accel-Buffering: no\r\n\
                            Connection: close\r\n\r\n\
                            retry: 1000\n\n";
                let ok = w.write_all(head.as_bytes()).is_ok()
                    && w.write_all(hello.as_bytes()).is_ok()
                    && match &broken {
                        Some(frame) => w.write_all(frame.as_bytes()).is_ok(),
                        None => true,
                    }
                    && w.flush().is_ok();
                if ok {
                    clients.push(w);
                }
            }
            Ok(Msg::Send(event)) => {
                build = event.good_build().unwrap_or(build);
                let frame = event.frame(server);
                broken = matches!(event, Event::Error { .. }).then(|| frame.clone());
                send_all(&mut clients, &frame);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if last_ping.elapsed() >= HEARTBEAT {
            send_all(&mut clients, PING);
            last_ping = Instant::now();
        }
    }
}

/// A comment line: ignored by the page, fails on a closed connection.
const PING: &str = ": ping\n\n";

/// Writes a frame to every client, dropping those whose tab has closed.
fn send_all(clients: &mut Vec<Writer>, frame: &str) {
    clients.retain_mut(|w| w.write_all(frame.as_bytes()).is_ok() && w.flush().is_ok());
}
