//! Bilingual rendering: one localized source, a Dutch and an English page.

mod common;

use common::*;

/// Text of a Markdown fragment as it appears in HTML (inline markup dropped).
fn plain(md: &str) -> String {
    let mut out = String::new();
    let parser = pulldown_cmark::Parser::new(md);
    for ev in parser {
        if let pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) = ev {
            out.push_str(&t);
        }
    }
    out
}

fn html_text(html: &str) -> String {
    // Drop tags and decode the few entities pulldown-cmark writes.
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[test]
fn seeds_001_and_002_render_both_languages_from_their_segments() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    for (slug, en_title) in [
        (
            "troubleshoot-account-setup",
            "Troubleshoot account setup or MPN renewal issues",
        ),
        (
            "incentives-customer-association-issues",
            "Issues with Claimed Partner of Record (CPOR) customer associations",
        ),
    ] {
        let source = std::fs::read_to_string(repo().join(format!("content/{slug}.md"))).unwrap();
        let split = tolk::segments::split(&source, std::path::Path::new("x.md"));
        assert_eq!(split.segments.len(), source.matches("data-ttu-id=").count());
        let nl = site.read(&format!("nl-nl/{slug}/index.html"));
        let en = site.read(&format!("en/{slug}/index.html"));
        // The English page: English H1 and title, no Dutch segment text.
        assert!(
            en.contains(&format!(">{en_title}</h1>")),
            "{slug}: English H1"
        );
        assert!(
            en.contains(&format!("<title>{en_title} ·")),
            "{slug}: English <title>"
        );
        assert!(en.contains("<html lang=\"en\""));
        assert!(
            !en.contains("noindex"),
            "{slug} has English text: it is indexed"
        );
        let en_text = html_text(en.split("<main").nth(1).unwrap());
        let nl_html_text = html_text(&nl);
        for seg in &split.segments {
            let nl_plain = plain(&seg.nl);
            let en_plain = plain(seg.en.as_deref().unwrap());
            if nl_plain.len() > 12 && !en_plain.contains(&nl_plain) {
                assert!(
                    !en_text.contains(&nl_plain),
                    "{slug}: Dutch text `{nl_plain}` on the English page"
                );
            }
            assert!(
                en_text.contains(en_plain.trim()),
                "{slug}: English `{en_plain}` missing from the English page"
            );
            assert!(
                nl_html_text.contains(nl_plain.trim()),
                "{slug}: Dutch `{nl_plain}` missing from the Dutch page"
            );
        }
        // The Dutch page: every segment rendered with its English original.
        assert_eq!(
            nl.matches("<span class=\"tolk-seg\"").count(),
            split.segments.len(),
            "{slug}: one marked sentence per segment"
        );
        assert_eq!(
            nl.matches("class=\"tolk-orig\"").count(),
            split.segments.len(),
            "{slug}: one original per segment"
        );
        assert!(nl.contains("role=\"tooltip\" lang=\"en\""));
        assert!(
            nl.contains("tabindex=\"0\" aria-describedby=\"tolk-orig-"),
            "originals are reachable by keyboard"
        );
        assert!(
            !nl.contains("sxs-lookup"),
            "the source markup does not leak into the page"
        );
        assert!(!en.contains("tolk-seg"));
        // Heading ids are the same in both languages.
        for id in [
            "troubleshoot-account-setup-or-mpn-renewal-issues",
            "domain-tenant-mismatch",
        ] {
            assert_eq!(
                nl.contains(&format!("id=\"{id}\"")),
                en.contains(&format!("id=\"{id}\"")),
                "{slug}: id {id}"
            );
        }
    }
}

#[test]
fn seed_002_table_has_segments_in_cells_in_both_languages() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    let nl = site.read("nl-nl/incentives-customer-association-issues/index.html");
    let en = site.read("en/incentives-customer-association-issues/index.html");
    let table = |html: &str| {
        html.split("<table>")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap()
            .to_string()
    };
    let (nl_t, en_t) = (table(&nl), table(&en));
    assert!(
        nl_t.contains("<td><span class=\"tolk-seg\""),
        "Dutch cells hold segments"
    );
    assert!(en_t.matches("<td>").count() >= 8 && !en_t.contains("tolk-seg"));
    assert_eq!(nl_t.matches("<tr>").count(), en_t.matches("<tr>").count());
}

