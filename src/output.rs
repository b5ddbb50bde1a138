//! Output: writing the site so that a failed build never damages the last
//! good one, and a rebuild writes only what changed.
//!
//! tolk keeps two copies of the site: the live one (`site/`) and a spare
//! beside it (`.site.tolk-spare/`), which holds the build before. A build
//! brings the spare up to date (writing only files whose bytes changed, by the
//! manifest of content hashes the spare carries, and deleting files the new
//! build no longer has) and then exchanges the two folders in one atomic
//! `renameat2(RENAME_EXCHANGE)`. The live site is never written into, so a
//! build that fails or is killed leaves it exactly as it was; and since
//! unchanged files are neither rewritten nor deleted and recreated, a rebuild
//! costs little more than the pages that changed.
//!
//! The manifest lives in the marker file (`.tolk-site`) that also tells tolk
//! which folders it wrote: tolk refuses to replace a folder it did not make
//! (the content folder, the project root, a user's folder) unless told to
//! with `--force`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::render::content_hash;

/// The marker file tolk puts in every site it writes; it holds the manifest.
pub const MARKER: &str = ".tolk-site";

const MARKER_HEADER: &str = "This folder was written by tolk; `tolk build` replaces it as a whole.";

/// Where the render stage writes files: the [`Staging`] spare of a full
/// build, or the live folder itself for the preview server's incremental
/// rebuilds ([`InPlace`]).
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;

    /// Writes the file that `fill` makes a piece at a time. By default
    /// gathered in memory and written whole.
    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        fill(&mut bytes).map_err(|e| io_error(&PathBuf::from(rel), &e))?;
        self.write(rel, &bytes)
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        Staging::write(self, rel, bytes)
    }

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        Staging::write_with(self, rel, fill)
    }
}

/// Set by the preview server as it stops with a build still running: from
/// then on a build writes nothing (every write is an error), so that the
/// server's private folder, which it removes before it exits, stays gone.
/// A build still writing there used to make folders again as fast as they
/// were removed, and the folder was left behind.
static ABANDONED: AtomicBool = AtomicBool::new(false);

