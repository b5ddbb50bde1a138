#!/usr/bin/env bash
# Two tolk binaries on one site, runs interleaved (A B A B ...), so that a
# machine whose speed drifts during the run slows both alike. Prints the
# median wall, CPU (user + system) and peak memory of each, and B / A.
#
#   bench/compare.sh OLD_TOLK NEW_TOLK SITE_DIR [RUNS]      # RUNS defaults to 11
#
# SITE_DIR holds a book.toml (bench/run.sh leaves one per site in its
# BENCH_DIR). Needs /usr/bin/time (Debian's `time` package).
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,9p "$0" >&2; exit 2; }
A=$1 B=$2 SITE=$3 RUNS=${4:-11}
[ -x /usr/bin/time ] || { echo "bench/compare.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/tolk-compare.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Each binary builds every run: one that knows --rebuild is told to (it
# would otherwise find nothing changed and only check its inputs).
flags() { "$1" build --help 2>/dev/null | grep -q -- --rebuild && echo --rebuild || true; }

run() { # binary out-dir log
  # shellcheck disable=SC2046
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$1" build $(flags "$1") --root "$SITE" --out "$2" >/dev/null 2>&1 \
    || { echo "failed: $1 build --root $SITE" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/t" >> "$3"
}

# One unmeasured build each: the output folders and the page cache warm up.
run "$A" "$WORK/out-a" /dev/null
run "$B" "$WORK/out-b" /dev/null
for _ in $(seq "$RUNS"); do
  run "$A" "$WORK/out-a" "$WORK/a.log"
  run "$B" "$WORK/out-b" "$WORK/b.log"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
stats() { # log -> "wall cpu peak_mib"
  printf '%s %s %s\n' \
    "$(cut -d' ' -f1 "$1" | median)" \
    "$(cut -d' ' -f2 "$1" | median)" \
    "$(cut -d' ' -f3 "$1" | sort -g | tail -1 | awk '{ printf "%d", $1 / 1024 }')"
}
read -r aw ac am < <(stats "$WORK/a.log")
read -r bw bc bm < <(stats "$WORK/b.log")
printf '| binary | median wall (s) | median CPU (s) | peak memory (MiB) |\n|---|---|---|---|\n'
printf '| A %s | %s | %s | %s |\n' "$A" "$aw" "$ac" "$am"
printf '| B %s | %s | %s | %s |\n' "$B" "$bw" "$bc" "$bm"
awk -v a="$aw" -v b="$bw" -v c="$ac" -v d="$bc" \
  'BEGIN { printf "B / A: wall %.2f, CPU %.2f (%d interleaved runs each)\n", b / a, d / c, '"$RUNS"' }'
