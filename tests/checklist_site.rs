//! Checklists in the built site and on the command line: the form in both
//! languages with its first paint, the generated evaluator file, and
//! `tolk eval`'s output and exit codes.

mod common;

use common::*;

#[test]
fn built_pages_carry_the_form_and_its_generated_evaluator() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    for (lang, question) in [("nl-nl", "Type partner"), ("en", "Partner type")] {
        let page = site.read(&format!("{lang}/request-credit/index.html"));
        assert!(
            page.contains("<form class=\"tolk-checklist\" id=\"checklist-credit-request\""),
            "{lang}"
        );
        assert!(
            page.contains(question),
            "{lang}: labels in the page's language"
        );
        // The runtime, then the generated evaluator, both as files (CSP-friendly).
        let runtime = page.find("/static/checklist.").expect("runtime script");
        let generated = page
            .find("/static/checklists.")
            .expect("generated evaluator");
        assert!(runtime < generated, "the runtime loads first");
        let src = page[generated..]
            .split('"')
            .next()
            .unwrap()
            .trim_start_matches('/');
        let js = site.read(src);
        assert!(js.contains("credit-request"));
        assert!(!js.contains("eval(") && !js.contains("new Function"));
    }
    // Every seed article has its checklist, and the pages without one load no runtime.
    for slug in [
        "partner-earned-credit-troubleshoot",
        "troubleshoot-account-setup",
        "incentives-customer-association-issues",
        "lighthouse-partner-earned-credit",
    ] {
        assert!(
            site.read(&format!("nl-nl/{slug}/index.html"))
                .contains("class=\"tolk-checklist\""),
            "{slug}"
        );
    }
    assert!(!site.read("nl-nl/index.html").contains("/static/checklist."));
    // Links in checklist steps resolve like the article's own links.
    let pec = site.read("nl-nl/partner-earned-credit-troubleshoot/index.html");
    assert!(
        !pec.contains("revoke-reinstate-csp.md"),
        "no raw .md link in the form"
    );
    assert!(pec.contains("https://learn.microsoft.com/nl-nl/partner-center/revoke-reinstate-csp"));
}

#[test]
fn eval_prints_the_evaluation_as_json() {
    let article = repo().join("content/request-credit.md");
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("a.json");
    std::fs::write(
        &answers,
        r#"{"partner_type":"direct","credit_type":"outage","incident_date":"2024-01-31"}"#,
    )
    .unwrap();
    let run = tolk(
        &[
            "eval",
            article.to_str().unwrap(),
            "credit-request",
            "--answers",
            answers.to_str().unwrap(),
            "--today",
            "2024-02-10",
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["inputs", "missing", "computed", "steps", "outcomes", "errors"]
    );
    // 31 January 2024: the end of the next month is 29 February (leap year).
    assert_eq!(v["computed"]["outage_deadline"], "2024-02-29");
    let outcome = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "outage_in_time")
        .unwrap();
    assert_eq!(outcome["status"], "pass");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .contains("February 29, 2024"),
        "{outcome}"
    );
}

#[test]
fn eval_rejects_bad_answers_and_bad_usage() {
    let article = repo().join("content/request-credit.md");
    let a = article.to_str().unwrap();
    let run = tolk(
        &[
            "eval",
            a,
            "credit-request",
            "--answers",
            "/nonexistent.json",
        ],
        None,
    );
    assert_eq!(run.code, 1);
    let run = tolk(&["eval", a, "no-such-checklist"], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no-such-checklist"), "{}", run.stderr);
    let run = tolk(
        &["eval", a, "credit-request", "--today", "31-01-2024"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("write it as YYYY-MM-DD"),
        "{}",
        run.stderr
    );
    // In the right shape but not a day: saying "write it as YYYY-MM-DD"
    // sent the writer looking for a typo that is not there.
    let run = tolk(
        &["eval", a, "credit-request", "--today", "2021-02-30"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--today 2021-02-30 is not a day of the calendar"),
        "{}",
        run.stderr
    );
    let run = tolk(&["eval", a, "credit-request", "--lang", "fr"], None);
    assert_eq!(run.code, 2);
    // A wrongly typed answer, from standard input.
    let mut child = std::process::Command::new(bin())
        .args(["eval", a, "credit-request", "--answers", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"incident_date": 20240131}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("incident_date"));
}

#[test]
fn a_broken_checklist_fails_the_build_at_its_line() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n```checklist\nid: x\ntitle: {nl: \"X\", en: \"X\"}\ninputs:\n  - id: p\n    type: choice\n    label: {nl: \"P\", en: \"P\"}\n    options:\n      - {value: a, label: {nl: \"A\", en: \"A\"}}\noutcomes:\n  - id: o\n    when: p == \"b\"\n    status: info\n    message: {nl: \"M\", en: \"M\"}\n```\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:17:"), "{}", run.stderr);
    assert!(run.stderr.contains("\"b\""), "{}", run.stderr);
    let check = site.tolk(&["check", "--format", "json"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.lines().any(|l| l.contains("\"line\":17")),
        "{}",
        check.stdout
    );
}

/// The ```json block that follows `after` in `doc`.
fn json_block_after<'a>(doc: &'a str, after: &str) -> &'a str {
    let at = doc
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in the doc"));
    let rest = &doc[at..];
    let start = rest.find("```json\n").expect("a json block") + "```json\n".len();
    let end = rest[start..].find("```").expect("the block's end");
    &rest[start..start + end]
}

#[test]
fn docs_eval_sample_is_what_tolk_eval_prints() {
    // docs/checklists.md showed a result from an older checklist (three
    // inputs, a `deadline` that no longer exists): a writer pasting the
    // command saw something else.
    let doc = std::fs::read_to_string(repo().join("docs/checklists.md")).expect("doc");
    let answers = json_block_after(&doc, "Answers are JSON");
    let shown = json_block_after(&doc, "The result is one line of JSON");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("answers.json");
    std::fs::write(&file, answers).expect("write");
    let article = repo().join("content/request-credit.md");
    let run = tolk(
        &[
            "eval",
            article.to_str().expect("utf-8"),
            "credit-request",
            "--answers",
            file.to_str().expect("utf-8"),
            "--today",
            "2021-03-01",
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Same keys in the same order, same values: the doc's line breaks
    // are the only difference.
    let shown: serde_json::Value = serde_json::from_str(shown).expect("the doc's JSON");
    assert_eq!(
        serde_json::to_string(&shown).expect("json"),
        run.stdout.trim()
    );
    // The regex example quotes the article's own rules.
    let article = std::fs::read_to_string(article.with_file_name("troubleshoot-account-setup.md"))
        .expect("article");
    let quoted: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("when: matches(phone"))
        .map(|l| l.split("   #").next().unwrap_or(l).trim())
        .collect();
    assert_eq!(quoted.len(), 2, "{quoted:?}");
    for rule in quoted {
        assert!(article.contains(rule), "{rule} is not in the article");
    }
}
