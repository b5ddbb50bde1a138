//! Pipe tables whose rows do not agree on their number of cells.
//!
//! GFM (and pulldown-cmark) make a table only when the header row and the
//! delimiter row have the same number of cells, and cut body rows down to
//! the header's. Markdig, which docfx uses, takes the table anyway and pads
//! every row with empty cells to the longest row's count
//! (`Table.NormalizeUsingMaxWidth`; the delimiter row only gives the
//! alignments). Real docsets rely on it (`| a | b |` over `|---|---|---|`).
//!
//! [`pad`] rewrites such a table's header and delimiter rows so that
//! pulldown-cmark reads what Markdig reads, and [`Offsets`] maps the
//! rewritten text's offsets back to the original, so diagnostics still
//! point at the writer's file.

/// Cells of a table row as GFM splits it: outer pipes dropped, split at
/// every `|` not escaped with `\`.
fn cells(row: &str) -> usize {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = if ends_with_pipe(row) {
        &row[..row.len() - 1]
    } else {
        row
    };
    1 + pipes(row).count()
}

/// Byte offsets of the unescaped `|` in `s`.
fn pipes(s: &str) -> impl Iterator<Item = usize> + '_ {
    let b = s.as_bytes();
    (0..b.len()).filter(move |&i| b[i] == b'|' && !escaped(b, i))
}

