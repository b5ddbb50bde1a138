//! The content/output trust boundary (issue 13, part A): what a contributor
//! puts in `content/`, `content-en/` or `themes/` cannot read files outside
//! the project, overwrite what tolk generates, publish live script, blow up
//! the YAML reader, or break URLs. tests/hostile-content is a site holding
//! every attack at once.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::*;

fn has(run: &Run, needle: &str) -> bool {
    run.stderr.contains(needle) || run.stdout.contains(needle)
}

/// The diagnostics of `run` with this code, as printed (`error[code]: ...`
/// and the location line under it).
fn diagnostics<'a>(run: &'a Run, code: &str) -> Vec<&'a str> {
    let head = format!("error[{code}]");
    run.stderr
        .split("\n\n")
        .filter(|block| block.trim_start().starts_with(&head))
        .collect()
}

#[test]
fn symlinks_out_of_the_content_folder_are_refused_at_the_link() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/index.md", ARTICLE);
    site.write("content/inner/real.txt", "binnen");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.txt"), "SECRET-OUTSIDE").expect("write");
    let content = site.root().join("content");
    symlink("/proc/self/environ", content.join("env.txt")).expect("link");
    symlink("/etc/passwd", content.join("passwd.txt")).expect("link");
    symlink(outside.path(), content.join("elsewhere")).expect("link");
    symlink("/proc/self/task", content.join("task")).expect("link");
    // A link whose target stays inside keeps working, file and folder.
    symlink("inner/real.txt", content.join("alias.txt")).expect("link");
    symlink("inner", content.join("inner-link")).expect("link");

    let start = std::time::Instant::now();
    let run = site.tolk(&["build"]);
    assert!(start.elapsed().as_secs() < 30, "the walk went into /proc");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    assert_eq!(found.len(), 4, "{}", run.stderr);
    for (name, target) in [
        ("env.txt", "/proc/self/environ".to_string()),
        ("passwd.txt", "/etc/passwd".to_string()),
        ("elsewhere", outside.path().display().to_string()),
        ("task", "/proc/self/task".to_string()),
    ] {
        assert!(
            found
                .iter()
                .any(|d| d.contains(&format!("--> content/{name}")) && d.contains(&target)),
            "no diagnostic at content/{name} naming {target}:\n{}",
            run.stderr
        );
    }
    assert!(
        !site.root().join("site").exists(),
        "a failed build wrote a site"
    );
    // `tolk check` says the same.
    let check = site.tolk(&["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostics(&check, "symlink-outside").len(),
        4,
        "{}",
        check.stderr
    );

    // Without the links out, the build passes and the links inside work.
    for name in ["env.txt", "passwd.txt", "elsewhere", "task"] {
        std::fs::remove_file(content.join(name)).expect("unlink");
    }
    site.tolk(&["build"]).ok();
    assert_eq!(site.read("alias.txt"), "binnen");
    assert_eq!(site.read("inner-link/real.txt"), "binnen");
}

#[test]
fn symlinks_out_of_the_project_in_themes_and_english_sources_are_refused() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n\n[build]\ntheme = \"eigen\"\n");
    site.write("content/index.md", ARTICLE);
    site.write("themes/eigen/static/extra.css", "body{}");
    site.write("content-en/placeholder.txt", "x");
    symlink(
        "/etc/passwd",
        site.root().join("themes/eigen/static/passwd.css"),
    )
    .expect("link");
    symlink("/etc/passwd", site.root().join("content-en/index.md")).expect("link");
    // Inside the project (the content folder) is fine for both.
    symlink(
        site.root().join("content/index.md"),
        site.root().join("content-en/shared.md"),
    )
    .expect("link");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    assert!(
        found
            .iter()
            .any(|d| d.contains("--> themes/eigen/static/passwd.css") && d.contains("/etc/passwd")),
        "{}",
        run.stderr
    );
    std::fs::remove_file(site.root().join("themes/eigen/static/passwd.css")).expect("unlink");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert!(
        found[0].contains("--> content-en/index.md"),
        "{}",
        run.stderr
    );
    assert!(!has(&run, "root:x:0"), "the target was read");
    std::fs::remove_file(site.root().join("content-en/index.md")).expect("unlink");
    site.tolk(&["build"]).ok();
}

