//! The one door to YAML.
//!
//! serde_yaml is archived upstream. Every YAML read in tolk goes through this
//! module, and no other module names the crate, so that moving to a
//! maintained fork (serde_yml, serde_norway, ...) is a change of one `use`
//! line here and one line in Cargo.toml.

use serde::de::DeserializeOwned;

use serde_yaml as backend;

/// A YAML error with its position in the YAML text it was given (1-based line
/// and column). Callers shift it into the file the YAML came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// The diagnostic code of an error that has one of its own
    /// (`yaml-alias`); callers use theirs otherwise.
    pub code: Option<&'static str>,
    /// How to fix it, when the mistake is a common one we recognise.
    pub hint: Option<String>,
    /// What the parser itself said and where (line, column), before this
    /// module explained it; `None` for errors this module makes. Callers
    /// that know their YAML's shape (checklists) explain it in their terms.
    pub parser: Option<(String, usize, usize)>,
}

/// Deserialises `src` into `T`.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
    // libyaml's scanner (under serde_yaml) takes time quadratic in the depth
    // of nested `[`/`{`: 50,000 of them take seconds before serde_yaml's own
    // depth limit is reached. Text with that many brackets is first walked
    // by the event parser, which stops at the limit.
    if src.bytes().filter(|b| matches!(b, b'[' | b'{')).count() > MAX_NESTING {
        node_positions(src)?;
    }
    // An alias repeats the node it names, so a few KB of `*a` can stand for
    // gigabytes (the "billion laughs"); serde_yaml expands them all. Every
    // alias is written with `*`, so text without one is not scanned.
    if src.contains('*') {
        refuse_aliases(src)?;
    }
    backend::from_str(src).map_err(|e| {
        let full = e.to_string();
        // libyaml's message is "PROBLEM at line L column C, CONTEXT at line
        // L column C": where it gave up, and what it was reading since where.
        let (problem, context) = match full.split_once(", while ") {
            Some((p, c)) => (p, Some(c)),
            None => (full.as_str(), None),
        };
        // Reader errors (a control character, bad UTF-8) report 1:1 as their
        // location and the real place as "at position N", a character index.
        let (line, column) = match (position_suffix(problem), e.location()) {
            (Some(n), _) => line_col_of_char(src, n),
            (None, Some(l)) => (l.line(), l.column()),
            (None, None) => (1, 1),
        };
        // The position is ours to print, so drop serde_yaml's.
        let problem = strip_position(problem);
        let mut err = YamlError {
            message: problem.to_string(),
            line,
            column,
            code: None,
            hint: None,
            parser: Some((problem.to_string(), line, column)),
        };
        if let Some(context) = context {
            locate_at_cause(src, &mut err, context);
        }
        if problem == "mapping values are not allowed in this context" {
            over_indented(src, &mut err);
        }
        if problem.contains("found a tab character")
            || problem.contains("found character that cannot start any token")
                && src
                    .lines()
                    .nth(line.saturating_sub(1))
                    .is_some_and(|l| l.starts_with('\t'))
        {
            err.hint = Some("indent YAML with spaces; a tab is not allowed there".to_string());
        }
        err
    })
}

/// `yaml-alias` at the first alias (`*name`) of `src`. The event parser
/// never expands an alias, so this costs one pass over the text.
fn refuse_aliases(src: &str) -> Result<(), YamlError> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(src);
    loop {
        // A syntax error is serde_yaml's to report, in its words.
        let Ok((event, mark)) = parser.next_token() else {
            return Ok(());
        };
        match event {
            Event::StreamEnd => return Ok(()),
            Event::Alias(_) => {
                return Err(YamlError {
                    message: "YAML aliases (`*name`) are not allowed".into(),
                    line: mark.line(),
                    column: mark.col() + 1,
                    code: Some("yaml-alias"),
                    hint: Some("an alias repeats the value it names, so a few lines can stand for gigabytes: write the value out where it is needed (a text that starts with `*` must be quoted: `'*text*'`)".into()),
                    parser: None,
                })
            }
            _ => {}
        }
    }
}

/// `text` without serde_yaml's " at line L column C" / " at position N".
fn strip_position(text: &str) -> &str {
    [" at line ", " at position "]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .map_or(text, |i| &text[..i])
}

