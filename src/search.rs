//! The search index of one language, built at build time and searched in the
//! browser by `themes/default/static/search.js`.
//!
//! One index per language, fed only with that language's text (the Dutch
//! pages from the Dutch side of each segment, the English pages from the
//! English side), so a Dutch reader never gets a hit on an English sentence
//! and the reverse.
//!
//! ## Matching
//!
//! Text is cut into words at every character that is not alphanumeric
//! (Unicode-aware), lowercased, and folded (decomposed, combining marks
//! dropped: `beïnvloed` matches `beinvloed`). Words of one character and stop
//! words are dropped; the rest are stemmed with the Snowball stemmer of the
//! language (`rust-stemmers`). Dutch stems get one more step that Snowball's
//! original Dutch algorithm lacks: a doubled vowel before the final consonant
//! is undoubled, so the open and closed syllable of one word meet
//! (`factuur`/`facturen` → `factur`, `taal`/`talen` → `tal`); and families
//! it splits are brought together (`opties`/`optie`, `prijzen`/`prijs`,
//! `rollen`/`rol`, `stappen`/`stap`: [`dutch_families`]).
//!
//! The browser does not stem. Instead the index stores, for each stem, the
//! folded words that produced it; the script maps a typed word to its stem
//! through those words, and matches the last (still being typed) word as a
//! prefix of stems and words. That keeps one stemmer implementation (this
//! one) and still finds `facturen` when the reader types `factuur` or `fact`.
//!
//! ## Format (`search-<lang>.json`, version 1)
//!
//! ```json
//! {"v":1,"lang":"nl-nl",
//!  "stop":["de","het",...],
//!  "docs":[["/nl-nl/request-credit/","Een tegoed aanvragen"],...],
//!  "sections":[[0,"Heading","anchor","Snippet…"],...],
//!  "terms":{"factur":["~en factuur","3G2"],...}}
//! ```
//!
//! `sections[i][0]` indexes `docs`. Each term is `[words, postings]`:
//!
//! - `words`: the folded words indexed under the stem, space-separated; a
//!   word that begins with the stem is written `~` + the rest (`~en` is
//!   `facturen`, `~` the stem itself);
//! - `postings`: one number per section that holds the term, in section
//!   order, `n = gap * 4 + weight`, where `gap` is the distance from the
//!   previous section id (the first is counted from 0) and `weight` is 3 when
//!   the term is in the section's heading (or the page title, for a page's
//!   first section), else the number of occurrences capped at 3, minus 1.
//!   The numbers are written as base-32 digits, least significant first:
//!   `0-9A-V` for the last digit of a number, `W-Za-z-_` (value 0–31) for
//!   the digits before it. Most numbers take one character.
//!
//! Everything is sorted: documents by URL, terms by stem, words
//! alphabetically, so two builds of the same site give the same bytes
//! whatever order pages were added in.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use unicode_normalization::char::is_combining_mark;

use crate::lang::Lang;

/// How many characters of a section's text the results show.
const SNIPPET_CHARS: usize = 160;

/// One page to index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SearchDoc {
    /// The page's URL as the script should link to it (absolute path or
    /// relative to the index file).
    pub url: String,
    pub title: String,
    /// `(heading text, anchor id, plain text of the section)`, in page
    /// order. The part before the first heading is a section with the page
    /// title as heading and an empty anchor.
    pub sections: Vec<(String, String, String)>,
}

/// What one section says about one stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    stem: u32,
    /// Occurrences, saturating: the weight only tells 1, 2 and 3 or more
    /// apart, and an index holds a hit per stem per section of the site
    /// (8 bytes each, not 12).
    count: u8,
    in_heading: bool,
}

/// A page after tokenizing: what the results show of it, its stems per
/// section, and the words it used. The section text itself is not kept,
/// only its snippet: an index lives as long as a preview session.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Indexed {
    url: String,
    title: String,
    /// `[url,title]` and each section's `[heading,anchor,snippet]` as JSON,
    /// written when the page is set: a rebuild then escapes only the pages
    /// that changed (escaping was two thirds of writing the index). The
    /// snippets are kept only in this form: an index holds every page of
    /// the site, and a second copy was a fifth of it.
    doc_json: String,
    shown_json: Shown,
    sections: Vec<Vec<Hit>>,
    /// The ids of the words this page used, each once: a stem lists
    /// the words of the pages in the index now, not of every version of a
    /// page the index has seen.
    words: Vec<u32>,
}

/// Each section's `[heading,anchor,snippet]` JSON of a page: held, or put
/// in the index's [`Fragments`] store (by the page's slot) until the index
/// is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Shown {
    Held(Vec<String>),
    /// In the store, with the page's hits and words ([`encode_stored`]):
    /// those, a hit per stem per section, were the larger part of what a
    /// build kept of its pages. `sections` counts the page's sections.
    Stored {
        sections: usize,
    },
}

/// Where an index keeps its pages' section fragments (headings and
/// snippets, a fifth of a large site's memory) until it writes its JSON.
/// A build that keeps no session puts them on disk; the preview server's
/// index holds them (it rewrites the JSON after every edit).
pub trait Fragments: Send + Sync {
    /// Keeps `text` under `key`, replacing what was there.
    fn put(&mut self, items: &mut dyn Iterator<Item = (usize, String)>) -> std::io::Result<()>;
    /// The text put under `key`.
    fn get(&self, key: usize) -> std::io::Result<String>;
}

/// The search index of one language.
///
/// Words and stems are interned: each distinct folded word is stemmed once
/// (Snowball stemming is the most expensive step of indexing, and words
/// repeat), and sections hold small integer ids rather than strings, so
/// indexing a large site allocates little more than its vocabulary.
///
/// Pages sit in numbered slots (the page's number in the site), so that a
/// preview rebuild replaces the pages that changed and tokenizes nothing
/// else; the JSON depends only on the pages in the slots, not on their
/// history.
pub struct SearchIndex {
    lang: Lang,
    docs: Vec<Option<Indexed>>,
    /// Folded word → its id.
    word_ids: HashMap<String, u32>,
    /// Word id → the word, and its stem id.
    words: Vec<(String, u32)>,
    /// Stem id → the stem.
    stems: Vec<String>,
    stem_ids: HashMap<String, u32>,
    /// Where the pages' section fragments go, if not in memory.
    store: Option<Box<dyn Fragments>>,
}

/// One page to put in a slot: `(slot, url, title, sections)`, the
/// sections as `(heading, anchor, text)` like [`SearchDoc`]'s.
pub type PageText<'a> = (usize, String, String, Vec<(&'a str, &'a str, &'a str)>);

