//! Differential tests: the Rust evaluator and the generated JS (run in
//! Node with the theme's runtime) must give the same JSON, byte for byte.
//!
//! Two sources of checklists: the seed articles' own checklists, under
//! thousands of random and boundary answers, and proptest-generated
//! checklists whose expressions are random typed trees over every type,
//! operator and function. All evaluations of a test run in one Node
//! process, so the suite stays fast.

#[path = "cases/common.rs"]
mod common;

use std::path::Path;

use common::{run_node, Case};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use tolk::checklist::ast::InputKind;
use tolk::checklist::{compile, evaluate, find_blocks, generate_js, Answers, Checklist};
use tolk::date::Date;
use tolk::Lang;

const MAX: i64 = 9_007_199_254_740_991;

/// A small deterministic generator: proptest supplies the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const INTS: &[i64] = &[
    0,
    1,
    -1,
    2,
    7,
    8,
    29,
    30,
    31,
    90,
    91,
    120,
    121,
    365,
    1000,
    MAX,
    -MAX,
    MAX - 1,
    -MAX + 1,
    4_503_599_627_370_496,
    123_456_789_012,
    -2_932_897,
    2_932_896,
];
const DATES: &[&str] = &[
    "2024-02-29",
    "2023-02-28",
    "2024-01-31",
    "2021-01-31",
    "2021-12-15",
    "2021-02-15",
    "2021-03-31",
    "2020-12-31",
    "2000-02-29",
    "1900-02-28",
    "0001-01-01",
    "0001-01-31",
    "9999-12-31",
    "9999-12-01",
    "9999-11-30",
    "1970-01-01",
    "1969-12-31",
    "2021-07-22",
];
const TEXTS: &[&str] = &[
    "",
    "a",
    "b",
    "Z",
    "abc",
    "0612345678",
    "06123456789",
    "+31612345678",
    "06 1234 5678",
    "061-234567",
    "é",
    "ç😀",
    "😀",
    "\u{e000}",
    "\u{fffd}",
    "\"quote\\",
    "line\nbreak",
    "tab\there",
    "\u{1}\u{1f}",
    "١٢٣",
    "xxxxxxxxxxxx",
    "ab",
    "aaa",
    "ÉCOLE",
    "\u{2028}",
];

fn random_date(r: &mut Rng) -> String {
    if r.chance(2) {
        return r.pick(DATES).to_string();
    }
    let days = r.below(80_000) as i64 - 10_000;
    Date::from_days(days).unwrap().to_string()
}

fn random_int(r: &mut Rng) -> i64 {
    match r.below(4) {
        0 => *r.pick(INTS),
        1 => -*r.pick(INTS),
        2 => r.below(400) as i64 - 200,
        _ => (r.next() % (2 * MAX as u64 + 1)) as i64 - MAX,
    }
}

fn random_text(r: &mut Rng) -> String {
    if r.chance(3) {
        let n = r.below(14);
        let alphabet = [
            '0',
            '1',
            '9',
            'a',
            'é',
            '😀',
            ' ',
            '-',
            '+',
            '\u{e000}',
            'Z',
            '_',
            '\u{ffff}',
            '\u{10ffff}',
        ];
        return (0..n).map(|_| *r.pick(&alphabet)).collect();
    }
    r.pick(TEXTS).to_string()
}

/// Random answers for any checklist: each input absent, null, or a value of
/// its type (boundary values often); each step absent, null, true or false.
fn random_answers(cl: &Checklist, r: &mut Rng) -> String {
    random_answers_around(cl, r, None)
}