/// `big: &a [... 3000]` and then 20,000 `*a`: 60 million values once
/// expanded (over 3 GB before the fix).
fn alias_bomb(indent: &str) -> String {
    let items = vec!["x"; 3000].join(", ");
    let refs = vec!["*a"; 20_000].join(", ");
    format!("{indent}big: &a [{items}]\n{indent}list: [{refs}]\n")
}

#[test]
fn yaml_alias_bombs_are_refused_at_the_alias() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write(
        "content/front.md",
        format!("---\ntitle: Bom\n{}---\n# Bom\n", alias_bomb("")),
    );
    site.write(
        "content/block.md",
        format!(
            "---\ntitle: Blok\n---\n# Blok\n\n```checklist\nid: bom\ntitle: Bom\n{}```\n",
            alias_bomb("")
        ),
    );
    site.write(
        "content/sub/TOC.yml",
        "- name: A\n  href: a.md\n  x: &a [1]\n- name: B\n  href: b.md\n  items: [*a, *a]\n",
    );
    site.write("content/sub/a.md", ARTICLE);
    site.write("content/sub/b.md", ARTICLE);
    let start = std::time::Instant::now();
    let run = site.tolk(&["build"]);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "yaml-alias");
    assert_eq!(found.len(), 3, "{}", run.stderr);
    // Each at its first alias: front matter line 4 (after `---`, `title`,
    // `big`), the block's line 10, the TOC's line 6.
    for at in [
        "content/front.md:4:8",
        "content/block.md:10:8",
        "content/sub/TOC.yml:6:11",
    ] {
        assert!(
            found.iter().any(|d| d.contains(at)),
            "no yaml-alias at {at}:\n{}",
            run.stderr
        );
    }
    let check = site.tolk(&["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostics(&check, "yaml-alias").len(),
        3,
        "{}",
        check.stderr
    );
}