/// Pages tokenized against a vocabulary of their own: [`SearchIndex::put`]
/// cuts the pages into a few of these on all cores, then merges their
/// (small) vocabularies into the index's.
struct Chunk {
    /// Local word id → the folded word (stop words are never given one).
    words: Vec<String>,
    pages: Vec<TokenizedPage>,
}

struct TokenizedPage {
    slot: usize,
    url: String,
    title: String,
    shown: Vec<(String, String, String)>,
    /// Per section: `(local word, occurrences, in the heading)`.
    sections: Vec<Vec<(u32, u32, bool)>>,
    /// The page's distinct local words.
    words: Vec<u32>,
}

impl Chunk {
    fn tokenize(lang: Lang, pages: Vec<PageText>) -> Chunk {
        let stop = stop_words(lang);
        // Folded word → local id, `u32::MAX` for a stop word.
        let mut ids: HashMap<String, u32> = HashMap::default();
        let mut words: Vec<String> = Vec::new();
        // Per local word: the section that last counted it (+1) and where
        // its hit is; the page that last listed it (+1).
        let mut seen: Vec<(u32, u32, u32)> = Vec::new();
        let mut section_no = 0u32;
        let mut out = Vec::with_capacity(pages.len());
        for (page_no, (slot, url, title, sections)) in pages.into_iter().enumerate() {
            let page_no = page_no as u32 + 1;
            let mut page_words = Vec::new();
            let mut index_section = |parts: [(&str, bool); 3]| {
                section_no += 1;
                let mut hits: Vec<(u32, u32, bool)> = Vec::new();
                for (part, in_heading) in parts {
                    for_each_word(part, &mut |word| {
                        let id = match ids.get(word) {
                            Some(&id) => id,
                            None => {
                                let id = if stop.binary_search(&word).is_ok() {
                                    u32::MAX
                                } else {
                                    words.push(word.to_string());
                                    seen.push((0, 0, 0));
                                    words.len() as u32 - 1
                                };
                                ids.insert(word.to_string(), id);
                                id
                            }
                        };
                        if id == u32::MAX {
                            return;
                        }
                        let at = &mut seen[id as usize];
                        if at.2 != page_no {
                            at.2 = page_no;
                            page_words.push(id);
                        }
                        if at.0 != section_no {
                            at.0 = section_no;
                            at.1 = hits.len() as u32;
                            hits.push((id, 0, false));
                        }
                        let hit = &mut hits[at.1 as usize];
                        hit.1 += 1;
                        hit.2 |= in_heading;
                    });
                }
                hits
            };
            let mut hits = Vec::with_capacity(sections.len().max(1));
            let shown = if sections.is_empty() {
                hits.push(index_section([(&title, true), ("", true), ("", false)]));
                vec![(title.clone(), String::new(), String::new())]
            } else {
                for (i, (heading, _, text)) in sections.iter().enumerate() {
                    let first = if i == 0 { title.as_str() } else { "" };
                    hits.push(index_section([
                        (first, true),
                        (heading, true),
                        (text, false),
                    ]));
                }
                sections
                    .iter()
                    .map(|(h, a, t)| (h.to_string(), a.to_string(), snippet(t)))
                    .collect()
            };
            out.push(TokenizedPage {
                slot,
                url,
                title,
                shown,
                sections: hits,
                words: page_words,
            });
        }
        Chunk { words, pages: out }
    }
}

impl TokenizedPage {
    /// The page with the index's word ids (`global[local]`) and its hits
    /// per stem: words of one stem (`factuur`, `facturen`) are one hit.
    fn into_indexed(self, global: &[u32], words: &[(String, u32)]) -> Indexed {
        let sections = self
            .sections
            .iter()
            .map(|section| {
                let mut hits: Vec<Hit> = section
                    .iter()
                    .map(|&(w, count, in_heading)| Hit {
                        stem: words[global[w as usize] as usize].1,
                        count: u8::try_from(count).unwrap_or(u8::MAX),
                        in_heading,
                    })
                    .collect();
                hits.sort_unstable_by_key(|h| h.stem);
                hits.dedup_by(|next, kept| {
                    let same = next.stem == kept.stem;
                    if same {
                        kept.count = kept.count.saturating_add(next.count);
                        kept.in_heading |= next.in_heading;
                    }
                    same
                });
                hits.shrink_to_fit();
                hits
            })
            .collect();
        Indexed {
            doc_json: json_of(&(&self.url, &self.title)),
            shown_json: Shown::Held(self.shown.iter().map(json_of).collect()),
            url: self.url,
            title: self.title,
            sections,
            words: self.words.iter().map(|&w| global[w as usize]).collect(),
        }
    }
}

impl SearchIndex {
    pub fn new(lang: Lang) -> Self {
        SearchIndex {
            lang,
            docs: Vec::new(),
            word_ids: HashMap::default(),
            words: Vec::new(),
            stems: Vec::new(),
            stem_ids: HashMap::default(),
            store: None,
        }
    }

    /// An index that keeps its pages' section fragments in `store` (see
    /// [`Fragments`]). Its JSON is the same as an index's that holds them.
    pub fn with_store(lang: Lang, store: Box<dyn Fragments>) -> Self {
        SearchIndex {
            store: Some(store),
            ..SearchIndex::new(lang)
        }
    }

    /// The language this index is for.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Adds a page in a new slot. Its text is tokenized now, so the page
    /// itself can be dropped by the caller; the order of `add` calls does
    /// not matter.
    pub fn add(&mut self, doc: SearchDoc) {
        let sections: Vec<(&str, &str, &str)> = doc
            .sections
            .iter()
            .map(|(h, a, t)| (h.as_str(), a.as_str(), t.as_str()))
            .collect();
        self.set(self.docs.len(), doc.url, doc.title, &sections);
    }

    /// Puts a page in slot `slot`, replacing what was there. `sections` are
    /// `(heading, anchor, text)` as in [`SearchDoc`].
    pub fn set(
        &mut self,
        slot: usize,
        url: String,
        title: String,
        sections: &[(&str, &str, &str)],
    ) {
        self.put(vec![(slot, url, title, sections.to_vec())]);
    }

