//! The checker: raw definitions in, a typed [`Checklist`] out, or
//! diagnostics that point at the file, line and column of each problem.
//!
//! It resolves names to indices, infers and checks the type of every
//! expression, checks choice values against their declarations, orders the
//! computed values (and finds cycles), limits what each `when` may refer
//! to, checks interpolations and translations, compiles regexes, and warns
//! about conditions that can never hold.

use std::collections::HashMap;

use crate::date::Date;
use crate::diagnostic::Diagnostic;

use super::ast::*;
use super::expr::{self, is_reserved};
use super::parse::{Positions, RawChecklist, RawStatus, RawType};
use super::regex;

/// The most all `matches` patterns of one checklist may compile to
/// together ([`regex::Program::size`]): they are carried in the page's
/// script, so one article must not make a multi-megabyte page.
const MAX_REGEX_TOTAL: usize = 3 * regex::MAX_PROGRAM;

/// What names an expression may use.
#[derive(Clone, Copy)]
struct Scope {
    /// Inputs with an index below this.
    inputs: usize,
    computed: bool,
    /// Steps with an index below this.
    steps: usize,
    /// What the expression is, for messages: "the `when` of input `x`".
    what: Ctx,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    InputWhen,
    InputValid,
    Computed,
    StepWhen,
    Outcome,
    Message,
}

struct Checker<'a, 'p> {
    pos: &'a Positions<'p>,
    diags: Vec<Diagnostic>,
    inputs: Vec<Input>,
    computed_ids: Vec<String>,
    computed_tys: Vec<Option<Ty>>,
    /// Every input's id, known before the inputs are checked in order, so
    /// that a `when` naming its own input or a later one is told so (not
    /// "unknown name").
    input_ids: Vec<String>,
    step_ids: Vec<String>,
    /// Each id's first index among the inputs, computed values and steps:
    /// a name is looked up at every use (scanning the lists made a chain
    /// of 40,000 computed values take 23 s).
    index: [HashMap<String, usize>; 3],
    regexes: Vec<regex::Program>,
}

/// Each id's first index in `ids`.
fn first_index(ids: &[String]) -> HashMap<String, usize> {
    let mut at = HashMap::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        at.entry(id.clone()).or_insert(i);
    }
    at
}

fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn valid_checklist_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let v = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            cur.push(v);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggest<'s>(word: &str, candidates: impl IntoIterator<Item = &'s str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

