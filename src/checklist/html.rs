//! The form: the checklist as accessible HTML, first painted with the Rust
//! evaluator's result so the page looks right before (and without) the
//! script; `checklist.js` binds it.
//!
//! Every text is HTML-escaped. The data the script needs is embedded as
//! JSON in `<script type="application/json">`, with `<`, `>`, `&`, U+2028
//! and U+2029 written as `\uXXXX`, so no label can end the script element.
//! Without JavaScript, and on paper, the form is hidden and a decision list
//! is shown instead: every question, step and outcome with its condition in
//! words (`words.rs`), computed values as their formulas.

use std::fmt::Write as _;

use crate::lang::Lang;

use super::ast::*;
use super::eval::{format_value, Evaluation};
use super::value::Value;
use super::words;

struct Ui {
    questions: &'static str,
    steps: &'static str,
    not_met: &'static str,
    result: &'static str,
    no_outcome: &'static str,
    reset: &'static str,
    copy: &'static str,
    copied: &'static str,
    copy_failed: &'static str,
    yes: &'static str,
    no: &'static str,
    choose: &'static str,
    status: [&'static str; 4],
    outcomes: &'static str,
    format_hint: &'static str,
    open: &'static str,
    done: &'static str,
    step_not_met: &'static str,
    restored: &'static str,
    bad_date: &'static str,
    only_if: &'static str,
    if_: &'static str,
    valid_if: &'static str,
    computed: &'static str,
    static_how: &'static str,
}

fn ui(lang: Lang) -> Ui {
    match lang {
        Lang::Nl => Ui {
            questions: "Vragen",
            steps: "Stappen",
            not_met: "Niet voldaan",
            result: "Resultaat",
            no_outcome: "Nog geen uitkomst: beantwoord de vragen.",
            reset: "Opnieuw beginnen",
            copy: "Samenvatting kopiëren",
            copied: "De samenvatting staat op het klembord.",
            copy_failed: "Kopiëren is niet gelukt.",
            yes: "Ja",
            no: "Nee",
            choose: "— kies —",
            status: ["In orde", "Info", "Let op", "Niet mogelijk"],
            outcomes: "Mogelijke uitkomsten",
            format_hint: "Een geheel getal, bijvoorbeeld 42.",
            open: "Open",
            done: "Gedaan",
            step_not_met: "Stap {n} niet voldaan",
            restored: "Uw eerdere antwoorden zijn teruggezet.",
            bad_date: "Deze datum bestaat niet. Kies een datum in de kalender.",
            only_if: "alleen als",
            if_: "Als",
            valid_if: "Geldig als",
            computed: "Berekende waarden",
            static_how: "Beantwoord de vragen van boven naar beneden, vink de stappen af en zoek hieronder de uitkomsten waarvan de voorwaarde klopt.",
        },
        Lang::En => Ui {
            questions: "Questions",
            steps: "Steps",
            not_met: "Not met",
            result: "Result",
            no_outcome: "No outcome yet: answer the questions.",
            reset: "Start over",
            copy: "Copy summary",
            copied: "The summary is on the clipboard.",
            copy_failed: "Copying failed.",
            yes: "Yes",
            no: "No",
            choose: "— choose —",
            status: ["OK", "Info", "Warning", "Not possible"],
            outcomes: "Possible outcomes",
            format_hint: "A whole number, for example 42.",
            open: "Open",
            done: "Done",
            step_not_met: "Step {n} not met",
            restored: "Your earlier answers were restored.",
            bad_date: "This date does not exist. Pick a date in the calendar.",
            only_if: "only if",
            if_: "If",
            valid_if: "Valid if",
            computed: "Computed values",
            static_how: "Answer the questions from top to bottom, tick the steps, and find below the outcomes whose condition holds.",
        },
    }
}

fn status_label(ui: &Ui, s: Status) -> &'static str {
    match s {
        Status::Pass => ui.status[0],
        Status::Info => ui.status[1],
        Status::Warn => ui.status[2],
        Status::Fail => ui.status[3],
    }
}

/// Escapes text for HTML content and double-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// JSON that is safe inside a `<script>` element.
pub fn script_json(v: &serde_json::Value) -> String {
    let s = v.to_string();
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            '\u{2028}' => o.push_str("\\u2028"),
            '\u{2029}' => o.push_str("\\u2029"),
            c => o.push(c),
        }
    }
    o
}

fn hidden(visible: bool) -> &'static str {
    if visible {
        ""
    } else {
        " hidden"
    }
}

