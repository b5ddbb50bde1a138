//! Faults during a build: a build killed at any moment leaves the old site
//! or the new one, never a mix, and the next build succeeds; a full disk is
//! an error that names the file, and the old site stays.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const BOOK: &str = "[book]\ntitle = \"Fouten\"\n";

/// Writes version `v` (0 or 1) of a site of `n` articles into `content/`,
/// replacing what was there. The versions differ in every page's text, and
/// each has articles and assets the other lacks, so a build between them
/// writes, deletes and creates folders.
fn write_content(root: &Path, n: usize, v: usize) {
    let content = root.join("content");
    let _ = std::fs::remove_dir_all(&content);
    for i in 0..n {
        if (i % 10 == 3 && v == 0) || (i % 10 == 7 && v == 1) {
            continue;
        }
        let dir = content.join(format!("deel{}", i / 50));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let next = (i + 1) % n;
        let mut body = format!(
            "---\ntitle: Artikel {i} versie {v}\nms.date: 07/22/2021\n---\n# Artikel {i}\n\n"
        );
        for p in 0..8 {
            body.push_str(&format!(
                "## Deel {p}\n\nVersie {v} van alinea {p} van artikel {i}, met tekst om te zoeken: tegoed factuur klant {}.\nZie [het volgende](../deel{}/a{next}.md).\n\n",
                i * p + v,
                next / 50
            ));
        }
        std::fs::write(dir.join(format!("a{i}.md")), body).expect("write");
        if i % 25 == v {
            std::fs::write(dir.join(format!("plaatje{i}.png")), vec![v as u8; 3000])
                .expect("asset");
        }
    }
}

/// A reference build of version `v`: the exact files a completed build
/// leaves in the live folder.
fn reference(n: usize, v: usize) -> BTreeMap<String, Option<Vec<u8>>> {
    let site = TempSite::new(BOOK);
    write_content(site.root(), n, v);
    site.tolk(&["build"]).ok();
    snapshot(&site.root().join("site"))
}

/// xorshift64*: reproducible from the printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    let n: usize = std::env::var("TOLK_KILL_ARTICLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let iterations: usize = std::env::var("TOLK_KILL_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let seed: u64 = std::env::var("TOLK_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7017_4b11);
    eprintln!("kill test: {n} articles, {iterations} kills, TOLK_KILL_SEED={seed}");
    let refs = [reference(n, 0), reference(n, 1)];
    assert_ne!(refs[0], refs[1]);

    let site = TempSite::new(BOOK);
    let live = site.root().join("site");
    write_content(site.root(), n, 0);
    site.tolk(&["build"]).ok();
    assert!(snapshot(&live) == refs[0]);
    // How long a rebuild (over a spare) takes here, to spread the kills
    // over it.
    write_content(site.root(), n, 1);
    let start = Instant::now();
    site.tolk(&["build"]).ok();
    let full = start.elapsed();
    assert!(snapshot(&live) == refs[1]);
    let mut live_version = 1;
    let mut rng = Rng(seed | 1);
    let (mut saw_old, mut saw_new) = (0, 0);
    for it in 0..iterations {
        let target = 1 - live_version;
        write_content(site.root(), n, target);
        // Delays from 0 to 1.1 × a rebuild: some kills land before the
        // build starts writing, most in the middle, some around the swap,
        // some after it finished.
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 * 11 / 10 + 1));
        let mut child = Command::new(bin())
            .args(["build", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn tolk");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().expect("wait");
        let now = snapshot(&live);
        if now == refs[target] {
            live_version = target;
            saw_new += 1;
        } else if now == refs[1 - target] {
            saw_old += 1;
        } else {
            let diff: Vec<_> = now
                .iter()
                .filter(|(k, v)| refs[0].get(*k) != Some(v) && refs[1].get(*k) != Some(v))
                .map(|(k, _)| k.clone())
                .take(10)
                .collect();
            panic!(
                "iteration {it} (TOLK_KILL_SEED={seed}): killed after {delay:?} ({status}), \
                 the live site is neither the old nor the new build; files unlike both: {diff:?}"
            );
        }
        // Every few kills, let a build finish over whatever the kill left
        // in the spare: it must succeed and give exactly the reference.
        if it % 5 == 4 {
            let back = 1 - live_version;
            write_content(site.root(), n, back);
            let r = site.tolk(&["build"]);
            assert_eq!(
                r.code, 0,
                "iteration {it}: the build after a kill failed:\n{}",
                r.stderr
            );
            assert!(
                snapshot(&live) == refs[back],
                "iteration {it} (TOLK_KILL_SEED={seed}): a build after a kill is not the reference build"
            );
            live_version = back;
        }
    }
    eprintln!(
        "kill test: {saw_old} kills left the old site, {saw_new} the new one (build {full:?})"
    );
    assert!(
        saw_old > 0,
        "no kill landed before the swap: the delays do not cover the build"
    );
    // A last complete build over the final state.
    write_content(site.root(), n, 1 - live_version);
    site.tolk(&["build"]).ok();
    assert!(snapshot(&live) == refs[1 - live_version]);
}

