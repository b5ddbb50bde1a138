//! Conditions and formulas in words, in the page's language, for the
//! decision list that stands in for the form without JavaScript and on
//! paper: "als Type partner is Directe provider en …", "Aankoopdatum + 90
//! dagen". The checked AST knows every name's label and every choice
//! value's label, so nothing is guessed.

use std::cell::Cell;

use crate::lang::Lang;

use super::ast::*;
use super::eval::format_value;
use super::value::Value;

struct W {
    and: &'static str,
    or: &'static str,
    not: &'static str,
    is: &'static str,
    is_not: &'static str,
    one_of: &'static str,
    today: &'static str,
    answered: &'static str,
    days_from: (&'static str, &'static str),
    workdays_from: (&'static str, &'static str),
    days: &'static str,
    months: &'static str,
    workdays: &'static str,
    end_of_month: &'static str,
    length: &'static str,
    matches: &'static str,
    done: &'static str,
    not_met: &'static str,
    yes: &'static str,
    no: &'static str,
    /// How deep unlabelled computed values are inlined right now, and how
    /// many more may be in this text (see [`name`]).
    inlining: Cell<u8>,
    inlines_left: Cell<usize>,
}

/// An unlabelled computed value is shown as its formula, in parentheses;
/// at most this deep, and at most [`MAX_INLINES`] times in one text. Past
/// that it is named by its id. Without a bound, a chain of 20,000 values
/// (`c0 = c1 + 1`, `c1 = c2 + 1`, ...) overflowed the stack (an abort), and
/// 30 values that each use the next twice wrote 2^30 copies.
const MAX_INLINE_DEPTH: u8 = 6;
const MAX_INLINES: usize = 64;

fn w(lang: Lang) -> W {
    match lang {
        Lang::Nl => W {
            and: "en",
            or: "of",
            not: "niet",
            is: "is",
            is_not: "is niet",
            one_of: "is een van",
            today: "vandaag",
            answered: "is ingevuld",
            days_from: ("het aantal dagen van", "tot"),
            workdays_from: ("het aantal werkdagen van", "tot"),
            days: "dagen",
            months: "maanden",
            workdays: "werkdagen",
            end_of_month: "het einde van de maand van",
            length: "de lengte van",
            matches: "past bij het patroon",
            done: "gedaan",
            not_met: "niet voldaan",
            yes: "ja",
            no: "nee",
            inlining: Cell::new(0),
            inlines_left: Cell::new(MAX_INLINES),
        },
        Lang::En => W {
            and: "and",
            or: "or",
            not: "not",
            is: "is",
            is_not: "is not",
            one_of: "is one of",
            today: "today",
            answered: "is answered",
            days_from: ("the number of days from", "to"),
            workdays_from: ("the number of working days from", "to"),
            days: "days",
            months: "months",
            workdays: "working days",
            end_of_month: "the end of the month of",
            length: "the length of",
            matches: "matches the pattern",
            done: "done",
            not_met: "not met",
            yes: "yes",
            no: "no",
            inlining: Cell::new(0),
            inlines_left: Cell::new(MAX_INLINES),
        },
    }
}

/// `e` in words. Labels of inputs and steps are quoted with ‘ ’ so a
/// question that is a sentence stays readable inside a condition.
pub fn words(cl: &Checklist, e: &Expr, lang: Lang) -> String {
    let w = w(lang);
    go(cl, e, lang, &w, 0)
}

/// A computed value as its formula in words.
pub fn formula(cl: &Checklist, c: &Computed, lang: Lang) -> String {
    words(cl, &c.expr, lang)
}

