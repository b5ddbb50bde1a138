//! The same sources give the same site, byte for byte, on any machine: two
//! builds of the bundled site and of the hostile corpus, from copies in
//! different folders, under different time zones, locales, working
//! folders and thread counts, must write the same files with the same
//! bytes, and no file may name the folder it was built in. The two time
//! zones (UTC-12 and Chatham, UTC+12:45 or +13:45) are on different
//! calendar days at every hour, and the hostile checklist shows `today()`
//! in its first paint: a build that used the machine's date would differ.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() == "site" {
                continue;
            }
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

struct Machine {
    tz: &'static str,
    lang: &'static str,
    threads: &'static str,
    /// Run from the site's folder (no --root), or from `/` with --root.
    in_site: bool,
}

fn build(root: &Path, m: &Machine) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut cmd = Command::new(bin());
    cmd.arg("build")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .env("TZ", m.tz)
        .env("LANG", m.lang)
        .env("LC_ALL", m.lang)
        .env("RAYON_NUM_THREADS", m.threads);
    if m.in_site {
        cmd.current_dir(root);
    } else {
        cmd.current_dir("/").arg("--root").arg(root);
    }
    let out = cmd.output().expect("run tolk");
    assert!(
        out.status.success(),
        "tolk build failed in {}:\n{}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    snapshot(&root.join("site"))
}

fn assert_same_site_anywhere(sources: &Path) {
    let a_dir = tempfile::tempdir().expect("tmp");
    let b_dir = tempfile::tempdir().expect("tmp");
    let a: PathBuf = a_dir.path().join("site-a");
    let b: PathBuf = b_dir
        .path()
        .join("een veel diepere map")
        .join("über")
        .join("bron");
    copy_tree(sources, &a);
    copy_tree(sources, &b);
    let one = build(
        &a,
        &Machine {
            tz: "Etc/GMT+12",
            lang: "C",
            threads: "1",
            in_site: true,
        },
    );
    let two = build(
        &b,
        &Machine {
            tz: "Pacific/Chatham",
            lang: "nl_NL.UTF-8",
            threads: "2",
            in_site: false,
        },
    );
    let names = |s: &BTreeMap<String, Option<Vec<u8>>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&one), names(&two), "different files");
    assert!(one.len() > 10, "{:?}", names(&one));
    for (name, bytes) in &one {
        assert!(
            bytes == &two[name],
            "{name} differs between the two builds of {}",
            sources.display()
        );
        let text = String::from_utf8_lossy(bytes.as_deref().unwrap_or_default());
        for dir in [
            &a,
            &b,
            &a_dir.path().to_path_buf(),
            &b_dir.path().to_path_buf(),
        ] {
            let dir = dir.to_string_lossy();
            assert!(!text.contains(&*dir), "{name} names the folder {dir}");
        }
        assert!(!text.contains("/tmp/"), "{name} names a temp folder");
    }
}

#[test]
fn the_bundled_site_is_the_same_on_every_machine() {
    // The site's own files only, not the whole checkout.
    let src = tempfile::tempdir().expect("tmp");
    std::fs::copy(repo().join("book.toml"), src.path().join("book.toml")).expect("book.toml");
    for dir in ["content", "content-en", "themes"] {
        if repo().join(dir).is_dir() {
            copy_tree(&repo().join(dir), &src.path().join(dir));
        }
    }
    assert_same_site_anywhere(src.path());
}

#[test]
fn the_hostile_site_is_the_same_on_every_machine() {
    assert_same_site_anywhere(&repo().join("tests/hostile"));
}
