#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

/// The site folder, made once per process; the temp dir lives as long.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &ROOT
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temp dir for the site fixture");
            let root = tolk::fuzzing::serve_fixture(dir.path()).expect("the site fixture");
            (dir, root)
        })
        .1
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk::fuzzing::serve_path(root(), data));
