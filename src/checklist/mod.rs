//! Executable checklists (placeholder: lands with the checklist issue).