/// Writes that passed [`still_wanted`] and have not finished: the preview
/// server waits for none to be left before it removes its folder, so the
/// removal is one pass rather than a race with the build.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Makes every later write of a build in this process fail (see
/// [`ABANDONED`]), then waits at most `drain` for the writes under way to
/// end. `false` if some were still under way. For the preview server,
/// right before it exits.
pub fn abandon_writes(drain: Duration) -> bool {
    ABANDONED.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + drain;
    while IN_FLIGHT.load(Ordering::SeqCst) > 0 {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// One write under way, counted in [`IN_FLIGHT`] until dropped.
struct Writing;

impl Drop for Writing {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `Err` once [`abandon_writes`] was called; otherwise a guard to hold for
/// the whole write. The count goes up before the flag is read, and
/// `abandon_writes` sets the flag before it reads the count: a write either
/// sees the flag or is counted (both sides `SeqCst`).
fn still_wanted(path: &Path) -> Result<Writing, Diagnostic> {
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    let writing = Writing;
    if ABANDONED.load(Ordering::SeqCst) {
        return Err(abandoned(path));
    }
    Ok(writing)
}

fn abandoned(path: &Path) -> Diagnostic {
    Diagnostic::error(
        "io",
        format!("not written, the build was abandoned: {}", path.display()),
    )
}

/// Writes single files into a live site, each through a temporary file and
/// a rename (a reader sees the old page or the new one). For the preview
/// server only: a rebuild of one article there need not swap the whole
/// site. The site's manifest is reset to "unknown" first, so the next full
/// build that meets this folder as its spare rewrites and prunes it whole.
pub struct InPlace {
    dir: PathBuf,
}

impl InPlace {
    pub fn open(dir: &Path) -> Result<InPlace, Diagnostic> {
        let marker = dir.join(MARKER);
        fs::write(&marker, format!("{MARKER_HEADER}\n")).map_err(|e| io_error(&marker, &e))?;
        Ok(InPlace {
            dir: dir.to_path_buf(),
        })
    }
}

impl Sink for InPlace {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        inside_the_site(rel)?;
        let path = self.dir.join(rel);
        let _writing = still_wanted(&path)?;
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        let tmp = path.with_file_name(format!(
            ".{}.tolk-tmp",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        fs::write(&tmp, bytes).map_err(|e| io_error(&tmp, &e))?;
        fs::rename(&tmp, &path).map_err(|e| io_error(&path, &e))
    }
}

/// The spare copy of the site being brought up to date. Dropping it without
/// [`Staging::commit`] leaves the live site untouched.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// What the spare held when this build started: path → content hash.
    /// Empty when unknown (then every file is written).
    previous: HashMap<String, u64>,
    /// What this build wrote: path → content hash. Each path has one
    /// writer; a second is refused (`output-clash`), so the manifest always
    /// holds the hash of the bytes on disk.
    written: Mutex<BTreeMap<String, u64>>,
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// The spare was made empty by this build: it holds nothing but what
    /// the build writes, so there is nothing to prune.
    fresh: bool,
    /// Held until the build ends (the system drops it when the process
    /// dies), so that two builds never write into the same spare.
    _lock: SiteLock,
}

/// `p` with its links resolved, as far as it exists: the longest part that
/// exists is canonicalized and the rest appended, with `.` and `..` folded.
/// A folder not made yet (`--out content/new/site`) is then still seen to
/// lie inside the content folder; comparing it as written let a build
/// write itself into the content, to be published by the next one.
fn real_path(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    };
    let mut rest = Vec::new();
    let mut base = abs.as_path();
    let real = loop {
        if let Ok(real) = fs::canonicalize(base) {
            break real;
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            // `..` or the root: nothing exists to resolve against.
            _ => break base.to_path_buf(),
        }
    };
    let mut out = real;
    for part in rest.iter().rev() {
        out.push(part);
    }
    // What was not there to canonicalize may still say `.` or `..`.
    let mut folded = PathBuf::new();
    for c in out.components() {
        match c {
            std::path::Component::ParentDir => {
                folded.pop();
            }
            std::path::Component::CurDir => {}
            c => folded.push(c),
        }
    }
    folded
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
    let (t, r, c) = (real_path(target), real_path(root), real_path(content));
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

/// The lock beside a site (`.site.tolk-lock`), held by one build at a
/// time. Two builds into one folder at the same time would write into
/// the same spare and each swap in a mix of both; and a build's record
/// of what it wrote (`crate::stamp`) must describe its own site, so
/// `tolk build` holds the lock from reading that record to writing the
/// next. `None` where there is no lock (not Linux, a file system
/// without `flock`).
#[derive(Clone)]
pub struct SiteLock {
    _file: Option<std::sync::Arc<fs::File>>,
}

/// The locks this process holds, by lock file and thread: a thread
/// that holds a site's lock ([`lock_site`]) and then makes a
/// [`Staging`] for it shares its lock rather than being refused by it.
#[cfg(target_os = "linux")]
#[allow(clippy::type_complexity)]
static HELD: Mutex<Vec<(PathBuf, std::thread::ThreadId, std::sync::Weak<fs::File>)>> =
    Mutex::new(Vec::new());

/// Takes the lock beside `target`, or refuses with `output-dir` while
/// another build (another process, or another thread of this one) holds
/// it.
#[cfg(target_os = "linux")]
pub fn lock_site(target: &Path) -> Result<SiteLock, Diagnostic> {
    use std::os::fd::AsRawFd;
    let path = beside(target, "lock");
    let me = std::thread::current().id();
    if let Ok(mut held) = HELD.lock() {
        held.retain(|(_, _, file)| file.strong_count() > 0);
        let mine = held
            .iter()
            .find(|(p, t, _)| *p == path && *t == me)
            .and_then(|(_, _, file)| file.upgrade());
        if let Some(file) = mine {
            return Ok(SiteLock { _file: Some(file) });
        }
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    }
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_error(&path, &e))?;
    // SAFETY: flock only reads the descriptor, which `file` keeps open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::WouldBlock {
            return Err(Diagnostic::error(
                "output-dir",
                format!(
                    "another tolk build is writing {} right now",
                    target.display()
                ),
            )
            .with_hint("wait for it to finish, then build again"));
        }
        // A file system without locks: build unlocked, as before.
        return Ok(SiteLock { _file: None });
    }
    let file = std::sync::Arc::new(file);
    if let Ok(mut held) = HELD.lock() {
        held.push((path, me, std::sync::Arc::downgrade(&file)));
    }
    Ok(SiteLock { _file: Some(file) })
}

#[cfg(not(target_os = "linux"))]
pub fn lock_site(_: &Path) -> Result<SiteLock, Diagnostic> {
    Ok(SiteLock { _file: None })
}

/// `site`, `"spare"` → `.site.tolk-spare`: a file or folder of tolk's
/// beside the site (the spare, the swap, the lock, the copies' record,
/// the stamp), hidden and named after it, so that two sites in one folder
/// keep theirs apart.
pub fn beside(target: &Path, what: &str) -> PathBuf {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    parent.join(format!(".{name}.tolk-{what}"))
}

/// `site` → (`.site.tolk-spare`, `.site.tolk-swap`), beside it.
fn sibling_paths(target: &Path) -> (PathBuf, PathBuf) {
    (beside(target, "spare"), beside(target, "swap"))
}

