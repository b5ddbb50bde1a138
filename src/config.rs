//! `book.toml` (placeholder).