/// As `random_answers`, with dates often a window's boundary before
/// `today` (0, 7, 8, 30, 31, 90, 91, 120, 121 days, one or two months).
fn random_answers_around(cl: &Checklist, r: &mut Rng, today: Option<Date>) -> String {
    let mut map = serde_json::Map::new();
    for input in &cl.inputs {
        if r.chance(4) {
            continue;
        }
        let v = if r.chance(8) {
            serde_json::Value::Null
        } else {
            match &input.kind {
                InputKind::Choice(opts) => serde_json::Value::String(r.pick(opts).value.clone()),
                InputKind::Bool => serde_json::Value::Bool(r.chance(2)),
                InputKind::Int => serde_json::Value::from(random_int(r)),
                InputKind::Text => serde_json::Value::String(random_text(r)),
                InputKind::Date => match today {
                    Some(t) if r.chance(2) => {
                        let k = *r.pick(&[
                            0i64, 1, 6, 7, 8, 29, 30, 31, 32, 59, 60, 61, 89, 90, 91, 119, 120,
                            121, -1,
                        ]);
                        let d = if r.chance(3) {
                            t.add_months(-r.pick(&[1i64, 2]))
                                .and_then(|d| d.add_days(k % 3))
                        } else {
                            t.add_days(-k)
                        };
                        serde_json::Value::String(d.unwrap_or(t).to_string())
                    }
                    _ => serde_json::Value::String(random_date(r)),
                },
            }
        };
        map.insert(input.id.clone(), v);
    }
    let mut steps = serde_json::Map::new();
    for s in &cl.steps {
        match r.below(4) {
            0 => {}
            1 => {
                steps.insert(s.id.clone(), serde_json::Value::Null);
            }
            2 => {
                steps.insert(s.id.clone(), serde_json::Value::Bool(true));
            }
            _ => {
                steps.insert(s.id.clone(), serde_json::Value::Bool(false));
            }
        }
    }
    if !steps.is_empty() || r.chance(2) {
        map.insert("steps".into(), serde_json::Value::Object(steps));
    }
    serde_json::Value::Object(map).to_string()
}

fn random_today(r: &mut Rng) -> Date {
    Date::parse_iso(&random_date(r)).unwrap()
}

/// Evaluates every (checklist, answers) pair in Rust and in Node, and
/// compares the JSON.
fn compare(cls: &[Checklist], cases: Vec<(usize, String, Date, Lang)>, what: &str) {
    let generated: Vec<String> = cls.iter().map(generate_js).collect();
    let mut expected = Vec::new();
    let mut node_cases = Vec::new();
    for (k, answers, today, lang) in &cases {
        let cl = &cls[*k];
        let a = Answers::from_json(cl, answers)
            .unwrap_or_else(|e| panic!("generated answers refused: {e}\n{answers}"));
        expected.push(evaluate(cl, &a, *today, *lang).to_json());
        node_cases.push(Case {
            checklist: cl.id.clone(),
            answers: answers.clone(),
            today: today.days(),
            lang: lang.code(),
        });
    }
    let got = run_node(&generated, &node_cases);
    let mut failures = 0;
    for (i, (want, got)) in expected.iter().zip(&got).enumerate() {
        if want != got {
            failures += 1;
            if failures <= 3 {
                let (k, answers, today, lang) = &cases[i];
                eprintln!(
                    "{what}: mismatch for checklist {} with answers {answers}, today {today}, lang {lang}\n rust: {want}\n   js: {got}\n",
                    cls[*k].id
                );
            }
        }
    }
    assert_eq!(
        failures,
        0,
        "{what}: {failures} of {} evaluations differ",
        cases.len()
    );
}

// ---------- random checklists ----------

struct Scope {
    ints: Vec<&'static str>,
    dates: Vec<&'static str>,
    bools: Vec<&'static str>,
    texts: Vec<&'static str>,
    /// The choice `c`, if visible here.
    choice: bool,
}

const CHOICES: &[&str] = &["a", "b", "ç😀"];
const PATTERNS: &[&str] = &[
    r"^\d{1,10}$",
    r"[a-c]+",
    "^.$",
    r"(ab|ç)*😀",
    r"^\w*$",
    r"\s",
    "^$",
    r"[^0-9]",
    "a{2,3}",
    r"^(?:x|y)?é",
    r"^[\d+\-]{2,}$",
    "\\.|\\\\|\"",
];

fn lit_text(s: impl AsRef<str>) -> String {
    let s = s.as_ref();
    let mut o = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('"');
    o
}

