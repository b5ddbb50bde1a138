#!/usr/bin/env bash
# Includes are rendered once per language and cached (issue 20): a product
# name included ten thousand times must not multiply the build time.
#
#   bench/includes.sh [TOLK] [RUNS]     # TOLK defaults to target/release/tolk,
#                                       # RUNS to 7
#
# Builds two sites of 100 articles with 100 bilingual sentences each:
# "with" names the product through an inline include in every sentence,
# inside the segment on both halves (10,000 uses of one include on each
# page language, the shape of the real docsets), "without" types the name.
# Runs are interleaved (with, without, with, ...); prints the median wall
# time of each, the difference, and the cost per include use.
set -euo pipefail
TOLK=${1:-target/release/tolk}
RUNS=${2:-7}
[ -x "$TOLK" ] || { echo "no tolk binary at $TOLK (cargo build --release)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/tolk-includes.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

make_site() { # dir name-nl name-en
  local dir=$1 nl=$2 en=$3
  mkdir -p "$dir/content/includes"
  printf '[book]\ntitle = "Includes"\nsrc = "content"\n' > "$dir/book.toml"
  printf '<span data-ttu-id="p-1">Zakelijk Centrum</span><span class="sxs-lookup"><span data-stu-id="p-1">Business Central</span></span>\n' \
    > "$dir/content/includes/prod_short.md"
  for a in $(seq -w 0 99); do
    {
      printf -- '---\ntitle: Artikel %s\nms.date: 01/15/2025\n---\n# Artikel %s\n\n' "$a" "$a"
      for s in $(seq 0 99); do
        printf '<span data-ttu-id="a%s-%s">Zin %s: %s rondt de bedragen af.</span><span class="sxs-lookup"><span data-stu-id="a%s-%s">Sentence %s: %s rounds the amounts.</span></span>\n\n' \
          "$a" "$s" "$s" "$nl" "$a" "$s" "$s" "$en"
      done
    } > "$dir/content/a$a.md"
  done
}

make_site "$WORK/with" '[!INCLUDE[prod_short](includes/prod_short.md)]' '[!INCLUDE [prod_short](includes/prod_short.md)]'
make_site "$WORK/without" 'Zakelijk Centrum' 'Business Central'
uses=$(cat "$WORK"/with/content/a*.md | grep -o -i '\[!INCLUDE' | wc -l)

# Every run builds: a tolk that knows --rebuild is told to (it would
# otherwise find nothing changed and only check its inputs).
FLAGS=$("$TOLK" build --help 2>/dev/null | grep -q -- --rebuild && echo --rebuild || true)

run() { # site log
  local t0 t1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  "$TOLK" build $FLAGS --root "$1" >/dev/null 2>&1 || { echo "failed: $TOLK build --root $1" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 )) >> "$2"
}

# One unmeasured build each: the output folders and the page cache warm up.
run "$WORK/with" /dev/null
run "$WORK/without" /dev/null
# The include is really there, on both pages.
grep -q 'Zin 7: Zakelijk Centrum rondt' "$WORK/with/site/nl-nl/a00/index.html" \
  || { echo "the Dutch page does not show the sentence" >&2; exit 1; }
grep -q 'Sentence 7: Business Central rounds' "$WORK/with/site/en/a00/index.html" \
  || { echo "the English page does not show the include's English half" >&2; exit 1; }
! grep -q -i '\[!INCLUDE' "$WORK/with/site/nl-nl/a00/index.html" \
  || { echo "an include was left raw" >&2; exit 1; }
for _ in $(seq "$RUNS"); do
  run "$WORK/with" "$WORK/with.log"
  run "$WORK/without" "$WORK/without.log"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
w=$(median "$WORK/with.log")
wo=$(median "$WORK/without.log")
echo "include uses in the source: $uses (two per sentence: Dutch and English half)"
echo "median of $RUNS builds: with includes ${w} ms, without ${wo} ms"
awk -v w="$w" -v wo="$wo" -v n="$uses" 'BEGIN {
  printf "difference: %d ms (%.2fx), %.1f µs per include use\n", w - wo, w / wo, (w - wo) * 1000 / n
}'
