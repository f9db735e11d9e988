/**
 * Request bodies: read as a Buffer and forwarded as sent. To route, the
 * gateway needs two facts: is the body a JSON object, and what is its
 * top-level "model". A single pass over the bytes (json-scan.ts) answers
 * both and validates the JSON, without building the object: JSON.parse would
 * allocate the whole message list of every request only to read one field.
 * Any content type is read as JSON, as the OpenAI API only takes JSON here and
 * `curl -d` without a content type is the commonest first mistake.
 *
 * An alias is rewritten by replacing the bytes of the model value only, so
 * the replica gets the client's body otherwise byte for byte (no
 * re-serialisation: large integers, number formats and escapes survive).
 */
import { PilotlightError } from '../core/errors.js';
import { scanJsonObject } from './json-scan.js';

export interface ParsedBody {
  raw: Buffer;
  /** The body is a JSON object (not an array, string, number...). */
  isObject: boolean;
  /** The top-level "model" when it is a string (the last one, as JSON.parse reads duplicates). */
  model: string | undefined;
  /** Where the top-level "model" value is in `raw` ([start, end) byte offsets), or -1 when unknown. */
  modelStart: number;
  modelEnd: number;
}

export function parseJsonBody(raw: Buffer): ParsedBody {
  if (raw.length === 0) throw new PilotlightError('invalid_json', 'request body is empty; expected a JSON object');
  const scan = scanJsonObject(raw);
  if (scan) {
    let model: string | undefined;
    if (scan.modelStart >= 0 && raw[scan.modelStart] === 0x22 /* " */) model = stringAt(raw, scan.modelStart, scan.modelEnd);
    return { raw, isObject: scan.isObject, model, modelStart: scan.modelStart, modelEnd: scan.modelEnd };
  }
  // The scanner rejected it: JSON.parse gives the precise message (and the
  // answer, should the two ever disagree: the scanner is only a fast path).
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new PilotlightError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
  const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
  const m = isObject ? (json as { model?: unknown }).model : undefined;
  return { raw, isObject, model: typeof m === 'string' ? m : undefined, modelStart: -1, modelEnd: -1 };
}

/** The body with a different "model" (aliases are sent upstream under the served name). */
export function withModel(body: ParsedBody, model: string): Buffer {
  const value = Buffer.from(JSON.stringify(model));
  if (body.modelStart >= 0) return Buffer.concat([body.raw.subarray(0, body.modelStart), value, body.raw.subarray(body.modelEnd)]);
  return Buffer.from(JSON.stringify({ ...(JSON.parse(body.raw.toString('utf8')) as object), model }));
}

/** The JSON string literal at raw[start, end) (quotes included), decoded. */
function stringAt(raw: Buffer, start: number, end: number): string {
  const slash = raw.indexOf(0x5c /* \ */, start);
  if (slash < 0 || slash >= end) return raw.toString('utf8', start + 1, end - 1);
  return JSON.parse(raw.toString('utf8', start, end)) as string;
}
