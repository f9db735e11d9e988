/**
 * The request-body scanner against JSON.parse, the reference: the same
 * verdict (valid or not), the same "is an object", the same top-level model,
 * on hand-picked texts, on generated ones with random whitespace, and on
 * those texts with random edits (most of which make them invalid). And an
 * alias rewrite changes the model and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { PilotlightError } from '../../../src/core/errors.js';
import { createRandom } from '../../../src/core/random.js';
import { parseJsonBody, withModel } from '../../../src/gateway/body.js';
import { scanJsonObject } from '../../../src/gateway/json-scan.js';

/** What JSON.parse says about a text: undefined when it throws. */
function reference(text: string): { isObject: boolean; model: string | undefined } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
  const m = isObject ? (v as { model?: unknown }).model : undefined;
  return { isObject, model: typeof m === 'string' ? m : undefined };
}

function scanned(raw: Buffer): { isObject: boolean; model: string | undefined } | undefined {
  try {
    const b = parseJsonBody(raw);
    return { isObject: b.isObject, model: b.model };
  } catch (err) {
    expect(err).toBeInstanceOf(PilotlightError);
    expect((err as PilotlightError).code).toBe('invalid_json');
    return undefined;
  }
}

/** Same verdict from the scanner alone and from parseJsonBody as from JSON.parse. */
function agrees(raw: Buffer): void {
  const text = raw.toString('utf8');
  const want = reference(text);
  expect(scanJsonObject(raw) !== undefined, `scanner validity of ${JSON.stringify(text)}`).toBe(want !== undefined);
  expect(scanned(raw), JSON.stringify(text)).toEqual(want);
}

const STRINGS = ['', 'model', 'llama-70b', 'meta-llama/Llama-3.3-70B-Instruct', 'é ü 中文 🚀', 'quote " and \\ backslash', 'tab\tnew\nline', '\u0000\u001f', 'mod\u0065l'];
const NUMBERS = ['0', '-0', '1', '-12', '3.25', '1e3', '1E-7', '-0.5e+10', '12345678901234567890', '1.0'];
const WS = ['', '', '', ' ', '\n', '\t', '\r\n  '];

/** A random JSON text, serialised by hand with random whitespace and escapes, often with "model" keys. */
function genValue(r: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const w = (): string => pick(WS);
  const str = (s: string): string => {
    const j = JSON.stringify(s);
    // Sometimes escape a plain character the long way: JSON.parse reads both spellings alike.
    return r() < 0.2 ? j.replace(/[a-z]/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : j;
  };
  const k = depth > 3 ? r() * 0.6 : r();
  if (k < 0.15) return str(pick(STRINGS));
  if (k < 0.3) return pick(NUMBERS);
  if (k < 0.4) return pick(['true', 'false', 'null']);
  if (k < 0.6) {
    const n = Math.floor(r() * 4);
    const items = Array.from({ length: n }, () => `${w()}${genValue(r, depth + 1)}${w()}`);
    return `[${items.join(',') || w()}]`;
  }
  const n = Math.floor(r() * 5);
  const members = Array.from({ length: n }, () => {
    const key = r() < 0.35 ? (r() < 0.2 ? '"mod\\u0065l"' : '"model"') : str(pick(['messages', 'stream', 'max_tokens', 'models', 'Model', 'mode', ...STRINGS]));
    return `${w()}${key}${w()}:${w()}${genValue(r, depth + 1)}${w()}`;
  });
  return `{${members.join(',') || w()}}`;
}

const EDITS = ['{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', '1', '-', '+', '.', 'e', 'E', 'u', 'a', 't', 'n', 'x', '\n', '\u0001', 'é', '\uFEFF'];

function mutate(r: () => number, text: string): string {
  let t = text;
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (t.length + 1));
    const ch = EDITS[Math.floor(r() * EDITS.length)] ?? '';
    const op = r();
    if (op < 0.33) t = t.slice(0, at) + ch + t.slice(at);
    else if (op < 0.66) t = t.slice(0, at) + t.slice(at + 1);
    else t = t.slice(0, at) + ch + t.slice(at + 1);
  }
  return t;
}