/// libyaml stops where it runs out of hope, which for an unclosed `[`, `{`
/// or quote is the line after (or the end of the text), and for a key
/// without `:` the next line. Its context says where the cause began: the
/// writer must look there.
fn locate_at_cause(src: &str, err: &mut YamlError, context: &str) {
    let Some(at) = context.find(" at line ") else {
        return;
    };
    let mut numbers = context[at + " at line ".len()..]
        .split(" column ")
        .map(|n| n.trim().parse::<usize>());
    let (Some(Ok(line)), Some(Ok(column))) = (numbers.next(), numbers.next()) else {
        return;
    };
    let what = &context[..at];
    let opener = src
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.chars().nth(column.saturating_sub(1)));
    let (message, hint) = match (what, opener) {
        ("parsing a flow sequence", Some('[')) => (
            format!("this `[` is never closed ({})", err.message),
            "close the list with `]`, or put the value in quotes if the `[` is text: title: \"[Welkom\"",
        ),
        ("parsing a flow mapping", Some('{')) => (
            format!("this `{{` is never closed ({})", err.message),
            "close it with `}`, or put the value in quotes if the `{` is text: title: \"{Welkom\"",
        ),
        ("scanning a quoted scalar", Some(q @ ('"' | '\''))) => (
            format!("this quote `{q}` is never closed ({})", err.message),
            "end the value with the same quote on the same line",
        ),
        ("scanning a simple key", _) => (
            format!("this line has no `:` after its key ({})", err.message),
            "write `key: value`, with a colon and a space after the key",
        ),
        _ => return,
    };
    err.message = message;
    err.hint = Some(hint.to_string());
    err.line = line;
    err.column = column;
}

/// `title: x` followed by `  description: y` reads as one value `x
/// description` with a `:` that cannot be there; libyaml points at that
/// `:`. The cause is the indentation: point at the indented key.
fn over_indented(src: &str, err: &mut YamlError) {
    let lines: Vec<&str> = src.lines().collect();
    let Some(this) = lines.get(err.line.saturating_sub(1)) else {
        return;
    };
    let indent = this.len() - this.trim_start_matches(' ').len();
    let key_end = this
        .find(": ")
        .or_else(|| this.strip_suffix(':').map(str::len));
    // Only when the `:` libyaml names is this line's first, after its key.
    if indent == 0 || key_end.map(|k| this[..k].chars().count() + 1) != Some(err.column) {
        return;
    }
    let above = lines[..err.line - 1]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some(above) = above else { return };
    let above_indent = above.len() - above.trim_start_matches(' ').len();
    if indent <= above_indent || above.trim_end().ends_with(':') {
        return;
    }
    err.message = format!(
        "this line is indented more than the line above it, so it reads as part of that value ({})",
        err.message
    );
    err.hint = Some(format!(
        "start `{}` at column {}, like the key above it",
        this.trim_start().split(':').next().unwrap_or_default(),
        above_indent + 1
    ));
    err.column = indent + 1;
}

fn position_suffix(message: &str) -> Option<usize> {
    let i = message.rfind(" at position ")?;
    message[i + " at position ".len()..].trim().parse().ok()
}

