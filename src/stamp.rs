//! The record of the last `tolk build` into an output folder, so that a
//! build whose inputs did not change, into a site nobody touched since, is
//! a check of a few milliseconds instead of a build.
//!
//! Why: a writer runs `tolk build` again to see the warnings, a script
//! or Makefile runs it before each step, a runner that keeps its
//! workspace builds every push, most of which change no article. A build
//! is a pure function of its inputs (the invariant that makes output
//! byte-identical across machines), so when the inputs are the same bytes
//! and the site is still what the last build left, building again would
//! write nothing new: tolk says so and repeats the last build's
//! diagnostics, as cargo does for a crate that is fresh.
//!
//! What makes this safe is that it errs one way only. The inputs' hash
//! takes in more than a build reads (every file of the content, English
//! and theme folders, hidden files too, `book.toml`, the redirection file,
//! the tolk binary, the options, the working folder and the build date),
//! and anything it cannot vouch for (a symbolic link, a FIFO, a file it
//! cannot read, a missing binary) means no stamp, so a full build. The
//! site's side is the identity (type, size, modification and change time,
//! inode) of the output folder, of every file its manifest lists and of
//! every folder above one: a file edited, added or removed there, a site
//! restored from a copy, or one swapped in by another build no longer
//! matches. The stamp is removed before a build may change the site and
//! written after it has, under the lock beside the site, so a build that
//! fails or is killed leaves none, and none describes another build's
//! site.
//!
//! Must not decide anything about the site's content: it compares hashes,
//! and the pipeline decides what a match means.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::output::{self, identity, Sum};

/// The stamp's format: a stamp of another format is not read.
const FORMAT: u32 = 1;

/// The most of a stamp that is read: a stamp holds a build's diagnostics,
/// about 700 bytes each; one cut short here does not parse, and the build
/// is a full one.
const MAX_STAMP: u64 = 256 * 1024 * 1024;

/// `site` → `.site.tolk-stamp`, beside it (beside the lock and the spare):
/// inside, it would be published with the site and be part of what it
/// describes.
pub fn path_for(target: &Path) -> PathBuf {
    output::beside(target, "stamp")
}

/// A build's inputs: their bytes (what a stamp records, so that a fresh
/// checkout of the same commit matches) and the identities of their files
/// (to tell, after the build, that none was saved while it read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inputs {
    pub bytes: u128,
    pub files: u128,
}

/// What a build's inputs hash to, or `None` when they cannot be vouched
/// for (then every build is a full one). `options` is everything of the
/// command line that reaches the output or the diagnostics.
pub fn inputs(config: &Config, options: &str, build_day: i64) -> Option<Inputs> {
    hash_inputs(config, options, build_day, true)
}

/// [`Inputs::files`] alone, from the file system's metadata, reading no
/// file: after a build, that no input changed while it read them (a file
/// saved, even saved back as it was, has a new modification and change
/// time).
pub fn input_files(config: &Config, options: &str, build_day: i64) -> Option<u128> {
    hash_inputs(config, options, build_day, false).map(|i| i.files)
}

fn hash_inputs(config: &Config, options: &str, build_day: i64, read: bool) -> Option<Inputs> {
    let mut h = Xxh3::new();
    let mut ids = Xxh3::new();
    h.update(format!("tolk-stamp {FORMAT} {}\0", env!("CARGO_PKG_VERSION")).as_bytes());
    // The binary itself: a new tolk (or the same version built again)
    // may write other bytes. Its identity, not its 10 MB.
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    h.update(&identity(&meta)?);
    let cwd = std::env::current_dir().ok()?;
    for part in [
        cwd.as_os_str(),
        config.root.as_os_str(),
        config.content_dir().as_os_str(),
        config.english_dir().as_os_str(),
        config.theme_dir().as_os_str(),
        config.build_dir().as_os_str(),
    ] {
        h.update(part.as_encoded_bytes());
        h.update(b"\0");
    }
    h.update(options.as_bytes());
    h.update(b"\0");
    h.update(&build_day.to_le_bytes());
    let mut tree = Tree {
        bytes: Sum::default(),
        ids: Sum::default(),
        read,
    };
    for file in [
        config.root.join(crate::config::FILE_NAME),
        config.root.join(crate::redirects::DOCFX_FILE),
    ] {
        tree.add(&file)?;
    }
    for dir in [
        config.content_dir(),
        config.english_dir(),
        config.theme_dir(),
    ] {
        tree.add(&dir)?;
    }
    h.update(&tree.bytes.0.to_le_bytes());
    ids.update(&tree.ids.0.to_le_bytes());
    Some(Inputs {
        bytes: h.digest128(),
        files: ids.digest128(),
    })
}