fn gen(r: &mut Rng, ty: char, depth: u32, sc: &Scope) -> String {
    let leaf = depth == 0 || r.chance(4);
    match ty {
        'I' => {
            if leaf {
                if !sc.ints.is_empty() && r.chance(2) {
                    return r.pick(&sc.ints).to_string();
                }
                return r
                    .pick(&[
                        0i64,
                        1,
                        2,
                        7,
                        30,
                        31,
                        365,
                        MAX,
                        4_503_599_627_370_496,
                        2_932_896,
                    ])
                    .to_string();
            }
            let d = depth - 1;
            match r.below(7) {
                6 => format!(
                    "workdays_between({}, {})",
                    gen(r, 'D', d, sc),
                    gen(r, 'D', d, sc)
                ),
                0 => format!("({} + {})", gen(r, 'I', d, sc), gen(r, 'I', d, sc)),
                1 => format!("({} - {})", gen(r, 'I', d, sc), gen(r, 'I', d, sc)),
                2 => format!("-{}", gen(r, 'I', d, sc)),
                3 => format!(
                    "days_between({}, {})",
                    gen(r, 'D', d, sc),
                    gen(r, 'D', d, sc)
                ),
                4 => format!("len({})", gen(r, 'T', d, sc)),
                _ => format!("({} + {})", gen(r, 'I', d, sc), r.pick(&[MAX, -MAX + 1, 1])),
            }
        }
        'D' => {
            if leaf {
                return match r.below(4) {
                    0 if !sc.dates.is_empty() => r.pick(&sc.dates).to_string(),
                    1 => format!("date(\"{}\")", r.pick(DATES)),
                    2 => "today()".into(),
                    _ if !sc.dates.is_empty() => r.pick(&sc.dates).to_string(),
                    _ => "today()".into(),
                };
            }
            let d = depth - 1;
            match r.below(4) {
                3 => format!(
                    "add_workdays({}, {})",
                    gen(r, 'D', d, sc),
                    gen(r, 'I', d, sc)
                ),
                0 => format!("add_days({}, {})", gen(r, 'D', d, sc), gen(r, 'I', d, sc)),
                1 => format!("add_months({}, {})", gen(r, 'D', d, sc), gen(r, 'I', d, sc)),
                _ => format!("end_of_month({})", gen(r, 'D', d, sc)),
            }
        }
        'T' => {
            if leaf || r.chance(2) {
                if sc.choice && r.chance(4) {
                    return "c".into();
                }
                if !sc.texts.is_empty() && r.chance(2) {
                    return r.pick(&sc.texts).to_string();
                }
                return lit_text(r.pick(TEXTS));
            }
            lit_text(r.pick(TEXTS))
        }
        _ => {
            if leaf {
                return match r.below(6) {
                    0 => r.pick(&["true", "false"]).to_string(),
                    1 if !sc.bools.is_empty() => r.pick(&sc.bools).to_string(),
                    2 if sc.choice => format!("(c == {})", lit_text(r.pick(CHOICES))),
                    3 => {
                        let t = *r.pick(&['I', 'D', 'T', 'B']);
                        format!("is_set({})", gen(r, t, 0, sc))
                    }
                    _ if !sc.bools.is_empty() => r.pick(&sc.bools).to_string(),
                    _ => "true".into(),
                };
            }
            let d = depth - 1;
            let ops = ["==", "!=", "<", "<=", ">", ">="];
            match r.below(11) {
                0 => format!("({} and {})", gen(r, 'B', d, sc), gen(r, 'B', d, sc)),
                1 => format!("({} or {})", gen(r, 'B', d, sc), gen(r, 'B', d, sc)),
                2 => format!("(not {})", gen(r, 'B', d, sc)),
                3 => format!(
                    "({} {} {})",
                    gen(r, 'I', d, sc),
                    r.pick(&ops),
                    gen(r, 'I', d, sc)
                ),
                4 => format!(
                    "({} {} {})",
                    gen(r, 'D', d, sc),
                    r.pick(&ops),
                    gen(r, 'D', d, sc)
                ),
                5 => {
                    // Text order: not on choices.
                    let t = |r: &mut Rng| {
                        if !sc.texts.is_empty() && r.chance(2) {
                            r.pick(&sc.texts).to_string()
                        } else {
                            lit_text(r.pick(TEXTS))
                        }
                    };
                    format!("({} {} {})", t(r), r.pick(&ops), t(r))
                }
                6 if sc.choice => format!(
                    "(c in [{}, {}])",
                    lit_text(r.pick(CHOICES)),
                    lit_text(r.pick(CHOICES))
                ),
                7 => format!(
                    "matches({}, {})",
                    gen(r, 'T', d, sc),
                    lit_text(r.pick(PATTERNS))
                ),
                8 => {
                    let t = *r.pick(&['I', 'D', 'T', 'B']);
                    format!("is_set({})", gen(r, t, d, sc))
                }
                9 => format!(
                    "({} in [{}, {}, {}])",
                    gen(r, 'I', d, sc),
                    gen(r, 'I', d, sc),
                    r.pick(&[0, 7, MAX]),
                    gen(r, 'I', 0, sc)
                ),
                _ => format!("({} == {})", gen(r, 'B', d, sc), gen(r, 'B', d, sc)),
            }
        }
    }
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A random checklist as YAML, with every kind of input, computed values in
/// an order that needs sorting, steps and outcomes.
fn random_checklist(seed: u64, n: usize) -> String {
    let mut r = Rng(seed | 1);
    let depth = 1 + r.below(4) as u32;
    let mut sc = Scope {
        ints: vec![],
        dates: vec![],
        bools: vec![],
        texts: vec![],
        choice: true,
    };
    let mut y =
        format!("id: gen-{n}\ntitle: {{nl: \"Gegenereerd\", en: \"Generated\"}}\ninputs:\n");
    y += "  - id: c\n    type: choice\n    label: {nl: \"C\", en: \"C\"}\n    options:\n";
    for v in CHOICES {
        y += &format!(
            "      - {{value: {}, label: {{nl: \"nl-{v}\", en: \"en-{v}\"}}}}\n",
            q(v)
        );
    }
    let when = |r: &mut Rng, sc: &Scope| -> String {
        if r.chance(2) {
            String::new()
        } else {
            format!("    when: {}\n", q(&gen(r, 'B', depth.min(2), sc)))
        }
    };
    y += &format!(
        "  - id: b\n    type: bool\n    label: {{nl: \"B\", en: \"B\"}}\n{}",
        when(&mut r, &sc)
    );
    sc.bools.push("b");
    y += &format!(
        "  - id: n\n    type: int\n    label: {{nl: \"N\", en: \"N\"}}\n{}",
        when(&mut r, &sc)
    );
    sc.ints.push("n");
    // A `valid` rule over the input itself and earlier ones.
    let valid = |r: &mut Rng, sc: &Scope, id: &str| -> String {
        if r.chance(2) {
            String::new()
        } else {
            format!(
                "    valid: {}\n    invalid: {{nl: \"nl-ongeldig-{id}\", en: \"en-invalid-{id}\"}}\n",
                q(&gen(r, 'B', depth.min(2), sc))
            )
        }
    };
    y += &valid(&mut r, &sc, "n");
    y += &format!(
        "  - id: m\n    type: int\n    label: {{nl: \"M\", en: \"M\"}}\n{}",
        when(&mut r, &sc)
    );
    sc.ints.push("m");
    y += &format!(
        "  - id: s\n    type: text\n    label: {{nl: \"S\", en: \"S\"}}\n{}",
        when(&mut r, &sc)
    );
    sc.texts.push("s");
    y += &format!(
        "  - id: d\n    type: date\n    label: {{nl: \"D\", en: \"D\"}}\n{}",
        when(&mut r, &sc)
    );
    sc.dates.push("d");
    y += &format!(
        "  - id: e\n    type: date\n    label: {{nl: \"E\", en: \"E\"}}\n{}",
        when(&mut r, &sc)
    );
    sc.dates.push("e");
    y += &valid(&mut r, &sc, "e");
    // k0 uses k5, declared later: the evaluation order is not the
    // declaration order.
    let k5 = gen(&mut r, 'I', depth, &sc);
    sc.ints.push("k5");
    let k0 = gen(&mut r, 'I', depth, &sc);
    sc.ints.push("k0");
    let k1 = gen(&mut r, 'D', depth, &sc);
    sc.dates.push("k1");
    let k2 = gen(&mut r, 'B', depth, &sc);
    sc.bools.push("k2");
    let k3 = if r.chance(2) {
        "c".to_string()
    } else {
        gen(&mut r, 'T', depth, &sc)
    };
    y += "computed:\n";
    y += &format!(
        "  - id: k0\n    expr: {}\n    label: {{nl: \"K0\", en: \"K0\"}}\n",
        q(&k0)
    );
    y += &format!(
        "  - id: k1\n    expr: {}\n    label: {{nl: \"K1\", en: \"K1\"}}\n",
        q(&k1)
    );
    y += &format!("  - id: k2\n    expr: {}\n", q(&k2));
    y += &format!("  - id: k3\n    expr: {}\n", q(&k3));
    y += &format!("  - id: k5\n    expr: {}\n", q(&k5));
    let msg = "Ω {c}|{b}|{n}|{m}|{s}|{d}|{e}|{k0}|{k1}|{k2}|{k3}|{k5} {{x}}";
    y += "steps:\n";
    y += &format!(
        "  - id: st1\n    label: {{nl: \"Stap 1\", en: \"Step 1\"}}\n{}    fail: {{nl: {}, en: {}}}\n",
        when(&mut r, &sc),
        q(&format!("nl {msg}")),
        q(&format!("en {msg}"))
    );
    sc.bools.push("st1");
    y += &format!(
        "  - id: st2\n    label: {{nl: \"Stap 2\", en: \"Step 2\"}}\n{}    fail: {{nl: \"Niet {{st1}}\", en: \"Not {{st1}}\"}}\n",
        when(&mut r, &sc)
    );
    sc.bools.push("st2");
    y += "outcomes:\n";
    for (k, status) in ["pass", "info", "warn", "fail", "info"].iter().enumerate() {
        y += &format!(
            "  - id: o{k}\n    when: {}\n    status: {status}\n    message: {{nl: {}, en: {}}}\n",
            q(&gen(&mut r, 'B', depth, &sc)),
            q(&format!("nl{k} {msg} {{st1}} {{st2}}")),
            q(&format!("en{k} {msg} {{st1}} {{st2}}"))
        );
    }
    y
}

fn compile_yaml(yaml: &str) -> Checklist {
    let md = format!("# Test\n\n```checklist\n{yaml}```\n");
    let blocks = find_blocks(&md);
    let (cl, diags) = compile(&blocks[0], Path::new("gen.md"), &md);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "generated checklist refused:\n{}\n{yaml}",
        errors.join("\n")
    );
    cl.unwrap()
}

