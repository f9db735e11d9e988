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
  /**
   * Where the top-level "model" values are in `raw`: [start, end) byte
   * offsets, one pair per member (more than one pair: the client sent
   * duplicates); empty when unknown.
   */
  modelRanges: readonly number[];
}

export function parseJsonBody(raw: Buffer): ParsedBody {
  if (raw.length === 0) throw new PilotlightError('invalid_json', 'request body is empty; expected a JSON object');
  const scan = scanJsonObject(raw);
  if (scan) {
    let model: string | undefined;
    if (scan.modelStart >= 0 && raw[scan.modelStart] === 0x22 /* " */) model = stringAt(raw, scan.modelStart, scan.modelEnd);
    return { raw, isObject: scan.isObject, model, modelRanges: scan.allModels ?? (scan.modelStart >= 0 ? [scan.modelStart, scan.modelEnd] : []) };
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
  return { raw, isObject, model: typeof m === 'string' ? m : undefined, modelRanges: [] };
}

/** The body with a different "model" (aliases are sent upstream under the served name). */
export function withModel(body: ParsedBody, model: string): Buffer {
  const value = Buffer.from(JSON.stringify(model));
  const r = body.modelRanges;
  if (r.length > 0) {
    // Every "model" member gets the new name (duplicates too: a replica's parser may read the first or the last).
    const parts: Buffer[] = [];
    let at = 0;
    for (let k = 0; k < r.length; k += 2) {
      parts.push(body.raw.subarray(at, r[k]), value);
      at = r[k + 1] ?? at;
    }
    parts.push(body.raw.subarray(at));
    return Buffer.concat(parts);
  }
  return Buffer.from(JSON.stringify({ ...(JSON.parse(body.raw.toString('utf8')) as object), model }));
}

/** The JSON string literal at raw[start, end) (quotes included), decoded. */
function stringAt(raw: Buffer, start: number, end: number): string {
  const slash = raw.indexOf(0x5c /* \ */, start);
  if (slash < 0 || slash >= end) return raw.toString('utf8', start + 1, end - 1);
  return JSON.parse(raw.toString('utf8', start, end)) as string;
}
