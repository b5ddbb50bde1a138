//! The seed articles' checklists against the shared case table
//! (`tests/cases/seed_checklists.json`), whose expectations come from the
//! articles' text. Both evaluators must pass every case, and must agree
//! byte for byte; then every seed checklist is run under thousands of
//! random and boundary answers in both.

#[path = "cases/common.rs"]
mod common;

use std::path::Path;

use common::{root, run_node, Case};
use serde_json::Value;
use tolk::checklist::{
    compile, eval_command, evaluate, find_blocks, generate_js, Answers, Checklist,
};
use tolk::date::Date;
use tolk::Lang;

const ARTICLES: &[&str] = &[
    "content/partner-earned-credit-troubleshoot.md",
    "content/troubleshoot-account-setup.md",
    "content/incentives-customer-association-issues.md",
    "content/lighthouse-partner-earned-credit.md",
    "content/request-credit.md",
];

/// Every checklist of the seed articles; each article has exactly one, and
/// none has an error or a warning.
fn seed_checklists() -> Vec<Checklist> {
    let mut out = Vec::new();
    for a in ARTICLES {
        let text = std::fs::read_to_string(root().join(a)).unwrap();
        let blocks = find_blocks(&text);
        assert_eq!(blocks.len(), 1, "{a} has one checklist");
        let (cl, diags) = compile(&blocks[0], Path::new(a), &text);
        assert!(
            diags.is_empty(),
            "{a}:\n{}",
            diags.iter().map(|d| d.to_string()).collect::<String>()
        );
        out.push(cl.unwrap());
    }
    out
}

