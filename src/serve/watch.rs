//! Watching the site's sources: the content folder, the English sources, the
//! theme folder and `book.toml`.
//!
//! Editors save in many ways: in place, by writing a temporary file and
//! renaming it over the original (vim, VS Code, JetBrains), with swap and
//! backup files beside it. [`Watch::next_burst`] folds each burst of events
//! into one set of paths; [`Watch::relevant`] drops what no build reads.
//!
//! The debouncing is done here rather than with notify-debouncer-mini: the
//! mini debouncer hands over paths without the kind of event, and on Linux
//! notify reports every `open` of a watched file, so each build (which opens
//! every article) would have triggered the next one. Here only events that
//! change something count: creation, modification, removal, renames, and a
//! close after writing.
//!
//! `book.toml` is watched through its folder (non-recursively), not as a
//! file: a watch on the file itself follows the old inode and goes deaf
//! after the first atomic-rename save.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::{self, Config};
use crate::content::is_ignored;
use crate::diagnostic::Diagnostic;

/// How long the sources must be quiet before a burst counts as over. Long
/// enough to cover an editor's write-rename-delete dance, short enough not
/// to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A burst that never goes quiet (a `git checkout` of thousands of files, a
/// tool rewriting files in a loop) is cut here, so that the preview still
/// follows.
const MAX_BURST: Duration = Duration::from_millis(1000);

/// While git holds its index lock (a checkout, a merge, a rebase rewriting
/// the work tree), the burst is not over, however slow the machine: one
/// checkout is one rebuild. Bounded, in case a crashed git left the lock.
const MAX_GIT_BURST: Duration = Duration::from_secs(10);

pub struct Watch {
    watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    /// The output folders (the preview's and `build-dir`): never sources,
    /// even if a config put them in reach.
    outs: Vec<PathBuf>,
    /// The folders whose changes matter (watched recursively once they exist).
    dirs: Vec<PathBuf>,
    /// Files that matter although their folder is not watched or their
    /// name is one the watch ignores: `book.toml`, and the DocFX
    /// redirection file beside it or in the content folder (a dotfile).
    files: Vec<PathBuf>,
    /// The folders watched now, with the identity of the folder watched.
    watched: BTreeMap<PathBuf, Identity>,
    /// `index.lock` of the git repository holding the site, if it is in one.
    git_lock: Option<PathBuf>,
}

/// The index lock file of the git repository that holds `root` (its own
/// `.git` folder, or the one a worktree's `.git` file names), if any.
fn git_index_lock(root: &Path) -> Option<PathBuf> {
    for dir in root.ancestors() {
        let git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&git) else {
            continue;
        };
        if meta.is_dir() {
            return Some(git.join("index.lock"));
        }
        if meta.is_file() {
            let text = std::fs::read_to_string(&git).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            return Some(dir.join(target).join("index.lock"));
        }
    }
    None
}

/// Which folder a path names (device and inode on Unix), so that a folder
/// replaced by another of the same name is told apart.
type Identity = (u64, u64);

fn identity(dir: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some((0, 0))
    }
}

