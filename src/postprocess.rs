//! Small rewrites of the HTML pulldown-cmark writes, applied once per
//! rendered text by `markdown` (kept out of it so the hook there is one
//! line).

/// Table cell alignment (`| :--: |`) as classes, not the inline
/// `style="text-align: ..."` pulldown-cmark writes: the site's
/// Content-Security-Policy (`style-src 'self'`) refuses inline styles, so
/// the browser dropped the alignment and logged an error per cell. The
/// theme's `.align-left/.align-center/.align-right` carry it instead.
///
/// Only tags pulldown-cmark wrote carry the attribute in this exact form:
/// text and code are escaped (a `"` is `&quot;`), and raw HTML is rebuilt by
/// `sanitize`, which keeps no `style` attribute.
pub fn table_align_classes(html: &mut String) {
    if !html.contains(" style=\"text-align: ") {
        return;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find(" style=\"text-align: ") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let mut done = false;
        for (attr, class) in [
            (" style=\"text-align: left\"", " class=\"align-left\""),
            (" style=\"text-align: center\"", " class=\"align-center\""),
            (" style=\"text-align: right\"", " class=\"align-right\""),
        ] {
            if let Some(tail) = after.strip_prefix(attr) {
                out.push_str(class);
                rest = tail;
                done = true;
                break;
            }
        }
        if !done {
            out.push(' ');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    *html = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_becomes_classes() {
        let mut s = "<th style=\"text-align: center\">a</th><td style=\"text-align: right\">b</td><td>c</td>".to_string();
        table_align_classes(&mut s);
        assert_eq!(
            s,
            "<th class=\"align-center\">a</th><td class=\"align-right\">b</td><td>c</td>"
        );
    }
}