fn link_html(l: &Link, lang: Lang) -> String {
    format!(
        "<a class=\"checklist-link\" href=\"{}\">{}</a>",
        esc(&l.href),
        esc(l.text.get(lang))
    )
}

/// The data `checklist.js` reads: texts in the page's language, the
/// storage key's hash, and UI strings.
fn data_json(cl: &Checklist, lang: Lang, ui: &Ui) -> serde_json::Value {
    use serde_json::json;
    let link = |l: &Option<Link>| {
        l.as_ref()
            .map(|l| json!({"href": l.href, "text": l.text.get(lang)}))
    };
    json!({
        "id": cl.id,
        "hash": cl.hash,
        "lang": lang.code(),
        "title": cl.title.get(lang),
        "inputs": cl.inputs.iter().map(|i| json!({"id": i.id, "type": i.kind.name(), "label": i.label.get(lang)})).collect::<Vec<_>>(),
        "computed": cl.computed.iter().map(|c| json!({"id": c.id, "label": c.label.as_ref().map(|l| l.get(lang))})).collect::<Vec<_>>(),
        "steps": cl.steps.iter().map(|s| json!({"id": s.id, "label": s.label.get(lang)})).collect::<Vec<_>>(),
        "outcomes": cl.outcomes.iter().map(|o| json!({"id": o.id, "link": link(&o.link)})).collect::<Vec<_>>(),
        "ui": {
            "status": {"pass": ui.status[0], "info": ui.status[1], "warn": ui.status[2], "fail": ui.status[3]},
            "copied": ui.copied,
            "copyFailed": ui.copy_failed,
            "stepNotMet": ui.step_not_met,
            "invalid": {"int": ui.format_hint, "date": ui.bad_date},
        },
    })
}