impl Staging {
    /// Opens the spare folder beside `target` (creating it on the first
    /// build), and reads its manifest.
    pub fn create(target: &Path) -> Result<Staging, Diagnostic> {
        let _writing = still_wanted(target)?;
        let (spare, swap) = sibling_paths(target);
        let lock = lock_site(target)?;
        // A swap interrupted by a crash on a system without an atomic
        // exchange: put the live site back first.
        if !target.exists() && swap.is_dir() {
            fs::rename(&swap, target).map_err(|e| io_error(target, &e))?;
        }
        if swap.exists() {
            let _ = fs::remove_dir_all(&swap);
        }
        let mut previous = HashMap::new();
        let fresh = !spare.is_dir();
        if !fresh {
            let marker = spare.join(MARKER);
            if let Ok(text) = fs::read_to_string(&marker) {
                previous = parse_manifest(&text);
                // The manifest says what the spare held when it was made;
                // since, it was the live site, which anyone may have edited
                // or added to. If its files and folders are not as they
                // were left, nothing in it is trusted: every file is
                // written and the spare walked for what is not the site's.
                let files: Vec<&str> = previous.keys().map(String::as_str).collect();
                let left = recorded_identity(target, &spare);
                if left.is_none() || left != site_identity(&spare, &files, false) {
                    previous = HashMap::new();
                }
            }
            // From here on the spare's content no longer matches a manifest
            // until commit writes a new one.
            if marker.exists() {
                fs::remove_file(&marker).map_err(|e| io_error(&marker, &e))?;
            }
        } else {
            if let Some(parent) = spare.parent() {
                fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
            }
            fs::create_dir(&spare).map_err(|e| io_error(&spare, &e))?;
        }
        Ok(Staging {
            dir: spare,
            target: target.to_path_buf(),
            previous,
            written: Mutex::new(BTreeMap::new()),
            made_dirs: Mutex::new(HashSet::new()),
            fresh,
            _lock: lock,
        })
    }

