#!/usr/bin/env node
// A fixed-cost OpenAI-style upstream for proxy benchmarks (node:http, no deps),
// after ../shared/bench/upstream.js: POST /v1/chat/completions answers a ~1 KB
// chat.completion at once, or with "stream": true an SSE stream of N events
// (~60 B each) every interval ms, the first at once. GET /health -> 200.
//   node bench/upstream.mjs PORT [--chunks=64] [--interval-ms=5]
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name, def) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const port = Number(args.find((a) => /^\d+$/.test(a)) ?? 19000);
const CHUNKS = opt('chunks', 64);
const INTERVAL = opt('interval-ms', 5);
const content = 'The quick brown fox jumps over the lazy dog. '.repeat(17).trim();
const COMPLETION = Buffer.from(JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 180, total_tokens: 192 },
}));
const CHUNK = Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"tok "}}]}\n\n');
const DONE = Buffer.from('data: [DONE]\n\n');

http.createServer((req, res) => {
  if (req.method === 'GET') { res.writeHead(200); res.end('ok'); return; }
  const bufs = [];
  req.on('data', (b) => bufs.push(b));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(Buffer.concat(bufs).toString() || '{}'); } catch { res.writeHead(400); res.end(); return; }
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length });
      res.end(COMPLETION);
      return;
    }
    const n = Number(body.bench_chunks ?? CHUNKS);
    const every = Number(body.bench_interval_ms ?? INTERVAL);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const tick = () => {
      if (sent < n) { res.write(CHUNK); sent++; return; }
      clearInterval(timer); res.end(DONE);
    };
    tick();
    const timer = setInterval(tick, every);
    res.on('close', () => clearInterval(timer));
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`upstream on ${port}\n`));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(0));
