//! HTML escaping and URL safety: what every stage that writes HTML needs,
//! `markdown` and `sanitize` alike (neither imports the other for it).

/// Escapes text for an HTML text node.
pub fn escape_html(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for a quoted attribute.
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

/// One pass over the bytes; text without special characters is copied whole.
fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    escape_with(s, attr, |piece| out.push_str(piece));
    out
}

/// Escapes `s` for HTML text (and with `attr`, for a quoted attribute),
/// handing the pieces to `push`: what is between special characters is
/// passed whole, so a writer gets a few large writes and nothing is
/// allocated.
pub fn escape_with(s: &str, attr: bool, mut push: impl FnMut(&str)) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attr => "&quot;",
            b'\'' if attr => "&#39;",
            _ => continue,
        };
        if last < i {
            push(&s[last..i]);
        }
        push(entity);
        last = i + 1;
    }
    if last < s.len() {
        push(&s[last..]);
    }
}
/// Is a URL with a scheme one a page may link to? Scripts (`javascript:`,
/// `vbscript:`) and inline documents (`data:`) are refused, whatever their
/// case or the white space and control characters browsers ignore in them.
pub fn is_safe_url(url: &str) -> bool {
    // The schemes are decided by the first eleven characters that count
    // (`javascript:`); a page has thousands of links, so only those are
    // looked at.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take("javascript:".len())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !(cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("data:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(escape_html("a<b>&\"'"), "a&lt;b&gt;&amp;\"'");
        assert_eq!(escape_attr("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn script_and_data_urls_are_refused_however_written() {
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\nscript:x",
            "j a v a s c r i p t :x",
            "\u{1}vbscript:x",
            "DATA:text/html,x",
            "d\tata:x",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
        for good in [
            "https://example.com/javascript:",
            "page.md",
            "#data:",
            "mailto:a@b",
            "",
        ] {
            assert!(is_safe_url(good), "{good:?}");
        }
    }
}