/// The form for `cl` in `lang`, first painted with `initial` (normally the
/// evaluation of no answers). Element ids are `cl-<checklist>-<item>`, so
/// several checklists can share a page.
pub fn render_form(cl: &Checklist, lang: Lang, initial: &Evaluation) -> String {
    let ui = ui(lang);
    let cid = &cl.id;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<form class=\"tolk-checklist\" id=\"checklist-{cid}\" data-checklist=\"{cid}\" lang=\"{}\" novalidate>",
        lang.html_tag()
    );
    let _ = writeln!(
        o,
        "<h2 class=\"checklist-title\" id=\"cl-{cid}-title\">{}</h2>",
        esc(cl.title.get(lang))
    );
    if let Some(intro) = &cl.intro {
        let _ = writeln!(
            o,
            "<p class=\"checklist-intro\">{}</p>",
            esc(intro.get(lang))
        );
    }

    if !cl.inputs.is_empty() {
        let _ = writeln!(
            o,
            "<fieldset class=\"checklist-inputs\"><legend>{}</legend>",
            ui.questions
        );
        for (i, input) in cl.inputs.iter().enumerate() {
            let r = initial.inputs.get(i);
            let visible = r.map_or(true, |r| r.visible);
            let value = r.map(|r| &r.value).unwrap_or(&Value::Unset);
            input_html(&mut o, cl, input, visible, value, lang, &ui);
        }
        o.push_str("</fieldset>\n");
    }

    let labelled: Vec<(usize, &Computed)> = cl
        .computed
        .iter()
        .enumerate()
        .filter(|(_, c)| c.label.is_some())
        .collect();
    if !labelled.is_empty() {
        o.push_str("<dl class=\"checklist-computed\">\n");
        for (i, c) in labelled {
            let v = initial
                .computed
                .get(i)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Unset);
            let label = c.label.as_ref().map_or("", |l| l.get(lang));
            let _ = writeln!(
                o,
                "<div data-computed-row=\"{}\"{}><dt>{}</dt><dd data-computed=\"{}\">{}</dd></div>",
                c.id,
                hidden(v != Value::Unset),
                esc(label),
                c.id,
                esc(&format_value(cl, &v, c.ty, lang))
            );
        }
        o.push_str("</dl>\n");
    }

    if !cl.steps.is_empty() {
        let _ = writeln!(
            o,
            "<fieldset class=\"checklist-steps\"><legend>{}</legend>\n<ol>",
            ui.steps
        );
        for (j, step) in cl.steps.iter().enumerate() {
            let r = initial.steps.get(j);
            let visible = r.map_or(true, |r| r.visible);
            let done = r.and_then(|r| r.done);
            let message = r.and_then(|r| r.message.clone());
            let sid = format!("cl-{cid}-{}", step.id);
            // One control per step: a radio group (one tab stop, arrows
            // move) that says open, done or not met.
            let _ = write!(
                o,
                "<li data-step=\"{}\"{}><fieldset class=\"checklist-step\"><legend id=\"{sid}\">{}</legend><div class=\"checklist-marks\">",
                step.id,
                hidden(visible),
                esc(step.label.get(lang))
            );
            for (mark, text, on) in [
                ("open", ui.open, done.is_none()),
                ("done", ui.done, done == Some(true)),
                ("fail", ui.not_met, done == Some(false)),
            ] {
                let _ = write!(
                    o,
                    "<label class=\"checklist-mark-{mark}\"><input type=\"radio\" id=\"{sid}-{mark}\" name=\"{sid}\" value=\"{mark}\" data-mark=\"{mark}\"{}> {text}</label>",
                    if on { " checked" } else { "" },
                );
            }
            o.push_str("</div></fieldset>");
            if let Some(h) = &step.help {
                let _ = write!(o, "<p class=\"checklist-help\">{}</p>", esc(h.get(lang)));
            }
            if let Some(l) = &step.link {
                let _ = write!(o, "<p>{}</p>", link_html(l, lang));
            }
            let _ = writeln!(
                o,
                "<p class=\"checklist-step-message\" role=\"alert\"{}>{}</p></li>",
                hidden(message.is_some()),
                esc(message.as_deref().unwrap_or(""))
            );
        }
        o.push_str("</ol>\n</fieldset>\n");
    }

    let _ = writeln!(
        o,
        "<section class=\"checklist-result\" aria-labelledby=\"cl-{cid}-result\"><h3 id=\"cl-{cid}-result\">{}</h3>",
        ui.result
    );
    let _ = writeln!(o, "<div role=\"status\" aria-live=\"polite\">");
    let _ = writeln!(
        o,
        "<p class=\"checklist-restored\" hidden>{} <button type=\"button\" data-action=\"reset\">{}</button></p>",
        ui.restored, ui.reset
    );
    let _ = writeln!(
        o,
        "<p class=\"checklist-no-outcome\"{}>{}</p>",
        hidden(initial.outcomes.is_empty() && initial.errors.is_empty()),
        ui.no_outcome
    );
    o.push_str("<ul class=\"checklist-outcomes\">");
    for r in &initial.outcomes {
        let link = cl
            .outcomes
            .iter()
            .find(|x| x.id == r.id)
            .and_then(|x| x.link.as_ref());
        let _ = write!(
            o,
            "<li class=\"checklist-outcome checklist-{}\" data-outcome=\"{}\"><strong>{}: </strong>{}{}</li>",
            r.status.as_str(),
            r.id,
            status_label(&ui, r.status),
            esc(&r.message),
            link.map(|l| format!(" {}", link_html(l, lang))).unwrap_or_default()
        );
    }
    for e in &initial.errors {
        let _ = write!(
            o,
            "<li class=\"checklist-outcome checklist-error\">{}</li>",
            esc(&e.message)
        );
    }
    o.push_str("</ul>\n</div>\n</section>\n");
    let _ = writeln!(
        o,
        "<div class=\"checklist-actions\"><button type=\"button\" data-action=\"reset\">{}</button> <button type=\"button\" data-action=\"copy\">{}</button> <span class=\"checklist-copy-status\" role=\"status\" aria-live=\"polite\"></span></div>",
        ui.reset,
        esc(ui.copy)
    );
    let _ = writeln!(
        o,
        "<script type=\"application/json\" class=\"checklist-data\">{}</script>",
        script_json(&data_json(cl, lang, &ui))
    );
    o.push_str("</form>\n");
    static_list(&mut o, cl, lang, &ui);
    o
}

