//! `tolk build` when nothing changed since the last build (`src/stamp.rs`):
//! it says "Up to date", repeats the last build's diagnostics and writes
//! nothing; and every change a build would see (an article, the config,
//! the theme, the options, the date, the binary, the site itself) makes it
//! build again. The journeys are a writer's loop and a CI cache: build,
//! edit, build, undo, build.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use common::{bundled_site, tolk, Run, TempSite, ARTICLE};

/// A build's stderr without its last lines (the summary, the note on
/// errors, the hint on serving): the diagnostics.
fn diagnostics(run: &Run) -> String {
    run.stderr
        .lines()
        .take_while(|l| !l.starts_with("Built ") && !l.starts_with("Up to date: "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn up_to_date(run: &Run) -> bool {
    run.stderr.contains("\nUp to date: ") || run.stderr.starts_with("Up to date: ")
}

/// Every entry of the site with its modification time and inode: what a
/// build that writes nothing leaves as it was.
fn identities(dir: &Path) -> BTreeMap<String, (SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| {
            let e = e.expect("entry");
            let meta = e.metadata().expect("metadata");
            (
                e.path()
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string(),
                (meta.modified().expect("mtime"), meta.ino()),
            )
        })
        .collect()
}

fn two_articles() -> TempSite {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/a.md", ARTICLE);
    site.write(
        "content/b.md",
        "---\ntitle: B\nms.date: 07/22/2021\nauthor: t\n---\n# B\n\nZie [weg](missing.md) en alpha.\n",
    );
    site
}

#[test]
fn a_second_build_of_the_same_inputs_writes_nothing_and_says_the_same() {
    let site = bundled_site();
    let first = site.tolk(&["build"]);
    first.ok();
    assert!(
        first.stderr.contains("Built 5 articles into"),
        "{}",
        first.stderr
    );
    let before = identities(&site.root().join("site"));
    let second = site.tolk(&["build"]);
    second.ok();
    assert!(up_to_date(&second), "{}", second.stderr);
    assert!(
        second.stderr.contains("Up to date: 5 articles in")
            && second
                .stderr
                .contains("6 pages in nl-nl, 6 in en; 0 errors, 3 warnings, 25 notes;")
            && second
                .stderr
                .contains("`tolk build --rebuild` builds anyway"),
        "{}",
        second.stderr
    );
    assert!(!diagnostics(&first).is_empty());
    assert_eq!(diagnostics(&first), diagnostics(&second));
    assert_eq!(
        before,
        identities(&site.root().join("site")),
        "nothing written"
    );
    // --rebuild builds anyway, and leaves a stamp the next build trusts.
    let forced = site.tolk(&["build", "--rebuild"]);
    forced.ok();
    assert!(
        forced.stderr.contains("Built 5 articles into"),
        "{}",
        forced.stderr
    );
    assert_eq!(diagnostics(&first), diagnostics(&forced));
    assert!(up_to_date(&site.tolk(&["build"])));
}

#[test]
fn an_edit_and_its_undo_each_build_again() {
    let site = two_articles();
    site.tolk(&["build"]).ok();
    assert!(site.read("nl-nl/b/index.html").contains("alpha"));
    // The same length, the same second: only the bytes differ.
    let b = std::fs::read_to_string(site.root().join("content/b.md")).expect("b.md");
    site.write("content/b.md", b.replace("alpha", "omega"));
    let edited = site.tolk(&["build"]);
    assert!(
        edited.stderr.contains("Built 2 articles"),
        "{}",
        edited.stderr
    );
    assert!(site.read("nl-nl/b/index.html").contains("omega"));
    // Back to the first version: the stamp is the edit's, so this builds.
    site.write("content/b.md", &b);
    let undone = site.tolk(&["build"]);
    assert!(
        undone.stderr.contains("Built 2 articles"),
        "{}",
        undone.stderr
    );
    assert!(site.read("nl-nl/b/index.html").contains("alpha"));
    assert!(up_to_date(&site.tolk(&["build"])));
    // A file the build skips (an editor's backup) still counts: the
    // stamp takes in more than a build reads, never less.
    site.write("content/b.md.bak", "oud");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(up_to_date(&site.tolk(&["build"])));
    // A new article, and a removed one.
    site.write("content/c.md", ARTICLE);
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(site.exists("nl-nl/c/index.html"));
    std::fs::remove_file(site.root().join("content/c.md")).expect("rm");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(!site.exists("nl-nl/c/index.html"));
}

#[test]
fn the_config_theme_redirects_options_and_date_are_inputs() {
    let site = two_articles();
    site.tolk(&["build"]).ok();
    assert!(up_to_date(&site.tolk(&["build"])));

    site.write("book.toml", "[book]\ntitle = \"Other\"\n");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(site.read("nl-nl/index.html").contains("Other"));
    assert!(up_to_date(&site.tolk(&["build"])));

    site.write("themes/default/static/style.css", "body { color: red }\n");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(up_to_date(&site.tolk(&["build"])));

    site.write(
        ".openpublishing.redirection.json",
        r#"{"redirections":[{"source_path":"content/old.md","redirect_url":"/a"}]}"#,
    );
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(site.exists("nl-nl/old/index.html"));
    assert!(up_to_date(&site.tolk(&["build"])));

    let based = site.tolk(&["build", "--base-url", "/docs/"]);
    assert!(!up_to_date(&based), "{}", based.stderr);
    assert!(site.read("nl-nl/a/index.html").contains("/docs/static/"));
    assert!(up_to_date(&site.tolk(&["build", "--base-url", "/docs/"])));
    assert!(!up_to_date(&site.tolk(&["build"])));

    // The build date reaches a checklist's first paint.
    let dated = |epoch: &str| {
        let mut cmd = std::process::Command::new(common::bin());
        cmd.args(["build", "--root"])
            .arg(site.root())
            .env("SOURCE_DATE_EPOCH", epoch)
            .env("NO_COLOR", "1");
        String::from_utf8_lossy(&cmd.output().expect("run").stderr).into_owned()
    };
    assert!(!dated("0").contains("Up to date: "));
    assert!(dated("0").contains("Up to date: "));
    assert!(!dated("86400").contains("Up to date: "), "another day");
}

#[test]
fn a_site_changed_by_hand_is_built_again() {
    let site = two_articles();
    site.tolk(&["build"]).ok();
    let out = site.root().join("site");
    let page = out.join("nl-nl/a/index.html");
    let good = std::fs::read(&page).expect("page");

    // Removed: restored.
    std::fs::remove_file(&page).expect("rm");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert_eq!(std::fs::read(&page).expect("page"), good);

    // Overwritten in place with bytes of the same length: restored.
    let mut bad = good.clone();
    bad[0] = b'X';
    std::fs::write(&page, &bad).expect("write");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert_eq!(std::fs::read(&page).expect("page"), good);

    // Overwritten with the same length and its modification time set
    // back: its change time still moves.
    let mtime = std::fs::metadata(&page)
        .expect("page")
        .modified()
        .expect("mtime");
    std::fs::write(&page, &bad).expect("write");
    std::fs::File::options()
        .write(true)
        .open(&page)
        .expect("open")
        .set_modified(mtime)
        .expect("set mtime");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert_eq!(std::fs::read(&page).expect("page"), good);

    // A file added, at the top and deep down: a build does not keep it,
    // and neither does this.
    for stray in ["stray.html", "nl-nl/a/stray.html", "nl-nl/a/new/stray.html"] {
        let path = out.join(stray);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, "x").expect("write");
        assert!(!up_to_date(&site.tolk(&["build"])), "{stray}");
        assert!(!path.exists(), "{stray}");
        assert!(up_to_date(&site.tolk(&["build"])));
    }

    // The output folder deleted: built again.
    std::fs::remove_dir_all(&out).expect("rm");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert_eq!(std::fs::read(&page).expect("page"), good);
}

#[test]
fn another_binary_builds_again() {
    let site = two_articles();
    site.tolk(&["build"]).ok();
    assert!(up_to_date(&site.tolk(&["build"])));
    // A copy of the binary is another file: as a new tolk would be.
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("tolk");
    std::fs::copy(common::bin(), &copy).expect("copy");
    let run = |bin: &Path| {
        let out = std::process::Command::new(bin)
            .args(["build", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run(&copy).contains("Built 2 articles"));
    assert!(run(&copy).contains("Up to date: "));
    assert!(run(&common::bin()).contains("Built 2 articles"));
}

#[test]
fn a_symbolic_link_in_the_content_means_always_building() {
    let site = two_articles();
    site.write("content/sub/real.md", ARTICLE);
    std::os::unix::fs::symlink("sub/real.md", site.root().join("content/alias.md"))
        .expect("symlink");
    let first = site.tolk(&["build"]);
    assert!(
        first.stderr.contains("Built 4 articles"),
        "{}",
        first.stderr
    );
    assert!(site.exists("nl-nl/alias/index.html"));
    // A link can point elsewhere without a byte of the content changing:
    // no stamp vouches for it, so every build is a full one.
    let again = site.tolk(&["build"]);
    assert!(
        again.stderr.contains("Built 4 articles"),
        "{}",
        again.stderr
    );
    assert!(!site.root().join(".site.tolk-stamp").exists());
}

#[test]
fn a_failed_build_leaves_no_stamp_and_a_damaged_stamp_is_ignored() {
    let site = two_articles();
    site.tolk(&["build"]).ok();
    let stamp = site.root().join(".site.tolk-stamp");
    assert!(stamp.is_file(), "the stamp sits beside the site");
    assert!(!site.exists(".site.tolk-stamp"));
    // A build that fails (a checklist error) writes nothing and removes
    // the stamp; the site is the last good one.
    let good = site.read("nl-nl/a/index.html");
    site.write(
        "content/a.md",
        format!("{ARTICLE}\n```checklist\nid: x\ninputs:\n  - id: q\n    type: nope\n```\n"),
    );
    let failed = site.tolk(&["build"]);
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    assert!(!stamp.exists());
    assert_eq!(site.read("nl-nl/a/index.html"), good);
    site.write("content/a.md", ARTICLE);
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(up_to_date(&site.tolk(&["build"])));

    for damage in ["", "{", "{\"format\":1}", "\u{0}\u{1}garbage", "[1,2,3]"] {
        std::fs::write(&stamp, damage).expect("write");
        let run = site.tolk(&["build"]);
        assert_eq!(run.code, 0, "{damage:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("Built 2 articles"),
            "{damage:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"));
    }
    assert!(up_to_date(&site.tolk(&["build"])));
}

#[test]
fn two_projects_sharing_one_output_folder_never_take_each_others_stamp() {
    // `--root .` from two projects into one --out: the same options.
    let out = tempfile::tempdir().expect("out");
    let target = out.path().join("site");
    let target = target.to_str().expect("utf-8");
    let one = two_articles();
    let two = two_articles();
    two.write("content/b.md", ARTICLE.replace("Tekst.", "Twee."));
    let a = tolk(&["build", "--root", ".", "--out", target], Some(one.root()));
    a.ok();
    let b = tolk(&["build", "--root", ".", "--out", target], Some(two.root()));
    assert!(b.stderr.contains("Built 2 articles"), "{}", b.stderr);
    let page = std::fs::read_to_string(out.path().join("site/nl-nl/b/index.html")).expect("page");
    assert!(page.contains("Twee."));
    let a = tolk(&["build", "--root", ".", "--out", target], Some(one.root()));
    assert!(a.stderr.contains("Built 2 articles"), "{}", a.stderr);
}

#[test]
fn the_english_tree_includes_and_a_named_theme_are_inputs() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n[build]\ntheme = \"mine\"\n");
    site.write(
        "content/a.md",
        "---\ntitle: A\nms.date: 07/22/2021\n---\n# A\n\n[!INCLUDE [x](includes/x.md)]\n",
    );
    site.write("content/includes/x.md", "Gedeelde zin.\n");
    site.write(
        "content-en/a.md",
        "---\ntitle: A\nms.date: 07/22/2021\n---\n# A\n\nThe English original.\n",
    );
    site.write("themes/mine/static/extra.css", "p { margin: 0 }\n");
    site.tolk(&["build"]).ok();
    assert!(up_to_date(&site.tolk(&["build"])));

    site.write("content/includes/x.md", "Een andere zin.\n");
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(site.read("nl-nl/a/index.html").contains("Een andere zin."));
    assert!(up_to_date(&site.tolk(&["build"])));

    site.write(
        "content-en/a.md",
        "---\ntitle: A\nms.date: 07/22/2021\n---\n# A\n\nThe revised original.\n",
    );
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(site
        .read("en/a/index.html")
        .contains("The revised original."));
    assert!(up_to_date(&site.tolk(&["build"])));

    site.write(
        "themes/mine/templates/404.html",
        "<!DOCTYPE html><title>eigen</title>",
    );
    assert!(!up_to_date(&site.tolk(&["build"])));
    assert!(site.read("404.html").contains("eigen"));
    assert!(up_to_date(&site.tolk(&["build"])));
}