impl Watch {
    /// Starts watching. `root` must be absolute.
    pub fn start(root: &Path, out: &Path, config: &Config) -> Result<Watch, Diagnostic> {
        let (tx, rx) = mpsc::channel();
        // Symbolic links are not followed: a link out of the content folder
        // (`-> /proc/self/task`, `-> /`) would have notify walk and watch
        // the whole file system, and a link that stays inside points at a
        // folder watched anyway.
        let mut watcher = RecommendedWatcher::new(
            move |event| {
                let _ = tx.send(event);
            },
            notify::Config::default().with_follow_symlinks(false),
        )
        .map_err(|e| {
            Diagnostic::error("watch", format!("cannot watch the site's files: {e}"))
                .with_hint("on Linux, raise fs.inotify.max_user_watches or max_user_instances")
        })?;
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| {
                Diagnostic::error("watch", format!("cannot watch {}: {e}", root.display()))
            })?;
        let mut watch = Watch {
            watcher,
            rx,
            root: root.to_path_buf(),
            outs: vec![out.to_path_buf()],
            dirs: Vec::new(),
            files: vec![root.join(config::FILE_NAME)],
            watched: BTreeMap::new(),
            git_lock: git_index_lock(root),
        };
        watch.refresh(Some(config));
        Ok(watch)
    }

    /// Points the watch at the folders `config` names and adds watches for
    /// those that have appeared since (a new `themes/` folder, a content
    /// folder renamed in book.toml). `None` (book.toml does not parse) keeps
    /// the folders as they were.
    pub fn refresh(&mut self, config: Option<&Config>) {
        if let Some(config) = config {
            let root = &self.root;
            self.dirs = [
                config.content_dir(),
                config.english_dir(),
                root.join("themes"),
            ]
            .into_iter()
            // `english-src = "."` must not watch the whole project (its
            // `.git`, `target/`, the build folder) recursively.
            .filter(|dir| !root.starts_with(dir))
            .collect();
            self.outs.truncate(1);
            self.outs.push(config.build_dir());
            self.files = vec![
                root.join(config::FILE_NAME),
                root.join(crate::redirects::DOCFX_FILE),
                config.content_dir().join(crate::redirects::DOCFX_FILE),
            ];
        }
        // A watched folder that was deleted took its watch with it; forget
        // it, so that it is watched again when it comes back. One deleted
        // and made anew within a burst (`rm -rf content && cp -r ...`) is
        // still a folder, but the watch follows the old one: it is known by
        // its identity.
        let watcher = &mut self.watcher;
        self.watched.retain(|dir, id| {
            identity(dir).is_some_and(|now| now == *id) || {
                let _ = watcher.unwatch(dir);
                false
            }
        });
        for dir in &self.dirs {
            if self.watched.contains_key(dir) {
                continue;
            }
            let Some(id) = identity(dir) else { continue };
            match self.watcher.watch(dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(dir.clone(), id);
                }
                Err(e) => crate::say_err!("tolk: cannot watch {}: {e}", dir.display()),
            }
        }
    }

    /// Blocks until the sources change, then until they have been quiet for
    /// [`DEBOUNCE`] (and git holds no index lock), and returns every
    /// relevant path that changed. Changes
    /// made while the caller was building queue up and come out as the next
    /// burst. `None` when the watcher has stopped.
    pub fn next_burst(&mut self) -> Option<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            let event = self.rx.recv().ok()?;
            self.take(event, &mut changed);
        }
        let start = Instant::now();
        let mut last = Instant::now();
        loop {
            let git_busy = self.git_lock.as_deref().is_some_and(Path::exists);
            let (wait, limit) = if git_busy {
                (DEBOUNCE, MAX_GIT_BURST)
            } else {
                (DEBOUNCE.saturating_sub(last.elapsed()), MAX_BURST)
            };
            if wait.is_zero() || start.elapsed() >= limit {
                return Some(changed);
            }
            match self.rx.recv_timeout(wait) {
                Ok(event) => {
                    if self.take(event, &mut changed) {
                        last = Instant::now();
                    }
                }
                // Quiet, but git is still at work: look again.
                Err(RecvTimeoutError::Timeout) if git_busy => {}
                Err(RecvTimeoutError::Timeout) => return Some(changed),
                Err(RecvTimeoutError::Disconnected) => return Some(changed),
            }
        }
    }

    /// Adds an event's relevant paths to `changed`; true when the event was
    /// a change (even of a path already in the set).
    fn take(&self, event: notify::Result<notify::Event>, changed: &mut BTreeSet<PathBuf>) -> bool {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                crate::say_err!("tolk: file watcher error: {e}");
                return false;
            }
        };
        if event.need_rescan() {
            // The kernel dropped events: we cannot know what changed, so
            // treat it as a change to the configuration (a full rebuild).
            changed.insert(self.root.join(config::FILE_NAME));
            return true;
        }
        if !is_change(&event.kind) {
            return false;
        }
        let mut any = false;
        for path in event.paths {
            if self.relevant(&path) {
                changed.insert(path);
                any = true;
            }
        }
        any
    }

    /// Whether a changed path can change the site: `book.toml`, or a file
    /// under a watched folder none of whose names is an editor's swap,
    /// backup or hidden file.
    pub fn relevant(&self, path: &Path) -> bool {
        if self.outs.iter().any(|out| path.starts_with(out)) {
            return false;
        }
        if self.files.iter().any(|f| f == path) {
            return true;
        }
        self.dirs.iter().any(|dir| {
            path.strip_prefix(dir).is_ok_and(|rel| {
                rel.components()
                    .all(|c| !is_ignored(&c.as_os_str().to_string_lossy()))
            })
        })
    }
}

/// Whether an event can change a file's content or existence. Reads, opens
/// and closes after reading are what the build itself does.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Any | EventKind::Other => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, RemoveKind, RenameMode};

    #[test]
    fn the_git_index_lock_is_found_for_a_repository_and_a_worktree() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("docs/site")).unwrap();
        assert_eq!(
            git_index_lock(&repo.join("docs/site")),
            Some(repo.join(".git/index.lock"))
        );
        let wt = dir.path().join("wt");
        std::fs::create_dir_all(&wt).unwrap();
        std::fs::write(wt.join(".git"), "gitdir: ../repo/.git/worktrees/wt\n").unwrap();
        assert_eq!(
            git_index_lock(&wt),
            Some(wt.join("../repo/.git/worktrees/wt/index.lock"))
        );
        let none = tempfile::tempdir().unwrap();
        // A temporary folder may itself sit in a repository; only check
        // that a lone folder gives no lock inside itself.
        assert_ne!(
            git_index_lock(none.path()),
            Some(none.path().join(".git/index.lock"))
        );
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        assert!(is_change(&EventKind::Remove(RemoveKind::File)));
    }
}
