//! The JS generator: from the same checked AST that the Rust evaluator
//! runs, the code that evaluates the checklist in the browser.
//!
//! Only the rule logic is generated: one small function per `when` and per
//! computed value, plus the data the runtime needs (ids, types, options,
//! messages, regex programs). Everything else — Kleene logic, day-number
//! dates, the regex VM, the order of evaluation, interpolation, the JSON
//! writer — lives in the hand-written `checklist.js`, mirrored by the Rust
//! side. No `eval` and no Function constructor: the output is a plain script.
//!
//! Every string literal is written with `\uXXXX` escapes for anything but
//! printable ASCII, and `<`, `>` and `&` too, so the code may be inlined in
//! a `<script>` element without being able to close it.

use std::fmt::Write as _;

use super::ast::*;

/// The JS source that registers the checklist with the runtime:
/// `tolkChecklists["<id>"]` then has `evaluate(answers, today, lang)` (a
/// result object), `evaluateJson(answers, today, lang)` (the same JSON
/// string as `tolk eval`) and `def`. `today` is a day number (days since
/// 1970-01-01) or `"YYYY-MM-DD"`; `lang` is `"nl-nl"` (default) or `"en"`.
/// The runtime (`checklist.js`) must be loaded first.
pub fn generate_js(cl: &Checklist) -> String {
    let mut o = String::new();
    o.push_str("(function (R) {\n\"use strict\";\n");
    o.push_str("var P = [");
    for (i, p) in cl.regexes.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str(&p.to_js());
    }
    o.push_str("];\nR.register({\n");
    let _ = writeln!(o, "id: {},", js_str(&cl.id));
    let _ = writeln!(o, "hash: {},", js_str(&cl.hash));
    o.push_str("inputs: [\n");
    for (i, input) in cl.inputs.iter().enumerate() {
        let _ = write!(
            o,
            "{{id: {}, type: {}, options: [",
            js_str(&input.id),
            js_str(input.kind.name())
        );
        if let InputKind::Choice(opts) = &input.kind {
            for (k, opt) in opts.iter().enumerate() {
                if k > 0 {
                    o.push_str(", ");
                }
                let _ = write!(
                    o,
                    "{{value: {}, label: {}}}",
                    js_str(&opt.value),
                    local(&opt.label)
                );
            }
        }
        let _ = write!(o, "], when: {}", func(cl, input.when.as_ref()));
        match &input.valid {
            Some(v) => {
                let _ = write!(
                    o,
                    ", valid: {}, invalid: {}}}",
                    func(cl, Some(&v.rule)),
                    local(&v.message)
                );
            }
            None => o.push_str(", valid: null, invalid: null}"),
        }
        o.push_str(if i + 1 < cl.inputs.len() { ",\n" } else { "\n" });
    }
    o.push_str("],\ncomputed: [\n");
    for (i, c) in cl.computed.iter().enumerate() {
        let _ = write!(
            o,
            "{{id: {}, ty: {}, expr: {}}}",
            js_str(&c.id),
            ty_code(c.ty),
            func(cl, Some(&c.expr))
        );
        o.push_str(if i + 1 < cl.computed.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    let order: Vec<String> = cl.computed_order.iter().map(|i| i.to_string()).collect();
    let _ = writeln!(o, "],\norder: [{}],", order.join(", "));
    o.push_str("steps: [\n");
    for (i, s) in cl.steps.iter().enumerate() {
        let fail = s.fail.as_ref().map_or("null".to_string(), message);
        let _ = write!(
            o,
            "{{id: {}, when: {}, fail: {}}}",
            js_str(&s.id),
            func(cl, s.when.as_ref()),
            fail
        );
        o.push_str(if i + 1 < cl.steps.len() { ",\n" } else { "\n" });
    }
    o.push_str("],\noutcomes: [\n");
    for (i, oc) in cl.outcomes.iter().enumerate() {
        let _ = write!(
            o,
            "{{id: {}, status: {}, when: {}, message: {}}}",
            js_str(&oc.id),
            js_str(oc.status.as_str()),
            func(cl, Some(&oc.when)),
            message(&oc.message)
        );
        o.push_str(if i + 1 < cl.outcomes.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    o.push_str("]\n});\n})(tolkChecklistRuntime);\n");
    o
}

/// A JS string literal that means exactly `s` and contains only printable
/// ASCII other than `<`, `>` and `&`.
pub fn js_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            ' '..='~' if !matches!(c, '<' | '>' | '&') => o.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(o, "\\u{unit:04x}");
                }
            }
        }
    }
    o.push('"');
    o
}

fn local(t: &LocalText) -> String {
    format!("{{\"nl-nl\": {}, en: {}}}", js_str(&t.nl), js_str(&t.en))
}

fn ty_code(t: Ty) -> String {
    match t {
        Ty::Bool => "\"b\"".into(),
        Ty::Int => "\"i\"".into(),
        Ty::Text => "\"t\"".into(),
        Ty::Date => "\"d\"".into(),
        Ty::Choice(i) => i.to_string(),
    }
}

