/**
 * `pilotlight modelsim` flags. The same command template should drive both
 * the simulator and a real `vllm serve`, so common vLLM flags are accepted:
 * the ones that change what a client sees (--port, --host, --model,
 * --served-model-name, --max-model-len, --max-num-seqs,
 * --max-num-batched-tokens, --api-key, --seed) are honoured, the rest
 * (GPU, parallelism, dtype, logging) are accepted and ignored. vLLM's
 * spellings are normalised first: `--foo_bar` is `--foo-bar`, `-tp 4` is
 * `--tensor-parallel-size 4`, `-O3` is `--compilation-config 3`, and a
 * leading `serve` word (as in `vllm serve MODEL`) is dropped.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_PROFILE, profileNames } from './profiles.js';
import type { ModelsimOptions } from './options.js';

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

const OWN: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  model: { type: 'string' },
  'served-model-name': { type: 'string', multiple: true },
  profile: { type: 'string' },
  'time-scale': { type: 'string' },
  'startup-delay': { type: 'string' },
  'max-num-seqs': { type: 'string' },
  'max-model-len': { type: 'string' },
  'max-num-batched-tokens': { type: 'string' },
  'kv-cache-tokens': { type: 'string' },
  seed: { type: 'string' },
  'while-loading': { type: 'string' },
  'fail-startup': { type: 'boolean' },
  'crash-after': { type: 'string' },
  'hang-after': { type: 'string' },
  'api-key': { type: 'string' },
};

/** vLLM flags taking a value: accepted, ignored. */
const IGNORED_VALUE_FLAGS = [
  'tensor-parallel-size', 'pipeline-parallel-size', 'data-parallel-size', 'gpu-memory-utilization', 'dtype', 'kv-cache-dtype',
  'quantization', 'swap-space', 'download-dir', 'load-format', 'tokenizer', 'tokenizer-mode', 'revision', 'code-revision',
  'tokenizer-revision', 'chat-template', 'chat-template-content-format', 'generation-config', 'override-generation-config',
  'distributed-executor-backend', 'uvicorn-log-level', 'tool-call-parser', 'reasoning-parser', 'root-path', 'compilation-config',
  'limit-mm-per-prompt', 'max-logprobs', 'cpu-offload-gb', 'scheduling-policy', 'speculative-config', 'config-format',
  'max-seq-len-to-capture', 'allowed-origins', 'allowed-methods', 'allowed-headers', 'lora-modules', 'max-loras', 'max-lora-rank',
  'block-size', 'hf-token', 'config', 'response-role', 'ssl-keyfile', 'ssl-certfile', 'max-parallel-loading-workers', 'task',
  'runner', 'hf-overrides', 'long-prefill-token-threshold', 'api-server-count', 'middleware', 'otlp-traces-endpoint',
  'mm-processor-kwargs', 'kv-transfer-config', 'show-hidden-metrics-for-version', 'max-num-partial-prefills', 'trust-request-chat-template',
] as const;

/** vLLM boolean flags: accepted, ignored. */
const IGNORED_BOOLEAN_FLAGS = [
  'trust-remote-code', 'enforce-eager', 'disable-log-requests', 'enable-log-requests', 'disable-log-stats', 'enable-prefix-caching',
  'no-enable-prefix-caching', 'enable-chunked-prefill', 'no-enable-chunked-prefill', 'enable-auto-tool-choice', 'disable-fastapi-docs',
  'disable-custom-all-reduce', 'async-scheduling', 'enable-expert-parallel', 'disable-uvicorn-access-log', 'enable-lora',
  'enable-request-id-headers', 'enable-prompt-tokens-details', 'enable-force-include-usage', 'disable-frontend-multiprocessing',
  'enable-server-load-tracking', 'enable-sleep-mode', 'skip-tokenizer-init', 'enable-log-outputs', 'headless',
] as const;

const SHORT_ALIASES: Record<string, string> = {
  '-tp': '--tensor-parallel-size',
  '-pp': '--pipeline-parallel-size',
  '-dp': '--data-parallel-size',
  '-q': '--quantization',
  '-O': '--compilation-config',
};