    /// Writes one file of the site, unless the spare already holds these
    /// exact bytes. May be called from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let hash = content_hash(bytes);
        self.claim(rel, hash)?;
        let path = self.dir.join(rel);
        let _writing = still_wanted(&path)?;
        let unchanged = self.previous.get(rel) == Some(&hash) && path.is_file();
        if !unchanged {
            self.make_room(&path)?;
            fs::write(&path, bytes).map_err(|e| io_error(&path, &e))?;
        }
        Ok(())
    }

    /// [`Staging::write`] for a file made a piece at a time (a search
    /// index of tens of megabytes, which the build need not hold): `fill`
    /// writes it into a file beside its place, hashed as it goes, which is
    /// then renamed there, or removed if the spare already holds these
    /// exact bytes.
    pub fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        self.claim(rel, 0)?;
        let path = self.dir.join(rel);
        let _writing = still_wanted(&path)?;
        self.make_room(&path)?;
        let mut part = path.clone().into_os_string();
        part.push(".tolk-part");
        let part = PathBuf::from(part);
        let written = (|| {
            let file = fs::File::create(&part)?;
            let mut out = Hashing {
                inner: std::io::BufWriter::with_capacity(64 * 1024, file),
                hash: xxhash_rust::xxh3::Xxh3::new(),
            };
            fill(&mut out)?;
            out.flush()?;
            Ok(out.hash.digest())
        })();
        let hash = match written {
            Ok(hash) => hash,
            Err(e) => {
                let _ = fs::remove_file(&part);
                return Err(io_error(&path, &e));
            }
        };
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel.to_string(), hash);
        }
        if self.previous.get(rel) == Some(&hash) && path.is_file() {
            fs::remove_file(&part).map_err(|e| io_error(&part, &e))
        } else {
            fs::rename(&part, &path).map_err(|e| io_error(&path, &e))
        }
    }

    /// Claims `rel` for this build, with the hash of its bytes: two
    /// writers of one file would leave whichever came last on disk, and
    /// the manifest unsure which.
    fn claim(&self, rel: &str, hash: u64) -> Result<(), Diagnostic> {
        inside_the_site(rel)?;
        let mut written = self
            .written
            .lock()
            .map_err(|_| Diagnostic::error("io", "a thread writing the site failed"))?;
        if written.contains_key(rel) {
            return Err(Diagnostic::error(
                "output-clash",
                format!("two files of the site would be written to {rel}"),
            )
            .with_hint("rename one of them: each path of the site has one source"));
        }
        written.insert(rel.to_string(), hash);
        Ok(())
    }

    /// Makes `path`'s folder, and removes a folder standing at `path`.
    fn make_room(&self, path: &Path) -> Result<(), Diagnostic> {
        if let Some(parent) = path.parent() {
            let known = self
                .made_dirs
                .lock()
                .map(|d| d.contains(parent))
                .unwrap_or(false);
            if !known {
                if fs::create_dir_all(parent).is_err() {
                    // A file of the previous build stands where this
                    // build needs a folder (`a` then `a/b.png`).
                    let mut up = Some(parent);
                    while let Some(p) = up.filter(|p| p.starts_with(&self.dir) && *p != self.dir) {
                        if p.is_file() {
                            fs::remove_file(p).map_err(|e| io_error(p, &e))?;
                        }
                        up = p.parent();
                    }
                    fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
                }
                if let Ok(mut d) = self.made_dirs.lock() {
                    d.insert(parent.to_path_buf());
                }
            }
        }
        // A path that was a folder in the previous build and is a file
        // now (or the reverse) is replaced.
        if path.is_dir() {
            fs::remove_dir_all(path).map_err(|e| io_error(path, &e))?;
        }
        Ok(())
    }

    /// Removes what the new build did not write, writes the manifest, and
    /// exchanges the spare with the live site.
    pub fn commit(self) -> Result<(), Diagnostic> {
        self.commit_then(|| {})
    }

    /// [`Staging::commit`], then `after` while this build still holds the
    /// lock beside the site: what describes the site just swapped in
    /// (`crate::stamp`) is written before another build can swap in its own.
    pub fn commit_then(self, after: impl FnOnce()) -> Result<(), Diagnostic> {
        let _writing = still_wanted(&self.target)?;
        self.swap()?;
        after();
        Ok(())
    }

    fn swap(&self) -> Result<(), Diagnostic> {
        let _writing = still_wanted(&self.target)?;
        let written = self.written.lock().map(|w| w.clone()).unwrap_or_default();
        let keep: HashSet<&str> = written.keys().map(|r| r.as_str()).collect();
        if self.fresh {
            // Made empty by this build (the first, or the first into an
            // empty output folder, as most CI runs are): walking it found
            // only what was just written (a tenth of the corpus build).
        } else if self.previous.is_empty() {
            // Unknown content (a build that was interrupted): walk the
            // whole spare.
            prune(&self.dir, &self.dir, &keep)?;
        } else {
            // The manifest says exactly what the spare holds: delete what the
            // new build did not write, without walking thousands of folders.
            for rel in self.previous.keys().filter(|r| !keep.contains(r.as_str())) {
                let path = self.dir.join(rel);
                if path.is_file() {
                    fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
                }
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != self.dir) {
                    if fs::remove_dir(d).is_err() {
                        break; // not empty
                    }
                    dir = d.parent();
                }
            }
        }
        let mut manifest = String::with_capacity(written.len() * 48);
        manifest.push_str(MARKER_HEADER);
        manifest.push('\n');
        for (rel, hash) in &written {
            manifest.push_str(&format!("{hash:016x}\t{rel}\n"));
        }
        // Written beside and renamed into place: a manifest cut short (a
        // kill or a full disk in the middle of writing it) would list fewer
        // files than the spare holds, and the next build, trusting it, would
        // neither rewrite nor prune the ones it misses.
        let marker = self.dir.join(MARKER);
        let tmp = self.dir.join(format!("{MARKER}.tmp"));
        fs::write(&tmp, manifest).map_err(|e| io_error(&tmp, &e))?;
        fs::rename(&tmp, &marker).map_err(|e| io_error(&marker, &e))?;
        // How the site's files and folders stand now, for the build that
        // finds this copy as its spare to know it was not touched.
        let files: Vec<&str> = written.keys().map(String::as_str).collect();
        if let Some(id) = site_identity(&self.dir, &files, false) {
            record_identity(&self.target, &self.dir, id);
        }
        swap_in(&self.dir, &self.target)
    }
}

/// Refuses a path of the site that would be written outside its folder:
/// absolute, or with a `..` part (split at `/` and at `\`, which Windows
/// also reads as a separator). Every path the build writes is made from
/// the content (an old path of a redirect, an asset's name), so this is
/// the last guard, whatever a stage before missed.
fn inside_the_site(rel: &str) -> Result<(), Diagnostic> {
    let outside = rel.is_empty()
        || rel.starts_with(['/', '\\'])
        || Path::new(rel).is_absolute()
        || rel.split(['/', '\\']).any(|part| part == "..");
    if outside {
        return Err(Diagnostic::error(
            "output-path",
            format!("refusing to write `{rel}`: it is not a path inside the site"),
        )
        .with_hint("a file of the content named a place outside the output folder; rename it (and report it if tolk made the path)"));
    }
    Ok(())
}

