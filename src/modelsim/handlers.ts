/**
 * The generation endpoints: parse (protocol.ts), submit to the engine, and
 * turn engine deliveries into a JSON body or SSE events (responses.ts).
 *
 * Fault injection lives at the delivery point: when a crash is armed, the
 * tokens of the current delivery are written WITHOUT the finish chunk and
 * [DONE], and the crash fires once they are flushed, so a client always sees
 * a stream cut mid-generation, never a clean end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine, FinishInfo, RequestSink } from './engine.js';
import type { ResolvedOptions } from './options.js';
import { checkEmbedding, checkGeneration, parseChat, parseCompletion, parseEmbedding, type GenerationParams } from './protocol.js';
import { chatResponse, completionResponse, embeddingResponse, makeId, StreamEncoder, usage, type ResponseContext } from './responses.js';
import { mix } from './rng.js';
import { fillerText, fillerToken } from './tokens.js';
import { embeddingVector } from './vectors.js';

export type ModelsimState = 'loading' | 'ready' | 'draining' | 'hung' | 'crashed' | 'failed' | 'closed';

/** What the handlers need from the running simulator. */
export interface Sim {
  readonly o: ResolvedOptions;
  readonly engine: Engine;
  state(): ModelsimState;
  nextRequestIndex(): number;
  /** A request finished and its response was sent. */
  completed(): void;
  crashArmed(): boolean;
  crash(): void;
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

function limits(sim: Sim) {
  return { servedModelNames: sim.o.servedModelNames, maxModelLen: sim.o.profile.maxModelLen };
}

function context(sim: Sim, endpoint: 'chat' | 'completion', req: IncomingMessage): ResponseContext {
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && header !== '' ? header : undefined;
  return {
    endpoint,
    id: makeId(endpoint === 'chat' ? 'chatcmpl' : 'cmpl', requestId),
    created: Math.floor(sim.o.clock.now() / 1000),
    model: sim.o.servedModelNames[0] ?? sim.o.modelPath,
  };
}

const stopped = (sim: Sim): boolean => sim.state() === 'crashed' || sim.state() === 'hung';

export function handleGeneration(sim: Sim, endpoint: 'chat' | 'completion', body: unknown, req: IncomingMessage, res: ServerResponse): void {
  const p = endpoint === 'chat' ? parseChat(body) : parseCompletion(body);
  checkGeneration(p, limits(sim));
  const ctx = context(sim, endpoint, req);
  const textSeed = mix(sim.o.seed, sim.nextRequestIndex());
  const encoder = p.stream ? new StreamEncoder(ctx, p.includeUsage, p.continuousUsage, p.promptTokens) : undefined;
  if (encoder) {
    // Headers at once (a client sees 200 while the prompt waits); the role
    // chunk only with the first output, as vLLM's stream generator yields it
    // on its first engine output: the first data byte marks the first token.
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
  }
  let delivered = 0;
  let finished = false;
  let opened = false;
  const sink: RequestSink = {
    onTokens(count: number, finish: FinishInfo | undefined) {
      if (stopped(sim)) return;
      const from = delivered;
      delivered += count;
      // The first delivery (the first token, or an empty finish) opens the stream.
      const head = encoder && !opened ? encoder.start() : '';
      opened = true;
      if (sim.crashArmed()) return crashMidStream(sim, res, encoder, textSeed, from, delivered, head);
      if (encoder) {
        const texts: string[] = [];
        for (let i = from; i < delivered; i++) texts.push(fillerToken(textSeed, i));
        res.write(head + encoder.tokens(texts, from, finish?.reason) + (finish ? encoder.end(finish.completionTokens) : ''));
      }
      if (!finish) return;
      finished = true;
      if (encoder) res.end();
      else sendJson(res, 200, fullResponse(ctx, p, fillerText(textSeed, 0, delivered), finish));
      sim.completed();
    },
  };
  const handle = sim.engine.submit({ promptTokens: p.promptTokens, maxTokens: p.maxTokens, sink });
  res.on('close', () => {
    if (!finished) handle.abort();
  });
}

function fullResponse(ctx: ResponseContext, p: GenerationParams, text: string, finish: FinishInfo): object {
  const u = usage(finish.promptTokens, finish.completionTokens);
  return ctx.endpoint === 'chat' ? chatResponse(ctx, text, finish.reason, u) : completionResponse(ctx, text, finish.reason, u);
}

function crashMidStream(sim: Sim, res: ServerResponse, encoder: StreamEncoder | undefined, textSeed: number, from: number, to: number, head: string): void {
  if (!encoder || to === from) return sim.crash();
  const texts: string[] = [];
  for (let i = from; i < to; i++) texts.push(fillerToken(textSeed, i));
  res.write(head + encoder.tokens(texts, from, undefined), () => sim.crash());
}

export function handleEmbeddings(sim: Sim, body: unknown, req: IncomingMessage, res: ServerResponse): void {
  const p = parseEmbedding(body);
  checkEmbedding(p, limits(sim));
  const header = req.headers['x-request-id'];
  const id = makeId('embd', typeof header === 'string' && header !== '' ? header : undefined);
  let left = p.inputs.length;
  let promptTokens = 0;
  const sink: RequestSink = {
    onTokens(_count: number, finish: FinishInfo | undefined) {
      if (!finish || stopped(sim)) return;
      if (sim.crashArmed()) return sim.crash();
      promptTokens += finish.promptTokens;
      if (--left > 0) return;
      const vectors = p.inputs.map((i) => embeddingVector(i.key, sim.o.seed, sim.o.profile.embeddingDim));
      const model = sim.o.servedModelNames[0] ?? sim.o.modelPath;
      sendJson(res, 200, embeddingResponse(id, Math.floor(sim.o.clock.now() / 1000), model, vectors, p.encodingFormat === 'base64', promptTokens));
      sim.completed();
    },
  };
  const handles = p.inputs.map((i) => sim.engine.submit({ promptTokens: i.tokens, prefillOnly: true, sink }));
  res.on('close', () => {
    if (left > 0) for (const h of handles) h.abort();
  });
}