export const USAGE = `usage: pilotlight modelsim [MODEL] [options]   a vLLM-compatible model-server simulator

  --port N                 listen port (default 8000; 0 = any free port, printed)
  --host HOST              listen address (default 127.0.0.1)
  --model NAME             model name/path (a positional MODEL wins, as in \`vllm serve MODEL\`)
  --served-model-name N..  names the API accepts (default: the model)
  --profile NAME           ${profileNames().join(' | ')} (default ${DEFAULT_PROFILE})
  --time-scale X           multiply every simulated duration (0.01 = 100x faster; default 1)
  --startup-delay DUR      cold start instead of the profile's, e.g. 5s, 300ms (scaled too)
  --while-loading MODE     503 (default: listen, /health 503 until loaded) | refuse (like vLLM's API server: connection refused)
  --max-num-seqs N         running-batch limit        --max-model-len N   context length
  --max-num-batched-tokens N  token budget per step   --kv-cache-tokens N KV-cache capacity
  --seed N                 output lengths, text and vectors (default 0)
  --api-key KEY            require "Authorization: Bearer KEY" on /v1
  --fail-startup           after the start-up delay, print vLLM's fatal error and exit 1
  --crash-after N          after N completed requests, die (exit 137) mid-stream in the next
  --hang-after N           after N completed requests, stop answering (sockets stay open)

Common \`vllm serve\` flags (--tensor-parallel-size, --gpu-memory-utilization, --dtype, ...) are accepted and ignored.
Environment: PILOTLIGHT_PARENT_PID=PID exits when that process is gone.
`;

export interface ParsedArgs {
  help: boolean;
  options: ModelsimOptions;
  /** vLLM flags that were accepted and ignored, for a log line. */
  ignored: string[];
}

/** Rewrites vLLM spellings into ones parseArgs understands. */
export function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (i === 0 && arg === 'serve') continue;
    const o = /^-O(\d)$/.exec(arg);
    if (o) out.push(`--compilation-config=${o[1]}`);
    else if (SHORT_ALIASES[arg]) out.push(SHORT_ALIASES[arg]);
    else if (arg.startsWith('--')) out.push(arg.replace(/^--([^=]+)/, (_m, name: string) => `--${name.replace(/_/g, '-')}`));
    else out.push(arg);
  }
  return out;
}

function int(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

function duration(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  if (ms === undefined) throw new Error(`--startup-delay must be a duration like 5s or 300ms, got "${v}"`);
  return ms;
}

export function parseModelsimArgs(argv: readonly string[]): ParsedArgs {
  const spec: Record<string, OptionSpec> = { ...OWN };
  for (const f of IGNORED_VALUE_FLAGS) spec[f] = { type: 'string', multiple: true };
  for (const f of IGNORED_BOOLEAN_FLAGS) spec[f] = { type: 'boolean' };
  const { values, positionals, tokens } = parseArgs({ args: normaliseArgv(argv), options: spec, allowPositionals: true, strict: true, tokens: true });
  const v = values as Record<string, string | boolean | string[] | undefined>;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const { model, extraNames } = splitPositionals(positionals, tokens);
  const names = [...((v['served-model-name'] as string[] | undefined) ?? []), ...extraNames];
  const whileLoading = str('while-loading');
  if (whileLoading !== undefined && whileLoading !== 'refuse' && whileLoading !== '503') throw new Error(`--while-loading must be refuse or 503, got "${whileLoading}"`);
  const timeScale = str('time-scale');
  if (timeScale !== undefined && !(Number(timeScale) > 0)) throw new Error(`--time-scale must be a positive number, got "${timeScale}"`);
  const options: ModelsimOptions = {
    port: int('port', str('port')),
    host: str('host'),
    model: model ?? str('model'),
    servedModelNames: names.length > 0 ? names : undefined,
    profile: str('profile'),
    timeScale: timeScale === undefined ? undefined : Number(timeScale),
    startupDelayMs: duration(str('startup-delay')),
    maxNumSeqs: int('max-num-seqs', str('max-num-seqs'), 1),
    maxModelLen: int('max-model-len', str('max-model-len'), 2),
    maxNumBatchedTokens: int('max-num-batched-tokens', str('max-num-batched-tokens'), 1),
    kvCacheTokens: int('kv-cache-tokens', str('kv-cache-tokens'), 1),
    seed: int('seed', str('seed')),
    whileLoading: whileLoading as ModelsimOptions['whileLoading'],
    failStartup: v['fail-startup'] === true,
    crashAfter: int('crash-after', str('crash-after')),
    hangAfter: int('hang-after', str('hang-after')),
    apiKey: str('api-key'),
  };
  const ignored = tokens.filter((t) => t.kind === 'option' && !(t.name in OWN)).map((t) => (t.kind === 'option' ? `--${t.name}` : ''));
  return { help: v.help === true, options: stripUndefined(options), ignored };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** The first positional is the model; positionals right after --served-model-name's value are more names (vLLM's nargs="+"). */
function splitPositionals(positionals: string[], tokens: Token[]): { model: string | undefined; extraNames: string[] } {
  let model: string | undefined;
  const extraNames: string[] = [];
  let afterNames = false;
  for (const t of tokens) {
    if (t.kind === 'option') afterNames = t.name === 'served-model-name';
    else if (t.kind === 'positional') {
      if (afterNames) extraNames.push(t.value);
      else if (model === undefined) model = t.value;
      else throw new Error(`unexpected argument "${t.value}" (the model is already "${model}")`);
    }
  }
  return { model: positionals.length > 0 ? model : undefined, extraNames };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}
