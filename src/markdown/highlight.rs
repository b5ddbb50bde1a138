//! Syntax highlighting of fenced code blocks, at build time.
//!
//! syntect parses the code and writes each token as a `<span>` with
//! classes named after its scope, prefixed `hl-`
//! (`<span class="hl-keyword hl-other hl-sql">`). No inline style: the
//! site's CSP (`style-src 'self'`) refuses them, so the colours are in the
//! theme's `style.css`, one palette per light and dark mode.
//!
//! The languages of DocFX docs (SQL, JSON, PowerShell, bash for
//! `azurecli`, C#) have compact grammars of tolk's own, in `syntaxes/`:
//! syntect's bundled ones lack PowerShell, and theirs for SQL, bash and C#
//! are large (with them a corpus build took 70% more memory). Other
//! languages fall back to syntect's bundled syntaxes. The regex engine is
//! Oniguruma (see Cargo.toml for why).
//!
//! DocFX's language names are mapped (`azurecli` is bash,
//! `azurepowershell-interactive` PowerShell, `Output` and `console` plain
//! text). Each syntax set is loaded once per process, on the first block
//! that needs it, so a site without code pays nothing. A block that is too
//! large, or that the highlighter fails on, is written as plain, escaped
//! text as before: highlighting never loses text nor fails a build.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::escape::escape_attr;

/// The class prefix of every token span (the theme's CSS names these).
pub const CLASS_PREFIX: &str = "hl-";

/// Larger blocks are left plain: a regex-driven highlighter's time grows
/// with the text, and with backtracking on long lines more than linearly.
const MAX_BYTES: usize = 100_000;
const MAX_LINE_BYTES: usize = 5_000;

/// Language names written as plain text: console output and the like.
const PLAIN: &[&str] = &[
    "",
    "output",
    "console",
    "text",
    "txt",
    "plain",
    "plaintext",
    "none",
    "nohighlight",
    "log",
];

/// DocFX and common aliases → a token the syntax set knows (a file
/// extension or a syntax name).
fn token(lang: &str) -> Option<&str> {
    let lower = lang.to_ascii_lowercase();
    if PLAIN.contains(&lower.as_str()) {
        return None;
    }
    Some(match lower.as_str() {
        "azurecli" | "azurecli-interactive" | "cli" | "bash" | "sh" | "shell" | "zsh" => "sh",
        "azurepowershell"
        | "azurepowershell-interactive"
        | "powershell"
        | "ps"
        | "ps1"
        | "pwsh" => "ps1",
        "csharp" | "c#" | "cs" => "cs",
        "sql" | "tsql" | "t-sql" | "mysql" | "postgresql" => "sql",
        "json" | "jsonc" => "json",
        "yaml" | "yml" => "yaml",
        "javascript" | "js" => "js",
        "typescript" | "ts" => "ts",
        "python" | "py" => "py",
        "cmd" | "batch" | "bat" => "bat",
        "xml" | "xaml" | "csproj" => "xml",
        "html" => "html",
        "css" => "css",
        "markdown" | "md" => "md",
        "http" => "http",
        _ => lang,
    })
}

/// syntect's bundled syntaxes.
fn bundled() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// tolk's own grammars (`syntaxes/*.sublime-syntax`) as a compiled set,
/// `syntaxes/own.packdump`: reading the YAML compiles every regex once to
/// check it (a tenth of a second per build), the dump reads in
/// microseconds. The test `own_dump_is_current` rebuilds it from the
/// YAML and fails when they differ (`TOLK_BLESS=1` rewrites it).
const OWN_DUMP: &[u8] = include_bytes!("syntaxes/own.packdump");

fn own() -> Option<&'static SyntaxSet> {
    static SET: OnceLock<Option<SyntaxSet>> = OnceLock::new();
    SET.get_or_init(|| syntect::dumps::from_uncompressed_data(OWN_DUMP).ok())
        .as_ref()
}

/// The syntax for a fenced block's language (the first word of its info
/// string), or `None` for plain text and unknown languages.
fn syntax_for(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let token = token(lang)?;
    let find = |set: &'static SyntaxSet| {
        set.find_syntax_by_extension(token)
            .or_else(|| set.find_syntax_by_token(token))
            .map(|syntax| (set, syntax))
    };
    // The bundled set only when tolk's own has no grammar for it.
    own().and_then(find).or_else(|| find(bundled()))
}

/// Is `lang` a language this module highlights? Cheap for plain text;
/// loads the syntax set for anything else.
pub fn knows(lang: &str) -> bool {
    syntax_for(lang).is_some()
}

/// The block's HTML, `<pre><code class="language-LANG">` with token spans,
/// or `None` (write it plain) for an unknown language, a block over the
/// size limits, or a highlighter error.
pub fn block(lang: &str, code: &str) -> Option<String> {
    if code.len() > MAX_BYTES || code.lines().any(|l| l.len() > MAX_LINE_BYTES) {
        return None;
    }
    let (set, syntax) = syntax_for(lang)?;
    let mut gen = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        gen.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    let body = gen.finalize();
    let mut out = String::with_capacity(body.len() + lang.len() + 48);
    out.push_str("<pre><code class=\"language-");
    out.push_str(&escape_attr(lang));
    out.push_str("\">");
    out.push_str(&body);
    out.push_str("</code></pre>\n");
    Some(out)
}

