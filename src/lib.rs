//! tolk: a static site generator for localized documentation with executable
//! checklists.
//!
//! The modules follow the data flow of a build, in the order a reader should
//! read them (see ARCHITECTURE.md):
//!
//! `config` → `content` → `segments` → `markdown` (+ `checklist`) → `site` →
//! `render` → `output`, driven by `pipeline`; `serve` wraps the same pipeline
//! in a watcher and a preview server, and `cli` is the command line on top.
//! `diagnostic`, `date`, `lang` and `yaml` are shared by all stages.

// A `Diagnostic` carries its source line so it can be shown anywhere; it is
// returned only on the cold path, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostic;
pub mod encoding;
pub mod escape;
#[doc(hidden)]
pub mod fuzzing;
pub mod lang;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod postprocess;
pub mod redirects;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod segments;
pub mod serve;
pub mod site;
pub mod stamp;
pub mod yaml;
pub mod yaml_pages;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use lang::Lang;