/// Whether the byte at `i` is escaped by an odd run of `\` before it.
fn escaped(b: &[u8], i: usize) -> bool {
    b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

fn ends_with_pipe(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b[b.len() - 1] == b'|' && !escaped(b, b.len() - 1)
}

/// A delimiter row's cells (`:---`, `---:`), trimmed; `None` if the line
/// is not one (it needs a `|`: a line of dashes alone is a rule).
fn delimiter_cells(row: &str) -> Option<Vec<&str>> {
    let t = row.trim();
    if !t.contains('|') {
        return None;
    }
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let cells: Vec<&str> = t.split('|').map(str::trim).collect();
    let ok = cells.iter().all(|c| {
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        !c.is_empty() && c.bytes().all(|b| b == b'-')
    });
    ok.then_some(cells)
}

/// The container prefix of a line (indentation, `>` quote markers) and the
/// rest.
fn split_prefix(line: &str) -> (usize, &str) {
    let rest = line.trim_start_matches([' ', '\t', '>']);
    (line.len() - rest.len(), rest)
}

/// One replacement: bytes `start..end` of the original become `with`.
#[derive(Debug, Clone)]
pub(super) struct Edit {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

/// A table Markdig would make and pulldown-cmark would not (or would cut):
/// the byte offset of its delimiter row, and the edits that fix it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub delimiter_at: usize,
    edits: Vec<Edit>,
}

/// The tables of `text` whose header, delimiter and body rows disagree on
/// their number of cells, with the rewrite of each. A cheap line scan: the
/// caller drops those that stand in code (see [`pad`]).
pub fn candidates(text: &str) -> Vec<Candidate> {
    if !text.contains('|') {
        return Vec::new();
    }
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    let mut found = Vec::new();
    for i in 1..lines.len() {
        let (d_at, d_line) = lines[i];
        let (d_pre, d_body) = split_prefix(d_line);
        let Some(d_cells) = delimiter_cells(d_body) else {
            continue;
        };
        let (h_at, h_line) = lines[i - 1];
        let (_, h_body) = split_prefix(h_line);
        if h_body.trim().is_empty() || pipes(h_body).next().is_none() {
            continue;
        }
        if delimiter_cells(h_body).is_some() {
            continue;
        }
        let k = cells(h_body);
        let d = d_cells.len();
        let mut m = 0;
        for &(_, line) in &lines[i + 1..] {
            let (_, body) = split_prefix(line);
            if body.trim().is_empty() || pipes(body).next().is_none() {
                break;
            }
            m = m.max(cells(body));
        }
        let n = k.max(m);
        if k == d && m <= k {
            continue;
        }
        let mut edits = Vec::new();
        if n > k {
            let content = h_line.trim_end();
            let extra = n - k + usize::from(!ends_with_pipe(content));
            edits.push(Edit {
                start: h_at + content.len(),
                end: h_at + content.len(),
                with: " |".repeat(extra),
            });
        }
        let mut row = String::from("|");
        for j in 0..n {
            row.push_str(d_cells.get(j).copied().unwrap_or("---"));
            row.push('|');
        }
        let d_end = d_at + d_line.trim_end().len();
        let d_start = d_at + d_pre;
        // Dashes make the row as long as it was, so offsets after it stay.
        if row.len() < d_end - d_start {
            let pad = "-".repeat(d_end - d_start - row.len());
            // Before the last cell's closing colon, if it has one.
            let last = row.len() - 1;
            let at = if row[..last].ends_with(':') {
                last - 1
            } else {
                last
            };
            row.insert_str(at, &pad);
        }
        edits.push(Edit {
            start: d_start,
            end: d_end,
            with: row,
        });
        found.push(Candidate {
            delimiter_at: d_at,
            edits,
        });
    }
    found
}

/// Maps offsets of the rewritten text back to the original.
#[derive(Debug, Clone, Default)]
pub struct Offsets {
    /// Per edit: where it starts and ends in the new text, and in the old.
    spans: Vec<(usize, usize, usize, usize)>,
}

impl Offsets {
    pub fn original(&self, pos: usize) -> usize {
        let k = self.spans.partition_point(|s| s.0 <= pos);
        if k == 0 {
            return pos;
        }
        let (new_start, new_end, old_start, old_end) = self.spans[k - 1];
        if pos < new_end {
            old_start + (pos - new_start).min(old_end - old_start)
        } else {
            pos - new_end + old_end
        }
    }
}

/// `text` with the tables of `keep` rewritten, and the offset map.
#[cfg(test)]
fn pad(text: &str, keep: &[Candidate]) -> (String, Offsets) {
    apply(
        text,
        keep.iter().flat_map(|c| c.edits.iter().cloned()).collect(),
    )
}

impl Candidate {
    pub(super) fn edits(self) -> Vec<Edit> {
        self.edits
    }
}

/// `text` with `edits` made (an edit that overlaps an earlier one is
/// skipped), and the map from the new text's offsets to the old.
pub(super) fn apply(text: &str, mut edits: Vec<Edit>) -> (String, Offsets) {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut offsets = Offsets::default();
    let mut from = 0;
    for e in &edits {
        if e.start < from {
            continue;
        }
        out.push_str(&text[from..e.start]);
        let new_start = out.len();
        out.push_str(&e.with);
        offsets.spans.push((new_start, out.len(), e.start, e.end));
        from = e.end;
    }
    out.push_str(&text[from..]);
    (out, offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(text: &str) -> String {
        pad(text, &candidates(text)).0
    }

    #[test]
    fn delimiter_with_more_cells_than_the_header_is_cut_to_the_rows() {
        assert_eq!(
            padded("| a | b |\n| --- | --- | --- |\n| 1 | 2 |\n"),
            "| a | b |\n|---|-------------|\n| 1 | 2 |\n"
        );
    }

    #[test]
    fn header_with_more_cells_than_the_delimiter_gets_them() {
        assert_eq!(
            padded("| a | b | c |\n|---|:-:|\n| 1 | 2 | 3 |\n"),
            "| a | b | c |\n|---|:-:|---|\n| 1 | 2 | 3 |\n"
        );
    }

    #[test]
    fn a_longer_body_row_widens_the_header() {
        assert_eq!(
            padded("a | b\n-|-\n1 | 2 | 3\n"),
            "a | b | |\n|-|-|---|\n1 | 2 | 3\n"
        );
    }

    #[test]
    fn agreeing_tables_and_escaped_pipes_are_left_alone() {
        assert!(candidates("| a | b |\n|---|---|\n| 1 | 2 |\n").is_empty());
        assert!(candidates("| a \\| b |\n|---|\n| 1 |\n").is_empty());
        assert!(candidates("text\n---\n").is_empty());
    }

    #[test]
    fn offsets_map_back_through_insertions() {
        let text = "a | b\n-|-\n1 | 2 | 3\nafter";
        let (new, map) = pad(text, &candidates(text));
        let at_new = new.find("after").unwrap_or(0);
        assert_eq!(map.original(at_new), text.find("after").unwrap_or(1));
        assert_eq!(map.original(2), 2);
    }
}
