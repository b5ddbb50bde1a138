//! A generated site in the shape of `bench/gen.py` (front matter,
//! anchored headings, lists, a table, a callout, links, bilingual segments
//! in half of the articles, folders of 100 with a TOC.yml), written
//! deterministically, for the tests of large builds.

use std::fmt::Write as _;

use super::TempSite;

const NL: &[&str] = &[
    "partner",
    "tegoed",
    "factuur",
    "klant",
    "abonnement",
    "aanvraag",
    "controleer",
    "rol",
    "beheerder",
    "gegevens",
    "probleem",
    "oplossen",
    "wanneer",
    "binnen",
    "dagen",
    "maand",
    "account",
    "verlenging",
    "wachtwoord",
    "aanbieding",
    "reseller",
    "provider",
    "incident",
];
const EN: &[&str] = &[
    "partner",
    "credit",
    "invoice",
    "customer",
    "subscription",
    "request",
    "check",
    "role",
    "admin",
    "details",
    "problem",
    "solve",
    "when",
    "within",
    "days",
    "month",
    "account",
    "renewal",
    "password",
    "offer",
    "reseller",
    "provider",
    "incident",
];

/// A small deterministic generator (the shape of `bench/gen.py`: front
/// matter, anchored headings, lists, a table, a callout, links, bilingual
/// segments in half of the articles, folders of 100 with a TOC.yml).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn sentence(&mut self, words: &[&str], n: usize) -> String {
        let mut s: Vec<&str> = (0..n).map(|_| words[self.next() % words.len()]).collect();
        let first = s[0].to_uppercase();
        s[0] = &first;
        format!("{}.", s.join(" "))
    }

    fn text(&mut self, id: &str, seg: &mut usize, n: usize) -> String {
        let nl = self.sentence(NL, n);
        if id.is_empty() {
            return nl;
        }
        *seg += 1;
        let en = self.sentence(EN, n);
        format!(
            "<span data-ttu-id=\"{id}-{seg}\">{nl}</span><span class=\"sxs-lookup\"><span data-stu-id=\"{id}-{seg}\">{en}</span></span>"
        )
    }

    fn article(&mut self, n: usize, total: usize) -> String {
        let id = if n % 2 == 0 {
            format!("g{n:x}")
        } else {
            String::new()
        };
        let seg = &mut 0;
        let mut out = format!(
            "---\ntitle: {}\ndescription: {}\nms.date: 0{}/1{}/2021\nms.topic: article\nms.service: partner-dashboard\nms.translationtype: MT\nms.contentlocale: nl-NL\n---\n# <a name=\"article-{n}\"></a>{}\n\n{} {}\n\n",
            self.sentence(NL, 5),
            self.sentence(NL, 10),
            1 + n % 9,
            n % 10,
            self.text(&id, seg, 6),
            self.text(&id, seg, 20),
            self.text(&id, seg, 15),
        );
        for s in 1..5 {
            let _ = write!(
                out,
                "## <a name=\"section-{s}\"></a>{}\n\n{} {}\n\n",
                self.text(&id, seg, 4),
                self.text(&id, seg, 18),
                self.text(&id, seg, 12)
            );
            for _ in 0..3 {
                let _ = writeln!(out, "- {}", self.text(&id, seg, 8));
            }
            out.push('\n');
            if s == 2 {
                out.push_str("| Kolom | Waarde |\n|---|---|\n");
                for _ in 0..4 {
                    let (a, b) = (self.text(&id, seg, 3), self.text(&id, seg, 5));
                    let _ = writeln!(out, "| {a} | {b} |");
                }
                out.push('\n');
            }
            if s == 3 {
                let _ = write!(out, ">[!NOTE]\n>{}\n\n", self.text(&id, seg, 14));
            }
            let m = self.next() % total;
            let _ = write!(
                out,
                "Zie [meer](../d{:04}/a{m:06}.md#section-1) en [docs](https://learn.microsoft.com/nl-nl/partner-center/).\n\n",
                m / 100
            );
        }
        out
    }
}

pub fn generated_site(total: usize) -> TempSite {
    let site = TempSite::new(
        "[book]\ntitle = \"Generated\"\nsrc = \"content\"\n[links]\nexternal-base = \"https://learn.microsoft.com/{lang}/partner-center/\"\n",
    );
    let mut gen = Gen(1);
    let mut root = String::new();
    for d in 0..total.div_ceil(100) {
        let _ = write!(root, "- name: Map {d}\n  href: d{d:04}/TOC.yml\n");
        let mut toc = String::new();
        for n in d * 100..total.min((d + 1) * 100) {
            let _ = write!(toc, "- name: Artikel {n}\n  href: a{n:06}.md\n");
            site.write(
                &format!("content/d{d:04}/a{n:06}.md"),
                gen.article(n, total),
            );
        }
        site.write(&format!("content/d{d:04}/TOC.yml"), toc);
    }
    site.write("content/TOC.yml", root);
    site
}