fn name(cl: &Checklist, r: Ref, lang: Lang, w: &W) -> String {
    match r {
        Ref::Input(i) => cl
            .inputs
            .get(i)
            .map_or(String::new(), |x| format!("‘{}’", x.label.get(lang))),
        Ref::Computed(i) => cl
            .computed
            .get(i)
            .map_or(String::new(), |c| match &c.label {
                Some(l) => format!("‘{}’", l.get(lang)),
                None => {
                    let (depth, left) = (w.inlining.get(), w.inlines_left.get());
                    if depth >= MAX_INLINE_DEPTH || left == 0 {
                        return format!("‘{}’", c.id);
                    }
                    w.inlining.set(depth + 1);
                    w.inlines_left.set(left - 1);
                    let shown = format!("({})", go(cl, &c.expr, lang, w, 0));
                    w.inlining.set(depth);
                    shown
                }
            }),
        Ref::Step(i) => cl
            .steps
            .get(i)
            .map_or(String::new(), |s| format!("‘{}’", s.label.get(lang))),
    }
}

fn ty_of(cl: &Checklist, e: &Expr) -> Option<Ty> {
    match &e.kind {
        ExprKind::Ref(Ref::Input(i)) => cl.inputs.get(*i).map(|x| x.ty(*i)),
        ExprKind::Ref(Ref::Computed(i)) => cl.computed.get(*i).map(|c| c.ty),
        ExprKind::Ref(Ref::Step(_)) => Some(Ty::Bool),
        _ => None,
    }
}

/// A literal, with a choice value shown as its option's label when the
/// other side is that choice.
fn literal(cl: &Checklist, e: &Expr, other: Option<Ty>, lang: Lang, w: &W) -> Option<String> {
    Some(match &e.kind {
        ExprKind::Text(s) => match other {
            Some(Ty::Choice(i)) => format_value(cl, &Value::Text(s.clone()), Ty::Choice(i), lang),
            _ => format!("“{s}”"),
        },
        ExprKind::Bool(b) => (if *b { w.yes } else { w.no }).to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Date(d) => format_value(cl, &Value::Date(*d), Ty::Date, lang),
        _ => return None,
    })
}

fn is_step(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Ref(Ref::Step(_)))
}

