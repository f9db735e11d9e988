#!/usr/bin/env node
// Benchmark: the same requests sent straight to a replica and through the
// gateway, in one run, side by side; prints the ratios.
//
//   npm run bench                      # 3 reps x 5 s per cell
//   REPS=5 SECONDS=10 npm run bench
//
// The upstream is a fixed-cost fake model server (bench/upstream.mjs), so the
// gateway's own cost is what differs. The gateway runs from dist/ exactly as
// `pilotlight serve` does, with routing, admission queue and metrics on, with
// a static provider pointed at the upstream. With `taskset` available, the
// gateway is pinned to CPU 1 and upstream + load generator to CPU 0.
// CPU per request = gateway process CPU time (/proc) / requests completed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPS = Number(process.env.REPS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 5);
const JSON_CONC = Number(process.env.JSON_CONC ?? 64);
const SSE_CONC = Number(process.env.SSE_CONC ?? 256);
const UP_PORT = 19300;
const GW_PORT = 19301;
const ADMIN_PORT = 19302;
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false; // no taskset: run unpinned
  }
})();
const pin = (cpu, cmd, args) => (hasTaskset ? ['taskset', ['-c', cpu, cmd, ...args]] : [cmd, args]);
const procs = [];

function start(cpu, cmd, args) {
  const [c, a] = pin(cpu, cmd, args);
  const p = spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(p);
  return p;
}
process.on('exit', () => {
  for (const p of procs) p.kill('SIGKILL');
});

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not up: ${url}`);
}

function cpuSeconds(pid) {
  // utime + stime of the process (fields 14, 15), in clock ticks (100/s on Linux)
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
function rssMb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

function load(mode, url, conc) {
  const out = execFileSync(...pin('0', process.execPath, [join(root, 'bench/load.mjs'), mode, url, String(conc), String(SECONDS)]), { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const dir = mkdtempSync(join(tmpdir(), 'pilotlight-bench-'));
const cfg = join(dir, 'bench.yaml');
writeFileSync(cfg, `
server: { port: ${GW_PORT}, adminPort: ${ADMIN_PORT} }
logging: { level: warn }
models:
  - name: bench-model
    provider: { type: static, endpoints: ["http://127.0.0.1:${UP_PORT}"] }
    scaling: { targetConcurrency: 512, maxConcurrencyPerReplica: 0 }
`);

start('0', process.execPath, [join(root, 'bench/upstream.mjs'), String(UP_PORT)]);
const gateway = start('1', process.execPath, [join(root, 'dist/cli/main.js'), 'serve', '--config', cfg]);
await waitFor(`http://127.0.0.1:${UP_PORT}/health`);
await waitFor(`http://127.0.0.1:${ADMIN_PORT}/readyz`);
await waitFor(`http://127.0.0.1:${GW_PORT}/health`);
// wait for the static replica's first health probe
for (let i = 0; i < 100; i++) {
  const m = await (await fetch(`http://127.0.0.1:${ADMIN_PORT}/admin/models`)).json();
  if (m.models[0].replicas.ready === 1) break;
  await new Promise((r) => setTimeout(r, 50));
}
const direct = `http://127.0.0.1:${UP_PORT}/v1/chat/completions`;
const viaGw = `http://127.0.0.1:${GW_PORT}/v1/chat/completions`;

process.stderr.write(`warm-up (${hasTaskset ? 'gateway pinned to CPU 1, load + upstream to CPU 0' : 'no taskset: unpinned'})...\n`);
load('json', viaGw, JSON_CONC);

const rows = { json: { direct: [], gateway: [] }, sse: { direct: [], gateway: [] } };
for (let rep = 1; rep <= REPS; rep++) {
  for (const mode of ['json', 'sse']) {
    const conc = mode === 'json' ? JSON_CONC : SSE_CONC;
    rows[mode].direct.push(load(mode, direct, conc));
    const c0 = cpuSeconds(gateway.pid);
    const r = load(mode, viaGw, conc);
    r.cpuPerReqUs = ((cpuSeconds(gateway.pid) - c0) / r.done) * 1e6;
    r.rssMb = rssMb(gateway.pid);
    rows[mode].gateway.push(r);
    process.stderr.write(`rep ${rep} ${mode}: direct ${rows[mode].direct.at(-1).rps.toFixed(0)}/s, gateway ${r.rps.toFixed(0)}/s\n`);
  }
}

const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const m = (list, k) => med(list.map((x) => x[k]));
const fmt = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d));
const lines = [];
lines.push(`# gateway vs direct (${REPS} reps x ${SECONDS} s, medians; node ${process.version})`, '');
lines.push(`## non-streaming JSON, ${JSON_CONC} concurrent`, '');
lines.push('| | req/s | p50 ms | p99 ms | gateway CPU µs/req |', '|---|---|---|---|---|');
lines.push(`| direct | ${fmt(m(rows.json.direct, 'rps'), 0)} | ${fmt(m(rows.json.direct, 'p50'), 2)} | ${fmt(m(rows.json.direct, 'p99'), 2)} | - |`);
lines.push(`| gateway | ${fmt(m(rows.json.gateway, 'rps'), 0)} | ${fmt(m(rows.json.gateway, 'p50'), 2)} | ${fmt(m(rows.json.gateway, 'p99'), 2)} | ${fmt(m(rows.json.gateway, 'cpuPerReqUs'), 0)} |`);
lines.push(`| ratio gateway/direct | ${fmt(m(rows.json.gateway, 'rps') / m(rows.json.direct, 'rps'), 2)} | ${fmt(m(rows.json.gateway, 'p50') / m(rows.json.direct, 'p50'), 2)} | ${fmt(m(rows.json.gateway, 'p99') / m(rows.json.direct, 'p99'), 2)} | |`, '');
lines.push(`## SSE, ${SSE_CONC} concurrent streams of 64 events x 5 ms`, '');
lines.push('| | streams/s | TTFB p50 ms | TTFB p99 ms | total p50 ms | events/stream | reads/stream | gateway CPU ms/stream | gateway RSS MB |', '|---|---|---|---|---|---|---|---|---|');
for (const who of ['direct', 'gateway']) {
  const L = rows.sse[who];
  lines.push(`| ${who} | ${fmt(m(L, 'rps'), 0)} | ${fmt(m(L, 'ttfb50'), 2)} | ${fmt(m(L, 'ttfb99'), 2)} | ${fmt(m(L, 'p50'), 1)} | ${fmt(m(L, 'eventsPerStream'), 1)} | ${fmt(m(L, 'readsPerStream'), 1)} | ${who === 'gateway' ? fmt(m(L, 'cpuPerReqUs') / 1000, 2) : '-'} | ${who === 'gateway' ? fmt(m(L, 'rssMb'), 0) : '-'} |`);
}
lines.push(`| ratio gateway/direct | ${fmt(m(rows.sse.gateway, 'rps') / m(rows.sse.direct, 'rps'), 2)} | ${fmt(m(rows.sse.gateway, 'ttfb50') / m(rows.sse.direct, 'ttfb50'), 2)} | ${fmt(m(rows.sse.gateway, 'ttfb99') / m(rows.sse.direct, 'ttfb99'), 2)} | ${fmt(m(rows.sse.gateway, 'p50') / m(rows.sse.direct, 'p50'), 2)} | | | | |`);
const errors = [...rows.json.gateway, ...rows.sse.gateway].reduce((a, r) => a + r.errors, 0);
lines.push('', `errors through the gateway: ${errors}`);
process.stdout.write(lines.join('\n') + '\n');
process.exit(0);
