#!/usr/bin/env bash
# The gateway as one more column of ../shared/bench (run-proxy-bench.sh). Writes a
# config routing "fake-model" to the harness's upstream through a static provider
# (routing, admission queue and metrics on) and prints the GATEWAY_CMD to use, so
# the harness measures the node process itself (no wrapper in the process tree):
#
#   cp -r ../shared/bench /tmp/proxy-bench && (cd /tmp/proxy-bench && npm ci)
#   npm run build && eval "$(bash bench/proxy-bench-gateway.sh)"
#   (cd /tmp/proxy-bench && GATEWAY_NAME=pilotlight GATEWAY_PORT=8080 ./run-proxy-bench.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cfg="${BENCH_CONFIG:-/tmp/pilotlight-proxy-bench.yaml}"
cat > "$cfg" <<YAML
server: { port: ${GATEWAY_PORT:-8080}, adminPort: 0 }
logging: { level: warn }
state: { type: memory, path: null }
models:
  - name: ${BENCH_MODEL:-fake-model}
    provider: { type: static, endpoints: ["${UPSTREAM_URL:-http://127.0.0.1:19000}"] }
    scaling: { targetConcurrency: 4096, maxConcurrencyPerReplica: 0 }
    queue: { maxPending: 100000 }
YAML
echo "export GATEWAY_CMD='node $here/dist/cli/main.js serve --config $cfg'"