    /// Puts pages in their slots, replacing what was there. Tokenizing is
    /// most of indexing and needs no other page: the pages are cut into
    /// chunks tokenized on all cores, each against its own vocabulary;
    /// the chunks' vocabularies then merge into the index's (work in the
    /// number of distinct words, not of words), the new words are stemmed
    /// on all cores, and each page's hits are turned into stems.
    pub fn put(&mut self, pages: Vec<PageText>) {
        let lang = self.lang;
        // A few chunks per core, so that one long page does not hold up
        // a core; vocabularies of many small chunks would repeat words.
        let per_chunk = pages
            .len()
            .div_ceil(rayon::current_num_threads() * 4)
            .max(16);
        let mut batches: Vec<Vec<PageText>> = Vec::new();
        let mut pages = pages.into_iter().peekable();
        while pages.peek().is_some() {
            batches.push(pages.by_ref().take(per_chunk).collect());
        }
        let chunks: Vec<Chunk> = batches
            .into_par_iter()
            .map(|batch| Chunk::tokenize(lang, batch))
            .collect();
        // Local word ids → index word ids; new words wait for their stems.
        let first_new = self.words.len();
        let global: Vec<Vec<u32>> = chunks
            .iter()
            .map(|chunk| {
                chunk
                    .words
                    .iter()
                    .map(|w| match self.word_ids.get(w.as_str()) {
                        Some(&id) => id,
                        None => {
                            let id = self.words.len() as u32;
                            self.words.push((w.clone(), u32::MAX));
                            self.word_ids.insert(w.clone(), id);
                            id
                        }
                    })
                    .collect()
            })
            .collect();
        // A Stemmer is not `Sync`: one per worker.
        let stemmed: Vec<String> = self.words[first_new..]
            .par_iter()
            .map_init(
                || stemmer(lang),
                |stemmer, (word, _)| stem(stemmer, lang, word),
            )
            .collect();
        for (k, stem) in stemmed.into_iter().enumerate() {
            let id = match self.stem_ids.get(&stem) {
                Some(&id) => id,
                None => {
                    let id = self.stems.len() as u32;
                    self.stem_ids.insert(stem.clone(), id);
                    self.stems.push(stem);
                    id
                }
            };
            self.words[first_new + k].1 = id;
        }
        let words = &self.words;
        let indexed: Vec<(usize, Indexed)> = chunks
            .into_par_iter()
            .zip(global)
            .flat_map_iter(|(chunk, global)| {
                chunk
                    .pages
                    .into_iter()
                    .map(move |page| (page.slot, page.into_indexed(&global, words)))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut indexed = indexed;
        if let Some(store) = &mut self.store {
            let mut items = indexed
                .iter()
                .filter_map(|(slot, doc)| match &doc.shown_json {
                    Shown::Held(shown) => {
                        Some((*slot, encode_stored(shown, &doc.sections, &doc.words)))
                    }
                    Shown::Stored { .. } => None,
                });
            // Should the disk refuse them, the pages stay in memory whole.
            if store.put(&mut items).is_ok() {
                for (_, doc) in &mut indexed {
                    if let Shown::Held(_) = doc.shown_json {
                        doc.shown_json = Shown::Stored {
                            sections: doc.sections.len(),
                        };
                        doc.sections = Vec::new();
                        doc.words = Vec::new();
                    }
                }
            }
        }
        for (slot, doc) in indexed {
            if self.docs.len() <= slot {
                self.docs.resize_with(slot + 1, || None);
            }
            self.docs[slot] = Some(doc);
        }
    }

    /// Empties slot `slot` (a page with no text in this language).
    pub fn clear(&mut self, slot: usize) {
        if let Some(doc) = self.docs.get_mut(slot) {
            *doc = None;
        }
    }

    /// `(folded word, stem)` for every indexable word of `text`.
    fn terms(&self, text: &str) -> Vec<(String, String)> {
        let stop = stop_words(self.lang);
        let stemmer = stemmer(self.lang);
        tokenize(text)
            .into_iter()
            .filter(|w| stop.binary_search(&w.as_str()).is_err())
            .map(|w| {
                let stem = stem(&stemmer, self.lang, &w);
                (w, stem)
            })
            .collect()
    }

    /// The stem that `word` is indexed under (`None` for a stop word or a
    /// word too short to index). For tests and tools.
    pub fn stem_of(&self, word: &str) -> Option<String> {
        self.terms(word).into_iter().next().map(|(_, s)| s)
    }

    /// The index as JSON, the same bytes for the same pages in any order
    /// (and whatever pages the slots held before). Written by hand from the
    /// fragments each page keeps, in serde_json's compact form.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec does not fail, and the JSON is UTF-8.
        let _ = self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// [`SearchIndex::to_json`] written to `sink` a piece at a time: the
    /// index of a large site is tens of megabytes that a build need not
    /// hold.
    pub fn write_json(&self, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
        // With its slot, under which a store keeps its fragments.
        let mut order: Vec<(usize, &Indexed)> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(slot, d)| d.as_ref().map(|d| (slot, d)))
            .collect();
        // By URL (each page has its own), then title and sections as
        // written (pages that share a URL and title, in a test, sort by
        // their sections either way).
        order.sort_by(|(_, a), (_, b)| {
            (&a.url, &a.title, &a.shown_json).cmp(&(&b.url, &b.title, &b.shown_json))
        });
        let mut out = Pieces::new(sink);
        out.push_str("{\"v\":1,\"lang\":");
        out.push_str(&json_of(self.lang.code()));
        out.push_str(",\"stop\":");
        out.push_str(&json_of(stop_words(self.lang)));
        out.push_str(",\"docs\":[");
        for (d, (_, indexed)) in order.iter().enumerate() {
            if d > 0 {
                out.push(',');
            }
            out.push_str(&indexed.doc_json);
        }
        out.push_str("],\"sections\":[");
        // Per stem id: its postings, encoded as they come (a byte or two
        // each, where a list of numbers took eight), and the last section
        // id that had it.
        let mut postings: Vec<(String, usize)> = vec![(String::new(), 0); self.stems.len()];
        let mut used = vec![false; self.words.len()];
        let mut id = 0;
        for (d, (slot, indexed)) in order.iter().enumerate() {
            let stored;
            let (shown_json, sections, words): (&[String], &[Vec<Hit>], &[u32]) =
                match &indexed.shown_json {
                    Shown::Held(shown) => (shown, &indexed.sections, &indexed.words),
                    Shown::Stored { sections } => {
                        let joined = match &self.store {
                            Some(store) => store.get(*slot)?,
                            None => String::new(),
                        };
                        stored = decode_stored(&joined, *sections);
                        (&stored.0, &stored.1, &stored.2)
                    }
                };
            for &w in words {
                if let Some(u) = used.get_mut(w as usize) {
                    *u = true;
                }
            }
            for (shown, hits) in shown_json.iter().zip(sections) {
                if id > 0 {
                    out.push(',');
                }
                // `[d,` + the fragment without its `[`.
                out.push('[');
                out.push_str(&d.to_string());
                out.push(',');
                out.push_str(&shown[1..]);
                for hit in hits {
                    // A stem id read back from the store is one this index
                    // gave; should the file have changed under it, the hit
                    // is dropped rather than the build stopped.
                    let Some(entry) = postings.get_mut(hit.stem as usize) else {
                        continue;
                    };
                    let weight = if hit.in_heading {
                        3
                    } else {
                        u64::from(hit.count.clamp(1, 3) - 1)
                    };
                    let gap = (id - entry.1) as u64;
                    push_posting(&mut entry.0, gap * 4 + weight);
                    entry.1 = id;
                }
                id += 1;
            }
        }
        out.push_str("],\"terms\":{");
        let mut stem_words: Vec<Vec<&str>> = vec![Vec::new(); self.stems.len()];
        for ((word, stem), _) in self.words.iter().zip(&used).filter(|(_, &u)| u) {
            stem_words[*stem as usize].push(word);
        }
        let mut stems: Vec<(&str, usize)> = self
            .stems
            .iter()
            .enumerate()
            .filter(|(id, _)| !postings[*id].0.is_empty())
            .map(|(id, stem)| (stem.as_str(), id))
            .collect();
        stems.sort_unstable();
        for (k, (stem, id)) in stems.into_iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let words = &mut stem_words[id];
            words.sort_unstable();
            out.push_json_str(stem);
            out.push_str(":[");
            out.push_json_str(&encode_words(stem, words));
            out.push(',');
            // Posting digits are letters, digits, `-` and `_`: nothing to escape.
            out.push('"');
            out.push_str(&postings[id].0);
            out.push_str("\"]");
        }
        out.push_str("}}");
        out.finish()
    }
}