#[allow(clippy::too_many_arguments)]
fn input_html(
    o: &mut String,
    cl: &Checklist,
    input: &Input,
    visible: bool,
    value: &Value,
    lang: Lang,
    ui: &Ui,
) {
    let id = format!("cl-{}-{}", cl.id, input.id);
    let help_id = format!("{id}-help");
    let described = if input.help.is_some() {
        format!(" aria-describedby=\"{help_id}\"")
    } else {
        String::new()
    };
    let help = input
        .help
        .as_ref()
        .map(|h| {
            format!(
                "<p class=\"checklist-help\" id=\"{help_id}\">{}</p>",
                esc(h.get(lang))
            )
        })
        .unwrap_or_default();
    let label = esc(input.label.get(lang));
    let _ = write!(
        o,
        "<div class=\"checklist-field checklist-{}\" data-input=\"{}\"{}>",
        input.kind.name(),
        input.id,
        hidden(visible)
    );
    let radios = |o: &mut String, opts: &[(String, String)]| {
        let _ = write!(
            o,
            "<fieldset{described}><legend>{label}</legend>{help}<div class=\"checklist-options\">"
        );
        for (k, (v, text)) in opts.iter().enumerate() {
            let checked = matches!(value, Value::Text(s) if s == v)
                || matches!(value, Value::Bool(b) if b.to_string() == *v);
            let _ = write!(
                o,
                "<label><input type=\"radio\" id=\"{id}-{k}\" name=\"{id}\" value=\"{}\"{}> {}</label>",
                esc(v),
                if checked { " checked" } else { "" },
                esc(text)
            );
        }
        o.push_str("</div></fieldset>");
    };
    match &input.kind {
        InputKind::Choice(opts) if opts.len() <= 6 => {
            let opts: Vec<(String, String)> = opts
                .iter()
                .map(|x| (x.value.clone(), x.label.get(lang).to_string()))
                .collect();
            radios(o, &opts);
        }
        InputKind::Choice(opts) => {
            let _ = write!(
                o,
                "<label for=\"{id}\">{label}</label>{help}<select id=\"{id}\" name=\"{id}\"{described}><option value=\"\">{}</option>",
                ui.choose
            );
            for x in opts {
                let sel = matches!(value, Value::Text(s) if *s == x.value);
                let _ = write!(
                    o,
                    "<option value=\"{}\"{}>{}</option>",
                    esc(&x.value),
                    if sel { " selected" } else { "" },
                    esc(x.label.get(lang))
                );
            }
            o.push_str("</select>");
        }
        InputKind::Bool => {
            let opts = vec![
                ("true".to_string(), ui.yes.to_string()),
                ("false".to_string(), ui.no.to_string()),
            ];
            radios(o, &opts);
        }
        InputKind::Int | InputKind::Text | InputKind::Date => {
            let (ty, extra, v) = match (&input.kind, value) {
                (InputKind::Int, Value::Int(n)) => (
                    "text",
                    format!(
                        " inputmode=\"numeric\" autocomplete=\"off\" title=\"{}\"",
                        ui.format_hint
                    ),
                    n.to_string(),
                ),
                (InputKind::Int, _) => (
                    "text",
                    format!(
                        " inputmode=\"numeric\" autocomplete=\"off\" title=\"{}\"",
                        ui.format_hint
                    ),
                    String::new(),
                ),
                (InputKind::Date, Value::Date(d)) => (
                    "date",
                    " min=\"0001-01-01\" max=\"9999-12-31\"".into(),
                    d.to_string(),
                ),
                (InputKind::Date, _) => (
                    "date",
                    " min=\"0001-01-01\" max=\"9999-12-31\"".into(),
                    String::new(),
                ),
                (_, Value::Text(s)) => ("text", String::new(), s.clone()),
                _ => ("text", String::new(), String::new()),
            };
            // The error slot: filled by the script when the answer cannot
            // be read (an impossible date) or fails its `valid` rule.
            let err_id = format!("{id}-error");
            let described = if input.help.is_some() {
                format!(" aria-describedby=\"{help_id} {err_id}\"")
            } else {
                format!(" aria-describedby=\"{err_id}\"")
            };
            let _ = write!(
                o,
                "<label for=\"{id}\">{label}</label>{help}<input type=\"{ty}\" id=\"{id}\" name=\"{id}\" value=\"{}\"{extra}{described}>",
                esc(&v)
            );
        }
    }
    let _ = write!(
        o,
        "<p class=\"checklist-field-error\" id=\"{id}-error\" role=\"alert\" hidden></p>"
    );
    o.push_str("</div>\n");
}

/// A message's text with each interpolation shown as what it stands for:
/// an input's label, a computed value's formula in words, a step's label.
fn message_template(cl: &Checklist, parts: &[Part], lang: Lang) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Lit(t) => s.push_str(t),
            Part::Value(Ref::Input(i), _) => {
                let l = cl.inputs.get(*i).map_or("…", |x| x.label.get(lang));
                let _ = write!(s, "‹{l}›");
            }
            Part::Value(Ref::Computed(i), _) => {
                let f = cl
                    .computed
                    .get(*i)
                    .map_or_else(|| "…".to_string(), |c| words::formula(cl, c, lang));
                let _ = write!(s, "‹{f}›");
            }
            Part::Value(Ref::Step(i), _) => {
                let l = cl.steps.get(*i).map_or("…", |x| x.label.get(lang));
                let _ = write!(s, "‹{l}›");
            }
        }
    }
    s
}

