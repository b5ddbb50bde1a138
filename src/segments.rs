//! Bilingual segments (interim: no segments recognised; the scanner lands
//! with the bilingual issue and replaces this file).

use std::path::Path;

use crate::diagnostic::Diagnostic;

pub struct Segment {
    pub id: String,
    pub nl: String,
    pub en: Option<String>,
    pub offset: usize,
    pub len: usize,
}

pub struct Side {
    pub text: String,
}

impl Side {
    pub fn to_source(&self, offset: usize) -> usize {
        offset
    }
}

pub struct Split {
    pub nl: Side,
    pub en: Side,
    pub segments: Vec<Segment>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn split(source: &str, _file: &Path) -> Split {
    Split {
        nl: Side {
            text: source.to_string(),
        },
        en: Side {
            text: source.to_string(),
        },
        segments: Vec::new(),
        diagnostics: Vec::new(),
    }
}
