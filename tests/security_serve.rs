//! Issue 13, part B: the preview server and hostile text. Each test here
//! failed on the code before its fix (the commit that added it says which).

mod common;

use common::*;
use proptest::prelude::*;
use tolk::sanitize::Sanitizer;

/// A file of tests/hostile/text.
fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/hostile/text").join(name)).expect("hostile input")
}

/// Sanitizes one block of raw HTML.
fn sanitize(html: &str) -> String {
    let mut s = Sanitizer::default();
    let mut out = String::new();
    let mut removed = Vec::new();
    s.push(html, 0, &mut out, &mut removed);
    s.finish(&mut out, &mut removed);
    out
}

/// A browser's decoding of an attribute value, transcribed from the HTML
/// standard's tokenizer (character reference states) independently of
/// `sanitize`: numeric references with any number of digits, the named
/// references a URL scheme can be built from, everything else as written.
fn reference_decode(v: &str) -> String {
    let c: Vec<char> = v.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '&' {
            out.push(c[i]);
            i += 1;
            continue;
        }
        if c.get(i + 1) == Some(&'#') {
            let mut j = i + 2;
            let hex = matches!(c.get(j), Some('x' | 'X'));
            if hex {
                j += 1;
            }
            let radix = if hex { 16 } else { 10 };
            let start = j;
            // u128 arithmetic, capped far above U+10FFFF.
            let mut n: u128 = 0;
            while let Some(d) = c.get(j).and_then(|ch| ch.to_digit(radix)) {
                n = (n * radix as u128 + d as u128).min(1 << 40);
                j += 1;
            }
            if j == start {
                // "absence of digits in numeric character reference": the
                // `&#` (and `x`) are text.
                out.push('&');
                i += 1;
                continue;
            }
            if c.get(j) == Some(&';') {
                j += 1;
            }
            let win1252 = [
                0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
                0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D,
                0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E,
                0x0178,
            ];
            let ch = if n == 0 || n > 0x10FFFF || (0xD800..=0xDFFF).contains(&n) {
                '\u{FFFD}'
            } else if (0x80..=0x9F).contains(&n) {
                char::from_u32(win1252[(n - 0x80) as usize]).unwrap()
            } else {
                char::from_u32(n as u32).unwrap()
            };
            out.push(ch);
            i = j;
            continue;
        }
        let rest: String = c[i + 1..].iter().collect();
        let named = [("colon;", ':'), ("Tab;", '\t'), ("NewLine;", '\n')];
        if let Some((name, ch)) = named.iter().find(|(n, _)| rest.starts_with(n)) {
            out.push(*ch);
            i += 1 + name.chars().count();
            continue;
        }
        out.push('&');
        i += 1;
    }
    out
}

