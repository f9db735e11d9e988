import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../../src/providers/kubernetes/backoff.js';
import { describeKubeError, httpStatus, isExpired, isTransient } from '../../../../src/providers/kubernetes/kube-errors.js';
import { selectorString } from '../../../../src/providers/kubernetes/selector.js';

describe('Backoff', () => {
  it('doubles from base to the cap with equal jitter; a reset starts over; slow jumps to the cap', () => {
    const lo = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => lo.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const hi = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3].map(() => hi.next())).toEqual([100, 200, 400]);
    hi.reset();
    expect(hi.next()).toBe(100);
    expect(hi.attempts).toBe(1);
    expect(new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.5 }).next(true)).toBe(750);
  });
});

describe('kube errors', () => {
  const apiException = (code: number, body: unknown): Error => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });
  it('reads the status of ApiException (code), watch errors (statusCode) and socket errors (string code)', () => {
    expect(httpStatus(apiException(409, ''))).toBe(409);
    expect(httpStatus(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(410);
    expect(httpStatus(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it.each([
    [409, true],
    [429, true],
    [500, true],
    [503, true],
    [403, false],
    [404, false],
    [422, false],
  ])('HTTP %d transient: %s', (code, transient) => expect(isTransient(apiException(code, ''))).toBe(transient));

  it('treats errors without an HTTP answer as transient, 410 as expired', () => {
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isExpired(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(true);
    expect(isExpired(apiException(409, ''))).toBe(false);
  });

  it('describes an error with the Status message', () => {
    const body = JSON.stringify({ kind: 'Status', code: 403, message: 'deployments.apps "x" is forbidden' });
    expect(describeKubeError(apiException(403, body))).toBe('HTTP 403: deployments.apps "x" is forbidden');
    expect(describeKubeError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443');
  });
});

describe('selectorString', () => {
  it('turns matchLabels and matchExpressions into a labelSelector query', () => {
    expect(selectorString({ matchLabels: { model: 'llama', app: 'vllm' } })).toBe('app=vllm,model=llama');
    expect(
      selectorString({
        matchLabels: { app: 'vllm' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['gpu', 'h100'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'NotIn', values: ['a'] },
          { key: 'owner', operator: 'Exists' },
        ],
      }),
    ).toBe('app=vllm,tier in (gpu,h100),!canary,zone notin (a),owner');
  });

  it('refuses an empty selector (it would select every pod in the namespace)', () => {
    expect(() => selectorString({})).toThrow(/empty spec.selector/);
  });
});