/// The hashes of the input trees: their names and bytes (`read`), and
/// their entries' identities.
struct Tree {
    bytes: Sum,
    ids: Sum,
    read: bool,
}

/// What [`walk`] calls for each entry: its path, its path below the
/// walk's top, its metadata; says whether to go into it (a folder).
type Visit<'v> = dyn FnMut(&Path, &[u8], &std::fs::Metadata) -> Option<bool> + 'v;

/// Calls `visit` with every entry under `dir` (its path, its path below
/// the walk's top, and its own metadata: links are not followed), in no
/// particular order, and goes into the folders for which it says
/// `Some(true)`. `None` (from `visit`, or an entry that cannot be read)
/// ends the walk with `None`.
fn walk(dir: &Path, rel: &mut Vec<u8>, visit: &mut Visit<'_>) -> Option<()> {
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let meta = entry.metadata().ok()?;
        let path = entry.path();
        let len = rel.len();
        if len > 0 {
            rel.push(b'/');
        }
        rel.extend_from_slice(entry.file_name().as_encoded_bytes());
        if visit(&path, rel, &meta)? {
            walk(&path, rel, visit)?;
        }
        rel.truncate(len);
    }
    Some(())
}

impl Tree {
    /// Hashes a file or a folder's whole tree, or that it is absent.
    /// Hidden folders (`.git`) are left out: the content's walk never
    /// reads them. `None` for what a hash of bytes cannot stand for: a
    /// symbolic link (its target can change without it), a FIFO or a
    /// device, an entry that cannot be read.
    fn add(&mut self, top: &Path) -> Option<()> {
        // Each tree's entries are named from its top (the trees' tops are
        // in the hash already, in order), so that a file moved from one
        // tree to another changes it.
        let mut top_name = top.as_os_str().as_encoded_bytes().to_vec();
        top_name.push(0);
        let meta = match std::fs::symlink_metadata(top) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.bytes.add(&[&top_name, b"absent"]);
                self.ids.add(&[&top_name, b"absent"]);
                return Some(());
            }
            Err(_) => return None,
        };
        if meta.file_type().is_symlink() {
            return None;
        }
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        if meta.is_file() {
            self.ids.add(&[&top_name, b"file", &identity(&meta)?]);
            files.push((top.to_path_buf(), Vec::new()));
        } else if meta.is_dir() {
            let mut rel = Vec::new();
            walk(top, &mut rel, &mut |path, rel, meta| {
                let kind = meta.file_type();
                // Hidden folders are not read by a build (`.git`).
                if kind.is_dir() && rel.rsplit(|&b| b == b'/').next()?.starts_with(b".") {
                    return Some(false);
                }
                self.ids.add(&[&top_name, rel, &identity(meta)?]);
                if kind.is_dir() {
                    self.bytes.add(&[&top_name, rel, b"dir"]);
                    Some(true)
                } else if kind.is_file() {
                    files.push((path.to_path_buf(), rel.to_vec()));
                    Some(false)
                } else {
                    None
                }
            })?;
        } else {
            return None;
        }
        if !self.read {
            return Some(());
        }
        // The bytes, on all cores (a site's assets can be most of its
        // size), each file streamed through a small buffer.
        let digests: Vec<Option<u128>> =
            files.par_iter().map(|(path, _)| file_hash(path)).collect();
        for ((_, name), digest) in files.iter().zip(digests) {
            self.bytes
                .add(&[&top_name, name, b"file", &digest?.to_le_bytes()]);
        }
        Some(())
    }
}

/// A regular file's bytes, hashed as they are read. Opened without
/// following a link and without waiting (a FIFO put in a file's place
/// since the walk is refused, not waited on).
fn file_hash(path: &Path) -> Option<u128> {
    use std::io::Read;
    thread_local! {
        // One buffer per thread for all its files: zeroing a new 64 KiB
        // buffer per file was most of the hash's cost on small articles.
        static BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 64 * 1024]);
    }
    let mut file = open_regular(path)?;
    let mut h = Xxh3::new();
    BUF.with(|buf| {
        let mut buf = buf.try_borrow_mut().ok()?;
        loop {
            match file.read(&mut buf) {
                Ok(0) => return Some(h.digest128()),
                Ok(n) => h.update(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    })
}

/// Opens `path` for reading only if it is a regular file, not through a
/// symbolic link, and without blocking on a FIFO.
fn open_regular(path: &Path) -> Option<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    file.metadata().ok()?.is_file().then_some(file)
}

/// The identities of the output folder, of its manifest, of every file
/// the manifest lists and of every folder above one
/// ([`output::site_identity`]); `None` when it cannot be read whole.
fn site_listing(target: &Path) -> Option<u128> {
    let files = output::manifest_paths(target)?;
    let mut listed: Vec<&str> = files.iter().map(String::as_str).collect();
    listed.push(output::MARKER);
    output::site_identity(target, &listed, true)
}

/// A build's counts, as its report gives them.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub pages: usize,
    pub pages_per_lang: usize,
    pub articles: usize,
}

