#!/usr/bin/env bash
# The full-size bad-input builds that tests/bad_input.rs runs smaller in the
# default test: one 50 MB article and 10,000 tiny articles, built by the
# release binary. Prints wall time and peak memory (/usr/bin/time -v) and
# checks that the 50 MB article's last paragraph reached its page.
#
# Then the quadratic shapes of issue 13 (item 6) at 10x the issue's size,
# which tests/security_serve.rs runs smaller: 500,000 identical headings,
# a `<div` left open for 1,000,000 lines, a TOC.yml with 500,000 missing
# hrefs, and a line pulldown-cmark splits into 4,000,000 texts (2,000,000
# times `a\*b&amp;`) (`tolk check`). Each must take under 5 s.
#
#   bench/bad.sh
#
# Needs: cargo, python3, /usr/bin/time (Debian's `time` package).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${BENCH_DIR:-$(mktemp -d /tmp/tolk-bad.XXXXXX)}
[ -x /usr/bin/time ] || { echo "bench/bad.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --bin tolk
TOLK=${CARGO_TARGET_DIR:-$ROOT/target}/release/tolk

python3 - "$WORK" <<'PY'
import os, sys
work = sys.argv[1]
words = "partner tegoed factuur klant abonnement aanvraag controleer rol".split()
for name in ("big", "many"):
    os.makedirs(f"{work}/{name}/content", exist_ok=True)
    open(f"{work}/{name}/book.toml", "w").write('[book]\ntitle = "Groot"\n')
with open(f"{work}/big/content/groot.md", "w") as f:
    f.write("---\ntitle: Groot\n---\n# Groot\n\n")
    size, n = 0, 0
    while size < 50 << 20:
        p = (f"## Kop {n}\n\n" if n % 50 == 0 else "") + f"Alinea-{n:07} " + " ".join(
            words[(n * 7 + i * 3) % len(words)] for i in range(80)) + ".\n\n"
        f.write(p); size += len(p); n += 1
    f.write("Laatste alinea, tot het einde.\n")
for i in range(10000):
    open(f"{work}/many/content/a{i:05}.md", "w").write(
        f"---\ntitle: Artikel {i}\n---\n# Artikel {i}\n\nTekst nummer {i}.\n")
PY

for name in big many; do
  rm -rf "$WORK/$name/site" "$WORK/$name/.site.tolk-spare" "$WORK/$name/.site.tolk-stamp"
  /usr/bin/time -v "$TOLK" build --root "$WORK/$name" 2>"$WORK/$name.time" >/dev/null
  wall=$(grep "Elapsed (wall clock)" "$WORK/$name.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$WORK/$name.time" | awk '{print $NF}')
  echo "$name: $(grep '^Built' "$WORK/$name.time"); wall $wall, max RSS $((rss / 1024)) MiB"
done
grep -q "<p>Laatste alinea, tot het einde.</p>" "$WORK/big/site/nl-nl/groot/index.html" \
  && echo "big: the last paragraph is in the page"

# Issue 13, item 6: shapes that were quadratic.
python3 - "$WORK" <<'PY'
import os, sys
work = sys.argv[1]
fm = "---\ntitle: T\nms.date: 07/22/2021\nauthor: t\n---\n# T\n\n"
for name in ("headings", "opendiv", "toc", "split"):
    os.makedirs(f"{work}/{name}/content", exist_ok=True)
    open(f"{work}/{name}/book.toml", "w").write('[book]\ntitle = "Kwadratisch"\n')
open(f"{work}/headings/content/index.md", "w").write(fm + "## Zelfde kop\n\n" * 500_000)
open(f"{work}/opendiv/content/index.md", "w").write(fm + "<div\n" + "x\n" * 1_000_000)
open(f"{work}/toc/content/index.md", "w").write(fm + "Tekst.\n")
open(f"{work}/split/content/index.md", "w").write(fm + "a\\*b&amp;" * 2_000_000 + "\n")
with open(f"{work}/toc/content/TOC.yml", "w") as f:
    for i in range(500_000):
        f.write(f"- name: P{i}\n  href: ontbreekt-{i}.md\n")
PY
for name in headings opendiv toc split; do
  start=$(date +%s.%N)
  /usr/bin/time -v "$TOLK" check --root "$WORK/$name" 2>"$WORK/$name.time" >/dev/null || true
  end=$(date +%s.%N)
  rss=$(grep "Maximum resident" "$WORK/$name.time" | awk '{print $NF}')
  secs=$(echo "$end - $start" | bc)
  echo "$name: tolk check $(printf '%.2f' "$secs") s, max RSS $((rss / 1024)) MiB, $(grep -c '^warning\|^error' "$WORK/$name.time" || true) diagnostics"
  awk -v s="$secs" 'BEGIN { exit !(s < 5) }' || { echo "$name: over 5 s" >&2; exit 1; }
done