#[test]
fn articles_without_segments_get_an_english_page_that_says_so() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    for slug in [
        "partner-earned-credit-troubleshoot",
        "lighthouse-partner-earned-credit",
        "request-credit",
    ] {
        let en = site.read(&format!("en/{slug}/index.html"));
        assert!(
            en.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{slug}"
        );
        assert!(
            en.contains("This article is available only in Dutch."),
            "{slug}"
        );
        assert!(
            en.contains("<article lang=\"nl\">"),
            "{slug}: the Dutch body is marked as Dutch"
        );
        assert!(en.contains("<html lang=\"en\""));
        let nl = site.read(&format!("nl-nl/{slug}/index.html"));
        let machine = slug != "request-credit"; // seed 004 is human translated (HT)
        assert_eq!(
            nl.contains("Dit artikel is automatisch vertaald."),
            machine,
            "{slug}: MT notice"
        );
        // The English page has no English: the notice does not offer an
        // original that says "available only in Dutch" (issue 17).
        assert!(
            !nl.contains(&format!(
                "<a href=\"/en/{slug}/\" hreflang=\"en\" lang=\"en\">"
            )),
            "{slug}: MT notice links to a Dutch-only English page"
        );
    }
}

#[test]
fn language_plumbing_alternates_switcher_and_dates() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    let nl = site.read("nl-nl/troubleshoot-account-setup/index.html");
    let en = site.read("en/troubleshoot-account-setup/index.html");
    for page in [&nl, &en] {
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"nl-NL\" href=\"https://tolk.example.org/nl-nl/troubleshoot-account-setup/\">"));
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://tolk.example.org/en/troubleshoot-account-setup/\">"));
        assert!(page.contains("hreflang=\"x-default\""));
    }
    assert!(nl.contains("<a class=\"lang-switch\" href=\"/en/troubleshoot-account-setup/\""));
    assert!(en.contains("<a class=\"lang-switch\" href=\"/nl-nl/troubleshoot-account-setup/\""));
    assert!(nl.contains("Op deze pagina") && en.contains("On this page"));
    assert!(nl.contains("<time datetime=\"2020-08-18\">18 augustus 2020</time>"));
    assert!(en.contains("<time datetime=\"2020-08-18\">August 18, 2020</time>"));
    // Index pages in both languages; the English one marks Dutch descriptions.
    let index_en = site.read("en/index.html");
    assert!(index_en.contains("Troubleshoot account setup or MPN renewal issues"));
    assert!(index_en.contains("<p lang=\"nl\">"));
    assert!(
        index_en.contains("<span class=\"fallback-note\" lang=\"en\">(in Dutch)</span>"),
        "the Dutch description is marked visibly"
    );
    assert!(site.read("nl-nl/index.html").contains("Problemen met"));
}

#[test]
fn english_source_takes_precedence() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: Alleen NL\n---\n# Alleen NL\n\nTekst.\n",
    );
    site.write(
        "content-en/a.md",
        "---\ntitle: English\n---\n# Written in English\n\nText.\n",
    );
    site.tolk(&["build"]).ok();
    let en = site.read("en/a/index.html");
    assert!(en.contains(">Written in English</h1>"));
    assert!(!en.contains("noindex") && !en.contains("only in Dutch"));
}

#[test]
fn bad_segments_are_located_diagnostics_and_no_text_is_lost() {
    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n\
         <span data-ttu-id=\"x-1\">Een</span><span class=\"sxs-lookup\"><span data-stu-id=\"x-2\">One</span></span>\n\n\
         <span data-ttu-id=\"x-3\">Alleen Nederlands</span>\n\n\
         <span class=\"sxs-lookup\"><span data-stu-id=\"x-4\">Stray English</span></span>\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains("warning[segment-id-mismatch]") && err.contains("content/a.md:6:"),
        "{err}"
    );
    assert!(
        err.contains("warning[segment-missing-english]") && err.contains("content/a.md:8:"),
        "{err}"
    );
    assert!(
        err.contains("warning[segment-stray-english]") && err.contains("content/a.md:10:"),
        "{err}"
    );
    let nl = site.read("nl-nl/a/index.html");
    let en = site.read("en/a/index.html");
    assert!(nl.contains("Een") && en.contains("One"));
    assert!(
        nl.contains("Alleen Nederlands") && en.contains("Alleen Nederlands"),
        "a Dutch half without English is kept on both pages"
    );
    assert!(en.contains("Stray English"));

    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n# A\n\n<span data-ttu-id=\"x-1\">Nooit gesloten\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[segment-unclosed]") && run.stderr.contains("content/a.md:6:1"),
        "{}",
        run.stderr
    );

    let site = TempSite::new("");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n| a | b |\n|---|---|\n| <span data-ttu-id=\"t-1\">een | twee</span><span class=\"sxs-lookup\"><span data-stu-id=\"t-1\">one | two</span></span> | c |\n",
    );
    let run = site.tolk(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[segment-split-table-cell]")
            && run.stderr.contains("content/a.md:6:"),
        "{}",
        run.stderr
    );
}

