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
    /// Create a new site: book.toml and an example article.
    ///
    /// The default theme is built into tolk, so the new site has no theme
    /// files; add themes/default/<file> to override any of them.
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
    Build {
        /// The folder that holds book.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write the site here instead of [build] build-dir.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Serve the site under this path, e.g. /docs/ (overrides [site] base-path).
        #[arg(long = "base-url", value_name = "PATH")]
        base_url: Option<String>,
        /// Replace the output folder even if it holds files tolk did not write.
        #[arg(long)]
        force: bool,
    },
    /// Preview the site while you write: build it, serve it, rebuild on
    /// every save and reload the open pages.
    ///
    /// The preview is built into a private temporary folder (removed on
    /// Ctrl-C), never into build-dir, so the live-reload script it carries
    /// never reaches a published site. Errors keep the last good site
    /// served and show over every open page until they are fixed.
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
            eprintln!(
                "Created a new site in {}. Build it with: tolk build --root {}",
                dir.display(),
                dir.display()
            );
            Vec::new()
        })),
        Command::Build {
            root,
            out,
            base_url,
            force,
        } => {
            let opts = pipeline::Options {
                root,
                out,
                force,
                base_path: base_url,
                inject: String::new(),
            };
            finish(
                pipeline::build(&opts, &crate::site::NoChecklists).map(|report| {
                    eprintln!(
                        "Built {} pages from {} articles into {} in {:.2?}{}",
                        report.pages,
                        report.articles,
                        report.out.display(),
                        report.elapsed,
                        summary_suffix(&report.diagnostics)
                    );
                    report.diagnostics
                }),
            )
        }
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

fn serve(opts: &crate::serve::ServeOptions) -> ExitCode {
    match crate::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            diagnostic::eprint_all(&diags);
            eprintln!("tolk: cannot start the preview server");
            ExitCode::from(1)
        }
    }
}

fn summary_suffix(diags: &[Diagnostic]) -> String {
    let (_, warnings) = diagnostic::count(diags);
    match warnings {
        0 => String::new(),
        1 => ", 1 warning".into(),
        n => format!(", {n} warnings"),
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
            let (errors, warnings) = diagnostic::count(&diags);
            eprintln!("tolk: failed with {errors} error(s) and {warnings} warning(s); nothing was written");
            ExitCode::from(1)
        }
    }
}

const EXAMPLE_BOOK: &str = r#"# The site's configuration. Every key is optional; see the README.
[book]
title = "Mijn documentatie"
src = "content"

[build]
build-dir = "site"

[site]
# The public URL, for canonical links and the sitemap.
url = ""
base-path = "/"

[languages]
source = "nl-nl"

[links]
# Where links that leave the site go; {lang} becomes nl-nl or en.
external-base = ""
"#;

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
    Ok(())
}
