//! The Rust evaluator: a checked checklist, answers and today's date in, the
//! result that DESIGN.md §3 specifies out. `checklist.js` plus the code that
//! `js.rs` generates compute the same result, step for step: the same
//! order of evaluation (inputs, computed values in dependency order, steps,
//! outcomes), both operands of `and`/`or` always evaluated, the first error
//! of an item reported once.

use crate::date::Date;
use crate::lang::Lang;

use super::ast::*;
use super::value::{self, EvalError, Value};

/// The reader's answers: one value per input (unset when not answered) and
/// one mark per step (`None` when not ticked either way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub inputs: Vec<Value>,
    pub steps: Vec<Option<bool>>,
}

impl Answers {
    /// No answers at all: what the first paint of a form shows.
    pub fn empty(cl: &Checklist) -> Answers {
        Answers {
            inputs: vec![Value::Unset; cl.inputs.len()],
            steps: vec![None; cl.steps.len()],
        }
    }

    /// Reads answers as JSON: `{"provider": "direct", "incident_date":
    /// "2021-02-15", "n": 3, "steps": {"mpn_active": true}}`. `null` is
    /// unset. A choice must be one of its declared values, a date
    /// `YYYY-MM-DD`, an int a JSON integer within ±(2^53−1) — numbers written
    /// with a fraction or exponent (`1.0`, `1e3`) are refused, even when
    /// whole. An unknown key or a wrongly typed value is an error that names
    /// the key.
    pub fn from_json(cl: &Checklist, json: &str) -> Result<Answers, String> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| format!("the answers are not valid JSON: {e}"))?;
        let serde_json::Value::Object(map) = v else {
            return Err("the answers must be a JSON object".into());
        };
        let mut a = Answers::empty(cl);
        for (key, val) in &map {
            if key == "steps" {
                let serde_json::Value::Object(steps) = val else {
                    if val.is_null() {
                        continue;
                    }
                    return Err("`steps` must be an object of step ids and true/false/null".into());
                };
                for (sk, sv) in steps {
                    let Some(j) = cl.steps.iter().position(|s| &s.id == sk) else {
                        return Err(format!("unknown step `{}` in `steps`", clip(sk)));
                    };
                    a.steps[j] = match sv {
                        serde_json::Value::Bool(b) => Some(*b),
                        serde_json::Value::Null => None,
                        _ => {
                            return Err(format!(
                                "the step `{}` must be true, false or null",
                                clip(sk)
                            ))
                        }
                    };
                }
                continue;
            }
            let Some(i) = cl.inputs.iter().position(|x| &x.id == key) else {
                return Err(format!("unknown input `{}`", clip(key)));
            };
            let input = &cl.inputs[i];
            a.inputs[i] = match (&input.kind, val) {
                (_, serde_json::Value::Null) => Value::Unset,
                (InputKind::Choice(opts), serde_json::Value::String(s)) => {
                    if !opts.iter().any(|o| &o.value == s) {
                        let values: Vec<&str> = opts.iter().map(|o| o.value.as_str()).collect();
                        return Err(format!(
                            "`{}` is not a value of the choice `{key}` (its values are {})",
                            clip(s),
                            values.join(", ")
                        ));
                    }
                    Value::Text(s.clone())
                }
                (InputKind::Bool, serde_json::Value::Bool(b)) => Value::Bool(*b),
                (InputKind::Text, serde_json::Value::String(s)) => Value::Text(s.clone()),
                (InputKind::Date, serde_json::Value::String(s)) => match Date::parse_iso(s) {
                    Some(d) => Value::Date(d),
                    None => {
                        return Err(format!(
                            "the input `{key}` needs a date as \"YYYY-MM-DD\" (years 1 to 9999), not \"{}\"", clip(s)
                        ))
                    }
                },
                (InputKind::Int, serde_json::Value::Number(n)) => {
                    match value::parse_int(&n.to_string()) {
                        Some(v) => Value::Int(v),
                        None => return Err(format!(
                            "the input `{key}` needs a whole number of at most 16 digits between -9007199254740991 and 9007199254740991 (no fraction or exponent), not {n}"
                        )),
                    }
                }
                (kind, other) => {
                    return Err(format!(
                        "the input `{key}` is {} and cannot take {}",
                        match kind {
                            InputKind::Int => "an int",
                            InputKind::Choice(_) => "a choice",
                            InputKind::Bool => "a bool",
                            InputKind::Text => "a text",
                            InputKind::Date => "a date",
                        },
                        describe(other)
                    ))
                }
            };
        }
        Ok(a)
    }
}

