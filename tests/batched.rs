//! `tolk build` compiles the site in batches and moves each batch's
//! bodies and source texts to disk (issue 19); the preview server keeps
//! every page in memory. These tests hold the two to the same bytes and
//! the same diagnostics.

mod common;

use common::generated::generated_site;

/// `tolk build` (bodies to disk, text into the search indexes, 64
/// articles at a time) writes the same bytes as the session the preview
/// server keeps (every page in memory): 150 articles, three batches, a
/// checklist-free and a segmented half, navigation and search indexes.
///
/// The build reads each article's text when it reads its front matter and
/// then keeps it on disk until its batch compiles: a code directive in the
/// last batch must still show its file (the files code directives name are
/// read before the first batch), and an article only the English tree has
/// (one text for both of its sources) must still have its body.
#[test]
fn a_build_from_disk_writes_what_a_kept_session_writes() {
    let site = generated_site(150);
    site.write(
        "content/snippets/hallo.ps1",
        "Write-Host 'hallo uit het bestand'\n",
    );
    let text =
        std::fs::read_to_string(site.root().join("content/d0001/a000148.md")).expect("article");
    site.write(
        "content/d0001/a000148.md",
        format!("{text}\n:::code language=\"powershell\" source=\"../snippets/hallo.ps1\":::\n"),
    );
    site.write(
        "content-en/d0001/english-only.md",
        "---\ntitle: Only in English\nms.date: 01/02/2024\n---\n# Only in English\n\nA page the Dutch tree lacks.\n",
    );
    let opts = |out: &str| tolk::pipeline::Options {
        root: site.root().to_path_buf(),
        out: Some(site.root().join(out)),
        ..Default::default()
    };
    let once = tolk::pipeline::build(&opts("once")).expect("tolk build");
    assert_eq!(once.articles, 151, "150 generated, one English-only");
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
    let code = std::fs::read_to_string(site.root().join("once/nl-nl/d0001/a000148/index.html"))
        .expect("page with code");
    assert!(code.contains("hallo uit het bestand"), "{code}");
    let english =
        std::fs::read_to_string(site.root().join("once/en/d0001/english-only/index.html"))
            .expect("English-only page");
    assert!(
        english.contains("A page the Dutch tree lacks."),
        "{english}"
    );
}

/// `tolk build` moves each batch's source texts to disk too, and reads
/// them back only to scan them and to show the line of a problem: it
/// reports what the kept session reports, line and source line alike, for
/// problems in every batch (the first, the middle, the last), a broken
/// anchor into a later batch, and an English source file's broken link.
#[test]
fn a_build_from_disk_reports_what_a_kept_session_reports() {
    let site = generated_site(150);
    let edit = |rel: &str, more: &str| {
        let path = format!("content/{rel}");
        let text = std::fs::read_to_string(site.root().join(&path)).expect("article");
        site.write(&path, format!("{text}{more}"));
    };
    edit(
        "d0000/a000003.md",
        "Zie [verder](../d0001/a000140.md#geen-kop) en [leeg](a000004.md#section-9).\n",
    );
    edit(
        "d0000/a000070.md",
        "CafÃ© en <script>alert(1)</script>, [](a000071.md) en [fout](javascript:alert(1)).\n",
    );
    edit(
        "d0001/a000149.md",
        "Zie [Hoofdletters](A000148.md) en [#weg](#nergens).\n",
    );
    site.write(
        "content-en/d0001/a000120.md",
        "---\ntitle: English\n---\n# English\n\nSee [gone](#nowhere).\n",
    );
    let opts = |out: &str| tolk::pipeline::Options {
        root: site.root().to_path_buf(),
        out: Some(site.root().join(out)),
        ..Default::default()
    };
    let shown = |diagnostics: &[tolk::diagnostic::Diagnostic]| -> Vec<String> {
        diagnostics.iter().map(|d| d.render(false)).collect()
    };
    let once = tolk::pipeline::build(&opts("once")).expect("tolk build");
    let (_session, kept) = tolk::pipeline::Session::build(&opts("kept")).expect("session build");
    let (once, kept) = (shown(&once.diagnostics), shown(&kept.diagnostics));
    assert_eq!(once, kept);
    let all = once.join("\n");
    for (code, line) in [
        ("broken-anchor", "a000140.md#geen-kop"),
        ("broken-anchor", "a000004.md#section-9"),
        ("mojibake", "CafÃ©"),
        ("raw-html-removed", "<script>alert(1)</script>"),
        ("empty-link-text", "[](a000071.md)"),
        ("unsafe-link", "[fout](javascript:alert(1))"),
        ("link-spelling", "[Hoofdletters](A000148.md)"),
        ("broken-anchor", "[#weg](#nergens)"),
        ("broken-anchor", "See [gone](#nowhere)."),
    ] {
        // The diagnostic and, below it, the source line it points at.
        assert!(
            once.iter()
                .any(|d| d.contains(&format!("[{code}]")) && d.contains(line)),
            "no {code} showing `{line}` in:\n{all}"
        );
    }
}