#[test]
fn search_indexes_hold_only_their_own_language() {
    let site = bundled_site();
    site.tolk(&["build"]).ok();
    let read_index = |lang: &str| {
        serde_json::from_str::<serde_json::Value>(&site.read(&format!("search-{lang}.json")))
            .unwrap()
    };
    let (nl, en) = (read_index("nl-nl"), read_index("en"));
    let words = |idx: &serde_json::Value| -> Vec<String> {
        idx["terms"].as_object().unwrap().keys().cloned().collect()
    };
    let (nl_terms, en_terms) = (words(&nl), words(&en));
    // Seed 001 words only one language has.
    for dutch in ["wachtwoord", "telefoonnummer", "verlenging"] {
        let stem = tolk::search::SearchIndex::new(tolk::Lang::Nl)
            .stem_of(dutch)
            .unwrap();
        assert!(nl_terms.contains(&stem), "nl index has {dutch}");
        assert!(
            !en_terms.iter().any(|t| t == &stem),
            "en index has Dutch {dutch}"
        );
    }
    for english in ["password", "renewal"] {
        let stem = tolk::search::SearchIndex::new(tolk::Lang::En)
            .stem_of(english)
            .unwrap();
        assert!(en_terms.contains(&stem), "en index has {english}");
        assert!(
            !nl_terms.iter().any(|t| t == &stem),
            "nl index has English {english}"
        );
    }
    // English pages without English text are not in the English index.
    let docs = en["docs"].as_array().unwrap();
    assert_eq!(
        docs.len(),
        2,
        "only seeds 001 and 002 have English: {docs:?}"
    );
}

#[test]
fn review_notes_and_segment_ids_for_a_translation_reviewer() {
    let site = TempSite::new("[book]\ntitle = \"Nakijken\"\n");
    site.write("content/review.md", REVIEW_ARTICLE);
    // `tolk check --review` lists what a reviewer must look at, at its line.
    let check = site.tolk(&["check", "--review"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains("note[segment-identical]: segment r-3 has the same text in both halves\n --> content/review.md:7:122"),
        "{}",
        check.stderr
    );
    assert!(
        check
            .stderr
            .contains("note[segment-empty-dutch]: segment r-4 has an empty Dutch half\n --> content/review.md:9:3"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("2 notes"), "{}", check.stderr);
    // Without --review, neither.
    let plain = site.tolk(&["check"]);
    assert!(
        !plain.stderr.contains("segment-identical"),
        "{}",
        plain.stderr
    );
    assert!(
        !plain.stderr.contains("segment-empty-dutch"),
        "{}",
        plain.stderr
    );
    // The Dutch page names each sentence's segment and line, and why one
    // needs a look; the title's sentence too.
    site.tolk(&["build"]).ok();
    let nl = site.read("nl-nl/review/index.html");
    assert!(
        nl.contains("<article data-source=\"content/review.md\">"),
        "{nl}"
    );
    for (k, id, line, kind) in [
        (0, "r-1", 5, ""),
        (1, "r-2", 7, ""),
        (2, "r-3", 7, " data-review=\"identical\""),
        (3, "r-4", 9, " data-review=\"empty\""),
        (4, "r-5", 10, ""),
    ] {
        let want = format!(
            "aria-describedby=\"tolk-orig-{k}\" data-seg=\"{id}\" data-line=\"{line}\"{kind}>"
        );
        assert!(nl.contains(&want), "{want} in {nl}");
    }
    // The English page has no sentences to review.
    let en = site.read("en/review/index.html");
    assert!(!en.contains("data-seg="), "{en}");
    assert!(!en.contains("data-source="), "{en}");
}