/// What a build that found nothing changed reports: the counts and
/// diagnostics of the build that wrote the site.
#[derive(Debug)]
pub struct Kept {
    pub counts: Counts,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize, Deserialize)]
struct StampFile {
    format: u32,
    inputs: String,
    site: String,
    pages: usize,
    pages_per_lang: usize,
    articles: usize,
    diagnostics: Vec<KeptDiagnostic>,
}

/// A [`Diagnostic`] with every field, so that it prints again exactly.
#[derive(Serialize, Deserialize)]
struct KeptDiagnostic {
    severity: String,
    code: String,
    message: String,
    location: Option<KeptLocation>,
    label: Option<String>,
    hint: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct KeptLocation {
    file: PathBuf,
    line: usize,
    column: usize,
    width: usize,
    source_line: String,
    #[serde(default)]
    line_from: usize,
    #[serde(default)]
    line_cut_end: bool,
}

impl KeptDiagnostic {
    fn new(d: &Diagnostic) -> KeptDiagnostic {
        KeptDiagnostic {
            severity: match d.severity {
                Severity::Note => "note",
                Severity::Warning => "warning",
                Severity::Error => "error",
            }
            .to_string(),
            code: d.code.to_string(),
            message: d.message.clone(),
            location: d.location.as_ref().map(|l| KeptLocation {
                file: l.file.clone(),
                line: l.line,
                column: l.column,
                width: l.width,
                source_line: l.source_line.clone(),
                line_from: l.line_from,
                line_cut_end: l.line_cut_end,
            }),
            label: d.label.clone(),
            hint: d.hint.clone(),
        }
    }

    fn restore(self) -> Option<Diagnostic> {
        let severity = Severity::parse(&self.severity)?;
        // A code this binary does not report: not its stamp.
        let code = crate::diagnostic::known_code(&self.code)?;
        Some(Diagnostic {
            severity,
            code,
            message: self.message,
            location: self.location.map(|l| Location {
                file: l.file,
                line: l.line,
                column: l.column,
                width: l.width,
                source_line: l.source_line,
                line_from: l.line_from,
                line_cut_end: l.line_cut_end,
            }),
            label: self.label,
            hint: self.hint,
        })
    }
}

/// The last build's report, when the stamp beside `target` was made from
/// these `inputs` and the site is still as that build left it.
pub fn read_if_fresh(target: &Path, inputs: u128) -> Option<Kept> {
    use std::io::Read;
    let file = open_regular(&path_for(target))?;
    let mut text = String::new();
    file.take(MAX_STAMP).read_to_string(&mut text).ok()?;
    let stamp: StampFile = serde_json::from_str(&text).ok()?;
    if stamp.format != FORMAT || stamp.inputs != format!("{inputs:032x}") {
        return None;
    }
    if stamp.site != format!("{:032x}", site_listing(target)?) {
        return None;
    }
    let diagnostics = stamp
        .diagnostics
        .into_iter()
        .map(KeptDiagnostic::restore)
        .collect::<Option<Vec<_>>>()?;
    Some(Kept {
        counts: Counts {
            pages: stamp.pages,
            pages_per_lang: stamp.pages_per_lang,
            articles: stamp.articles,
        },
        diagnostics,
    })
}

/// Whether something is at the stamp's place beside `target` (a stamp,
/// or anything else a build must deal with before it may trust one).
pub fn exists(target: &Path) -> bool {
    std::fs::symlink_metadata(path_for(target)).is_ok()
}

/// Removes the stamp beside `target`: called before a build may change
/// the site, so that no stamp ever describes a site it did not see. A
/// folder in its place is left: it can never be read as a stamp, nor
/// replaced by one.
pub fn remove(target: &Path) -> Result<(), Diagnostic> {
    let path = path_for(target);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Ok(meta) if meta.is_dir() => return Ok(()),
        _ => {}
    }
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Diagnostic::error(
            "io",
            format!("cannot remove {}: {e}", path.display()),
        )
        .with_hint("tolk keeps its record of the last build there; make the folder writable, or delete the file")),
    }
}

