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
}

/// Deserialises `src` into `T`.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
    backend::from_str(src).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        // serde_yaml appends " at line L column C" to its messages; the
        // position is ours to print, so drop it from the text.
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        YamlError {
            message,
            line,
            column,
        }
    })
}

/// Reads YAML into a JSON value, the form in which untyped front-matter keys
/// are kept for templates.
pub fn to_json(src: &str) -> Result<serde_json::Value, YamlError> {
    from_str(src)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_line_and_column() {
        let err = from_str::<serde_json::Value>("a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }
}
