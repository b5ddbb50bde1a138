#!/usr/bin/env bash
# Runs every fuzz target briefly on the seed corpora, so that an input that
# crashes a target again (a regression) fails CI. Not a search for new
# crashes: that takes minutes per target (docs/fuzzing.md).
# Usage: fuzz/ci.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
targets=(front_matter segments markdown checklist eval serve_path)

command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz

# libFuzzer needs nightly's -Z flags; without a nightly toolchain, stable
# accepts them under RUSTC_BOOTSTRAP=1. No sanitizer either way: the code the
# targets reach is safe Rust (panics, overflows and failed invariants need
# none to be seen), and AddressSanitizer would double the build and slow the
# runs. Debug assertions and overflow checks are on (cargo fuzz's default).
# FUZZ_STABLE=1 takes the stable path even where nightly is installed.
if [ -z "${FUZZ_STABLE:-}" ] && cargo +nightly --version >/dev/null 2>&1; then
  fuzz=(cargo +nightly fuzz)
  echo "fuzz: nightly toolchain"
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
  echo "fuzz: no nightly toolchain: stable with RUSTC_BOOTSTRAP=1"
fi
opts=(--sanitizer none --codegen-units 16)
start=$SECONDS
"${fuzz[@]}" build "${opts[@]}"
echo "fuzz: targets built in $((SECONDS - start)) s"

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
bash ./seed.sh "${SHARED_DIR:-}" >/dev/null
declare -A max_len=([front_matter]=4096 [segments]=8192 [markdown]=16384 [checklist]=4096 [eval]=1024 [serve_path]=256)
declare -A dict=([segments]=markdown [markdown]=markdown [checklist]=checklist)
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t"
  args=(-max_total_time="$secs" -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  [ -n "${dict[$t]:-}" ] && args+=(-dict="dict/${dict[$t]}.dict")
  # New inputs go to a scratch folder; the seeds are only read.
  if "${fuzz[@]}" run "${opts[@]}" "$t" "$corpus/$t" "corpus/$t" -- "${args[@]}" \
      >"$corpus/$t.log" 2>&1; then
    echo "fuzz $t: ok, $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$corpus/$t.log" | grep -o '[0-9]*$') runs"
  else
    failed=1
    echo "fuzz $t: FAILED; the end of its log:" >&2
    tail -n 60 "$corpus/$t.log" >&2
    ls artifacts/"$t" 2>/dev/null | sed 's/^/  artifact: /' >&2 || true
  fi
done
exit "$failed"
