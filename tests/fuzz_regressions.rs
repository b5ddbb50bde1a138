//! Every input that once crashed a fuzz target (fuzz/, docs/fuzzing.md),
//! and a few written by hand for attacks a target must keep refusing,
//! replayed through the same target body on stable. Inputs live in
//! `tests/fuzz/<target>/`, one file each, named after what they caught.

use std::fs;
use std::path::{Path, PathBuf};

use tolk::fuzzing;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    files.retain(|p| p.file_name().is_some_and(|n| n != ".gitkeep"));
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let data = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, data)
        })
        .collect()
}

/// Runs `body` on each saved input of `target`, naming the file that fails.
fn replay(target: &str, body: impl Fn(&[u8])) {
    let all = inputs(target);
    // An empty folder would make the test pass without replaying anything.
    assert!(!all.is_empty(), "no saved inputs in tests/fuzz/{target}");
    for (path, data) in &all {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(data)));
        assert!(result.is_ok(), "{} fails again", path.display());
    }
}

#[test]
fn front_matter() {
    replay("front_matter", fuzzing::front_matter);
}

#[test]
fn segments() {
    replay("segments", fuzzing::segments);
}

#[test]
fn markdown() {
    replay("markdown", fuzzing::article);
}

#[test]
fn checklist() {
    replay("checklist", fuzzing::checklist);
}

#[test]
fn eval() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let articles: Vec<String> = fuzzing::EVAL_ARTICLES
        .iter()
        .map(|p| fs::read_to_string(repo.join(p)).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    let checklists = fuzzing::eval_checklists(&articles);
    replay("eval", |d| fuzzing::eval(&checklists, d));
}

#[test]
fn serve_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = fuzzing::serve_fixture(dir.path()).unwrap();
    replay("serve_path", |d| fuzzing::serve_path(&root, d));
}

/// A chain of binary operators parses in a loop but makes a tree as deep as
/// it is long, which the checker, evaluator, JS generator and drop walk
/// recursively: 50,000 `+` overflowed the stack of a 2 MiB thread (a build
/// compiles articles on rayon's workers, which have that much). Generated
/// here rather than saved: the fuzzer's inputs are shorter than it needs.
#[test]
fn a_long_operator_chain_is_an_error_not_a_stack_overflow() {
    let yaml = format!(
        "id: c\ntitle: {{nl: T, en: T}}\ninputs:\n  - id: n\n    type: int\n    label: {{nl: N, en: N}}\ncomputed:\n  - id: total\n    expr: n{}\n",
        " + n".repeat(50_000)
    );
    let file_text = format!("# T\n\n```checklist\n{yaml}```\n");
    let worker = std::thread::Builder::new().stack_size(2 << 20);
    let diagnostics = worker
        .spawn(move || {
            fuzzing::checklist(yaml.as_bytes());
            let block = &tolk::checklist::find_blocks(&file_text)[0];
            tolk::checklist::compile(block, Path::new("a.md"), &file_text).1
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert!(d.is_error());
    assert!(
        d.message.contains("more than 64 operators"),
        "{}",
        d.message
    );
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(12));
}