fn parts(ps: &[Part]) -> String {
    let items: Vec<String> = ps
        .iter()
        .map(|p| match p {
            Part::Lit(s) => js_str(s),
            Part::Value(r, ty) => {
                let (k, i) = match r {
                    Ref::Input(i) => (0, i),
                    Ref::Computed(i) => (1, i),
                    Ref::Step(i) => (2, i),
                };
                format!("[{k}, {i}, {}]", ty_code(*ty))
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn message(m: &Message) -> String {
    format!("{{\"nl-nl\": {}, en: {}}}", parts(&m.nl), parts(&m.en))
}

/// `null`, or the function the runtime calls as `f(v, c, s, t, x)`: input
/// values, computed values, step marks, today, and the error context.
fn func(cl: &Checklist, e: Option<&Expr>) -> String {
    match e {
        None => "null".into(),
        Some(e) => format!("function (v, c, s, t, x) {{ return {}; }}", expr(cl, e)),
    }
}

/// The static type of a checked expression (what the checker inferred).
fn ty_of(cl: &Checklist, e: &Expr) -> Ty {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Neg(_) | ExprKind::Add(..) | ExprKind::Sub(..) => Ty::Int,
        ExprKind::Text(_) => Ty::Text,
        ExprKind::Date(_) => Ty::Date,
        ExprKind::Ref(Ref::Input(i)) => cl.inputs.get(*i).map_or(Ty::Text, |x| x.ty(*i)),
        ExprKind::Ref(Ref::Computed(i)) => cl.computed.get(*i).map_or(Ty::Text, |c| c.ty),
        ExprKind::Call(f, _) => match f {
            Func::Today
            | Func::AddDays
            | Func::AddMonths
            | Func::EndOfMonth
            | Func::AddWorkdays
            | Func::Date => Ty::Date,
            Func::DaysBetween | Func::WorkdaysBetween | Func::Len => Ty::Int,
            Func::IsSet | Func::Matches(_) => Ty::Bool,
        },
        _ => Ty::Bool,
    }
}

fn expr(cl: &Checklist, e: &Expr) -> String {
    let x = |e: &Expr| expr(cl, e);
    match &e.kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(i) => format!("({i})"),
        ExprKind::Text(s) => js_str(s),
        ExprKind::Date(d) => format!("({})", d.days()),
        ExprKind::Name(_) | ExprKind::List(_) => "null".into(),
        ExprKind::Ref(Ref::Input(i)) => format!("v[{i}]"),
        ExprKind::Ref(Ref::Computed(i)) => format!("c[{i}]"),
        ExprKind::Ref(Ref::Step(i)) => format!("s[{i}]"),
        ExprKind::Not(a) => format!("R.not({})", x(a)),
        ExprKind::Neg(a) => format!("R.neg({})", x(a)),
        ExprKind::And(a, b) => format!("R.and({}, {})", x(a), x(b)),
        ExprKind::Or(a, b) => format!("R.or({}, {})", x(a), x(b)),
        ExprKind::Add(a, b) => format!("R.add(x, {}, {})", x(a), x(b)),
        ExprKind::Sub(a, b) => format!("R.sub(x, {}, {})", x(a), x(b)),
        ExprKind::Cmp(op, a, b) => {
            let text = u8::from(ty_of(cl, a).is_textual());
            match op {
                CmpOp::Eq => format!("R.eq({}, {})", x(a), x(b)),
                CmpOp::Ne => format!("R.ne({}, {})", x(a), x(b)),
                CmpOp::Lt => format!("R.lt({}, {}, {text})", x(a), x(b)),
                CmpOp::Le => format!("R.le({}, {}, {text})", x(a), x(b)),
                CmpOp::Gt => format!("R.gt({}, {}, {text})", x(a), x(b)),
                CmpOp::Ge => format!("R.ge({}, {}, {text})", x(a), x(b)),
            }
        }
        ExprKind::In(a, items) => {
            let items: Vec<String> = items.iter().map(x).collect();
            format!("R.inList({}, [{}])", x(a), items.join(", "))
        }
        ExprKind::Call(f, args) => {
            let a: Vec<String> = args.iter().map(x).collect();
            let arg = |i: usize| a.get(i).cloned().unwrap_or_else(|| "null".into());
            match f {
                Func::Today => "t".into(),
                Func::IsSet => format!("R.isSet({})", arg(0)),
                Func::DaysBetween => format!("R.daysBetween({}, {})", arg(0), arg(1)),
                Func::AddDays => format!("R.addDays(x, {}, {})", arg(0), arg(1)),
                Func::AddMonths => format!("R.addMonths(x, {}, {})", arg(0), arg(1)),
                Func::EndOfMonth => format!("R.endOfMonth({})", arg(0)),
                Func::AddWorkdays => format!("R.addWorkdays(x, {}, {})", arg(0), arg(1)),
                Func::WorkdaysBetween => format!("R.workdaysBetween({}, {})", arg(0), arg(1)),
                Func::Len => format!("R.len({})", arg(0)),
                Func::Matches(i) => format!("R.matches({}, P[{i}])", arg(0)),
                Func::Date => "null".into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_cannot_close_a_script() {
        assert_eq!(js_str("</script>"), "\"\\u003c/script\\u003e\"");
        assert_eq!(
            js_str("é😀\u{2028}\"\\"),
            "\"\\u00e9\\ud83d\\ude00\\u2028\\\"\\\\\""
        );
        assert_eq!(js_str("a&b\n"), "\"a\\u0026b\\u000a\"");
    }
}
