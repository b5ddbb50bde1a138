//! Times `Session::rebuild` after editing one article, in process: the
//! preview server's rebuild without the watcher. Prints the median of N.
//!
//!   cargo run --release --example rebuild -- SITE [N]
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: rebuild SITE [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(15);
    let opts = tolk::pipeline::Options {
        root: root.clone().into(),
        out: None,
        force: false,
        base_path: None,
        inject: String::new(),
        review: false,
        skip_unchanged: false,
    };
    let (mut session, _) = match tolk::pipeline::Session::build(&opts) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("build failed: {} diagnostics", d.len());
            std::process::exit(1);
        }
    };
    let mut articles: Vec<_> = walkdir::WalkDir::new(std::path::Path::new(&root).join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    articles.sort();
    let Some(article) = articles.get(1).cloned() else {
        eprintln!("no articles");
        std::process::exit(1);
    };
    let original = std::fs::read_to_string(&article).unwrap_or_default();
    let mut times = Vec::new();
    for i in 0..n {
        let text = format!("{original}\nEen bewerking, nummer {i}.\n");
        if std::fs::write(&article, text).is_err() {
            std::process::exit(1);
        }
        let start = Instant::now();
        if session.rebuild(std::slice::from_ref(&article)).is_err() {
            eprintln!("rebuild failed");
            std::process::exit(1);
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = std::fs::write(&article, original);
    times.sort_by(f64::total_cmp);
    println!(
        "{} rebuilds of {}: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        n,
        article.display(),
        times[n / 2],
        times[0],
        times[n - 1]
    );
}
