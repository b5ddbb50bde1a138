//! The search index on the seed articles (per language, from the segment
//! split) and on 1,000 generated articles: what each language holds, and how
//! big the index files get. Run with `--nocapture` to see the sizes.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use tolk::search::{tokenize, SearchDoc, SearchIndex};
use tolk::segments::split;
use tolk::Lang;

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The body after the YAML front matter.
fn body(src: &str) -> &str {
    src.strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|i| &rest[i + 5..]))
        .unwrap_or(src)
}

/// A rough stand-in for the Markdown stage: headings become sections (their
/// `<a name>` the anchor), the first H1 the title, all text plain.
fn to_doc(url: &str, markdown: &str) -> SearchDoc {
    let mut title = String::new();
    let mut sections: Vec<(String, String, String)> =
        vec![(String::new(), String::new(), String::new())];
    let mut in_heading = false;
    // Code blocks (the checklist blocks) are not page text: the build
    // replaces them with forms.
    let mut in_code = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        let Some(last) = sections.last_mut() else {
            continue;
        };
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ if in_code => {}
            Event::Start(Tag::Heading { .. }) => {
                sections.push((String::new(), String::new(), String::new()));
                in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    last.0.push_str(&t)
                } else {
                    last.2.push_str(&t)
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                if let Some(name) = h
                    .strip_prefix("<a name=\"")
                    .and_then(|r| r.split('"').next())
                {
                    last.1 = name.to_string();
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => last.2.push(' '),
            _ => {}
        }
    }
    if let Some(h1) = sections.get(1) {
        title = h1.0.clone();
    }
    let sections = sections
        .into_iter()
        .filter(|(h, _, t)| !h.is_empty() || !t.trim().is_empty())
        .map(|(h, a, t)| (if h.is_empty() { title.clone() } else { h }, a, t))
        .collect();
    SearchDoc {
        url: url.to_string(),
        title,
        sections,
    }
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = gz.write_all(bytes);
    gz.finish().map(|v| v.len()).unwrap_or(0)
}

fn seed_indexes() -> (SearchIndex, SearchIndex) {
    let mut nl = SearchIndex::new(Lang::Nl);
    let mut en = SearchIndex::new(Lang::En);
    let mut files: Vec<PathBuf> = std::fs::read_dir(content())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        let s = split(&src, &path);
        let slug = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        nl.add(to_doc(&format!("/nl-nl/{slug}/"), body(&s.nl.text)));
        // A page without segments has no English text to index.
        if !s.segments.is_empty() {
            en.add(to_doc(&format!("/en/{slug}/"), body(&s.en.text)));
        }
    }
    (nl, en)
}

/// Every word an index holds, decoded from its `terms`.
fn indexed_words(json: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let mut out = BTreeSet::new();
    for (stem, entry) in v["terms"].as_object().into_iter().flatten() {
        for w in entry[0].as_str().unwrap_or_default().split_whitespace() {
            out.insert(match w.strip_prefix('~') {
                Some(rest) => format!("{stem}{rest}"),
                None => w.to_string(),
            });
        }
    }
    out
}

#[test]
fn seed_001_indexes_hold_no_word_of_the_other_language() {
    let path = content().join("troubleshoot-account-setup.md");
    let src = std::fs::read_to_string(&path).unwrap_or_default();
    let s = split(&src, &path);
    let mut nl = SearchIndex::new(Lang::Nl);
    nl.add(to_doc(
        "/nl-nl/troubleshoot-account-setup/",
        body(&s.nl.text),
    ));
    let mut en = SearchIndex::new(Lang::En);
    en.add(to_doc("/en/troubleshoot-account-setup/", body(&s.en.text)));
    let (nl_words, en_words) = (indexed_words(&nl.to_json()), indexed_words(&en.to_json()));
    // The words only the Dutch halves have, and only the English halves have.
    let dutch: BTreeSet<String> = s.segments.iter().flat_map(|g| tokenize(&g.nl)).collect();
    let english: BTreeSet<String> = s
        .segments
        .iter()
        .flat_map(|g| tokenize(g.en.as_deref().unwrap_or("")))
        .collect();
    let dutch_only: BTreeSet<_> = dutch.difference(&english).cloned().collect();
    let english_only: BTreeSet<_> = english.difference(&dutch).cloned().collect();
    assert!(dutch_only.len() > 50 && english_only.len() > 50);
    let leaked_en: Vec<_> = nl_words.intersection(&english_only).collect();
    let leaked_nl: Vec<_> = en_words.intersection(&dutch_only).collect();
    assert!(
        leaked_en.is_empty(),
        "English in the Dutch index: {leaked_en:?}"
    );
    assert!(
        leaked_nl.is_empty(),
        "Dutch in the English index: {leaked_nl:?}"
    );
    assert!(nl_words.contains("wachtwoord") && !nl_words.contains("password"));
    assert!(en_words.contains("password") && !en_words.contains("wachtwoord"));
    // Every indexed word comes from that language's text.
    let nl_text: BTreeSet<String> = tokenize(&s.nl.text).into_iter().collect();
    assert!(nl_words.is_subset(&nl_text));
}