/// 1-based line and column of the `n`th character of `src`.
fn line_col_of_char(src: &str, n: usize) -> (usize, usize) {
    let mut line = 1;
    let mut column = 1;
    for c in src.chars().take(n) {
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Reads YAML into a JSON value, the form in which untyped front-matter keys
/// are kept for templates. A key given twice in one mapping is an error
/// (serde_yaml would keep the last silently).
pub fn to_json(src: &str) -> Result<serde_json::Value, YamlError> {
    match flat_mapping(src) {
        Some(map) => Ok(serde_json::Value::Object(map)),
        None => parsed_to_json(src),
    }
}

/// [`to_json`] by the parsers.
fn parsed_to_json(src: &str) -> Result<serde_json::Value, YamlError> {
    let value = from_str(src)?;
    match duplicate_key(src) {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

/// The YAML that nearly every front matter is, read without the YAML
/// parsers: `key: value` lines at the left margin (and blank lines and `#`
/// comment lines), each value one scalar on its own line that YAML reads
/// as a string: plain, or in quotes without escapes. Both parsers
/// together ([`from_str`] and the duplicate-key scan) took a twelfth of a
/// build of the corpus, for text this simple. `None` for anything else,
/// and for what the parsers would read otherwise (a value that YAML reads
/// as a number, a boolean or null; a key given twice): those go to the
/// parsers, so the result is always theirs. Tests compare the two.
fn flat_mapping(src: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    // Characters that are line breaks for YAML, or not allowed in it at
    // all, or that this reader would have to think about (tabs, `\r`).
    let unusual = |c: char| {
        (c < ' ' && c != '\n')
            || matches!(
                c,
                '\u{7f}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    };
    if src.chars().any(unusual) {
        return None;
    }
    let mut map = serde_json::Map::new();
    for line in src.split('\n') {
        if line.bytes().all(|b| b == b' ') || line.starts_with('#') {
            continue;
        }
        let key_len = line
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')))?;
        let key = &line[..key_len];
        // A key that starts like a number, or is YAML's null or a boolean,
        // is not a plain string key.
        let starts_as_a_word = key
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
        if !starts_as_a_word || key_len > 128 || !plain_string(key) {
            return None;
        }
        let rest = line[key_len..].strip_prefix(':')?;
        if !rest.is_empty() && !rest.starts_with(' ') {
            return None;
        }
        let value = rest.trim_matches(' ');
        let value = if value.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::String(scalar(value)?)
        };
        if map.insert(key.to_string(), value).is_some() {
            return None; // the parsers report it
        }
    }
    (!map.is_empty()).then_some(map)
}

/// The string a one-line YAML scalar (trimmed) stands for, when it is one
/// and [`flat_mapping`] can be sure of it.
fn scalar(value: &str) -> Option<String> {
    if let Some(inner) = value.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then(|| inner.to_string());
    }
    if let Some(inner) = value.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        // Inside single quotes a quote is written twice; a lone one ends
        // the scalar, and whatever follows is not this reader's business.
        let doubled_only = inner.split("''").all(|part| !part.contains('\''));
        return doubled_only.then(|| inner.replace("''", "'"));
    }
    // What may not start a plain scalar, or ends or interrupts one.
    let first = value.chars().next()?;
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || !plain_string(value)
    {
        return None;
    }
    Some(value.to_string())
}

/// Does YAML (as serde_yaml resolves an untagged plain scalar) read
/// `plain` as a string, not as null, a boolean or a number?
fn plain_string(plain: &str) -> bool {
    if matches!(
        plain,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) {
        return false;
    }
    // Every number YAML reads starts with a digit or a `.`, after at most
    // one sign; and holds nothing but these characters (hex digits, the
    // `0x` `0o` `0b` prefixes, signs, the point and the exponent, and the
    // letters of `.inf` and `.nan`).
    let unsigned = plain.strip_prefix(['+', '-']).unwrap_or(plain);
    let starts_like_a_number = unsigned
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if !starts_like_a_number {
        return true;
    }
    if !plain.bytes().all(|b| {
        b.is_ascii_hexdigit()
            || matches!(
                b,
                b'x' | b'o' | b'X' | b'O' | b'+' | b'-' | b'.' | b'i' | b'n' | b'I' | b'N' | b'F'
            )
    }) {
        return true;
    }
    !yaml_number(plain)
}

/// serde_yaml's reading of an untagged plain scalar as a number: an
/// integer (decimal, `0x`, `0o`, `0b`, signed), or a finite float, or
/// `.inf` / `.nan`; not digits with a leading zero (`0123` is a string).
fn yaml_number(s: &str) -> bool {
    let leading_zero = |s: &str| {
        let s = s.strip_prefix(['-', '+']).unwrap_or(s);
        s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
    };
    let radix = |rest: &str, radix: u32| {
        !rest.starts_with(['+', '-']) && u128::from_str_radix(rest, radix).is_ok()
    };
    let unpositive = match s.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return false,
        Some(u) => u,
        None => s,
    };
    let negative = s.strip_prefix('-');
    for (prefix, base) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if unpositive
            .strip_prefix(prefix)
            .is_some_and(|r| radix(r, base))
        {
            return true;
        }
        if negative
            .and_then(|n| n.strip_prefix(prefix))
            .is_some_and(|r| i128::from_str_radix(&format!("-{r}"), base).is_ok())
        {
            return true;
        }
    }
    if leading_zero(s) {
        return false;
    }
    if !unpositive.starts_with(['+', '-']) && unpositive.parse::<u128>().is_ok()
        || s.parse::<i128>().is_ok()
    {
        return true;
    }
    matches!(unpositive, ".inf" | ".Inf" | ".INF")
        || matches!(s, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
        || unpositive.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The second occurrence of the first key that a mapping of `src` holds
/// twice. Only plain and quoted scalar keys are compared.
fn duplicate_key(src: &str) -> Option<YamlError> {
    let mut parser = yaml_rust2::parser::Parser::new_from_str(src);
    let mut keys = DuplicateKeys::default();
    loop {
        let (event, mark) = parser.next_token().ok()?;
        match keys.see(&event, mark) {
            Seen::Duplicate(e) => return Some(*e),
            Seen::Done => return None,
            Seen::More => {}
        }
    }
}

/// What [`DuplicateKeys::see`] makes of one event.
enum Seen {
    /// A key given twice in one mapping: the error at its second place.
    Duplicate(Box<YamlError>),
    /// The end of the document, or nesting too deep to follow.
    Done,
    More,
}

/// The keys of each open mapping, fed the parser's events one by one: the
/// duplicate-key check for a caller that reads the events itself (a YAML
/// page's positions), as for [`duplicate_key`].
#[derive(Default)]
struct DuplicateKeys {
    /// Per open collection: a mapping's keys, and whether the next scalar
    /// is a key; `None` for a sequence.
    stack: Vec<Option<(std::collections::HashSet<String>, bool)>>,
    done: bool,
}

impl DuplicateKeys {
    fn see(
        &mut self,
        event: &yaml_rust2::parser::Event,
        mark: yaml_rust2::scanner::Marker,
    ) -> Seen {
        use yaml_rust2::parser::Event;
        if self.done {
            return Seen::Done;
        }
        let stack = &mut self.stack;
        let is_key = matches!(stack.last(), Some(Some((_, true))));
        match event {
            Event::StreamEnd | Event::DocumentEnd => {
                self.done = true;
                return Seen::Done;
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(Some((_, next_is_key))) = stack.last_mut() {
                    *next_is_key = !is_key;
                }
                if stack.len() >= MAX_NESTING {
                    self.done = true;
                    return Seen::Done;
                }
                stack.push(
                    matches!(event, Event::MappingStart(..))
                        .then(|| (std::collections::HashSet::new(), true)),
                );
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::Scalar(value, ..) => {
                if let Some(Some((keys, next_is_key))) = stack.last_mut() {
                    if is_key {
                        if keys.contains(value) {
                            return Seen::Duplicate(Box::new(YamlError {
                                message: format!(
                                    "the key `{value}` is already given above; only one of the two would be kept"
                                ),
                                line: mark.line(),
                                column: mark.col() + 1,
                                code: None,
                                hint: Some(format!("remove one of the two `{value}:` lines, or merge them")),
                                parser: None,
                            }));
                        }
                        keys.insert(value.clone());
                    }
                    *next_is_key = !is_key;
                }
            }
            Event::Alias(_) => {
                if let Some(Some((_, next_is_key))) = stack.last_mut() {
                    *next_is_key = !is_key;
                }
            }
            _ => {}
        }
        Seen::More
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_line_and_column() {
        let err = from_str::<serde_json::Value>("a: 1\nb: [1, 2\n").unwrap_err();
        // libyaml gives up on line 3; the `[` never closed is on line 2.
        assert_eq!((err.line, err.column), (2, 4), "{}", err.message);
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn aliases_are_refused_at_the_alias() {
        let bomb = "a: &a [1, 2, 3]\nb: [*a, *a]\n";
        let err = from_str::<serde_json::Value>(bomb).unwrap_err();
        assert_eq!(err.code, Some("yaml-alias"));
        assert_eq!((err.line, err.column), (2, 5), "{}", err.message);
        // An anchor alone, and `*` inside text, are fine.
        assert!(from_str::<serde_json::Value>("a: &a 1\nb: '*x*'\nc: x * y\n").is_ok());
    }

    #[test]
    fn reader_errors_get_a_line_too() {
        let err = from_str::<serde_json::Value>("a: 1\nb: \"x\u{1}\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 6), "{}", err.message);
        assert!(!err.message.contains("position"), "{}", err.message);
    }
}

/// How a YAML scalar was written. Checklist diagnostics need it to map a
/// position inside the scalar's *value* back to a position in the source: a
/// plain scalar's value is its source text, a quoted one is shifted by its
/// quote and its escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`: the position is that of the first content character.
    Block,
}

/// Where one node of a YAML document starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePos {
    /// Byte offset into the YAML text: the opening quote of a quoted scalar,
    /// the first character of a plain one, the `{`/`[` of a flow collection,
    /// the first key or `-` of a block collection.
    pub offset: usize,
    /// `None` for mappings and sequences.
    pub style: Option<ScalarStyle>,
}

/// How deep [`node_positions`] follows nested collections.
const MAX_NESTING: usize = 128;

/// The start of every node of `src`, by path: keys joined with `.`, sequence
/// items by their index (`inputs.2.when`). A key's own position is under
/// `path` + `#key`. serde_yaml gives positions only for its errors, so
/// checks that run after deserialising (unknown names, type errors inside
/// expressions) look their positions up here. Only the first document is
/// read; aliases are recorded where they stand.
pub fn node_positions(src: &str) -> Result<Vec<(String, NodePos)>, YamlError> {
    positions(src, None)
}

/// [`to_json`] and [`node_positions`] of one text, which a YAML page needs
/// both of: the duplicate-key check rides on the positions' pass over the
/// events instead of a pass of its own. The same results and errors as
/// calling the two.
pub fn to_json_with_positions(
    src: &str,
) -> Result<(serde_json::Value, Vec<(String, NodePos)>), YamlError> {
    let value = match flat_mapping(src) {
        Some(map) => serde_json::Value::Object(map),
        None => from_str(src)?,
    };
    let positions = positions(src, Some(DuplicateKeys::default()))?;
    Ok((value, positions))
}

/// [`node_positions`], and with `duplicates` the first key given twice,
/// as an error where [`to_json`] reports it.
fn positions(
    src: &str,
    mut duplicates: Option<DuplicateKeys>,
) -> Result<Vec<(String, NodePos)>, YamlError> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;

    // yaml-rust2 counts positions in characters; diagnostics want bytes.
    let char_to_byte: Vec<usize> = src
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(src.len()))
        .collect();
    let byte = |chars: usize| char_to_byte.get(chars).copied().unwrap_or(src.len());

    enum Frame {
        Map { next_is_key: bool, key: String },
        Seq { index: usize },
    }
    fn child_path(stack: &[Frame], base: &[String]) -> String {
        let mut parts: Vec<String> = base.to_vec();
        match stack.last() {
            Some(Frame::Map { key, .. }) => parts.push(key.clone()),
            Some(Frame::Seq { index }) => parts.push(index.to_string()),
            None => {}
        }
        parts.retain(|p| !p.is_empty());
        parts.join(".")
    }

    let mut out: Vec<(String, NodePos)> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // The path segments of the collections that are open.
    let mut base: Vec<String> = Vec::new();
    // Open block mappings record their position at their first key.
    let mut pending_map: Option<usize> = None;
    let mut parser = Parser::new_from_str(src);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            message: e.info().to_string(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
            code: None,
            hint: None,
            parser: None,
        })?;
        if let Some(Seen::Duplicate(e)) = duplicates.as_mut().map(|d| d.see(&event, mark)) {
            return Err(*e);
        }
        let at = byte(mark.index());
        if let Some(slot) = pending_map.take() {
            if let Some(entry) = out.get_mut(slot) {
                entry.1.offset = entry.1.offset.min(at);
            }
        }
        match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar(value, style, ..) => {
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Map {
                        next_is_key: true,
                        ..
                    })
                );
                if is_key {
                    if let Some(Frame::Map { next_is_key, key }) = stack.last_mut() {
                        *key = value;
                        *next_is_key = false;
                    }
                    let path = child_path(&stack, &base);
                    out.push((
                        format!("{path}#key"),
                        NodePos {
                            offset: at,
                            style: None,
                        },
                    ));
                    continue;
                }
                let style = match style {
                    TScalarStyle::Plain => ScalarStyle::Plain,
                    TScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    TScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    TScalarStyle::Literal | TScalarStyle::Folded => ScalarStyle::Block,
                };
                out.push((
                    child_path(&stack, &base),
                    NodePos {
                        offset: at,
                        style: Some(style),
                    },
                ));
                advance(&mut stack);
            }
            Event::Alias(_) => {
                out.push((
                    child_path(&stack, &base),
                    NodePos {
                        offset: at,
                        style: None,
                    },
                ));
                advance(&mut stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // Every node's path spells out its ancestors, so deep
                // nesting costs depth × nodes; serde_yaml refuses more than
                // 128 levels anyway.
                if stack.len() >= MAX_NESTING {
                    return Err(YamlError {
                        message: format!("the YAML is nested more than {MAX_NESTING} levels deep"),
                        line: mark.line(),
                        column: mark.col() + 1,
                        code: None,
                        hint: None,
                        parser: None,
                    });
                }
                let path = child_path(&stack, &base);
                out.push((
                    path.clone(),
                    NodePos {
                        offset: at,
                        style: None,
                    },
                ));
                if matches!(event, Event::MappingStart(..)) {
                    pending_map = Some(out.len() - 1);
                }
                base.push(match stack.last() {
                    Some(Frame::Map { key, .. }) => key.clone(),
                    Some(Frame::Seq { index }) => index.to_string(),
                    None => String::new(),
                });
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        next_is_key: true,
                        key: String::new(),
                    }
                } else {
                    Frame::Seq { index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                base.pop();
                advance(&mut stack);
            }
            _ => {}
        }
    }
    return Ok(out);

    /// After a value: a mapping expects its next key, a sequence its next item.
    fn advance(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { next_is_key, .. }) => *next_is_key = true,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }
}