#[test]
fn a_hostile_stamp_neither_hangs_nor_blocks_nor_writes_through_a_link() {
    let site = two_articles();
    let stamp = site.root().join(".site.tolk-stamp");
    let built = |why: &str| {
        let run = site.tolk(&["build"]);
        assert_eq!(run.code, 0, "{why}: {}", run.stderr);
        assert!(
            run.stderr.contains("Built 2 articles"),
            "{why}: {}",
            run.stderr
        );
    };
    // A link to an endless device: not read.
    std::os::unix::fs::symlink("/dev/zero", &stamp).expect("symlink");
    built("a link to /dev/zero");
    // The build replaced the link with its own stamp.
    assert!(!std::fs::symlink_metadata(&stamp)
        .expect("stamp")
        .file_type()
        .is_symlink());
    assert!(up_to_date(&site.tolk(&["build"])));

    // A link to a file of the machine: never written through.
    let victim = site.root().join("victim.txt");
    std::fs::write(&victim, "do not touch").expect("victim");
    std::fs::remove_file(&stamp).expect("rm");
    std::os::unix::fs::symlink(&victim, &stamp).expect("symlink");
    site.write("content/a.md", ARTICLE.replace("Tekst.", "Ander."));
    built("a link to a file");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "do not touch"
    );

    // A FIFO: not waited on.
    std::fs::remove_file(&stamp).expect("rm");
    let fifo = std::ffi::CString::new(stamp.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: mkfifo reads the NUL-terminated path only.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    built("a FIFO");

    // A folder: it can be neither read nor replaced, and builds go on.
    std::fs::remove_file(&stamp).expect("rm");
    std::fs::create_dir(&stamp).expect("mkdir");
    built("a folder");
    built("a folder, again");
}

#[test]
fn no_build_trusts_its_stamp_while_another_holds_the_site() {
    // A build swaps its site in and then writes its stamp; another build
    // that read or replaced the stamp in between would leave a stamp
    // beside a site it did not write. So the lock beside the site is held
    // from reading the stamp to writing the next: while another build
    // (here: this test) holds it, a build refuses rather than report "Up
    // to date" for a site that is being replaced.
    use std::os::fd::AsRawFd;
    let site = two_articles();
    site.tolk(&["build"]).ok();
    assert!(up_to_date(&site.tolk(&["build"])));
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(site.root().join(".site.tolk-lock"))
        .expect("the lock file beside the site");
    // SAFETY: flock only reads the descriptor, which `lock` keeps open.
    assert_eq!(
        unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    for args in [&["build"][..], &["build", "--rebuild"][..]] {
        let run = site.tolk(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("another tolk build is writing"),
            "{}",
            run.stderr
        );
        assert!(!up_to_date(&run), "{}", run.stderr);
    }
    drop(lock);
    assert!(up_to_date(&site.tolk(&["build"])));
}
