//! The expression language: a tokenizer and a hand-written recursive-descent
//! parser that keeps the byte span of every node, so the checker can point
//! at the exact place of a problem. A parser crate would buy little for a
//! grammar this small and would make the error messages harder to control.
//!
//! Precedence, loosest first (as in Python, which writers may know):
//! `or`, `and`, `not`, comparisons (`== != < <= > >= in`, not chained),
//! `+ -` (left-associative), unary `-`, then literals, names, calls, `( )`.

use super::ast::{CmpOp, Expr, ExprKind, Func, Span};

/// Numbers are limited to ±(2^53−1), so they mean the same in JS.
pub const MAX_INT: i64 = 9_007_199_254_740_991;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
}

fn err(message: impl Into<String>, span: Span) -> ParseError {
    ParseError {
        message: message.into(),
        span,
        hint: None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Int(i64),
    Str(String),
    Op(&'static str),
    End,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn next(&mut self) -> Result<(Tok, Span), ParseError> {
        let b = self.src.as_bytes();
        while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(&c) = b.get(start) else {
            return Ok((Tok::End, (start, start)));
        };
        if c.is_ascii_alphabetic() || c == b'_' {
            while self.pos < b.len() && (b[self.pos].is_ascii_alphanumeric() || b[self.pos] == b'_')
            {
                self.pos += 1;
            }
            return Ok((
                Tok::Ident(self.src[start..self.pos].to_string()),
                (start, self.pos),
            ));
        }
        if c.is_ascii_digit() {
            while self.pos < b.len() && b[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
            let span = (start, self.pos);
            if self.pos < b.len() && (b[self.pos].is_ascii_alphabetic() || b[self.pos] == b'.') {
                return Err(err("a number is whole digits only", (start, self.pos + 1)));
            }
            let digits = &self.src[start..self.pos];
            let value = if digits.len() > 16 {
                None
            } else {
                digits.parse::<i64>().ok().filter(|v| *v <= MAX_INT)
            };
            return match value {
                Some(v) => Ok((Tok::Int(v), span)),
                None => Err(ParseError {
                    message: format!("the number {digits} is too large"),
                    span,
                    hint: Some(format!("numbers lie between -{MAX_INT} and {MAX_INT}")),
                }),
            };
        }
        if c == b'"' {
            let mut out = String::new();
            let mut chars = self.src[start + 1..].char_indices();
            loop {
                match chars.next() {
                    None => {
                        self.pos = b.len();
                        return Err(err("this text has no closing `\"`", (start, start + 1)));
                    }
                    Some((i, '"')) => {
                        self.pos = start + 1 + i + 1;
                        return Ok((Tok::Str(out), (start, self.pos)));
                    }
                    // `\"` and `\\` are escapes; any other backslash is kept,
                    // so that regexes read naturally: "\d{4}".
                    Some((_, '\\')) => match chars.clone().next() {
                        Some((_, q @ ('"' | '\\'))) => {
                            chars.next();
                            out.push(q);
                        }
                        _ => out.push('\\'),
                    },
                    Some((_, ch)) => out.push(ch),
                }
            }
        }
        let two = self.src.get(start..start + 2).unwrap_or("");
        let op: Option<&'static str> = match two {
            "==" => Some("=="),
            "!=" => Some("!="),
            "<=" => Some("<="),
            ">=" => Some(">="),
            "&&" | "||" => {
                let word = if two == "&&" { "and" } else { "or" };
                return Err(ParseError {
                    message: format!("unknown operator `{two}`"),
                    span: (start, start + 2),
                    hint: Some(format!("write `{word}`")),
                });
            }
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 2;
            return Ok((Tok::Op(op), (start, self.pos)));
        }
        let op: &'static str = match c {
            b'<' => "<",
            b'>' => ">",
            b'+' => "+",
            b'-' => "-",
            b'(' => "(",
            b')' => ")",
            b'[' => "[",
            b']' => "]",
            b',' => ",",
            b'=' => {
                return Err(ParseError {
                    message: "`=` is not an operator".into(),
                    span: (start, start + 1),
                    hint: Some("to compare, write `==`".into()),
                })
            }
            b'!' => {
                return Err(ParseError {
                    message: "unknown operator `!`".into(),
                    span: (start, start + 1),
                    hint: Some("write `not`".into()),
                })
            }
            b'\'' => {
                return Err(ParseError {
                    message: "text is written in double quotes".into(),
                    span: (start, start + 1),
                    hint: Some("write \"...\" instead of '...'".into()),
                })
            }
            _ => {
                let ch = self.src[start..].chars().next().unwrap_or(' ');
                return Err(err(
                    format!("unexpected character `{ch}`"),
                    (start, start + ch.len_utf8()),
                ));
            }
        };
        self.pos += 1;
        Ok((Tok::Op(op), (start, self.pos)))
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    tok: Tok,
    span: Span,
    depth: usize,
}

/// Deep nesting is refused rather than allowed to overflow the stack.
const MAX_DEPTH: usize = 64;

/// Parses one expression; the whole text must be used.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let mut lexer = Lexer { src, pos: 0 };
    let (tok, span) = lexer.next()?;
    let mut p = Parser {
        lexer,
        tok,
        span,
        depth: 0,
    };
    if p.tok == Tok::End {
        return Err(err("the expression is empty", (0, src.len())));
    }
    let e = p.or()?;
    if p.tok != Tok::End {
        return Err(p.unexpected("an operator or the end of the expression"));
    }
    Ok(e)
}

fn is_keyword(s: &str) -> bool {
    matches!(s, "and" | "or" | "not" | "in" | "true" | "false")
}

/// Names that cannot be ids of inputs, computed values or steps.
pub fn is_reserved(s: &str) -> bool {
    is_keyword(s) || s == "steps"
}

impl Parser<'_> {
    fn bump(&mut self) -> Result<(), ParseError> {
        let (tok, span) = self.lexer.next()?;
        self.tok = tok;
        self.span = span;
        Ok(())
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(&self.tok, Tok::Op(o) if *o == op)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(&self.tok, Tok::Ident(s) if s == w)
    }

    fn unexpected(&self, wanted: &str) -> ParseError {
        let found = match &self.tok {
            Tok::End => "the end of the expression".to_string(),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Op(o) => format!("`{o}`"),
        };
        err(format!("expected {wanted}, found {found}"), self.span)
    }

    fn expect_op(&mut self, op: &str) -> Result<(), ParseError> {
        if self.is_op(op) {
            self.bump()
        } else {
            Err(self.unexpected(&format!("`{op}`")))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err("the expression is nested too deeply", self.span));
        }
        Ok(())
    }

    /// One more operator in a row (`a or b or c`): each makes the tree one
    /// level deeper on the left, and the checker, both evaluators and even
    /// dropping the tree recurse down it, so a long chain counts against
    /// the same depth limit as nesting.
    fn chain(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                message: format!("the expression has more than {MAX_DEPTH} operators in a row or nested"),
                span: self.span,
                hint: Some("split it into computed values, or use `x in [\"a\", \"b\"]` for a long list of alternatives".into()),
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut left = self.and()?;
        let mut n = 0;
        while self.is_word("or") {
            self.chain()?;
            n += 1;
            self.bump()?;
            let right = self.and()?;
            left = bin(left, right, ExprKind::Or);
        }
        self.depth -= 1 + n;
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        let mut n = 0;
        while self.is_word("and") {
            self.chain()?;
            n += 1;
            self.bump()?;
            let right = self.not()?;
            left = bin(left, right, ExprKind::And);
        }
        self.depth -= n;
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_word("not") {
            let start = self.span.0;
            self.enter()?;
            self.bump()?;
            let inner = self.not()?;
            self.depth -= 1;
            let span = (start, inner.span.1);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.cmp()
    }

    fn cmp_op(&self) -> Option<CmpOp> {
        match &self.tok {
            Tok::Op("==") => Some(CmpOp::Eq),
            Tok::Op("!=") => Some(CmpOp::Ne),
            Tok::Op("<") => Some(CmpOp::Lt),
            Tok::Op("<=") => Some(CmpOp::Le),
            Tok::Op(">") => Some(CmpOp::Gt),
            Tok::Op(">=") => Some(CmpOp::Ge),
            _ => None,
        }
    }

    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let result = if let Some(op) = self.cmp_op() {
            self.bump()?;
            let right = self.sum()?;
            bin(left, right, |a, b| ExprKind::Cmp(op, a, b))
        } else if self.is_word("in") {
            self.bump()?;
            let right = self.sum()?;
            let span = (left.span.0, right.span.1);
            match right.kind {
                ExprKind::List(items) => Expr {
                    kind: ExprKind::In(Box::new(left), items),
                    span,
                },
                _ => {
                    return Err(ParseError {
                        message: "`in` takes a list".into(),
                        span: right.span,
                        hint: Some("write `x in [\"a\", \"b\"]`".into()),
                    })
                }
            }
        } else {
            return Ok(left);
        };
        if self.cmp_op().is_some() || self.is_word("in") {
            return Err(ParseError {
                message: "comparisons cannot be chained".into(),
                span: self.span,
                hint: Some("join them with `and`: `a < b and b < c`".into()),
            });
        }
        Ok(result)
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        let mut n = 0;
        loop {
            let add = if self.is_op("+") {
                true
            } else if self.is_op("-") {
                false
            } else {
                self.depth -= n;
                return Ok(left);
            };
            self.chain()?;
            n += 1;
            self.bump()?;
            let right = self.unary()?;
            left = if add {
                bin(left, right, ExprKind::Add)
            } else {
                bin(left, right, ExprKind::Sub)
            };
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_op("-") {
            let start = self.span.0;
            self.enter()?;
            self.bump()?;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = (start, inner.span.1);
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let span = self.span;
        match self.tok.clone() {
            Tok::Int(v) => {
                self.bump()?;
                Ok(Expr {
                    kind: ExprKind::Int(v),
                    span,
                })
            }
            Tok::Str(s) => {
                self.bump()?;
                Ok(Expr {
                    kind: ExprKind::Text(s),
                    span,
                })
            }
            Tok::Op("(") => {
                self.bump()?;
                let inner = self.or()?;
                let end = self.span.1;
                self.expect_op(")")?;
                Ok(Expr {
                    kind: inner.kind,
                    span: (span.0, end),
                })
            }
            Tok::Op("[") => {
                self.bump()?;
                let items = self.list("]")?;
                let end = self.span.1;
                self.expect_op("]")?;
                Ok(Expr {
                    kind: ExprKind::List(items),
                    span: (span.0, end),
                })
            }
            Tok::Ident(name) => {
                self.bump()?;
                match name.as_str() {
                    "true" => {
                        return Ok(Expr {
                            kind: ExprKind::Bool(true),
                            span,
                        })
                    }
                    "false" => {
                        return Ok(Expr {
                            kind: ExprKind::Bool(false),
                            span,
                        })
                    }
                    w if is_keyword(w) => {
                        return Err(err(format!("expected a value, found `{w}`"), span))
                    }
                    _ => {}
                }
                if self.is_op("(") {
                    let Some(func) = Func::from_name(&name) else {
                        return Err(ParseError {
                            message: format!("unknown function `{name}`"),
                            span,
                            hint: Some("the functions are today, is_set, days_between, add_days, add_months, end_of_month, add_workdays, workdays_between, len, matches and date".into()),
                        });
                    };
                    self.bump()?;
                    let args = self.list(")")?;
                    let end = self.span.1;
                    self.expect_op(")")?;
                    return Ok(Expr {
                        kind: ExprKind::Call(func, args),
                        span: (span.0, end),
                    });
                }
                Ok(Expr {
                    kind: ExprKind::Name(name),
                    span,
                })
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Comma-separated expressions up to (not including) `close`.
    fn list(&mut self, close: &str) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.is_op(close) {
            return Ok(items);
        }
        loop {
            items.push(self.or()?);
            if self.is_op(",") {
                self.bump()?;
                if self.is_op(close) {
                    return Ok(items);
                }
            } else if self.is_op(close) {
                return Ok(items);
            } else {
                return Err(self.unexpected(&format!("`,` or `{close}`")));
            }
        }
    }
}

fn bin(left: Expr, right: Expr, f: impl FnOnce(Box<Expr>, Box<Expr>) -> ExprKind) -> Expr {
    let span = (left.span.0, right.span.1);
    Expr {
        kind: f(Box::new(left), Box::new(right)),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact, fully parenthesised rendering to check the tree's shape.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Text(s) => format!("{s:?}"),
            ExprKind::Date(d) => d.to_string(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Ref(r) => format!("{r:?}"),
            ExprKind::Not(a) => format!("(not {})", show(a)),
            ExprKind::Neg(a) => format!("(- {})", show(a)),
            ExprKind::And(a, b) => format!("({} and {})", show(a), show(b)),
            ExprKind::Or(a, b) => format!("({} or {})", show(a), show(b)),
            ExprKind::Cmp(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
            ExprKind::Add(a, b) => format!("({} + {})", show(a), show(b)),
            ExprKind::Sub(a, b) => format!("({} - {})", show(a), show(b)),
            ExprKind::In(a, l) => format!(
                "({} in [{}])",
                show(a),
                l.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            ExprKind::Call(f, args) => format!(
                "{}({})",
                f.name(),
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            ExprKind::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
        }
    }

    fn p(s: &str) -> String {
        show(&parse(s).unwrap())
    }

    #[test]
    fn long_operator_chains_are_refused_before_they_make_a_deep_tree() {
        // A left-deep tree as deep as the chain is long: the checker, both
        // evaluators and Drop recurse down it (10,000 terms overflowed the
        // stack).
        let chain = |n: usize, op: &str| vec!["p"; n].join(op);
        assert!(parse(&chain(64, " + ")).is_ok());
        assert!(parse(&chain(64, " or ")).is_ok());
        for op in [" + ", " - ", " and ", " or "] {
            let e = parse(&chain(10_000, op)).unwrap_err();
            assert!(
                e.message.contains("more than 64 operators"),
                "{op}: {}",
                e.message
            );
        }
        // Operators in a row and nesting share the one budget.
        let mixed = format!("{}{}{}", "(".repeat(40), chain(30, " + "), ")".repeat(40));
        assert!(parse(&mixed).is_err());
    }

    #[test]
    fn precedence_follows_python() {
        assert_eq!(p("a or b and c"), "(a or (b and c))");
        assert_eq!(p("not a == 1"), "(not (a == 1))");
        assert_eq!(p("a - 1 - 2 < b + -3"), "(((a - 1) - 2) < (b + (- 3)))");
        assert_eq!(p("not not x"), "(not (not x))");
        assert_eq!(
            p("x in [\"a\", \"b\",] and is_set(y)"),
            "((x in [\"a\", \"b\"]) and is_set(y))"
        );
        assert_eq!(
            p("days_between(add_months(d, 1), today()) <= 30"),
            "(days_between(add_months(d, 1), today()) <= 30)"
        );
        assert_eq!(p("(a or b) and c"), "((a or b) and c)");
    }

    #[test]
    fn strings_keep_backslashes_except_quote_escapes() {
        assert_eq!(
            p(r#"matches(s, "^\d{2}\"\\$")"#),
            r#"matches(s, "^\\d{2}\"\\$")"#
        );
        let e = parse(r#""é€😀""#).unwrap();
        assert_eq!(e.kind, ExprKind::Text("é€😀".into()));
    }

    #[test]
    fn spans_cover_the_source() {
        let e = parse("a == \"x\"").unwrap();
        let ExprKind::Cmp(_, l, r) = &e.kind else {
            panic!()
        };
        assert_eq!((l.span, r.span, e.span), ((0, 1), (5, 8), (0, 8)));
        let e = parse("  (a)  ").unwrap();
        assert_eq!(e.span, (2, 5));
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse("a == ").unwrap_err();
        assert_eq!(
            e.message,
            "expected a value, found the end of the expression"
        );
        assert_eq!(e.span, (5, 5));
        let e = parse("a = 1").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span),
            ("`=` is not an operator", (2, 3))
        );
        let e = parse("a < b < c").unwrap_err();
        assert_eq!(e.message, "comparisons cannot be chained");
        let e = parse("f(1)").unwrap_err();
        assert_eq!(e.message, "unknown function `f`");
        let e = parse("\"open").unwrap_err();
        assert_eq!(e.span, (0, 1));
        let e = parse("9007199254740992").unwrap_err();
        assert_eq!(e.message, "the number 9007199254740992 is too large");
        assert!(parse("9007199254740991").is_ok());
        let e = parse("(a and b").unwrap_err();
        assert_eq!(e.message, "expected `)`, found the end of the expression");
        let e = parse("a in b").unwrap_err();
        assert_eq!(e.message, "`in` takes a list");
        let deep = format!("{}x{}", "(".repeat(200), ")".repeat(200));
        assert!(parse(&deep).is_err());
        let e = parse(&format!("a{}", " or a and a".repeat(600))).unwrap_err();
        assert!(e
            .hint
            .as_deref()
            .is_some_and(|h| h.starts_with("split it into computed values")));
        let e = parse("x && y").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("write `and`"));
        assert!(parse("").is_err());
        assert!(parse("1.5").is_err());
    }
}