/// A page as [`Fragments`] keep it: its section fragments joined by `\n`
/// (JSON text never holds one raw), then after a NUL each section's hits
/// and after another the page's word ids, as numbers in [`push_digits`]'
/// letters; sections are separated by `,`. Its hits were a third of what a
/// 10,000-article build held at its peak (massif), and a page's hits are
/// read once, when the index is written.
fn encode_stored(shown: &[String], sections: &[Vec<Hit>], words: &[u32]) -> String {
    let mut out = shown.join("\n");
    out.push('\0');
    for (i, hits) in sections.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for hit in hits {
            // The weight tells only 1, 2 and 3 or more apart.
            let count = u64::from(hit.count.clamp(1, 3));
            push_digits(
                &mut out,
                u64::from(hit.stem) << 3 | count << 1 | u64::from(hit.in_heading),
            );
        }
    }
    out.push('\0');
    let mut sorted = words.to_vec();
    sorted.sort_unstable();
    let mut last = 0;
    for w in sorted {
        push_digits(&mut out, u64::from(w - last));
        last = w;
    }
    out
}

/// [`encode_stored`]'s page back: its fragments (padded to `sections`),
/// its hits per section and its word ids.
fn decode_stored(joined: &str, sections: usize) -> (Vec<String>, Vec<Vec<Hit>>, Vec<u32>) {
    let mut parts = joined.splitn(3, '\0');
    let shown = split_shown(parts.next().unwrap_or(""), sections);
    let mut hits: Vec<Vec<Hit>> = parts
        .next()
        .unwrap_or("")
        .split(',')
        .map(|section| {
            read_digits(section)
                .map(|v| Hit {
                    stem: u32::try_from(v >> 3).unwrap_or(u32::MAX),
                    count: (v >> 1 & 3) as u8,
                    in_heading: v & 1 == 1,
                })
                .collect()
        })
        .collect();
    hits.resize(sections, Vec::new());
    let mut last = 0u32;
    let words = read_digits(parts.next().unwrap_or(""))
        .map(|gap| {
            last = last.saturating_add(u32::try_from(gap).unwrap_or(u32::MAX));
            last
        })
        .collect();
    (shown, hits, words)
}

/// Appends `v` five bits to a letter, low bits first: `0`..`O` for the
/// last letter of a number, `P`..`o` for one that more follow (never `,`,
/// `\n` or NUL, which [`encode_stored`] separates with).
fn push_digits(out: &mut String, mut v: u64) {
    loop {
        let low = (v & 31) as u8;
        v >>= 5;
        if v == 0 {
            out.push(char::from(b'0' + low));
            return;
        }
        out.push(char::from(b'0' + 32 + low));
    }
}

/// The numbers [`push_digits`] wrote into `text`.
fn read_digits(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut bytes = text.bytes();
    std::iter::from_fn(move || {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = bytes.next()?.wrapping_sub(b'0');
            if shift < 64 {
                v |= u64::from(b & 31) << shift;
            }
            shift += 5;
            if b < 32 {
                return Some(v);
            }
        }
    })
}

/// The section fragments of a page, joined by `\n`. `sections` pads a
/// short read.
fn split_shown(joined: &str, sections: usize) -> Vec<String> {
    let mut out: Vec<String> = if joined.is_empty() {
        Vec::new()
    } else {
        joined.split('\n').map(str::to_string).collect()
    };
    out.resize(sections, "[\"\",\"\",\"\"]".to_string());
    out
}

/// A writer of JSON in pieces: text gathers in a buffer that goes to the
/// sink whenever it holds [`Pieces::SIZE`] bytes. The first write error is
/// kept and returned by [`Pieces::finish`]; later text is dropped.
struct Pieces<'w> {
    buf: String,
    sink: &'w mut dyn std::io::Write,
    failed: Option<std::io::Error>,
}

impl<'w> Pieces<'w> {
    const SIZE: usize = 64 * 1024;

    fn new(sink: &'w mut dyn std::io::Write) -> Self {
        Pieces {
            buf: String::with_capacity(Self::SIZE + 1024),
            sink,
            failed: None,
        }
    }

    fn push_str(&mut self, s: &str) {
        self.buf.push_str(s);
        self.drain(Self::SIZE);
    }

    fn push(&mut self, c: char) {
        self.buf.push(c);
        self.drain(Self::SIZE);
    }

    fn push_json_str(&mut self, s: &str) {
        push_json_str(&mut self.buf, s);
        self.drain(Self::SIZE);
    }

    /// Writes the buffer out once it holds `at` bytes or more.
    fn drain(&mut self, at: usize) {
        if self.buf.len() < at {
            return;
        }
        if self.failed.is_none() {
            if let Err(e) = self.sink.write_all(self.buf.as_bytes()) {
                self.failed = Some(e);
            }
        }
        self.buf.clear();
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.drain(0);
        match self.failed {
            Some(e) => Err(e),
            None => self.sink.flush(),
        }
    }
}