describe('scanJsonObject / parseJsonBody against JSON.parse', () => {
  it('hand-picked valid texts', () => {
    const cases = [
      '{"model":"m"}',
      ' \n\t{ "model" : "m" } \r\n',
      '{"messages":[{"role":"user","content":"hi","model":"inner"}],"model":"outer"}',
      '{"model":"first","x":1,"model":"last"}',
      '{"model":"first","model":7}',
      '{"mod\\u0065l":"escaped key"}',
      '{"model":"esc\\"aped\\u00e9\\n"}',
      '{"model":null}',
      '{"model":{"model":"nested"}}',
      '{"model":[]}',
      '{"model":{}}',
      '{}',
      '[]',
      '"just a string"',
      '123',
      '-0.5e-3',
      'true',
      'null',
      '{"a":[1,[2,[3,{"b":[]}]]],"model":"deep"}',
      '{"n":12345678901234567890,"f":1.0,"e":1E+2,"model":"x"}',
      '{"model":"\u00e9\u4e2d\ud83d\ude80"}',
      '{"":"", "model":""}',
      '{"Model":"case matters"}',
    ];
    for (const c of cases) agrees(Buffer.from(c));
  });

  it('hand-picked invalid texts', () => {
    const cases = [
      '{',
      '}',
      '{"model":"m",}',
      '[1,]',
      "{'model':'m'}",
      '{"model":"m"} x',
      '{"model" "m"}',
      '{model:"m"}',
      '{"model":"m"',
      '{"model":"unterminated}',
      '{"model":"ctrl\u0001char"}',
      '{"model":"bad\\escape"}',
      '{"model":"bad\\u12g4"}',
      '{"n":01}',
      '{"n":1.}',
      '{"n":.5}',
      '{"n":1e}',
      '{"n":-}',
      '{"n":+1}',
      '{"n":NaN}',
      '{"n":Infinity}',
      '{"b":tru}',
      '{"b":nulll}',
      '\uFEFF{"model":"bom"}',
      '{"a":1}/* comment */',
      '{"a" : [1 2]}',
      '{,}',
      '[,1]',
      ' ',
    ];
    for (const c of cases) agrees(Buffer.from(c));
  });

  it('bytes that are not UTF-8 inside a string are content, outside one an error, as for JSON.parse of the decoded text', () => {
    agrees(Buffer.concat([Buffer.from('{"model":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('b"}')]));
    agrees(Buffer.concat([Buffer.from('{"model":"a"'), Buffer.from([0xff]), Buffer.from('}')]));
    const odd = parseJsonBody(Buffer.concat([Buffer.from('{"model":"a'), Buffer.from([0xff]), Buffer.from('"}')]));
    expect(odd.model).toBe('a\uFFFD');
  });

  it('an empty body is invalid_json with its own message', () => {
    expect(() => parseJsonBody(Buffer.alloc(0))).toThrow('request body is empty; expected a JSON object');
  });

  it('an invalid body is invalid_json with JSON.parse\'s own message', () => {
    let err: unknown;
    try {
      parseJsonBody(Buffer.from('{"model": nope}'));
    } catch (e) {
      err = e;
    }
    expect((err as PilotlightError).code).toBe('invalid_json');
    expect((err as Error).message).toMatch(/^request body is not valid JSON: Unexpected token/);
  });

  it('agrees on 4000 generated texts and on 12000 random edits of them', () => {
    const r = createRandom(20261204); // seeded: a failure is a reproducible case
    let valid = 0;
    let invalid = 0;
    for (let n = 0; n < 4000; n++) {
      const text = `${WS[n % WS.length] ?? ''}${genValue(r, 0)}${WS[(n >> 2) % WS.length] ?? ''}`;
      agrees(Buffer.from(text));
      for (let m = 0; m < 3; m++) {
        const edited = mutate(r, text);
        agrees(Buffer.from(edited));
        if (reference(edited)) valid++;
        else invalid++;
      }
    }
    // The edits exercised both verdicts.
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
  });
});

describe('withModel (alias rewrite)', () => {
  it('replaces the top-level model value and leaves every other byte as sent', () => {
    const text = '{ "seed": 12345678901234567890, "temperature": 1.0, "model" : "alias", "messages": [{"content": "caf\\u00e9", "model": "inner"}] }';
    const out = withModel(parseJsonBody(Buffer.from(text)), 'meta-llama/Llama-3.3-70B-Instruct').toString('utf8');
    expect(out).toBe(text.replace('"alias"', '"meta-llama/Llama-3.3-70B-Instruct"'));
  });

  it('with duplicate "model" members, each gets the new name (whichever one the replica reads)', () => {
    const out = withModel(parseJsonBody(Buffer.from('{"model":"x","n":-0,"model":{"a":1},"model" : "tiny-alias"}')), 'served').toString('utf8');
    expect(out).toBe('{"model":"served","n":-0,"model":"served","model" : "served"}');
  });

  it('finds an escaped model key after 200,000 other escaped keys', () => {
    const body = Buffer.from(`{${'"\\n":0,'.repeat(200_000)}"mod\\u0065l":"m"}`);
    expect(parseJsonBody(body).model).toBe('m');
  });

  it('rewrites the model JSON.parse would read (the last duplicate, or an escaped spelling of the key) and escapes the new name', () => {
    const r = createRandom(7);
    for (let n = 0; n < 2000; n++) {
      const text = genValue(r, 0);
      const want = reference(text);
      if (!want?.isObject || want.model === undefined) continue;
      const out = withModel(parseJsonBody(Buffer.from(text)), 'served "name" \\ é');
      expect(JSON.parse(out.toString('utf8')), text).toEqual({ ...(JSON.parse(text) as object), model: 'served "name" \\ é' });
    }
  });
});
