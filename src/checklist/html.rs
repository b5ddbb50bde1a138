//! Form (next commit).
use super::ast::Checklist;
use super::eval::Evaluation;
use crate::lang::Lang;
pub fn render_form(_cl: &Checklist, _lang: Lang, _initial: &Evaluation) -> String {
    String::new()
}
