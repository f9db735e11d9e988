/**
 * `pilotlight simulate`: replay a request-arrival trace against scaling
 * policies on a virtual clock (src/sim, docs/simulation.md) and report cold
 * starts and GPU cost per policy and model. Exit 0 on success, 2 on a usage,
 * config or trace error (the message names the file and line).
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ConfigError, loadConfigFile } from '../config/load.js';
import type { Config } from '../config/resolve.js';
import { DEFAULT_PROFILE, getProfile } from '../modelsim/profiles.js';
import { defaultPolicyNames, htmlReport, jsonReport, SIM_DEFAULTS, simPolicy, simulate, textReport, worldFor, type SimPolicy, type WorldSettings } from '../sim/index.js';
import * as v from '../sim/option-values.js';
import { loadTrace, TRACE_FORMATS, TraceError, type ArrivalColumns, type TraceFormat, type TraceOptions } from '../sim/traces/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './usage-error.js';

const SYNOPSIS = `simulate --trace PATH [options]
  --format F               trace format (default: detected): ${TRACE_FORMATS.join(', ')}
  --config FILE            pilotlight config: each trace model takes the settings of the config model of that name, else of the first
  --policies a,b,...       default: every baseline and every registered policy (${defaultPolicyNames().join(', ')}); also keepalive-<duration>
  --cold-start 120s        median cold start (default: the config's expectedColdStart, else the ${DEFAULT_PROFILE} profile's)
  --cold-start-profile P   the cold start of a modelsim profile
  --cold-start-sigma S     log-normal spread of cold starts (default 0: fixed)
  --service 1s | 0.2s+0.03s/token   service time per request (default: 0.2s+0.03s/token with tokens, 1s without)
  --concurrency N          requests per replica at once, 0 = unlimited (default: the config's maxConcurrencyPerReplica)
  --max-replicas N         per model (default: the config's, else ${SIM_DEFAULTS.maxReplicas})
  --gpus-per-replica N     (default: the config's, else 1)
  --gpu-price $/h          per GPU-hour (default: the config's, else $${SIM_DEFAULTS.gpuPricePerHour})
  --serverless-price $/s   per GPU-second on a serverless platform (default $${SIM_DEFAULTS.serverlessPricePerGpuSecond})
  --tick 1s                the gateway's decision interval (default: the config's autoscaler.tickInterval, else 1s)
  --time-scale X  --rate-scale X  --window 10m-2h  --model-map hash:8|top:20  --unsorted sort  --seed N   trace options (docs/traces.md)
  --json                   one JSON document on stdout instead of the table
  --html FILE              also write a self-contained HTML report with charts`;

const OPTIONS = {
  trace: { type: 'string' },
  format: { type: 'string' },
  config: { type: 'string', short: 'c' },
  policies: { type: 'string' },
  'cold-start': { type: 'string' },
  'cold-start-profile': { type: 'string' },
  'cold-start-sigma': { type: 'string' },
  service: { type: 'string' },
  concurrency: { type: 'string' },
  'max-replicas': { type: 'string' },
  'gpus-per-replica': { type: 'string' },
  'gpu-price': { type: 'string' },
  'serverless-price': { type: 'string' },
  tick: { type: 'string' },
  'time-scale': { type: 'string' },
  'rate-scale': { type: 'string' },
  window: { type: 'string' },
  'model-map': { type: 'string' },
  unsorted: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, SYNOPSIS);
  const trace = values.trace;
  if (!trace) throw new UsageError(`simulate needs --trace PATH\nusage: pilotlight ${SYNOPSIS}`);
  const seed = values.seed === undefined ? 1 : usage(() => v.nonNegativeInt('--seed', values.seed ?? ''));
  const traceOptions = usage(() => traceOptionsFrom(values, seed));
  const policies = usage(() => (values.policies ? v.policyList(values.policies) : defaultPolicyNames()).map(simPolicy));
  const settings = usage(() => worldSettings(values));
  const tickMs = values.tick ? usage(() => v.durationMs('--tick', values.tick ?? '')) : undefined;
  const serverless = values['serverless-price'] ? usage(() => v.price('--serverless-price', values['serverless-price'] ?? '')) : SIM_DEFAULTS.serverlessPricePerGpuSecond;
  const config = values.config === undefined ? undefined : readConfig(values.config);
  if (config === null) return 2;
  let cols: ArrivalColumns;
  try {
    cols = loadTrace(trace, traceOptions);
  } catch (err) {
    if (!(err instanceof TraceError)) throw err;
    process.stderr.write(`pilotlight simulate: ${err.toString()}\n`);
    return 2;
  }
  const world = worldFor({ ...settings, config, traceHasTokens: cols.info.hasTokens });
  const tick = tickMs ?? config?.autoscaler.tickInterval ?? 1000;
  const started = performance.now();
  const progress = progressBar(policies);
  const result = simulate(cols, { policies, world, tickMs: tick, seed, serverlessPricePerGpuSecond: serverless, onProgress: progress.update });
  progress.done(cols.length * policies.length, (performance.now() - started) / 1000);
  const run = { world: world(cols.info.models[0] ?? ''), tickMs: tick, seed, serverlessPricePerGpuSecond: serverless };
  process.stdout.write(values.json ? jsonReport(result, run) : textReport(result, run));
  if (values.html) writeFileSync(values.html, htmlReport(result, run));
  return 0;
}

/** Runs a value parser; its message becomes a usage error (exit 2). */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError(`simulate: ${(err as Error).message}`);
  }
}

