//! The regex subset of `matches(s, "re")`, compiled to a small NFA program
//! that both evaluators run with the same Pike-VM simulation.
//!
//! Why our own matcher: Rust's `regex` and JS `RegExp` disagree on `\d`,
//! `\w`, `\s` (Unicode vs ASCII), on what `.` matches, on flags and on many
//! escapes. Rather than prove a translation equivalent, the checker compiles
//! the pattern once, the Rust evaluator runs the program, and the generated
//! JS carries the *same program* as data for the runtime's identical loop.
//! The simulation is linear in the text length (no backtracking), so a
//! pattern cannot hang a reader's browser.
//!
//! The subset: literal characters (matched by Unicode scalar value), `.`
//! (any character except `\n`), classes `[a-z_]`, `[^0-9]`, the ASCII
//! classes `\d` `\w` `\s` and their negations `\D` `\W` `\S`, escapes of
//! ASCII punctuation (`\.`, `\+`, ...) and `\n` `\r` `\t`, groups `( )` and
//! `(?: )`, alternation `|`, repetition `* + ? {m} {m,} {m,n}` (greedy; no
//! lazy or possessive forms, which mean nothing for a yes/no match anyway),
//! and the anchors `^` `$` (start and end of the whole text). A match may
//! start anywhere unless anchored. Anything else is a build error.

use std::fmt;

/// One instruction. The JS form is an array `[opcode, ...operands]`, written
/// by [`Program::to_js`] and read by `checklist.js`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inst {
    /// 0: one character.
    Char(u32),
    /// 1: any character except `\n`.
    Any,
    /// 2: a character in (or, negated, not in) any of the inclusive ranges.
    Class(bool, Vec<(u32, u32)>),
    /// 3: continue at both.
    Split(usize, usize),
    /// 4: continue at.
    Jmp(usize),
    /// 5: at the start of the text.
    Start,
    /// 6: at the end of the text.
    End,
    /// 7: success.
    Match,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub insts: Vec<Inst>,
    /// The pattern as written, for messages and the form's data.
    pub source: String,
}

/// A pattern outside the subset, with the byte offset (in the pattern) of
/// the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub message: String,
    pub offset: usize,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Limits that keep every program small: counted repetition is expanded,
/// and a class carries its ranges into every copy. A program's size is its
/// instructions plus its classes' ranges ([`Program::size`]): one 12 KB
/// pattern of a 3,000-range class, repeated, once made a 235 MB script.
const MAX_REPEAT: u32 = 100;
/// The most ranges one class may have once merged (`[a-z]` is one).
pub const MAX_CLASS_RANGES: usize = 256;
/// The largest program, counted as [`Program::size`] does.
pub const MAX_PROGRAM: usize = 10_000;

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(u32),
    Any,
    Class(bool, Vec<(u32, u32)>),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

struct P<'a> {
    chars: Vec<(usize, char)>,
    i: usize,
    src: &'a str,
    depth: usize,
}

fn e(message: impl Into<String>, offset: usize) -> RegexError {
    RegexError {
        message: message.into(),
        offset,
    }
}

const DIGIT: &[(u32, u32)] = &[(0x30, 0x39)];
const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
const SPACE: &[(u32, u32)] = &[(0x09, 0x0D), (0x20, 0x20)];