#[test]
fn two_builds_at_once_do_not_mix_their_sites() {
    let site = TempSite::new(BOOK);
    write_content(site.root(), 200, 0);
    site.tolk(&["build"]).ok();
    let spawn = || {
        Command::new(bin())
            .args(["build", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    write_content(site.root(), 200, 1);
    let a = spawn();
    let b = spawn();
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    let refs = reference(200, 1);
    assert!(snapshot(&site.root().join("site")) == refs);
    // When they overlapped, the second was refused, not interleaved.
    for o in [&a, &b] {
        if !o.status.success() {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("another tolk build is writing"), "{err}");
        }
    }
}

/// The site a fresh build of the second version of the content gives,
/// for what a build after a failed one must equal.
fn new_site() -> BTreeMap<String, Option<Vec<u8>>> {
    let s = TempSite::new(BOOK);
    write_content(s.root(), 60, 1);
    s.tolk(&["build"]).ok();
    snapshot(&s.root().join("site"))
}

/// [`a_full_disk_is_an_error_and_the_old_site_stays`] where a tmpfs cannot
/// be mounted: every file the build writes is limited to 4 KiB
/// (`RLIMIT_FSIZE`), so writes fail with "File too large" as they would
/// with "No space left on device", with SIGXFSZ ignored as a full disk
/// sends no signal. The live site stays, and the next build is the new
/// site.
fn writes_that_fail_leave_the_old_site() {
    use std::os::unix::process::CommandExt;
    let site = TempSite::new(BOOK);
    let out = site.root().join("out");
    let out_s = out.to_str().expect("utf-8");
    write_content(site.root(), 60, 0);
    site.tolk(&["build", "--out", out_s]).ok();
    let before = snapshot(&out);
    write_content(site.root(), 60, 1);
    let mut cmd = Command::new(bin());
    cmd.args(["build", "--out", out_s, "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1");
    // SAFETY: only async-signal-safe calls (signal, setrlimit) between
    // fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let r = cmd.output().expect("run tolk");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("error[io]: cannot write ")
            && stderr.contains("File too large (os error 27)"),
        "{stderr}"
    );
    assert!(
        snapshot(&out) == before,
        "a build whose writes failed changed the live site"
    );
    site.tolk(&["build", "--out", out_s]).ok();
    assert!(
        snapshot(&out) == new_site(),
        "the build after the failed one is not the new site"
    );
}

struct Mount(std::path::PathBuf);
impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_an_error_and_the_old_site_stays() {
    let dir = tempfile::tempdir().expect("temp");
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).expect("mkdir");
    let mounted = Command::new("mount")
        // Room for the live site and its spare copy with a margin: tmpfs
        // counts each file in 4 KiB pages, and the pages of this site are
        // just over 8 KiB (3 MiB was too small once they grew by a few
        // hundred bytes, and the build after freeing space failed).
        .args(["-t", "tmpfs", "-o", "size=5m", "tmpfs"])
        .arg(&disk)
        .stderr(Stdio::piped())
        .output();
    match mounted {
        Ok(o) if o.status.success() => {}
        // Not root (or no mount): the same promise, tried with writes that
        // fail for another reason.
        _ => return writes_that_fail_leave_the_old_site(),
    }
    let _unmount = Mount(disk.clone());
    let site = TempSite::new(BOOK);
    let out = disk.join("site");
    let out_s = out.to_str().expect("utf-8");
    write_content(site.root(), 60, 0);
    site.tolk(&["build", "--out", out_s]).ok();
    let before = snapshot(&out);

    // Fill the disk to the last byte.
    let filler = disk.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).expect("filler");
        let chunk = vec![0u8; 64 << 10];
        while f.write_all(&chunk).is_ok() {}
        let small = [0u8; 512];
        while f.write_all(&small).is_ok() {}
    }
    write_content(site.root(), 60, 1);
    let r = site.tolk(&["build", "--out", out_s]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("error[io]: cannot write ")
            && r.stderr.contains("No space left on device (os error 28)"),
        "{}",
        r.stderr
    );
    // The first write that fails is a page in the spare folder, or the
    // bodies that `tolk build` keeps on disk while it compiles (an unnamed
    // temporary file beside the site, output::Spill): either is named.
    assert!(
        r.stderr.contains(".site.tolk-spare")
            || r.stderr.contains(&format!(
                "cannot write a temporary file of the build in {}:",
                disk.display()
            )),
        "names the file: {}",
        r.stderr
    );
    assert!(
        snapshot(&out) == before,
        "a build on a full disk changed the live site"
    );

    // Room again: the next build succeeds and is the new site.
    std::fs::remove_file(&filler).expect("rm filler");
    site.tolk(&["build", "--out", out_s]).ok();
    assert!(
        snapshot(&out) == new_site(),
        "the build after freeing space is not the new site"
    );
}