function traceOptionsFrom(values: Values, seed: number): TraceOptions {
  const o: TraceOptions = { seed };
  if (values.format !== undefined) {
    if (!(TRACE_FORMATS as readonly string[]).includes(values.format)) throw new Error(`--format: expected one of ${TRACE_FORMATS.join(', ')}, got "${values.format}"`);
    o.format = values.format as TraceFormat;
  }
  if (values['time-scale'] !== undefined) o.timeScale = v.positiveNumber('--time-scale', values['time-scale']);
  if (values['rate-scale'] !== undefined) o.rateScale = v.positiveNumber('--rate-scale', values['rate-scale']);
  if (values.window !== undefined) o.window = v.traceWindow(values.window);
  if (values['model-map'] !== undefined) o.modelMap = v.modelMap(values['model-map']);
  if (values.unsorted !== undefined) {
    if (values.unsorted !== 'sort' && values.unsorted !== 'error') throw new Error(`--unsorted: expected "sort" or "error", got "${values.unsorted}"`);
    o.unsorted = values.unsorted;
  }
  return o;
}

/** Every world flag, checked before anything is read. */
function worldSettings(values: Values): Omit<WorldSettings, 'config' | 'traceHasTokens'> {
  if (values['cold-start'] !== undefined && values['cold-start-profile'] !== undefined) throw new Error('--cold-start and --cold-start-profile: give one of them');
  const profile = values['cold-start-profile'];
  const num = (flag: keyof Values, parse: (flag: string, s: string) => number): number | undefined => {
    const s = values[flag];
    return typeof s === 'string' ? parse(`--${flag}`, s) : undefined;
  };
  return {
    defaultColdStartMs: getProfile(DEFAULT_PROFILE).coldStartMs,
    coldStartMs: profile !== undefined ? getProfile(profile).coldStartMs : num('cold-start', v.durationMs),
    coldStartSigma: num('cold-start-sigma', v.nonNegativeNumber),
    service: values.service === undefined ? undefined : v.serviceSpec(values.service),
    concurrency: num('concurrency', v.nonNegativeInt),
    maxReplicas: num('max-replicas', v.nonNegativeInt),
    gpusPerReplica: num('gpus-per-replica', v.nonNegativeInt),
    gpuPricePerHour: num('gpu-price', v.price),
  };
}

/** The config, or null after printing its problems (exit 2, as `validate` does). */
function readConfig(file: string): Config | null {
  try {
    return loadConfigFile(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return null;
  }
}

/** A progress bar on stderr, only when stderr is a terminal. */
function progressBar(policies: readonly SimPolicy[]) {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  return {
    update(done: number, total: number, policy: string): void {
      if (!tty) return;
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (pct === last) return;
      last = pct;
      const bar = '#'.repeat(Math.round(pct / 4)).padEnd(25, '.');
      process.stderr.write(`\r[${bar}] ${String(pct).padStart(3)}%  ${policy.padEnd(16)}`);
    },
    done(requests: number, seconds: number): void {
      if (!tty) return;
      const rate = seconds > 0 ? Math.round(requests / seconds) : 0;
      process.stderr.write(`\r${' '.repeat(50)}\rsimulated ${requests} request replays (${policies.length} policies) in ${seconds.toFixed(1)}s, ${rate} per second\n`);
    },
  };
}
