/**
 * Worker-thread entry of load-isolated.ts: loads and validates one config
 * file (yaml + zod live in this thread's heap only) and posts back the plain
 * Config or the problems.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from './errors.js';
import { loadConfigFile } from './load.js';

const { file } = workerData as { file: string };
try {
  parentPort?.postMessage({ ok: true, config: loadConfigFile(file) });
} catch (err) {
  if (err instanceof ConfigError) parentPort?.postMessage({ ok: false, problems: err.problems });
  else parentPort?.postMessage({ ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
