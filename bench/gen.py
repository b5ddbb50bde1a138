#!/usr/bin/env python3
"""Writes a generated tolk site of N articles modelled on the seed articles.

Deterministic from the seed number: the same N and seed give the same bytes.
Each article has DocFX front matter, headings with <a name> anchors, a table,
a callout, links to other articles; half of them carry bilingual segments,
and one in ten a checklist. Articles live in folders of 100 with a TOC.yml
each, tied together by a root TOC.yml.

    python3 bench/gen.py OUT_DIR N [SEED]
"""
import os
import random
import sys

WORDS_NL = ("partner tegoed factuur klant abonnement aanvraag controleer rol beheerder "
            "gegevens probleem oplossen wanneer binnen dagen maand account verlenging "
            "wachtwoord aanbieding reseller provider incident storing bewijs termijn").split()
WORDS_EN = ("partner credit invoice customer subscription request check role admin "
            "details problem solve when within days month account renewal password "
            "offer reseller provider incident outage evidence deadline").split()

CHECKLIST = """```checklist
id: eligibility-{n}
title: {{nl: "Kom ik in aanmerking?", en: "Am I eligible?"}}
inputs:
  - id: provider
    type: choice
    label: {{nl: "Type partner", en: "Partner type"}}
    options:
      - {{value: direct, label: {{nl: "Direct", en: "Direct"}}}}
      - {{value: reseller, label: {{nl: "Reseller", en: "Reseller"}}}}
  - id: purchase
    type: date
    label: {{nl: "Aankoopdatum", en: "Purchase date"}}
computed:
  - id: deadline
    expr: add_days(purchase, 30)
    label: {{nl: "Uiterlijk", en: "Deadline"}}
outcomes:
  - id: reseller
    when: provider == "reseller"
    status: fail
    message: {{nl: "Resellers komen niet in aanmerking.", en: "Resellers are not eligible."}}
  - id: in_time
    when: is_set(deadline)
    status: info
    message: {{nl: "Dien in voor {{deadline}}.", en: "Submit by {{deadline}}."}}
```
"""


def sentence(rng, words, n):
    s = " ".join(rng.choice(words) for _ in range(n))
    return s[0].upper() + s[1:] + "."


def article(rng, n, total, segmented):
    title_nl = sentence(rng, WORDS_NL, 5)[:-1]
    title_en = sentence(rng, WORDS_EN, 5)[:-1]
    seg = [0]

    def text(nwords=12):
        nl = sentence(rng, WORDS_NL, nwords)
        if not segmented:
            return nl
        seg[0] += 1
        sid = f"g{n:x}-{seg[0]}"
        en = sentence(rng, WORDS_EN, nwords)
        return (f'<span data-ttu-id="{sid}">{nl}</span><span class="sxs-lookup">'
                f'<span data-stu-id="{sid}">{en}</span></span>')

    def link():
        m = rng.randrange(total)
        return f"../d{m // 100:04d}/a{m:06d}.md#section-1"

    out = [
        "---",
        f"title: {title_nl}",
        f"description: {sentence(rng, WORDS_NL, 10)}",
        f"ms.date: {rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/20{rng.randint(18, 24)}",
        "ms.topic: article",
        "ms.service: partner-dashboard",
        f"ms.subservice: partnercenter-{rng.choice(['csp', 'billing', 'mpn'])}",
        "author: tolk-bench",
        "ms.author: tolk",
        f"ms.translationtype: {'MT' if segmented else 'HT'}",
        "ms.contentlocale: nl-NL",
        f'ms.locfileid: "{n}"',
        "---",
        f'# <a name="article-{n}"></a>{text(6) if segmented else title_nl}',
        "",
        text(20) + " " + text(15),
        "",
    ]
    for s in range(1, 5):
        out += [f'## <a name="section-{s}"></a>{text(4)}', "", text(18) + " " + text(12), ""]
        out += [f"- {text(8)}" for _ in range(3)] + [""]
        if s == 2:
            out += ["| Kolom | Waarde |", "|---|---|"]
            out += [f"| {text(3)} | {text(5)} |" for _ in range(4)] + [""]
        if s == 3:
            out += [">[!NOTE]", f">{text(14)}", ""]
        out += [f"Zie [{rng.choice(WORDS_NL)}]({link()}) en [meer](https://learn.microsoft.com/nl-nl/partner-center/).", ""]
    if n % 10 == 0:
        out.append(CHECKLIST.format(n=n))
    return "\n".join(out) + "\n"


def main():
    out_dir, total = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    content = os.path.join(out_dir, "content")
    os.makedirs(content, exist_ok=True)
    with open(os.path.join(out_dir, "book.toml"), "w") as f:
        f.write('[book]\ntitle = "Generated"\nsrc = "content"\n[links]\n'
                'external-base = "https://learn.microsoft.com/{lang}/partner-center/"\n')
    folders = (total + 99) // 100
    with open(os.path.join(content, "TOC.yml"), "w") as root:
        for d in range(folders):
            root.write(f"- name: Map {d}\n  href: d{d:04d}/TOC.yml\n")
    for d in range(folders):
        folder = os.path.join(content, f"d{d:04d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "TOC.yml"), "w") as toc:
            for n in range(d * 100, min(total, (d + 1) * 100)):
                toc.write(f"- name: Artikel {n}\n  href: a{n:06d}.md\n")
                with open(os.path.join(folder, f"a{n:06d}.md"), "w") as f:
                    f.write(article(rng, n, total, segmented=(n % 2 == 0)))


if __name__ == "__main__":
    main()
