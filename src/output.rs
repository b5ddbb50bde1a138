//! Output: writing the site so that a failed build never damages the last
//! good one.
//!
//! A build writes into a staging folder beside the target
//! (`site.tolk-staging-<pid>`) and only when every page is written does it
//! swap the staging folder in. The old site is moved aside first and removed
//! after the swap. A marker file tells tolk which folders it wrote, so that it
//! refuses to replace a folder it did not make (the content folder, the
//! project root, a user's folder) unless told to with `--force`.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The marker file tolk puts in every site it writes.
pub const MARKER: &str = ".tolk-site";

/// A staging folder being filled. Dropping it without [`Staging::commit`]
/// removes it, so an interrupted or failed build leaves nothing behind.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

/// Checks that `target` may be replaced by a build: it is not the root or
/// the content folder (or above them), and it is empty, missing, or a site
/// tolk wrote.
pub fn check_target(
    target: &Path,
    root: &Path,
    content: &Path,
    force: bool,
) -> Result<(), Diagnostic> {
    let abs = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (t, r, c) = (abs(target), abs(root), abs(content));
    let refuse = |what: &str| {
        Diagnostic::error("output-dir", format!("refusing to write the site into {}: it is {what}", target.display()))
            .with_hint("set `build-dir` under [build] in book.toml (or pass --out) to a folder of its own, such as `site`")
    };
    if t == r || r.starts_with(&t) {
        return Err(refuse("the project root or a folder above it"));
    }
    if t == c || c.starts_with(&t) || t.starts_with(&c) {
        return Err(refuse("the content folder or overlaps it"));
    }
    if force || !target.exists() || target.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(target)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ok(());
    }
    Err(Diagnostic::error(
        "output-dir",
        format!(
            "refusing to replace {}: it holds files that tolk did not write",
            target.display()
        ),
    )
    .with_hint(
        "move those files away, choose another --out, or pass --force to replace the folder anyway",
    ))
}

impl Staging {
    /// Creates an empty staging folder beside `target`.
    pub fn create(target: &Path) -> Result<Staging, Diagnostic> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        let dir = parent.join(format!(".{name}.tolk-staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        }
        fs::create_dir(&dir).map_err(|e| io_error(&dir, &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Writes one file of the site. May be called from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        let mut f = fs::File::create(&path).map_err(|e| io_error(&path, &e))?;
        f.write_all(bytes).map_err(|e| io_error(&path, &e))?;
        Ok(())
    }

    /// Copies a file into the site.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        fs::copy(from, &path).map_err(|e| io_error(from, &e))?;
        Ok(())
    }

    /// The folder being filled.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Swaps the staging folder in for the target. The old site is renamed
    /// aside, the new one renamed into place, the old one removed: at every
    /// moment one complete site exists on disk.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.write(
            MARKER,
            b"This folder was written by tolk; `tolk build` replaces it as a whole.\n",
        )?;
        let old = self.dir.with_file_name(format!(
            ".{}.tolk-old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(|e| io_error(&self.target, &e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(io_error(&self.target, &e));
        }
        self.committed = true;
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot write {}: {e}", path.display()))
        .with_hint("check that the folder is writable and the disk is not full")
}
