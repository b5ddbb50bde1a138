#!/usr/bin/env bash
# Load test of `tolk serve` on 127.0.0.1 with wrk: requests per second and
# latency percentiles with 100 connections, on a page, a static asset and a
# 404; on a page while an article is edited every 200 ms (a rebuild each),
# beside 200 slowloris connections, and beside clients that hang up
# mid-response while rebuilds run. Then a soak: constant load and rebuilds,
# the server's resident memory every 15 s. Everything is bounded in time and
# stays on this machine.
#
#   bench/load.sh                      # bundled site and 1,000 articles, 30 s runs, 5-minute soak
#   DURATION=10 SOAK=60 bench/load.sh  # a quicker run
#   SITES=gen bench/load.sh            # only the generated site
#
# Needs: wrk (apt-get install wrk), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-30}
SOAK=${SOAK:-300}
CONNS=${CONNS:-100}
SITES=${SITES:-"bundled gen"}
command -v wrk >/dev/null || { echo "bench/load.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet --bin tolk
TOLK=${CARGO_TARGET_DIR:-$ROOT/target}/release/tolk
WORK=$(mktemp -d /tmp/tolk-load.XXXXXX)
PID=
BG=()
cleanup() {
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve SITE: starts the server; sets PID, PORT, LOG.
serve() {
  PORT=$(free_port)
  LOG=$WORK/serve.log
  "$TOLK" serve --root "$1" --port "$PORT" 2>"$LOG" &
  PID=$!
  until grep -q "^Serving" "$LOG"; do
    kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.1
  done
}

stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

# rebuilds ARTICLE SECONDS: edits ARTICLE every 200 ms for SECONDS, in the
# background. Each edit rewrites the article with one changed line, so that
# it does not grow: a page that grows under load would make the memory grow.
rebuilds() {
  local article=$1 n=$(( $2 * 5 ))
  cp "$article" "$WORK/original.md"
  ( for i in $(seq "$n"); do
      { cat "$WORK/original.md"; printf '\nBewerking %s.\n' "$i"; } > "$article.tmp"
      mv "$article.tmp" "$article"
      sleep 0.2
    done ) &
  BG+=($!)
}

# bench NAME URL: one wrk run; prints a table row.
bench() {
  local out code
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$2")
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$2")
  echo "$out" > "$WORK/wrk.out"
  local rps p50 p90 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p90=$(awk '$1=="90%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Socket errors|Non-2xx' <<<"$out" | tr -s ' ' | paste -sd';' || true)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$SITE_NAME" "$1" "$code" "$rps" "$p50" "$p90" "$p99" "${errors:--}"
}

rebuilt() { grep -c '^Rebuilt' "$LOG" || true; }

echo "wrk -t2 -c$CONNS -d${DURATION}s --latency, tolk serve (release) on 127.0.0.1, $(nproc) cores"
echo
echo "| site | load | status | requests/s | p50 | p90 | p99 | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for SITE_NAME in $SITES; do
  SITE=$WORK/$SITE_NAME
  if [ "$SITE_NAME" = bundled ]; then
    mkdir -p "$SITE"; cp -r book.toml content "$SITE"/
    [ -d content-en ] && cp -r content-en "$SITE"/
  else
    python3 bench/gen.py "$SITE" 1000 1 >/dev/null
  fi
  ARTICLE=$(cd "$SITE/content" && find . -name '*.md' ! -path './includes/*' | sort | sed -n 2p | sed 's|^\./||')
  PAGE="/nl-nl/${ARTICLE%.md}/"
  serve "$SITE"
  ASSET=/$(curl -s "http://127.0.0.1:$PORT$PAGE" | grep -oE 'static/style\.[0-9a-f]{8}\.css' | head -1)
  bench "page $PAGE" "$PAGE"
  bench "asset $ASSET" "$ASSET"
  bench "404" "/nl-nl/geen-pagina/"
  before=$(rebuilt)
  rebuilds "$SITE/content/$ARTICLE" "$DURATION"
  bench "page, edit every 200 ms" "$PAGE"
  echo "|  | (rebuilds during that run: $(( $(rebuilt) - before ))) | | | | | | |"
  python3 bench/clients.py "$PORT" slowloris 200 "$(( DURATION + 5 ))" > "$WORK/slow.out" &
  BG+=($!); sleep 2
  bench "page, 200 slowloris open" "$PAGE"
  wait "${BG[-1]}" || true
  before=$(rebuilt)
  rebuilds "$SITE/content/$ARTICLE" "$DURATION"
  python3 bench/clients.py "$PORT" hangup 8 "$DURATION" "$PAGE" > "$WORK/hangup.out" &
  BG+=($!)
  bench "page, 8 hang-up loops + edits" "$PAGE"
  wait "${BG[-1]}" || true
  echo "|  | ($(cat "$WORK/slow.out"); $(cat "$WORK/hangup.out"); rebuilds: $(( $(rebuilt) - before ))) | | | | | | |"
  stop
done

if [ "$SOAK" -gt 0 ]; then
  SITE=$WORK/gen
  [ -d "$SITE" ] || python3 bench/gen.py "$SITE" 1000 1 >/dev/null
  ARTICLE=$(cd "$SITE/content" && find . -name '*.md' | sort | sed -n 2p | sed 's|^\./||')
  PAGE="/nl-nl/${ARTICLE%.md}/"
  serve "$SITE"
  echo
  echo "Soak: 1,000 articles, wrk -c$CONNS on $PAGE for ${SOAK}s, an edit every 200 ms"
  rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
  samples=("$(rss)")
  echo "  0 s: $(rss) KiB"
  rebuilds "$SITE/content/$ARTICLE" "$SOAK"
  wrk -t2 -c"$CONNS" -d"${SOAK}s" --latency "http://127.0.0.1:$PORT$PAGE" > "$WORK/soak.out" &
  BG+=($!)
  for t in $(seq 15 15 "$SOAK"); do
    sleep 15
    samples+=("$(rss)")
    echo "  $t s: ${samples[-1]} KiB"
  done
  wait "${BG[-1]}" || true
  printf '%s\n' "${samples[@]}" | sort -n | tail -1 > "$WORK/max"
  echo "RSS start ${samples[0]} KiB, end ${samples[-1]} KiB, max $(cat "$WORK/max") KiB; $(rebuilt) rebuilds"
  grep -E 'Requests/sec|  (50|90|99)%|Socket errors|Non-2xx' "$WORK/soak.out" | tr -s ' ' | paste -sd';'
  stop
fi
