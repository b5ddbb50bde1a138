//! The floor a documentation build is measured against: read every `.md`
//! file of a folder, render it with pulldown-cmark alone, and write the HTML
//! twice (two languages), on all cores. No templates, no search, no links.
//!
//! cargo run --release --example floor -- CONTENT_DIR OUT_DIR

use std::path::PathBuf;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(src), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(src)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let Ok(text) = std::fs::read_to_string(f) else {
            return;
        };
        let mut html = String::with_capacity(text.len() * 2);
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(&text, tolk::markdown::options()),
        );
        let rel = f.strip_prefix(src).unwrap_or(f).with_extension("");
        for lang in ["nl-nl", "en"] {
            let dir = PathBuf::from(out).join(lang).join(&rel);
            if std::fs::create_dir_all(&dir).is_ok() {
                let _ = std::fs::write(dir.join("index.html"), &html);
            }
        }
    });
}