/// Deletes files under `dir` that are not in `keep` (paths relative to
/// `root`), and folders left empty.
fn prune(root: &Path, dir: &Path, keep: &HashSet<&str>) -> Result<bool, Diagnostic> {
    let entries = fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    let mut empty = true;
    for entry in entries.flatten() {
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            if prune(root, &path, keep)? {
                fs::remove_dir(&path).map_err(|e| io_error(&path, &e))?;
            } else {
                empty = false;
            }
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if keep.contains(rel.as_str()) {
            empty = false;
        } else {
            fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
        }
    }
    Ok(empty)
}

/// A file system entry's identity: what changes when it is rewritten,
/// replaced or touched.
pub(crate) fn identity(meta: &std::fs::Metadata) -> Option<Vec<u8>> {
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let mut out = Vec::with_capacity(48);
    out.extend_from_slice(&meta.len().to_le_bytes());
    out.extend_from_slice(&mtime.to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        out.extend_from_slice(&meta.ino().to_le_bytes());
        out.extend_from_slice(&meta.dev().to_le_bytes());
        out.extend_from_slice(&meta.ctime().to_le_bytes());
        out.extend_from_slice(&meta.ctime_nsec().to_le_bytes());
    }
    Some(out)
}

/// A hash of a set of entries that does not depend on their order: the
/// sum of each entry's own hash. A folder's entries come in the order the
/// file system lists them, and sorting them (walkdir's `sort_by_file_name`)
/// was most of the cost of a walk; no two entries of a walk have the
/// same path, so none cancels another.
#[derive(Default)]
pub(crate) struct Sum(pub(crate) u128);

