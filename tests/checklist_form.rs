//! The rendered form: first paint, accessibility hooks, escaping, and the
//! embedded data that cannot end its script element.

#[path = "cases/common.rs"]
mod common;

use std::path::Path;

use common::root;
use tolk::checklist::{
    compile, evaluate, find_blocks, generate_js, render_form, Answers, Checklist, RUNTIME_JS,
};
use tolk::date::Date;
use tolk::Lang;

fn credit() -> Checklist {
    let a = "content/request-credit.md";
    let text = std::fs::read_to_string(root().join(a)).unwrap();
    let b = &find_blocks(&text)[0];
    compile(b, Path::new(a), &text).0.unwrap()
}

fn today() -> Date {
    Date::parse_iso("2021-03-01").unwrap()
}

#[test]
fn first_paint_is_the_evaluation_of_no_answers() {
    let cl = credit();
    let ev = evaluate(&cl, &Answers::empty(&cl), today(), Lang::Nl);
    let html = render_form(&cl, Lang::Nl, &ev);
    assert!(html.starts_with("<form class=\"tolk-checklist\" id=\"checklist-credit-request\""));
    assert!(html.contains("role=\"status\" aria-live=\"polite\""));
    // Hidden until the kind of credit is known.
    assert!(html.contains("data-input=\"incident_date\" hidden>"));
    assert!(html.contains("data-input=\"partner_type\">"));
    assert!(html.contains("<legend>Type partner</legend>"));
    assert!(html.contains("name=\"cl-credit-request-partner_type\" value=\"direct\">"));
    assert!(html.contains("<input type=\"date\" id=\"cl-credit-request-incident_date\""));
    assert!(html.contains("data-step=\"form\" hidden>"));
    assert!(html.contains("data-action=\"reset\">Opnieuw beginnen</button>"));
    assert!(html.contains("data-action=\"copy\">Samenvatting kopiëren</button>"));
    assert!(html.contains("<p class=\"checklist-no-outcome\">"));
    assert!(html.contains("<div class=\"checklist-static\""));
    assert!(html.contains("Microsoft Power BI Premium P1"));
}

/// Issue 15, 8: without JavaScript (and on paper) the checklist is a
/// decision list: every question, step and outcome with its condition in
/// the page's language, computed values as formulas, nothing spliced.
#[test]
fn the_decision_list_says_every_condition_in_words() {
    let cl = credit();
    let ev = evaluate(&cl, &Answers::empty(&cl), today(), Lang::Nl);
    let html = render_form(&cl, Lang::Nl, &ev);
    let list = &html[html.find("<div class=\"checklist-static\"").unwrap()..];
    for want in [
        // A question's condition, with the choice's labels.
        "<strong>Waarvoor wilt u een tegoed aanvragen?</strong> <em class=\"checklist-when\">(alleen als ‘Type partner’ is een van Directe CSP-provider of Indirecte CSP-provider)</em>",
        // A computed value as its formula.
        "<dt>Dien de claim voor de service-uitval uiterlijk in op</dt><dd>het einde van de maand van (‘Datum van het incident’ + 1 maanden)</dd>",
        // An outcome with its condition and status.
        "<li class=\"checklist-fail\"><strong>Als ‘Type partner’ is Indirecte reseller:</strong> Niet mogelijk: Tegoedaanvragen",
        // A step's condition and its fail message.
        "(alleen als ‘Waarvoor wilt u een tegoed aanvragen?’ is Service-uitval (service level agreement))</em><br><em>Niet voldaan: Zonder dit bewijs",
        // A message's value shown as its formula.
        "uiterlijk ‹‘Aankoopdatum van het nieuwe abonnement’ + 120 dagen› in",
    ] {
        assert!(list.contains(want), "missing: {want}\n{list}");
    }
    assert!(!list.contains('['), "no placeholder brackets: {list}");
    let en = render_form(
        &cl,
        Lang::En,
        &evaluate(&cl, &Answers::empty(&cl), today(), Lang::En),
    );
    assert!(
        en.contains("<strong>If ‘Partner type’ is Indirect reseller:</strong> Not possible:"),
        "{en}"
    );
    assert!(en.contains("(only if ‘What do you want a credit for?’ is Accidental purchase and ‘Have you cancelled the subscription?’: yes)"), "{en}");
}

