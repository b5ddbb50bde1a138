//! Broken sites, end to end: each one ends in a located diagnostic or a
//! correct site, never a panic, a hang or a stack overflow, and a failed
//! build leaves the last good site byte for byte as it was.
//!
//! The small cases are folders under `tests/bad/`; the large and special
//! ones (a huge article, thousands of articles, 10,000 levels of nesting,
//! symlink loops, FIFOs, unreadable files) are made here at run time.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Far above any honest run of these cases in a debug build; a run that
/// takes longer is taken to hang, killed, and fails the test.
const LIMIT: Duration = Duration::from_secs(180);

const BOOK: &str = "[book]\ntitle = \"Kapot\"\n";

/// Runs `tolk <args> --root <root>` as a child with a time limit, with
/// output in files (a full pipe cannot stall it).
fn run(args: &[&str], root: &Path) -> Run {
    run_as(args, root, None)
}

fn run_as(args: &[&str], root: &Path, user: Option<&str>) -> Run {
    let out = tempfile::tempdir().expect("temp dir");
    let (o, e) = (out.path().join("out"), out.path().join("err"));
    let mut cmd = match user {
        Some(uid) => {
            let mut c = Command::new("setpriv");
            c.args([
                &format!("--reuid={uid}"),
                &format!("--regid={uid}"),
                "--clear-groups",
                "--",
            ])
            .arg(bin());
            c
        }
        None => Command::new(bin()),
    };
    cmd.args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).expect("stdout file"))
        .stderr(std::fs::File::create(&e).expect("stderr file"));
    let mut child = cmd.spawn().expect("run tolk");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tolk {args:?} did not finish within {LIMIT:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    use std::os::unix::process::ExitStatusExt;
    let run = Run {
        code: status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
        stdout: read(&o),
        stderr: read(&e),
    };
    assert_no_crash(&run, args);
    run
}

/// Not a panic (exit 101), not killed by a signal (a stack overflow aborts
/// with SIGABRT or SIGSEGV), and no panic message.
fn assert_no_crash(run: &Run, args: &[&str]) {
    assert!(
        run.code == 0 || run.code == 1,
        "tolk {args:?} crashed with exit code {}:\n{}",
        run.code,
        run.stderr
    );
    for bad in ["panicked", "stack overflow", "RUST_BACKTRACE"] {
        assert!(
            !run.stderr.contains(bad),
            "tolk {args:?} printed {bad:?}:\n{}",
            run.stderr
        );
    }
}

/// A site that has built once from one good article; the bad files are
/// added to it afterwards.
struct Case {
    site: TempSite,
    before: BTreeMap<String, Option<Vec<u8>>>,
}

impl Case {
    fn new() -> Case {
        let site = TempSite::new(BOOK);
        site.write("content/goed.md", ARTICLE);
        let first = run(&["build"], site.root());
        assert_eq!(first.code, 0, "{}", first.stderr);
        let before = snapshot(&site.root().join("site"));
        assert!(before.contains_key("nl-nl/goed/index.html"));
        Case { site, before }
    }

    /// Adds the content of `tests/bad/<name>`.
    fn with(name: &str) -> Case {
        let case = Case::new();
        copy_tree(
            &repo().join("tests/bad").join(name).join("content"),
            &case.content(),
        );
        case
    }

    fn content(&self) -> PathBuf {
        self.site.root().join("content")
    }

    fn site_dir(&self) -> PathBuf {
        self.site.root().join("site")
    }

    /// `tolk build` fails with exit code 1 and the old site stays as it
    /// was, byte for byte; `tolk check` fails too.
    fn build_fails(&self) -> Run {
        let r = run(&["build"], self.site.root());
        assert_eq!(
            r.code, 1,
            "the build should fail:\n{}\n{}",
            r.stdout, r.stderr
        );
        assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
        assert!(
            snapshot(&self.site_dir()) == self.before,
            "a failed build changed the last good site"
        );
        let c = run(&["check"], self.site.root());
        assert_eq!(c.code, 1, "check should fail too:\n{}", c.stderr);
        r
    }