/// `value` as compact JSON.
fn json_of<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A string as a JSON string, escaped as serde_json escapes it. Stems and
/// words are letters and digits, which need no escape: the common case is
/// a copy.
fn push_json_str(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&json_of(s));
    }
}

/// The words of a stem as one string, space-separated; a word that starts
/// with its stem is written `~` + the rest (so the stem itself is `~`).
fn encode_words(stem: &str, words: &[&str]) -> String {
    let mut out = String::new();
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        match word.strip_prefix(stem) {
            Some(rest) => {
                out.push('~');
                out.push_str(rest);
            }
            None => out.push_str(word),
        }
    }
    out
}

/// The digits of the posting code: the first 32 end a number, the last 32
/// carry five more bits. All are safe in JSON strings and URLs.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Postings as a string: each number little-endian in 5-bit groups, every
/// group but the last from `DIGITS[32..]`. A gap below 8 with its weight
/// takes one character, where a JSON number and its comma take two or more.
/// (The index writes them one at a time, [`push_posting`].)
#[cfg(test)]
fn encode_postings(list: &[u64]) -> String {
    let mut out = String::with_capacity(list.len() * 2);
    for &n in list {
        push_posting(&mut out, n);
    }
    out
}

/// Appends one number of the posting code (see `encode_postings`).
fn push_posting(out: &mut String, mut n: u64) {
    while n >= 32 {
        out.push(char::from(DIGITS[32 + (n & 31) as usize]));
        n >>= 5;
    }
    out.push(char::from(DIGITS[n as usize]));
}

/// Lowercased, folded words of two or more characters. Must cut and fold
/// exactly as `tokenize` in search.js does: split at every character that is
/// not alphanumeric, decompose, drop combining marks.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(text, &mut |w| words.push(w.to_string()));
    words
}

/// The tokenizer's classes of a byte: ASCII lowercase letters and digits,
/// ASCII capitals, and the rest (separators, and bytes of characters
/// beyond ASCII, which take the slow path).
const OTHER: u8 = 0;
const WORD: u8 = 1;
const CAPITAL: u8 = 2;
static ASCII_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            CAPITAL
        } else if c.is_ascii_alphanumeric() {
            WORD
        } else {
            OTHER
        };
        b += 1;
    }
    table
};

/// Calls `f` with each word [`tokenize`] would return, from one reused
/// buffer, so that indexing allocates only for words it has not seen.
fn for_each_word(text: &str, f: &mut dyn FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut chars = 0usize;
    fn flush(f: &mut dyn FnMut(&str), word: &mut String, chars: &mut usize) {
        if *chars >= 2 {
            f(word);
        }
        word.clear();
        *chars = 0;
    }
    let mut i = 0;
    while i < bytes.len() {
        // Most words are ASCII letters and digits: take the run as a slice,
        // lowercased only when it has a capital, and handed over without a
        // copy otherwise.
        if word.is_empty() {
            let start = i;
            let mut upper = false;
            while let Some(&b) = bytes.get(i) {
                match ASCII_CLASS[usize::from(b)] {
                    WORD => {}
                    CAPITAL => upper = true,
                    _ => break,
                }
                i += 1;
            }
            if i > start {
                if i == bytes.len() || bytes[i].is_ascii() {
                    if i - start >= 2 {
                        if upper {
                            word.push_str(&text[start..i]);
                            word.make_ascii_lowercase();
                            f(&word);
                            word.clear();
                        } else {
                            f(&text[start..i]);
                        }
                    }
                    continue;
                }
                // A letter beyond ASCII follows (`café`): the word goes on
                // in the buffer.
                word.push_str(&text[start..i]);
                word.make_ascii_lowercase();
                chars = i - start;
            }
        }
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                word.push(char::from(b.to_ascii_lowercase()));
                chars += 1;
            } else {
                flush(f, &mut word, &mut chars);
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        // Decomposing one character at a time is the same as NFD of the
        // whole text once combining marks are dropped (NFD only adds mark
        // reordering).
        unicode_normalization::char::decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            if d.is_alphanumeric() {
                for l in d.to_lowercase() {
                    word.push(l);
                    chars += 1;
                }
            } else {
                flush(f, &mut word, &mut chars);
            }
        });
    }
    flush(f, &mut word, &mut chars);
}

/// The Snowball stemmer of a language.
fn stemmer(lang: Lang) -> Stemmer {
    Stemmer::create(match lang {
        Lang::Nl => Algorithm::Dutch,
        Lang::En => Algorithm::English,
    })
}

fn stem(stemmer: &Stemmer, lang: Lang, word: &str) -> String {
    let stem = stemmer.stem(word).into_owned();
    match lang {
        Lang::Nl => dutch_families(undouble_vowel(stem)),
        Lang::En => stem,
    }
}

/// Where Snowball's Dutch stemmer leaves one family on two stems, brings
/// them together: `-ies` → `-ie` (`opties`/`optie`, `organisaties`), a
/// final `z` → `s` and `v` → `f` (`prijzen` → `prijz` meets `prijs`,
/// `brieven` → `briev` meets `brief`), a final doubled consonant written
/// single (`rollen` → `roll` meets `rol`, `stappen` → `stap`).
fn dutch_families(mut stem: String) -> String {
    if stem.len() > 4 && stem.ends_with("ies") {
        stem.truncate(stem.len() - 1);
    }
    let b = stem.as_bytes();
    let n = b.len();
    if n >= 3 {
        let last = b[n - 1];
        let vowel = |c: u8| b"aeiouy".contains(&c);
        if last == b'z' || last == b'v' {
            stem.pop();
            stem.push(if last == b'z' { 's' } else { 'f' });
        } else if last == b[n - 2] && last.is_ascii_lowercase() && !vowel(last) {
            stem.pop();
        }
    }
    stem
}

/// `factuur` → `factur`: a doubled vowel (`aa ee oo uu`) before one final
/// consonant is written single, as it is in the open syllable of the plural
/// (`facturen`), so both meet on one stem.
fn undouble_vowel(mut stem: String) -> String {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n >= 4 {
        let (a, b, c) = (chars[n - 3], chars[n - 2], chars[n - 1]);
        let vowel = |x: char| "aeiouy".contains(x);
        if a == b && "aeou".contains(a) && !vowel(c) && c.is_alphabetic() && chars[n - 4] != a {
            stem = chars[..n - 2].iter().chain(&chars[n - 1..]).collect();
        }
    }
    stem
}

