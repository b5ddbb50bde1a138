//! The checker's diagnostics: each bad input the issue names is an error
//! with its message *and* its line:column inside the Markdown file.

use std::path::Path;

use tolk::checklist::{compile, find_blocks, Answers, Checklist};
use tolk::date::Date;
use tolk::{Diagnostic, Lang};

/// The DESIGN.md example, inside an article, with `{BODY}` replaced.
const EXAMPLE: &str = r#"---
title: Test
---
# Tegoed

Tekst ervoor.

```checklist
id: credit-eligibility
title: {nl: "Kom ik in aanmerking voor tegoed?", en: "Am I eligible for a credit?"}
inputs:
  - id: provider
    type: choice
    label: {nl: "Type partner", en: "Partner type"}
    options:
      - {value: direct, label: {nl: "Directe provider", en: "Direct provider"}}
      - {value: indirect_provider, label: {nl: "Indirecte provider", en: "Indirect provider"}}
      - {value: indirect_reseller, label: {nl: "Indirecte reseller", en: "Indirect reseller"}}
  - id: credit_type
    type: choice
    label: {nl: "Soort tegoed", en: "Kind of credit"}
    options:
      - {value: accidental, label: {nl: "Onopzettelijke aankoop", en: "Accidental purchase"}}
      - {value: duplicate, label: {nl: "Dubbele order", en: "Duplicate order"}}
      - {value: outage, label: {nl: "Service-uitval", en: "Service outage"}}
  - id: incident_date
    type: date
    label: {nl: "Datum van de storing", en: "Date of the outage"}
    when: credit_type == "outage"
computed:
  - id: deadline
    expr: end_of_month(add_months(incident_date, 1))
    label: {nl: "Uiterste indiendatum", en: "Submit by"}
steps:
  - id: mpn_active
    label: {nl: "Controleer of uw MPN-overeenkomst actief is.", en: "Check that your MPN agreement is active."}
outcomes:
  - id: reseller
    when: provider == "indirect_reseller"
    status: fail
    message: {nl: "Indirecte resellers kunnen geen tegoed aanvragen.", en: "Indirect resellers can't request a credit."}
  - id: outage_deadline
    when: is_set(deadline)
    status: info
    message: {nl: "Dien uw aanvraag in vóór {deadline}.", en: "Submit your request by {deadline}."}
```

Tekst erna.
"#;

fn build(md: &str) -> (Option<Checklist>, Vec<Diagnostic>) {
    let blocks = find_blocks(md);
    assert_eq!(blocks.len(), 1, "one checklist block");
    compile(&blocks[0], Path::new("content/test.md"), md)
}

/// Replaces the first occurrence of `from` (which must exist) in the example.
fn variant(from: &str, to: &str) -> String {
    assert!(EXAMPLE.contains(from), "{from}");
    EXAMPLE.replacen(from, to, 1)
}

/// The only error of `md`: (message, line, column).
fn one_error(md: &str) -> (String, usize, usize) {
    let (cl, diags) = build(md);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(cl.is_none());
    assert_eq!(errors.len(), 1, "{diags:#?}");
    let d = errors[0];
    let loc = d.location.as_ref().expect("a location");
    assert_eq!(loc.file, Path::new("content/test.md"));
    (d.message.clone(), loc.line, loc.column)
}

