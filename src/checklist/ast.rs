//! The checked form of a checklist: what the Rust evaluator runs, the JS
//! generator translates and the form renderer draws. Names are resolved to
//! indices and every expression has a known type, so the three back ends
//! never have to look anything up or guess.

use crate::date::Date;
use crate::lang::Lang;

use super::regex::Program;

/// A text in both languages. The checker refuses a checklist in which either
/// half is missing, so both are always there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalText {
    pub nl: String,
    pub en: String,
}

impl LocalText {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

/// A message with `{name}` interpolations, already split per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub nl: Vec<Part>,
    pub en: Vec<Part>,
}

impl Message {
    pub fn get(&self, lang: Lang) -> &[Part] {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    /// A value, with its type so it can be formatted (a choice shows its
    /// option's label, a date is written out in the reader's language).
    Value(Ref, Ty),
}

/// The static type of an expression. A choice is text at run time, but the
/// checker keeps which input it came from, so comparisons with undeclared
/// values are caught and messages can show the option's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Int,
    Text,
    Date,
    /// A value of the choice input with this index.
    Choice(usize),
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Bool => "bool",
            Ty::Int => "int",
            Ty::Text => "text",
            Ty::Date => "date",
            Ty::Choice(_) => "choice",
        }
    }

    /// Text-like: text and choice values compare with each other.
    pub fn is_textual(self) -> bool {
        matches!(self, Ty::Text | Ty::Choice(_))
    }
}

/// The kind of an input, with its options for a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    Choice(Vec<ChoiceOption>),
    Bool,
    Int,
    Text,
    Date,
}

impl InputKind {
    pub fn name(&self) -> &'static str {
        match self {
            InputKind::Choice(_) => "choice",
            InputKind::Bool => "bool",
            InputKind::Int => "int",
            InputKind::Text => "text",
            InputKind::Date => "date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    pub value: String,
    pub label: LocalText,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub id: String,
    pub kind: InputKind,
    pub label: LocalText,
    pub help: Option<LocalText>,
    pub when: Option<Expr>,
    /// A rule the answer must meet; an answer that breaks it counts as
    /// unset and its message is reported under the input's id.
    pub valid: Option<Validation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// A bool over this input and the inputs before it (and `today()`).
    pub rule: Expr,
    pub message: LocalText,
}

impl Input {
    pub fn ty(&self, index: usize) -> Ty {
        match self.kind {
            InputKind::Choice(_) => Ty::Choice(index),
            InputKind::Bool => Ty::Bool,
            InputKind::Int => Ty::Int,
            InputKind::Text => Ty::Text,
            InputKind::Date => Ty::Date,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub id: String,
    pub expr: Expr,
    pub ty: Ty,
    /// Shown to the reader only when labelled.
    pub label: Option<LocalText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub label: LocalText,
    pub help: Option<LocalText>,
    pub when: Option<Expr>,
    /// Shown when the reader marks the step as not met.
    pub fail: Option<Message>,
    /// An optional link for the step (e.g. the article that helps).
    pub link: Option<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub text: LocalText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Info,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Info => "info",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: String,
    pub when: Expr,
    pub status: Status,
    pub message: Message,
    /// Where to read on (the article's section, another article).
    pub link: Option<Link>,
}

/// One checked checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub id: String,
    pub title: LocalText,
    pub intro: Option<LocalText>,
    pub inputs: Vec<Input>,
    pub computed: Vec<Computed>,
    /// Indices into `computed`, in the order they are evaluated (each after
    /// the values it uses). The output keeps declaration order.
    pub computed_order: Vec<usize>,
    pub steps: Vec<Step>,
    pub outcomes: Vec<Outcome>,
    /// The compiled regexes, referenced by index from `matches` calls.
    pub regexes: Vec<Program>,
    /// A hash of the definition's source text, so stored answers of an older
    /// version of the checklist are not restored into a changed one.
    pub hash: String,
}

/// What a name in an expression stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ref {
    Input(usize),
    Computed(usize),
    Step(usize),
}

/// A byte range in the expression's source text.
pub type Span = (usize, usize);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Today,
    IsSet,
    DaysBetween,
    AddDays,
    AddMonths,
    EndOfMonth,
    AddWorkdays,
    WorkdaysBetween,
    Len,
    /// `matches(s, "re")`; the regex is `Checklist::regexes[i]` once checked.
    Matches(usize),
    /// `date("2021-03-31")`: replaced by a literal when checked.
    Date,
}

impl Func {
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "today" => Func::Today,
            "is_set" => Func::IsSet,
            "days_between" => Func::DaysBetween,
            "add_days" => Func::AddDays,
            "add_months" => Func::AddMonths,
            "end_of_month" => Func::EndOfMonth,
            "add_workdays" => Func::AddWorkdays,
            "workdays_between" => Func::WorkdaysBetween,
            "len" => Func::Len,
            "matches" => Func::Matches(0),
            "date" => Func::Date,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Today => "today",
            Func::IsSet => "is_set",
            Func::DaysBetween => "days_between",
            Func::AddDays => "add_days",
            Func::AddMonths => "add_months",
            Func::EndOfMonth => "end_of_month",
            Func::AddWorkdays => "add_workdays",
            Func::WorkdaysBetween => "workdays_between",
            Func::Len => "len",
            Func::Matches(_) => "matches",
            Func::Date => "date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    Text(String),
    Date(Date),
    /// A name as written; the checker turns it into `Ref`.
    Name(String),
    Ref(Ref),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    Call(Func, Vec<Expr>),
    /// `[a, b]` outside `in`: only ever a checker error.
    List(Vec<Expr>),
}
