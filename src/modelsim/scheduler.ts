/**
 * One engine step of continuous batching, shaped after vLLM's v1 scheduler
 * (vllm/v1/core/sched/scheduler.py) with chunked prefill:
 *
 * 1. RUNNING sequences, oldest first, each get their next tokens out of the
 *    step's token budget (max_num_batched_tokens): 1 token when decoding, a
 *    chunk of the remaining prompt when prefilling. A sequence whose KV cache
 *    cannot grow preempts the NEWEST running sequence (recompute policy: its
 *    KV is dropped and it goes back to the front of WAITING).
 * 2. If nothing was preempted, WAITING sequences are admitted in FIFO order
 *    while the running set is below max_num_seqs, budget remains, and the KV
 *    cache has blocks for their first chunk. The head blocks the queue.
 *
 * A sequence's "known" tokens are prompt + generated; once all of them are
 * computed the step samples one new token. Sampling the last wanted token
 * finishes it. Prefill-only sequences (embeddings) finish when computed.
 *
 * Worked example (max_num_seqs 2, budget 8, prompts of 5 tokens, requests
 * A, B, C arriving together): step 1 admits A (5 tokens) and B (3 of 5,
 * budget spent); A samples its first token. Step 2: A decodes 1, B finishes
 * its prompt (2) and samples; C still waits, the running set being full.
 *
 * Cost: O(running + admitted) per step; WAITING is an array with shift(),
 * fine for the thousands of requests one simulated replica ever queues.
 */
import type { BlockOwner, KvCache } from './kv-cache.js';
import type { StepLoad } from './timing.js';

export interface Seq extends BlockOwner {
  readonly id: number;
  readonly promptTokens: number;
  /** Output tokens to produce; 0 means prefill only (embeddings). */
  readonly targetTokens: number;
  /** Tokens whose KV is in the cache. */
  computed: number;
  /** Tokens sampled so far. */
  generated: number;
  state: 'waiting' | 'running' | 'finished' | 'removed';
}

export interface StepEntry<S extends Seq> {
  seq: S;
  tokens: number;
  sampled: boolean;
  finished: boolean;
}

export interface StepResult<S extends Seq> {
  entries: StepEntry<S>[];
  load: StepLoad;
  /** Sequences moved from WAITING to RUNNING in this step. */
  admitted: S[];
  preempted: number;
  /** Prompt tokens plus sampled tokens (vllm:iteration_tokens_total). */
  iterationTokens: number;
}

export interface SchedulerLimits {
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
}

export class Scheduler<S extends Seq> {
  readonly waiting: S[] = [];
  running: S[] = [];

  constructor(
    private readonly limits: SchedulerLimits,
    private readonly kv: KvCache,
  ) {}

  add(seq: S): void {
    seq.state = 'waiting';
    this.waiting.push(seq);
  }

  /** Drops a sequence wherever it is and frees its KV blocks. */
  remove(seq: S): void {
    if (seq.state === 'waiting') this.waiting.splice(this.waiting.indexOf(seq), 1);
    if (seq.state === 'running') this.running.splice(this.running.indexOf(seq), 1);
    this.kv.release(seq);
    seq.state = 'removed';
  }

  hasWork(): boolean {
    return this.running.length > 0 || this.waiting.length > 0;
  }

  /** Plans and applies one step; undefined when nothing can be scheduled. */
  step(): StepResult<S> | undefined {
    const budget = { left: this.limits.maxNumBatchedTokens };
    const scheduled: Array<{ seq: S; tokens: number }> = [];
    const preempted = this.scheduleRunning(budget, scheduled);
    const admitted = preempted === 0 ? this.admitWaiting(budget, scheduled) : [];
    if (scheduled.length === 0) return undefined;
    return { ...this.apply(scheduled), admitted, preempted };
  }

  private remaining(seq: S): number {
    return seq.promptTokens + seq.generated - seq.computed;
  }

  private scheduleRunning(budget: { left: number }, out: Array<{ seq: S; tokens: number }>): number {
    let preempted = 0;
    for (let i = 0; i < this.running.length && budget.left > 0; i++) {
      const seq = this.running[i] as S;
      const want = Math.min(this.remaining(seq), budget.left);
      while (!this.kv.ensure(seq, seq.computed + want)) {
        const victim = this.running.pop() as S;
        this.preempt(victim);
        preempted++;
        if (victim === seq) break;
      }
      if (seq.state !== 'running') break;
      out.push({ seq, tokens: want });
      budget.left -= want;
    }
    return preempted;
  }

  private preempt(seq: S): void {
    this.kv.release(seq);
    seq.computed = 0;
    seq.state = 'waiting';
    this.waiting.unshift(seq);
  }

  private admitWaiting(budget: { left: number }, out: Array<{ seq: S; tokens: number }>): S[] {
    const admitted: S[] = [];
    while (this.waiting.length > 0 && this.running.length < this.limits.maxNumSeqs && budget.left > 0) {
      const seq = this.waiting[0] as S;
      const want = Math.min(this.remaining(seq), budget.left);
      if (!this.kv.ensure(seq, seq.computed + want)) break;
      this.waiting.shift();
      seq.state = 'running';
      this.running.push(seq);
      out.push({ seq, tokens: want });
      admitted.push(seq);
      budget.left -= want;
    }
    return admitted;
  }

  private apply(scheduled: Array<{ seq: S; tokens: number }>): Omit<StepResult<S>, 'admitted' | 'preempted'> {
    const load: StepLoad = { seqs: scheduled.length, contextTokens: 0, prefillTokens: 0 };
    const entries: StepEntry<S>[] = [];
    let iterationTokens = 0;
    for (const { seq, tokens } of scheduled) {
      const decoding = seq.generated > 0 && this.remaining(seq) === 1;
      load.contextTokens += seq.computed + tokens;
      if (!decoding) {
        load.prefillTokens += tokens;
        iterationTokens += tokens;
      }
      seq.computed += tokens;
      const entry = { seq, tokens, sampled: false, finished: false };
      if (this.remaining(seq) === 0) this.sample(entry);
      if (entry.sampled) iterationTokens += 1;
      entries.push(entry);
    }
    this.running = this.running.filter((s) => s.state === 'running');
    return { entries, load, iterationTokens };
  }

  private sample(entry: StepEntry<S>): void {
    const seq = entry.seq;
    if (seq.targetTokens > 0) {
      seq.generated += 1;
      entry.sampled = true;
    }
    if (seq.generated >= seq.targetTokens) {
      entry.finished = true;
      seq.state = 'finished';
      this.kv.release(seq);
    }
  }
}
