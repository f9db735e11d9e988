#!/usr/bin/env bash
# Memory per 1000 open SSE streams: the undici floor, pilotlight as built in
# dist/, and optionally a second build (OTHER=, e.g. an older commit in a git
# worktree), interleaved round by round in one run. The same measurement as
# scenario C of ../shared/bench (fresh process, 1 s of wrk and 1 s of short
# streams as warm-up, then 2000 streams with a chunk every 250 ms, RSS of the
# process sampled 5 times after 1.5 s of settling); quicker because it runs C only.
# Each round starts one column later than the last; the summary gives each
# column's median and min-max over the rounds.
#
#   cp -r ../shared/bench /tmp/proxy-bench && (cd /tmp/proxy-bench && npm ci)
#   npm run build
#   ROUNDS=3 bash bench/mem-vs-floor.sh
#   OTHER=/tmp/old bash bench/mem-vs-floor.sh
#   NODE_FLAGS=--heap-growing-percent=20 bash bench/mem-vs-floor.sh   # flags for both pilotlight columns
set -euo pipefail
ROUNDS="${ROUNDS:-3}"
STREAMS="${STREAMS:-2000}"
read -r -a FLAGS <<< "${NODE_FLAGS:-}"
source "$(dirname "$0")/floor-common.sh"

measure() {  # measure NAME PORT CMD...
  launch "$@"
  local name=$1 port=$2 pid=$launched
  local url="http://127.0.0.1:$port/v1/chat/completions"
  (cd "$PB" && taskset -c 0 wrk -t1 -c64 -d1s -s lib/wrk-post.lua "$url" > /dev/null)
  (cd "$PB" && taskset -c 0 node sse-load.js rate --url "$url" --concurrency 200 --duration 1 --warmup 0 --chunks 16 --interval-ms 5 --max-time 10 > /dev/null)
  sleep 0.5
  local out
  out=$(cd "$PB" && taskset -c 0 node sse-load.js hold --url "$url" --streams "$STREAMS" --chunks 100000 --interval-ms 250 --pids "$pid" --settle 1.5 --samples 5 --max-time 60 \
      | grep -o '"rss_idle_kb":[0-9.]*\|"rss_per_1000_streams_mb":[0-9.]*\|"errors":[0-9]*' | tr '\n' ' ')
  printf '%-12s C: %s\n' "$name" "$out"
  echo "$name $(grep -o '"rss_per_1000_streams_mb":[0-9.]*' <<<"$out" | cut -d: -f2) $(grep -o '"rss_idle_kb":[0-9.]*' <<<"$out" | cut -d: -f2)" >> "$tmp/results"
  kill -9 "$pid" 2>/dev/null || true; sleep 1
}

column() {  # column I: measure the I-th column
  case $1 in
    0) measure undici-floor 19105 env UPSTREAM=http://127.0.0.1:19000 node "$PB/proxies/undici-proxy.js" 19105 ;;
    1) measure pilotlight 18480 node "${FLAGS[@]}" "$here/dist/cli/main.js" serve --config "$(cfg 18480)" ;;
    2) measure other 18481 node "${FLAGS[@]}" "$OTHER/dist/cli/main.js" serve --config "$(cfg 18481)" ;;
  esac
}
n=2; [[ -n "${OTHER:-}" ]] && n=3
for r in $(seq "$ROUNDS"); do
  echo "round $r"
  for k in $(seq 0 $((n - 1))); do column $(( (k + r - 1) % n )); done
done

node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const by = {};
for (const [name, mb, idle] of rows) (by[name] ??= { mb: [], idle: [] }), by[name].mb.push(Number(mb)), by[name].idle.push(Number(idle) / 1024);
for (const [name, v] of Object.entries(by))
  console.log(`C ${name.padEnd(12)} median ${med(v.mb).toFixed(1)} MB per 1000 streams (${Math.min(...v.mb)}-${Math.max(...v.mb)}), idle RSS ${med(v.idle).toFixed(0)} MB`);
' "$tmp/results"
