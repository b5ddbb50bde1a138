//! Run-time values and the primitives on them. Each function here has a
//! twin of the same name in `themes/default/static/checklist.js`; the two
//! are kept one to one so that the differential tests compare like with
//! like.

use crate::date::Date;
use crate::lang::Lang;

use super::expr::MAX_INT;

/// A value during evaluation. A choice's value is its `Text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Unset,
    Bool(bool),
    Int(i64),
    Text(String),
    Date(Date),
}

/// What went wrong in an evaluation: the value becomes unset and the item is
/// reported in `errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalError {
    IntOverflow,
    DateOutOfRange,
}

impl EvalError {
    /// The message in `errors`; the same words are in `checklist.js`.
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (EvalError::IntOverflow, Lang::Nl) => {
                "Het getal valt buiten het bereik van -9007199254740991 tot 9007199254740991."
            }
            (EvalError::IntOverflow, Lang::En) => {
                "The number is outside the range -9007199254740991 to 9007199254740991."
            }
            (EvalError::DateOutOfRange, Lang::Nl) => {
                "De datum valt buiten de jaren 1 tot en met 9999."
            }
            (EvalError::DateOutOfRange, Lang::En) => "The date is outside the years 1 to 9999.",
        }
    }
}

/// Kleene logic on the three values `true`, `false`, unset.
pub fn and(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
        (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
        _ => Value::Unset,
    }
}

pub fn or(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Bool(true), _) | (_, Value::Bool(true)) => Value::Bool(true),
        (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
        _ => Value::Unset,
    }
}

pub fn not(a: &Value) -> Value {
    match a {
        Value::Bool(b) => Value::Bool(!b),
        _ => Value::Unset,
    }
}

/// `==`; unset on either side gives unset. The checker has made sure both
/// sides have the same type.
pub fn eq(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Unset, _) | (_, Value::Unset) => Value::Unset,
        (a, b) => Value::Bool(a == b),
    }
}

/// Ordering: ints and dates by number, text by code point (Rust's `str`
/// order is byte order of UTF-8, which is code point order).
pub fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.as_str().cmp(y.as_str())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// An int result, or an overflow error beyond ±(2^53−1).
pub fn int(v: i64) -> Result<Value, EvalError> {
    if (-MAX_INT..=MAX_INT).contains(&v) {
        Ok(Value::Int(v))
    } else {
        Err(EvalError::IntOverflow)
    }
}

pub fn date(d: Option<Date>) -> Result<Value, EvalError> {
    d.map(Value::Date).ok_or(EvalError::DateOutOfRange)
}

/// Reads an int answer: `-?[0-9]{1,16}` within ±(2^53−1), by a digit loop
/// that `checklist.js` repeats exactly (no `parse`, which takes `+12`).
pub fn parse_int(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut n: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    if n > MAX_INT {
        return None;
    }
    Some(if neg { -n } else { n })
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
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

/// A date as readers write it: `31 maart 2021`, `March 31, 2021`.
pub fn format_date(d: Date, lang: Lang) -> String {
    let (y, m, day) = d.ymd();
    let i = (m as usize).saturating_sub(1).min(11);
    match lang {
        Lang::Nl => format!("{day} {} {y}", MONTHS_NL[i]),
        Lang::En => format!("{} {day}, {y}", MONTHS_EN[i]),
    }
}

/// What an unset value shows as inside a message.
pub const UNSET_TEXT: &str = "—";

/// Appends `s` as a JSON string: `"` `\` and control characters escaped
/// (`\n`-style where JSON has a short form, else `\u00xx`), everything else
/// as is. `JSON.stringify` does the same for well-formed strings, and the
/// runtime's writer mirrors this function.
pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_tables() {
        let (t, f, u) = (Value::Bool(true), Value::Bool(false), Value::Unset);
        assert_eq!(and(&f, &u), f);
        assert_eq!(and(&u, &f), f);
        assert_eq!(and(&t, &u), u);
        assert_eq!(or(&t, &u), t);
        assert_eq!(or(&u, &t), t);
        assert_eq!(or(&f, &u), u);
        assert_eq!(not(&u), u);
        assert_eq!(eq(&u, &u), u);
    }

    #[test]
    fn int_answers_are_plain_digits() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-0"), Some(0));
        assert_eq!(parse_int("9007199254740991"), Some(MAX_INT));
        assert_eq!(parse_int("-9007199254740991"), Some(-MAX_INT));
        for bad in [
            "",
            "-",
            "+1",
            "1.0",
            "1e3",
            "0x10",
            " 1",
            "9007199254740992",
            "12345678901234567",
            "١",
        ] {
            assert_eq!(parse_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_read_as_in_the_articles() {
        let d = Date::parse_iso("2021-03-31").unwrap();
        assert_eq!(format_date(d, Lang::Nl), "31 maart 2021");
        assert_eq!(format_date(d, Lang::En), "March 31, 2021");
    }

    #[test]
    fn json_strings_escape_like_json_stringify() {
        let mut s = String::new();
        write_json_str(&mut s, "a\"b\\c\n\u{1}\u{7f}é\u{2028}😀");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\u{7f}é\u{2028}😀\"");
    }
}
