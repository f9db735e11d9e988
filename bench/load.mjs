#!/usr/bin/env node
// Closed-loop load generator (undici), run as its own process so its CPU is not
// counted against the proxy. Prints one JSON line.
//   node bench/load.mjs json URL CONCURRENCY SECONDS
//   node bench/load.mjs sse  URL CONCURRENCY SECONDS
import { Pool } from 'undici';

const [mode, url, concStr, secsStr] = process.argv.slice(2);
const conc = Number(concStr);
const secs = Number(secsStr);
const u = new URL(url);
const pool = new Pool(u.origin, { connections: conc, pipelining: 1 });
const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }], stream: mode === 'sse' });
const lat = [];
const ttfb = [];
let done = 0;
let errors = 0;
let events = 0;
let reads = 0;
const until = performance.now() + secs * 1000;

async function one() {
  const t0 = performance.now();
  const res = await pool.request({ path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  let first = true;
  for await (const chunk of res.body) {
    if (first) { ttfb.push(performance.now() - t0); first = false; }
    reads++;
    if (mode === 'sse') events += chunk.toString().split('\n\n').length - 1;
  }
  if (res.statusCode !== 200) errors++;
  lat.push(performance.now() - t0);
  done++;
}

async function worker() {
  while (performance.now() < until) {
    try { await one(); } catch { errors++; }
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: conc }, worker));
const elapsed = (performance.now() - t0) / 1000;
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0; };
process.stdout.write(JSON.stringify({
  mode, conc, seconds: elapsed, done, errors, rps: done / elapsed,
  p50: pct(lat, 0.5), p99: pct(lat, 0.99), ttfb50: pct(ttfb, 0.5), ttfb99: pct(ttfb, 0.99),
  eventsPerStream: mode === 'sse' ? events / Math.max(1, done) : undefined,
  readsPerStream: reads / Math.max(1, done),
}) + '\n');
await pool.close();
