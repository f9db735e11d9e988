/**
 * `loadConfigFile` for the serving process, run in a short-lived worker
 * thread. The result is the same frozen Config (or the same ConfigError);
 * what differs is that the YAML parser and the schema library (about 5 MB of
 * code and source text) are loaded into the worker's heap, which is freed
 * when it exits, instead of staying resident in the gateway's.
 *
 * Why it matters: V8 marks the whole resident heap in every full collection
 * and lets the old generation grow in proportion to it, so a smaller
 * resident heap means less GC work per request and less RSS per open stream
 * (docs/benchmarks.md). `validate`, `simulate` and the tests call
 * loadConfigFile directly.
 */
import { Worker } from 'node:worker_threads';
import type { Config } from './resolve.js';
import { ConfigError, type ConfigProblem } from './errors.js';

type Reply = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] } | { ok: false; message: string };

export function loadConfigFileIsolated(file: string): Promise<Config> {
  return new Promise<Config>((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: { file } });
    let settled = false;
    worker.once('message', (r: Reply) => {
      settled = true;
      if (r.ok) resolve(deepFreeze(r.config));
      else if ('problems' in r) reject(new ConfigError(r.problems));
      else reject(new Error(`loading ${file}: ${r.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new Error(`loading ${file}: ${err.message}`, { cause: err }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`loading ${file}: the config loader exited with code ${code} before answering`));
    });
  });
}

/** The structured clone is not frozen: freeze it again, as loadConfigFile does. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