/// `level`: 0 at the top, 1 inside `and`, 2 inside `or`/`not`/a comparison
/// (where a nested `and`/`or` needs parentheses).
fn go(cl: &Checklist, e: &Expr, lang: Lang, w: &W, level: u8) -> String {
    let x = |e: &Expr, l: u8| go(cl, e, lang, w, l);
    let paren = |s: String, need: bool| if need { format!("({s})") } else { s };
    match &e.kind {
        ExprKind::Bool(b) => (if *b { w.yes } else { w.no }).to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Text(s) => format!("“{s}”"),
        ExprKind::Date(d) => format_value(cl, &Value::Date(*d), Ty::Date, lang),
        ExprKind::Name(n) => n.clone(),
        ExprKind::List(items) => items.iter().map(|i| x(i, 2)).collect::<Vec<_>>().join(", "),
        ExprKind::Ref(r) => {
            let n = name(cl, *r, lang, w);
            match (r, level) {
                // A bool standing alone as a condition.
                (Ref::Step(_), _) => format!("{n} {}", w.done),
                // An unlabelled computed bool is its condition.
                (Ref::Computed(i), _) if cl.computed.get(*i).is_some_and(|c| c.label.is_none()) => {
                    n
                }
                (Ref::Input(_) | Ref::Computed(_), _)
                    if ty_of(cl, e) == Some(Ty::Bool) && level != 3 =>
                {
                    format!("{n}: {}", w.yes)
                }
                _ => n,
            }
        }
        ExprKind::Not(a) => match &a.kind {
            ExprKind::Ref(r) if is_step(a) => format!("{} {}", name(cl, *r, lang, w), w.not_met),
            ExprKind::Ref(Ref::Computed(i))
                if cl.computed.get(*i).is_some_and(|c| c.label.is_none()) =>
            {
                format!("{} {}", w.not, name(cl, Ref::Computed(*i), lang, w))
            }
            ExprKind::Ref(r) if ty_of(cl, a) == Some(Ty::Bool) => {
                format!("{}: {}", name(cl, *r, lang, w), w.no)
            }
            _ => format!("{} ({})", w.not, x(a, 0)),
        },
        ExprKind::Neg(a) => format!("-{}", x(a, 3)),
        ExprKind::And(a, b) => paren(format!("{} {} {}", x(a, 1), w.and, x(b, 1)), level >= 2),
        ExprKind::Or(a, b) => paren(format!("{} {} {}", x(a, 2), w.or, x(b, 2)), level >= 1),
        ExprKind::Cmp(op, a, b) => {
            let (ta, tb) = (ty_of(cl, a), ty_of(cl, b));
            let la = literal(cl, a, tb, lang, w).unwrap_or_else(|| x(a, 3));
            let lb = literal(cl, b, ta, lang, w).unwrap_or_else(|| x(b, 3));
            if is_step(a) || is_step(b) {
                // `step == false`: not met.
                let (s, lit) = if is_step(a) { (a, b) } else { (b, a) };
                if let (ExprKind::Ref(r), ExprKind::Bool(v)) = (&s.kind, &lit.kind) {
                    let met = (*v) == (*op == CmpOp::Eq);
                    return format!(
                        "{} {}",
                        name(cl, *r, lang, w),
                        if met { w.done } else { w.not_met }
                    );
                }
            }
            match op {
                CmpOp::Eq => format!("{la} {} {lb}", w.is),
                CmpOp::Ne => format!("{la} {} {lb}", w.is_not),
                _ => format!(
                    "{la} {} {lb}",
                    op.symbol().replace("<=", "≤").replace(">=", "≥")
                ),
            }
        }
        ExprKind::Add(a, b) | ExprKind::Sub(a, b) => {
            let sign = if matches!(e.kind, ExprKind::Add(..)) {
                "+"
            } else {
                "−"
            };
            paren(format!("{} {sign} {}", x(a, 3), x(b, 3)), level >= 3)
        }
        ExprKind::In(a, items) => {
            let ta = ty_of(cl, a);
            let list: Vec<String> = items
                .iter()
                .map(|i| literal(cl, i, ta, lang, w).unwrap_or_else(|| x(i, 3)))
                .collect();
            let list = match list.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("{} {} {last}", rest.join(", "), w.or)
                }
                _ => list.join(""),
            };
            format!("{} {} {list}", x(a, 3), w.one_of)
        }
        ExprKind::Call(f, args) => {
            let arg = |i: usize| args.get(i).map(|a| x(a, 3)).unwrap_or_default();
            match f {
                Func::Today => w.today.to_string(),
                Func::IsSet => format!("{} {}", arg(0), w.answered),
                Func::DaysBetween => {
                    format!("{} {} {} {}", w.days_from.0, arg(0), w.days_from.1, arg(1))
                }
                Func::WorkdaysBetween => format!(
                    "{} {} {} {}",
                    w.workdays_from.0,
                    arg(0),
                    w.workdays_from.1,
                    arg(1)
                ),
                Func::AddDays => paren(format!("{} + {} {}", arg(0), arg(1), w.days), level >= 3),
                Func::AddMonths => {
                    paren(format!("{} + {} {}", arg(0), arg(1), w.months), level >= 3)
                }
                Func::AddWorkdays => paren(
                    format!("{} + {} {}", arg(0), arg(1), w.workdays),
                    level >= 3,
                ),
                Func::EndOfMonth => format!("{} {}", w.end_of_month, arg(0)),
                Func::Len => format!("{} {}", w.length, arg(0)),
                Func::Matches(i) => {
                    let pat = match args.get(1).map(|a| &a.kind) {
                        Some(ExprKind::Text(p)) => format!("“{p}”"),
                        _ => format!("#{i}"),
                    };
                    format!("{} {} {pat}", arg(0), w.matches)
                }
                Func::Date => arg(0),
            }
        }
    }
}
