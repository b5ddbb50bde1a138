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