#[test]
fn two_builds_of_the_seeds_are_byte_identical() {
    let (a_nl, a_en) = seed_indexes();
    let (b_nl, b_en) = seed_indexes();
    assert_eq!(a_nl.to_json(), b_nl.to_json());
    assert_eq!(a_en.to_json(), b_en.to_json());
}

#[test]
fn index_sizes() {
    let (nl, en) = seed_indexes();
    for (name, index) in [("seeds nl-nl", &nl), ("seeds en", &en)] {
        let json = index.to_json();
        eprintln!(
            "{name}: {} bytes, {} gzip",
            json.len(),
            gzip_len(json.as_bytes())
        );
    }

    // 1,000 generated Dutch articles: the seeds' own vocabulary, Zipf-like,
    // and 1 in 8 words a compound of two seed words (Dutch glues words
    // together, which is what makes its vocabulary grow).
    let mut vocab: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for path in std::fs::read_dir(content())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let src = std::fs::read_to_string(path.path()).unwrap_or_default();
        let s = split(&src, &path.path());
        for w in body(&s.nl.text).split(|c: char| !c.is_alphabetic()) {
            if w.chars().count() > 1 && seen.insert(w.to_lowercase()) {
                vocab.push(w.to_lowercase());
            }
        }
    }
    vocab.sort();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // A pool of 20,000 compounds, drawn Zipf-like too: compounds repeat
    // across articles as real ones do.
    let compounds: Vec<String> = (0..20_000)
        .map(|_| format!("{}{}", vocab[next(vocab.len())], vocab[next(vocab.len())]))
        .collect();
    let word = |next: &mut dyn FnMut(usize) -> usize| {
        let zipf = |next: &mut dyn FnMut(usize) -> usize, pool: &[String]| {
            let r = next(pool.len());
            pool[r * r / pool.len()].clone()
        };
        if next(8) == 0 {
            zipf(next, &compounds)
        } else {
            zipf(next, &vocab)
        }
    };
    let sentence = |next: &mut dyn FnMut(usize) -> usize, n: usize| {
        (0..n).map(|_| word(next)).collect::<Vec<_>>().join(" ")
    };
    let start = Instant::now();
    let mut big = SearchIndex::new(Lang::Nl);
    let mut text_bytes = 0;
    for i in 0..1000 {
        let title = sentence(&mut next, 5);
        let sections: Vec<(String, String, String)> = (0..6)
            .map(|k| {
                let text = (0..8)
                    .map(|_| sentence(&mut next, 15))
                    .collect::<Vec<_>>()
                    .join(". ");
                text_bytes += text.len();
                (sentence(&mut next, 4), format!("s{k}"), text)
            })
            .collect();
        big.add(SearchDoc {
            url: format!("/nl-nl/article-{i:04}/"),
            title,
            sections,
        });
    }
    let json = big.to_json();
    let took = start.elapsed();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let part = |k: &str| serde_json::to_string(&v[k]).map(|s| s.len()).unwrap_or(0);
    eprintln!(
        "  of which docs {} bytes, sections {} bytes, terms {} bytes",
        part("docs"),
        part("sections"),
        part("terms")
    );
    let terms = serde_json::from_str::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v["terms"].as_object().map(|t| t.len()))
        .unwrap_or(0);
    eprintln!(
        "1000 generated articles ({} bytes of text, 6000 sections, {} stems): {} bytes, {} gzip, built in {:?}",
        text_bytes,
        terms,
        json.len(),
        gzip_len(json.as_bytes()),
        took
    );
    assert!(json.len() < 4 * 1024 * 1024);
}

/// The browser side against the Rust side, in Node: the same
/// words from the same text, and the queries a reader types find the
/// sections they mean.
#[test]
fn search_js_agrees_with_the_index() {
    let node_there = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    // Needed, not optional: a test that passed without Node would have
    // checked nothing (README: what the tests need).
    assert!(
        node_there,
        "this test runs search.js in Node: install Node.js (apt-get install nodejs)"
    );
    let (nl, en) = seed_indexes();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        path
    };
    let sample =
        "Beïnvloed MPN-partnerbeheerder, Café’s é 42 x Ångström İstanbul ﬁle ½ 二十 Straße";
    write("nl.json", &nl.to_json());
    write("en.json", &en.to_json());
    write("sample.txt", sample);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let check = r#"
