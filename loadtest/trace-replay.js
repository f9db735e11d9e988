// @ts-check
/**
 * Replays a trace (plain CSV: timestamp[,model,prompt_tokens,output_tokens]) named by the curve's trace.file. k6 replays each TRACE_BIN_S-second bin's count at an even rate within the bin; iteration k takes row k's model and sizes. For exact timestamps use pilotlight loadtest.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TIME_SCALE=0.001 loadtest/trace-replay.js
 *
 * Traffic comes from curves/trace-replay.json (override with -e CURVE=...); the
 * environment variables are listed in lib/k6-run.js and docs/loadtest.md.
 */
import { k6Options, loadTest, runIteration } from './lib/k6-run.js';

// open() must be called from the script itself so relative paths resolve here.
const test = loadTest('./curves/trace-replay.json', (path) => open(path));

export const options = k6Options(test);

export default function () {
  runIteration(test);
}