/// The checklist as a decision list: what the form does, in words, for a
/// reader without JavaScript and on paper (print). Every question, step
/// and outcome with the condition under which it applies; computed values
/// as their formulas. Shown by CSS (`scripting: none`, `print`).
fn static_list(o: &mut String, cl: &Checklist, lang: Lang, ui: &Ui) {
    let cond = |e: &Expr| esc(&words::words(cl, e, lang));
    let _ = write!(
        o,
        "<div class=\"checklist-static\" data-checklist-static=\"{}\"><h2>{}</h2>",
        cl.id,
        esc(cl.title.get(lang))
    );
    if let Some(intro) = &cl.intro {
        let _ = write!(o, "<p>{}</p>", esc(intro.get(lang)));
    }
    let _ = write!(o, "<p class=\"checklist-static-how\">{}</p>", ui.static_how);
    if !cl.inputs.is_empty() {
        let _ = write!(
            o,
            "<h3>{}</h3><ol class=\"checklist-static-questions\">",
            ui.questions
        );
        for input in &cl.inputs {
            let _ = write!(o, "<li><strong>{}</strong>", esc(input.label.get(lang)));
            if let Some(w) = &input.when {
                let _ = write!(
                    o,
                    " <em class=\"checklist-when\">({} {})</em>",
                    ui.only_if,
                    cond(w)
                );
            }
            if let Some(h) = &input.help {
                let _ = write!(o, "<br><small>{}</small>", esc(h.get(lang)));
            }
            match &input.kind {
                InputKind::Choice(opts) => {
                    o.push_str("<ul class=\"checklist-boxes\">");
                    for x in opts {
                        let _ = write!(o, "<li>{}</li>", esc(x.label.get(lang)));
                    }
                    o.push_str("</ul>");
                }
                InputKind::Bool => {
                    let _ = write!(
                        o,
                        "<ul class=\"checklist-boxes\"><li>{}</li><li>{}</li></ul>",
                        ui.yes, ui.no
                    );
                }
                _ => o.push_str("<span class=\"checklist-blank\"></span>"),
            }
            if let Some(v) = &input.valid {
                let _ = write!(
                    o,
                    "<br><small>{} {}; {}</small>",
                    ui.valid_if,
                    cond(&v.rule),
                    esc(v.message.get(lang))
                );
            }
            o.push_str("</li>");
        }
        o.push_str("</ol>");
    }
    let labelled: Vec<&Computed> = cl.computed.iter().filter(|c| c.label.is_some()).collect();
    if !labelled.is_empty() {
        let _ = write!(o, "<h3>{}</h3><dl>", ui.computed);
        for c in labelled {
            let _ = write!(
                o,
                "<dt>{}</dt><dd>{}</dd>",
                esc(c.label.as_ref().map_or("", |l| l.get(lang))),
                esc(&words::formula(cl, c, lang))
            );
        }
        o.push_str("</dl>");
    }
    if !cl.steps.is_empty() {
        let _ = write!(o, "<h3>{}</h3><ol class=\"checklist-boxes\">", ui.steps);
        for s in &cl.steps {
            let _ = write!(o, "<li>{}", esc(s.label.get(lang)));
            if let Some(w) = &s.when {
                let _ = write!(
                    o,
                    " <em class=\"checklist-when\">({} {})</em>",
                    ui.only_if,
                    cond(w)
                );
            }
            if let Some(h) = &s.help {
                let _ = write!(o, "<br><small>{}</small>", esc(h.get(lang)));
            }
            if let Some(l) = &s.link {
                let _ = write!(o, " {}", link_html(l, lang));
            }
            if let Some(f) = &s.fail {
                let _ = write!(
                    o,
                    "<br><em>{}: {}</em>",
                    ui.not_met,
                    esc(&message_template(cl, f.get(lang), lang))
                );
            }
            o.push_str("</li>");
        }
        o.push_str("</ol>");
    }
    if !cl.outcomes.is_empty() {
        let _ = write!(
            o,
            "<h3>{}</h3><ul class=\"checklist-static-outcomes\">",
            ui.outcomes
        );
        for oc in &cl.outcomes {
            let _ = write!(
                o,
                "<li class=\"checklist-{}\"><strong>{} {}:</strong> {}: {}{}</li>",
                oc.status.as_str(),
                ui.if_,
                cond(&oc.when),
                status_label(ui, oc.status),
                esc(&message_template(cl, oc.message.get(lang), lang)),
                oc.link
                    .as_ref()
                    .map(|l| format!(" {}", link_html(l, lang)))
                    .unwrap_or_default()
            );
        }
        o.push_str("</ul>");
    }
    o.push_str("</div>\n");
}
