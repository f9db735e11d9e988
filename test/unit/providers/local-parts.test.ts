import { describe, expect, it } from 'vitest';
import { buildArgv, fill, splitWords } from '../../../src/providers/local/command.js';
import { GpuInventory } from '../../../src/providers/local/gpu-inventory.js';
import { OutputTail } from '../../../src/providers/local/output-tail.js';

const vars = { port: 8001, host: '127.0.0.1', model: 'meta/llama', replica: 3, gpus: ['4', '5'] };

describe('replica command templates', () => {
  it('splits like a shell, without a shell', () => {
    expect(splitWords(`vllm serve "a b" 'c d' e\\ f  --x=$HOME`)).toEqual(['vllm', 'serve', 'a b', 'c d', 'e f', '--x=$HOME']);
    expect(() => splitWords('a "b')).toThrow('unterminated " quote');
  });

  it('fills placeholders', () => {
    expect(fill('--port {port} --model {model} r{replica} gpus={gpus} {host} {other}', vars)).toBe('--port 8001 --model meta/llama r3 gpus=4,5 127.0.0.1 {other}');
  });

  it('runs "pilotlight" as this installation', () => {
    const argv = buildArgv('pilotlight modelsim --port {port}', vars);
    expect(argv[0]).toBe(process.execPath);
    expect(argv[1]).toMatch(/dist[\\/]cli[\\/]main\.js$/);
    expect(argv.slice(2)).toEqual(['modelsim', '--port', '8001']);
    expect(buildArgv(['vllm', 'serve', '{model}'], vars)).toEqual(['vllm', 'serve', 'meta/llama']);
  });
});

describe('GPU inventory', () => {
  it('hands out whole sets and explains shortages', () => {
    const inv = new GpuInventory(['0', '1', '2']);
    expect(inv.take('a', 2)).toEqual(['0', '1']);
    expect(inv.take('b', 2)).toBeUndefined();
    expect(inv.shortage(2)).toBe('needs 2 GPUs, 1 of 3 free (held by a)');
    inv.release('a');
    expect(inv.take('b', 2)).toEqual(['0', '1']);
  });

  it('only counts when no inventory is configured', () => {
    const inv = new GpuInventory(undefined);
    expect(inv.take('a', 8)).toEqual([]);
    expect(inv.managed).toBe(false);
  });
});

describe('output tail', () => {
  it('keeps the last lines, across chunk boundaries', () => {
    const t = new OutputTail(3);
    t.push('INFO loading\nERROR CUDA out');
    t.push(' of memory\nbye\n');
    expect(t.last(2)).toBe('ERROR CUDA out of memory | bye');
  });
});
