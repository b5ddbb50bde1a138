//! The command line: `tolk init`, `tolk build`, and the commands that later
//! stages add. Each command maps its result to an exit code: 0 success, 1 the
//! site has errors, 2 the command was used wrongly.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diagnostic::{self, Diagnostic};
use crate::pipeline;

#[derive(Parser, Debug)]
#[command(
    name = "tolk",
    version,
    about = "Build bilingual documentation sites with executable checklists",
    long_about = "tolk turns localized Markdown articles (DocFX-style front matter, bilingual \
                  data-ttu-id/sxs-lookup segments) into a static site in Dutch (nl-NL) and English, \
                  and turns ```checklist blocks into interactive forms.\n\n\
                  Start with `tolk init mysite`, then `tolk build --root mysite`.",
    after_help = "Exit codes: 0 success, 1 the site has errors, 2 wrong usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new site: book.toml, an example article and a .gitignore.
    ///
    /// The default theme is built into tolk, so the new site has no theme
    /// files; add themes/default/<file> to override any of them.
    #[command(
        after_help = "Examples:\n  tolk init mysite        a new site in ./mysite\n  \
                            tolk serve --root mysite --open\n\n\
                            The .gitignore keeps the built site (site/) and the files tolk keeps \
                            beside it (.site.tolk-*) out of version control."
    )]
    Init {
        /// The folder to create the site in (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the site into the build folder (default: site/).
    ///
    /// The build is atomic: it writes into a staging folder and swaps it in
    /// only when every page succeeded, so a failed build leaves the last good
    /// site untouched.
    ///
    /// Exits 1 when the site cannot be built (nothing is written then). The
    /// errors only the checks find (a broken link or anchor, a missing
    /// front-matter key) do not stop a build: it writes the site, exits 0
    /// and says so; `tolk check` exits 1 on them.
    #[command(
        after_help = "Examples:\n  tolk build                       build ./book.toml's site into site/\n  \
                            tolk build --root docs --out /tmp/out\n  \
                            tolk build --base-url /docs/     for a site published under /docs/"
    )]
    Build {
        /// The folder that holds book.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write the site here instead of [build] build-dir. A relative path
        /// is relative to --root, as build-dir is.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Serve the site under this path, e.g. /docs/ (overrides [site] base-path).
        #[arg(long = "base-url", value_name = "PATH")]
        base_url: Option<String>,
        /// Replace the output folder even if it holds files tolk did not write.
        #[arg(long)]
        force: bool,
        /// Build even when nothing changed since the last build.
        ///
        /// tolk keeps a record of each build beside the output folder
        /// (.site.tolk-stamp). When every input (the content, English and
        /// theme folders, book.toml, the redirection file, the options and
        /// tolk itself) is the same bytes as then, and the site is as that
        /// build left it, `tolk build` prints that build's diagnostics and
        /// "Up to date" instead of building. This flag builds anyway.
        #[arg(long)]
        rebuild: bool,
    },
    /// Evaluate a checklist of an article with given answers, and print the
    /// result as JSON: inputs, missing, computed, steps, outcomes, errors.
    ///
    /// This is the same evaluator whose generated JavaScript runs in the
    /// page, so `tolk eval` and the form always agree. A wrongly typed or
    /// unknown answer is an error (exit 1).
    #[command(after_help = "Example, with the bundled site's credit checklist:\n  \
                            echo '{\"partner_type\": \"direct\", \"credit_type\": \"outage\", \"incident_date\": \"2021-02-15\"}' \\\n    \
                            | tolk eval content/request-credit.md credit-request --answers - --today 2021-03-01 --lang en\n\n\
                            docs/checklists.md explains the result.")]
    Eval(EvalArgs),
    /// Check the site without writing it: everything a build validates, plus
    /// links and anchors between articles (in both languages), files that
    /// links point to, required front-matter keys and text damaged by a wrong
    /// code page.
    ///
    /// Links that leave the site are listed as notes, not fetched. Severities
    /// per kind of problem are set in book.toml under [check.severity].
    /// Exits 1 when any error is found.
    #[command(after_help = "Examples:\n  tolk check\n  \
                            tolk check --format json > diagnostics.jsonl   one JSON object per line, for CI annotations\n  \
                            tolk check --review                           also the segments a translator should look at")]
    Check {
        /// The folder that holds book.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// `human` (rustc-style, with the source line) or `json` (one JSON
        /// object per line: file, line, column, severity, code, message, hint).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also list, for a translation reviewer, each segment whose Dutch
        /// half is empty or the same as its English half (notes
        /// `segment-empty-dutch`, `segment-identical`), at its source line.
        #[arg(long)]
        review: bool,
    },
    /// Preview the site while you write: build it, serve it, rebuild on
    /// every save and reload the open pages.
    ///
    /// The preview is built into a private temporary folder (removed on
    /// Ctrl-C), never into build-dir, so the live-reload script it carries
    /// never reaches a published site. Errors keep the last good site
    /// served and show over every open page until they are fixed.
    #[command(after_help = "Examples:\n  tolk serve --open\n  \
                            tolk serve --root mysite --port 0     any free port; the URL is printed")]
    Serve {
        /// The folder that holds book.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0: any free port; the URL is printed).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// The address to listen on. Anything but a loopback address makes
        /// the preview, drafts included, readable from the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
}

