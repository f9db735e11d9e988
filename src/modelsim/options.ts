/**
 * The simulator's options (library and CLI share them), their defaults, and
 * the checks vLLM itself would make at start-up.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { DEFAULT_PROFILE, getProfile, type Profile } from './profiles.js';

/**
 * What a client sees before the model is loaded. vLLM binds its port before
 * loading but only listens once the engine is up (api_server.py
 * setup_server/run_server_worker), so connections are refused: 'refuse'.
 * The default is '503' (listen at once, /health 503 until loaded): what the
 * gateway's contract asks of a model server, and what readiness probes and
 * builds of vLLM with a warm-up phase show; 'refuse' reproduces vLLM's
 * current API server exactly.
 * '503' instead listens at once and answers /health with 503 (and the API
 * with a 503 error), as vLLM builds with a warm-up phase do.
 */
export type LoadingBehavior = 'refuse' | '503';

export interface ModelsimOptions {
  host?: string;
  /** 0 picks a free port. Default 8000, like vLLM. */
  port?: number;
  profile?: string | Profile;
  /** The model path/name (`vllm serve MODEL`); the served name when servedModelNames is empty. */
  model?: string;
  servedModelNames?: string[];
  /** Multiplies every simulated duration: 0.01 runs 100x faster. */
  timeScale?: number;
  /** Overrides the profile's cold start (before time scaling). */
  startupDelayMs?: number;
  maxNumSeqs?: number;
  maxModelLen?: number;
  maxNumBatchedTokens?: number;
  kvCacheTokens?: number;
  seed?: number;
  whileLoading?: LoadingBehavior;
  /** After the start-up delay, fail like vLLM running out of GPU memory. */
  failStartup?: boolean;
  /** After N completed requests, die abruptly during the next request's generation. */
  crashAfter?: number;
  /** After N completed requests, stop answering anything (sockets stay open). */
  hangAfter?: number;
  /** Like `vllm serve --api-key`: /v1 routes need `Authorization: Bearer KEY`. */
  apiKey?: string;
  clock?: Clock;
  /** Called for an injected crash. Default: drop every socket and stop (in-process). */
  onCrash?: () => void;
  /** Log lines (vLLM-style INFO lines). Default: discarded. */
  log?: (line: string) => void;
  /** Bound on waiting for in-flight requests in close(), real ms. Default 10 s. */
  drainTimeoutMs?: number;
  /** Minimum real duration of an engine tick (see engine.ts). Default 1 ms. */
  minTickMs?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  profile: Profile;
  modelPath: string;
  servedModelNames: string[];
  timeScale: number;
  startupDelayMs: number;
  seed: number;
  whileLoading: LoadingBehavior;
  failStartup: boolean;
  crashAfter: number | undefined;
  hangAfter: number | undefined;
  apiKey: string | undefined;
  clock: Clock;
  onCrash: (() => void) | undefined;
  log: (line: string) => void;
  drainTimeoutMs: number;
  minTickMs: number;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

const isCount = (n: number | undefined, min = 0): boolean => n === undefined || (Number.isInteger(n) && n >= min);

export function resolveOptions(o: ModelsimOptions): ResolvedOptions {
  const base = typeof o.profile === 'object' ? o.profile : getProfile(o.profile ?? DEFAULT_PROFILE);
  const profile: Profile = {
    ...base,
    maxNumSeqs: o.maxNumSeqs ?? base.maxNumSeqs,
    maxModelLen: o.maxModelLen ?? base.maxModelLen,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? base.maxNumBatchedTokens,
    kvCacheTokens: o.kvCacheTokens ?? base.kvCacheTokens,
  };
  const timeScale = o.timeScale ?? 1;
  const port = o.port ?? 8000;
  check(Number.isFinite(timeScale) && timeScale > 0, `time scale must be a positive number, got ${timeScale}`);
  check(Number.isInteger(port) && port >= 0 && port <= 65535, `port must be 0..65535, got ${port}`);
  check(isCount(profile.maxNumSeqs, 1) && isCount(profile.maxModelLen, 2) && isCount(profile.maxNumBatchedTokens, 1), 'max-num-seqs, max-model-len and max-num-batched-tokens must be positive integers');
  check(isCount(o.crashAfter) && isCount(o.hangAfter), 'crash-after and hang-after must be integers >= 0');
  check(o.startupDelayMs === undefined || o.startupDelayMs >= 0, 'startup delay must be >= 0');
  // vLLM refuses to start when one max-length request cannot fit in the KV cache.
  check(
    profile.maxModelLen <= Math.floor(profile.kvCacheTokens / profile.blockSize) * profile.blockSize,
    `ValueError: The model's max seq len (${profile.maxModelLen}) is larger than the maximum number of tokens that can be stored in KV cache (${profile.kvCacheTokens}). Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`,
  );
  const modelPath = o.model ?? base.model;
  return {
    host: o.host ?? '127.0.0.1',
    port,
    profile,
    modelPath,
    servedModelNames: o.servedModelNames && o.servedModelNames.length > 0 ? [...o.servedModelNames] : [modelPath],
    timeScale,
    startupDelayMs: o.startupDelayMs ?? base.coldStartMs,
    seed: o.seed ?? 0,
    whileLoading: o.whileLoading ?? '503',
    failStartup: o.failStartup ?? false,
    crashAfter: o.crashAfter,
    hangAfter: o.hangAfter,
    apiKey: o.apiKey,
    clock: o.clock ?? systemClock,
    onCrash: o.onCrash,
    log: o.log ?? (() => undefined),
    drainTimeoutMs: o.drainTimeoutMs ?? 10_000,
    minTickMs: o.minTickMs ?? 1,
  };
}