/// A value from the answers as it is echoed in an error: at most 60
/// characters (a rejected 100 MB string is not printed whole).
fn clip(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        None => s.to_string(),
        Some((i, _)) => format!("{}… ({} bytes in all)", &s[..i], s.len()),
    }
}

fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the text \"{}\"", clip(s)),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputResult {
    pub id: String,
    pub visible: bool,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    pub id: String,
    pub visible: bool,
    pub done: Option<bool>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeResult {
    pub id: String,
    pub status: Status,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResult {
    pub id: String,
    pub message: String,
}

/// The result of one evaluation, in declaration order throughout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub inputs: Vec<InputResult>,
    /// Ids of the visible inputs that have no answer. Hidden inputs are never
    /// missing: the reader cannot answer them.
    pub missing: Vec<String>,
    pub computed: Vec<(String, Value)>,
    pub steps: Vec<StepResult>,
    /// Only the outcomes that hold.
    pub outcomes: Vec<OutcomeResult>,
    pub errors: Vec<ErrorResult>,
}

struct Ctx<'a> {
    cl: &'a Checklist,
    inputs: Vec<Value>,
    computed: Vec<Value>,
    steps: Vec<Value>,
    today: Date,
    /// The first error of the item being evaluated.
    err: Option<EvalError>,
}

impl Ctx<'_> {
    fn fail(&mut self, e: EvalError) -> Value {
        if self.err.is_none() {
            self.err = Some(e);
        }
        Value::Unset
    }

    fn ok(&mut self, r: Result<Value, EvalError>) -> Value {
        r.unwrap_or_else(|e| self.fail(e))
    }

    fn eval(&mut self, e: &Expr) -> Value {
        use Value::*;
        match &e.kind {
            ExprKind::Bool(b) => Bool(*b),
            ExprKind::Int(i) => Int(*i),
            ExprKind::Text(s) => Text(s.clone()),
            ExprKind::Date(d) => Date(*d),
            ExprKind::Name(_) | ExprKind::List(_) => Unset,
            ExprKind::Ref(r) => match r {
                Ref::Input(i) => self.inputs.get(*i).cloned().unwrap_or(Unset),
                Ref::Computed(i) => self.computed.get(*i).cloned().unwrap_or(Unset),
                Ref::Step(i) => self.steps.get(*i).cloned().unwrap_or(Unset),
            },
            ExprKind::Not(a) => value::not(&self.eval(a)),
            ExprKind::Neg(a) => match self.eval(a) {
                Int(x) => Int(-x),
                _ => Unset,
            },
            ExprKind::And(a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                value::and(&x, &y)
            }
            ExprKind::Or(a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                value::or(&x, &y)
            }
            ExprKind::Cmp(op, a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                cmp(*op, &x, &y)
            }
            ExprKind::Add(a, b) | ExprKind::Sub(a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                let (Int(x), Int(y)) = (x, y) else {
                    return Unset;
                };
                let r = if matches!(e.kind, ExprKind::Add(..)) {
                    x + y
                } else {
                    x - y
                };
                self.ok(value::int(r))
            }
            ExprKind::In(a, items) => {
                let x = self.eval(a);
                let mut acc = Bool(false);
                for item in items {
                    let y = self.eval(item);
                    acc = value::or(&acc, &value::eq(&x, &y));
                }
                acc
            }
            ExprKind::Call(f, args) => {
                let vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                self.call(*f, &vals)
            }
        }
    }

    fn call(&mut self, f: Func, v: &[Value]) -> Value {
        use Value::*;
        if f == Func::IsSet {
            return Bool(!matches!(v.first(), Some(Unset) | None));
        }
        if f == Func::Today {
            return Date(self.today);
        }
        match (f, v) {
            (Func::DaysBetween, [Date(a), Date(b)]) => Int(b.days() - a.days()),
            (Func::AddDays, [Date(d), Int(n)]) => {
                let r = value::date(d.add_days(*n));
                self.ok(r)
            }
            (Func::AddMonths, [Date(d), Int(n)]) => {
                let r = value::date(d.add_months(*n));
                self.ok(r)
            }
            (Func::EndOfMonth, [Date(d)]) => Date(d.end_of_month()),
            (Func::AddWorkdays, [Date(d), Int(n)]) => {
                let r = value::date(d.add_workdays(*n));
                self.ok(r)
            }
            (Func::WorkdaysBetween, [Date(a), Date(b)]) => {
                Int(b.workday_index() - a.workday_index())
            }
            (Func::Len, [Text(s)]) => Int(s.chars().count() as i64),
            (Func::Matches(i), [Text(s), Text(_)]) => match self.cl.regexes.get(i) {
                Some(p) => Bool(p.is_match(s)),
                None => Unset,
            },
            _ => Unset,
        }
    }

    /// Runs one item's expression and collects its first error under `id`.
    fn item(&mut self, id: &str, e: &Expr, errors: &mut Vec<ErrorResult>, lang: Lang) -> Value {
        self.err = None;
        let v = self.eval(e);
        if let Some(err) = self.err.take() {
            errors.push(ErrorResult {
                id: id.to_string(),
                message: err.message(lang).to_string(),
            });
        }
        v
    }
}