/// The scheme a browser's URL parser finds in a decoded `href`: leading
/// and trailing C0 controls and spaces trimmed, tabs and newlines removed
/// anywhere, lower-cased up to the first `:`.
fn browser_scheme(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let s: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// The `href` values of the `<a>` tags the sanitizer wrote, as written.
fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" href=\"") {
        rest = &rest[i + 7..];
        let end = rest.find('"').expect("closing quote");
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn is_script_scheme(scheme: &str) -> bool {
    matches!(scheme, "javascript" | "vbscript" | "data")
}

/// Item 8: `decode_entities` read at most 8 digits but consumed them all,
/// so `&#0000000106;` was U+0001 to the filter and `j` to a browser. Failed
/// before the fix (the `href` was kept).
#[test]
fn zero_padded_references_do_not_hide_a_script_url() {
    for value in [
        "&#0000000106;avascript:alert(1)",
        "&#00000000000000000000000000106avascript:alert(1)",
        "&#x000000000006A;avascript:alert(1)",
        "javascript&#000000000058;alert(1)",
        "&#0000000000074;&#0000000097;vascript:alert(1)",
    ] {
        let out = sanitize(&format!("<a href=\"{value}\">x</a>"));
        assert!(!out.contains("href"), "{value} kept: {out}");
        assert_eq!(
            browser_scheme(&reference_decode(value)).as_deref(),
            Some("javascript")
        );
    }
    // A harmless URL with padded references still passes.
    let out = sanitize("<a href=\"https&#00000058;//example.com/\">x</a>");
    assert!(out.contains("href"), "{out}");
}

/// The same page built whole: the padded reference is removed and
/// reported, not published.
#[test]
fn a_build_removes_the_padded_script_url_and_says_where() {
    let site = TempSite::new("");
    site.write("content/index.md", hostile("padded-reference.md"));
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("index.md:6:") && run.stderr.contains("script"),
        "{}",
        run.stderr
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Any `href` built from references, padding, controls and scheme
    /// letters: whatever the sanitizer keeps, a browser (the reference
    /// decoder and URL parser) does not read as a script URL.
    #[test]
    fn the_url_filter_agrees_with_a_reference_decoder(parts in proptest::collection::vec(
        proptest::sample::select(vec![
            "j", "J", "&#106;", "&#0000000106;", "&#000000000000000000000106", "&#x6A;",
            "&#X00000006a", "&#74", "avascript", "ava", "script", "vbscript", "data",
            ":", "&colon;", "&#58;", "&#0000000058", "&#x3A", "&#x00003a;", "&Tab;",
            "&NewLine;", "\t", " ", "&#9;", "&#0000009;", "&#10;", "&#1;", "&#0;", "&#",
            "&#x", "&", ";", "0", "1", "06", "&#99999999999999999999;", "&#x110000;",
            "&#128;", "&#xD800;", "alert(1)", "/", "https",
        ]),
        0..12,
    )) {
        let value: String = parts.concat();
        let out = sanitize(&format!("<a href=\"{value}\">x</a>"));
        for written in hrefs(&out) {
            let scheme = browser_scheme(&reference_decode(&written));
            prop_assert!(
                !scheme.as_deref().is_some_and(is_script_scheme),
                "{value:?} written as {written:?} is {scheme:?} to a browser"
            );
        }
    }
}

/// No byte a terminal reads as a control: no C0 but tab and newline, no
/// DEL, no C1 (in UTF-8, U+0080..U+009F), no bidi override.
fn assert_terminal_safe(what: &str, text: &str) {
    for c in text.chars() {
        assert!(
            !(matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                || (c.is_control() && c != '\t' && c != '\n')),
            "{what} carries {:?}:\n{text}",
            c
        );
    }
}

/// Item 14: ESC, OSC, BEL, C1 and bidi controls from an article line reach
/// the terminal in a diagnostic. Failed before the fix (the source line
/// was printed as written).
#[test]
fn diagnostics_show_control_characters_as_visible_escapes() {
    let site = TempSite::new("");
    site.write("content/index.md", hostile("terminal-escapes.md"));
    let run = site.tolk(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_terminal_safe("tolk check", &run.stderr);
    assert!(
        run.stderr
            .contains("[klik␛]0;gekaapt␇␛[2J<U+009B>31m<U+202E>](ontbreekt.md)"),
        "{}",
        run.stderr
    );
    let json = site.tolk(&["check", "--format", "json"]);
    assert_terminal_safe("tolk check --format json", &json.stdout);
    assert!(json.stdout.contains("ontbreekt.md"), "{}", json.stdout);
}

/// Item 14 for `tolk eval`: a message with U+009B and U+202E is printed as
/// JSON escapes (the same JSON value), and a rejected answer's ESC is shown
/// as `␛`. Failed before the fix.
#[test]
fn eval_output_is_safe_for_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.md");
    std::fs::write(&article, hostile("terminal-escapes.md")).unwrap();
    let a = article.to_str().unwrap();
    let answers = dir.path().join("answers.json");
    std::fs::write(&answers, "{\"keuze\": \"a\"}").unwrap();
    let run = tolk(
        &["eval", a, "term", "--answers", answers.to_str().unwrap()],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_terminal_safe("tolk eval", &run.stdout);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(v["outcomes"][0]["message"], "Klaar \u{9b}2J\u{202e}");
    std::fs::write(&answers, "{\"keuze\": \"\\u001b]0;x\\u0007\"}").unwrap();
    let run = tolk(
        &["eval", a, "term", "--answers", answers.to_str().unwrap()],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_terminal_safe("tolk eval", &run.stderr);
    assert!(
        run.stderr.contains("`␛]0;x␇` is not a value"),
        "{}",
        run.stderr
    );
}

/// Item 15: a UTF-8 BOM before the answers is accepted (before: "expected
/// value at line 1 column 1").
#[test]
fn eval_accepts_answers_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.md");
    std::fs::write(&article, hostile("terminal-escapes.md")).unwrap();
    let answers = repo().join("tests/hostile/text/answers-bom.json");
    let run = tolk(
        &[
            "eval",
            article.to_str().unwrap(),
            "term",
            "--answers",
            answers.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(v["outcomes"][0]["id"], "klaar");
}

/// Item 15: answers past the limit are refused before they are parsed,
/// with a message that says why, in little memory; a rejected long value
/// is echoed clipped. Failed before the fix (12 MB of answers were parsed,
/// and the whole value was echoed).
#[test]
fn eval_bounds_its_answers_and_clips_what_it_echoes() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.md");
    std::fs::write(&article, hostile("terminal-escapes.md")).unwrap();
    let a = article.to_str().unwrap();
    let answers = dir.path().join("answers.json");
    // 12 MB of answers: one long rejected string.
    let long = "x".repeat(12 << 20);
    std::fs::write(&answers, format!("{{\"keuze\": \"{long}\"}}")).unwrap();
    let run = tolk(
        &["eval", a, "term", "--answers", answers.to_str().unwrap()],
        None,
    );
    assert_eq!(run.code, 1, "{}", &run.stderr[..run.stderr.len().min(500)]);
    assert!(
        run.stderr.contains("larger than 1024 KiB"),
        "{}",
        &run.stderr[..run.stderr.len().min(500)]
    );
    assert!(
        run.stderr.len() < 1000,
        "{} bytes of stderr",
        run.stderr.len()
    );
    // The same from standard input.
    let mut child = std::process::Command::new(bin())
        .args(["eval", a, "term", "--answers", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(format!("{{\"keuze\": \"{long}\"}}").as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than 1024 KiB"));
    // Under the limit, a rejected value is echoed clipped.
    std::fs::write(
        &answers,
        format!("{{\"keuze\": \"{}\"}}", "y".repeat(500_000)),
    )
    .unwrap();
    let run = tolk(
        &["eval", a, "term", "--answers", answers.to_str().unwrap()],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("… (500000 bytes in all)"),
        "{}",
        &run.stderr[..run.stderr.len().min(500)]
    );
    assert!(
        run.stderr.len() < 2000,
        "{} bytes of stderr",
        run.stderr.len()
    );
}

/// A site whose `tolk check` prints far more than a pipe holds: 3,000
/// broken links.
fn noisy_site() -> TempSite {
    let site = TempSite::new("");
    let mut body = String::from("---\ntitle: T\n---\n# T\n\n");
    for i in 0..3000 {
        body.push_str(&format!("[x](ontbreekt-{i}.md)\n\n"));
    }
    site.write("content/index.md", body);
    site
}

/// Item 12: `tolk check 2>&1 | head -2` and `2>/dev/full` exited 101 (a
/// panic in `eprintln!`). Now the command ends with its own exit code (1:
/// the site has errors) and no panic message. Failed before the fix.
#[test]
fn closed_or_full_output_ends_quietly_with_the_exit_code() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let site = noisy_site();
    let root = site.root().to_str().unwrap();
    // stderr into a pipe whose reader goes away after two lines.
    let mut child = Command::new(bin())
        .args(["check", "--root", root])
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    assert!(lines.next().is_some() && lines.next().is_some());
    drop(lines);
    assert_eq!(child.wait().unwrap().code(), Some(1));
    // `--format json` writes to stdout: the same with a closed stdout.
    let mut child = Command::new(bin())
        .args(["check", "--format", "json", "--root", root])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().is_some());
    drop(lines);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    // stderr to a full device.
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let status = Command::new(bin())
            .args(["check", "--root", root])
            .stderr(full)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
        // A build that fails (exit 1) and one that succeeds (exit 0).
        for (body, code) in [("```checklist\nid: [\n```\n", 1), ("Tekst.\n", 0)] {
            site.write(
                "content/index.md",
                format!("---\ntitle: T\n---\n# T\n\n{body}"),
            );
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let status = Command::new(bin())
                .args(["build", "--root", root])
                .stderr(full)
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert_eq!(status.code(), Some(code), "{body}");
        }
    }
}
