#!/usr/bin/env bash
# Edit-to-page time of `tolk serve`: start the preview server on a site,
# change one article's text N times, and read how long each rebuild took
# from the file event (after the watcher's 50 ms debounce) to the pages
# written, as the server reports it. Prints the median and the range.
#
#   bench/incremental.sh [SITE_DIR] [EDITS]     # default: a generated 1,000-article site, 15 edits
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EDITS=${2:-15}
SITE=${1:-}
if [ -z "$SITE" ]; then
  SITE=$(mktemp -d /tmp/tolk-incr.XXXXXX)
  python3 bench/gen.py "$SITE" 1000 1
fi
cargo build --release --quiet --bin tolk
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$(mktemp)
"$ROOT/target/release/tolk" serve --root "$SITE" --port "$PORT" 2>"$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
until grep -q "^Serving" "$LOG"; do sleep 0.1; done
ARTICLE=$(find "$SITE/content" -name '*.md' | sort | sed -n 2p)
for i in $(seq "$EDITS"); do
  before=$(grep -c "^Rebuilt" "$LOG" || true)
  printf '\nEen bewerking, nummer %s.\n' "$i" >> "$ARTICLE"
  until [ "$(grep -c "^Rebuilt" "$LOG" || true)" -gt "$before" ]; do sleep 0.02; done
done
grep "^Rebuilt" "$LOG" | sed -E 's/.* in ([0-9.]+)(µs|ms|s) .*/\1 \2/' | python3 -c '
import sys, statistics
v = []
for line in sys.stdin:
    n, unit = line.split()
    v.append(float(n) * {"s": 1000, "ms": 1, "µs": 0.001}[unit])
print(f"edits: {len(v)}, rebuild median {statistics.median(v):.1f} ms, min {min(v):.1f} ms, max {max(v):.1f} ms (plus the 50 ms debounce)")
'
grep "^Rebuilt" "$LOG" | tail -1
