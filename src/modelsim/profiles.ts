/**
 * Hardware/model profiles. Each number is sourced or derived in
 * docs/modelsim.md ("Profiles"); the comments here say which is which.
 *
 * KV capacity is derived the way vLLM sizes its cache:
 *   perGpuKvBytes = totalGpuMem * gpuMemoryUtilization - weights/TP - activations
 *   kvCacheTokens = TP * perGpuKvBytes / (kvBytesPerToken / TP)
 *   kvBytesPerToken = 2 (K,V) * layers * kvHeads * headDim * 2 bytes (BF16)
 * Worked example (Llama-3.x-70B, 4xH100 80GB, TP4, utilization 0.9):
 *   kvBytesPerToken = 2*80*8*128*2 = 327,680 B (320 KiB; 80 KiB per GPU)
 *   per GPU: 79.19 GiB * 0.9 - 131.4 GiB/4 - ~4 GiB = 34.4 GiB
 *   34.4 GiB / 80 KiB = ~450,000 tokens
 */
import type { TimingParams } from './timing.js';

export interface Profile extends TimingParams {
  name: string;
  description: string;
  /** Default served model name (what `vllm serve MODEL` would be given). */
  model: string;
  /** Process start to /health 200: weights load, compile, CUDA graphs. */
  coldStartMs: number;
  /** Context length (--max-model-len). */
  maxModelLen: number;
  /** Running-batch limit (--max-num-seqs). */
  maxNumSeqs: number;
  /** Token budget per engine step (--max-num-batched-tokens). */
  maxNumBatchedTokens: number;
  /** KV-cache capacity in tokens (num_gpu_blocks * block_size). */
  kvCacheTokens: number;
  /** Tokens per KV block (--block-size). */
  blockSize: number;
  /** Median of the output length when the request sets no max_tokens. */
  outputTokensMedian: number;
  /** Log-normal shape of the output length. */
  outputTokensSigma: number;
  /** Length of /v1/embeddings vectors (the model's hidden size). */
  embeddingDim: number;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  'llama-70b-h100-tp4': {
    name: 'llama-70b-h100-tp4',
    description: 'Llama-3.x-70B-Instruct, BF16, 4x H100 80GB SXM, tensor parallel 4',
    model: 'meta-llama/Llama-3.3-70B-Instruct',
    coldStartMs: 300_000, // estimate from vLLM #19824 / #10702 phase timings
    maxModelLen: 131_072, // Llama 3.1/3.3 context
    maxNumSeqs: 1024, // vLLM default on >=70 GiB GPUs (arg_utils get_batch_defaults)
    maxNumBatchedTokens: 8192, // same source, OPENAI_API_SERVER context
    kvCacheTokens: 450_000, // derived above
    blockSize: 16, // vLLM default
    decodeStepBaseMs: 18, // vLLM CI latency_llama70B_tp4 on H100: 2444 ms / 128 steps at batch 8
    decodeStepPerSeqMs: 0.12, // estimate: 141 GFLOP/token at ~2 PFLOP/s + scheduler overhead
    decodeStepPerKvTokenMs: 2.5e-5, // derived: 80 KiB/GPU/token at 3.35 TB/s
    prefillTokensPerSec: 12_000, // NIM Llama-3.3-70B FP8 TP2: 5000 tokens in 407 ms
    outputTokensMedian: 120, // ShareGPT means of 179 and 202 tokens (vLLM #7567, lambdalabs)
    outputTokensSigma: 1.0,
    embeddingDim: 8192, // hidden size
  },
  'llama-8b-h100': {
    name: 'llama-8b-h100',
    description: 'Llama-3.1-8B-Instruct, BF16, 1x H100 80GB SXM',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    coldStartMs: 90_000, // estimate: vLLM #20264, GAIE #550 phase timings
    maxModelLen: 131_072,
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
    kvCacheTokens: 440_000, // derived: (79.19*0.9 - 14.96 - ~2.5) GiB / 128 KiB
    blockSize: 16,
    decodeStepBaseMs: 7.2, // vLLM CI latency_llama8B_tp1 on H100: 997 ms / 128 steps at batch 8
    decodeStepPerSeqMs: 0.06, // estimate: 16 GFLOP/token at ~0.45 PFLOP/s + overhead
    decodeStepPerKvTokenMs: 3.9e-5, // derived: 128 KiB/token at 3.35 TB/s
    prefillTokensPerSec: 25_000, // estimate: ~45% MFU of 989 TFLOP/s BF16
    outputTokensMedian: 120,
    outputTokensSigma: 1.0,
    embeddingDim: 4096,
  },
  tiny: {
    name: 'tiny',
    description: 'A very fast toy model for tests: not calibrated to any hardware',
    model: 'tiny',
    coldStartMs: 500,
    maxModelLen: 4096,
    maxNumSeqs: 16,
    maxNumBatchedTokens: 2048,
    kvCacheTokens: 16_384,
    blockSize: 16,
    decodeStepBaseMs: 2,
    decodeStepPerSeqMs: 0.1,
    decodeStepPerKvTokenMs: 0,
    prefillTokensPerSec: 1_000_000,
    outputTokensMedian: 16,
    outputTokensSigma: 0.5,
    embeddingDim: 64,
  },
};

export const DEFAULT_PROFILE = 'llama-70b-h100-tp4';

export function profileNames(): string[] {
  return Object.keys(PROFILES);
}

/** Looks a profile up by name; the error lists the known names. */
export function getProfile(name: string): Profile {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown profile "${name}" (known: ${profileNames().join(', ')})`);
  return p;
}