impl Sum {
    /// Adds the entry made of `parts` (each part length-prefixed, so that
    /// no two entries' parts run together alike).
    pub(crate) fn add(&mut self, parts: &[&[u8]]) {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in parts {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        self.0 = self.0.wrapping_add(h.digest128());
    }
}

/// The identities (type, size, times, inode) of the site folder `site`,
/// of the `files` in it and of every folder above one, summed; `None`
/// when one is missing or not what it was.
///
/// Every file by its own identity: an edit in place changes its times, a
/// replaced file its inode. The folders for what a list of files cannot
/// show: a file added, removed or renamed changes its folder's
/// modification time. So this states a site a build wrote without
/// reading a folder (the corpus's site has one per page: reading them
/// took more system time than the rest). `top_ctime`: whether the site
/// folder's change time counts, which the exchange of the spare with the
/// live site moves.
pub(crate) fn site_identity(site: &Path, files: &[&str], top_ctime: bool) -> Option<u128> {
    use rayon::prelude::*;
    let mut entries: Vec<(&str, bool)> = Vec::with_capacity(files.len() * 2 + 1);
    let mut dirs = HashSet::new();
    for file in files {
        entries.push((file, false));
        let mut at = file.len();
        while let Some(slash) = file[..at].rfind('/') {
            if !dirs.insert(&file[..slash]) {
                break;
            }
            at = slash;
        }
    }
    entries.extend(dirs.into_iter().map(|d| (d, true)));
    let top = fs::symlink_metadata(site).ok()?;
    let mut top_id = identity(&top)?;
    // The change time is the last 16 bytes of an identity.
    #[cfg(unix)]
    if !top_ctime {
        top_id.truncate(top_id.len() - 16);
    }
    let mut sum = Sum::default();
    sum.add(&[b"", b"d", &top_id]);
    let sums: Option<Vec<u128>> = entries
        .par_iter()
        .map(|&(rel, dir)| {
            let meta = fs::symlink_metadata(site.join(rel)).ok()?;
            if meta.is_dir() != dir || (!dir && !meta.is_file()) {
                return None;
            }
            let mut one = Sum::default();
            one.add(&[
                rel.as_bytes(),
                if dir { b"d" } else { b"f" },
                &identity(&meta)?,
            ]);
            Some(one.0)
        })
        .collect();
    Some(sums?.into_iter().fold(sum.0, u128::wrapping_add))
}

/// `site` → `.site.tolk-copies`, beside it: the identity
/// ([`site_identity`]) of each of the two copies of the site as its build
/// left it, by the copy's folder (inode). Beside, not in the manifest:
/// the site's bytes must not depend on the machine.
fn copies_path(target: &Path) -> PathBuf {
    beside(target, "copies")
}

#[cfg(unix)]
fn copy_key(dir: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(dir).ok().map(|m| m.ino())
}

#[cfg(not(unix))]
fn copy_key(_: &Path) -> Option<u64> {
    None
}

/// The identity recorded for the copy at `dir` when its build left it.
fn recorded_identity(target: &Path, dir: &Path) -> Option<u128> {
    let key = copy_key(dir)?;
    let text = fs::read_to_string(copies_path(target)).ok()?;
    text.lines().find_map(|l| {
        let (k, id) = l.split_once('\t')?;
        (k.parse::<u64>().ok()? == key).then(|| u128::from_str_radix(id, 16).ok())?
    })
}

/// Records `id` for the copy at `dir`, keeping the other copy's line.
/// Best effort: a copy without a record is not trusted, and its next
/// build writes every file.
fn record_identity(target: &Path, dir: &Path, id: u128) {
    let Some(key) = copy_key(dir) else {
        return;
    };
    let path = copies_path(target);
    let other = copy_key(target);
    let mut text: String = fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter(|l| {
            let k = l.split_once('\t').and_then(|(k, _)| k.parse::<u64>().ok());
            k.is_some() && k != Some(key) && k == other
        })
        .map(|l| format!("{l}\n"))
        .collect();
    text.push_str(&format!("{key}\t{id:032x}\n"));
    // A new file of a random name, renamed over the record: never written
    // through a link someone left at either name.
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!("{}.", name.to_string_lossy());
    if let Ok(mut tmp) = tempfile::Builder::new().prefix(&prefix).tempfile_in(parent) {
        if tmp.write_all(text.as_bytes()).is_ok() {
            let _ = tmp.persist(&path);
        }
    }
}

/// The paths of the files a build wrote into the site at `site`, from its
/// manifest (`.tolk-site`, itself not listed); `None` when it has none.
pub fn manifest_paths(site: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(site.join(MARKER)).ok()?;
    if !text.starts_with(MARKER_HEADER) {
        return None;
    }
    Some(parse_manifest(&text).into_keys().collect())
}

fn parse_manifest(text: &str) -> HashMap<String, u64> {
    let mut lines = text.lines();
    if lines.next() != Some(MARKER_HEADER) {
        return HashMap::new();
    }
    lines
        .filter_map(|l| {
            let (hash, rel) = l.split_once('\t')?;
            Some((rel.to_string(), u64::from_str_radix(hash, 16).ok()?))
        })
        .collect()
}

/// Makes `spare` the live site at `target`; the old live site becomes the
/// spare. One atomic exchange where the system has it, otherwise three
/// renames (recovered by [`Staging::create`] if interrupted).
fn swap_in(spare: &Path, target: &Path) -> Result<(), Diagnostic> {
    if !target.exists() {
        return fs::rename(spare, target).map_err(|e| io_error(target, &e));
    }
    if exchange(spare, target).is_ok() {
        return Ok(());
    }
    let (_, swap) = sibling_paths(target);
    fs::rename(target, &swap).map_err(|e| io_error(target, &e))?;
    if let Err(e) = fs::rename(spare, target) {
        let _ = fs::rename(&swap, target);
        return Err(io_error(target, &e));
    }
    fs::rename(&swap, spare).map_err(|e| io_error(spare, &e))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the
    // call; renameat2 reads them and touches no other memory of ours.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Texts a build keeps on disk instead of in memory between two stages:
/// the rendered bodies of the pages, from when their article compiled to
/// when the page is written (the page needs the titles of every other
/// article for its navigation, so it cannot be written before the last
/// one compiled). Without this a build held every page's HTML at once and
/// its memory grew with the site (issue 19).
///
/// One unnamed temporary file in the spare folder (or beside the output
/// folder before the first build: on its file system, not in a RAM-backed
/// `/tmp`), deleted by the OS when the build ends however it ends. Texts
/// are appended a batch at a time and read back by key from any thread.
pub struct Spill {
    file: fs::File,
    /// The folder it is in, for messages.
    dir: PathBuf,
    len: u64,
    /// Per key: offset and length in the file.
    at: HashMap<usize, (u64, usize)>,
    /// A write failed: nothing more is written.
    broken: bool,
    #[cfg(not(unix))]
    read: Mutex<()>,
}

impl Spill {
    /// A new, empty spill for the build of `target`.
    pub fn create(target: &Path) -> Result<Spill, Diagnostic> {
        let (spare, _) = sibling_paths(target);
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // A first build into a folder that does not exist yet: the
        // staging creates it later, and only if the build succeeds.
        let dir = if spare.is_dir() {
            spare
        } else if parent.is_dir() {
            parent.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let file = tempfile::tempfile_in(&dir).map_err(|e| spill_error(&dir, &e))?;
        Ok(Spill {
            file,
            dir,
            len: 0,
            at: HashMap::new(),
            broken: false,
            #[cfg(not(unix))]
            read: Mutex::new(()),
        })
    }

    /// Appends `texts`, each under its key (a later text replaces an
    /// earlier one of the same key).
    ///
    /// Texts are written at the end of what was written before, and their
    /// keys recorded only once they are all on disk: a write that fails
    /// halfway leaves every earlier text readable, and the spill refuses
    /// further writes rather than record places it may not have written.
    pub fn put<'a>(
        &mut self,
        texts: impl IntoIterator<Item = (usize, &'a str)>,
    ) -> Result<(), Diagnostic> {
        if self.broken {
            return Err(spill_error(
                &self.dir,
                &std::io::Error::other("an earlier write to it failed"),
            ));
        }
        let mut placed = Vec::new();
        let mut len = self.len;
        let written = (|| {
            use std::io::{Seek, SeekFrom};
            // Where the last write ended, whatever a reader did since.
            (&self.file).seek(SeekFrom::Start(self.len))?;
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, &self.file);
            for (key, text) in texts {
                placed.push((key, (len, text.len())));
                len += text.len() as u64;
                out.write_all(text.as_bytes())?;
            }
            out.flush()
        })();
        match written {
            Ok(()) => {
                self.at.extend(placed);
                self.len = len;
                Ok(())
            }
            Err(e) => {
                self.broken = true;
                Err(spill_error(&self.dir, &e))
            }
        }
    }

    /// The text put under `key`, or `None` if there is none.
    pub fn get(&self, key: usize) -> Option<Result<String, Diagnostic>> {
        let &(offset, len) = self.at.get(&key)?;
        let mut buf = vec![0; len];
        let read = {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileExt;
                self.file.read_exact_at(&mut buf, offset)
            }
            #[cfg(not(unix))]
            {
                use std::io::{Read, Seek, SeekFrom};
                let _guard = self.read.lock().unwrap_or_else(|e| e.into_inner());
                (&self.file)
                    .seek(SeekFrom::Start(offset))
                    .and_then(|_| (&self.file).read_exact(&mut buf))
            }
        };
        let text = read.map_err(|e| spill_error(&self.dir, &e)).and_then(|()| {
            String::from_utf8(buf).map_err(|_| {
                Diagnostic::error("io", "a temporary file of the build changed under it")
                    .with_hint("run the build again; another program wrote into its files")
            })
        });
        Some(text)
    }
}

fn spill_error(dir: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "io",
        format!(
            "cannot write a temporary file of the build in {}: {e}",
            dir.display()
        ),
    )
    .with_hint("check that the folder is writable and the disk is not full")
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot write {}: {e}", path.display()))
        .with_hint("check that the folder is writable and the disk is not full")
}