#[test]
fn answered_first_paint_shows_outcome_and_deadline() {
    let cl = credit();
    let a = Answers::from_json(
        &cl,
        r#"{"partner_type": "direct", "credit_type": "outage", "incident_date": "2021-02-15"}"#,
    )
    .unwrap();
    let ev = evaluate(&cl, &a, today(), Lang::En);
    let html = render_form(&cl, Lang::En, &ev);
    assert!(
        html.contains("<dd data-computed=\"outage_deadline\">March 31, 2021</dd>"),
        "{html}"
    );
    assert!(html
        .contains("data-outcome=\"outage_in_time\"><strong>OK: </strong>Microsoft must receive"));
    assert!(html.contains("value=\"outage\" checked>"));
    assert!(html.contains("value=\"2021-02-15\""));
    assert!(html.contains("data-input=\"incident_date\">"));
}

#[test]
fn every_text_is_escaped_and_the_data_cannot_close_its_script() {
    let md = "```checklist\nid: x\ntitle: {nl: \"<b>&</b>\", en: \"</script><script>alert(1)</script>\"}\ninputs:\n  - id: t\n    type: choice\n    label: {nl: \"a \\\"q\\\" <i>\", en: \"e\\u2028\"}\n    options:\n      - {value: \"<v>\", label: {nl: \"'o'\", en: \"o\"}}\noutcomes:\n  - id: o\n    when: t == \"<v>\"\n    status: info\n    message: {nl: \"<img src=x onerror=alert(1)>\", en: \"x\"}\n```\n";
    let (cl, d) = compile(&find_blocks(md)[0], Path::new("x.md"), md);
    assert!(d.is_empty(), "{d:?}");
    let cl = cl.unwrap();
    let a = Answers::from_json(&cl, r#"{"t": "<v>"}"#).unwrap();
    for lang in [Lang::Nl, Lang::En] {
        let html = render_form(&cl, lang, &evaluate(&cl, &a, today(), lang));
        assert!(
            !html.contains("<b>")
                && !html.contains("<i>")
                && !html.contains("<img")
                && !html.contains("<v>"),
            "{html}"
        );
        assert_eq!(
            html.matches("</script").count(),
            1,
            "only the data's own end tag: {html}"
        );
        let data = html
            .split("class=\"checklist-data\">")
            .nth(1)
            .unwrap()
            .split("</script>")
            .next()
            .unwrap();
        assert!(
            !data.contains('\u{2028}') && !data.contains('<') && !data.contains('&'),
            "{data}"
        );
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(v["id"], "x");
        assert_eq!(v["lang"], lang.code());
        if lang == Lang::En {
            assert_eq!(v["title"], "</script><script>alert(1)</script>");
            assert_eq!(v["inputs"][0]["label"], "e\u{2028}");
        }
    }
    let js = generate_js(&cl);
    assert!(
        !js.contains('<') && !js.contains('>') && !js.contains('&'),
        "{js}"
    );
}

#[test]
fn no_eval_in_the_runtime_or_the_generated_code() {
    let cl = credit();
    for src in [RUNTIME_JS.to_string(), generate_js(&cl)] {
        assert!(!src.contains("eval("), "eval");
        assert!(!src.contains("new Function"), "new Function");
        assert!(!src.contains("innerHTML"), "innerHTML");
    }
    // Dates are never computed with Date objects: the runtime reads the
    // clock once, in localToday.
    assert_eq!(RUNTIME_JS.matches("new Date(").count(), 1);
}

#[test]
fn storage_key_changes_with_the_definition() {
    let md = |t: &str| format!("```checklist\nid: x\ntitle: {{nl: \"{t}\", en: \"b\"}}\n```\n");
    let hash = |t: &str| {
        let m = md(t);
        compile(&find_blocks(&m)[0], Path::new("x.md"), &m)
            .0
            .unwrap()
            .hash
    };
    assert_ne!(hash("a"), hash("a2"));
    assert_eq!(hash("a"), hash("a"));
}
