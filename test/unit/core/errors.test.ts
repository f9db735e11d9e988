import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeError, ERROR_CATALOGUE, PilotlightError, toPilotlightError } from '../../../src/core/errors.js';

describe('error catalogue', () => {
  it('is documented row for row in docs/errors.md', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d+) \| (\w+) \| (.*) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3], m[4]]);
    const table = Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.status, e.type, e.summary]);
    expect(rows).toEqual(table);
  });

  it('builds OpenAI-shaped bodies and keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new PilotlightError('upstream_unavailable', 'could not reach a replica', { cause, retryAfterS: 4 });
    expect(e.status).toBe(502);
    expect(e.retryAfterS).toBe(4);
    expect(e.cause).toBe(cause);
    expect(e.toBody()).toEqual({ error: { message: 'could not reach a replica', type: 'server_error', param: null, code: 'upstream_unavailable' } });
  });

  it('normalises unknown values and describes cause chains', () => {
    expect(toPilotlightError('boom').code).toBe('internal_error');
    const inner = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    expect(describeError(new Error('starting replica 2 of llama', { cause: inner }))).toBe('starting replica 2 of llama: connect failed (ECONNREFUSED)');
  });
});
