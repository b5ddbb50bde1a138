//! Content (placeholder).
