//! Issue 19: a build's memory is bounded by what is site-wide (titles,
//! navigation, link targets, search indexes), not by the rendered pages.
//! Measured, not timed: the peak resident set of the real binary building
//! a generated site of 2,000 articles, as the kernel reports it for that
//! one child (`wait4`'s `ru_maxrss`).
//!
//! This binary holds only tests that build in a child: a child's peak
//! counts its parent's resident set when it was forked, so a test building
//! a site in this process at the same time would inflate it (the
//! in-process comparisons are in `tests/batched.rs`).
#![cfg(target_os = "linux")]

mod common;

use std::process::{Command, Stdio};

use common::generated::generated_site;
use common::TempSite;

/// Runs `tolk build` on `site`; returns its exit code and peak resident
/// set in KiB.
// The child is reaped by `wait4` below, which also gives its rusage.
#[allow(clippy::zombie_processes)]
fn build_peak_kib(site: &TempSite) -> (i32, i64, String) {
    let stderr = site.root().join("stderr.txt");
    let child = Command::new(common::bin())
        .args(["build", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("run tolk");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std's `Child`
    // does not wait on drop); the pointers are to live locals.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (
        code,
        usage.ru_maxrss,
        std::fs::read_to_string(&stderr).unwrap_or_default(),
    )
}

/// 2,000 generated articles (4,000 pages). Before the build wrote bodies
/// to disk as they compiled (commit 8f673b1), the debug binary peaked at
/// 113 MiB here (the release binary at 114 MiB on `bench/gen.py`'s 2,000),
/// growing ~50 KB per article; 50 MiB after it, 40 MiB since the source
/// texts and search fragments went to disk too (2026-11-29, two threads),
/// 29 MiB since the texts go to disk as they are read (30 on one thread,
/// 33 on 8, 38 on 16, 45 on 32: glibc's arenas, one per worker). The cap
/// leaves room for many cores and fails the code before batching clearly.
#[test]
fn two_thousand_articles_build_under_a_memory_cap() {
    const CAP_MIB: i64 = 56;
    let site = generated_site(2000);
    let (code, kib, stderr) = build_peak_kib(&site);
    assert_eq!(code, 0, "tolk build failed:\n{stderr}");
    assert!(
        stderr.contains("Built 2000 articles"),
        "unexpected summary:\n{stderr}"
    );
    // The pages are all there and whole (a body from the spill, not empty).
    let page = site.read("nl-nl/d0012/a001234/index.html");
    assert!(page.contains("id=\"section-2\""), "{page}");
    assert!(page.contains("<table>"), "{page}");
    let page = site.read("en/d0019/a001998/index.html");
    assert!(page.contains("Zie") || page.contains("See"), "{page}");
    let mib = kib / 1024;
    eprintln!("tolk build of 2,000 articles: peak resident set {mib} MiB");
    assert!(
        mib < CAP_MIB,
        "tolk build of 2,000 articles peaked at {mib} MiB, over the {CAP_MIB} MiB cap"
    );
}

/// What a build holds per article, whatever the machine adds to every
/// build (arenas per core, the binary): the peak of 3,000 articles less
/// that of 1,000, over the 2,000 more. At the start of 2026-11-29 this was
/// 13.4 KB (release build, generated-2000 to generated-10000); reading
/// texts straight to disk, the search hits with them and the outlines
/// with the bodies made it 7.5 KB.
#[test]
fn each_article_adds_less_than_ten_kilobytes_at_the_peak() {
    const CAP_KIB_PER_ARTICLE: i64 = 10;
    let peak = |n: usize| {
        let site = generated_site(n);
        let (code, kib, stderr) = build_peak_kib(&site);
        assert_eq!(code, 0, "tolk build of {n} failed:\n{stderr}");
        kib
    };
    let (small, large) = (peak(1000), peak(3000));
    let per_article = (large - small) / 2000;
    eprintln!("peak 1,000 articles {small} KiB, 3,000 {large} KiB: {per_article} KiB per article");
    assert!(
        per_article < CAP_KIB_PER_ARTICLE,
        "each article adds {per_article} KiB to the peak (1,000: {small} KiB, 3,000: {large} KiB), over {CAP_KIB_PER_ARTICLE}"
    );
}