fn cmp(op: CmpOp, x: &Value, y: &Value) -> Value {
    if matches!(x, Value::Unset) || matches!(y, Value::Unset) {
        return Value::Unset;
    }
    match op {
        CmpOp::Eq => value::eq(x, y),
        CmpOp::Ne => value::not(&value::eq(x, y)),
        _ => match value::compare(x, y) {
            None => Value::Unset,
            Some(o) => Value::Bool(match op {
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            }),
        },
    }
}

/// Evaluates `cl` for `answers` on `today`, messages in `lang`.
pub fn evaluate(cl: &Checklist, answers: &Answers, today: Date, lang: Lang) -> Evaluation {
    let mut cx = Ctx {
        cl,
        inputs: Vec::new(),
        computed: vec![Value::Unset; cl.computed.len()],
        steps: Vec::new(),
        today,
        err: None,
    };
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    let mut missing = Vec::new();
    for (i, input) in cl.inputs.iter().enumerate() {
        let visible = match &input.when {
            None => true,
            Some(w) => cx.item(&input.id, w, &mut errors, lang) == Value::Bool(true),
        };
        let mut v = if visible {
            answers.inputs.get(i).cloned().unwrap_or(Value::Unset)
        } else {
            Value::Unset
        };
        // An answer that breaks its rule counts as unset; the rule's
        // message is reported under the input's id.
        if let (Some(valid), false) = (&input.valid, v == Value::Unset) {
            cx.inputs.push(v.clone());
            let ok = cx.item(&input.id, &valid.rule, &mut errors, lang);
            cx.inputs.pop();
            if ok == Value::Bool(false) {
                v = Value::Unset;
                errors.push(ErrorResult {
                    id: input.id.clone(),
                    message: valid.message.get(lang).to_string(),
                });
            }
        }
        if visible && v == Value::Unset {
            missing.push(input.id.clone());
        }
        cx.inputs.push(v.clone());
        inputs.push(InputResult {
            id: input.id.clone(),
            visible,
            value: v,
        });
    }
    for &i in &cl.computed_order {
        if let Some(c) = cl.computed.get(i) {
            let v = cx.item(&c.id, &c.expr, &mut errors, lang);
            cx.computed[i] = v;
        }
    }
    let mut steps = Vec::new();
    for (j, step) in cl.steps.iter().enumerate() {
        let visible = match &step.when {
            None => true,
            Some(w) => cx.item(&step.id, w, &mut errors, lang) == Value::Bool(true),
        };
        let done = if visible {
            answers.steps.get(j).copied().flatten()
        } else {
            None
        };
        cx.steps.push(done.map_or(Value::Unset, Value::Bool));
        steps.push(StepResult {
            id: step.id.clone(),
            visible,
            done,
            message: None,
        });
    }
    let mut outcomes = Vec::new();
    for o in &cl.outcomes {
        if cx.item(&o.id, &o.when, &mut errors, lang) == Value::Bool(true) {
            outcomes.push(OutcomeResult {
                id: o.id.clone(),
                status: o.status,
                message: interpolate(&cx, o.message.get(lang), lang),
            });
        }
    }
    // Fail messages come last so they may show any value.
    for (j, step) in cl.steps.iter().enumerate() {
        if steps[j].done == Some(false) {
            steps[j].message = step
                .fail
                .as_ref()
                .map(|m| interpolate(&cx, m.get(lang), lang));
        }
    }
    let computed = cl
        .computed
        .iter()
        .zip(cx.computed.iter())
        .map(|(c, v)| (c.id.clone(), v.clone()))
        .collect();
    Evaluation {
        inputs,
        missing,
        computed,
        steps,
        outcomes,
        errors,
    }
}

