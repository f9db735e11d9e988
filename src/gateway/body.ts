/**
 * Request bodies: read as a Buffer (forwarded as-is, never re-serialised
 * unless the model name must be rewritten) and parsed once to route. Any
 * content type is read as JSON, as the OpenAI API only takes JSON here and
 * `curl -d` without a content type is the commonest first mistake.
 */
import { PilotlightError } from '../core/errors.js';

export interface ParsedBody {
  raw: Buffer;
  json: unknown;
}

export function parseJsonBody(raw: Buffer): ParsedBody {
  if (raw.length === 0) throw new PilotlightError('invalid_json', 'request body is empty; expected a JSON object');
  try {
    return { raw, json: JSON.parse(raw.toString('utf8')) };
  } catch (err) {
    throw new PilotlightError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Body with a different "model" (aliases are sent upstream under the served name). */
export function withModel(body: ParsedBody, model: string): Buffer {
  return Buffer.from(JSON.stringify({ ...(body.json as object), model }));
}
