//! Helpers shared by the integration tests: temporary sites and running the
//! real `tolk` binary.
#![allow(dead_code)]

pub mod browser;
pub mod generated;
pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    /// A site with the given book.toml and no articles.
    pub fn new(book: &str) -> TempSite {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("book.toml"), book).expect("write book.toml");
        std::fs::create_dir_all(dir.path().join("content")).expect("content dir");
        TempSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the site root.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Reads a file of the built site.
    pub fn read(&self, rel: &str) -> String {
        let path = self.dir.path().join("site").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.path().join("site").join(rel).exists()
    }

    /// Runs `tolk <args> --root <site>`.
    pub fn tolk(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.dir.path().to_str().expect("utf-8 path");
        all.extend(["--root", root]);
        tolk(&all, None)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "tolk failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tolk"))
}

/// Runs the tolk binary with `args` (and `cwd`), without colour.
pub fn tolk(args: &[&str], cwd: Option<&Path>) -> Run {
    let mut cmd = Command::new(bin());
    cmd.args(args).env("NO_COLOR", "1").env_remove("RUST_LOG");
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run tolk");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The repository root (where the bundled site lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the bundled site (book.toml, content/) into a temp folder, so tests
/// never write into the checkout.
pub fn bundled_site() -> TempSite {
    let book = std::fs::read_to_string(repo().join("book.toml")).expect("book.toml");
    let site = TempSite::new(&book);
    for entry in std::fs::read_dir(repo().join("content")).expect("content") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        site.write(
            &format!("content/{name}"),
            std::fs::read(entry.path()).expect("read"),
        );
    }
    site
}

pub const ARTICLE: &str =
    "---\ntitle: Artikel\nms.date: 07/22/2021\nauthor: tester\n---\n# Artikel\n\nTekst.\n";

/// Every file and folder under `dir` (hidden ones too), by path relative to
/// it, with each file's bytes (`None` for a folder): two sites are the same
/// when their snapshots are equal.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk site");
        let rel = e
            .path()
            .strip_prefix(dir)
            .expect("prefix")
            .to_string_lossy()
            .into_owned();
        let bytes = e
            .file_type()
            .is_file()
            .then(|| std::fs::read(e.path()).expect("read site file"));
        out.insert(rel, bytes);
    }
    out
}

/// Copies `tests/corpus-mini` (a trimmed copy of the real corpus: Dutch
/// articles with their TOC.yml files, English originals in `content-en/`)
/// into a temp folder.
pub fn corpus_mini() -> TempSite {
    let from = repo().join("tests/corpus-mini");
    let dir = tempfile::tempdir().expect("temp dir");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.expect("walk corpus-mini");
        let rel = e.path().strip_prefix(&from).expect("inside");
        let to = dir.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
    TempSite { dir }
}

/// The full shared corpus: `$TOLK_CORPUS`, or `../shared/corpus` beside the
/// checkout. Only `#[ignore]`d tests use it.
pub fn shared_corpus() -> PathBuf {
    std::env::var_os("TOLK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"))
}

/// An article for review mode (issue 17 item 11): a segment whose halves
/// are the same (line 7) and one whose Dutch half is empty (line 9).
pub const REVIEW_ARTICLE: &str = "---\ntitle: Nakijken\nms.date: 01/02/2021\n---\n\
# <span data-ttu-id=\"r-1\">Een titel</span><span class=\"sxs-lookup\"><span data-stu-id=\"r-1\">A title</span></span>\n\n\
<span data-ttu-id=\"r-2\">Eerste zin.</span><span class=\"sxs-lookup\"><span data-stu-id=\"r-2\">First sentence.</span></span> <span data-ttu-id=\"r-3\">Partner Center</span><span class=\"sxs-lookup\"><span data-stu-id=\"r-3\">Partner Center</span></span>\n\n\
- <span data-ttu-id=\"r-4\"></span><span class=\"sxs-lookup\"><span data-stu-id=\"r-4\">Untranslated sentence.</span></span>\n\
- <span data-ttu-id=\"r-5\">Tweede punt.</span><span class=\"sxs-lookup\"><span data-stu-id=\"r-5\">Second item.</span></span>\n";