#[cfg(test)]
mod flat_tests {
    use super::*;
    use proptest::prelude::*;

    fn same_as_parsers(src: &str) {
        if let Some(map) = flat_mapping(src) {
            let parsed = parsed_to_json(src);
            assert_eq!(
                parsed.as_ref().ok(),
                Some(&serde_json::Value::Object(map)),
                "{src:?}: the parsers say {parsed:?}"
            );
        }
    }

    #[test]
    fn docfx_front_matter_is_read_without_the_parsers() {
        let src = "title: Twee niveaus: \"van\" MPN\nms.date: 06/17/2020\n# note\n\nms.custom: SEOMAY.20\nms.openlocfilehash: 47592fb0d0a81a827982e48b35381c59bb079c66\nms.locfileid: \"126244957\"\ndescription: 'It''s here: now'\nempty:\n";
        let src = src.replace("Twee niveaus: \"van\" MPN", "Twee niveaus van MPN");
        let map = flat_mapping(&src).expect("simple front matter takes the fast path");
        assert_eq!(map["title"], "Twee niveaus van MPN");
        assert_eq!(map["ms.date"], "06/17/2020");
        assert_eq!(map["ms.locfileid"], "126244957");
        assert_eq!(map["description"], "It's here: now");
        assert_eq!(map["empty"], serde_json::Value::Null);
        same_as_parsers(&src);
    }

