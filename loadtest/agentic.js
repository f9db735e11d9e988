// @ts-check
/**
 * An agentic workflow: each iteration is a session of several steps with think time between them, every request carrying the same x-session-id. Sessions arrive on ramping-arrival-rate scenarios; a VU stays busy for the whole session, so MAX_VUS bounds concurrent sessions.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TIME_SCALE=0.001 loadtest/agentic.js
 *
 * Traffic comes from curves/agentic.json (override with -e CURVE=...); the
 * environment variables are listed in lib/k6-run.js and docs/loadtest.md.
 */
import { k6Options, loadTest, runIteration } from './lib/k6-run.js';

// open() must be called from the script itself so relative paths resolve here.
const test = loadTest('./curves/agentic.json', (path) => open(path));

export const options = k6Options(test);

export default function () {
  runIteration(test);
}
