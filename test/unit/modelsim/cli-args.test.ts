import { describe, expect, it } from 'vitest';
import { normaliseArgv, parseModelsimArgs } from '../../../src/modelsim/cli-args.js';

describe('modelsim flags', () => {
  it('reads its own flags', () => {
    const { options, help, ignored } = parseModelsimArgs([
      '--port', '0', '--host', '0.0.0.0', '--profile', 'tiny', '--time-scale', '0.01', '--startup-delay', '5s',
      '--max-num-seqs', '8', '--seed', '3', '--fail-startup', '--crash-after', '2', '--hang-after', '0', '--while-loading', '503',
    ]);
    expect(help).toBe(false);
    expect(ignored).toEqual([]);
    expect(options).toEqual({
      port: 0, host: '0.0.0.0', profile: 'tiny', timeScale: 0.01, startupDelayMs: 5000, maxNumSeqs: 8, seed: 3,
      failStartup: true, crashAfter: 2, hangAfter: 0, whileLoading: '503',
    });
  });

  it('accepts a `vllm serve` command line: positional model, vLLM spellings, ignored GPU flags', () => {
    const { options, ignored } = parseModelsimArgs([
      'serve', 'meta-llama/Llama-3.3-70B-Instruct', '-tp', '4', '--gpu_memory_utilization=0.9', '--dtype', 'bfloat16',
      '--max-model-len', '8192', '--disable-log-requests', '-O3', '--served-model-name', 'llama', 'llama-70b', '--port', '9000',
    ]);
    expect(options).toEqual({ model: 'meta-llama/Llama-3.3-70B-Instruct', servedModelNames: ['llama', 'llama-70b'], maxModelLen: 8192, port: 9000, failStartup: false });
    expect(ignored).toEqual(['--tensor-parallel-size', '--gpu-memory-utilization', '--dtype', '--disable-log-requests', '--compilation-config']);
  });

  it('normalises vLLM spellings', () => {
    expect(normaliseArgv(['serve', 'm', '--max_num_seqs=4', '-pp', '2', '-O0'])).toEqual(['m', '--max-num-seqs=4', '--pipeline-parallel-size', '2', '--compilation-config=0']);
  });

  it('rejects unknown flags and bad values', () => {
    expect(() => parseModelsimArgs(['--no-such-flag'])).toThrow(/Unknown option '--no-such-flag'/);
    expect(() => parseModelsimArgs(['--time-scale', '0'])).toThrow(/positive/);
    expect(() => parseModelsimArgs(['--max-num-seqs', '0'])).toThrow(/>= 1/);
    expect(() => parseModelsimArgs(['--startup-delay', 'soon'])).toThrow(/duration/);
    expect(() => parseModelsimArgs(['--while-loading', 'maybe'])).toThrow(/refuse or 503/);
    expect(() => parseModelsimArgs(['a', 'b'])).toThrow(/unexpected argument "b"/);
  });

  it('takes a bare number as seconds of start-up delay', () => {
    expect(parseModelsimArgs(['--startup-delay', '2.5']).options.startupDelayMs).toBe(2500);
  });

  it('knows --help', () => {
    expect(parseModelsimArgs(['--help']).help).toBe(true);
    expect(parseModelsimArgs(['-h']).help).toBe(true);
  });
});