fn fnv1a(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A scalar written where an expression is expected: text as is, and YAML's
/// `true`/`false`/numbers as their text (`when: true`).
fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn check(raw: RawChecklist, pos: &Positions<'_>) -> (Option<Checklist>, Vec<Diagnostic>) {
    let mut c = Checker {
        pos,
        diags: Vec::new(),
        inputs: Vec::new(),
        computed_ids: Vec::new(),
        computed_tys: Vec::new(),
        input_ids: raw.inputs.iter().map(|x| x.id.clone()).collect(),
        step_ids: Vec::new(),
        index: Default::default(),
        regexes: Vec::new(),
    };
    if !valid_checklist_id(&raw.id) {
        c.error(
            "checklist-id",
            format!("`{}` is not a valid checklist id", raw.id),
            pos.at_node("id"),
            Some("use lowercase letters, digits and `-`, as in `credit-eligibility`"),
        );
    }
    let title = c.text(&raw.title, "title");
    let intro = raw.intro.as_ref().map(|t| c.text(t, "intro"));

    // Ids: one namespace for inputs, computed values, steps and outcomes.
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut ids: Vec<(String, String)> = Vec::new();
    for (i, x) in raw.inputs.iter().enumerate() {
        ids.push((x.id.clone(), format!("inputs.{i}.id")));
    }
    for (i, x) in raw.computed.iter().enumerate() {
        ids.push((x.id.clone(), format!("computed.{i}.id")));
    }
    for (i, x) in raw.steps.iter().enumerate() {
        ids.push((x.id.clone(), format!("steps.{i}.id")));
    }
    for (i, x) in raw.outcomes.iter().enumerate() {
        ids.push((x.id.clone(), format!("outcomes.{i}.id")));
    }
    for (id, path) in &ids {
        if !valid_id(id) || is_reserved(id) {
            c.error(
                "checklist-id",
                format!("`{id}` cannot be an id"),
                pos.at_node(path),
                Some("an id is a letter or `_` followed by letters, digits and `_`, and not one of and, or, not, in, true, false, steps"),
            );
        } else if let Some(first) = seen.get(id) {
            let first = pos.at_node(first);
            c.error(
                "checklist-duplicate",
                format!("the id `{id}` is used twice"),
                pos.at_node(path),
                Some(&format!("it is first used on line {}", first.line)),
            );
        } else {
            seen.insert(id.clone(), path.clone());
        }
    }
    c.computed_ids = raw.computed.iter().map(|x| x.id.clone()).collect();
    c.computed_tys = vec![None; raw.computed.len()];
    c.step_ids = raw.steps.iter().map(|x| x.id.clone()).collect();
    c.index = [
        first_index(&c.input_ids),
        first_index(&c.computed_ids),
        first_index(&c.step_ids),
    ];

    // Inputs, in order: a `when` sees only the inputs before it.
    for (i, ri) in raw.inputs.iter().enumerate() {
        let base = format!("inputs.{i}");
        let label = c.text(&ri.label, &format!("{base}.label"));
        let help = ri.help.as_ref().map(|h| c.text(h, &format!("{base}.help")));
        let kind = match (ri.ty, &ri.options) {
            (RawType::Choice, Some(opts)) => {
                let mut out: Vec<ChoiceOption> = Vec::new();
                if opts.is_empty() {
                    c.error(
                        "checklist-options",
                        "a choice needs at least one option",
                        pos.at_node(&format!("{base}.options")),
                        None,
                    );
                }
                for (k, o) in opts.iter().enumerate() {
                    let opath = format!("{base}.options.{k}");
                    if o.value.is_empty() {
                        c.error(
                            "checklist-options",
                            "an option's value cannot be empty",
                            pos.at_node(&format!("{opath}.value")),
                            None,
                        );
                    }
                    if out.iter().any(|x| x.value == o.value) {
                        c.error(
                            "checklist-duplicate",
                            format!("the option `{}` is declared twice", o.value),
                            pos.at_node(&format!("{opath}.value")),
                            None,
                        );
                    }
                    let label = c.text(&o.label, &format!("{opath}.label"));
                    out.push(ChoiceOption {
                        value: o.value.clone(),
                        label,
                    });
                }
                InputKind::Choice(out)
            }
            (RawType::Choice, None) => {
                c.error(
                    "checklist-options",
                    format!("the choice `{}` has no options", ri.id),
                    pos.at_node(&base),
                    Some("add the answers the reader can pick, each with a `value` (used in conditions) and a `label` in both languages:\n    options:\n      - {value: direct, label: {nl: \"Directe provider\", en: \"Direct provider\"}}\n      - {value: reseller, label: {nl: \"Reseller\", en: \"Reseller\"}}"),
                );
                InputKind::Choice(Vec::new())
            }
            (t, Some(_)) => {
                c.error(
                    "checklist-options",
                    "only a choice has options",
                    pos.at_key(&format!("{base}.options")),
                    None,
                );
                kind_of(t)
            }
            (t, None) => kind_of(t),
        };
        let scope = Scope {
            inputs: i,
            computed: false,
            steps: 0,
            what: Ctx::InputWhen,
        };
        let when = ri
            .when
            .as_ref()
            .and_then(|w| c.condition(w, &format!("{base}.when"), scope));
        // The input itself is in scope for its own rule.
        let in_scope = ri.valid.is_some();
        if in_scope {
            c.inputs.push(Input {
                id: ri.id.clone(),
                kind: kind.clone(),
                label: label.clone(),
                help: None,
                when: None,
                valid: None,
            });
        }
        let rule = ri.valid.as_ref().and_then(|v| {
            c.condition(
                v,
                &format!("{base}.valid"),
                Scope {
                    inputs: i + 1,
                    computed: false,
                    steps: 0,
                    what: Ctx::InputValid,
                },
            )
        });
        if in_scope {
            c.inputs.pop();
        }
        let valid = match (&ri.valid, &ri.invalid) {
            (Some(_), Some(m)) => rule.map(|rule| Validation {
                rule,
                message: c.text(m, &format!("{base}.invalid")),
            }),
            (Some(_), None) => {
                c.error(
                    "checklist-valid",
                    format!("the input `{}` has `valid` but no `invalid` message", ri.id),
                    pos.at_key(&format!("{base}.valid")),
                    Some("add `invalid: {nl: \"...\", en: \"...\"}`: what the reader sees at the field when the answer breaks the rule"),
                );
                None
            }
            (None, Some(_)) => {
                c.error(
                    "checklist-valid",
                    format!(
                        "the input `{}` has an `invalid` message but no `valid` rule",
                        ri.id
                    ),
                    pos.at_key(&format!("{base}.invalid")),
                    Some("add `valid: <condition>`, the rule a good answer meets"),
                );
                None
            }
            (None, None) => None,
        };
        c.inputs.push(Input {
            id: ri.id.clone(),
            kind,
            label,
            help,
            when,
            valid,
        });
    }

    // Computed values: parse all, order by dependencies, then type in order.
    let mut parsed: Vec<Option<Expr>> = Vec::new();
    for (i, rc) in raw.computed.iter().enumerate() {
        parsed.push(c.parse_expr(&rc.expr, &format!("computed.{i}.expr")));
    }
    let order = c.order_computed(&parsed, &raw);
    let mut computed_exprs: Vec<Option<(Expr, Ty)>> = vec![None; parsed.len()];
    let scope = Scope {
        inputs: c.inputs.len(),
        computed: true,
        steps: 0,
        what: Ctx::Computed,
    };
    if let Some(order) = &order {
        for &i in order {
            let Some(mut e) = parsed[i].take() else {
                continue;
            };
            let path = format!("computed.{i}.expr");
            let src = scalar_text(&raw.computed[i].expr).unwrap_or_default();
            if let Some(ty) = c.infer(&mut e, scope, &path, &src) {
                c.computed_tys[i] = Some(ty);
                computed_exprs[i] = Some((e, ty));
            }
        }
    }
    let mut computed = Vec::new();
    for (i, rc) in raw.computed.iter().enumerate() {
        let label = rc
            .label
            .as_ref()
            .map(|l| c.text(l, &format!("computed.{i}.label")));
        if let Some((expr, ty)) = computed_exprs[i].take() {
            computed.push(Computed {
                id: rc.id.clone(),
                expr,
                ty,
                label,
            });
        }
    }

    let mut steps = Vec::new();
    for (j, rs) in raw.steps.iter().enumerate() {
        let base = format!("steps.{j}");
        let label = c.text(&rs.label, &format!("{base}.label"));
        let help = rs.help.as_ref().map(|h| c.text(h, &format!("{base}.help")));
        let scope = Scope {
            inputs: c.inputs.len(),
            computed: true,
            steps: j,
            what: Ctx::StepWhen,
        };
        let when = rs
            .when
            .as_ref()
            .and_then(|w| c.condition(w, &format!("{base}.when"), scope));
        let fail = rs
            .fail
            .as_ref()
            .and_then(|f| c.message(f, &format!("{base}.fail")));
        let link = rs.link.as_ref().map(|l| c.link(l, &format!("{base}.link")));
        steps.push(Step {
            id: rs.id.clone(),
            label,
            help,
            when,
            fail,
            link,
        });
    }

    let mut outcomes = Vec::new();
    for (k, ro) in raw.outcomes.iter().enumerate() {
        let base = format!("outcomes.{k}");
        let scope = Scope {
            inputs: c.inputs.len(),
            computed: true,
            steps: raw.steps.len(),
            what: Ctx::Outcome,
        };
        let when = c.condition(&ro.when, &format!("{base}.when"), scope);
        let message = c.message(&ro.message, &format!("{base}.message"));
        let status = match ro.status {
            RawStatus::Pass => Status::Pass,
            RawStatus::Info => Status::Info,
            RawStatus::Warn => Status::Warn,
            RawStatus::Fail => Status::Fail,
        };
        let link = ro.link.as_ref().map(|l| c.link(l, &format!("{base}.link")));
        if let (Some(when), Some(message)) = (when, message) {
            outcomes.push(Outcome {
                id: ro.id.clone(),
                when,
                status,
                message,
                link,
            });
        }
    }

    if c.diags.iter().any(|d| d.is_error()) {
        return (None, c.diags);
    }
    let cl = Checklist {
        id: raw.id,
        title,
        intro,
        inputs: c.inputs,
        computed,
        computed_order: order.unwrap_or_default(),
        steps,
        outcomes,
        regexes: c.regexes,
        hash: fnv1a(pos.yaml),
    };
    (Some(cl), c.diags)
}

fn kind_of(t: RawType) -> InputKind {
    match t {
        RawType::Choice => InputKind::Choice(Vec::new()),
        RawType::Bool => InputKind::Bool,
        RawType::Int => InputKind::Int,
        RawType::Text => InputKind::Text,
        RawType::Date => InputKind::Date,
    }
}

impl Checker<'_, '_> {
    fn error(
        &mut self,
        code: &'static str,
        msg: impl Into<String>,
        at: crate::Location,
        hint: Option<&str>,
    ) {
        let mut d = Diagnostic::error(code, msg).at(at);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diags.push(d);
    }

    /// A label or other text: `{nl: ..., en: ...}`, both present.
    fn text(&mut self, v: &serde_json::Value, path: &str) -> LocalText {
        let mut nl = None;
        let mut en = None;
        match v {
            serde_json::Value::Object(map) => {
                for (k, val) in map {
                    let s = scalar_text(val);
                    match k.as_str() {
                        "nl" | "nl-nl" | "nl-NL" => nl = s,
                        "en" | "en-us" | "en-US" => en = s,
                        other => self.error(
                            "checklist-translation",
                            format!("unknown language `{other}`"),
                            self.pos.at_key(&format!("{path}.{other}")),
                            Some("texts have the keys `nl` and `en`"),
                        ),
                    }
                }
                let missing: Vec<&str> = [("nl", &nl), ("en", &en)]
                    .iter()
                    .filter(|(_, v)| v.as_ref().map_or(true, |s| s.trim().is_empty()))
                    .map(|(k, _)| *k)
                    .collect();
                if !missing.is_empty() {
                    let which = if missing.len() == 2 {
                        "Dutch (`nl`) and English (`en`)".to_string()
                    } else if missing[0] == "nl" {
                        "Dutch (`nl`)".to_string()
                    } else {
                        "English (`en`)".to_string()
                    };
                    self.error(
                        "checklist-translation",
                        format!("missing translation: this text has no {which}"),
                        self.pos.at_node(path),
                        Some("every label and message is written in both languages: {nl: \"...\", en: \"...\"}"),
                    );
                }
            }
            _ => self.error(
                "checklist-translation",
                "missing translation: this text must be given in both languages",
                self.pos.at_node(path),
                Some("write {nl: \"...\", en: \"...\"}"),
            ),
        }
        LocalText {
            nl: nl.unwrap_or_default(),
            en: en.unwrap_or_default(),
        }
    }

    /// A link: its text in both languages, and an address that is a page
    /// of the site, an anchor or http(s) — never `javascript:` and the like.
    fn link(&mut self, l: &super::parse::RawLink, path: &str) -> Link {
        let text = self.text(&l.text, &format!("{path}.text"));
        let href = l.href.trim();
        let scheme = href.split(['/', '?', '#']).next().unwrap_or("");
        let ok = !href.is_empty()
            && (!scheme.contains(':')
                || href.starts_with("https://")
                || href.starts_with("http://"));
        if !ok {
            self.error("checklist-link", format!("`{href}` is not an address a checklist may link to"), self.pos.at_node(&format!("{path}.href")), Some("use a path (other-article.md, /path), an anchor (#section) or an http(s) address"));
        }
        Link {
            href: href.to_string(),
            text,
        }
    }

    fn parse_expr(&mut self, v: &serde_json::Value, path: &str) -> Option<Expr> {
        let Some(src) = scalar_text(v) else {
            self.error(
                "checklist-expr",
                "an expression is written as one line of text",
                self.pos.at_node(path),
                None,
            );
            return None;
        };
        match expr::parse(&src) {
            Ok(e) => Some(e),
            Err(e) => {
                let at = self
                    .pos
                    .at_in_scalar(path, &src, e.span.0, e.span.1 - e.span.0);
                let mut d = Diagnostic::error(
                    "checklist-expr",
                    format!("this expression does not parse: {}", e.message),
                )
                .at(at);
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                self.diags.push(d);
                None
            }
        }
    }

    /// A `when`: parsed, typed, and boolean.
    fn condition(&mut self, v: &serde_json::Value, path: &str, scope: Scope) -> Option<Expr> {
        let mut e = self.parse_expr(v, path)?;
        let src = scalar_text(v).unwrap_or_default();
        let ty = self.infer(&mut e, scope, path, &src)?;
        if ty != Ty::Bool {
            self.error(
                "checklist-type",
                format!("a condition must be a bool, but this is {}", article(ty)),
                self.pos
                    .at_in_scalar(path, &src, e.span.0, e.span.1 - e.span.0),
                None,
            );
            return None;
        }
        self.contradictions(&e, path, &src);
        Some(e)
    }

    /// Topological order of the computed values, or `None` after reporting
    /// a cycle.
    fn order_computed(
        &mut self,
        parsed: &[Option<Expr>],
        raw: &RawChecklist,
    ) -> Option<Vec<usize>> {
        let index: HashMap<&str, usize> = self
            .computed_ids
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let deps: Vec<Vec<(usize, Span)>> = parsed
            .iter()
            .map(|e| {
                let mut out = Vec::new();
                if let Some(e) = e {
                    names(e, &mut |n, span| {
                        if let Some(&j) = index.get(n) {
                            out.push((j, span));
                        }
                    });
                }
                out
            })
            .collect();
        // 0 = new, 1 = on the path, 2 = done
        let mut state = vec![0u8; parsed.len()];
        let mut order = Vec::new();
        let mut ok = true;
        for start in 0..parsed.len() {
            if state[start] != 0 {
                continue;
            }
            // Iterative DFS: (node, next dependency to look at)
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut k)) = stack.last_mut() {
                if let Some(&(dep, span)) = deps[node].get(*k) {
                    *k += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                            let mut names: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(n, _)| self.computed_ids[*n].as_str())
                                .collect();
                            names.push(&self.computed_ids[dep]);
                            let path = format!("computed.{node}.expr");
                            let src = scalar_text(&raw.computed[node].expr).unwrap_or_default();
                            let at = self.pos.at_in_scalar(&path, &src, span.0, span.1 - span.0);
                            let chain = names.join(" → ");
                            self.error("checklist-cycle", format!("the computed values form a cycle: {chain}"), at, Some("a computed value cannot depend on itself, directly or through others"));
                            ok = false;
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        ok.then_some(order)
    }

    fn at(&self, path: &str, src: &str, span: Span) -> crate::Location {
        self.pos.at_in_scalar(path, src, span.0, span.1 - span.0)
    }

    /// Resolves names and infers the type of `e`, reporting every problem.
    fn infer(&mut self, e: &mut Expr, scope: Scope, path: &str, src: &str) -> Option<Ty> {
        let span = e.span;
        let ty = match &mut e.kind {
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Int(_) => Ty::Int,
            ExprKind::Text(_) => Ty::Text,
            ExprKind::Date(_) => Ty::Date,
            ExprKind::Ref(r) => self.ref_ty(*r)?,
            ExprKind::Name(name) => {
                let name = name.clone();
                let (r, ty) = self.resolve(&name, scope, path, src, span)?;
                e.kind = ExprKind::Ref(r);
                ty
            }
            ExprKind::Not(a) => {
                self.expect(a, Ty::Bool, scope, path, src, "`not` takes")?;
                Ty::Bool
            }
            ExprKind::Neg(a) => {
                self.expect(a, Ty::Int, scope, path, src, "`-` takes")?;
                Ty::Int
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let ra = self.expect(a, Ty::Bool, scope, path, src, "`and`/`or` take");
                let rb = self.expect(b, Ty::Bool, scope, path, src, "`and`/`or` take");
                ra?;
                rb?;
                Ty::Bool
            }
            ExprKind::Add(a, b) | ExprKind::Sub(a, b) => {
                let ta = self.infer(a, scope, path, src);
                let tb = self.infer(b, scope, path, src);
                let (ta, tb) = (ta?, tb?);
                if ta != Ty::Int || tb != Ty::Int {
                    let hint = (ta == Ty::Date || tb == Ty::Date).then_some(
                        "for dates use add_days(d, n), add_months(d, n) or days_between(a, b)",
                    );
                    self.error(
                        "checklist-type",
                        format!(
                            "`+` and `-` work on ints, not on {} and {}",
                            ta.name(),
                            tb.name()
                        ),
                        self.at(path, src, span),
                        hint,
                    );
                    return None;
                }
                Ty::Int
            }
            ExprKind::Cmp(op, a, b) => {
                let op = *op;
                let ta = self.infer(a, scope, path, src);
                let tb = self.infer(b, scope, path, src);
                let (ta, tb) = (ta?, tb?);
                if !compatible(ta, tb) {
                    self.error(
                        "checklist-type",
                        format!(
                            "type error: cannot compare {} with {}",
                            article(ta),
                            article(tb)
                        ),
                        self.at(path, src, span),
                        None,
                    );
                    return None;
                }
                if matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)
                    && !matches!(
                        (ta, tb),
                        (Ty::Int, Ty::Int) | (Ty::Date, Ty::Date) | (Ty::Text, Ty::Text)
                    )
                {
                    self.error(
                        "checklist-type",
                        format!(
                            "type error: `{}` orders ints, dates and text, not {}",
                            op.symbol(),
                            if ta == Ty::Bool { "bools" } else { "choices" }
                        ),
                        self.at(path, src, span),
                        None,
                    );
                    return None;
                }
                let ok_a = self.check_choice_literal(tb, a, path, src);
                let ok_b = self.check_choice_literal(ta, b, path, src);
                if !(ok_a && ok_b) {
                    return None;
                }
                Ty::Bool
            }
            ExprKind::In(a, items) => {
                let ta = self.infer(a, scope, path, src)?;
                if items.is_empty() {
                    self.error(
                        "checklist-type",
                        "the list after `in` is empty",
                        self.at(path, src, span),
                        None,
                    );
                    return None;
                }
                let mut ok = true;
                for item in items.iter_mut() {
                    match self.infer(item, scope, path, src) {
                        Some(ti) if compatible(ta, ti) => {
                            ok &= self.check_choice_literal(ta, item, path, src);
                        }
                        Some(ti) => {
                            self.error("checklist-type", format!("type error: this list item is {}, but the value before `in` is {}", article(ti), article(ta)), self.at(path, src, item.span), None);
                            ok = false;
                        }
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Ty::Bool
            }
            ExprKind::List(_) => {
                self.error(
                    "checklist-type",
                    "a list can only follow `in`",
                    self.at(path, src, span),
                    None,
                );
                return None;
            }
            ExprKind::Call(func, _) => {
                let func = *func;
                return self.call(e, func, scope, path, src);
            }
        };
        Some(ty)
    }

    fn call(
        &mut self,
        e: &mut Expr,
        func: Func,
        scope: Scope,
        path: &str,
        src: &str,
    ) -> Option<Ty> {
        let span = e.span;
        let ExprKind::Call(_, args) = &mut e.kind else {
            return None;
        };
        let (params, result): (&[Option<Ty>], Ty) = match func {
            Func::Today => (&[], Ty::Date),
            Func::IsSet => (&[None], Ty::Bool),
            Func::DaysBetween => (&[Some(Ty::Date), Some(Ty::Date)], Ty::Int),
            Func::AddDays | Func::AddMonths => (&[Some(Ty::Date), Some(Ty::Int)], Ty::Date),
            Func::EndOfMonth => (&[Some(Ty::Date)], Ty::Date),
            Func::AddWorkdays => (&[Some(Ty::Date), Some(Ty::Int)], Ty::Date),
            Func::WorkdaysBetween => (&[Some(Ty::Date), Some(Ty::Date)], Ty::Int),
            Func::Len => (&[Some(Ty::Text)], Ty::Int),
            Func::Matches(_) => (&[Some(Ty::Text), Some(Ty::Text)], Ty::Bool),
            Func::Date => (&[Some(Ty::Text)], Ty::Date),
        };
        if args.len() != params.len() {
            self.error(
                "checklist-type",
                format!(
                    "`{}` takes {} argument{}, not {}",
                    func.name(),
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    args.len()
                ),
                self.at(path, src, span),
                None,
            );
            return None;
        }
        // `date("…")` and the pattern of `matches` must be written out.
        if func == Func::Date {
            let ExprKind::Text(s) = &args[0].kind else {
                self.error(
                    "checklist-type",
                    "`date` takes a date written as \"YYYY-MM-DD\"",
                    self.at(path, src, args[0].span),
                    None,
                );
                return None;
            };
            let Some(d) = Date::parse_iso(s) else {
                let (msg, hint) = bad_date(s);
                self.error(
                    "checklist-type",
                    msg,
                    self.at(path, src, args[0].span),
                    hint.as_deref(),
                );
                return None;
            };
            e.kind = ExprKind::Date(d);
            return Some(Ty::Date);
        }
        let mut ok = true;
        for (k, arg) in args.iter_mut().enumerate() {
            let want = params[k];
            match self.infer(arg, scope, path, src) {
                None => ok = false,
                Some(t) => {
                    if let Some(w) = want {
                        let fits = t == w || (w == Ty::Text && t.is_textual());
                        if !fits {
                            self.error(
                                "checklist-type",
                                format!(
                                    "type error: argument {} of `{}` must be {}, but this is {}",
                                    k + 1,
                                    func.name(),
                                    article(w),
                                    article(t)
                                ),
                                self.at(path, src, arg.span),
                                None,
                            );
                            ok = false;
                        }
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        if let Func::Matches(_) = func {
            let (pat_span, pattern) = match &args[1].kind {
                ExprKind::Text(s) => (args[1].span, s.clone()),
                _ => {
                    self.error(
                        "checklist-regex",
                        "the pattern of `matches` must be written as text",
                        self.at(path, src, args[1].span),
                        None,
                    );
                    return None;
                }
            };
            match regex::compile(&pattern) {
                Ok(p)
                    if !self.regexes.iter().any(|r| r.source == p.source)
                        && self.regexes.iter().map(regex::Program::size).sum::<usize>()
                            + p.size()
                            > MAX_REGEX_TOTAL =>
                {
                    self.error(
                        "checklist-regex",
                        format!(
                            "the patterns of this checklist are too large together (more than \
                             {MAX_REGEX_TOTAL} instructions and class ranges once compiled)"
                        ),
                        self.at(path, src, pat_span),
                        Some("use fewer or smaller patterns; every page that shows the checklist loads them"),
                    );
                    return None;
                }
                Ok(p) => {
                    let idx = self
                        .regexes
                        .iter()
                        .position(|r| r.source == p.source)
                        .unwrap_or_else(|| {
                            self.regexes.push(p);
                            self.regexes.len() - 1
                        });
                    if let ExprKind::Call(f, _) = &mut e.kind {
                        *f = Func::Matches(idx);
                    }
                }
                Err(err) => {
                    // Find the problem inside the literal: the expression's
                    // only escapes are \" and \\.
                    let lit = &src[pat_span.0.min(src.len())..pat_span.1.min(src.len())];
                    let mut decoded = 0;
                    let mut at = pat_span.0 + 1;
                    let mut it = lit.char_indices().skip(1).peekable();
                    while let Some((i, ch)) = it.next() {
                        if decoded >= err.offset {
                            at = pat_span.0 + i;
                            break;
                        }
                        if ch == '\\' && matches!(it.peek(), Some((_, '"' | '\\'))) {
                            it.next();
                            decoded += 1;
                        } else {
                            decoded += ch.len_utf8();
                        }
                        at = pat_span.0 + i + ch.len_utf8();
                    }
                    self.error(
                        "checklist-regex",
                        format!("unsupported regex: {}", err.message),
                        self.at(path, src, (at, at + 1)),
                        Some("see the regex subset in docs/checklists.md"),
                    );
                    return None;
                }
            }
        }
        Some(result)
    }

    fn expect(
        &mut self,
        e: &mut Expr,
        want: Ty,
        scope: Scope,
        path: &str,
        src: &str,
        what: &str,
    ) -> Option<()> {
        let t = self.infer(e, scope, path, src)?;
        if t != want {
            self.error(
                "checklist-type",
                format!(
                    "type error: {what} {}, but this is {}",
                    plural(want),
                    article(t)
                ),
                self.at(path, src, e.span),
                None,
            );
            return None;
        }
        Some(())
    }

    /// When `other` is a choice and `e` a text literal, the literal must be
    /// one of the choice's declared values.
    fn check_choice_literal(&mut self, other: Ty, e: &Expr, path: &str, src: &str) -> bool {
        let (Ty::Choice(i), ExprKind::Text(v)) = (other, &e.kind) else {
            return true;
        };
        let Some(input) = self.inputs.get(i) else {
            return true;
        };
        let InputKind::Choice(opts) = &input.kind else {
            return true;
        };
        // A choice without options has its own error; every comparison
        // with it would only repeat that.
        if opts.is_empty() || opts.iter().any(|o| &o.value == v) {
            return true;
        }
        let values: Vec<&str> = opts.iter().map(|o| o.value.as_str()).collect();
        let hint = suggest(v, values.iter().copied())
            .unwrap_or_else(|| format!("its values are {}", values.join(", ")));
        let msg = format!("`{v}` is not a value of the choice `{}`", input.id);
        self.error(
            "checklist-choice",
            msg,
            self.at(path, src, e.span),
            Some(&hint),
        );
        false
    }

    fn ref_ty(&self, r: Ref) -> Option<Ty> {
        match r {
            Ref::Input(i) => self.inputs.get(i).map(|x| x.ty(i)),
            Ref::Computed(i) => self.computed_tys.get(i).copied().flatten(),
            Ref::Step(_) => Some(Ty::Bool),
        }
    }

    fn resolve(
        &mut self,
        name: &str,
        scope: Scope,
        path: &str,
        src: &str,
        span: Span,
    ) -> Option<(Ref, Ty)> {
        // Located only when there is something to report: locating reads
        // the block from its start.
        let at = |c: &Self| c.at(path, src, span);
        if let Some(&i) = self.index[0].get(name) {
            if i < scope.inputs && i < self.inputs.len() {
                return Some((Ref::Input(i), self.inputs[i].ty(i)));
            }
            if scope.what == Ctx::InputWhen && i == scope.inputs {
                self.error("checklist-cycle", format!("the `when` of input `{name}` depends on `{name}` itself"), at(self), Some("an input is shown by its `when` before it is answered, so the condition can only use earlier inputs"));
                return None;
            }
            if scope.what == Ctx::InputValid {
                self.error("checklist-scope", format!("`{name}` is an input declared after this one; a `valid` rule may only use this input and earlier ones"), at(self), Some("move the rule to the later input"));
                return None;
            }
            self.error("checklist-scope", format!("`{name}` is an input declared after this one; a `when` may only use earlier inputs"), at(self), Some("move the input up, or the condition down"));
            return None;
        }
        if let Some(&i) = self.index[1].get(name) {
            if scope.computed {
                // An untyped one has its own error already.
                return self.computed_tys[i].map(|t| (Ref::Computed(i), t));
            }
            if scope.what == Ctx::InputValid {
                self.error("checklist-scope", format!("a `valid` rule may only use inputs, and `{name}` is a computed value"), at(self), Some("write the rule in terms of the inputs, e.g. `cancel_date >= purchase_date`"));
                return None;
            }
            self.error("checklist-scope", format!("the `when` of an input may only use earlier inputs, and `{name}` is a computed value"), at(self), None);
            return None;
        }
        if let Some(&j) = self.index[2].get(name) {
            if j < scope.steps {
                return Some((Ref::Step(j), Ty::Bool));
            }
            let msg = match scope.what {
                Ctx::StepWhen => format!("`{name}` is a step at or after this one; a step's `when` may only use earlier steps"),
                _ => format!("a step like `{name}` can only be used in outcomes, messages and the `when` of later steps"),
            };
            self.error("checklist-scope", msg, at(self), None);
            return None;
        }
        let mut known: Vec<&str> = self.inputs.iter().map(|x| x.id.as_str()).collect();
        known.extend(self.computed_ids.iter().map(|s| s.as_str()));
        known.extend(self.step_ids.iter().map(|s| s.as_str()));
        let hint = suggest(name, known).unwrap_or_else(|| {
            "names are the ids of inputs, computed values and steps".to_string()
        });
        self.error(
            "checklist-name",
            format!("unknown name `{name}`"),
            at(self),
            Some(&hint),
        );
        None
    }

    /// A message with `{name}` interpolations, in both languages.
    fn message(&mut self, v: &serde_json::Value, path: &str) -> Option<Message> {
        let text = self.text(v, path);
        let scope = Scope {
            inputs: self.inputs.len(),
            computed: true,
            steps: self.step_ids.len(),
            what: Ctx::Message,
        };
        let nl = self.parts(&text.nl, &format!("{path}.nl"), scope);
        let en = self.parts(&text.en, &format!("{path}.en"), scope);
        Some(Message { nl: nl?, en: en? })
    }

    fn parts(&mut self, s: &str, path: &str, scope: Scope) -> Option<Vec<Part>> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut ok = true;
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'{' if b.get(i + 1) == Some(&b'{') => {
                    lit.push('{');
                    i += 2;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    lit.push('}');
                    i += 2;
                }
                b'{' => {
                    let Some(close) = s[i..].find('}').map(|k| i + k) else {
                        self.error(
                            "checklist-message",
                            "this `{` has no closing `}`",
                            self.pos.at_in_scalar(path, s, i, 1),
                            Some("write a literal brace as `{{`"),
                        );
                        return None;
                    };
                    let name = &s[i + 1..close];
                    if !valid_id(name) {
                        self.error("checklist-message", format!("`{{{name}}}` is not an interpolation"), self.pos.at_in_scalar(path, s, i, close + 1 - i), Some("write `{id}` with the id of an input or computed value, or a literal brace as `{{`"));
                        ok = false;
                    } else {
                        let span = (i + 1, close);
                        // Resolve against the message's own text.
                        match self.resolve(name, scope, path, s, span) {
                            Some((r, ty)) => {
                                if !lit.is_empty() {
                                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                                }
                                parts.push(Part::Value(r, ty));
                            }
                            None => ok = false,
                        }
                    }
                    i = close + 1;
                }
                b'}' => {
                    self.error(
                        "checklist-message",
                        "a lone `}`",
                        self.pos.at_in_scalar(path, s, i, 1),
                        Some("write a literal brace as `}}`"),
                    );
                    ok = false;
                    i += 1;
                }
                _ => {
                    let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
                    lit.push_str(&s[i..i + ch_len]);
                    i += ch_len;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        ok.then_some(parts)
    }

    /// Cheap contradictions between the conjuncts of a condition:
    /// `x == "a" and x == "b"`, `x == "a" and x != "a"`,
    /// `x == "c" and x in ["a", "b"]`.
    fn contradictions(&mut self, e: &Expr, path: &str, src: &str) {
        let mut conj = Vec::new();
        conjuncts(e, &mut conj);
        // (ref, allowed values or None, excluded values)
        let mut facts: HashMap<Ref, (Option<Vec<ExprKind>>, Vec<ExprKind>)> = HashMap::new();
        for c in conj {
            let (r, allowed, excluded) = match &c.kind {
                ExprKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b) => {
                    let (r, lit) = match (&a.kind, &b.kind) {
                        (ExprKind::Ref(r), l) | (l, ExprKind::Ref(r)) if is_literal(l) => {
                            (*r, l.clone())
                        }
                        _ => continue,
                    };
                    if *op == CmpOp::Eq {
                        (r, Some(vec![lit]), vec![])
                    } else {
                        (r, None, vec![lit])
                    }
                }
                // A bool used as a condition on its own says it is true,
                // `not x` that it is false: `x == false and x` never holds.
                ExprKind::Ref(r) => (*r, Some(vec![ExprKind::Bool(true)]), vec![]),
                ExprKind::Not(a) => match &a.kind {
                    ExprKind::Ref(r) => (*r, Some(vec![ExprKind::Bool(false)]), vec![]),
                    _ => continue,
                },
                ExprKind::In(a, items) => match &a.kind {
                    ExprKind::Ref(r) if items.iter().all(|i| is_literal(&i.kind)) => (
                        *r,
                        Some(items.iter().map(|i| i.kind.clone()).collect()),
                        vec![],
                    ),
                    _ => continue,
                },
                _ => continue,
            };
            let entry = facts.entry(r).or_insert((None, Vec::new()));
            if let Some(a) = allowed {
                entry.0 = Some(match entry.0.take() {
                    None => a,
                    Some(prev) => prev.into_iter().filter(|v| a.contains(v)).collect(),
                });
            }
            entry.1.extend(excluded);
        }
        for (r, (allowed, excluded)) in facts {
            if let Some(allowed) = allowed {
                if allowed.iter().all(|v| excluded.contains(v)) {
                    let name = match r {
                        Ref::Input(i) => self.inputs.get(i).map(|x| x.id.clone()),
                        Ref::Computed(i) => self.computed_ids.get(i).cloned(),
                        Ref::Step(i) => self.step_ids.get(i).cloned(),
                    }
                    .unwrap_or_default();
                    self.diags.push(
                        Diagnostic::warning("checklist-never", format!("this condition can never hold: `{name}` cannot take all of the values it is compared with at once"))
                            .at(self.at(path, src, e.span))
                            .with_hint("did you mean `or`, or `in [...]`?"),
                    );
                }
            }
        }
    }
}

fn is_literal(k: &ExprKind) -> bool {
    matches!(
        k,
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Text(_) | ExprKind::Date(_)
    )
}

fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let ExprKind::And(a, b) = &e.kind {
        conjuncts(a, out);
        conjuncts(b, out);
    } else {
        out.push(e);
    }
}

/// Calls `f` for each name (not yet resolved) in `e`.
fn names(e: &Expr, f: &mut impl FnMut(&str, Span)) {
    match &e.kind {
        ExprKind::Name(n) => f(n, e.span),
        ExprKind::Not(a) | ExprKind::Neg(a) => names(a, f),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::Add(a, b)
        | ExprKind::Sub(a, b) => {
            names(a, f);
            names(b, f);
        }
        ExprKind::In(a, l) => {
            names(a, f);
            l.iter().for_each(|x| names(x, f));
        }
        ExprKind::Call(_, l) | ExprKind::List(l) => l.iter().for_each(|x| names(x, f)),
        _ => {}
    }
}

fn compatible(a: Ty, b: Ty) -> bool {
    a == b || (a.is_textual() && b.is_textual())
}

/// Why `s` is not a date: its form, or a day or month that does not exist.
fn bad_date(s: &str) -> (String, Option<String>) {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return (
            format!("`{s}` is not a date of the form YYYY-MM-DD"),
            Some("write the year in four digits, then the month and the day in two, as in `date(\"2021-03-31\")`".into()),
        );
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    if y == 0 {
        return (
            format!("`{s}` is not a date: there is no year 0"),
            Some("the years are 1 to 9999".into()),
        );
    }
    if d == 0 {
        return (
            format!("`{s}` is not a date: there is no day 0"),
            Some("days start at 01".into()),
        );
    }
    if !(1..=12).contains(&m) {
        return (
            format!("`{s}` is not a date: there is no month {m}"),
            Some("the month comes second: YYYY-MM-DD".into()),
        );
    }
    let days = (28..=31u32)
        .rev()
        .find(|&n| Date::from_ymd(i64::from(y), m, n).is_some())
        .unwrap_or(28);
    (
        format!(
            "`{s}` does not exist: {} {y} has {days} days",
            MONTHS[(m - 1) as usize]
        ),
        Some(format!(
            "the last day of that month is `{y:04}-{m:02}-{days:02}`"
        )),
    )
}

fn article(t: Ty) -> String {
    match t {
        Ty::Int => "an int".into(),
        Ty::Choice(_) => "a choice".into(),
        t => format!("a {}", t.name()),
    }
}

fn plural(t: Ty) -> &'static str {
    match t {
        Ty::Bool => "bools",
        Ty::Int => "ints",
        Ty::Text => "text",
        Ty::Date => "dates",
        Ty::Choice(_) => "choices",
    }
}