/// Records that the site at `target` is what a build of `inputs` wrote,
/// with its counts and diagnostics. Best effort: without a stamp the next build is a full
/// one, which is always right, so a failure here is not reported.
pub fn write(target: &Path, inputs: u128, counts: Counts, diagnostics: &[Diagnostic]) {
    let Some(site) = site_listing(target) else {
        return;
    };
    let stamp = StampFile {
        format: FORMAT,
        inputs: format!("{inputs:032x}"),
        site: format!("{site:032x}"),
        pages: counts.pages,
        pages_per_lang: counts.pages_per_lang,
        articles: counts.articles,
        diagnostics: diagnostics.iter().map(KeptDiagnostic::new).collect(),
    };
    let Ok(json) = serde_json::to_string(&stamp) else {
        return;
    };
    // Whole or absent: written into a new file of a random name beside it
    // (never through a link someone left there), then renamed over it.
    let path = path_for(target);
    let Some(parent) = path.parent() else {
        return;
    };
    // Named like the stamp (`.site.tolk-stamp.XXXXXX`), which ignore files
    // already leave out (`.*.tolk-*`).
    let prefix = path
        .file_name()
        .map(|n| format!("{}.", n.to_string_lossy()))
        .unwrap_or_default();
    let Ok(mut tmp) = tempfile::Builder::new().prefix(&prefix).tempfile_in(parent) else {
        return;
    };
    use std::io::Write as _;
    if tmp.write_all(json.as_bytes()).is_ok() {
        let _ = tmp.persist(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n").expect("book");
        std::fs::create_dir(dir.path().join("content")).expect("content");
        std::fs::write(dir.path().join("content/a.md"), "# A\n").expect("a.md");
        let config = Config::load(dir.path()).expect("config");
        (dir, config)
    }

    #[test]
    fn a_file_saved_back_as_it_was_keeps_its_bytes_but_not_its_identity() {
        let (dir, config) = project();
        let before = inputs(&config, "", 0).expect("inputs");
        assert_eq!(input_files(&config, "", 0), Some(before.files));
        // Another clock tick, then the same bytes written again (an edit
        // undone while a build read the file).
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("content/a.md"), "# A\n").expect("a.md");
        let after = inputs(&config, "", 0).expect("inputs");
        assert_eq!(
            after.bytes, before.bytes,
            "the same bytes: a fresh checkout matches"
        );
        assert_ne!(
            after.files, before.files,
            "but the build cannot vouch for it"
        );
        assert_eq!(input_files(&config, "", 0), Some(after.files));
    }

    #[test]
    fn what_the_bytes_hash_takes_in() {
        let (dir, config) = project();
        let base = inputs(&config, "", 0).expect("inputs").bytes;
        let again = |f: &dyn Fn()| {
            f();
            inputs(&config, "", 0).map(|i| i.bytes)
        };
        // Hidden folders are not read by a build, nor hashed.
        assert_eq!(
            again(&|| {
                std::fs::create_dir_all(dir.path().join("content/.git")).expect("mkdir");
                std::fs::write(dir.path().join("content/.git/index"), "x").expect("write");
            }),
            Some(base)
        );
        assert_ne!(
            inputs(&config, "--base-url /x/", 0).map(|i| i.bytes),
            Some(base)
        );
        assert_ne!(inputs(&config, "", 1).map(|i| i.bytes), Some(base));
        // A redirection file at the root, then one in the content.
        let with_root = again(&|| {
            std::fs::write(dir.path().join(crate::redirects::DOCFX_FILE), "{}").expect("write")
        });
        assert_ne!(with_root, Some(base));
        let with_both = again(&|| {
            std::fs::write(
                dir.path()
                    .join("content")
                    .join(crate::redirects::DOCFX_FILE),
                "{}",
            )
            .expect("write")
        });
        assert_ne!(with_both, with_root);
        // The same bytes in another file name.
        let renamed = again(&|| {
            std::fs::rename(
                dir.path().join("content/a.md"),
                dir.path().join("content/b.md"),
            )
            .expect("rename")
        });
        assert_ne!(renamed, with_both);
        // A symbolic link: nothing to vouch for.
        std::os::unix::fs::symlink("b.md", dir.path().join("content/c.md")).expect("symlink");
        assert_eq!(inputs(&config, "", 0), None);
    }
}