/// Arguments of `tolk eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The article (a .md file) that holds the checklist.
    pub article: PathBuf,
    /// The `id` of the checklist in the article.
    pub checklist: String,
    /// A JSON file with the answers, or `-` for standard input. Without it:
    /// no answers. Example, for the bundled credit checklist:
    /// {"partner_type": "direct", "credit_type": "outage", "incident_date":
    /// "2021-02-15", "steps": {"evidence_email": true}}
    #[arg(long, value_name = "FILE|-")]
    pub answers: Option<String>,
    /// The date `today()` returns, as YYYY-MM-DD (default: the local date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// The language of messages: nl-nl or en (default: the article's
    /// ms.contentlocale).
    #[arg(long, value_name = "nl-nl|en")]
    pub lang: Option<String>,
}

/// How `tolk check` prints what it found.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Init { dir } => finish(init(&dir).map(|()| {
            crate::say_err!("{}", init_done(&dir));
            Vec::new()
        })),
        Command::Build {
            root,
            out,
            base_url,
            force,
            rebuild,
        } => {
            let opts = pipeline::Options {
                root,
                out,
                force,
                base_path: base_url,
                inject: String::new(),
                review: false,
                skip_unchanged: !rebuild,
            };
            finish(
                pipeline::build_unless_up_to_date(&opts).map(|(session, report)| {
                    // The process ends here: freeing every page, string and
                    // index one by one is 2% of the corpus build's instructions,
                    // all on one core after the last page is written, for
                    // memory the OS takes back anyway.
                    // Build runs every check `tolk check` runs: the same
                    // diagnostics, then the same counts.
                    diagnostic::eprint_all(&report.diagnostics);
                    crate::say_err!("{}", report.summary());
                    if let Some(note) = report.errors_note() {
                        crate::say_err!("{note}");
                    }
                    crate::say_err!("{}", serve_hint(&report.out, &report.base_path, &opts.root));
                    std::mem::forget(session);
                    Vec::new()
                }),
            )
        }
        Command::Check {
            root,
            format,
            review,
        } => check(root, format, review),
        Command::Eval(args) => eval(args),
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => serve(&crate::serve::ServeOptions {
            root,
            port,
            bind,
            open,
        }),
    }
}

