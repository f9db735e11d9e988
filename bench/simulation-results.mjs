#!/usr/bin/env node
// Regenerates the "Results on the public traces" tables of docs/simulation.md:
// every trace in /work/shared/traces (or $PILOTLIGHT_TRACES_DIR) through every
// policy, predictive included, with `pilotlight simulate --json`.
//   npx tsc -p tsconfig.build.json && node bench/simulation-results.mjs > /tmp/results.md
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const T = process.env.PILOTLIGHT_TRACES_DIR ?? '/work/shared/traces';
const ALL = 'keepalive-60s,keepalive-300s,keepalive-600s,knative,keda-http,dedicated,oracle,reactive,predictive';
const LLM = ['--cold-start-profile', 'llama-70b-h100-tp4', '--gpus-per-replica', '4'];
const RUNS = [
  ['azure-llm-2023/AzureLLMInferenceTrace_code.csv', LLM],
  ['azure-llm-2023/AzureLLMInferenceTrace_conv.csv', LLM],
  ['mooncake-fast25/conversation_trace.jsonl', LLM],
  ['azure-functions-2019-sample/invocations.csv', LLM, '500 functions as models'],
  ['azure-functions-2021-sample/Azure2021_200.csv', LLM, 'a 199-request excerpt; format check more than evaluation'],
  ['servegen/multimodal/mm-image', LLM, '35 clients as models, 1 day'],
  ['servegen/language/m-large', [...LLM, '--window', '0-1h'], '`--window 0-1h`, 162 clients as models'],
  ['servegen/language/m-mid', [...LLM, '--window', '0-1h'], '`--window 0-1h`, 109 clients'],
  ['servegen/language/m-small', [...LLM, '--window', '0-1h'], '`--window 0-1h`, 43 clients'],
  ['azure-functions-2019-sample/invocations.csv', ['--cold-start', '120s', '--service', '1s', '--concurrency', '0', '--max-replicas', '1'], 'pinned world: one replica per model, unlimited concurrency, 120 s cold start, 1 s service'],
  ['azure-llm-2023/AzureLLMInferenceTrace_code.csv', ['--cold-start', '30s', '--service', '0.2s+0.03s/token', '--concurrency', '0', '--max-replicas', '1'], 'pinned world: one replica, unlimited concurrency, 30 s cold start'],
];

const n = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const dur = (ms) => (ms === 0 ? '0' : ms < 60_000 ? `${n(ms / 1000, 1)} s` : `${n(ms / 60_000, 1)} min`);
const out = [];
for (const [trace, flags, note] of RUNS) {
  const args = ['dist/cli/main.js', 'simulate', '--trace', join(T, trace), ...flags, '--policies', ALL, '--json'];
  const r = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 }));
  const ded = r.dedicated?.total ?? r.dedicated;
  out.push(`### ${trace}${note ? ` (${note})` : ''}`, '');
  out.push('```sh', `node dist/cli/main.js simulate --trace ${join(T, trace)} ${flags.join(' ')}`, '```', '');
  out.push(`${n(r.trace.requests)} requests, ${r.trace.models} model(s), ${n(r.trace.spanS / 60, 1)} min.`, '');
  out.push('| policy | cold-start waits | after each model\'s 1st | p75 per-model cold % | cold wait p95 | queue wait p99 | replica starts | GPU-h held | idle GPU-h | cost |');
  out.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const p of r.policies) {
    const name = p.policy === 'predictive' ? '**predictive**' : p.policy;
    out.push(`| ${name} | ${n(p.coldStartRequests)} (${n(p.coldStartFraction * 100, 2)} %) | ${n(p.coldStartRequestsAfterFirst)} | ${n(p.p75ModelColdStartFraction * 100, 1)} % | ${dur(p.coldStartWaitMs.p95)} | ${dur(p.queueWaitMs.p99)} | ${n(p.replicaStarts)} | ${n(p.gpuSeconds / 3600, 1)} | ${n(p.idleGpuSeconds / 3600, 1)} | $${n(p.costUsd, 2)} |`);
  }
  void ded;
  out.push('');
  process.stderr.write(`done ${trace}\n`);
}
process.stdout.write(out.join('\n') + '\n');