fn interpolate(cx: &Ctx<'_>, parts: &[Part], lang: Lang) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Value(r, ty) => {
                let v = match r {
                    Ref::Input(i) => cx.inputs.get(*i),
                    Ref::Computed(i) => cx.computed.get(*i),
                    Ref::Step(i) => cx.steps.get(*i),
                };
                out.push_str(&format_value(cx.cl, v.unwrap_or(&Value::Unset), *ty, lang));
            }
        }
    }
    out
}

/// A value as a message shows it: a choice by its option's label, a date
/// written out, a bool as ja/nee or yes/no, unset as a dash.
pub fn format_value(cl: &Checklist, v: &Value, ty: Ty, lang: Lang) -> String {
    match v {
        Value::Unset => value::UNSET_TEXT.to_string(),
        Value::Bool(b) => match (lang, b) {
            (Lang::Nl, true) => "ja",
            (Lang::Nl, false) => "nee",
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        }
        .to_string(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => value::format_date(*d, lang),
        Value::Text(s) => {
            if let Ty::Choice(i) = ty {
                if let Some(InputKind::Choice(opts)) = cl.inputs.get(i).map(|x| &x.kind) {
                    if let Some(o) = opts.iter().find(|o| &o.value == s) {
                        return o.label.get(lang).to_string();
                    }
                }
            }
            s.clone()
        }
    }
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Unset => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Text(s) => value::write_json_str(out, s),
        Value::Date(d) => value::write_json_str(out, &d.to_string()),
    }
}

fn write_opt_bool(out: &mut String, b: Option<bool>) {
    out.push_str(match b {
        None => "null",
        Some(true) => "true",
        Some(false) => "false",
    });
}

impl Evaluation {
    /// Compact JSON, keys in DESIGN.md's order, maps in declaration order.
    /// `checklist.js`'s `toJson` writes the same bytes.
    pub fn to_json(&self) -> String {
        let s = value::write_json_str;
        let mut o = String::from("{\"inputs\":{");
        for (k, i) in self.inputs.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            s(&mut o, &i.id);
            o.push_str(":{\"visible\":");
            o.push_str(if i.visible { "true" } else { "false" });
            o.push_str(",\"value\":");
            write_value(&mut o, &i.value);
            o.push('}');
        }
        o.push_str("},\"missing\":[");
        for (k, m) in self.missing.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            s(&mut o, m);
        }
        o.push_str("],\"computed\":{");
        for (k, (id, v)) in self.computed.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            s(&mut o, id);
            o.push(':');
            write_value(&mut o, v);
        }
        o.push_str("},\"steps\":[");
        for (k, st) in self.steps.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            o.push_str("{\"id\":");
            s(&mut o, &st.id);
            o.push_str(",\"visible\":");
            o.push_str(if st.visible { "true" } else { "false" });
            o.push_str(",\"done\":");
            write_opt_bool(&mut o, st.done);
            o.push_str(",\"message\":");
            match &st.message {
                Some(m) => s(&mut o, m),
                None => o.push_str("null"),
            }
            o.push('}');
        }
        o.push_str("],\"outcomes\":[");
        for (k, r) in self.outcomes.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            o.push_str("{\"id\":");
            s(&mut o, &r.id);
            o.push_str(",\"status\":");
            s(&mut o, r.status.as_str());
            o.push_str(",\"message\":");
            s(&mut o, &r.message);
            o.push('}');
        }
        o.push_str("],\"errors\":[");
        for (k, e) in self.errors.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            o.push_str("{\"id\":");
            s(&mut o, &e.id);
            o.push_str(",\"message\":");
            s(&mut o, &e.message);
            o.push('}');
        }
        o.push_str("]}");
        o
    }
}
