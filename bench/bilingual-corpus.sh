#!/bin/sh
# Issue 17 on the real two-language configuration: the Dutch corpus as
# content/ and its English originals as content-en/partner-center/ (see
# ../shared/corpus/README.md), built with the given tolk binary; prints the
# issue's counts.
#
#   [TOLK_CORPUS=dir] bench/bilingual-corpus.sh [path/to/tolk]
#   (default: target/release/tolk, ../shared/corpus; TOLK_SEARCH_JS: the
#   search.js to query the index with, to compare an older build)
#
# The English corpus has a merge conflict left in gdap-faq.md (a real error,
# which stops the build); the copy built here keeps the first side.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tolk=${1:-$here/target/release/tolk}
corpus=${TOLK_CORPUS:-$here/../shared/corpus}
[ -d "$corpus" ] || { echo "needs $corpus" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus/partner-center.nl-nl" "$work/content"
mkdir -p "$work/content-en"
cp -r "$corpus/partner-center.en" "$work/content-en/partner-center"
chmod -R u+w "$work"
python3 - "$work/content-en/partner-center/gdap-faq.md" <<'PY'
import sys
p = sys.argv[1]; out = []; side = 0
for line in open(p, encoding="utf-8").read().split("\n"):
    if line.startswith("<<<<<<<"): side = 1; continue
    if line.startswith("=======") and side == 1: side = 2; continue
    if line.startswith(">>>>>>>") and side == 2: side = 0; continue
    if side != 2: out.append(line)
open(p, "w", encoding="utf-8").write("\n".join(out))
PY
cat > "$work/book.toml" <<'TOML'
[book]
title = "Partner Center"
src = "content"
[languages]
english-src = "content-en"
[languages.renamed]
"partner-center/advanced-specializations-apply.md" = "partner-center/specializations-apply.md"
[links]
external-base = "https://learn.microsoft.com/{lang}/"
site-prefix = "/"
TOML
# An older binary may not know [languages.renamed]: it builds without it.
if ! "$tolk" build --root "$work" >"$work/build.log" 2>&1; then
  python3 - "$work/book.toml" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
open(p, "w").write(s.split("[languages.renamed]")[0] + s[s.index("[links]"):])
PY
  "$tolk" build --root "$work" >"$work/build.log" 2>&1 || { tail -n 20 "$work/build.log"; exit 1; }
fi
tail -n 1 "$work/build.log"
"$tolk" check --root "$work" >"$work/check.log" 2>&1 || true
python3 - "$work" <<'PY'
import os, re, sys, json, html
work = sys.argv[1]; site = os.path.join(work, "site")
def read(p):
    try: return open(p, encoding="utf-8").read()
    except OSError: return None
pages = []
for d, _, files in os.walk(os.path.join(site, "nl-nl")):
    if "index.html" in files:
        rel = os.path.relpath(d, os.path.join(site, "nl-nl"))
        pages.append("" if rel == "." else rel)
only_dutch = lambda h: "This article is available only in Dutch." in h
desc = lambda h: (re.search(r'<meta name="description" content="([^"]*)"', h) or [None, None])[1]
date = lambda h: (re.search(r'<time datetime="([^"]*)"', h) or [None, None])[1]
same_desc = same_date = en_pages = raw_inc = 0
img_broken = set(); raw_md = 0; mt_contra = 0; mt_pages = 0
nl_ids = missing_ids = pages_missing = 0
def ids(h):
    return set(re.findall(r' id="([^"]+)"', h))
def heads(h):
    return re.findall(r'<h[23] id="([^"]+)"', h)
for p in pages:
    nl = read(os.path.join(site, "nl-nl", p, "index.html"))
    en = read(os.path.join(site, "en", p, "index.html"))
    if nl is None or en is None: continue
    if 'notice-mt' in nl:
        mt_pages += 1
        m = re.search(r'notice-mt">[^<]*<a href="([^"]+)"', nl)
        if m and only_dutch(en): mt_contra += 1
    if only_dutch(en) or "alleen in het Engels" in nl: continue
    en_pages += 1
    if desc(en) and desc(en) == desc(nl): same_desc += 1
    if date(en) and date(en) == date(nl): same_date += 1
    main = en.split("<main", 1)[-1]
    if "[!INCLUDE" in main: raw_inc += 1
    raw_md += len(re.findall(r'<a href="[^"#]*\.md[#"]', main))
    for src in re.findall(r'<img [^>]*src="([^"]+)"', main):
        if src.startswith("/") and not os.path.exists(os.path.join(site, src.lstrip("/").split("#")[0])):
            img_broken.add(src)
    hs = heads(nl); e_ids = ids(en)
    nl_ids += len(hs)
    miss = [i for i in hs if i not in e_ids]
    missing_ids += len(miss); pages_missing += bool(miss)
print(f"English pages from English sources: {en_pages}")
print(f"  with the Dutch page's description: {same_desc}; with its date: {same_date}")
print(f"  raw [!INCLUDE]: {raw_inc}; raw .md hrefs: {raw_md}; distinct broken image URLs (published files): {len(img_broken)}")
print(f"Dutch H2/H3 ids missing on the English page: {missing_ids} of {nl_ids}, on {pages_missing} pages")
print(f"MT notices: {mt_pages}; linking an English page that says 'only in Dutch': {mt_contra}")
# English navigation: group labels of the Dutch TOC on English pages.
toc = read(os.path.join(work, "content", "partner-center", "TOC.yml")) or ""
nl_groups = set(n.strip().strip('"') for n in re.findall(r'- name: (.*)', toc))
# (Names the English TOC uses too, "Customers", are English in both.)
nl_groups -= set(n.strip().strip('"') for n in re.findall(r'- name: (.*)', read(os.path.join(work, "content-en", "partner-center", "TOC.yml")) or ""))
dutch_labels = marked = 0
for p in pages:
    en = read(os.path.join(site, "en", p, "index.html")) or ""
    nav = en.split('<nav class="site-nav"', 1)[-1].split("</nav>", 1)[0]
    for label in re.findall(r"<summary>(.*?)</summary>", nav):
        if label.startswith('<span lang="nl">'):
            marked += 1
        elif html.unescape(label) in nl_groups:
            dutch_labels += 1
print(f"Dutch TOC group labels in English pages' navigation: {dutch_labels} unmarked, {marked} marked lang=nl")
# Language of parts (issue 17 item 8): Dutch fragments on English pages
# outside an element with lang="nl": alt texts, meta descriptions, navigation
# labels (page titles and groups), the site title. A fragment is Dutch when
# the Dutch pages show it (title, description, alt) or the Dutch TOC names
# it, and no English page built from an English source shows it as its own.
from html.parser import HTMLParser
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
class Parts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []; self.out = []  # (kind, text, lang)
    def lang(self):
        return self.stack[-1][1] if self.stack else ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); l = a.get("lang", self.lang()) or ""
        nav = tag == "nav" and "site-nav" in (a.get("class") or "") or (self.stack and self.stack[-1][2])
        if tag == "img" and a.get("alt"): self.out.append(("alt", a["alt"], l))
        if tag == "meta" and a.get("name") == "description" and a.get("content"): self.out.append(("description", a["content"], l))
        if tag == "a" and "site-title" in (a.get("class") or ""): self.out.append(("site title", None, l))
        if tag not in VOID: self.stack.append((tag, l, bool(nav)))
    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag: del self.stack[i:]; break
    def handle_data(self, d):
        d = d.strip()
        if d and self.stack and self.stack[-1][2]: self.out.append(("navigation label", d, self.lang()))
