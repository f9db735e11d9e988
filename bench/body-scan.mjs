// The request-body scan the gateway routes on (src/gateway/json-scan.ts)
// against JSON.parse of the same bytes, side by side in one run: a small chat
// request (the proxy harness's body) and a 4 KB one with a 20-message history.
//
//   npm run build && node bench/body-scan.mjs
import { parseJsonBody } from '../dist/gateway/body.js';

const small = Buffer.from('{"model":"fake-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":64,"stream":false}');
const history = Array.from({ length: 20 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(3)}${i}` }));
const big = Buffer.from(JSON.stringify({ model: 'llama', messages: history, max_tokens: 256, temperature: 0.7, stream: true }));

let sink = 0;
function time(fn, n) {
  for (let i = 0; i < n / 5; i++) fn(); // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t) / n;
}
console.log('| body | JSON.parse ns | scan ns | ratio |\n|---|--:|--:|--:|');
for (const [label, body, n] of [[`${small.length} B`, small, 1e6], [`${big.length} B`, big, 2e5]]) {
  const parse = [];
  const scan = [];
  for (let rep = 0; rep < 3; rep++) {
    parse.push(time(() => { sink += JSON.parse(body.toString('utf8')).model.length; }, n));
    scan.push(time(() => { sink += parseJsonBody(body).model.length; }, n));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[1];
  console.log(`| ${label} | ${med(parse).toFixed(0)} | ${med(scan).toFixed(0)} | ${(med(scan) / med(parse)).toFixed(2)} |`);
}
if (sink === 0) console.log('');
