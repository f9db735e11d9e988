#!/usr/bin/env bash
# CPU per request and per SSE stream: the undici floor, pilotlight as built in
# dist/, and optionally a second pilotlight build (e.g. an older commit in a
# git worktree), interleaved round by round in one run so drift hits every
# column alike. A quicker, narrower check than ../shared/bench's full harness.
#
#   cp -r ../shared/bench /tmp/proxy-bench && (cd /tmp/proxy-bench && npm ci)
#   npm run build
#   ROUNDS=8 bash bench/cpu-vs-floor.sh
#   OTHER=/tmp/old bash bench/cpu-vs-floor.sh      # also a build at /tmp/old (git worktree add /tmp/old <commit>; build it)
#
# Every proxy starts once and is warmed up (2 s of A, 1 s of B); then each
# round runs A on each proxy in turn, then B on each, starting one column
# later every round (so no column always runs first, right after B). Pinning: the proxy on
# CPU 1, upstream and load on CPU 0. A: wrk -c64, $A_SECONDS s, ~1 KB
# non-streaming JSON; B: 256 concurrent SSE streams of 64 events x 5 ms,
# $B_SECONDS s. CPU is the proxy process's own. The summary gives each
# column's median and the median of its per-round ratio to the floor: this VM
# drifts by tens of percent within minutes, and a ratio taken within one
# round cancels most of it.
set -euo pipefail
ROUNDS="${ROUNDS:-6}"
A_SECONDS="${A_SECONDS:-3}"
B_SECONDS="${B_SECONDS:-3}"
source "$(dirname "$0")/floor-common.sh"

names=(); ports=(); ppids=()
start() {  # start NAME PORT CMD...
  launch "$@"
  names+=("$1"); ports+=("$2"); ppids+=("$launched")
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
run_a() {  # run_a PORT PID SECONDS -> "req/s µs-per-request"
  local url="http://127.0.0.1:$1/v1/chat/completions" c0 c1 out req
  c0=$(cpu_ticks "$2")
  out=$(cd "$PB" && taskset -c 0 wrk -t1 -c64 -d"$3"s -s lib/wrk-post.lua "$url" | grep WRKJSON)
  c1=$(cpu_ticks "$2")
  req=$(sed 's/.*"requests":\([0-9]*\).*/\1/' <<<"$out")
  echo "$((req / $3)) $(( (c1 - c0) * 10000 / req ))"
}
run_b() {  # run_b PORT PID SECONDS -> "ms-per-stream reads-per-stream errors ttfb-p99-ms"
  local url="http://127.0.0.1:$1/v1/chat/completions"
  (cd "$PB" && taskset -c 0 node sse-load.js rate --url "$url" --concurrency 256 --duration "$3" --warmup 1 --chunks 64 --interval-ms 5 --cpu-pids "$2" --max-time 30) \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s.trim().split("\n").pop().replace(/^SSEJSON /,""));console.log(j.proxy_cpu_ms_per_stream,j.reads_per_stream,j.errors,j.ttfb_p99_ms)})'
}

start undici-floor 19105 env UPSTREAM=http://127.0.0.1:19000 node "$PB/proxies/undici-proxy.js" 19105
start pilotlight 18480 node "$here/dist/cli/main.js" serve --config "$(cfg 18480)"
if [[ -n "${OTHER:-}" ]]; then start other 18481 node "$OTHER/dist/cli/main.js" serve --config "$(cfg 18481)"; fi
for i in "${!names[@]}"; do run_a "${ports[$i]}" "${ppids[$i]}" 2 > /dev/null; run_b "${ports[$i]}" "${ppids[$i]}" 1 > /dev/null; done

results="$tmp/results"
n=${#names[@]}
for r in $(seq "$ROUNDS"); do
  order=(); for k in $(seq 0 $((n - 1))); do order+=($(( (k + r - 1) % n ))); done
  for i in "${order[@]}"; do
    read -r rps us < <(run_a "${ports[$i]}" "${ppids[$i]}" "$A_SECONDS")
    printf 'round %d  %-12s A: %6d req/s  %4d µs CPU/req\n' "$r" "${names[$i]}" "$rps" "$us"
    echo "$r ${names[$i]} A $us" >> "$results"
  done
  for i in "${order[@]}"; do
    read -r ms reads errors ttfb < <(run_b "${ports[$i]}" "${ppids[$i]}" "$B_SECONDS")
    printf 'round %d  %-12s B: %5s ms CPU/stream  %s reads per 65 events  %s errors  TTFB p99 %s ms\n' "$r" "${names[$i]}" "$ms" "$reads" "$errors" "$ttfb"
    echo "$r ${names[$i]} B $ms" >> "$results"
    echo "$r ${names[$i]} T $ttfb" >> "$results"
  done
done

node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
for (const [sc, unit] of [["A", "µs CPU/req"], ["B", "ms CPU/stream"], ["T", "ms TTFB p99 (B)"]]) {
  const by = {}; const floor = {};
  for (const [r, name, s, v] of rows) if (s === sc) { (by[name] ??= {})[r] = Number(v); if (name === "undici-floor") floor[r] = Number(v); }
  for (const [name, rs] of Object.entries(by)) {
    const vals = Object.values(rs); const ratios = Object.entries(rs).map(([r, v]) => v / floor[r]);
    console.log(`${sc} ${name.padEnd(12)} median ${med(vals).toFixed(sc === "B" ? 2 : sc === "T" ? 1 : 0)} ${unit}  (${vals.join(", ")})  median ratio to the floor ${med(ratios).toFixed(2)}`);
  }
}' "$results"