def parts(h):
    p = Parts(); p.feed(h); return p.out
dutch, english = set(), set()
for n in re.findall(r'- name: (.*)', toc): dutch.add(n.strip().strip('"'))
for p in pages:
    nl = read(os.path.join(site, "nl-nl", p, "index.html")) or ""
    en = read(os.path.join(site, "en", p, "index.html")) or ""
    if "alleen in het Engels" in nl: continue
    for kind, t, l in parts(nl):
        if t and kind != "navigation label" and not l.startswith("en"): dutch.add(t)
    m = re.search(r'<h1[^>]*>(.*?)</h1>', nl, re.S)
    if m: dutch.add(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip())
    if en and not only_dutch(en):
        for kind, t, l in parts(en):
            if t and kind != "navigation label" and not l.startswith("nl"): english.add(t)
        m = re.search(r'<h1[^>]*>(.*?)</h1>', en, re.S)
        if m: english.add(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip())
entoc = read(os.path.join(work, "content-en", "partner-center", "TOC.yml")) or ""
for n in re.findall(r'- name: (.*)', entoc): english.add(n.strip().strip('"'))
dutch -= english
unmarked = {}
for p in pages:
    en = read(os.path.join(site, "en", p, "index.html")) or ""
    for kind, t, l in parts(en):
        if l.startswith("nl"): continue
        if kind == "site title" or t in dutch:
            unmarked[kind] = unmarked.get(kind, 0) + 1
import glob
for f in glob.glob(os.path.join(site, "static", "toc-en.*.js")):
    tree = json.loads(read(f).strip()[len("window.tolkNav = "):].rstrip(";"))
    def walk(nodes):
        for n in nodes:
            if n.get("t") in dutch and n.get("l") != "nl":
                unmarked["toc-en.js label"] = unmarked.get("toc-en.js label", 0) + 1
            walk(n.get("c", []))
    walk(tree)
print("Dutch fragments on English pages outside lang=nl:", ", ".join(f"{k} {v}" for k, v in sorted(unmarked.items())) or "none")
check = read(os.path.join(work, "check.log")) or ""
for code in ["only-dutch", "only-english", "anchor-mismatch", "broken-anchor", "missing-asset", "include"]:
    n = len(re.findall(r"^(?:error|warning|note)\[" + code + r"\]", check, re.M))
    print(f"tolk check {code}: {n}")
idx = json.loads(read(os.path.join(site, "search-nl-nl.json")) or "{}")
stop = set(idx.get("stop", []))
print("Dutch stop words een/geen/meer/kunt/kan/moet:", sorted(stop & {"een", "geen", "meer", "kunt", "kan", "moet"}))
PY
if command -v node >/dev/null; then
  node -e '
const s = require(process.argv[1]); const fs = require("fs");
const nl = new s.Index(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
for (const q of ["opties", "optie", "organisaties", "organisatie", "prijzen", "prijs", "rollen", "rol", "stappen", "stap", "een"]) {
  const found = new Set();
  nl.stemsFor(q, false).forEach((_, stem) => nl.postingsOf(stem).forEach(p => found.add(p[0])));
  console.log("search " + q + ": " + found.size + " of " + nl.sections.length + " sections");
}' "${TOLK_SEARCH_JS:-$here/themes/default/static/search.js}" "$work/site/search-nl-nl.json"
fi
