//! DocFX's YAML pages: `### YamlMime:FAQ` (a title, a summary, sections of
//! questions and answers in Markdown) and `### YamlMime:Landing` /
//! `YamlMime:Hub` (an `index.yml`: a title, a summary, groups of links).
//!
//! Real docsets link to them (`payout-faq.yml#why-are-my-earnings-missing-`),
//! so tolk builds them as articles: [`to_markdown`] writes the page as a
//! Markdown article (front matter from `metadata`, the title as the H1,
//! each section an H2, each question an H3 with the anchor Learn gives it,
//! each group of links an H2 and a list), which then goes down the same
//! pipeline as any article, in both languages. Each heading and answer
//! starts on the line its YAML node starts on (blank lines are added in
//! between), so a diagnostic in an answer names the right line of the
//! `.yml` file.

use serde_json::Value;

use crate::yaml::{self, YamlError};

/// The kinds of YAML page tolk builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Faq,
    Landing,
}

/// The kind of a `.yml` file from its first line, `None` for YAML that is
/// not a page (data, a TOC, a `YamlMime` tolk does not know).
pub fn kind(text: &str) -> Option<Kind> {
    let first = text.lines().next()?.trim();
    let mime = first.strip_prefix('#')?.trim_start_matches('#').trim();
    match mime.strip_prefix("YamlMime:")?.trim() {
        "FAQ" => Some(Kind::Faq),
        "Landing" | "Hub" => Some(Kind::Landing),
        _ => None,
    }
}

/// The anchor Learn gives a question: lower case, every run of other
/// characters than letters and digits one `-` (`Why are my earnings
/// missing?` → `why-are-my-earnings-missing-`).
pub fn question_id(q: &str) -> String {
    let mut id = String::with_capacity(q.len());
    for c in q.trim().chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    id
}

/// Writes Markdown whose lines follow the YAML's.
struct Writer {
    out: String,
    line: usize,
    /// The line of each node (1-based), by path (`sections.0.name`).
    lines: std::collections::HashMap<String, usize>,
}