#[test]
fn front_matter_of_the_wrong_type_is_a_located_error() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write(
        "content/index.md",
        "---\ntitle: [1, 2]\nms.date: 07/22/2021\nauthor: [1, {a: 2}]\n---\n# Kop\n\nTekst.\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "front-matter-type");
    assert_eq!(found.len(), 2, "{}", run.stderr);
    assert!(found[0].contains("`title` must be one text value, not a list"));
    assert!(
        found[0].contains("--> content/index.md:2:1"),
        "{}",
        found[0]
    );
    assert!(found[1].contains("`author` must be one text value, not a list"));
    assert!(
        found[1].contains("--> content/index.md:4:1"),
        "{}",
        found[1]
    );
    assert!(!site.root().join("site").exists());
    // One report per mistake: the title given in the wrong form is not
    // also "missing", nor are the keys of front matter that cannot be read.
    site.write(
        "content/kapot.md",
        "---\ntitle: Kapot\nbig: &a [1]\nlist: [*a]\n---\n# Kapot\n",
    );
    let check = site.tolk(&["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostics(&check, "front-matter-type").len(),
        2,
        "{}",
        check.stderr
    );
    assert_eq!(
        diagnostics(&check, "yaml-alias").len(),
        1,
        "{}",
        check.stderr
    );
    assert!(
        !check.stderr.contains("missing-front-matter"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_percent_in_a_file_name_is_encoded_in_every_url() {
    let site =
        TempSite::new("[book]\ntitle = \"T\"\n\n[site]\nurl = \"https://docs.example.org\"\n");
    site.write(
        "content/x%2F..%2Fy.md",
        "---\ntitle: Procent\nms.date: 07/22/2021\nauthor: t\n---\n# Procent\n\nTekst.\n",
    );
    site.write(
        "content/other.md",
        "---\ntitle: Ander\nms.date: 07/22/2021\nauthor: t\n---\n# Ander\n\nZie [procent](x%252F..%252Fy.md).\n",
    );
    site.tolk(&["build"]).ok();
    let encoded = "/nl-nl/x%252F..%252Fy/";
    // The page is the file of that name; its URL is the name, escaped.
    assert!(site.exists("nl-nl/x%2F..%2Fy/index.html"));
    let index = site.read("nl-nl/index.html");
    assert!(index.contains(&format!("href=\"{encoded}\"")), "{index}");
    let other = site.read("nl-nl/other/index.html");
    assert!(other.contains(&format!("href=\"{encoded}\"")), "{other}");
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>https://docs.example.org{encoded}</loc>")),
        "{sitemap}"
    );
    for text in [&index, &other, &sitemap] {
        assert!(!text.contains("/nl-nl/x%2F..%2Fy/"), "an unescaped URL");
    }
}

/// The files a clean build of `site` writes, by path.
fn built_files(site: &TempSite) -> Vec<String> {
    snapshot(&site.root().join("site"))
        .into_iter()
        .filter(|(_, bytes)| bytes.is_some())
        .map(|(rel, _)| rel)
        .collect()
}

#[test]
fn content_files_never_overwrite_what_tolk_generates() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/index.md", ARTICLE);
    site.write("content/over.md", ARTICLE);
    site.tolk(&["build"]).ok();
    let script = built_files(&site)
        .into_iter()
        .find(|f| f.starts_with("static/tolk.") && f.ends_with(".js"))
        .expect("the theme's script");
    let attacks = [
        (script.as_str(), "a static file of the theme"),
        ("robots.txt", "robots.txt"),
        ("sitemap.xml", "the sitemap"),
        ("404.html", "the nl-nl 404 page"),
        ("en/404.html", "the en 404 page"),
        ("index.html", "the root page"),
        ("nl-nl/index.html", "the nl-nl page of content/index.md"),
        ("en/over/index.html", "the en page of content/over.md"),
        ("Robots.TXT", "robots.txt"),
        ("nl-nl/search/index.html", "the nl-nl search page"),
        // Any name of a navigation script's shape: its hash is not known
        // before the pages are.
        ("static/toc-en.0123abcd.js", "the navigation script"),
    ];
    for (rel, _) in attacks {
        site.write(&format!("content/{rel}"), "alert('owned')");
    }
    let before = snapshot(&site.root().join("site"));
    for command in ["build", "check"] {
        let run = site.tolk(&[command]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let found = diagnostics(&run, "output-clash");
        assert_eq!(found.len(), attacks.len(), "{}", run.stderr);
        for (rel, what) in attacks {
            assert!(
                found
                    .iter()
                    .any(|d| d.contains(&format!("--> content/{rel}\n"))
                        && d.contains(&format!(
                            "would overwrite {what}, which tolk writes to {rel}"
                        ))),
                "no output-clash for content/{rel} naming {what}:\n{}",
                run.stderr
            );
        }
    }
    assert_eq!(
        before,
        snapshot(&site.root().join("site")),
        "a failed build changed the site"
    );
}

/// An article named like a page tolk makes itself (`search.md`, the
/// search results page) stopped the build while writing, with a clash
/// that named no file, and `tolk check` passed. Now both report it at the
/// article, and nothing is written.
#[test]
fn an_article_at_the_search_page_is_a_located_clash() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/index.md", ARTICLE);
    site.tolk(&["build"]).ok();
    let before = snapshot(&site.root().join("site"));
    site.write("content/search.md", ARTICLE);
    for command in ["build", "check"] {
        let run = site.tolk(&[command]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let found = diagnostics(&run, "output-clash");
        assert_eq!(found.len(), 1, "{}", run.stderr);
        assert!(
            found[0].contains("--> content/search.md\n")
                && found[0].contains("this article's page would overwrite the nl-nl search page, which tolk writes to nl-nl/search/index.html"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(before, snapshot(&site.root().join("site")));
}

/// Item 5: the manifest held the smaller of two hashes written to one path,
/// so after the colliding file was removed every second build published it
/// again. Now the clash is an error, and builds after its removal are all
/// the same as a build that never saw it.
#[test]
fn removing_a_colliding_file_gives_the_same_site_on_every_build() {
    let clean = TempSite::new("[book]\ntitle = \"T\"\n");
    clean.write("content/index.md", ARTICLE);
    clean.tolk(&["build"]).ok();
    let expected = snapshot(&clean.root().join("site"));
    let robots = clean.read("robots.txt");
    // Bytes whose hash is the larger of the two: the old dedup kept the
    // generated file's hash while the colliding bytes stayed on disk.
    let tolk_hash = tolk::render::content_hash(robots.as_bytes());
    let evil = (0..)
        .map(|i| format!("User-agent: *\nDisallow: /{i}\n"))
        .find(|t| tolk::render::content_hash(t.as_bytes()) > tolk_hash)
        .expect("some bytes hash higher");

    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/index.md", ARTICLE);
    site.write("content/robots.txt", &evil);
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    std::fs::remove_file(site.root().join("content/robots.txt")).expect("rm");
    for build in 1..=4 {
        site.tolk(&["build"]).ok();
        assert_eq!(site.read("robots.txt"), robots, "build {build}");
        let got = snapshot(&site.root().join("site"));
        let differ: Vec<&String> = expected
            .keys()
            .chain(got.keys())
            .filter(|k| expected.get(*k) != got.get(*k))
            .collect();
        assert!(differ.is_empty(), "build {build} differs in {differ:?}");
    }
}

#[test]
fn only_safe_asset_types_are_published_unless_the_site_allows_more() {
    let book = "[book]\ntitle = \"T\"\n";
    let site = TempSite::new(book);
    site.write("content/index.md", ARTICLE);
    let active = [
        ("x.html", "<script>alert(1)</script>"),
        ("sub/x.htm", "<script>alert(1)</script>"),
        (
            "x.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
        ("x.xml", "<?xml-stylesheet href=\"x.xsl\"?><x/>"),
        ("x.js", "alert(1)"),
        (
            "x.xhtml",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>",
        ),
    ];
    for (rel, text) in active {
        site.write(&format!("content/{rel}"), text);
    }
    site.write("content/plaatje.PNG", [0x89u8, b'P', b'N', b'G']);
    site.write("content/LICENSE", "MIT");
    site.write("content/script.ps1", "Get-Date");
    for command in ["build", "check"] {
        let run = site.tolk(&[command]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let found = diagnostics(&run, "asset-type");
        assert_eq!(found.len(), active.len(), "{}", run.stderr);
        for (rel, _) in active {
            assert!(
                found
                    .iter()
                    .any(|d| d.contains(&format!("--> content/{rel}\n"))),
                "no asset-type at content/{rel}:\n{}",
                run.stderr
            );
        }
        assert!(found
            .iter()
            .any(|d| d.contains("a browser runs the script in a .svg file")));
        assert!(found.iter().all(|d| d.contains("extra-asset-types")));
    }
    // The site that needs them says so, type by type.
    site.write(
        "book.toml",
        format!("{book}\n[build]\nextra-asset-types = [\"html\", \"htm\", \"svg\", \"xml\", \".js\", \"XHTML\"]\n"),
    );
    site.tolk(&["build"]).ok();
    for (rel, text) in active {
        assert_eq!(site.read(rel), text);
    }
    assert!(site.exists("plaatje.PNG") && site.exists("LICENSE") && site.exists("script.ps1"));
}

#[test]
fn a_content_folder_that_is_itself_a_link_must_stay_in_the_project() {
    let site = TempSite::new("[book]\ntitle = \"T\"\nsrc = \"docs\"\n");
    site.write("real/index.md", ARTICLE);
    symlink(site.root().join("real"), site.root().join("docs")).expect("link");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("index.md"), "# Outside\n").expect("write");
    symlink(outside.path(), site.root().join("content-en")).expect("link");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert!(
        found[0].contains("--> content-en\n") && found[0].contains("outside the project folder"),
        "{}",
        found[0]
    );
    std::fs::remove_file(site.root().join("content-en")).expect("unlink");
    site.tolk(&["build"]).ok();
    assert!(site.exists("nl-nl/index.html"));
}

/// A copy of tests/hostile-content with the attacks that cannot be
/// committed added (see its README): the links, and a file at the path of
/// the theme's script.
fn hostile_content_site(outside: &Path) -> TempSite {
    // The theme's script name depends on its bytes: read it off a build.
    let probe = TempSite::new("[book]\ntitle = \"T\"\n");
    probe.write("content/index.md", ARTICLE);
    probe.tolk(&["build"]).ok();
    let script = built_files(&probe)
        .into_iter()
        .find(|f| f.starts_with("static/tolk.") && f.ends_with(".js"))
        .expect("the theme's script");

    let site = TempSite::new("");
    let from = repo().join("tests/hostile-content");
    for entry in walkdir::WalkDir::new(&from).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(&from).expect("prefix");
        if entry.file_type().is_file() {
            site.write(
                rel.to_str().expect("utf-8"),
                std::fs::read(entry.path()).expect("read"),
            );
        }
    }
    let content = site.root().join("content");
    site.write(&format!("content/{script}"), "alert('owned')");
    std::fs::write(outside.join("secret.txt"), "SECRET").expect("write");
    symlink("/proc/self/environ", content.join("env.txt")).expect("link");
    symlink("/etc/passwd", content.join("passwd.txt")).expect("link");
    symlink(outside, content.join("elsewhere")).expect("link");
    symlink("/proc/self/task", content.join("task")).expect("link");
    site
}

/// Done means: `tolk serve` on the site of every attack stays up, says
/// what is wrong, answers the names of the bound address and no other
/// host, and publishes nothing the attacks tried to publish.
#[test]
fn serve_on_every_attack_at_once_stays_up_and_answers_only_loopback() {
    use common::serve::{get_with, Serve};
    let outside = tempfile::tempdir().expect("temp dir");
    let site = hostile_content_site(outside.path());
    std::fs::write(outside.path().join("secret.txt"), "SECRET").expect("write");
    let s = Serve::start(&site);
    s.wait_log("error[symlink-outside]");
    let port = s.addr.port();
    for path in [
        "/",
        "/nl-nl/",
        "/env.txt",
        "/passwd.txt",
        "/elsewhere/secret.txt",
    ] {
        let (status, _, body) = get_with(s.addr, path, &format!("Host: rebind.test:{port}\r\n"));
        assert_eq!(status, 403, "{path}: {body}");
        // The first build failed: every path says so (and the error
        // overlay comes with the reload script), none is served.
        let (status, _, body) = get_with(s.addr, path, &format!("Host: localhost:{port}\r\n"));
        assert!(
            status == 503 && body.contains("the site has not been built yet"),
            "{path}: {status} {body}"
        );
        for leak in ["SECRET", "root:x:0", "PATH=", "alert("] {
            assert!(!body.contains(leak), "{path} shows {leak}: {body}");
        }
    }
    // Still up and answering after all of it.
    let (status, _, _) = get_with(s.addr, "/", &format!("Host: 127.0.0.1:{port}\r\n"));
    assert_eq!(status, 503);
    let log = s.log();
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn every_attack_at_once_exits_1_with_one_located_diagnostic_each() {
    let outside = tempfile::tempdir().expect("temp dir");
    let site = hostile_content_site(outside.path());
    let before = snapshot(site.root());
    let outside_before = snapshot(outside.path());
    let expected = [
        ("symlink-outside", 4),
        ("output-clash", 7),
        ("asset-type", 2),
        ("yaml-alias", 3),
        ("front-matter-type", 1),
        ("redirects", 1),
    ];
    for command in ["build", "check"] {
        let start = std::time::Instant::now();
        let run = site.tolk(&[command]);
        assert!(
            start.elapsed().as_secs() < 30,
            "{command} took {:?}",
            start.elapsed()
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        let errors: Vec<&str> = run
            .stderr
            .split("\n\n")
            .map(str::trim_start)
            .filter(|b| b.starts_with("error["))
            .collect();
        let mut counts = std::collections::BTreeMap::new();
        for e in &errors {
            let code = &e["error[".len()..e.find(']').expect("]")];
            *counts.entry(code).or_insert(0) += 1;
            // Located: a file under content/, with a line where there is one.
            assert!(
                e.lines()
                    .any(|l| l.trim_start().starts_with("--> content/")),
                "not located: {e}"
            );
        }
        let want: std::collections::BTreeMap<&str, usize> = expected.into_iter().collect();
        assert_eq!(counts, want, "{command}:\n{}", run.stderr);
        assert!(!run.stderr.contains("SECRET") && !run.stderr.contains("root:x:0"));
    }
    // Nothing was written: not site/, not beside it, not in the folder the
    // link points to.
    assert_eq!(
        before,
        snapshot(site.root()),
        "the build wrote into the project"
    );
    assert_eq!(outside_before, snapshot(outside.path()));
}

/// One GET on a running server: the status code and the body.
fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read");
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn serve_survives_an_alias_bomb_and_keeps_the_last_good_site() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write(
        "content/index.md",
        "---\ntitle: Goed\n---\n# Goed\n\nDe goede tekst.\n",
    );
    let mut serve = common::serve::Serve::start(&site);
    let (status, body) = http_get(serve.addr, "/nl-nl/");
    assert_eq!(status, 200);
    assert!(body.contains("De goede tekst"));
    site.write(
        "content/index.md",
        format!("---\ntitle: Bom\n{}---\n# Bom\n", alias_bomb("")),
    );
    serve.wait_log("error[yaml-alias]");
    assert!(
        serve.child.try_wait().expect("wait").is_none(),
        "serve died:\n{}",
        serve.log()
    );
    let (status, body) = http_get(serve.addr, "/nl-nl/");
    assert_eq!(status, 200, "{}", serve.log());
    assert!(
        body.contains("De goede tekst"),
        "the last good site is gone"
    );
    site.write(
        "content/index.md",
        "---\ntitle: Weer goed\n---\n# Weer goed\n\nHersteld.\n",
    );
    let deadline = std::time::Instant::now() + common::serve::EVENT;
    while !http_get(serve.addr, "/nl-nl/").1.contains("Hersteld") {
        assert!(std::time::Instant::now() < deadline, "{}", serve.log());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = serve.signal("-TERM");
}

#[test]
fn serve_neither_builds_nor_watches_through_a_link_out_of_the_content() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write(
        "content/index.md",
        "---\ntitle: Goed\n---\n# Goed\n\nTekst.\n",
    );
    symlink("/proc/self/task", site.root().join("content/task")).expect("link");
    symlink("/", site.root().join("content/root")).expect("link");
    let start = std::time::Instant::now();
    let mut serve = common::serve::Serve::start(&site);
    serve.wait_log("error[symlink-outside]");
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    // Still watching what it should: removing the links gives the site.
    std::fs::remove_file(site.root().join("content/task")).expect("unlink");
    std::fs::remove_file(site.root().join("content/root")).expect("unlink");
    let deadline = std::time::Instant::now() + common::serve::EVENT;
    while http_get(serve.addr, "/nl-nl/").0 != 200 {
        assert!(std::time::Instant::now() < deadline, "{}", serve.log());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(http_get(serve.addr, "/nl-nl/").1.contains("Tekst."));
    let _ = serve.signal("-TERM");
}

#[test]
fn links_into_hidden_files_of_the_project_are_refused() {
    // actions/checkout leaves the token in .git/config; a link from the
    // English sources or the theme (bound: the project) must not reach it.
    let site = TempSite::new("[book]\ntitle = \"T\"\n\n[build]\ntheme = \"eigen\"\n");
    site.write("content/index.md", ARTICLE);
    site.write("content/over.md", ARTICLE);
    site.write(
        ".git/config",
        "[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n",
    );
    site.write("content-en/index.md", "# Start\n");
    site.write("themes/eigen/static/extra.css", "body{}");
    symlink("../.git/config", site.root().join("content-en/over.md")).expect("link");
    symlink(
        "../../../.git/config",
        site.root().join("themes/eigen/static/leak.css"),
    )
    .expect("link");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    assert!(
        found
            .iter()
            .any(|d| d.contains("--> themes/eigen/static/leak.css")
                && d.contains("points to a hidden file")),
        "{}",
        run.stderr
    );
    std::fs::remove_file(site.root().join("themes/eigen/static/leak.css")).expect("unlink");
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert!(found[0].contains("--> content-en/over.md"), "{}", found[0]);
    assert!(!run.stderr.contains("SECRET-TOKEN"));
}

/// Runs `tolk <args> --root <site>`, killed after 60 s: reading a FIFO
/// or `/dev/zero` never ends, so a regression here must fail, not hang.
fn tolk_within_a_minute(site: &TempSite, args: &[&str]) -> Run {
    use std::io::Read;
    let mut child = std::process::Command::new(bin())
        .args(args)
        .arg("--root")
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tolk");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tolk {args:?} still ran after 60 s: it read a FIFO or a device");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: reader.join().expect("stderr reader"),
    }
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
}

#[test]
fn redirection_files_are_read_by_the_rules_of_content_files() {
    // `.openpublishing.redirection.json` is hidden, so no walk reads it:
    // it is looked up by name in the project, content and English folders.
    // A contributor sends it like any file: as a link out, a FIFO, a link
    // to a device. None may be read.
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/index.md", ARTICLE);
    site.write("content-en/index.md", "# Start\n");
    let name = ".openpublishing.redirection.json";
    let content = site.root().join("content").join(name);
    let english = site.root().join("content-en").join(name);
    let top = site.root().join(name);

    symlink("/etc/passwd", &content).expect("link");
    symlink("/etc/passwd", &english).expect("link");
    let run = tolk_within_a_minute(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("root:x:0"), "{}", run.stderr);
    let found = diagnostics(&run, "symlink-outside");
    for shown in [format!("content/{name}"), format!("content-en/{name}")] {
        assert!(
            found
                .iter()
                .any(|d| d.contains(&format!("--> {shown}\n")) && d.contains("/etc/passwd")),
            "no diagnostic at {shown}:\n{}",
            run.stderr
        );
    }
    std::fs::remove_file(&english).expect("unlink");

    // A device and a FIFO: refused (a link to the device) or skipped with
    // a warning at the file (a FIFO), and the build ends.
    std::fs::remove_file(&content).expect("unlink");
    symlink("/dev/zero", &top).expect("link");
    let run = tolk_within_a_minute(&site, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        diagnostics(&run, "symlink-outside")
            .iter()
            .any(|d| d.contains(&format!("--> {name}\n")) && d.contains("/dev/zero")),
        "{}",
        run.stderr
    );
    std::fs::remove_file(&top).expect("unlink");
    for fifo in [&top, &content, &english] {
        mkfifo(fifo);
        let run = tolk_within_a_minute(&site, &["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let shown = fifo
            .strip_prefix(site.root())
            .expect("inside")
            .display()
            .to_string();
        assert!(
            run.stderr.contains(&format!(
                "warning[io]: this is not a regular file (a FIFO, socket or device), so it was not read\n --> {shown}\n"
            )),
            "{}",
            run.stderr
        );
        std::fs::remove_file(fifo).expect("unlink");
    }

    // A folder that is itself a link out of the project: the walk refuses
    // it at its top, and its redirection file is not read either (its JSON
    // error printed the file's first line).
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join(name), "SECRET-REDIRECT-LINE").expect("write");
    std::fs::remove_dir_all(site.root().join("content-en")).expect("rm");
    symlink(outside.path(), site.root().join("content-en")).expect("link");
    let run = tolk_within_a_minute(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stderr.contains("SECRET-REDIRECT-LINE"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(site.root().join("content-en")).expect("unlink");
    site.write("content-en/index.md", "# Start\n");

    // A link that stays in its folder is read as before.
    site.write(
        "content/redirects/real.json",
        r#"{"redirections": [{"source_path": "oud.md", "redirect_url": "/index"}]}"#,
    );
    symlink("redirects/real.json", &content).expect("link");
    let run = tolk_within_a_minute(&site, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.exists("nl-nl/oud/index.html"), "{}", run.stderr);
}

#[test]
fn a_book_toml_that_is_a_fifo_is_an_error_not_a_hang() {
    let site = TempSite::new("[book]\ntitle = \"T\"\n");
    site.write("content/index.md", ARTICLE);
    std::fs::remove_file(site.root().join("book.toml")).expect("unlink");
    mkfifo(&site.root().join("book.toml"));
    let run = tolk_within_a_minute(&site, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[config]:") && run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
}
