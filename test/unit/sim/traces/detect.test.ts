import { describe, expect, it } from 'vitest';
import { detectFormat, readTrace, type TraceFormat } from '../../../../src/sim/traces/index.js';
import { fixture, tmpFile, traceError } from './helpers.js';

describe('format detection', () => {
  it.each<[string, TraceFormat]>([
    ['azure-llm-2023/AzureLLMInferenceTrace_code.csv', 'azure-llm-2023'],
    ['azure-functions-2019-sample/invocations.csv', 'azure-functions-2019'],
    ['azure-functions-2021-sample/Azure2021_200.csv', 'azure-functions-2021'],
    ['mooncake-fast25/conversation_trace.jsonl', 'mooncake'],
    ['servegen-m-large', 'servegen'],
    ['servegen-m-large/chunk-0-trace.csv', 'servegen'],
    ['plain/requests.csv', 'csv'],
    ['plain/requests-noheader.csv', 'csv'],
    ['plain/requests.jsonl', 'jsonl'],
  ])('%s -> %s', (rel, format) => {
    expect(detectFormat(fixture(rel))).toBe(format);
  });

  it('recognises the header-only variants of Azure Functions 2019 and ISO-timestamped CSV', () => {
    expect(detectFormat(tmpFile('a.csv', 'HashFunction,1,2\nabc,0,1\n'))).toBe('azure-functions-2019');
    expect(detectFormat(tmpFile('b.csv', '\n\n2024-01-01T00:00:00Z,m\n'))).toBe('csv');
    expect(detectFormat(tmpFile('c.csv', '\ufefftimestamp\n1\n'))).toBe('csv');
  });

  it('lets the format option override detection', () => {
    // A headerless 1-column file of numbers would be csv; forced to jsonl it fails as JSON on line 1.
    const f = tmpFile('n.txt', '1\n2\n');
    expect(readTrace(f).info.format).toBe('csv');
    const err = traceError(() => readTrace(f, { format: 'jsonl' }));
    expect(err.toString()).toBe(`${f}:1: expected a JSON object per line`);
  });

  it('names every format it tried when nothing matches', () => {
    const f = tmpFile('x.csv', '\nfoo,bar\n1,2\n');
    const err = traceError(() => detectFormat(f));
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^unknown trace format; tried azure-llm-2023 \(CSV header TIMESTAMP,ContextTokens,GeneratedTokens\), azure-functions-2019 \(.*\), azure-functions-2021 \(.*\), mooncake \(.*\), servegen \(.*\), csv \(.*\), jsonl \(.*\); pass the format option to choose one$/);
  });

  it('reports an empty file, a folder without client files, and a missing path', () => {
    const empty = tmpFile('empty.csv', '\n  \n');
    expect(traceError(() => readTrace(empty)).toString()).toMatch(new RegExp(`^${empty}:1: empty file; expected a trace: azure-llm-2023 `));
    const dir = tmpFile('folder/readme.txt', 'hi');
    expect(traceError(() => readTrace(dir.replace('/readme.txt', ''))).message).toBe('no chunk-<client>-trace.csv files in this folder; a ServeGen trace is one model folder such as data/language/m-large');
    expect(traceError(() => readTrace('/nonexistent/trace.csv')).message).toMatch(/^cannot read the trace: ENOENT/);
  });
});