/// `tolk eval`: reads the answers, evaluates, prints one line of JSON.
fn eval(args: EvalArgs) -> ExitCode {
    let usage = |msg: String| {
        crate::say_err!("tolk eval: {msg}");
        ExitCode::from(2)
    };
    let today = match args
        .today
        .as_deref()
        .map(|t| (t, crate::date::Date::parse_iso(t)))
    {
        Some((t, None)) => {
            let shaped = t.len() == 10
                && t.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            return usage(if shaped {
                format!("--today {t} is not a day of the calendar")
            } else {
                format!("--today {t} is not a date; write it as YYYY-MM-DD")
            });
        }
        Some((_, d)) => d,
        None => None,
    };
    let lang = match args
        .lang
        .as_deref()
        .map(|l| (l, crate::lang::Lang::parse(l)))
    {
        Some((l, None)) => {
            return usage(format!(
                "--lang {l} is not a language of tolk; use nl-nl or en"
            ))
        }
        Some((_, l)) => l,
        None => None,
    };
    let answers = match args.answers.as_deref() {
        None => "{}".to_string(),
        Some("-") => match read_answers(std::io::stdin().lock()) {
            Ok(s) => s,
            Err(e) => {
                crate::say_err!("tolk eval: cannot read the answers from standard input: {e}");
                return ExitCode::from(1);
            }
        },
        Some(path) => match std::fs::File::open(path).and_then(read_answers) {
            Ok(s) => s,
            Err(e) => {
                crate::say_err!("tolk eval: cannot read the answers from {path}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    match crate::checklist::eval_command(&args.article, &args.checklist, &answers, today, lang) {
        Ok(json) => {
            crate::say_out!("{}", diagnostic::json_for_terminal(json));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            diagnostic::eprint_all(&diags);
            ExitCode::from(1)
        }
    }
}

/// The most bytes of answers `tolk eval` reads: a checklist's answers are
/// a few hundred bytes; without a bound a 60 MB file took 2.2 GB to parse.
pub const ANSWERS_LIMIT: u64 = 1 << 20;

/// Reads the answers: at most [`ANSWERS_LIMIT`] bytes of UTF-8, a leading
/// byte-order mark (as Windows editors write) dropped.
fn read_answers(r: impl std::io::Read) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    r.take(ANSWERS_LIMIT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > ANSWERS_LIMIT {
        return Err(std::io::Error::other(format!(
            "the answers are larger than {} KiB, more than any checklist needs; \
             pass only the answers (a JSON object of input ids)",
            ANSWERS_LIMIT / 1024
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        std::io::Error::other(format!(
            "the answers are not UTF-8 (bad byte at offset {}); save them as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn serve(opts: &crate::serve::ServeOptions) -> ExitCode {
    match crate::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            diagnostic::eprint_all(&diags);
            crate::say_err!("tolk: cannot start the preview server");
            ExitCode::from(1)
        }
    }
}

/// `tolk check`: prints every diagnostic in the chosen format; exit 1 on
/// any error.
fn check(root: PathBuf, format: Format, review: bool) -> ExitCode {
    let opts = pipeline::Options {
        root,
        review,
        ..pipeline::Options::default()
    };
    let diags = match pipeline::check(&opts) {
        Ok(d) => d,
        Err(d) => d,
    };
    match format {
        Format::Human => {
            diagnostic::eprint_all(&diags);
            crate::say_err!("tolk check: {}", diagnostic::tally(&diags));
        }
        Format::Json => {
            for d in &diags {
                match serde_json::to_string(d) {
                    Ok(line) => crate::say_out!("{}", diagnostic::json_for_terminal(line)),
                    Err(e) => crate::say_err!("tolk: cannot serialise a diagnostic: {e}"),
                }
            }
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints diagnostics and picks the exit code.
fn finish(result: Result<Vec<Diagnostic>, Vec<Diagnostic>>) -> ExitCode {
    match result {
        Ok(warnings) => {
            diagnostic::eprint_all(&warnings);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            diagnostic::eprint_all(&diags);
            // Counted as `tolk check` counts (notes too).
            crate::say_err!(
                "tolk: failed with {}; nothing was written",
                diagnostic::tally(&diags)
            );
            ExitCode::from(1)
        }
    }
}

const EXAMPLE_BOOK: &str = r#"# The site's configuration. Every key is optional; a key tolk does not
# know is an error that names it. tolk's README lists them all.
[book]
title = "Mijn documentatie"
src = "content"

[build]
build-dir = "site"

[site]
# The public address of the site, for canonical links and the sitemap.
# Set it before you publish, e.g.:
# url = "https://docs.example.org"
base-path = "/"

[languages]
source = "nl-nl"

[links]
# Where links that leave the site go; {lang} becomes nl-nl or en.
external-base = ""
"#;

const EXAMPLE_GITIGNORE: &str = "# What tolk build writes: the site, and the files it keeps beside it.\n/site/\n/.site.tolk-*\n";

const EXAMPLE_ARTICLE: &str = r#"---
title: Welkom
description: Een eerste artikel.
ms.date: 01/15/2026
author: tolk
ms.translationtype: HT
ms.contentlocale: nl-NL
---
# <a name="welcome"></a><span data-ttu-id="w-1">Welkom</span><span class="sxs-lookup"><span data-stu-id="w-1">Welcome</span></span>

<span data-ttu-id="w-2">Dit is uw eerste artikel.</span><span class="sxs-lookup"><span data-stu-id="w-2">This is your first article.</span></span>

> [!TIP]
> Bewerk `content/welcome.md` en bouw opnieuw met `tolk build`.
"#;

/// How to look at a built site: its links are root-absolute, so it must be
/// served; opening a page from disk (`file://`) finds no stylesheet.
fn serve_hint(out: &Path, base: &str, root: &Path) -> String {
    let root = root_flag(root);
    if base == "/" {
        format!(
            "Serve it with any static web server, e.g. `python3 -m http.server -d {}`, or preview with `tolk serve{root}`: \
             opening its index.html from disk (file://) does not work, because its links start at /.",
            out.display()
        )
    } else {
        format!(
            "Publish it at {base} of a web server, or preview with `tolk serve{root}`: \
             opening its index.html from disk (file://) does not work, because its links start at {base}."
        )
    }
}

/// ` --root DIR` (quoted for a shell when it must be) for a hint to run
/// another command on the same site; empty for the current folder.
fn root_flag(dir: &Path) -> String {
    let shown = dir.display().to_string();
    if dir == Path::new(".") || shown.is_empty() {
        String::new()
    } else if shown
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c))
    {
        format!(" --root {shown}")
    } else {
        format!(" --root '{}'", shown.replace('\'', "'\\''"))
    }
}

/// What `tolk init` says when it is done: where the site is and the
/// writer's next step, a preview in the browser.
fn init_done(dir: &Path) -> String {
    let root = root_flag(dir);
    let shown = if root.is_empty() {
        "the current folder".to_string()
    } else {
        dir.display().to_string()
    };
    format!(
        "Created a new site in {shown}.\n\
         Next, preview it while you write (it rebuilds and reloads as you save):\n\
         \n    tolk serve{root} --open\n\n\
         Before you publish, set [site] url in book.toml; `tolk build{root}` writes the site."
    )
}

/// Writes a new site into `dir`. Refuses to overwrite an existing book.toml.
pub fn init(dir: &Path) -> Result<(), Vec<Diagnostic>> {
    let book = dir.join(crate::config::FILE_NAME);
    if book.exists() {
        return Err(vec![Diagnostic::error(
            "init",
            format!("{} already exists", book.display()),
        )
        .with_hint(
            "tolk init creates a new site; edit the existing book.toml instead",
        )]);
    }
    let io = |p: &Path, e: std::io::Error| {
        vec![Diagnostic::error(
            "io",
            format!("cannot write {}: {e}", p.display()),
        )]
    };
    let content = dir.join("content");
    std::fs::create_dir_all(&content).map_err(|e| io(&content, e))?;
    std::fs::write(&book, EXAMPLE_BOOK).map_err(|e| io(&book, e))?;
    let article = content.join("welcome.md");
    if !article.exists() {
        std::fs::write(&article, EXAMPLE_ARTICLE).map_err(|e| io(&article, e))?;
    }
    // What a build leaves beside the content: the site and, beside it,
    // its spare copy, lock, stamp and copies' record.
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, EXAMPLE_GITIGNORE).map_err(|e| io(&ignore, e))?;
    }
    Ok(())
}
