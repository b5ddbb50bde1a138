//! Shared by the checklist tests: running the generated JS in Node.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Node, or a failure that says what to install: a parity test that cannot
/// run must not pass.
pub fn node() -> PathBuf {
    for cand in ["/usr/bin/node", "/usr/local/bin/node"] {
        if Path::new(cand).exists() {
            return PathBuf::from(cand);
        }
    }
    if let Ok(out) = Command::new("node").arg("--version").output() {
        if out.status.success() {
            return PathBuf::from("node");
        }
    }
    panic!("node is missing: install nodejs (apt-get install nodejs) to run the checklist parity tests");
}

/// One evaluation for the driver.
pub struct Case {
    pub checklist: String,
    /// The answers as JSON.
    pub answers: String,
    pub today: i64,
    pub lang: &'static str,
}

impl Case {
    pub fn line(&self) -> String {
        format!(
            "{{\"cl\":{},\"answers\":{},\"today\":{},\"lang\":\"{}\"}}",
            serde_json::to_string(&self.checklist).unwrap(),
            self.answers,
            self.today,
            self.lang
        )
    }
}

/// Evaluates every case in one Node process with the runtime and the given
/// generated sources loaded; one JSON line per case.
pub fn run_node(generated: &[String], cases: &[Case]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        root().join("tests/cases/driver.js"),
        root().join("themes/default/static/checklist.js"),
    ];
    for (i, js) in generated.iter().enumerate() {
        let p = dir.path().join(format!("gen{i}.js"));
        std::fs::write(&p, js).unwrap();
        args.push(p);
    }
    let mut child = Command::new(node())
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let input: String = cases.iter().map(|c| c.line() + "\n").collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), cases.len(), "one result per case");
    lines
}
