#!/usr/bin/env bash
# CPU per request and per SSE stream: the undici floor, pilotlight as built in
# dist/, and optionally a second pilotlight build (e.g. an older commit in a
# git worktree), interleaved round by round in one run so drift hits every
# column alike. A quicker, narrower check than ../shared/bench's full harness.
#
#   cp -r ../shared/bench /tmp/proxy-bench && (cd /tmp/proxy-bench && npm ci)
#   npm run build
#   ROUNDS=3 bash bench/cpu-vs-floor.sh
#   OTHER=/tmp/old bash bench/cpu-vs-floor.sh      # also a build at /tmp/old (git worktree add /tmp/old <commit>; build it)
#
# Pinning: the proxy on CPU 1, upstream and load on CPU 0. A: wrk -c64, 5 s,
# ~1 KB non-streaming JSON; B: 256 concurrent SSE streams of 64 events x 5 ms,
# 5 s. Prints one line per proxy per round; CPU is the proxy process's own.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
PB="${PROXY_BENCH:-/tmp/proxy-bench}"
ROUNDS="${ROUNDS:-3}"
[[ -f "$PB/sse-load.js" ]] || { echo "copy ../shared/bench to $PB first (see the header)"; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 2; }
tmp="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

cfg() {  # cfg PORT -> the config proxy-bench-gateway.sh writes (fake-model -> the upstream), on that port
  BENCH_CONFIG="$tmp/$1.yaml" GATEWAY_PORT="$1" bash "$here/bench/proxy-bench-gateway.sh" > /dev/null
  echo "$tmp/$1.yaml"
}

taskset -c 0 node "$PB/upstream.js" 19000 > "$tmp/upstream.log" 2>&1 & pids+=($!); disown
sleep 1

measure() {  # measure NAME PORT CMD...
  local name=$1 port=$2; shift 2
  taskset -c 1 "$@" > "$tmp/$name.log" 2>&1 & local pid=$!; disown; pids+=("$pid")
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  local url="http://127.0.0.1:$port/v1/chat/completions"
  (cd "$PB" && taskset -c 0 wrk -t1 -c64 -d2s -s lib/wrk-post.lua "$url" > /dev/null)
  local c0 c1 out req
  c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(cd "$PB" && taskset -c 0 wrk -t1 -c64 -d5s -s lib/wrk-post.lua "$url" | grep WRKJSON)
  c1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  req=$(sed 's/.*"requests":\([0-9]*\).*/\1/' <<<"$out")
  local b
  b=$(cd "$PB" && taskset -c 0 node sse-load.js rate --url "$url" --concurrency 256 --duration 5 --warmup 1 --chunks 64 --interval-ms 5 --cpu-pids "$pid" --max-time 30 \
      | grep -o '"proxy_cpu_ms_per_stream":[0-9.]*\|"reads_per_stream":[0-9.]*\|"errors":[0-9]*' | tr '\n' ' ')
  printf '%-12s A: %5d req/s, %3d µs CPU/req   B: %s\n' "$name" "$((req / 5))" "$(( (c1 - c0) * 10000 / req ))" "$b"
  kill -9 "$pid" 2>/dev/null || true; sleep 0.5
}

for r in $(seq "$ROUNDS"); do
  echo "round $r"
  measure undici-floor 19105 env UPSTREAM=http://127.0.0.1:19000 node "$PB/proxies/undici-proxy.js" 19105
  measure pilotlight 18480 node "$here/dist/cli/main.js" serve --config "$(cfg 18480)"
  if [[ -n "${OTHER:-}" ]]; then measure other 18481 node "$OTHER/dist/cli/main.js" serve --config "$(cfg 18481)"; fi
done