    fn build_ok(&self) -> Run {
        let r = run(&["build"], self.site.root());
        assert_eq!(r.code, 0, "the build should succeed:\n{}", r.stderr);
        r
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let dest = to.join(e.path().strip_prefix(from).expect("prefix"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// `error[code]: message` followed by its `--> file:line:col` line.
fn assert_diag(stderr: &str, head: &str, at: &str) {
    let i = stderr
        .find(head)
        .unwrap_or_else(|| panic!("no {head:?} in:\n{stderr}"));
    let arrow = stderr[i..].lines().nth(1).unwrap_or("");
    assert_eq!(
        arrow.trim(),
        format!("--> {at}"),
        "location of {head:?} in:\n{stderr}"
    );
}

#[test]
fn merge_conflict_markers_in_front_matter_point_at_the_marker() {
    let case = Case::with("merge-conflict");
    let r = case.build_fails();
    assert_diag(
        &r.stderr,
        "error[merge-conflict]: the front matter holds a merge conflict marker",
        "content/a.md:2:1",
    );
    assert!(r.stderr.contains("2 | <<<<<<< HEAD"), "{}", r.stderr);
}

/// A conflict left in the body is an error at its `<<<<<<<` line; the
/// same marker in a code block (an article about git) and a heading
/// underlined with `=` are not.
#[test]
fn merge_conflict_markers_in_the_body_point_at_the_marker() {
    let case = Case::with("merge-conflict-body");
    let r = case.build_fails();
    assert_diag(
        &r.stderr,
        "error[merge-conflict]: this article holds a merge conflict marker",
        "content/a.md:9:1",
    );
    assert!(r.stderr.contains("9 | <<<<<<< HEAD"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("error[merge-conflict]").count(),
        1,
        "only the conflict outside code:\n{}",
        r.stderr
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let case = Case::with("invalid-utf8");
    let r = case.build_fails();
    assert_diag(
        &r.stderr,
        "error[encoding]: this file is not valid UTF-8: byte 0xE9 cannot start a character here",
        "content/a.md:8:12",
    );
    // The whole line, the bad byte as U+FFFD: cut at the byte, it hid
    // the rest of the sentence the writer has to find.
    assert!(
        r.stderr.contains("8 | Een kop caf\u{fffd} met melk."),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("probably Windows-1252"), "{}", r.stderr);
}

#[test]
fn a_utf16_file_is_named_as_such() {
    let case = Case::new();
    let text: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("# Kop\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    case.site.write("content/utf16.md", text);
    let r = case.build_fails();
    assert!(
        r.stderr.contains("--> content/utf16.md:1:1")
            && r.stderr.contains("the file is saved as UTF-16"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_nul_byte_is_an_error_not_a_silently_damaged_page() {
    let case = Case::with("nul-byte");
    let r = case.build_fails();
    assert_diag(
        &r.stderr,
        "error[encoding]: this file contains a NUL byte (0x00), which is not text",
        "content/a.md:8:6",
    );
    // The source line is shown with a visible symbol, not a raw NUL.
    assert!(
        r.stderr.contains("Tekst\u{2400}met een nul."),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains('\0'));
}

#[test]
fn two_articles_for_one_url_name_both_files() {
    let case = Case::with("url-clash");
    let r = case.build_fails();
    assert!(
        r.stderr.contains("error[duplicate-page]: content/tegoed.md and content/tegoed/index.md both become the page /tegoed/"),
        "{}",
        r.stderr
    );
}

/// A file name saved decomposed (as macOS writes `é`: `e` + U+0301) is the
/// same file as the composed name writers type in links: the page and the
/// image are written under the composed (NFC) name and the links find them.
#[test]
fn a_decomposed_file_name_is_the_page_links_name_composed() {
    let case = Case::new();
    let nfd = "e\u{301}e\u{301}n artikel.md";
    std::fs::write(
        case.content().join(nfd),
        "---\ntitle: Een\nms.date: 07/22/2021\n---\n# Een\n\n## Deel\n\nTekst.\n",
    )
    .expect("write");
    std::fs::write(
        case.content().join("verwijst.md"),
        "---\ntitle: Verwijst\nms.date: 07/22/2021\n---\n# Verwijst\n\nZie [het andere](<\u{e9}\u{e9}n artikel.md#deel>).\n\n![Schema](<sch\u{e9}ma.png>)\n",
    )
    .expect("write");
    std::fs::write(case.content().join("sche\u{301}ma.png"), b"png").expect("write");
    case.build_ok();
    assert!(case.site.exists("nl-nl/\u{e9}\u{e9}n artikel/index.html"));
    assert!(!case
        .site
        .exists(&format!("nl-nl/{}/index.html", nfd.trim_end_matches(".md"))));
    let html = case.site.read("nl-nl/verwijst/index.html");
    assert!(
        html.contains("<a href=\"/nl-nl/%C3%A9%C3%A9n%20artikel/#deel\">het andere</a>"),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"/sch%C3%A9ma.png\" alt=\"Schema\""),
        "{html}"
    );
    assert!(
        case.exists("sch\u{e9}ma.png"),
        "the image is written under its NFC name"
    );
    let c = run(&["check"], case.site.root());
    assert!(!c.stderr.contains("broken-link"), "{}", c.stderr);
    assert!(!c.stderr.contains("missing-asset"), "{}", c.stderr);
}

/// `Tegoed.md` and `tegoed.md` are two pages on this file system but one
/// folder on macOS, Windows and case-insensitive hosts: the build goes on
/// (both pages are written here) and warns.
#[test]
fn pages_that_differ_only_in_case_are_a_warning() {
    let case = Case::new();
    std::fs::write(case.content().join("Tegoed.md"), ARTICLE).expect("write");
    std::fs::write(case.content().join("tegoed.md"), ARTICLE).expect("write");
    let r = case.build_ok();
    assert!(
        r.stderr.contains("warning[case-clash]: content/Tegoed.md and content/tegoed.md become /Tegoed/ and /tegoed/, one folder where case does not count"),
        "{}",
        r.stderr
    );
    assert!(case.site.exists("nl-nl/Tegoed/index.html"));
    assert!(case.site.exists("nl-nl/tegoed/index.html"));
}

#[test]
fn checklists_that_refer_to_themselves_are_errors_at_the_reference() {
    let case = Case::with("checklist-self");
    let r = case.build_fails();
    let s = &r.stderr;
    assert_diag(
        s,
        "error[checklist-cycle]: the `when` of input `partner` depends on `partner` itself",
        "content/a.md:15:11",
    );
    assert_diag(
        s,
        "error[checklist-cycle]: the computed values form a cycle: deadline → deadline",
        "content/a.md:18:20",
    );
    assert_diag(
        s,
        "error[checklist-cycle]: the computed values form a cycle: first → second → first",
        "content/a.md:22:11",
    );
    assert_diag(
        s,
        "error[checklist-scope]: `signed` is a step at or after this one",
        "content/a.md:26:11",
    );
    assert!(s.contains("failed with 4 errors"), "{s}");
}

#[test]
fn includes_that_include_themselves_are_errors_and_do_not_blow_up() {
    // a includes b twice and b includes a twice: without cycle detection
    // over the whole chain this renders 2^depth copies.
    let case = Case::with("include-cycle");
    let r = case.build_fails();
    assert_diag(
        &r.stderr,
        "error[include]: this include includes itself: artikel.md → includes/a.md → includes/b.md → includes/a.md",
        "content/artikel.md:8:1",
    );
    assert_diag(
        &r.stderr,
        "error[include]: this include includes itself: artikel.md → includes/zelf.md → includes/zelf.md",
        "content/artikel.md:10:1",
    );
}

#[test]
fn a_missing_include_is_a_warning_at_the_include() {
    let case = Case::new();
    case.site.write(
        "content/b.md",
        "---\ntitle: B\n---\n# B\n\n[!INCLUDE [weg](includes/weg.md)]\n",
    );
    let r = case.build_ok();
    assert_diag(
        &r.stderr,
        "warning[include]: the included file `includes/weg.md` does not exist",
        "content/b.md:6:1",
    );
    assert!(case
        .site
        .read("nl-nl/b/index.html")
        .contains("<p class=\"include-missing\">[!INCLUDE includes/weg.md]</p>"));
}

#[test]
fn file_names_with_spaces_and_accents_give_working_links() {
    let case = Case::with("odd-names");
    case.build_ok();
    let a = case.site.read("nl-nl/met spatie/index.html");
    assert!(
        a.contains("<a href=\"/nl-nl/%C3%A9%C3%A9n%20artikel/\">het andere artikel</a>"),
        "{a}"
    );
    assert!(
        a.contains("<a href=\"/nl-nl/%C3%A9%C3%A9n%20artikel/#deel\">nog eens</a>"),
        "{a}"
    );
    let b = case.site.read("nl-nl/één artikel/index.html");
    assert!(
        b.contains("<a href=\"/nl-nl/met%20spatie/\">de spatie</a>"),
        "{b}"
    );
    assert!(
        b.contains("<img src=\"/afbeelding%20met%20spatie.png\" alt=\"Schema\""),
        "{b}"
    );
    assert!(case.exists("afbeelding met spatie.png"));
    assert!(case.exists("en/één artikel/index.html"));
    // tolk check follows the links and finds every target and anchor.
    let c = run(&["check"], case.site.root());
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(c.stderr.contains("0 errors, 0 warnings"), "{}", c.stderr);
}

impl Case {
    fn exists(&self, rel: &str) -> bool {
        self.site_dir().join(rel).exists()
    }
}

const N: usize = 10_000;

#[test]
fn ten_thousand_levels_of_markdown_nesting_render() {
    let case = Case::new();
    let fm = "---\ntitle: Diep\n---\n";
    case.site.write(
        "content/citaat.md",
        format!("{fm}# Citaat\n\n{}binnenste citaat\n", "> ".repeat(N)),
    );
    case.site.write(
        "content/lijst.md",
        format!("{fm}# Lijst\n\n{}binnenste item\n", "- ".repeat(N)),
    );
    case.site.write(
        "content/nadruk.md",
        format!(
            "{fm}# Nadruk\n\n{}kern{}\n\n{}haken{}\n",
            "*".repeat(N),
            "*".repeat(N),
            "[".repeat(N),
            "]".repeat(N)
        ),
    );
    case.build_ok();
    let q = case.site.read("nl-nl/citaat/index.html");
    assert_eq!(q.matches("<blockquote>").count(), N);
    assert!(q.contains("<p>binnenste citaat</p>"));
    let l = case.site.read("nl-nl/lijst/index.html");
    assert!(l.matches("<ul>").count() >= N);
    assert!(l.contains("binnenste item"));
    let e = case.site.read("nl-nl/nadruk/index.html");
    assert!(e.contains("kern") && e.contains("haken"));
}

#[test]
fn ten_thousand_levels_of_yaml_and_expression_nesting_are_refused() {
    let case = Case::new();
    let deep_list = format!("{}{}", "[".repeat(N), "]".repeat(N));
    case.site.write(
        "content/voorwerk.md",
        format!("---\ntitle: {deep_list}\n---\n# Voorwerk\n"),
    );
    let checklist = |name: &str, computed: &str, extra: &str| {
        format!(
            "---\ntitle: {name}\n---\n# {name}\n\n```checklist\nid: c\ntitle: {{nl: \"T\", en: \"T\"}}\ninputs:\n  - id: p\n    type: int\n    label: {{nl: \"P\", en: \"P\"}}\ncomputed:\n  - id: x\n    expr: {computed}\n{extra}```\n"
        )
    };
    case.site.write(
        "content/haakjes.md",
        checklist(
            "Haakjes",
            &format!("{}p{}", "(".repeat(N), ")".repeat(N)),
            "",
        ),
    );
    case.site.write(
        "content/som.md",
        checklist("Som", &vec!["p"; N].join(" + "), ""),
    );
    case.site.write(
        "content/niet.md",
        checklist("Niet", &format!("{}true", "not ".repeat(N)), ""),
    );
    case.site.write(
        "content/yaml.md",
        checklist("Yaml", "p", &format!("steps: {deep_list}\n")),
    );
    let r = case.build_fails();
    let s = &r.stderr;
    assert_diag(
        s,
        "error[yaml]: invalid front matter: recursion limit exceeded",
        "content/voorwerk.md:2:263",
    );
    assert_diag(
        s,
        "error[checklist-expr]: this expression does not parse: the expression is nested too deeply",
        "content/haakjes.md:15:75",
    );
    assert_diag(
        s,
        "error[checklist-expr]: this expression does not parse: the expression has more than 64 operators in a row or nested",
        "content/som.md:15:265",
    );
    assert!(s.contains(" --> content/niet.md:15:"), "{s}");
    assert!(s.contains(" --> content/yaml.md:"), "{s}");
    // The five nestings, and the site checks' four `missing-front-matter`
    // of the checklist articles (a stopped build reports them too).
    assert_eq!(s.matches("error[missing-front-matter]").count(), 4, "{s}");
    assert!(s.contains("failed with 9 errors"), "{s}");
}

#[test]
fn a_toc_nested_ten_thousand_deep_falls_back_with_a_warning() {
    let case = Case::new();
    let toc = format!(
        "- name: Begin\n  items: {}[]{}\n",
        "[{name: n, items: ".repeat(N),
        "}]".repeat(N)
    );
    case.site.write("content/TOC.yml", toc);
    let r = case.build_ok();
    assert!(
        r.stderr
            .contains("warning[toc]: this TOC.yml is not a list of items"),
        "{}",
        r.stderr
    );
    assert!(case.site.read("nl-nl/goed/index.html").contains("Artikel"));
}

#[test]
fn a_symlink_to_an_ancestor_is_skipped_with_a_warning() {
    let case = Case::new();
    std::os::unix::fs::symlink(".", case.content().join("rond")).expect("symlink");
    let r = case.build_ok();
    assert!(
        r.stderr.contains(
            "warning[io]: this symbolic link leads back to a folder above it\n --> content/rond\n"
        ),
        "{}",
        r.stderr
    );
    assert!(case.exists("nl-nl/goed/index.html"));
    assert!(
        !case.exists("nl-nl/rond"),
        "the loop's files are not pages twice"
    );
}

#[test]
fn symlinks_that_point_at_each_other_are_an_error() {
    let case = Case::new();
    std::os::unix::fs::symlink("y.md", case.content().join("x.md")).expect("symlink");
    std::os::unix::fs::symlink("x.md", case.content().join("y.md")).expect("symlink");
    let r = case.build_fails();
    // At each link, as a rustc-style location (it was `cannot read
    // ./content/x.md: Too many levels...`, no location, "make it
    // readable").
    for link in ["x.md", "y.md"] {
        assert!(
            r.stderr.contains(&format!("error[io]: this symbolic link is one of links that point at each other, never at a file\n --> content/{link}\n")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_fifo_named_like_an_article_is_skipped_not_read() {
    // Reading a FIFO with no writer blocks forever: a hang here is caught
    // by the time limit.
    let case = Case::new();
    let fifo = case.content().join("pijp.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let r = case.build_ok();
    assert!(
        r.stderr.contains(
            "warning[io]: this is not a regular file (a FIFO, socket or device), so it was not read\n --> content/pijp.md\n"
        ),
        "{}",
        r.stderr
    );
    assert!(!case.exists("nl-nl/pijp"));
}

#[test]
fn a_folder_named_like_an_article_is_walked_as_a_folder() {
    let case = Case::new();
    case.site.write(
        "content/map.md/binnen.md",
        "---\ntitle: Binnen\n---\n# Binnen\n\nTekst binnen.\n",
    );
    case.build_ok();
    assert!(case
        .site
        .read("nl-nl/map.md/binnen/index.html")
        .contains("Tekst binnen."));
}

/// Unreadable files: a file and a folder of mode 000. Root reads any file
/// whatever its mode, so as root the build runs as `nobody` (via setpriv)
/// over a site it owns, the two belonging to root; any other user runs
/// the build as itself.
#[test]
fn unreadable_files_and_folders_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let user = root.then_some("65534");
    if root {
        let probe = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                "true",
            ])
            .status();
        assert!(
            matches!(probe, Ok(s) if s.success()),
            "run as root, this test needs setpriv (util-linux) to build as nobody: {probe:?}"
        );
    }
    let site = TempSite::new(BOOK);
    site.write("content/goed.md", ARTICLE);
    for e in walkdir::WalkDir::new(site.root())
        .into_iter()
        .filter(|_| root)
    {
        let e = e.expect("walk");
        std::os::unix::fs::chown(e.path(), Some(65534), Some(65534)).expect("chown");
    }
    std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let first = run_as(&["build"], site.root(), user);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = snapshot(&site.root().join("site"));

    site.write("content/geheim.md", ARTICLE);
    let secret = site.root().join("content/geheim.md");
    if root {
        std::os::unix::fs::chown(&secret, Some(0), Some(0)).expect("chown");
    }
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let r = run_as(&["build"], site.root(), user);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_diag(
        &r.stderr,
        "error[io]: cannot read this file: Permission denied (os error 13)",
        "content/geheim.md",
    );
    assert!(snapshot(&site.root().join("site")) == before);

    std::fs::remove_file(&secret).expect("rm");
    site.write("content/privé/a.md", ARTICLE);
    let dir = site.root().join("content/privé");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let r = run_as(&["build"], site.root(), user);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_diag(
        &r.stderr,
        "error[io]: cannot read this: Permission denied (os error 13)",
        "content/privé",
    );
    assert!(snapshot(&site.root().join("site")) == before);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// One article of about `bytes` bytes: numbered paragraphs, a heading every
/// fifty, and a last paragraph that must reach the page.
fn big_article(bytes: usize) -> (String, usize) {
    let words = [
        "partner",
        "tegoed",
        "factuur",
        "klant",
        "abonnement",
        "aanvraag",
        "controleer",
        "rol",
    ];
    let mut s = String::with_capacity(bytes + 1000);
    s.push_str("---\ntitle: Groot\n---\n# Groot\n\n");
    let mut n = 0;
    while s.len() < bytes {
        if n % 50 == 0 {
            let _ = write!(s, "## Kop {n}\n\n");
        }
        let _ = write!(s, "Alinea-{n:07}");
        for i in 0..80 {
            s.push(' ');
            s.push_str(words[(n * 7 + i * 3) % words.len()]);
        }
        s.push_str(".\n\n");
        n += 1;
    }
    s.push_str("Laatste alinea, tot het einde.\n");
    (s, n)
}

fn huge_article(bytes: usize) {
    let case = Case::new();
    let (text, paragraphs) = big_article(bytes);
    case.site.write("content/groot.md", text);
    case.build_ok();
    let page = case.site.read("nl-nl/groot/index.html");
    // Every paragraph, in order, and the last one: no text lost.
    let mut from = 0;
    for n in (0..paragraphs).step_by(997).chain([paragraphs - 1]) {
        let at = page[from..]
            .find(&format!("<p>Alinea-{n:07} "))
            .unwrap_or_else(|| panic!("paragraph {n} missing"));
        from += at;
    }
    assert_eq!(page.matches("<p>Alinea-").count(), paragraphs);
    assert!(page.contains("<p>Laatste alinea, tot het einde.</p>"));
    let en = case.site.read("en/groot/index.html");
    assert!(en.contains("<p>Laatste alinea, tot het einde.</p>"));
}

#[test]
fn a_five_megabyte_article_builds_whole() {
    huge_article(5 << 20);
}

/// The full size; `cargo test --release -- --ignored`, and bench/bad.sh.
#[test]
#[ignore = "full size, slow in a debug build: cargo test --release -- --ignored, or bench/bad.sh"]
fn a_fifty_megabyte_article_builds_whole() {
    huge_article(50 << 20);
}

fn many_articles(n: usize) {
    let case = Case::new();
    for i in 0..n {
        case.site.write(
            &format!("content/a{i:05}.md"),
            format!("---\ntitle: Artikel {i}\n---\n# Artikel {i}\n\nTekst nummer {i}.\n"),
        );
    }
    let r = case.build_ok();
    assert!(
        r.stderr.contains(&format!("Built {} articles", n + 1)),
        "{}",
        r.stderr
    );
    for i in (0..n).step_by(97).chain([n - 1]) {
        let page = case.site.read(&format!("nl-nl/a{i:05}/index.html"));
        assert!(
            page.contains(&format!("<p>Tekst nummer {i}.</p>")),
            "article {i}"
        );
    }
    let pages = walkdir::WalkDir::new(case.site_dir().join("nl-nl"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name() == "index.html"))
        .count();
    assert_eq!(
        pages,
        n + 3,
        "every article, the good one, the index and the search page"
    );
}

#[test]
fn two_thousand_tiny_articles_build() {
    many_articles(2_000);
}

#[test]
#[ignore = "full size, slow in a debug build: cargo test --release -- --ignored, or bench/bad.sh"]
fn ten_thousand_tiny_articles_build() {
    many_articles(10_000);
}

/// The common YAML mistakes in front matter, each reported at the line and
/// column where the writer must look (file coordinates: line 1 is `---`).
#[test]
fn front_matter_yaml_mistakes_are_located_where_the_writer_must_look() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (name, front matter, expected location, expected words)
        (
            "unclosed-bracket",
            "title: [Welkom\ndescription: x\n",
            "2:8",
            "this `[` is never closed",
        ),
        (
            "unclosed-brace",
            "title: {Welkom\ndescription: x\n",
            "2:8",
            "this `{` is never closed",
        ),
        (
            "unclosed-quote",
            "title: \"Welkom\ndescription: x\n",
            "2:8",
            "this quote `\"` is never closed",
        ),
        (
            "bad-indentation",
            "title: Welkom\n  description: x\n",
            "3:3",
            "indented more than the line above",
        ),
        ("tab", "title: Welkom\n\tauthor: x\n", "3:1", "tab"),
        (
            "missing-colon",
            "title: Welkom\ndescription Een artikel\nauthor: x\n",
            "3:1",
            "no `:` after its key",
        ),
        (
            "duplicate-key",
            "title: Welkom\nauthor: a\ntitle: Nog eens\n",
            "4:1",
            "the key `title` is already given above",
        ),
        (
            "colon-in-value",
            "title: Welkom\ndescription: x: y\n",
            "3:15",
            "mapping values are not allowed",
        ),
    ];
    for (name, yaml, at, words) in cases {
        let site = TempSite::new("[book]\ntitle = \"T\"\n");
        site.write(
            &format!("content/{name}.md"),
            format!("---\n{yaml}---\n# Kop\n"),
        );
        let run = site.tolk(&["build"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let located = format!("--> content/{name}.md:{at}\n");
        assert!(
            run.stderr.contains(&located) && run.stderr.contains(words),
            "{name}: expected {located:?} and {words:?} in\n{}",
            run.stderr
        );
        assert_eq!(
            run.stderr.matches("error[yaml]").count(),
            1,
            "{name}: {}",
            run.stderr
        );
        assert!(!site.exists("index.html"), "{name}: nothing is written");
    }
}

/// Seven levels of includes that each include the next ten times (10 KB
/// of Markdown) pasted 10^7 copies of the last: 19 s, 10 GB of memory and
/// a 1.2 GB page. What includes paste into one text is now bounded (4 MiB
/// of HTML): past it an include is an `error[include]` at its line that
/// says why, and nothing is written. Too deep a nesting says so too, with
/// its own hint (both had the hint of a cycle).
#[test]
fn includes_that_multiply_are_bounded_and_located() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    for i in 0..7 {
        site.write(
            &format!("content/includes/i{i}.md"),
            format!("[!INCLUDE [x](i{}.md)]\n\n", i + 1).repeat(10),
        );
    }
    site.write("content/includes/i7.md", "blad\n");
    site.write(
        "content/x.md",
        format!(
            "---\ntitle: T\nms.date: 01/01/2024\n---\n# T\n\n{}",
            "[!INCLUDE [x](includes/i0.md)]\n\n".repeat(10)
        ),
    );
    let run = run(&["build"], site.root());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[include]: the includes of this article come to more than 4 MiB of HTML, so `includes/i0.md` is left out"
        ) && run.stderr.contains(" --> content/x.md:9:1")
            && run.stderr.contains("help: paste each include once or a few times, or split the article"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("cannot contain itself"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);

    // Nine levels, each including the next ten times: too deep, with a
    // hint for that. A render that met "too deep" is not cached, so every
    // use rendered it again: 10^8 renders, hours. Now each include is
    // rendered once per text that uses it.
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    for i in 0..9 {
        site.write(
            &format!("content/includes/d{i}.md"),
            format!("[!INCLUDE [x](d{}.md)]\n\n", i + 1).repeat(10),
        );
    }
    site.write("content/includes/d9.md", "blad\n");
    site.write(
        "content/y.md",
        format!(
            "---\ntitle: T\nms.date: 01/01/2024\n---\n# T\n\n{}",
            "[!INCLUDE [x](includes/d0.md)]\n\n".repeat(10)
        ),
    );
    let run = self::run(&["check"], site.root());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[include]: includes nest more than 8 deep")
            && run.stderr.contains("help: include fewer levels deep"),
        "{}",
        run.stderr
    );
}

/// A checklist of `n` computed values, `c{i}` defined by `expr(i)`, the
/// last `n` itself (an input).
fn computed_chain(n: usize, expr: impl Fn(usize) -> String) -> String {
    let mut cl = String::from("---\ntitle: T\nms.date: 01/01/2024\n---\n# T\n\n```checklist\nid: groot\ntitle: {nl: \"T\", en: \"T\"}\ninputs:\n  - id: n\n    type: int\n    label: {nl: \"N\", en: \"N\"}\ncomputed:\n");
    for i in 0..n {
        cl.push_str(&format!("  - {{id: c{i}, expr: {}}}\n", expr(i)));
    }
    cl.push_str(&format!("  - {{id: c{n}, expr: n}}\noutcomes:\n  - id: ja\n    status: pass\n    when: c0 > 1\n    message: {{nl: \"Ja\", en: \"Yes\"}}\n```\n"));
    cl
}

/// Unlabelled computed values are shown in the form's decision list as
/// their formulas, inlined. A chain of 20,000 (`c0 = c1 + 1`, ...)
/// overflowed the stack (an abort, exit 134) and was quadratic besides
/// (each name looked up by a scan, each located eagerly: 23 s for 40,000);
/// 40 values that each use the next twice wrote 2^40 copies (30 s and
/// 1.9 GB before it was stopped). Now both build, with formulas inlined
/// 6 deep and 64 times at most, named by their ids past that.
#[test]
fn long_and_doubling_chains_of_computed_values_build() {
    let site = TempSite::new(BOOK);
    site.write(
        "content/a.md",
        computed_chain(20_000, |i| format!("c{} + 1", i + 1)),
    );
    let run = run(&["build"], site.root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("nl-nl/a/index.html");
    assert!(page.contains("‘c6’ + 1"), "named by its id past 6 deep");

    let site = TempSite::new(BOOK);
    site.write(
        "content/a.md",
        computed_chain(40, |i| format!("c{0} + c{0}", i + 1)),
    );
    let run = self::run(&["build"], site.root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("nl-nl/a/index.html");
    assert!(page.len() < 200_000, "{} bytes", page.len());
    assert!(page.contains("(‘c6’ + ‘c6’)"), "inlined to 6 deep");
}
