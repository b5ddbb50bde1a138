//! JS generator (next commit).
use super::ast::Checklist;
pub fn generate_js(_cl: &Checklist) -> String {
    String::new()
}