/// The first word of a fenced block's info string, as pulldown-cmark takes
/// it for the `language-` class.
pub fn lang_of(info: &str) -> &str {
    info.split(' ').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::parsing::{SyntaxDefinition, SyntaxSetBuilder};

    const SOURCES: [&str; 5] = [
        include_str!("syntaxes/SQL.sublime-syntax"),
        include_str!("syntaxes/JSON.sublime-syntax"),
        include_str!("syntaxes/PowerShell.sublime-syntax"),
        include_str!("syntaxes/Bash.sublime-syntax"),
        include_str!("syntaxes/CSharp.sublime-syntax"),
    ];

    fn dump_of_sources() -> Vec<u8> {
        let mut builder = SyntaxSetBuilder::new();
        for src in SOURCES {
            builder.add(SyntaxDefinition::load_from_str(src, true, None).expect("grammar loads"));
        }
        let set = builder.build();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("own.packdump");
        syntect::dumps::dump_to_uncompressed_file(&set, &path).expect("dump");
        std::fs::read(&path).expect("read dump")
    }

    #[test]
    fn own_dump_is_current() {
        let fresh = dump_of_sources();
        if std::env::var_os("TOLK_BLESS").is_some() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/markdown/syntaxes/own.packdump"
            );
            std::fs::write(path, &fresh).expect("write dump");
            return;
        }
        assert!(
            fresh == OWN_DUMP,
            "src/markdown/syntaxes/own.packdump is not built from the .sublime-syntax files \
             beside it: run `TOLK_BLESS=1 cargo test --lib own_dump_is_current`"
        );
        assert!(own().is_some(), "the dump reads");
    }

    fn text_of(html: &str) -> String {
        // Drop tags, decode the five entities: what a reader reads.
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn docfx_names_map_to_syntaxes() {
        for (lang, name) in [
            ("sql", "SQL"),
            ("json", "JSON"),
            ("powershell", "PowerShell"),
            ("PowerShell", "PowerShell"),
            ("azurepowershell-interactive", "PowerShell"),
            ("azurepowershell", "PowerShell"),
            ("azurecli", "Bash"),
            ("cli", "Bash"),
            ("yaml", "YAML"),
            ("csharp", "C#"),
            ("C#", "C#"),
        ] {
            let (_, s) = syntax_for(lang).unwrap_or_else(|| panic!("no syntax for {lang}"));
            assert_eq!(s.name, name, "{lang}");
        }
        for lang in ["Output", "console", "", "text", "no-such-language"] {
            assert!(syntax_for(lang).is_none(), "{lang}");
            assert!(block(lang, "x\n").is_none(), "{lang}");
        }
    }

    #[test]
    fn tokens_get_classes_and_text_is_kept_escaped() {
        let code = "SELECT * FROM t WHERE a = '<script>alert(1)</script>' -- x & y\n";
        let html = block("sql", code).expect("sql highlights");
        assert!(
            html.starts_with("<pre><code class=\"language-sql\">"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-keyword"), "{html}");
        assert!(html.contains("<span class=\"hl-comment"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert_eq!(text_of(html.trim_end()), code);
    }

    #[test]
    fn language_name_is_escaped_and_limits_leave_plain() {
        let html = block("json", "{\"a\": 1}\n").expect("json");
        assert!(html.contains("hl-string"), "{html}");
        assert!(block("sql", &"x".repeat(MAX_LINE_BYTES + 1)).is_none());
        assert!(block("sql", &"select 1;\n".repeat(MAX_BYTES / 10 + 1)).is_none());
        assert_eq!(lang_of("json title=\"x\""), "json");
    }

    #[test]
    fn powershell_grammar_marks_cmdlets_parameters_variables_strings() {
        let code = "Connect-AzAccount -TenantID \"<Customer $tenant>\" # sign in\n\
                    $x = @'\nhere 'quoted'\n'@\n<# a\nblock #> if ($x -eq 1) { [string]$y }\n";
        let html = block("azurepowershell-interactive", code).expect("powershell");
        for class in [
            "hl-support hl-function",
            "hl-variable hl-parameter",
            "hl-string hl-quoted hl-double",
            "hl-variable hl-other hl-readwrite",
            "hl-comment hl-line",
            "hl-string hl-quoted hl-single hl-heredoc",
            "hl-comment hl-block",
            "hl-keyword hl-control",
            "hl-keyword hl-operator",
            "hl-storage hl-type",
            "hl-constant hl-numeric",
        ] {
            assert!(
                html.contains(&format!("class=\"{class}")),
                "{class}: {html}"
            );
        }
        assert_eq!(text_of(html.trim_end()), code);
    }
}