/// Checks one result (Rust's or JS's) against a case's expectations.
fn check_expectations(case: &Value, json: &str) -> Result<(), String> {
    let got: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}: {json}"))?;
    let exp = &case["expect"];
    if let Some(want) = exp.get("outcomes") {
        let ids: Vec<Value> = got["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].clone())
            .collect();
        if &Value::Array(ids.clone()) != want {
            return Err(format!("outcomes {ids:?}, expected {want}"));
        }
    }
    if let Some(want) = exp.get("missing") {
        if &got["missing"] != want {
            return Err(format!("missing {}, expected {want}", got["missing"]));
        }
    }
    if let Some(want) = exp.get("computed").and_then(Value::as_object) {
        for (k, v) in want {
            if &got["computed"][k] != v {
                return Err(format!(
                    "computed {k} = {}, expected {v}",
                    got["computed"][k]
                ));
            }
        }
    }
    if let Some(want) = exp.get("hidden").and_then(Value::as_array) {
        for k in want {
            let k = k.as_str().unwrap();
            if got["inputs"][k]["visible"] != Value::Bool(false) {
                if let Some(step) = got["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["id"] == k)
                {
                    if step["visible"] == Value::Bool(false) {
                        continue;
                    }
                }
                return Err(format!("{k} should be hidden"));
            }
        }
    }
    if let Some(want) = exp.get("visible").and_then(Value::as_array) {
        for k in want {
            let k = k.as_str().unwrap();
            let input = got["inputs"][k]["visible"] == Value::Bool(true);
            let step = got["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"] == k && s["visible"] == Value::Bool(true));
            if !(input || step) {
                return Err(format!("{k} should be visible"));
            }
        }
    }
    if let Some(want) = exp.get("message_contains").and_then(Value::as_object) {
        for (id, text) in want {
            let o = got["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| &o["id"] == id);
            let msg = o.and_then(|o| o["message"].as_str()).unwrap_or("");
            if !msg.contains(text.as_str().unwrap()) {
                return Err(format!(
                    "outcome {id} says {msg:?}, expected it to contain {text}"
                ));
            }
        }
    }
    if let Some(want) = exp.get("step_message").and_then(Value::as_object) {
        for (id, text) in want {
            let s = got["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| &s["id"] == id);
            let msg = s.map(|s| s["message"].clone()).unwrap_or(Value::Null);
            if &msg != text {
                return Err(format!("step {id} message {msg}, expected {text}"));
            }
        }
    }
    Ok(())
}

#[test]
fn seed_cases_hold_in_both_evaluators() {
    let cls = seed_checklists();
    let table: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/cases/seed_checklists.json")).unwrap(),
    )
    .unwrap();
    assert!(table.len() >= 20);
    let mut rust = Vec::new();
    let mut cases = Vec::new();
    for case in &table {
        let id = case["checklist"].as_str().unwrap();
        let cl = cls
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no checklist {id}"));
        let today = Date::parse_iso(case["today"].as_str().unwrap()).unwrap();
        let lang = Lang::parse(case["lang"].as_str().unwrap()).unwrap();
        let answers = case["answers"].to_string();
        let a = Answers::from_json(cl, &answers).unwrap_or_else(|e| panic!("{}: {e}", case["why"]));
        rust.push(evaluate(cl, &a, today, lang).to_json());
        cases.push(Case {
            checklist: id.into(),
            answers,
            today: today.days(),
            lang: lang.code(),
        });
    }
    let generated: Vec<String> = cls.iter().map(generate_js).collect();
    let js = run_node(&generated, &cases);
    let mut failures = Vec::new();
    for (i, case) in table.iter().enumerate() {
        if let Err(e) = check_expectations(case, &rust[i]) {
            failures.push(format!("rust: {}: {e}\n  {}", case["why"], rust[i]));
        }
        if let Err(e) = check_expectations(case, &js[i]) {
            failures.push(format!("js: {}: {e}", case["why"]));
        }
        if rust[i] != js[i] {
            failures.push(format!(
                "differ: {}\n rust: {}\n   js: {}",
                case["why"], rust[i], js[i]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn eval_command_reads_the_article() {
    let path = root().join("content/request-credit.md");
    let out = eval_command(
        &path,
        "credit-request",
        r#"{"partner_type": "direct", "credit_type": "outage", "incident_date": "2021-02-15"}"#,
        Date::parse_iso("2021-03-01"),
        None,
    )
    .unwrap();
    // Default language: the article's content locale, nl-NL.
    assert!(out.contains("uiterlijk 31 maart 2021 ontvangen"), "{out}");
    let out = eval_command(
        &path,
        "credit-request",
        "{}",
        Date::parse_iso("2021-03-01"),
        Some(Lang::En),
    )
    .unwrap();
    assert!(
        out.starts_with("{\"inputs\":{\"partner_type\":{\"visible\":true,\"value\":null}"),
        "{out}"
    );
    let err = eval_command(&path, "nope", "{}", None, None).unwrap_err();
    assert_eq!(
        err[0].message,
        format!("{} has no checklist `nope`", path.display())
    );
    assert_eq!(
        err[0].hint.as_deref(),
        Some("its checklists are: credit-request")
    );
    let err = eval_command(
        &path,
        "credit-request",
        r#"{"partner_type": "reseller"}"#,
        None,
        None,
    )
    .unwrap_err();
    assert!(
        err[0]
            .message
            .starts_with("bad answers: `reseller` is not a value of the choice `partner_type`"),
        "{}",
        err[0].message
    );
    let err = eval_command(
        &path,
        "credit-request",
        r#"{"incident_date": 5}"#,
        None,
        None,
    )
    .unwrap_err();
    assert!(
        err[0].message.contains("`incident_date`"),
        "{}",
        err[0].message
    );
}

/// The case table is each seed checklist's "article sentence → rule → test
/// case" table (issue 15): every outcome of every seed checklist is
/// expected by at least one case, so no rule stands without the sentence
/// that justifies it.
#[test]
fn every_seed_outcome_has_a_case_in_the_table() {
    let table: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/cases/seed_checklists.json")).unwrap(),
    )
    .unwrap();
    let mut missing = Vec::new();
    for cl in seed_checklists() {
        for o in &cl.outcomes {
            let covered = table.iter().any(|c| {
                c["checklist"] == cl.id.as_str()
                    && (c["expect"]["outcomes"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == o.id.as_str()))
                        || c["expect"]["message_contains"].get(&o.id).is_some())
            });
            if !covered {
                missing.push(format!("{}: {}", cl.id, o.id));
            }
        }
    }
    assert!(missing.is_empty(), "outcomes without a case: {missing:?}");
}
