//! tolk: a static site generator for localized documentation with executable
//! checklists.
//!
//! The modules follow the data flow of a build, in the order a reader should
//! read them (see ARCHITECTURE.md):
//!
//! `config` → `content` → `segments` → `markdown` (+ `checklist`) → `site` →
//! `render` → `output`, driven by `build`; `serve` wraps the same pipeline in a
//! watcher and a preview server, and `cli` is the command line on top.

pub mod checklist;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostic;
pub mod encoding;
pub mod lang;
pub mod search;
pub mod segments;
pub mod yaml;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use lang::Lang;
