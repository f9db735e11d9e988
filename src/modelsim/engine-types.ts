/**
 * The engine's contract with its callers: what a request submits, what its
 * sink receives, and what an observer (the metrics) hears. Kept apart from
 * engine.ts so the HTTP layer and metrics depend on shapes, not the class.
 */
export type FinishReason = 'stop' | 'length' | 'abort';

export interface FinishInfo {
  reason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

/** Receives a request's tokens, one call per tick that produced any. */
export interface RequestSink {
  onTokens(count: number, finish: FinishInfo | undefined): void;
}

export interface FinishedRequest extends FinishInfo {
  maxTokensParam: number | undefined;
  queueMs: number;
  prefillMs: number;
  decodeMs: number;
  inferenceMs: number;
  e2eMs: number;
}

/** What the metrics layer hears; all durations in (scaled, i.e. real) ms. */
export interface EngineObserver {
  onIteration(iterationTokens: number, preemptions: number): void;
  /** A request's prompt was fully computed for the first time. */
  onPromptProcessed(promptTokens: number): void;
  onFirstToken(ttftMs: number): void;
  onInterToken(itlMs: number): void;
  onFinished(r: FinishedRequest): void;
}

export interface SubmitOptions {
  promptTokens: number;
  /** Exact output length (finish_reason "length"); otherwise drawn from the profile. */
  maxTokens?: number;
  /** Prefill only, no output tokens (embeddings). */
  prefillOnly?: boolean;
  sink: RequestSink;
}

export interface EngineStats {
  running: number;
  waiting: number;
  kvUsage: number;
}

export interface EngineRequest {
  readonly id: number;
  readonly targetTokens: number;
  abort(): void;
}