impl P<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).map(|c| c.1)
    }
    fn off(&self) -> usize {
        self.chars.get(self.i).map_or(self.src.len(), |c| c.0)
    }

    fn alt(&mut self) -> Result<Node, RegexError> {
        self.depth += 1;
        if self.depth > 50 {
            return Err(e("the pattern is nested too deeply", self.off()));
        }
        let mut arms = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.i += 1;
            arms.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if arms.len() == 1 {
            arms.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(arms)
        })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, RegexError> {
        let at = self.off();
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.i += 1;
                let min = self.number()?;
                let max = if self.peek() == Some(',') {
                    self.i += 1;
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') {
                    return Err(e("a repetition `{m,n}` needs its closing `}`", at));
                }
                if max.is_some_and(|m| m < min) {
                    return Err(e("in `{m,n}`, m must not be larger than n", at));
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.i += 1;
        if matches!(atom, Node::Start | Node::End) {
            return Err(e("an anchor cannot be repeated", at));
        }
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(e(
                "lazy, possessive and doubled repetitions are not supported",
                self.off(),
            ));
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }

    fn number(&mut self) -> Result<u32, RegexError> {
        let at = self.off();
        let mut n: u32 = 0;
        let mut any = false;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            any = true;
            self.i += 1;
        }
        if !any {
            return Err(e("expected a number in `{m,n}`", at));
        }
        if n > MAX_REPEAT {
            return Err(e(format!("repetition counts go up to {MAX_REPEAT}"), at));
        }
        Ok(n)
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let at = self.off();
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        self.i += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => {
                if self.peek() == Some('?') {
                    if self.chars.get(self.i + 1).map(|c| c.1) == Some(':') {
                        self.i += 2;
                    } else {
                        return Err(e(
                            "only `(?:...)` groups are supported (no lookaround, flags or named groups)",
                            at,
                        ));
                    }
                }
                let inner = self.alt()?;
                if self.peek() != Some(')') {
                    return Err(e("this group has no closing `)`", at));
                }
                self.i += 1;
                inner
            }
            ')' => return Err(e("unmatched `)`", at)),
            '[' => self.class(at)?,
            '\\' => match self.escape(at)? {
                Esc::Char(c) => Node::Char(c),
                Esc::Class(neg, r) => Node::Class(neg, r.to_vec()),
            },
            '*' | '+' | '?' | '{' => return Err(e(format!("`{c}` has nothing to repeat"), at)),
            ']' | '}' => return Err(e(format!("write a literal `{c}` as `\\{c}`"), at)),
            c => Node::Char(c as u32),
        })
    }

    fn escape(&mut self, at: usize) -> Result<Esc, RegexError> {
        let Some(c) = self.peek() else {
            return Err(e("the pattern ends in a lone `\\`", at));
        };
        self.i += 1;
        Ok(match c {
            'd' => Esc::Class(false, DIGIT),
            'D' => Esc::Class(true, DIGIT),
            'w' => Esc::Class(false, WORD),
            'W' => Esc::Class(true, WORD),
            's' => Esc::Class(false, SPACE),
            'S' => Esc::Class(true, SPACE),
            'n' => Esc::Char(0x0A),
            'r' => Esc::Char(0x0D),
            't' => Esc::Char(0x09),
            c if c.is_ascii_punctuation() => Esc::Char(c as u32),
            c => return Err(e(format!("the escape `\\{c}` is not supported"), at)),
        })
    }

    fn class(&mut self, at: usize) -> Result<Node, RegexError> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut first = true;
        loop {
            let item_at = self.off();
            let Some(c) = self.peek() else {
                return Err(e("this class has no closing `]`", at));
            };
            self.i += 1;
            let lo = match c {
                ']' if first => {
                    return Err(e(
                        "an empty class `[]` matches nothing; write a literal `]` as `\\]`",
                        item_at,
                    ))
                }
                ']' => break,
                '[' => return Err(e("write a literal `[` inside a class as `\\[`", item_at)),
                '\\' => match self.escape(item_at)? {
                    Esc::Char(c) => c,
                    Esc::Class(neg, r) => {
                        if neg {
                            return Err(e(
                                "`\\D`, `\\W` and `\\S` are not supported inside a class",
                                item_at,
                            ));
                        }
                        ranges.extend_from_slice(r);
                        first = false;
                        continue;
                    }
                },
                c => c as u32,
            };
            first = false;
            // A range `a-z`, unless the `-` is the class's last character.
            let is_range =
                self.peek() == Some('-') && self.chars.get(self.i + 1).is_some_and(|c| c.1 != ']');
            if !is_range {
                ranges.push((lo, lo));
                continue;
            }
            self.i += 1;
            let hi_at = self.off();
            let hi = match self.peek() {
                Some('\\') => {
                    self.i += 1;
                    match self.escape(hi_at)? {
                        Esc::Char(c) => c,
                        Esc::Class(..) => {
                            return Err(e("a class like `\\d` cannot end a range", hi_at))
                        }
                    }
                }
                Some('[') => return Err(e("write a literal `[` inside a class as `\\[`", hi_at)),
                Some(c) => {
                    self.i += 1;
                    c as u32
                }
                None => return Err(e("this class has no closing `]`", at)),
            };
            if hi < lo {
                return Err(e("this range runs backwards", item_at));
            }
            ranges.push((lo, hi));
        }
        let ranges = merge_ranges(ranges);
        if ranges.len() > MAX_CLASS_RANGES {
            return Err(e(
                format!(
                    "this class has {} separate ranges; a class may have at most {MAX_CLASS_RANGES}",
                    ranges.len()
                ),
                at,
            ));
        }
        Ok(Node::Class(negated, ranges))
    }
}