impl Writer {
    /// Blank lines up to the line of `path`; at least one before a block
    /// that is not a heading (a paragraph after a list item would be read
    /// as part of it).
    fn to(&mut self, path: &str, heading: bool) {
        let target = self.lines.get(path).copied().unwrap_or(0);
        let after_heading = self
            .out
            .lines()
            .next_back()
            .is_some_and(|l| l.starts_with('#'));
        if !heading && !after_heading && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.push("\n");
        }
        while self.line < target {
            self.push("\n");
        }
    }

    fn push(&mut self, s: &str) {
        self.line += s.matches('\n').count();
        self.out.push_str(s);
    }

    fn block(&mut self, path: &str, text: &str) {
        self.to(path, text.starts_with('#'));
        let text = text.trim_end();
        self.push(text);
        self.push("\n");
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// One line of a heading: its text with line breaks as spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Markdown article of a YAML page.
pub fn to_markdown(text: &str, kind: Kind) -> Result<String, YamlError> {
    let (value, positions) = yaml::to_json_with_positions(text)?;
    // A node's line is the count of line breaks before it, found by a
    // binary search of where they are (counting them from the start for
    // each node made this quadratic: a third of a landing page's time).
    let breaks: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
    let mut w = Writer {
        out: String::with_capacity(text.len() + 256),
        line: 1,
        lines: positions
            .into_iter()
            .map(|(path, pos)| (path, breaks.partition_point(|&b| b < pos.offset) + 1))
            .collect(),
    };
    // Front matter: `metadata`, and the page's title when it has none.
    let meta = value.get("metadata").and_then(Value::as_object);
    let title = str_of(&value, "title")
        .or_else(|| value.get("metadata").and_then(|m| str_of(m, "title")))
        .unwrap_or("")
        .to_string();
    w.push("---\n");
    let mut has_title = false;
    for (k, v) in meta.into_iter().flatten() {
        if k.contains(['\n', ':']) {
            continue;
        }
        has_title |= k == "title";
        // JSON is YAML: a quoted string or a flow collection on one line.
        let v = serde_json::to_string(v).unwrap_or_default();
        w.push(&format!("{k}: {v}\n"));
    }
    if !has_title {
        let v = serde_json::to_string(&title).unwrap_or_default();
        w.push(&format!("title: {v}\n"));
    }
    w.push("---\n");
    w.block("title", &format!("# {}", one_line(&title)));
    if let Some(s) = str_of(&value, "summary") {
        w.block("summary", s);
    }
    match kind {
        Kind::Faq => faq(&mut w, &value),
        Kind::Landing => {
            for (k, v) in value.as_object().into_iter().flatten() {
                if matches!(k.as_str(), "metadata" | "title" | "summary") {
                    continue;
                }
                links(&mut w, v, k, 2);
            }
        }
    }
    Ok(w.out)
}

fn faq(w: &mut Writer, value: &Value) {
    let sections = value.get("sections").and_then(Value::as_array);
    for (i, s) in sections.into_iter().flatten().enumerate() {
        if let Some(name) = str_of(s, "name") {
            w.block(
                &format!("sections.{i}.name"),
                &format!("## {}", one_line(name)),
            );
        }
        let questions = s.get("questions").and_then(Value::as_array);
        for (j, q) in questions.into_iter().flatten().enumerate() {
            let at = format!("sections.{i}.questions.{j}");
            if let Some(question) = str_of(q, "question") {
                let question = one_line(question);
                w.block(
                    &format!("{at}.question"),
                    &format!("### <a name=\"{}\"></a>{question}", question_id(&question)),
                );
            }
            if let Some(answer) = str_of(q, "answer") {
                w.block(&format!("{at}.answer"), answer);
            }
        }
    }
    if let Some(more) = str_of(value, "additionalContent") {
        w.block("additionalContent", more);
    }
}

/// A landing page's groups of links: every mapping with a `title` (or
/// `name`) is a heading, every one with a `url` a link (its `text` or
/// `title`), in the order the page lists them.
fn links(w: &mut Writer, v: &Value, path: &str, level: usize) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                links(w, item, &format!("{path}.{i}"), level);
            }
        }
        Value::Object(map) => {
            let url = map.get("url").and_then(Value::as_str);
            let label = str_of(v, "text").or_else(|| str_of(v, "title"));
            if let (Some(url), Some(label)) = (url, label) {
                let label = one_line(label).replace('[', "\\[").replace(']', "\\]");
                let url = url.trim().replace(' ', "%20");
                // One list: items follow each other, whatever lines the
                // YAML spends on each.
                let item = format!("- [{label}](<{url}>)\n");
                if w.out
                    .lines()
                    .next_back()
                    .is_some_and(|l| l.starts_with("- ["))
                {
                    w.push(&item);
                } else {
                    w.block(&format!("{path}.url"), &item);
                }
                return;
            }
            let mut level = level;
            if let Some(t) = str_of(v, "title").or_else(|| str_of(v, "name")) {
                let hashes = "#".repeat(level.min(4));
                w.block(
                    &format!("{path}.title"),
                    &format!("{hashes} {}", one_line(t)),
                );
                level += 1;
            }
            if let Some(s) = str_of(v, "summary") {
                w.block(&format!("{path}.summary"), s);
            }
            for (k, child) in map {
                if matches!(child, Value::Array(_) | Value::Object(_)) {
                    links(w, child, &format!("{path}.{k}"), level);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_ids_are_learns() {
        assert_eq!(
            question_id("Why are my earnings missing?"),
            "why-are-my-earnings-missing-"
        );
        assert_eq!(
            question_id(
                "How do I sign up to be a publisher in the Microsoft commercial marketplace?"
            ),
            "how-do-i-sign-up-to-be-a-publisher-in-the-microsoft-commercial-marketplace-"
        );
        assert_eq!(
            question_id("What user roles are available?"),
            "what-user-roles-are-available-"
        );
    }

    #[test]
    fn kinds_come_from_the_first_line() {
        assert_eq!(kind("### YamlMime:FAQ\nx: 1\n"), Some(Kind::Faq));
        assert_eq!(kind("### YamlMime:Landing\n"), Some(Kind::Landing));
        assert_eq!(kind("### YamlMime:Hub\n"), Some(Kind::Landing));
        assert_eq!(kind("### YamlMime:ManagedReference\n"), None);
        assert_eq!(kind("- name: a\n"), None);
    }

    #[test]
    fn a_faq_keeps_its_lines() {
        let yml = "### YamlMime:FAQ\nmetadata:\n  title: Meta\n  ms.date: 09/27/2021\ntitle: FAQ title\nsummary: Intro.\nsections:\n- name: Profiel\n  questions:\n  - question: >\n      Why is it?\n    answer: >\n      Because [x](a.md).\n";
        let md = to_markdown(yml, Kind::Faq).expect("faq");
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "---");
        assert!(md.contains("title: \"Meta\"\n"), "{md}");
        assert!(md.contains("ms.date: \"09/27/2021\"\n"), "{md}");
        assert_eq!(lines[4], "# FAQ title", "{md}");
        assert_eq!(lines[5], "Intro.", "{md}");
        assert_eq!(lines[7], "## Profiel", "{md}");
        assert_eq!(
            lines[10], "### <a name=\"why-is-it-\"></a>Why is it?",
            "{md}"
        );
        assert_eq!(lines[12], "Because [x](a.md).", "{md}");
    }

    #[test]
    fn a_landing_page_is_groups_of_links() {
        let yml = "### YamlMime:Landing\ntitle: Start\nsummary: Hier.\nlandingContent:\n- title: Groep\n  linkLists:\n  - linkListType: overview\n    links:\n    - text: Een\n      url: een.md\n    - text: Twee [2]\n      url: ../twee.yml\n";
        let md = to_markdown(yml, Kind::Landing).expect("landing");
        assert!(md.contains("# Start\nHier.\n"), "{md}");
        assert!(
            md.contains("## Groep\n")
                && md.contains("- [Een](<een.md>)\n- [Twee \\[2\\]](<../twee.yml>)\n"),
            "{md}"
        );
    }
}
