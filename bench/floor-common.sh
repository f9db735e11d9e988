# Sourced by cpu-vs-floor.sh and mem-vs-floor.sh: the checks, a scratch folder
# cleaned up on exit (kept with KEEP_LOGS=1), the gateway config, the harness's
# upstream on CPU 0, and `launch` for a proxy pinned to CPU 1.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PB="${PROXY_BENCH:-/tmp/proxy-bench}"
[[ -f "$PB/sse-load.js" ]] || { echo "copy ../shared/bench to $PB first (see the header)"; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 2; }
tmp="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; [[ -n "${KEEP_LOGS:-}" ]] || rm -rf "$tmp"; }
trap cleanup EXIT

cfg() {  # cfg PORT -> the config proxy-bench-gateway.sh writes (fake-model -> the upstream), on that port
  BENCH_CONFIG="$tmp/$1.yaml" GATEWAY_PORT="$1" bash "$here/bench/proxy-bench-gateway.sh" > /dev/null
  echo "$tmp/$1.yaml"
}

taskset -c 0 node "$PB/upstream.js" 19000 > "$tmp/upstream.log" 2>&1 & pids+=($!); disown
sleep 1

launch() {  # launch NAME PORT CMD...: starts CMD on CPU 1, waits until PORT answers; its pid in $launched
  local name=$1 port=$2; shift 2
  taskset -c 1 "$@" > "$tmp/$name.log" 2>&1 & launched=$!; disown; pids+=("$launched")
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
}
