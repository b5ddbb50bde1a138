#!/bin/sh
# DocFX fidelity on the real corpora (issue 16): builds both Partner Center
# corpora from ../shared/corpus with the given tolk binary and counts, per
# language, the pages that still show DocFX syntax raw (`:::`, `[!VIDEO`,
# `[!div`, `[!INCLUDE`, outside code), and tolk check's diagnostics by code.
#
#   [TOLK_CORPUS=dir] bench/docfx-corpus.sh [path/to/tolk]
#   (default: target/release/tolk, ../shared/corpus)
#
# The English corpus has a merge conflict left in gdap-faq.md (a real
# error, which stops the build); the copy built here keeps the first side.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tolk=${1:-$here/target/release/tolk}
corpus=${TOLK_CORPUS:-$here/../shared/corpus}
[ -d "$corpus" ] || { echo "needs $corpus" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus/partner-center.en" "$work/en-src"
# Keep the first side of each conflict.
python3 - "$work/en-src/gdap-faq.md" <<'PY'
import sys
p = sys.argv[1]; out = []; side = 0
for line in open(p, encoding="utf-8").read().split("\n"):
    if line.startswith("<<<<<<<"): side = 1; continue
    if line.startswith("=======") and side == 1: side = 2; continue
    if line.startswith(">>>>>>>") and side == 2: side = 0; continue
    if side != 2: out.append(line)
open(p, "w", encoding="utf-8").write("\n".join(out))
PY
for lang in nl en; do
  mkdir -p "$work/$lang"
  if [ $lang = nl ]; then src=$corpus/partner-center.nl-nl; prefix=/; base="https://learn.microsoft.com/{lang}/"
  else src=$work/en-src; prefix=/partner-center/; base="https://learn.microsoft.com/{lang}/partner-center/"; fi
  printf '[book]\ntitle = "Partner Center"\nsrc = "%s"\n[links]\nexternal-base = "%s"\nsite-prefix = "%s"\n' "$src" "$base" "$prefix" > "$work/$lang/book.toml"
  echo "== $lang: $src"
  "$tolk" build --root "$work/$lang" 2>&1 | tail -n 1
  python3 - "$work/$lang/site" <<'PY'
import os, re, sys
root = sys.argv[1]
raw = {":::": 0, "[!VIDEO": 0, "[!div": 0, "[!INCLUDE": 0}
pages = {k: set() for k in raw}
code = re.compile(r"<pre.*?</pre>|<code.*?</code>", re.S)
for d, _, files in os.walk(root):
    for f in files:
        if f != "index.html": continue
        p = os.path.join(d, f)
        body = open(p, encoding="utf-8").read()
        body = body.split('<main', 1)[-1]
        body = code.sub("", body)
        for k in raw:
            n = body.count(k) if k == ":::" else body.lower().count(k.lower())
            if n:
                raw[k] += n; pages[k].add(os.path.relpath(p, root))
for k in raw:
    print(f"  raw {k!r}: {raw[k]} on {len(pages[k])} pages", *sorted(pages[k])[:3])
PY
  "$tolk" check --root "$work/$lang" > "$work/$lang/check.txt" 2>&1 || true
  grep -oE '^(error|warning)\[[a-z-]+\]' "$work/$lang/check.txt" | sort | uniq -c | sed 's/^/  /'
  tail -n 1 "$work/$lang/check.txt"
done