#[test]
fn generated_checklists_agree() {
    // proptest supplies the seeds; the evaluations are batched into one Node
    // run, so shrinking is replaced by printing the failing case.
    let mut runner = TestRunner::new(Config {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let seeds = proptest::collection::vec(any::<u64>(), 250);
    let seeds = seeds.new_tree(&mut runner).unwrap().current();
    let mut cls = Vec::new();
    let mut cases = Vec::new();
    for (n, seed) in seeds.iter().enumerate() {
        let cl = compile_yaml(&random_checklist(*seed, n));
        let mut r = Rng(seed.rotate_left(17) | 1);
        for _ in 0..24 {
            let lang = if r.chance(2) { Lang::Nl } else { Lang::En };
            cases.push((
                cls.len(),
                random_answers(&cl, &mut r),
                random_today(&mut r),
                lang,
            ));
        }
        cls.push(cl);
    }
    // The generator must reach the interesting places, or the test proves
    // little: errors of both kinds and every outcome status must occur.
    let mut saw_overflow = false;
    let mut saw_date_error = false;
    let mut saw_invalid = false;
    for (k, answers, today, lang) in cases.iter().take(3000) {
        let a = Answers::from_json(&cls[*k], answers).unwrap();
        let json = evaluate(&cls[*k], &a, *today, *lang).to_json();
        saw_overflow |= json.contains("outside the range") || json.contains("buiten het bereik");
        saw_date_error |= json.contains("outside the years") || json.contains("buiten de jaren");
        saw_invalid |= json.contains("-invalid-") || json.contains("-ongeldig-");
    }
    assert!(
        saw_overflow && saw_date_error && saw_invalid,
        "the generator should hit both evaluation errors and broken `valid` rules"
    );
    compare(&cls, cases, "generated");
}

#[test]
fn generated_checklist_generator_is_checked_by_the_real_front_end() {
    // A sanity check of the test itself: the YAML it writes goes through
    // compile, and a broken one would be refused.
    let y = random_checklist(42, 0).replace("id: k3", "id: k3\n    label: oops");
    let md = format!("```checklist\n{y}```\n");
    let (cl, diags) = compile(&find_blocks(&md)[0], Path::new("x.md"), &md);
    assert!(cl.is_none() && diags.iter().any(|d| d.is_error()));
}

const ARTICLES: &[&str] = &[
    "content/partner-earned-credit-troubleshoot.md",
    "content/troubleshoot-account-setup.md",
    "content/incentives-customer-association-issues.md",
    "content/lighthouse-partner-earned-credit.md",
    "content/request-credit.md",
];

#[test]
fn seed_checklists_agree_under_random_and_boundary_answers() {
    let mut cls = Vec::new();
    for a in ARTICLES {
        let text = std::fs::read_to_string(common::root().join(a)).unwrap();
        for b in find_blocks(&text) {
            let (cl, _) = compile(&b, Path::new(a), &text);
            cls.push(cl.unwrap_or_else(|| panic!("{a} does not compile")));
        }
    }
    assert_eq!(cls.len(), ARTICLES.len());
    let mut cases = Vec::new();
    let mut r = Rng(0x5eed_c0ff_ee00_0001);
    for (k, cl) in cls.iter().enumerate() {
        // More for the credit windows, where the dates matter.
        let n = if cl.id == "credit-request" {
            4000
        } else {
            1200
        };
        for _ in 0..n {
            let today = random_today(&mut r);
            let lang = if r.chance(2) { Lang::Nl } else { Lang::En };
            cases.push((
                k,
                random_answers_around(cl, &mut r, Some(today)),
                today,
                lang,
            ));
        }
    }
    compare(&cls, cases, "seed");
}
