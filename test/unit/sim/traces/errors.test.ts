import { describe, expect, it } from 'vitest';
import { readTrace, TraceError, type TraceOptions } from '../../../../src/sim/traces/index.js';
import { tmpFile, traceError } from './helpers.js';

const LLM = 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n';
const FN = 'HashOwner,HashApp,HashFunction,Trigger,480,481\n';
const F21 = 'app,func,end_timestamp,duration\n';
const moon = (o: object): string => JSON.stringify({ timestamp: 0, input_length: 1, output_length: 1, ...o });

/** [case, file name, content, options, expected "LINE: message" (line omitted for whole-file errors)] */
const CASES: [string, string, string, TraceOptions, string | RegExp][] = [
  ['Azure LLM: wrong columns', 'a.csv', 'TIMESTAMP,Context,Generated\n2023-11-16 18:17:03.9799600,1,1\n', {}, '1: expected columns TIMESTAMP,ContextTokens,GeneratedTokens, got TIMESTAMP,Context,Generated'],
  ['Azure LLM: missing column', 'a.csv', 'TIMESTAMP,ContextTokens\n', {}, '1: expected columns TIMESTAMP,ContextTokens,GeneratedTokens, got TIMESTAMP,ContextTokens'],
  ['Azure LLM: short row', 'a.csv', `${LLM}2023-11-16 18:17:03.9799600,1,1\r\n2023-11-16 18:17:04.0000000,1\r\n`, {}, '3: expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), got 2'],
  ['Azure LLM: bad time', 'a.csv', `${LLM}16/11/2023 18:17,1,1\r\n`, {}, '2: column TIMESTAMP: expected a time like 2023-11-16 18:17:03.9799600, got "16/11/2023 18:17"'],
  ['Azure LLM: non-numeric tokens', 'a.csv', `${LLM}2023-11-16 18:17:03.9799600,12k,1\r\n`, {}, '2: column ContextTokens: expected a non-negative integer, got "12k"'],
  ['Azure LLM: header only', 'a.csv', LLM, {}, 'no requests in the file (only a header or blank lines)'],
  ['Azure Functions 2019: non-numeric count', 'f.csv', `${FN}o,a,f1,http,0,1\no,a,f2,http,x,1\n`, {}, '3: column 480: expected a non-negative integer count, got "x"'],
  ['Azure Functions 2019: negative count', 'f.csv', `${FN}o,a,f1,http,0,-1\n`, {}, '2: column 481: expected a non-negative integer count, got "-1"'],
  ['Azure Functions 2019: row width', 'f.csv', `${FN}o,a,f1,http,0\n`, {}, '2: expected 6 fields (4 id columns + 2 minutes), got 5'],
  ['Azure Functions 2019: no HashFunction', 'f.csv', 'HashOwner,HashApp,1,2\no,a,1,1\n', {}, '1: expected a HashFunction column; expected columns like HashOwner,HashApp,HashFunction,Trigger,1,...,1440'],
  ['Azure Functions 2019: unknown id column', 'f.csv', 'HashFunction,Region,1\nf,eu,1\n', {}, '1: unknown column "Region"; expected id columns from HashOwner,HashApp,HashFunction,Trigger followed by minute columns (e.g. 1..1440)'],
  ['Azure Functions 2019: minute gap', 'f.csv', 'HashFunction,1,2,4\nf,1,1,1\n', {}, '1: minute columns must be consecutive integers: expected 3 after 2, got "4"'],
  ['Azure Functions 2019: repeated function', 'f.csv', `${FN}o,a,f1,http,0,1\no,a,f1,http,1,0\n`, {}, '3: repeats the function of line 2 (same HashOwner, HashApp, HashFunction)'],
  ['Azure Functions 2019: header only', 'f.csv', FN, {}, 'no functions in the file (only a header)'],
  ['Azure Functions 2021: wrong columns', 'g.csv', 'app,func,end,duration\na,f,1,1\n', { format: 'azure-functions-2021' }, '1: expected columns app,func,end_timestamp,duration, got app,func,end,duration'],
  ['Azure Functions 2021: bad number', 'g.csv', `${F21}a,f,1.5,1\na,f,two,1\n`, {}, '3: column end_timestamp: expected a number, got "two"'],
  ['Azure Functions 2021: negative duration', 'g.csv', `${F21}a,f,1.5,-1\n`, {}, '2: column duration: expected seconds >= 0, got -1'],
  ['Mooncake: invalid JSON', 'm.jsonl', `${moon({})}\n{"timestamp": 1,\n`, {}, /^2: invalid JSON: /],
  ['Mooncake: missing timestamp', 'm.jsonl', `${moon({})}\n${moon({ timestamp: undefined })}\n`, {}, '2: key timestamp: expected milliseconds >= 0, got undefined'],
  ['Mooncake: bad tokens', 'm.jsonl', `${moon({ output_length: 1.5 })}\n`, {}, '1: key output_length: expected a token count (integer >= 0), got 1.5'],
  ['Mooncake: unsorted', 'm.jsonl', `${moon({ timestamp: 3000 })}\n${moon({ timestamp: 0 })}\n`, {}, "2: rows must be sorted by time: this row is at 0.000000 s, before line 1 at 3.000000 s (--unsorted sort, or the trace option unsorted: 'sort', sorts the rows in memory)"],
  ['ServeGen: row width', 'chunk-1-trace.csv', '0,1,1,Gamma,1\r\n', {}, '1: expected 6 fields (window_start_s,rate_rps,iat_cv,family,shape,scale), got 5'],
  ['ServeGen: unknown family', 'chunk-1-trace.csv', '0,1,1,Gamma,1,1\r\n600,1,1,Pareto,1,1\r\n', { format: 'servegen' }, '2: column family: expected Gamma, Weibull or empty, got "Pareto"'],
  ['ServeGen: rate without family', 'chunk-1-trace.csv', '0,0.5,1,,0,0\r\n', { format: 'servegen' }, '1: column family: rate_rps is 0.5 but no inter-arrival family is given'],
  ['ServeGen: bad shape', 'chunk-1-trace.csv', '0,0.5,1,Weibull,0,1\r\n', {}, '1: columns shape and scale must be > 0 for Weibull'],
  ['ServeGen: non-numeric rate', 'chunk-1-trace.csv', '0,fast,1,Weibull,1,1\r\n', {}, '1: column rate_rps: expected a number, got "fast"'],
  ['ServeGen: windows out of order', 'chunk-1-trace.csv', '600,1,1,Gamma,1,1\r\n0,1,1,Gamma,1,1\r\n', {}, '2: window_start_s 0 is not after the previous window (line 1)'],
  ['ServeGen: off the grid', 'chunk-1-trace.csv', '0,1,1,Gamma,1,1\r\n600,1,1,Gamma,1,1\r\n1500,1,1,Gamma,1,1\r\n', {}, '3: window_start_s 1500 is not on the 600 s window grid shared by chunk-1-trace.csv'],
  ['CSV: unknown column', 'p.csv', 'timestamp,modle\n1,a\n', {}, '1: unknown column "modle"; expected a header of timestamp[,model,prompt_tokens,output_tokens] (or a first row starting with a timestamp)'],
  ['CSV: no timestamp column', 'p.csv', 'model,prompt_tokens\na,1\n', {}, '1: no timestamp column; expected a header of timestamp[,model,prompt_tokens,output_tokens] (or a first row starting with a timestamp)'],
  ['CSV: too many fields', 'p.csv', 'timestamp,model\n1,a\n2,b,3\n', {}, '3: expected 2 fields (timestamp,model), got 3'],
  ['CSV: too many positional fields', 'p.csv', '1,a,1,1,9\n', {}, '1: expected at most 4 fields (timestamp,model,prompt_tokens,output_tokens), got 5'],
  ['CSV: bad timestamp', 'p.csv', 't\n1\nnoon\n', {}, '3: column timestamp: expected a timestamp (seconds as a number, or an ISO-8601 time), got "noon"'],
  ['CSV: bad tokens', 'p.csv', '1,a,-3\n', {}, '1: column prompt_tokens: expected a token count (non-negative integer), got "-3"'],
  ['CSV: mixed timestamp kinds', 'p.csv', '1\n2024-01-01T00:00:00Z\n', {}, '2: timestamps mix numbers and ISO-8601 times; use one kind throughout the file'],
  ['CSV: unsorted', 'p.csv', 't\n1\n2\n1.5\n', {}, "4: rows must be sorted by time: this row is at 0.500000 s, before line 3 at 1.000000 s (--unsorted sort, or the trace option unsorted: 'sort', sorts the rows in memory)"],
  ['JSONL: unknown key', 'p.jsonl', '{"t": 1, "prompt": 5}\n', {}, '1: unknown key "prompt"; expected timestamp, t, model, prompt_tokens, output_tokens'],
  ['JSONL: t and timestamp', 'p.jsonl', '{"t": 1}\n{"t": 1, "timestamp": 2}\n', {}, '2: expected exactly one of the keys timestamp, t'],
  ['JSONL: bad model', 'p.jsonl', '{"t": 1, "model": 7}\n', {}, '1: key model: expected a non-empty string, got 7'],
  ['JSONL: bad timestamp', 'p.jsonl', '{"t": true}\n', {}, '1: key t: expected a timestamp (seconds as a number, or an ISO-8601 time), got true'],
  ['JSONL: bad tokens', 'p.jsonl', '{"t": 1, "output_tokens": "many"}\n', {}, '1: key output_tokens: expected a token count (integer >= 0), got "many"'],
];

describe('errors name the file and the 1-based line', () => {
  it.each(CASES)('%s', (_name, file, content, options, expected) => {
    const path = tmpFile(file, content);
    const err = traceError(() => readTrace(path, options));
    expect(err.file).toBe(path);
    if (expected instanceof RegExp) {
      // Only the prefix is ours; the rest is the JavaScript engine's JSON message.
      expect(`${err.line}: ${err.message}`).toMatch(expected);
      return;
    }
    const line = /^(\d+): /.exec(expected)?.[1];
    expect(err.toString()).toBe(line ? `${path}:${expected}` : `${path}: ${expected}`);
    expect(err.line).toBe(line ? Number(line) : undefined);
  });

  it('is one class with file, line and FILE:LINE: message', () => {
    const e = new TraceError('x.csv', 12, 'bad');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TraceError');
    expect(String(e)).toBe('x.csv:12: bad');
    expect(String(new TraceError('dir', undefined, 'bad'))).toBe('dir: bad');
  });
});