const fs = require('fs');
const s = require(process.argv[2]);
const dir = process.argv[3];
const out = {};
out.tokens = s.tokenize(fs.readFileSync(dir + '/sample.txt', 'utf8'));
out.postings = s.decodePostings('0VW1_VWW1');
const nl = new s.Index(JSON.parse(fs.readFileSync(dir + '/nl.json', 'utf8')));
const en = new s.Index(JSON.parse(fs.readFileSync(dir + '/en.json', 'utf8')));
const top = (index, q) => index.search(q).slice(0, 3).map(id => index.sections[id][2]);
out.nl_password = top(nl, 'wachtwoord vergeten');
out.nl_prefix = top(nl, 'wachtw');
out.nl_folded = top(nl, 'beinvloed');
out.nl_stop = top(nl, 'de wachtwoord');
out.nl_english = nl.search('password').length;
out.en_password = top(en, 'forgot password');
out.en_prefix = top(en, 'passw');
out.en_dutch = en.search('wachtwoord').length;
out.none = nl.search('xyzzy wachtwoord').length;
console.log(JSON.stringify(out));
"#;
    let check = write("check.js", check);
    let output = std::process::Command::new("node")
        .arg(&check)
        .arg(&script)
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("node: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    assert_eq!(v["tokens"], serde_json::json!(tokenize(sample)));
    assert_eq!(
        v["postings"],
        serde_json::json!([[0, 0], [7, 3], [15, 0], [270, 3], [526, 0]])
    );
    let password = "you-forgot-your-password";
    assert_eq!(v["nl_password"][0], password, "{v}");
    assert_eq!(v["nl_prefix"][0], password, "{v}");
    assert_eq!(v["nl_stop"][0], password, "{v}");
    assert!(
        v["nl_folded"].as_array().is_some_and(|a| !a.is_empty()),
        "{v}"
    );
    assert_eq!(v["nl_english"], 0, "{v}");
    assert_eq!(v["en_password"][0], password, "{v}");
    assert_eq!(v["en_prefix"][0], password, "{v}");
    assert_eq!(v["en_dutch"], 0, "{v}");
    assert_eq!(v["none"], 0, "{v}");
}

/// A Dutch search with few hits offers the English-only articles that
/// match, and finds them among all matches: it took the English index's
/// first ten and dropped those with a Dutch page, so a word that ranks
/// higher in articles both languages have ("GDAP" on the corpus) offered
/// few or none of the 81 English-only ones. Run in Node, as on the page.
#[test]
fn other_language_hits_are_found_beyond_the_first_ten() {
    let mut nl = SearchIndex::new(Lang::Nl);
    let mut en = SearchIndex::new(Lang::En);
    for i in 0..12 {
        // In both languages; the Dutch text does not say "GDAP".
        nl.add(to_doc(
            &format!("/nl-nl/beide-{i}/"),
            &format!("# Beheer {i}\n\nRechten van partners.\n"),
        ));
        en.add(to_doc(
            &format!("/en/beide-{i}/"),
            &format!("# GDAP {i}\n\nGDAP GDAP rights of partners.\n"),
        ));
    }
    for i in 0..15 {
        en.add(to_doc(
            &format!("/en/alleen-{i}/"),
            &format!("# Other {i}\n\nText that names GDAP once.\n"),
        ));
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(dir.path().join("nl.json"), nl.to_json()).unwrap();
    std::fs::write(dir.path().join("en.json"), en.to_json()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let check = r#"
const fs = require('fs');
const s = require(process.argv[2]);
const dir = process.argv[3];
const nl = new s.Index(JSON.parse(fs.readFileSync(dir + '/nl.json', 'utf8')));
const en = new s.Index(JSON.parse(fs.readFileSync(dir + '/en.json', 'utf8')));
const url = id => en.docs[en.sections[id][0]][0];
console.log(JSON.stringify({
  own: nl.search('gdap').length,
  box: s.otherOnly(nl, en, 'gdap', 3).map(url),
  page: s.otherOnly(nl, en, 'gdap', 3, 500).map(url),
}));
"#;
    std::fs::write(dir.path().join("check.js"), check).unwrap();
    let output = std::process::Command::new("node")
        .arg(dir.path().join("check.js"))
        .arg(&script)
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("node (apt-get install nodejs): {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    assert_eq!(v["own"], 0, "{v}");
    let urls = |k: &str| -> Vec<String> {
        v[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (box_, page) = (urls("box"), urls("page"));
    assert_eq!(box_.len(), 10, "the box shows ten: {v}");
    assert_eq!(page.len(), 15, "the results page shows all: {v}");
    assert!(page.iter().all(|u| u.starts_with("/en/alleen-")), "{v}");
}
