/**
 * One pass over a JSON text (RFC 8259, as JSON.parse accepts it): is it
 * valid, is it an object, and where is its top-level "model" value. No
 * values are built; nesting is tracked on a small stack of container kinds.
 *
 * Works on the bytes: outside strings JSON is ASCII, and inside strings any
 * byte from 0x20 up is content (invalid UTF-8 is no error, as JSON.parse of
 * the decoded text sees only replacement characters there). A duplicate
 * top-level "model" keeps the last, as JSON.parse does.
 *
 * test/unit/gateway/json-scan.test.ts checks it against JSON.parse on
 * valid, mutated and random texts.
 */

export interface JsonScan {
  isObject: boolean;
  /** [start, end) of the last top-level "model" value, or -1. */
  modelStart: number;
  modelEnd: number;
  /** With duplicate top-level "model" members, every value's [start, end), in order; otherwise undefined. */
  allModels: number[] | undefined;
}

const OBJECT = 0;
const ARRAY = 1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;

/** Returns undefined when the text is not valid JSON. */
export function scanJsonObject(b: Uint8Array): JsonScan | undefined {
  const n = b.length;
  const stack: number[] = [];
  let i = ws(b, 0, n);
  const isObject = i < n && b[i] === LBRACE;
  /** Start of the value of a top-level "model" key being read, or -1. */
  let modelAt = -1;
  let modelStart = -1;
  let modelEnd = -1;
  let allModels: number[] | undefined;

  for (;;) {
    // A value starts at i.
    if (i >= n) return undefined;
    const c = b[i] as number;
    if (c === LBRACE) {
      i = ws(b, i + 1, n);
      if (i < n && b[i] === RBRACE) i++;
      else {
        stack.push(OBJECT);
        i = member(b, i, n);
        if (i < 0) return undefined;
        if (stack.length === 1 && isModelKey(b, keyStart, keyEnd)) modelAt = i;
        continue;
      }
    } else if (c === LBRACKET) {
      i = ws(b, i + 1, n);
      if (i < n && b[i] === RBRACKET) i++;
      else {
        stack.push(ARRAY);
        continue;
      }
    } else if (c === QUOTE) {
      i = string(b, i, n);
    } else if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
      i = number(b, i, n);
    } else if (c === 0x74 /* t */) {
      i = literal(b, i, n, TRUE);
    } else if (c === 0x66 /* f */) {
      i = literal(b, i, n, FALSE);
    } else if (c === 0x6e /* n */) {
      i = literal(b, i, n, NULL);
    } else return undefined;
    if (i < 0) return undefined;

    // A value ended at i: close containers until the next value starts.
    for (;;) {
      if (modelAt >= 0 && stack.length === 1) {
        if (modelStart >= 0) (allModels ??= [modelStart, modelEnd]).push(modelAt, i);
        modelStart = modelAt;
        modelEnd = i;
        modelAt = -1;
      }
      i = ws(b, i, n);
      const depth = stack.length;
      if (depth === 0) return i === n ? { isObject, modelStart, modelEnd, allModels } : undefined;
      const top = stack[depth - 1];
      const d = b[i];
      if (d === COMMA) {
        i = ws(b, i + 1, n);
        if (top === OBJECT) {
          i = member(b, i, n);
          if (i < 0) return undefined;
          if (depth === 1 && isModelKey(b, keyStart, keyEnd)) modelAt = i;
        }
        break;
      }
      if ((top === OBJECT && d === RBRACE) || (top === ARRAY && d === RBRACKET)) {
        stack.pop();
        i++;
        continue;
      }
      return undefined;
    }
  }
}

/** The key member() read last ([start, end), quotes included). Module state: the scan is synchronous. */
let keyStart = 0;
let keyEnd = 0;

/** `"key" :` at i, then whitespace; returns where the value starts, or -1. */
function member(b: Uint8Array, i: number, n: number): number {
  if (i >= n || b[i] !== QUOTE) return -1;
  keyStart = i;
  i = string(b, i, n);
  if (i < 0) return -1;
  keyEnd = i;
  i = ws(b, i, n);
  if (i >= n || b[i] !== COLON) return -1;
  return ws(b, i + 1, n);
}

const MODEL = [0x6d, 0x6f, 0x64, 0x65, 0x6c]; // model

function isModelKey(b: Uint8Array, start: number, end: number): boolean {
  if (end - start === 7) {
    for (let k = 0; k < 5; k++) if (b[start + 1 + k] !== MODEL[k]) return false;
    return true;
  }
  // Escaped spellings ("mod\u0065l") are the same key to JSON.parse. Five
  // letters with at least one \uXXXX take 10 to 30 bytes between the quotes;
  // no other key is decoded (a body of escaped keys must not cost a parse each).
  const len = end - start - 2;
  if (len < 10 || len > 30) return false;
  for (let k = start + 1; k < end - 1; k++) {
    if (b[k] === BACKSLASH) return JSON.parse(Buffer.from(b.subarray(start, end)).toString('utf8')) === 'model';
  }
  return false;
}

function ws(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** 1 for the bytes that need no attention inside a string: not a quote, a backslash or a control character. */
const PLAIN = new Uint8Array(256).fill(1, 0x20);
PLAIN[QUOTE] = 0;
PLAIN[BACKSLASH] = 0;

/** A string literal at i (b[i] is the quote); returns the index after the closing quote, or -1. */
function string(b: Uint8Array, i: number, n: number): number {
  i++;
  while (i < n) {
    // Plain content, the bulk of any body, costs one table lookup per byte.
    while (i < n && PLAIN[b[i] as number] === 1) i++;
    if (i >= n) return -1;
    const c = b[i] as number;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = b[i + 1];
      if (e === 0x75 /* u */) {
        if (!hex(b[i + 2]) || !hex(b[i + 3]) || !hex(b[i + 4]) || !hex(b[i + 5])) return -1;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else return -1;
    } else if (c < 0x20) return -1;
    else i++;
  }
  return -1;
}

function hex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at i; returns the index after it, or -1. */
function number(b: Uint8Array, i: number, n: number): number {
  if (b[i] === MINUS) i++;
  if (i >= n) return -1;
  if (b[i] === 0x30) i++;
  else if (digit(b[i])) while (i < n && digit(b[i])) i++;
  else return -1;
  if (b[i] === 0x2e /* . */) {
    i++;
    if (!digit(b[i])) return -1;
    while (i < n && digit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45 /* e E */) {
    i++;
    if (b[i] === 0x2b || b[i] === MINUS) i++;
    if (!digit(b[i])) return -1;
    while (i < n && digit(b[i])) i++;
  }
  return i;
}

function digit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function literal(b: Uint8Array, i: number, n: number, word: readonly number[]): number {
  if (i + word.length > n) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}
