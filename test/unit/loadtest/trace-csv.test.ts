import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTraceCsv } from '../../../src/loadtest/trace-csv.js';

const fixture = (name: string): string => readFileSync(`test/fixtures/traces/plain/${name}`, 'utf8');

describe('plain CSV traces', () => {
  it('reads the simulator fixtures with and without a header, re-based on the first row', () => {
    expect(readTraceCsv(fixture('requests.csv'), 'requests.csv')).toEqual([
      { t: 0, model: 'llama-8b', promptTokens: 512, outputTokens: 128 },
      { t: 0.25, promptTokens: 300 },
      { t: 0.25, model: 'qwen-7b' },
      { t: 1.5, model: 'llama-8b', promptTokens: 1024, outputTokens: 64 },
    ]);
    expect(readTraceCsv(fixture('requests-noheader.csv'), 'n.csv')).toEqual([{ t: 0, model: 'llama-8b', promptTokens: 512, outputTokens: 128 }, { t: 0.5 }, { t: 1.25, model: 'qwen-7b' }]);
  });

  it('takes milliseconds and ISO-8601 times, any column order, and t as timestamp', () => {
    expect(readTraceCsv('output_tokens,t\n5,1000\n6,1250\n', 'a.csv', 'ms')).toEqual([{ t: 0, outputTokens: 5 }, { t: 0.25, outputTokens: 6 }]);
    expect(readTraceCsv('2024-05-10T12:00:00Z\n2024-05-10T14:00:01.5+02:00\n', 'b.csv').map((r) => r.t)).toEqual([0, 1.5]);
  });

  it('names file and line of each problem', () => {
    expect(() => readTraceCsv('timestamp,size\n1,2\n', 'x.csv')).toThrow('x.csv:1: unknown column "size"');
    expect(() => readTraceCsv('1\n3\n2\n', 'x.csv')).toThrow('x.csv:3: timestamp 2 is earlier than the row before');
    expect(() => readTraceCsv('1,m,abc\n', 'x.csv')).toThrow('x.csv:1: prompt_tokens: expected a whole number of tokens, got "abc"');
    expect(() => readTraceCsv('1\n2024-01-01T00:00:00Z\n', 'x.csv')).toThrow('x.csv:2: mixes numeric and ISO-8601 timestamps');
    expect(() => readTraceCsv('timestamp\n', 'x.csv')).toThrow('x.csv: no rows');
  });
});
