#!/usr/bin/env bash
# tolk's build benchmark: the real corpus and generated sites, tolk against a
# pulldown-cmark-only floor (and Hugo and mdBook when installed), median wall
# time and peak memory of several runs. Prints a Markdown table.
#
#   bench/run.sh                         # corpus, 1000, 10000, 50000 articles, 5 runs each
#   SIZES="1000" RUNS=3 bench/run.sh     # a quicker run
#   SKIP_HUGO=1 SIZES="50000" RUNS=3 bench/run.sh   # without Hugo (minutes at 50,000)
#   FRESH=1 SIZES="10000" bench/run.sh   # every run into an empty output folder (as in CI)
#   TOLK=/tmp/old-tolk FRESH=1 bench/run.sh   # another tolk binary
#   BENCH_DIR=/dev/shm/tolk-bench FRESH=1 bench/run.sh   # outputs on tmpfs
#   REBUILD=1 bench/run.sh               # repeat builds that build (tolk build --rebuild)
#
# On ext4, a file created right after thousands were deleted costs a scan
# past every inode freed in the last 30 s (the kernel's recently_deleted
# check): FRESH runs on disk measure that as much as the tools, and more
# for whichever writes more files. With BENCH_DIR on a tmpfs the figures
# are the tools' own.
#
# The tools run interleaved (floor, tolk, Hugo, floor, tolk, ...), so that
# the machine's drift falls on all of them alike: compare ratios. Peak
# memory is the largest resident set of each tool's runs at each size.
# With FRESH=1 each run first deletes its output folder (and tolk's spare
# copy and record beside it), outside the timed command; without it tolk's
# second and later runs find nothing changed (`tolk build` then checks its
# inputs and repeats the last build's diagnostics: src/stamp.rs), and with
# REBUILD=1 as well they build everything again, rewriting only the files
# whose bytes changed.
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
TOLK=${TOLK:-$ROOT/target/release/tolk}   # TOLK=/path/to/old/tolk to measure another binary
FLOOR=$ROOT/target/release/examples/floor
# REBUILD=1: every tolk run builds (a binary older than --rebuild always does).
TOLK_FLAGS=()
if [ -n "${REBUILD:-}" ] && "$TOLK" build --help 2>/dev/null | grep -q -- --rebuild; then
  TOLK_FLAGS=(--rebuild)
fi

# run_once OUT CMD...: runs CMD once (first deleting OUT and tolk's spare
# beside it when FRESH is set); prints "seconds peak_kib".
run_once() {
  local out=$1; shift
  if [ -n "${FRESH:-}" ]; then
    rm -rf "$out" "$(dirname "$out")/.$(basename "$out").tolk-spare" "$(dirname "$out")/.$(basename "$out").tolk-stamp"
    # The deletion's write-back, flushed here, would otherwise land on the
    # next timed command (on this machine's virtual disk it took seconds of
    # system time from whichever tool ran next).
    sync
  fi
  # Wall time from bash's microsecond clock: /usr/bin/time's %e has two
  # decimals, and the floor takes 0.01 to 0.02 s on the corpus.
  local t0=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$WORK/time.out" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  local t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" -v m="$(tail -1 "$WORK/time.out")" 'BEGIN { printf "%.3f %s\n", b - a, m }'
}

# summarize "t m" lines on stdin: prints "median_seconds peak_kib".
summarize() {
  sort -g | awk '{t[NR]=$1; if ($2 > m) m = $2} END {print t[int((NR+1)/2)], m}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '| site | articles | MB of Markdown | tool | median wall (s) | peak memory (MiB) | × floor | × Hugo |\n'
printf '|---|---|---|---|---|---|---|---|\n'

bench_site() { # name dir content_dir
  local name=$1 dir=$2 content=$3
  local articles mb
  articles=$(find "$content" -name '*.md' | wc -l)
  mb=$(du -sm --apparent-size "$content" | cut -f1)
  local hugo="" hsite=$WORK/hugo-$name
  if [ -z "${SKIP_HUGO:-}" ] && command -v hugo >/dev/null 2>&1; then
    hugo=1
    if [ ! -d "$hsite" ]; then
      mkdir -p "$hsite/layouts/_default"
      ln -s "$content" "$hsite/content"
      printf 'baseURL = "/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = true\n' > "$hsite/hugo.toml"
      printf '{{ define "main" }}{{ .Content }}{{ end }}' > "$hsite/layouts/_default/single.html"
      printf '<!DOCTYPE html><title>{{ .Title }}</title>{{ block "main" . }}{{ end }}' > "$hsite/layouts/_default/baseof.html"
      printf '{{ define "main" }}{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}' > "$hsite/layouts/_default/list.html"
    fi
  fi
  : > "$WORK/floor.runs"; : > "$WORK/tolk.runs"; : > "$WORK/hugo.runs"
  for _ in $(seq "$RUNS"); do
    run_once "$WORK/floor-out" "$FLOOR" "$content" "$WORK/floor-out" >> "$WORK/floor.runs"
    run_once "$WORK/tolk-out-$name" "$TOLK" build ${TOLK_FLAGS[@]+"${TOLK_FLAGS[@]}"} --root "$dir" --out "$WORK/tolk-out-$name" >> "$WORK/tolk.runs"
    if [ -n "$hugo" ]; then
      run_once "$WORK/hugo-out-$name" hugo --quiet -s "$hsite" -d "$WORK/hugo-out-$name" >> "$WORK/hugo.runs"
    fi
  done
  read -r ft fm < <(summarize < "$WORK/floor.runs")
  read -r tt tm < <(summarize < "$WORK/tolk.runs")
  local ht="" hm=""
  if [ -n "$hugo" ]; then read -r ht hm < <(summarize < "$WORK/hugo.runs"); fi
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
mode="kept between runs"
[ -z "${REBUILD:-}" ] || mode="kept between runs, tolk build --rebuild"
[ -z "${FRESH:-}" ] || mode="fresh every run"
echo "Machine: $(nproc) cores; runs per figure: $RUNS (interleaved); output: $mode; tolk: $TOLK; work folder: $WORK"
