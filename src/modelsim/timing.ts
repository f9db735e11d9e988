/**
 * The timing model: how long one engine step takes. vLLM runs the model in
 * steps; each step computes a few tokens for every scheduled sequence (one
 * token for a decoding sequence, a chunk of the prompt for a prefilling one,
 * chunked prefill being on by default) and samples the next token of every
 * sequence whose known tokens are all computed.
 *
 *   stepMs = base + perSeq * S + perKvToken * C + 1000 * P / prefillTokensPerSec
 *
 *   S  sequences in the step (decoding and prefilling)
 *   C  KV-cache tokens those sequences attend to (their context)
 *   P  prompt tokens computed in the step (prefill chunks)
 *
 * `base` is the weight read of a decode step at batch 1 (memory bound),
 * `perSeq` the extra GEMM/sampling work per sequence, `perKvToken` the KV
 * read of attention, and the last term prefill compute (compute bound).
 *
 * Derived quantities (what a client sees):
 *   TTFT = queue wait + the steps until the prompt is fully computed
 *   ITL  = the duration of the step that produced the token
 *
 * Worked example (llama-70b-h100-tp4: base 18, perSeq 0.12, perKvToken
 * 2.5e-5, prefill 12,000 tok/s): 32 sequences decoding at 1,000 tokens of
 * context each, plus a 2,000-token prompt chunk in the same step:
 *   18 + 0.12*33 + 2.5e-5*(32*1000 + 2000) + 1000*2000/12000
 *   = 18 + 3.96 + 0.85 + 166.7 = 189.5 ms
 * so every one of the 32 streams sees a 190 ms gap (chunked-prefill
 * interference), and the new request's first token arrives after that step.
 * A lone decode step at batch 1 takes 18 ms (55 tokens/s); at batch 256 with
 * 1,000-token contexts, 18 + 30.7 + 6.4 = 55 ms.
 *
 * Every duration is multiplied by the time scale before it becomes a timer.
 */

export interface TimingParams {
  /** Decode step at batch 1, ms. */
  decodeStepBaseMs: number;
  /** Extra ms per sequence in a step. */
  decodeStepPerSeqMs: number;
  /** Extra ms per KV-cache token attended to in a step. */
  decodeStepPerKvTokenMs: number;
  /** Prefill throughput, tokens per second. */
  prefillTokensPerSec: number;
}

export interface StepLoad {
  /** Sequences scheduled in the step. */
  seqs: number;
  /** KV-cache tokens those sequences attend to. */
  contextTokens: number;
  /** Prompt (prefill) tokens computed in the step. */
  prefillTokens: number;
}

/** Simulated duration of one engine step, in ms (before time scaling). */
export function stepDurationMs(p: TimingParams, load: StepLoad): number {
  if (load.seqs === 0) return 0;
  return (
    p.decodeStepBaseMs +
    p.decodeStepPerSeqMs * load.seqs +
    p.decodeStepPerKvTokenMs * load.contextTokens +
    (1000 * load.prefillTokens) / p.prefillTokensPerSec
  );
}

/** Inter-token latency of a steady decode batch (no prefill), ms. */
export function steadyItlMs(p: TimingParams, batch: number, contextTokensEach: number): number {
  return stepDurationMs(p, { seqs: batch, contextTokens: batch * contextTokensEach, prefillTokens: 0 });
}