/// Sorted, with overlapping and adjacent ranges joined: the same set of
/// characters in the fewest ranges.
fn merge_ranges(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

enum Esc {
    Char(u32),
    Class(bool, &'static [(u32, u32)]),
}

/// Compiles `pattern`, or says why it is outside the subset.
pub fn compile(pattern: &str) -> Result<Program, RegexError> {
    let mut p = P {
        chars: pattern.char_indices().collect(),
        i: 0,
        src: pattern,
        depth: 0,
    };
    let node = p.alt()?;
    if p.i < p.chars.len() {
        return Err(e("unmatched `)`", p.off()));
    }
    let mut insts = Vec::new();
    let mut size = 0;
    emit(&node, &mut insts, &mut size)?;
    insts.push(Inst::Match);
    size += 1;
    if size > MAX_PROGRAM {
        return Err(too_large());
    }
    Ok(Program {
        insts,
        source: pattern.to_string(),
    })
}

fn too_large() -> RegexError {
    e(
        format!(
            "the pattern is too large once its repetitions are expanded (more than \
             {MAX_PROGRAM} instructions and class ranges); repeat less, or use shorter classes"
        ),
        0,
    )
}

/// Appends the program of `node`; `size` counts instructions and class
/// ranges written so far, and is checked before each is written.
fn emit(node: &Node, out: &mut Vec<Inst>, size: &mut usize) -> Result<(), RegexError> {
    if *size > MAX_PROGRAM {
        return Err(too_large());
    }
    *size += match node {
        Node::Class(_, r) => 1 + r.len(),
        Node::Char(_) | Node::Any | Node::Start | Node::End => 1,
        _ => 0,
    };
    match node {
        Node::Empty => {}
        Node::Char(c) => out.push(Inst::Char(*c)),
        Node::Any => out.push(Inst::Any),
        Node::Class(n, r) => out.push(Inst::Class(*n, r.clone())),
        Node::Start => out.push(Inst::Start),
        Node::End => out.push(Inst::End),
        Node::Concat(items) => {
            for i in items {
                emit(i, out, size)?;
            }
        }
        Node::Alt(arms) => {
            // split L1, next; L1: arm0; jmp end; next: split ... ; last arm
            let mut jumps = Vec::new();
            for (k, arm) in arms.iter().enumerate() {
                if k + 1 < arms.len() {
                    let split = out.len();
                    out.push(Inst::Split(split + 1, 0));
                    *size += 2;
                    emit(arm, out, size)?;
                    jumps.push(out.len());
                    out.push(Inst::Jmp(0));
                    let next = out.len();
                    out[split] = Inst::Split(split + 1, next);
                } else {
                    emit(arm, out, size)?;
                }
            }
            let end = out.len();
            for j in jumps {
                out[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat(inner, min, max) => {
            for _ in 0..*min {
                emit(inner, out, size)?;
            }
            match max {
                None => {
                    // L: split body, end; body; jmp L
                    let l = out.len();
                    out.push(Inst::Split(l + 1, 0));
                    *size += 2;
                    emit(inner, out, size)?;
                    out.push(Inst::Jmp(l));
                    let end = out.len();
                    out[l] = Inst::Split(l + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(out.len());
                        out.push(Inst::Split(0, 0));
                        *size += 1;
                        emit(inner, out, size)?;
                    }
                    let end = out.len();
                    for s in splits {
                        out[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

impl Program {
    /// Instructions plus class ranges: what the generated script and each
    /// step of the matcher cost.
    pub fn size(&self) -> usize {
        self.insts
            .iter()
            .map(|i| match i {
                Inst::Class(_, r) => 1 + r.len(),
                _ => 1,
            })
            .sum()
    }

    /// Whether the pattern matches anywhere in `text`. A Pike VM: all threads
    /// advance together one character at a time, each program counter at
    /// most once per position, so the work is bounded by
    /// `text length × program length`. `checklist.js` has the same loop.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<u32> = text.chars().map(|c| c as u32).collect();
        let n = self.insts.len();
        let mut clist: Vec<usize> = Vec::new();
        let mut nlist: Vec<usize> = Vec::new();
        let mut seen = vec![usize::MAX; n];
        for pos in 0..=chars.len() {
            // A new attempt starts at every position (unanchored search).
            if self.add(&mut clist, &mut seen, 0, pos, chars.len()) {
                return true;
            }
            let Some(&c) = chars.get(pos) else { break };
            nlist.clear();
            let next_pos = pos + 1;
            for &pc in &clist {
                let ok = match &self.insts[pc] {
                    Inst::Char(x) => *x == c,
                    Inst::Any => c != 0x0A,
                    Inst::Class(neg, ranges) => {
                        ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *neg
                    }
                    _ => false,
                };
                if ok && self.add(&mut nlist, &mut seen, pc + 1, next_pos, chars.len()) {
                    return true;
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
        }
        false
    }

    /// Adds the thread at `pc` and everything reachable from it without
    /// reading a character; true if that reaches `Match`. `seen[pc] == pos`
    /// marks a pc already added at this position.
    fn add(
        &self,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        pc: usize,
        pos: usize,
        len: usize,
    ) -> bool {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if pc >= self.insts.len() || seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.insts[pc] {
                Inst::Match => return true,
                Inst::Jmp(x) => stack.push(*x),
                Inst::Split(x, y) => {
                    stack.push(*y);
                    stack.push(*x);
                }
                Inst::Start => {
                    if pos == 0 {
                        stack.push(pc + 1)
                    }
                }
                Inst::End => {
                    if pos == len {
                        stack.push(pc + 1)
                    }
                }
                _ => list.push(pc),
            }
        }
        false
    }

    /// The program as a JS array literal: `[[0,97],[7]]`.
    pub fn to_js(&self) -> String {
        let parts: Vec<String> = self
            .insts
            .iter()
            .map(|i| match i {
                Inst::Char(c) => format!("[0,{c}]"),
                Inst::Any => "[1]".to_string(),
                Inst::Class(neg, r) => {
                    let mut s = format!("[2,{}", u8::from(*neg));
                    for (lo, hi) in r {
                        s.push_str(&format!(",{lo},{hi}"));
                    }
                    s.push(']');
                    s
                }
                Inst::Split(x, y) => format!("[3,{x},{y}]"),
                Inst::Jmp(x) => format!("[4,{x}]"),
                Inst::Start => "[5]".to_string(),
                Inst::End => "[6]".to_string(),
                Inst::Match => "[7]".to_string(),
            })
            .collect();
        format!("[{}]", parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(re: &str, s: &str) -> bool {
        compile(re).unwrap().is_match(s)
    }

    #[test]
    fn matches_like_the_usual_dialects_within_the_subset() {
        assert!(m(r"^\d{1,10}$", "0612345678"));
        assert!(!m(r"^\d{1,10}$", "06123456789"));
        assert!(!m(r"^\d{1,10}$", "+31612345"));
        assert!(!m(r"^\d{1,10}$", "06 1234"));
        assert!(!m(r"^\d{1,10}$", ""));
        assert!(!m(r"^\d+$", "١٢٣"), "\\d is ASCII only");
        assert!(m("a|b", "xbx"));
        assert!(m("^(ab|c)*$", "abcab"));
        assert!(!m("^(ab|c)*$", "abca"));
        assert!(m("^(a*)*$", "aaa"), "empty loops terminate");
        assert!(m("^.$", "😀"), "a character is a scalar value");
        assert!(!m("^.$", "\n"));
        assert!(m("^[^a-c]é$", "dé"));
        assert!(m(r"^[\d_-]+$", "12_-"));
        assert!(m(r"\.", "a.b") && !m(r"\.", "ab"));
        assert!(m("^a{2,}$", "aaaa") && !m("^a{2,}$", "a"));
        assert!(m("^a?b$", "b"));
        assert!(m("", "anything"));
        assert!(m(r"^\s\S\w\W$", "\tx_!"));
        assert!(m("(?:x)$", "ax"));
    }

    #[test]
    fn refuses_what_is_outside_the_subset() {
        for (re, msg) in [
            (r"\bword", "the escape `\\b` is not supported"),
            (
                r"(?=a)",
                "only `(?:...)` groups are supported (no lookaround, flags or named groups)",
            ),
            (
                r"(?i)a",
                "only `(?:...)` groups are supported (no lookaround, flags or named groups)",
            ),
            (r"\p{L}", "the escape `\\p` is not supported"),
            (r"(a)\1", "the escape `\\1` is not supported"),
            (
                "a*?",
                "lazy, possessive and doubled repetitions are not supported",
            ),
            ("*a", "`*` has nothing to repeat"),
            ("(a", "this group has no closing `)`"),
            ("a)", "unmatched `)`"),
            ("[a", "this class has no closing `]`"),
            ("[z-a]", "this range runs backwards"),
            ("a{101}", "repetition counts go up to 100"),
            ("a{3,2}", "in `{m,n}`, m must not be larger than n"),
            ("a{2", "a repetition `{m,n}` needs its closing `}`"),
            ("a]", "write a literal `]` as `\\]`"),
        ] {
            assert_eq!(compile(re).unwrap_err().message, msg, "{re}");
        }
        assert_eq!(compile(r"ab\q").unwrap_err().offset, 2);
        assert!(compile("(a{100}){100}").is_err());
    }
}