/// 1-based (line, column) of the `nth` occurrence of `needle` in `md`.
fn pos_of(md: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = md.match_indices(needle).nth(nth).expect(needle).0;
    let line = md[..at].matches('\n').count() + 1;
    let col = md[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn the_design_example_compiles_and_evaluates() {
    let (cl, diags) = build(EXAMPLE);
    assert!(diags.is_empty(), "{diags:#?}");
    let cl = cl.unwrap();
    let answers = Answers::from_json(
        &cl,
        r#"{"provider": "direct", "credit_type": "outage", "incident_date": "2021-02-15", "steps": {"mpn_active": true}}"#,
    )
    .unwrap();
    let today = Date::parse_iso("2021-03-01").unwrap();
    let ev = tolk::checklist::evaluate(&cl, &answers, today, Lang::En);
    assert_eq!(
        ev.to_json(),
        r#"{"inputs":{"provider":{"visible":true,"value":"direct"},"credit_type":{"visible":true,"value":"outage"},"incident_date":{"visible":true,"value":"2021-02-15"}},"missing":[],"computed":{"deadline":"2021-03-31"},"steps":[{"id":"mpn_active","visible":true,"done":true,"message":null}],"outcomes":[{"id":"outage_deadline","status":"info","message":"Submit your request by March 31, 2021."}],"errors":[]}"#
    );
    let ev = tolk::checklist::evaluate(&cl, &Answers::empty(&cl), today, Lang::Nl);
    assert_eq!(
        ev.to_json(),
        r#"{"inputs":{"provider":{"visible":true,"value":null},"credit_type":{"visible":true,"value":null},"incident_date":{"visible":false,"value":null}},"missing":["provider","credit_type"],"computed":{"deadline":null},"steps":[{"id":"mpn_active","visible":true,"done":null,"message":null}],"outcomes":[],"errors":[]}"#
    );
}

#[test]
fn block_offset_points_at_the_yaml() {
    let blocks = find_blocks(EXAMPLE);
    assert_eq!(blocks[0].offset, EXAMPLE.find("id: credit").unwrap());
    assert!(find_blocks("```checklist extra\nid: x\n```\n").is_empty());
    assert!(find_blocks("    checklist\n").is_empty());
    assert_eq!(find_blocks("~~~checklist\nid: x\n~~~\n")[0].yaml, "id: x\n");
    // An info string may spell the word with a character reference; the
    // renderer sees `checklist` then, so the block must be found too.
    assert_eq!(
        find_blocks("```check&#108;ist\nid: x\n```\n")[0].yaml,
        "id: x\n"
    );
    assert!(find_blocks("```text\nchecklist? no\n```\n").is_empty());
}

#[test]
fn typo_in_a_choice_value() {
    let md = variant(
        r#"when: provider == "indirect_reseller""#,
        r#"when: provider == "indirect_resellr""#,
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "`indirect_resellr` is not a value of the choice `provider`"
    );
    assert_eq!((line, col), pos_of(&md, "\"indirect_resellr\"", 0));
    let (_, diags) = build(&md);
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("did you mean `indirect_reseller`?")
    );
}

#[test]
fn typo_in_a_choice_value_inside_a_list() {
    let md = variant(
        r#"when: credit_type == "outage""#,
        r#"when: credit_type in ["duplicate", "outag"]"#,
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(msg, "`outag` is not a value of the choice `credit_type`");
    assert_eq!((line, col), pos_of(&md, "\"outag\"", 0));
}

#[test]
fn unknown_name() {
    let md = variant(
        "end_of_month(add_months(incident_date, 1))",
        "end_of_month(add_months(incident_dat, 1))",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(msg, "unknown name `incident_dat`");
    assert_eq!((line, col), pos_of(&md, "incident_dat,", 0));
}

#[test]
fn type_error_date_compared_with_int() {
    let md = variant("when: is_set(deadline)", "when: deadline < 5");
    let (msg, line, col) = one_error(&md);
    assert_eq!(msg, "type error: cannot compare a date with an int");
    assert_eq!((line, col), pos_of(&md, "deadline < 5", 0));
}

#[test]
fn type_error_in_a_function_argument() {
    let md = variant(
        "add_months(incident_date, 1)",
        "add_months(incident_date, \"1\")",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "type error: argument 2 of `add_months` must be an int, but this is a text"
    );
    assert_eq!((line, col), pos_of(&md, "\"1\")", 0));
}

#[test]
fn cycle_between_computed_values() {
    let md = variant(
        "  - id: deadline\n    expr: end_of_month(add_months(incident_date, 1))",
        "  - id: deadline\n    expr: add_days(later, 1)\n  - id: later\n    expr: add_days(deadline, 1)",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "the computed values form a cycle: deadline → later → deadline"
    );
    assert_eq!((line, col), pos_of(&md, "deadline, 1)", 0));
}

#[test]
fn missing_translation() {
    let md = variant(
        r#"label: {nl: "Soort tegoed", en: "Kind of credit"}"#,
        r#"label: {nl: "Soort tegoed"}"#,
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(msg, "missing translation: this text has no English (`en`)");
    assert_eq!((line, col), pos_of(&md, "{nl: \"Soort tegoed\"}", 0));
}

#[test]
fn missing_translation_in_a_message_written_as_plain_text() {
    let md = variant(
        r#"message: {nl: "Indirecte resellers kunnen geen tegoed aanvragen.", en: "Indirect resellers can't request a credit."}"#,
        "message: Indirecte resellers kunnen geen tegoed aanvragen.",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "missing translation: this text must be given in both languages"
    );
    assert_eq!((line, col), pos_of(&md, "Indirecte resellers kunnen", 0));
}

#[test]
fn unsupported_regex() {
    let md = variant(
        "when: is_set(deadline)",
        r#"when: matches(provider, "^(?=d)\w+$")"#,
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "unsupported regex: only `(?:...)` groups are supported (no lookaround, flags or named groups)"
    );
    assert_eq!((line, col), pos_of(&md, "(?=", 0));
}

#[test]
fn malformed_yaml_inside_the_block() {
    let md = variant(
        r#"    label: {nl: "Type partner", en: "Partner type"}"#,
        r#"    label: {nl: "Type partner", en: "Partner type""#,
    );
    let (cl, diags) = build(&md);
    assert!(cl.is_none());
    let d = &diags[0];
    // libyaml notices the missing `}` at the next line's `options:`; the
    // diagnostic points at the `{` that is not closed (issue 15).
    assert_eq!(d.message, "this `{` is not closed");
    let loc = d.location.as_ref().unwrap();
    assert_eq!(
        (loc.line, loc.column),
        pos_of(&md, r#"{nl: "Type partner", en: "Partner type""#, 0)
    );
}

#[test]
fn misspelt_key_is_an_error_at_its_line() {
    let md = variant("    when: credit_type", "    wehn: credit_type");
    let (msg, line, _) = one_error(&md);
    assert!(msg.contains("unknown field `wehn`"), "{msg}");
    assert_eq!(line, pos_of(&md, "wehn", 0).0);
}

#[test]
fn expression_that_does_not_parse() {
    let md = variant("when: is_set(deadline)", "when: is_set(deadline) and");
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "this expression does not parse: expected a value, found the end of the expression"
    );
    let (l, c) = pos_of(&md, "is_set(deadline) and", 0);
    assert_eq!((line, col), (l, c + "is_set(deadline) and".len()));
}

#[test]
fn expression_in_a_double_quoted_scalar_is_located_past_the_quote() {
    let md = variant(
        r#"when: credit_type == "outage""#,
        r#"when: "credit_type == \"outage\" and credit_typo == \"x\"""#,
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(msg, "unknown name `credit_typo`");
    assert_eq!((line, col), pos_of(&md, "credit_typo", 0));
}

#[test]
fn when_may_only_use_earlier_inputs() {
    let md = variant(
        r#"when: credit_type == "outage""#,
        r#"when: credit_type == "outage" and is_set(deadline)"#,
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "the `when` of an input may only use earlier inputs, and `deadline` is a computed value"
    );
    assert_eq!((line, col), pos_of(&md, "deadline)", 0));
}

#[test]
fn unknown_interpolation() {
    let md = variant(
        "Submit your request by {deadline}.",
        "Submit your request by {dedline}.",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(msg, "unknown name `dedline`");
    assert_eq!((line, col), pos_of(&md, "dedline", 0));
}

#[test]
fn contradiction_is_a_warning() {
    let md = variant(
        r#"when: provider == "indirect_reseller""#,
        r#"when: provider == "direct" and provider == "indirect_reseller""#,
    );
    let (cl, diags) = build(&md);
    assert!(cl.is_some());
    assert_eq!(diags.len(), 1);
    assert!(!diags[0].is_error());
    assert!(
        diags[0]
            .message
            .starts_with("this condition can never hold"),
        "{}",
        diags[0].message
    );
    let loc = diags[0].location.as_ref().unwrap();
    assert_eq!(
        (loc.line, loc.column),
        pos_of(&md, "provider == \"direct\" and", 0)
    );
    // `or` is fine.
    let md = variant(
        r#"when: provider == "indirect_reseller""#,
        r#"when: provider == "direct" or provider == "indirect_reseller""#,
    );
    assert!(build(&md).1.is_empty());
}

#[test]
fn checklist_nested_in_a_list_item_maps_lines_back() {
    let md = "# T\n\n1. Stap\n\n   ```checklist\n   id: nested\n   title: {nl: \"a\", en: \"b\"}\n   outcomes:\n     - id: o\n       when: nope\n       status: info\n       message: {nl: \"x\", en: \"y\"}\n   ```\n";
    let (msg, line, col) = one_error(md);
    assert_eq!(msg, "unknown name `nope`");
    assert_eq!((line, col), pos_of(md, "nope", 0));
}

#[test]
fn answers_are_checked_and_name_the_key() {
    let cl = build(EXAMPLE).0.unwrap();
    let err = |j: &str| Answers::from_json(&cl, j).unwrap_err();
    assert_eq!(err(r#"{"provder": "direct"}"#), "unknown input `provder`");
    assert!(err(r#"{"provider": "directt"}"#)
        .starts_with("`directt` is not a value of the choice `provider`"));
    assert!(err(r#"{"incident_date": "2021-02-30"}"#).contains("`incident_date`"));
    assert!(err(r#"{"provider": true}"#).contains("`provider` is a choice"));
    assert_eq!(
        err(r#"{"steps": {"nope": true}}"#),
        "unknown step `nope` in `steps`"
    );
    assert!(err("[1]").contains("object"));
    assert!(
        Answers::from_json(&cl, r#"{"provider": null, "steps": {"mpn_active": false}}"#).is_ok()
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// The example with a slice cut out and other text put in: whatever
        /// comes out, compile returns diagnostics instead of panicking, and
        /// every diagnostic has a location inside the file.
        #[test]
        fn mutated_checklists(start in 0usize..3000, len in 0usize..40, insert in "[ -~éü😀\\n\\t\\{\\}\\[\\]\\(\\)\"':,#&|*]{0,12}") {
            let mut md = EXAMPLE.to_string();
            let mut a = start.min(md.len());
            while !md.is_char_boundary(a) { a -= 1; }
            let mut b = (a + len).min(md.len());
            while !md.is_char_boundary(b) { b -= 1; }
            md.replace_range(a..b, &insert);
            for block in find_blocks(&md) {
                let (_, diags) = compile(&block, Path::new("m.md"), &md);
                for d in diags {
                    if let Some(loc) = d.location {
                        prop_assert!(loc.line >= 1 && loc.line <= md.lines().count() + 1);
                    }
                }
            }
        }

        #[test]
        fn random_expressions(expr in "[a-z_ 0-9\"()\\[\\],<>=!+\\-]{0,40}") {
            let md = variant("when: is_set(deadline)", &format!("when: {}", serde_json::to_string(&expr).unwrap()));
            let (cl, diags) = build(&md);
            prop_assert!(cl.is_some() || diags.iter().any(|d| d.is_error()));
        }
    }
}

/// Issue 15: an input's `valid` rule. A broken rule makes the answer unset
/// (so it is missing and nothing is computed from it) and reports the
/// rule's message under the input's id, in the reader's language.
#[test]
fn valid_rule_makes_a_broken_answer_unset_with_its_message() {
    let md = variant(
        "    when: credit_type == \"outage\"\n",
        "    when: credit_type == \"outage\"\n    valid: incident_date <= today()\n    invalid: {nl: \"De storing kan niet in de toekomst liggen.\", en: \"The outage cannot be in the future.\"}\n",
    );
    let (cl, diags) = build(&md);
    assert!(diags.is_empty(), "{diags:#?}");
    let cl = cl.unwrap();
    let today = Date::parse_iso("2021-03-01").unwrap();
    let future = Answers::from_json(
        &cl,
        r#"{"provider": "direct", "credit_type": "outage", "incident_date": "2021-03-02"}"#,
    )
    .unwrap();
    let ev = tolk::checklist::evaluate(&cl, &future, today, Lang::Nl).to_json();
    assert_eq!(
        ev,
        r#"{"inputs":{"provider":{"visible":true,"value":"direct"},"credit_type":{"visible":true,"value":"outage"},"incident_date":{"visible":true,"value":null}},"missing":["incident_date"],"computed":{"deadline":null},"steps":[{"id":"mpn_active","visible":true,"done":null,"message":null}],"outcomes":[],"errors":[{"id":"incident_date","message":"De storing kan niet in de toekomst liggen."}]}"#
    );
    let on_the_day = Answers::from_json(
        &cl,
        r#"{"provider": "direct", "credit_type": "outage", "incident_date": "2021-03-01"}"#,
    )
    .unwrap();
    let ev = tolk::checklist::evaluate(&cl, &on_the_day, today, Lang::En).to_json();
    assert!(
        ev.contains(r#""incident_date":{"visible":true,"value":"2021-03-01"}"#)
            && ev.ends_with(r#""errors":[]}"#),
        "{ev}"
    );
}

#[test]
fn valid_rule_needs_its_message_and_may_not_look_ahead() {
    let md = variant(
        "    when: credit_type == \"outage\"\n",
        "    when: credit_type == \"outage\"\n    valid: incident_date <= today()\n",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "the input `incident_date` has `valid` but no `invalid` message"
    );
    assert_eq!((line, col), pos_of(&md, "valid:", 0));

    let md = variant(
        "    label: {nl: \"Type partner\", en: \"Partner type\"}\n",
        "    label: {nl: \"Type partner\", en: \"Partner type\"}\n    valid: credit_type != \"outage\"\n    invalid: {nl: \"x\", en: \"x\"}\n",
    );
    let (msg, line, col) = one_error(&md);
    assert_eq!(
        msg,
        "`credit_type` is an input declared after this one; a `valid` rule may only use this input and earlier ones"
    );
    assert_eq!((line, col), pos_of(&md, "credit_type != ", 0));
}

/// Issue 15: working days, Monday to Friday, in expressions.
#[test]
fn workday_functions_type_check_and_evaluate() {
    let md = variant(
        "    expr: end_of_month(add_months(incident_date, 1))",
        "    expr: add_workdays(incident_date, 45)",
    )
    .replace(
        "when: is_set(deadline)",
        "when: workdays_between(incident_date, deadline) == 45",
    );
    let (cl, diags) = build(&md);
    assert!(diags.is_empty(), "{diags:#?}");
    let cl = cl.unwrap();
    // Friday 5 March 2021 + 45 working days is Friday 7 May 2021.
    let a = Answers::from_json(
        &cl,
        r#"{"provider": "direct", "credit_type": "outage", "incident_date": "2021-03-05"}"#,
    )
    .unwrap();
    let ev = tolk::checklist::evaluate(&cl, &a, Date::parse_iso("2021-03-01").unwrap(), Lang::En)
        .to_json();
    assert!(
        ev.contains(r#""computed":{"deadline":"2021-05-07"}"#),
        "{ev}"
    );
    assert!(ev.contains(r#""id":"outage_deadline""#), "{ev}");
    let bad = variant(
        "    expr: end_of_month(add_months(incident_date, 1))",
        "    expr: add_workdays(incident_date, incident_date)",
    );
    let (msg, _, _) = one_error(&bad);
    assert!(msg.contains("add_workdays"), "{msg}");
}

/// Issue 15: the diagnostics a writer found weak, each with its exact
/// message and place.
#[test]
fn an_impossible_date_literal_says_why() {
    let md = variant(
        "when: is_set(deadline)",
        "when: deadline > date(\"2021-06-31\")",
    );
    let (cl, diags) = build(&md);
    assert!(cl.is_none());
    let d = diags.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(
        d.message,
        "`2021-06-31` does not exist: June 2021 has 30 days"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("the last day of that month is `2021-06-30`")
    );
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), pos_of(&md, "\"2021-06-31\"", 0));
    let md = variant(
        "when: is_set(deadline)",
        "when: deadline > date(\"2021-13-01\")",
    );
    assert_eq!(
        one_error(&md).0,
        "`2021-13-01` is not a date: there is no month 13"
    );
    let md = variant(
        "when: is_set(deadline)",
        "when: deadline > date(\"2021-2-1\")",
    );
    assert_eq!(
        one_error(&md).0,
        "`2021-2-1` is not a date of the form YYYY-MM-DD"
    );
}

#[test]
fn a_choice_without_options_is_one_error_with_an_example() {
    let md = variant(
        "    options:\n      - {value: direct, label: {nl: \"Directe provider\", en: \"Direct provider\"}}\n      - {value: indirect_provider, label: {nl: \"Indirecte provider\", en: \"Indirect provider\"}}\n      - {value: indirect_reseller, label: {nl: \"Indirecte reseller\", en: \"Indirect reseller\"}}\n",
        "",
    );
    let (cl, diags) = build(&md);
    assert!(cl.is_none());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].message, "the choice `provider` has no options");
    let hint = diags[0].hint.as_deref().unwrap();
    assert!(hint.contains("options:\n      - {value: direct"), "{hint}");
    let loc = diags[0].location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), pos_of(&md, "id: provider", 0));
}

#[test]
fn a_bool_and_its_negation_are_never_both_true() {
    let md = variant(
        "    label: {nl: \"Controleer of uw MPN-overeenkomst actief is.\", en: \"Check that your MPN agreement is active.\"}\n",
        "    label: {nl: \"Controleer of uw MPN-overeenkomst actief is.\", en: \"Check that your MPN agreement is active.\"}\n  - id: second\n    label: {nl: \"Twee\", en: \"Two\"}\n    when: mpn_active == false and mpn_active\n",
    );
    let (cl, diags) = build(&md);
    assert!(cl.is_some());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(!diags[0].is_error());
    assert_eq!(
        diags[0].message,
        "this condition can never hold: `mpn_active` cannot take all of the values it is compared with at once"
    );
    let loc = diags[0].location.as_ref().unwrap();
    assert_eq!(
        (loc.line, loc.column),
        pos_of(&md, "mpn_active == false", 0)
    );
    // `not x and x` too; `x and not y` is fine.
    let md2 = md.replace(
        "mpn_active == false and mpn_active",
        "not mpn_active and mpn_active",
    );
    assert_eq!(build(&md2).1.len(), 1);
    let md3 = md.replace(
        "mpn_active == false and mpn_active",
        "mpn_active and not (1 == 2)",
    );
    assert!(build(&md3).1.is_empty());
}

#[test]
fn the_input_is_an_int() {
    let md = EXAMPLE.replace(
        "  - id: incident_date\n",
        "  - id: n\n    type: int\n    label: {nl: \"N\", en: \"N\"}\n  - id: incident_date\n",
    );
    let (cl, diags) = build(&md);
    assert!(diags.is_empty(), "{diags:#?}");
    let err = Answers::from_json(&cl.unwrap(), r#"{"n": "3"}"#).unwrap_err();
    assert_eq!(
        err,
        "the input `n` is an int and cannot take the text \"3\""
    );
}

/// YAML mistakes are told in the writer's terms, at the line of the mistake.
#[test]
fn yaml_mistakes_are_located_and_explained() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "    label: {nl: \"Soort tegoed\", en: \"Kind of credit\"}\n",
            "    label: {nl: \"Soort tegoed\", en: \"Kind of credit\"\n",
            "this `{` is not closed",
            "{nl: \"Soort tegoed\", en: \"Kind of credit\"\n",
        ),
        (
            "    label: {nl: \"Soort tegoed\", en: \"Kind of credit\"}\n",
            "    label\n",
            "`label` is not a `key: value` line",
            "label\n",
        ),
        (
            "    label: {nl: \"Soort tegoed\", en: \"Kind of credit\"}\n",
            "     label: {nl: \"Soort tegoed\", en: \"Kind of credit\"}\n",
            "this line is indented more than the line above it (column 6, not 5)",
            "label: {nl: \"Soort tegoed\"",
        ),
        (
            "    label: {nl: \"Soort tegoed\", en: \"Kind of credit\"}\n",
            "   label: {nl: \"Soort tegoed\", en: \"Kind of credit\"}\n",
            "this line is indented less than the line above it (column 4, not 5)",
            "label: {nl: \"Soort tegoed\"",
        ),
    ];
    for (from, to, message, at) in cases {
        let md = variant(from, to);
        let (msg, line, col) = one_error(&md);
        assert_eq!(msg, message);
        assert_eq!((line, col), pos_of(&md, at, 0), "{message}");
    }
}
