import { ManualClock } from '../../../src/core/clock.js';
import { Engine, type EngineObserver, type FinishedRequest, type FinishInfo } from '../../../src/modelsim/engine.js';
import { PROFILES, type Profile } from '../../../src/modelsim/profiles.js';

/**
 * A profile with round numbers so expected times are easy to compute:
 * a step costs 10 ms + 1 ms per sequence + 1 ms per prompt token.
 */
export const TEST_PROFILE: Profile = {
  ...(PROFILES.tiny as Profile),
  name: 'test',
  decodeStepBaseMs: 10,
  decodeStepPerSeqMs: 1,
  decodeStepPerKvTokenMs: 0,
  prefillTokensPerSec: 1000,
  maxNumSeqs: 2,
  maxNumBatchedTokens: 100,
  kvCacheTokens: 1024,
  blockSize: 16,
  maxModelLen: 512,
  outputTokensMedian: 20,
  outputTokensSigma: 0.5,
};

export interface Delivery {
  at: number;
  count: number;
  finish: FinishInfo | undefined;
}

export class RecordingObserver implements EngineObserver {
  iterations: number[] = [];
  preemptions = 0;
  prompts: number[] = [];
  ttfts: number[] = [];
  itls: number[] = [];
  finished: FinishedRequest[] = [];
  onIteration(tokens: number, preemptions: number): void {
    this.iterations.push(tokens);
    this.preemptions += preemptions;
  }
  onPromptProcessed(n: number): void {
    this.prompts.push(n);
  }
  onFirstToken(ms: number): void {
    this.ttfts.push(ms);
  }
  onInterToken(ms: number): void {
    this.itls.push(ms);
  }
  onFinished(r: FinishedRequest): void {
    this.finished.push(r);
  }
}

export function setup(profile: Partial<Profile> = {}, opts: { timeScale?: number; minTickMs?: number; seed?: number } = {}) {
  const clock = new ManualClock(0);
  const observer = new RecordingObserver();
  const engine = new Engine({ clock, profile: { ...TEST_PROFILE, ...profile }, timeScale: opts.timeScale ?? 1, seed: opts.seed ?? 1, minTickMs: opts.minTickMs ?? 0, observer });
  const submit = (promptTokens: number, maxTokens?: number) => {
    const deliveries: Delivery[] = [];
    const req = engine.submit({ promptTokens, maxTokens, sink: { onTokens: (count, finish) => deliveries.push({ at: clock.now(), count, finish }) } });
    return { req, deliveries, firstAt: () => deliveries[0]?.at, doneAt: () => deliveries.find((d) => d.finish)?.at };
  };
  return { clock, observer, engine, submit };
}

/** Runs the clock until the engine has nothing left to do. */
export function drain(clock: ManualClock, limitMs = 1_000_000): void {
  const end = clock.now() + limitMs;
  while (clock.pending() > 0 && clock.now() < end) clock.advance(1000);
}