    #[test]
    fn what_yaml_reads_otherwise_goes_to_the_parsers() {
        for src in [
            "a: 12\n",
            "a: 0x1F\n",
            "a: -.inf\n",
            "a: 1e5\n",
            "a: true\n",
            "a: ~\n",
            "a: x\na: y\n",
            "a: x # comment\n",
            "a: x\n  continued\n",
            "a:\n- 1\n",
            "a: [1, 2]\n",
            "a: \"esc\\n\"\n",
            "a: 'lone ' quote'\n",
            "a:x\n",
            "true: x\n",
            "a: x\r\n",
            "\u{feff}a: x\n",
            "",
            "# only a comment\n",
        ] {
            assert_eq!(flat_mapping(src), None, "{src:?}");
        }
        // A number-like string that YAML keeps a string takes the fast path.
        for s in [
            "0123",
            "1.2.3",
            "47592fb0d",
            "06/17/2020",
            "+-1",
            "0x",
            "1_000",
        ] {
            let src = format!("a: {s}\n");
            assert_eq!(
                flat_mapping(&src).map(|m| m["a"].clone()),
                Some(s.into()),
                "{s}"
            );
            same_as_parsers(&src);
        }
    }

    /// Every front matter and YAML page of the shared corpus, Dutch and
    /// English: where the fast path reads one, it reads what the parsers do.
    #[test]
    #[ignore = "needs the shared corpus: $TOLK_CORPUS or ../shared/corpus (.ci/run runs it)"]
    fn corpus_front_matter_reads_the_same() {
        let root = std::env::var_os("TOLK_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "../shared/corpus".into());
        let (mut fast, mut all) = (0, 0);
        for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
            let path = entry.path();
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let yaml = match path.extension().and_then(|e| e.to_str()) {
                Some("yml") => text.as_str(),
                Some("md") => match crate::content::split_front_matter(&text) {
                    Ok(Some((range, _))) => &text[range],
                    _ => continue,
                },
                _ => continue,
            };
            all += 1;
            fast += usize::from(flat_mapping(yaml).is_some());
            same_as_parsers(yaml);
            let two = to_json(yaml).and_then(|v| node_positions(yaml).map(|p| (v, p)));
            assert_eq!(to_json_with_positions(yaml), two, "{}", path.display());
        }
        eprintln!("fast path: {fast} of {all}");
        // The corpus's front matter is the simple kind: nearly all of it
        // takes the fast path (else this saves nothing).
        assert!(all > 700 && fast * 10 > all * 9, "{fast} of {all}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Number-like plain scalars: the fast path's string is the parsers'.
        #[test]
        fn numbers_are_resolved_as_the_parsers_do(s in "[-+0-9a-fxobAFINn._eE ]{1,9}") {
            same_as_parsers(&format!("k: {s}\n"));
        }

        /// A YAML page's one pass gives what the two calls give, errors
        /// included (a key given twice, before or after a syntax error).
        #[test]
        fn positions_and_duplicates_in_one_pass(lines in proptest::collection::vec(
            prop_oneof![
                // Mostly well-formed lines, so that keys given twice are
                // often in one mapping of a document that parses.
                4 => "(  )?(- )?(a|b|d.e): (x|1|'q'|\"d\")",
                2 => "(  )?(- )?(a|b):",
                1 => "( {0,3})(- )?(a|b|c)?(:|: )?(x|\\[1, 2|\\{a: 1\\}|\\[|&n v|\\*n|\\|)?",
            ],
            0..8,
        )) {
            let src = lines.join("\n");
            let two = to_json(&src).and_then(|v| node_positions(&src).map(|p| (v, p)));
            prop_assert_eq!(to_json_with_positions(&src), two, "{:?}", src);
        }

        /// Lines of every shape the fast path has to tell apart.
        #[test]
        fn the_fast_path_agrees_with_the_parsers(lines in proptest::collection::vec(
            "(#|[ ]{0,2})?[a-zA-Z_0-9.-]{0,6}(:|: |:  | :)?([-?:,#&*!|>'\"%@`~ a-z0-9.+é\\\t]|\\[|\\{){0,10}",
            0..5,
        )) {
            same_as_parsers(&lines.join("\n"));
        }
    }
}

#[cfg(test)]
mod position_tests {
    use super::*;

