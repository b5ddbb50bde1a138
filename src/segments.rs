//! Bilingual segments (placeholder: the scanner lands with the bilingual issue).