/// The first ~160 characters of a section's text, cut at a word boundary,
/// with `…` when something was cut.
fn snippet(section: &str) -> String {
    // Collapse white space only as far as the snippet reaches: sections can
    // be long, snippets are not.
    let mut text = String::with_capacity(SNIPPET_CHARS * 2);
    let mut count = 0;
    let mut longer = false;
    for word in section.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
            count += 1;
        }
        text.push_str(word);
        count += word.chars().count();
        if count > SNIPPET_CHARS {
            longer = true;
            break;
        }
    }
    if !longer {
        return text;
    }
    let cut = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(i) if i > cut / 2 => &head[..i],
        _ => head,
    };
    format!("{}…", head.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Stop words, folded and sorted (binary search). The Dutch list is
/// Snowball's, with the forms of the modal and auxiliary verbs a manual
/// uses on every page (`kunt`, `moeten`, `wilt`): words in nearly every
/// section (`een` was in 45% of the corpus's) and never what a reader is
/// looking for. The English list is short on purpose.
fn stop_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Nl => &[
            "aan", "al", "alle", "alles", "als", "altijd", "andere", "ben", "bent", "bij", "daar",
            "dan", "dat", "de", "der", "deze", "die", "dit", "doch", "doen", "door", "dus", "een",
            "eens", "en", "er", "ge", "geen", "geweest", "haar", "had", "heb", "hebben", "hebt",
            "heeft", "hem", "hen", "het", "hier", "hij", "hoe", "hun", "iemand", "iets", "ik",
            "in", "is", "ja", "je", "jij", "jou", "jouw", "jullie", "kan", "kon", "kunnen", "kunt",
            "maar", "mag", "me", "meer", "men", "met", "mij", "mijn", "moet", "moeten", "mogen",
            "na", "naar", "niet", "niets", "nog", "nu", "of", "om", "omdat", "onder", "ons",
            "onze", "ook", "op", "over", "reeds", "te", "tegen", "toch", "toen", "tot", "uit",
            "uw", "van", "veel", "voor", "waar", "waarin", "waarop", "wanneer", "want", "waren",
            "was", "wat", "wel", "welke", "werd", "werden", "wezen", "wie", "wil", "wilt",
            "worden", "wordt", "zal", "ze", "zelf", "zich", "zij", "zijn", "zo", "zodat", "zonder",
            "zou", "zouden", "zullen", "zult",
        ],
        Lang::En => &[
            "about", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been",
            "but", "by", "can", "do", "does", "for", "from", "had", "has", "have", "he", "her",
            "his", "how", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or",
            "our", "she", "so", "such", "than", "that", "the", "their", "them", "then", "there",
            "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "which",
            "who", "will", "with", "you", "your",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn doc(url: &str, title: &str, sections: &[(&str, &str, &str)]) -> SearchDoc {
        SearchDoc {
            url: url.into(),
            title: title.into(),
            sections: sections
                .iter()
                .map(|&(h, a, t)| (h.into(), a.into(), t.into()))
                .collect(),
        }
    }

    fn parsed(index: &SearchIndex) -> serde_json::Value {
        serde_json::from_str(&index.to_json()).unwrap_or_default()
    }

    /// Every indexed word of an index.
    fn words(index: &SearchIndex) -> BTreeSet<String> {
        let v = parsed(index);
        let mut out = BTreeSet::new();
        if let Some(terms) = v["terms"].as_object() {
            for entry in terms {
                let stem = entry.0;
                for w in entry.1[0].as_str().unwrap_or_default().split_whitespace() {
                    out.insert(match w.strip_prefix('~') {
                        Some(rest) => format!("{stem}{rest}"),
                        None => w.to_string(),
                    });
                }
            }
        }
        out
    }

    #[test]
    fn dutch_families_share_a_stem() {
        let index = SearchIndex::new(Lang::Nl);
        for (a, b) in [
            ("opties", "optie"),
            ("organisaties", "organisatie"),
            ("prijzen", "prijs"),
            ("rollen", "rol"),
            ("stappen", "stap"),
            ("facturen", "factuur"),
            ("brieven", "brief"),
        ] {
            assert_eq!(index.stem_of(a), index.stem_of(b), "{a}/{b}");
            assert!(index.stem_of(a).is_some());
        }
        // Families stay apart.
        assert_ne!(index.stem_of("stap"), index.stem_of("staat"));
        assert_ne!(index.stem_of("prijs"), index.stem_of("prik"));
        for stop in ["een", "geen", "meer", "kunt", "kan", "moet"] {
            assert_eq!(index.stem_of(stop), None, "{stop}");
        }
    }

    #[test]
    fn stop_word_lists_are_sorted_and_folded() {
        for lang in Lang::ALL {
            let list = stop_words(lang);
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{lang}");
            assert!(list.iter().all(|w| tokenize(w) == [w.to_string()]));
        }
    }

    /// The byte-level tokenizer must cut and fold exactly as the plain
    /// one-character-at-a-time rule that search.js mirrors.
    #[test]
    fn tokenizer_matches_the_char_by_char_rule() {
        use proptest::prelude::*;
        fn reference(text: &str) -> Vec<String> {
            let mut words = Vec::new();
            let mut word = String::new();
            let mut chars = 0;
            let mut flush = |word: &mut String, chars: &mut usize| {
                if *chars >= 2 {
                    words.push(word.clone());
                }
                word.clear();
                *chars = 0;
            };
            for c in text.chars() {
                unicode_normalization::char::decompose_canonical(c, |d| {
                    if is_combining_mark(d) {
                        return;
                    }
                    if d.is_alphanumeric() {
                        for l in d.to_lowercase() {
                            word.push(l);
                            chars += 1;
                        }
                    } else {
                        flush(&mut word, &mut chars);
                    }
                });
            }
            flush(&mut word, &mut chars);
            words
        }
        let piece = proptest::sample::select(vec![
            "a", "B", "zo", "Ab", "9", " ", "-", ".", "é", "É", "ï", "e\u{301}", "\u{301}", "ß",
            "İ", "Ⅻ", "一", "😀", "\u{a0}", "’", "_", "Ǆ",
        ]);
        proptest!(ProptestConfig::with_cases(2048), |(parts in proptest::collection::vec(piece, 0..16))| {
            let text = parts.concat();
            prop_assert_eq!(tokenize(&text), reference(&text));
        });
    }

    #[test]
    fn tokenize_lowercases_folds_and_splits() {
        assert_eq!(
            tokenize("Beïnvloed MPN-partnerbeheerder, Café’s é 42 x"),
            ["beinvloed", "mpn", "partnerbeheerder", "cafe", "42"]
        );
    }

    #[test]
    fn dutch_and_english_stems() {
        let nl = SearchIndex::new(Lang::Nl);
        assert_eq!(nl.stem_of("facturen"), nl.stem_of("factuur"));
        assert_eq!(nl.stem_of("facturen").as_deref(), Some("factur"));
        assert_eq!(nl.stem_of("talen"), nl.stem_of("taal"));
        assert_eq!(nl.stem_of("tegoeden"), nl.stem_of("tegoed"));
        assert_eq!(nl.stem_of("beïnvloed"), nl.stem_of("beinvloed"));
        assert_eq!(nl.stem_of("de"), None);
        let en = SearchIndex::new(Lang::En);
        assert_eq!(en.stem_of("credits"), en.stem_of("credit"));
        assert_eq!(en.stem_of("credits").as_deref(), Some("credit"));
        assert_eq!(en.stem_of("invoices"), en.stem_of("invoice"));
        assert_eq!(en.stem_of("the"), None);
    }

    #[test]
    fn each_index_holds_only_its_own_language() {
        let mut nl = SearchIndex::new(Lang::Nl);
        nl.add(doc(
            "/nl-nl/a/",
            "Tegoed aanvragen",
            &[(
                "Facturen",
                "invoices",
                "Controleer uw facturen en de factuur van deze maand.",
            )],
        ));
        let mut en = SearchIndex::new(Lang::En);
        en.add(doc(
            "/en/a/",
            "Request a credit",
            &[(
                "Invoices",
                "invoices",
                "Check your invoices and this month's invoice.",
            )],
        ));
        let (nl_words, en_words) = (words(&nl), words(&en));
        assert!(nl_words.contains("facturen") && nl_words.contains("tegoed"));
        assert!(en_words.contains("invoices") && en_words.contains("credit"));
        assert!(
            nl_words.is_disjoint(&en_words),
            "{:?}",
            nl_words.intersection(&en_words).collect::<Vec<_>>()
        );
        let v = parsed(&nl);
        assert_eq!(v["lang"], "nl-nl");
        // facturen (text) and factuur (text) share a stem; the heading hit
        // gives weight 3 in section 0.
        assert_eq!(
            v["terms"]["factur"],
            serde_json::json!(["~en factuur", "3"])
        );
    }

    #[test]
    fn json_is_the_same_whatever_the_order() {
        let a = doc(
            "/a/",
            "Alpha",
            &[
                ("Een", "een", "Eerste tekst over tegoed."),
                ("Twee", "twee", "Meer tekst."),
            ],
        );
        let b = doc(
            "/b/",
            "Beta",
            &[("Drie", "drie", "Tegoed aanvragen binnen dertig dagen.")],
        );
        let c = doc("/c/", "Gamma", &[]);
        let mut one = SearchIndex::new(Lang::Nl);
        for d in [a.clone(), b.clone(), c.clone()] {
            one.add(d);
        }
        let mut two = SearchIndex::new(Lang::Nl);
        for d in [c, b, a] {
            two.add(d);
        }
        assert_eq!(one.to_json(), two.to_json());
        let v = parsed(&one);
        // tegoed: section 0 (doc a) and section 2 (doc b, the first of b):
        // gaps 0 and 2, weight 0 each.
        assert_eq!(v["terms"]["tegoed"][1], "08");
        assert_eq!(v["sections"][3], serde_json::json!([2, "Gamma", "", ""]));
    }

    /// A store in memory that can be told to refuse writes or reads.
    #[derive(Default)]
    struct Store {
        kept: std::sync::Mutex<HashMap<usize, String>>,
        refuse_put: bool,
        refuse_get: bool,
    }

    impl Fragments for Store {
        fn put(&mut self, items: &mut dyn Iterator<Item = (usize, String)>) -> std::io::Result<()> {
            if self.refuse_put {
                return Err(std::io::Error::other("full"));
            }
            self.kept.lock().unwrap().extend(items);
            Ok(())
        }

        fn get(&self, key: usize) -> std::io::Result<String> {
            if self.refuse_get {
                return Err(std::io::Error::other("gone"));
            }
            Ok(self
                .kept
                .lock()
                .unwrap()
                .get(&key)
                .cloned()
                .unwrap_or_default())
        }
    }

    /// What a store keeps of a page reads back as the page: its fragments,
    /// its hits per section (the count as the weight sees it: 1, 2, 3 or
    /// more) and its words, for any ids and any number of sections.
    #[test]
    fn a_stored_page_reads_back_as_it_was() {
        use proptest::prelude::*;
        let hit =
            (any::<u32>(), 1u8..=255, any::<bool>()).prop_map(|(stem, count, in_heading)| Hit {
                stem,
                count,
                in_heading,
            });
        let page = proptest::collection::vec(
            (
                "[a-z\\[\\],\"\\\\]{0,12}",
                proptest::collection::vec(hit, 0..6),
            ),
            1..5,
        );
        let words = proptest::collection::btree_set(any::<u32>(), 0..20);
        proptest!(ProptestConfig::with_cases(512), |(page in page, words in words)| {
            let shown: Vec<String> = page.iter().map(|(s, _)| format!("[\"{s}\"]")).collect();
            let hits: Vec<Vec<Hit>> = page.iter().map(|(_, h)| h.clone()).collect();
            let words: Vec<u32> = words.into_iter().rev().collect();
            let (s2, h2, w2) = decode_stored(&encode_stored(&shown, &hits, &words), shown.len());
            prop_assert_eq!(s2, shown);
            let weighed = |h: &Vec<Vec<Hit>>| -> Vec<Vec<(u32, u8, bool)>> {
                h.iter().map(|s| s.iter().map(|h| (h.stem, h.count.min(3), h.in_heading)).collect()).collect()
            };
            prop_assert_eq!(weighed(&h2), weighed(&hits));
            let mut sorted = words.clone();
            sorted.sort_unstable();
            prop_assert_eq!(w2, sorted);
        });
    }

    /// An index whose fragments wait in a store writes the JSON an index
    /// holding them writes: over batches, with pages replaced, with a page
    /// of no sections and snippets that need escaping; a store that
    /// refuses to keep them leaves them in memory; one that loses them
    /// makes the write fail, never a JSON with holes.
    #[test]
    fn an_index_with_a_store_writes_what_an_index_holding_its_fragments_writes() {
        let page = |i: usize| -> PageText<'static> {
            let sections = match i % 3 {
                0 => vec![],
                1 => vec![("Kop \"één\"", "kop", "Factuur\nmet \u{1}tekst.")],
                _ => vec![("A", "a", "tegoed"), ("B", "b", "facturen en tegoeden")],
            };
            (i, format!("/p{i}/"), format!("Pagina {i}"), sections)
        };
        let mut held = SearchIndex::new(Lang::Nl);
        let mut stored = SearchIndex::with_store(Lang::Nl, Box::<Store>::default());
        let mut fallback = SearchIndex::with_store(
            Lang::Nl,
            Box::new(Store {
                refuse_put: true,
                ..Store::default()
            }),
        );
        for batch in [0..40, 40..90, 10..20] {
            for index in [&mut held, &mut stored, &mut fallback] {
                index.put(batch.clone().map(page).collect());
            }
        }
        let want = held.to_json();
        assert!(
            want.contains("[1,\"Kop \\\"één\\\"\",\"kop\",\"Factuur met \\u0001tekst.\"]"),
            "{want}"
        );
        assert_eq!(stored.to_json(), want);
        assert_eq!(fallback.to_json(), want);
        let lost = SearchIndex {
            store: Some(Box::new(Store {
                refuse_get: true,
                ..Store::default()
            })),
            ..stored
        };
        let mut out = Vec::new();
        assert!(lost.write_json(&mut out).is_err());
    }

    /// Many pages in one `put` are tokenized in chunks with vocabularies of
    /// their own and merged: the index must be the one page-by-page gives.
    #[test]
    fn pages_put_together_equal_pages_put_one_by_one() {
        let vocabulary = [
            "factuur", "facturen", "Tegoed", "tegoeden", "taal", "talen", "café", "de",
        ];
        let docs: Vec<SearchDoc> = (0..200)
            .map(|i| {
                let text: Vec<&str> = (0..12)
                    .map(|k| vocabulary[(i * 7 + k * 3) % vocabulary.len()])
                    .collect();
                doc(
                    &format!("/p{i}/"),
                    &format!("Pagina {i} {}", vocabulary[i % vocabulary.len()]),
                    &[
                        ("Kop", "kop", &text.join(" ")),
                        (vocabulary[(i + 1) % 8], "b", "Meer tekst."),
                    ],
                )
            })
            .collect();
        let mut one_by_one = SearchIndex::new(Lang::Nl);
        for d in docs.iter().rev() {
            let slot = docs.len() - 1 - one_by_one.docs.iter().flatten().count();
            let sections: Vec<(&str, &str, &str)> = d
                .sections
                .iter()
                .map(|(h, a, t)| (h.as_str(), a.as_str(), t.as_str()))
                .collect();
            one_by_one.set(slot, d.url.clone(), d.title.clone(), &sections);
        }
        let mut together = SearchIndex::new(Lang::Nl);
        together.put(
            docs.iter()
                .enumerate()
                .map(|(i, d)| {
                    let sections = d
                        .sections
                        .iter()
                        .map(|(h, a, t)| (h.as_str(), a.as_str(), t.as_str()))
                        .collect();
                    (i, d.url.clone(), d.title.clone(), sections)
                })
                .collect(),
        );
        assert_eq!(together.to_json(), one_by_one.to_json());
        assert!(words(&together).contains("facturen"));
    }

    /// A preview rebuild replaces one page's slot: the index must then be
    /// byte for byte the index of a fresh build, with no word of the old
    /// version left under its stem and no stale posting.
    #[test]
    fn replacing_a_slot_equals_a_fresh_index() {
        let a = doc(
            "/a/",
            "Facturen",
            &[("Intro", "", "De factuur komt later.")],
        );
        let b_old = doc("/b/", "Oud", &[("Kop", "k", "Een factuurnummer en taal.")]);
        let b_new = doc("/b/", "Nieuw", &[("Kop", "k", "Talen en een facturering.")]);
        let set = |index: &mut SearchIndex, slot: usize, d: &SearchDoc| {
            let sections: Vec<(&str, &str, &str)> = d
                .sections
                .iter()
                .map(|(h, a, t)| (h.as_str(), a.as_str(), t.as_str()))
                .collect();
            index.set(slot, d.url.clone(), d.title.clone(), &sections);
        };
        let mut edited = SearchIndex::new(Lang::Nl);
        set(&mut edited, 0, &a);
        set(&mut edited, 1, &b_old);
        assert!(words(&edited).contains("factuurnummer"));
        set(&mut edited, 1, &b_new);
        let mut fresh = SearchIndex::new(Lang::Nl);
        set(&mut fresh, 0, &a);
        set(&mut fresh, 1, &b_new);
        assert_eq!(edited.to_json(), fresh.to_json());
        assert!(!words(&edited).contains("factuurnummer"));
        assert!(words(&edited).contains("facturering"));
        // An emptied slot is gone from docs, sections and terms.
        edited.clear(1);
        let mut only_a = SearchIndex::new(Lang::Nl);
        set(&mut only_a, 0, &a);
        assert_eq!(edited.to_json(), only_a.to_json());
    }

    /// `to_json` writes JSON by hand: it must parse, keep every character,
    /// and be exactly what serde_json writes for the same value.
    #[test]
    fn hand_written_json_is_serde_jsons_compact_form() {
        let mut index = SearchIndex::new(Lang::En);
        let title = "Ti\"tle\\ \u{1}\t</script> é";
        index.add(doc(
            "/a \"q\"/",
            title,
            &[("H\"", "a\\", "Text with \"quotes\", \u{7f} and ünïcode.")],
        ));
        index.add(doc("/b/", "Second", &[]));
        let json = index.to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(v["docs"][0], serde_json::json!(["/a \"q\"/", title]));
        assert_eq!(v["sections"][0][1], "H\"");
        assert_eq!(v["sections"][1], serde_json::json!([1, "Second", "", ""]));
        assert!(v["terms"]["quot"].is_array());
        assert_eq!(serde_json::to_string(&v).unwrap_or_default(), json);
    }

    #[test]
    fn postings_and_words_encode_compactly() {
        assert_eq!(encode_postings(&[0, 31, 32, 1023, 1024]), "0VW1_VWW1");
        assert_eq!(
            encode_words("factur", &["factur", "facturen", "factuur"]),
            "~ ~en factuur"
        );
    }

    #[test]
    fn snippets_are_short_and_cut_at_words() {
        let long = "woord ".repeat(100);
        let s = snippet(&long);
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
        assert!(s.ends_with("woord…"));
        assert_eq!(snippet("  kort\n en   klaar "), "kort en klaar");
    }
}