    #[test]
    fn deep_nesting_stops_at_the_limit() {
        // 50,000 levels took seconds (paths of every ancestor per node, and
        // libyaml's scanner under serde_yaml is quadratic in flow depth).
        let deep = format!("x: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
        assert!(node_positions(&deep).is_err());
        assert!(from_str::<serde_json::Value>(&deep).is_err());
        let e = node_positions(&format!("x: {}\n", "[".repeat(200))).unwrap_err();
        assert_eq!(e.message, "the YAML is nested more than 128 levels deep");
        assert_eq!(e.line, 1);
        let ok = format!("x: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(from_str::<serde_json::Value>(&ok).is_ok());
    }

    #[test]
    fn positions_of_nested_nodes_in_bytes() {
        let src = "é: 1\nlist:\n  - {a: \"x\", b: 'y'}\n  - c: plain text\n    d: |\n      blk\n";
        let table = node_positions(src).unwrap();
        let get = |p: &str| table.iter().find(|(k, _)| k == p).map(|(_, v)| *v).unwrap();
        assert_eq!(get("é").offset, src.find('1').unwrap());
        assert_eq!(get("list.0.a").offset, src.find("\"x").unwrap());
        assert_eq!(get("list.0.a").style, Some(ScalarStyle::DoubleQuoted));
        assert_eq!(get("list.0.b").offset, src.find("'y").unwrap());
        assert_eq!(get("list.0").offset, src.find('{').unwrap());
        assert_eq!(get("list.1").offset, src.find("c:").unwrap());
        assert_eq!(get("list.1.c").offset, src.find("plain").unwrap());
        assert_eq!(get("list.1.d").offset, src.find("blk").unwrap());
        assert_eq!(get("list.1.d#key").offset, src.find("d:").unwrap());
    }
}
