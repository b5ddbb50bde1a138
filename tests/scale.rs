//! Issue 19: a build's memory is bounded by what is site-wide (titles,
//! navigation, link targets, search indexes), not by the rendered pages.
//! Measured, not timed: the peak resident set of the real binary building
//! a generated site of 2,000 articles, as the kernel reports it for that
//! one child (`wait4`'s `ru_maxrss`).
#![cfg(target_os = "linux")]

mod common;

use std::fmt::Write as _;
use std::process::{Command, Stdio};

use common::TempSite;

const NL: &[&str] = &[
    "partner",
    "tegoed",
    "factuur",
    "klant",
    "abonnement",
    "aanvraag",
    "controleer",
    "rol",
    "beheerder",
    "gegevens",
    "probleem",
    "oplossen",
    "wanneer",
    "binnen",
    "dagen",
    "maand",
    "account",
    "verlenging",
    "wachtwoord",
    "aanbieding",
    "reseller",
    "provider",
    "incident",
];
const EN: &[&str] = &[
    "partner",
    "credit",
    "invoice",
    "customer",
    "subscription",
    "request",
    "check",
    "role",
    "admin",
    "details",
    "problem",
    "solve",
    "when",
    "within",
    "days",
    "month",
    "account",
    "renewal",
    "password",
    "offer",
    "reseller",
    "provider",
    "incident",
];

/// A small deterministic generator (the shape of `bench/gen.py`: front
/// matter, anchored headings, lists, a table, a callout, links, bilingual
/// segments in half of the articles, folders of 100 with a TOC.yml).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn sentence(&mut self, words: &[&str], n: usize) -> String {
        let mut s: Vec<&str> = (0..n).map(|_| words[self.next() % words.len()]).collect();
        let first = s[0].to_uppercase();
        s[0] = &first;
        format!("{}.", s.join(" "))
    }

    fn text(&mut self, id: &str, seg: &mut usize, n: usize) -> String {
        let nl = self.sentence(NL, n);
        if id.is_empty() {
            return nl;
        }
        *seg += 1;
        let en = self.sentence(EN, n);
        format!(
            "<span data-ttu-id=\"{id}-{seg}\">{nl}</span><span class=\"sxs-lookup\"><span data-stu-id=\"{id}-{seg}\">{en}</span></span>"
        )
    }

    fn article(&mut self, n: usize, total: usize) -> String {
        let id = if n % 2 == 0 {
            format!("g{n:x}")
        } else {
            String::new()
        };
        let seg = &mut 0;
        let mut out = format!(
            "---\ntitle: {}\ndescription: {}\nms.date: 0{}/1{}/2021\nms.topic: article\nms.service: partner-dashboard\nms.translationtype: MT\nms.contentlocale: nl-NL\n---\n# <a name=\"article-{n}\"></a>{}\n\n{} {}\n\n",
            self.sentence(NL, 5),
            self.sentence(NL, 10),
            1 + n % 9,
            n % 10,
            self.text(&id, seg, 6),
            self.text(&id, seg, 20),
            self.text(&id, seg, 15),
        );
        for s in 1..5 {
            let _ = write!(
                out,
                "## <a name=\"section-{s}\"></a>{}\n\n{} {}\n\n",
                self.text(&id, seg, 4),
                self.text(&id, seg, 18),
                self.text(&id, seg, 12)
            );
            for _ in 0..3 {
                let _ = writeln!(out, "- {}", self.text(&id, seg, 8));
            }
            out.push('\n');
            if s == 2 {
                out.push_str("| Kolom | Waarde |\n|---|---|\n");
                for _ in 0..4 {
                    let (a, b) = (self.text(&id, seg, 3), self.text(&id, seg, 5));
                    let _ = writeln!(out, "| {a} | {b} |");
                }
                out.push('\n');
            }
            if s == 3 {
                let _ = write!(out, ">[!NOTE]\n>{}\n\n", self.text(&id, seg, 14));
            }
            let m = self.next() % total;
            let _ = write!(
                out,
                "Zie [meer](../d{:04}/a{m:06}.md#section-1) en [docs](https://learn.microsoft.com/nl-nl/partner-center/).\n\n",
                m / 100
            );
        }
        out
    }
}

fn generated_site(total: usize) -> TempSite {
    let site = TempSite::new(
        "[book]\ntitle = \"Generated\"\nsrc = \"content\"\n[links]\nexternal-base = \"https://learn.microsoft.com/{lang}/partner-center/\"\n",
    );
    let mut gen = Gen(1);
    let mut root = String::new();
    for d in 0..total.div_ceil(100) {
        let _ = write!(root, "- name: Map {d}\n  href: d{d:04}/TOC.yml\n");
        let mut toc = String::new();
        for n in d * 100..total.min((d + 1) * 100) {
            let _ = write!(toc, "- name: Artikel {n}\n  href: a{n:06}.md\n");
            site.write(
                &format!("content/d{d:04}/a{n:06}.md"),
                gen.article(n, total),
            );
        }
        site.write(&format!("content/d{d:04}/TOC.yml"), toc);
    }
    site.write("content/TOC.yml", root);
    site
}

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
/// growing ~50 KB per article; now 50 MiB. The cap leaves room for
/// allocator and thread-count variation and fails the old code clearly.
#[test]
fn two_thousand_articles_build_under_a_memory_cap() {
    const CAP_MIB: i64 = 85;
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

/// `tolk build` (bodies to disk, text into the search indexes, 64
/// articles at a time) writes the same bytes as the session the preview
/// server keeps (every page in memory): 150 articles, three batches, a
/// checklist-free and a segmented half, navigation and search indexes.
#[test]
fn a_build_from_disk_writes_what_a_kept_session_writes() {
    let site = generated_site(150);
    let opts = |out: &str| tolk::pipeline::Options {
        root: site.root().to_path_buf(),
        out: Some(site.root().join(out)),
        ..Default::default()
    };
    let once = tolk::pipeline::build(&opts("once")).expect("tolk build");
    assert_eq!(once.articles, 150);
    let (_session, kept) = tolk::pipeline::Session::build(&opts("kept")).expect("session build");
    assert_eq!(kept.pages, once.pages);
    let a = common::snapshot(&site.root().join("once"));
    let b = common::snapshot(&site.root().join("kept"));
    assert!(a.len() > 300, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs");
    }
    // A body from the disk is the article's, not another's.
    let page = std::fs::read_to_string(site.root().join("once/en/d0001/a000142/index.html"))
        .expect("page");
    assert!(
        page.contains("name=\"article-142\"") || page.contains("id=\"article-142\""),
        "{page}"
    );
}