/// A writer that hashes what passes through it, as
/// [`content_hash`] hashes the whole.
struct Hashing<W> {
    inner: W,
    hash: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> Write for Hashing<W> {
    /// Stops a file of tens of megabytes at the next piece once the build
    /// is abandoned, rather than at its end.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if ABANDONED.load(Ordering::SeqCst) {
            return Err(std::io::Error::other("the build was abandoned"));
        }
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No path that climbs out, however spelled, is written: the spare's
    /// parent stays as it was, and the error names the path.
    #[test]
    fn paths_outside_the_site_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let s = Staging::create(&target).unwrap();
        for rel in [
            "../escape/index.html",
            "nl-nl/../../escape/index.html",
            "nl-nl\\..\\..\\escape.html",
            "/tmp/escape.html",
            "",
        ] {
            let err = s.write(rel, b"x").unwrap_err();
            assert_eq!(err.code, "output-path", "{rel}");
            let mut out = Vec::new();
            let err = s.write_with(rel, &mut |w| w.write_all(b"x")).unwrap_err();
            out.push(err.code);
            assert_eq!(out, ["output-path"], "{rel}");
        }
        assert!(!dir.path().join("escape").exists());
        // A name with dots in it is a name.
        s.write("nl-nl/a..b/index.html", b"ok").unwrap();
        let place = InPlace::open(dir.path()).unwrap();
        assert_eq!(
            place.write("../x.html", b"x").unwrap_err().code,
            "output-path"
        );
    }

    #[test]
    fn rebuild_writes_only_changes_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let s = Staging::create(&target).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.write("b.txt", b"gone soon").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"one");
        // Second build: goes into the (new) spare, then swapped in.
        let s = Staging::create(&target).unwrap();
        s.write("a/index.html", b"two").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"two");
        assert!(!target.join("b.txt").exists());
        // Third build: the spare holds build one; b.txt must be pruned from it.
        let s = Staging::create(&target).unwrap();
        s.write("a/index.html", b"two").unwrap();
        s.write("c/d/e.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("b.txt").exists());
        assert_eq!(fs::read(target.join("c/d/e.html")).unwrap(), b"new");
        let marker = fs::read_to_string(target.join(MARKER)).unwrap();
        assert!(marker.contains("\ta/index.html\n") && marker.contains("\tc/d/e.html\n"));
    }

    #[test]
    fn a_second_writer_of_a_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let s = Staging::create(&target).unwrap();
        s.write("robots.txt", b"tolk's").unwrap();
        let e = s.write("robots.txt", b"a writer's").unwrap_err();
        assert_eq!(e.code, "output-clash");
        // Not even the same bytes: one path, one writer.
        assert_eq!(
            s.write("robots.txt", b"tolk's").unwrap_err().code,
            "output-clash"
        );
        s.commit().unwrap();
        assert_eq!(fs::read(target.join("robots.txt")).unwrap(), b"tolk's");
        let marker = fs::read_to_string(target.join(MARKER)).unwrap();
        let hash = format!("{:016x}\trobots.txt\n", content_hash(b"tolk's"));
        assert!(marker.contains(&hash), "{marker}");
    }

    #[test]
    fn a_file_can_become_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        for _ in 0..2 {
            let s = Staging::create(&target).unwrap();
            s.write("diagram", b"a file").unwrap();
            s.commit().unwrap();
        }
        let s = Staging::create(&target).unwrap();
        s.write("diagram/x.png", b"now a folder").unwrap();
        s.commit().unwrap();
        assert_eq!(
            fs::read(target.join("diagram/x.png")).unwrap(),
            b"now a folder"
        );
    }

    /// A file written in pieces is the file written whole: the same
    /// bytes, the same manifest hash (so the next build of the same bytes
    /// leaves it alone), nothing left beside it; a failing writer leaves
    /// no part file and an error naming the file.
    #[test]
    fn a_file_written_in_pieces_is_the_file_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let manifest = |t: &Path| fs::read_to_string(t.join(MARKER)).unwrap();
        let s = Staging::create(&target).unwrap();
        s.write("search-nl-nl.json", b"{\"v\":1}").unwrap();
        s.commit().unwrap();
        let whole = manifest(&target);
        let other = dir.path().join("other");
        let s = Staging::create(&other).unwrap();
        s.write_with("search-nl-nl.json", &mut |out| {
            out.write_all(b"{\"v\"")?;
            out.write_all(b":1}")
        })
        .unwrap();
        s.commit().unwrap();
        assert_eq!(
            fs::read(other.join("search-nl-nl.json")).unwrap(),
            b"{\"v\":1}"
        );
        assert_eq!(manifest(&other), whole);
        // Unchanged: kept, not rewritten (its inode stays).
        let spare = sibling_paths(&target).0;
        for _ in 0..2 {
            let s = Staging::create(&target).unwrap();
            s.write_with("search-nl-nl.json", &mut |out| out.write_all(b"{\"v\":1}"))
                .unwrap();
            s.commit().unwrap();
        }
        assert_eq!(manifest(&target), whole);
        let names = |d: &Path| -> Vec<String> {
            let mut v: Vec<String> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(&target), [MARKER, "search-nl-nl.json"]);
        assert_eq!(names(&spare), [MARKER, "search-nl-nl.json"]);
        let s = Staging::create(&target).unwrap();
        let e = s
            .write_with("search-en.json", &mut |out| {
                out.write_all(b"{")?;
                Err(std::io::Error::other("disk full"))
            })
            .unwrap_err();
        assert!(
            e.message.contains("search-en.json") && e.message.contains("disk full"),
            "{}",
            e.message
        );
        assert!(
            !names(&spare).iter().any(|n| n.contains("search-en")),
            "{:?}",
            names(&spare)
        );
    }

    #[test]
    fn a_spill_gives_back_each_text_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::create(&dir.path().join("site")).unwrap();
        spill.put([(3, "<p>drie</p>"), (0, "")]).unwrap();
        spill.put([(1, "één ✓"), (3, "<p>three</p>")]).unwrap();
        assert_eq!(spill.get(1).unwrap().unwrap(), "één ✓");
        assert_eq!(spill.get(3).unwrap().unwrap(), "<p>three</p>");
        assert_eq!(spill.get(0).unwrap().unwrap(), "");
        assert!(spill.get(2).is_none());
        // Nothing is left beside the site: the file has no name.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_dropped_build_leaves_the_live_site() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let s = Staging::create(&target).unwrap();
        s.write("index.html", b"good").unwrap();
        s.commit().unwrap();
        let s = Staging::create(&target).unwrap();
        s.write("index.html", b"half").unwrap();
        drop(s);
        assert_eq!(fs::read(target.join("index.html")).unwrap(), b"good");
        // The next build does not trust the interrupted spare.
        let s = Staging::create(&target).unwrap();
        s.write("index.html", b"good").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(target.join("index.html")).unwrap(), b"good");
    }
}
