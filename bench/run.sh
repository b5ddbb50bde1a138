#!/usr/bin/env bash
# tolk's build benchmark: the real corpus and generated sites, tolk against a
# pulldown-cmark-only floor (and Hugo and mdBook when installed), median wall
# time and peak memory of several runs. Prints a Markdown table.
#
#   bench/run.sh                         # corpus, 1000, 10000, 50000 articles, 5 runs each
#   SIZES="1000" RUNS=3 bench/run.sh     # a quicker run
#   SKIP_HUGO=1 SIZES="50000" RUNS=3 bench/run.sh   # without Hugo (minutes at 50,000)
#
# Needs: cargo, python3, /usr/bin/time (Debian's `time` package).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-5}
SIZES=${SIZES:-"1000 10000 50000"}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/tolk-bench.XXXXXX)}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/partner-center.nl-nl}
[ -x /usr/bin/time ] || { echo "bench/run.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --quiet --bin tolk --example floor
TOLK=$ROOT/target/release/tolk
FLOOR=$ROOT/target/release/examples/floor

# median_of CMD...: runs CMD $RUNS times; prints "median_seconds peak_kib".
median_of() {
  local times=() mems=()
  for _ in $(seq "$RUNS"); do
    local out
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    out=$(tail -1 "$WORK/time.out")
    times+=("${out% *}"); mems+=("${out#* }")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${mems[@]}" | sort -g | tail -1)
  echo "$t $m"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '| site | articles | MB of Markdown | tool | median wall (s) | peak memory (MiB) | × floor | × Hugo |\n'
printf '|---|---|---|---|---|---|---|---|\n'

bench_site() { # name dir content_dir
  local name=$1 dir=$2 content=$3
  local articles mb
  articles=$(find "$content" -name '*.md' | wc -l)
  mb=$(du -sm --apparent-size "$content" | cut -f1)
  read -r ft fm < <(median_of "$FLOOR" "$content" "$WORK/floor-out")
  read -r tt tm < <(median_of "$TOLK" build --root "$dir" --out "$WORK/tolk-out-$name")
  local ht="" hm=""
  if [ -z "${SKIP_HUGO:-}" ] && command -v hugo >/dev/null 2>&1; then
    local hsite=$WORK/hugo-$name
    if [ ! -d "$hsite" ]; then
      mkdir -p "$hsite/layouts/_default"
      ln -s "$content" "$hsite/content"
      printf 'baseURL = "/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = true\n' > "$hsite/hugo.toml"
      printf '{{ define "main" }}{{ .Content }}{{ end }}' > "$hsite/layouts/_default/single.html"
      printf '<!DOCTYPE html><title>{{ .Title }}</title>{{ block "main" . }}{{ end }}' > "$hsite/layouts/_default/baseof.html"
      printf '{{ define "main" }}{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}' > "$hsite/layouts/_default/list.html"
    fi
    read -r ht hm < <(median_of hugo --quiet -s "$hsite" -d "$WORK/hugo-out-$name")
  fi
  row() { printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$articles" "$mb" "$1" "$2" "$(( $3 / 1024 ))" "$(ratio "$2" "$ft")" "${ht:+$(ratio "$2" "$ht")}"; }
  row "floor (pulldown-cmark, 2 languages)" "$ft" "$fm"
  row "tolk build (2 languages, search, checklists)" "$tt" "$tm"
  [ -n "$ht" ] && row "Hugo (1 language, minimal templates)" "$ht" "$hm"
  if command -v mdbook >/dev/null 2>&1; then
    echo "| $name | | | mdBook | not run: needs a SUMMARY.md for this content | | | |"
  fi
}

# The real corpus.
if [ -d "$CORPUS" ]; then
  mkdir -p "$WORK/corpus"
  printf '[book]\ntitle = "Partner Center"\nsrc = "%s"\n[links]\nexternal-base = "https://learn.microsoft.com/{lang}/"\nsite-prefix = "/"\n' "$CORPUS" > "$WORK/corpus/book.toml"
  bench_site corpus "$WORK/corpus" "$CORPUS"
fi

# Generated sites.
for n in $SIZES; do
  dir=$WORK/gen-$n
  [ -d "$dir/content" ] || python3 bench/gen.py "$dir" "$n" 1
  bench_site "generated-$n" "$dir" "$dir/content"
done

echo
echo "Machine: $(nproc) cores; runs per figure: $RUNS; work folder: $WORK"
