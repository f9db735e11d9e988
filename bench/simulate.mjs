#!/usr/bin/env node
// Benchmark: how fast `pilotlight simulate` replays a trace, per policy.
//
//   npx tsc -p tsconfig.build.json && node bench/simulate.mjs
//   TRACE=/path/to/trace POLICIES=keepalive-60s,reactive REPS=3 node bench/simulate.mjs
//
// Default: the Azure Functions 2019 sample (500 functions as models,
// 3,037,902 requests over 8 h), replayed through each policy separately
// with the simulator's defaults (300 s cold start, 1 s service, 16 requests
// per replica), from dist/ as the CLI runs it. Reports simulated requests per
// second of wall time and of this process's CPU time (best of REPS; on a busy
// machine the CPU figure is the fairer one), the policy decisions made, and
// the machine's load average, so a figure can be judged by what else ran.
import { loadavg, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TRACE = process.env.TRACE ?? join(process.env.PILOTLIGHT_TRACES_DIR ?? '/work/shared/traces', 'azure-functions-2019-sample/invocations.csv');
const POLICIES = (process.env.POLICIES ?? 'keepalive-60s,keepalive-300s,reactive,knative,keda-http,oracle').split(',');
const REPS = Number(process.env.REPS ?? 3);

const { loadTrace } = await import(join(root, 'dist/sim/traces/index.js'));
const { simulate, simPolicy, worldFor } = await import(join(root, 'dist/sim/index.js'));

const t0 = performance.now();
const cols = loadTrace(TRACE);
const loadS = (performance.now() - t0) / 1000;
const world = worldFor({ defaultColdStartMs: 300_000, traceHasTokens: cols.info.hasTokens });
console.log(`trace ${TRACE}: ${cols.length.toLocaleString('en-US')} requests, ${cols.info.models.length} models; loaded in ${loadS.toFixed(2)} s`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

let totalRequests = 0;
let totalCpu = 0;
let totalWall = 0;
const rate = (s) => Math.round(cols.length / s).toLocaleString('en-US');
for (const name of POLICIES) {
  let wall = Infinity;
  let cpu = Infinity;
  let decisions = 0;
  for (let rep = 0; rep < REPS; rep++) {
    const c0 = process.cpuUsage();
    const start = performance.now();
    const r = simulate(cols, { policies: [simPolicy(name)], world });
    wall = Math.min(wall, (performance.now() - start) / 1000);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    decisions = r.policies[0].ticks;
  }
  totalRequests += cols.length;
  totalCpu += cpu;
  totalWall += wall;
  console.log(`${name.padEnd(16)} wall ${wall.toFixed(2)} s (${rate(wall)} req/s), CPU ${cpu.toFixed(2)} s (${rate(cpu)} req/CPU-s), ${decisions.toLocaleString('en-US')} decisions`);
}
const per = (s) => Math.round(totalRequests / s).toLocaleString('en-US');
console.log(`all ${POLICIES.length} policies: ${per(totalWall)} req/s wall, ${per(totalCpu)} req/CPU-s; load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
