#![no_main]

//! The checklists of the bundled site's articles against arbitrary answers.

use std::sync::OnceLock;

use tolk::checklist::Checklist;

/// Compiled once: compiling is far slower than evaluating.
fn checklists() -> &'static [Checklist] {
    static CHECKLISTS: OnceLock<Vec<Checklist>> = OnceLock::new();
    CHECKLISTS.get_or_init(|| {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let articles: Vec<String> = tolk::fuzzing::EVAL_ARTICLES
            .iter()
            .map(|p| std::fs::read_to_string(repo.join(p)).expect("an article of the bundled site"))
            .collect();
        tolk::fuzzing::eval_checklists(&articles)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk::fuzzing::eval(checklists(), data));
