/**
 * `pilotlight modelsim` as a real process (dist/cli/main.js): exit codes,
 * fault flags, signals and the parent-PID watch. Timing is never asserted;
 * waits are for events (a log line, a chunk, an exit).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchErrorCode, postJson, readSse } from '../unit/modelsim/http-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'dist/cli/main.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

interface Sim {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout/stderr text matching. */
  waitFor: (re: RegExp) => Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function spawnSim(args: string[], env: Record<string, string> = {}): Sim {
  const child = spawn(process.execPath, [MAIN, 'modelsim', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = (out + err).match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout?.on('data', (d: Buffer) => ((out += d.toString()), check()));
  child.stderr?.on('data', (d: Buffer) => ((err += d.toString()), check()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const waitFor = (re: RegExp) =>
    new Promise<RegExpMatchArray>((res, rej) => {
      waiters.push({ re, resolve: res });
      check();
      void exited.then(() => setImmediate(() => rej(new Error(`exited before ${re}: ${out}${err}`))));
    });
  return { child, stdout: () => out, stderr: () => err, waitFor, exited };
}

/** Starts a tiny, instantly loaded simulator and resolves with its URL once ready. */
async function readySim(extra: string[] = [], env: Record<string, string> = {}): Promise<{ sim: Sim; url: string }> {
  const sim = spawnSim(['--profile', 'tiny', '--port', '0', '--startup-delay', '0s', ...extra], env);
  const m = await sim.waitFor(/url=(\S+) state=ready/);
  return { sim, url: m[1] ?? '' };
}

beforeAll(() => {
  // Build only when dist is older than src (it emits even if other files have type errors).
  if (!existsSync(MAIN) || newest(join(ROOT, 'dist')) < newest(join(ROOT, 'src'))) {
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // type errors elsewhere in the tree still emit JavaScript
    }
  }
  expect(existsSync(join(ROOT, 'dist/modelsim/server.js'))).toBe(true);
}, 120_000);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('pilotlight modelsim (process)', () => {
  it('prints usage for --help and exits 2 on an unknown flag', async () => {
    const help = spawnSim(['--help']);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toContain('--crash-after N');
    const bad = spawnSim(['--bogus']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toContain("Unknown option '--bogus'");
  });

  it('serves after printing its URL, and accepts vllm serve flags', async () => {
    const { sim, url } = await readySim(['--tensor-parallel-size', '4', '--gpu-memory-utilization', '0.9', '--disable-log-requests']);
    expect(sim.stdout()).toMatch(/^modelsim: url=http:\/\/127\.0\.0\.1:\d+ model=tiny profile=tiny state=loading\n/);
    expect(sim.stderr()).toContain('accepted and ignored vLLM flags: --tensor-parallel-size --gpu-memory-utilization --disable-log-requests');
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('--fail-startup: prints a vLLM-like fatal error and exits 1', async () => {
    const sim = spawnSim(['--profile', 'tiny', '--port', '0', '--startup-delay', '50ms', '--fail-startup']);
    expect((await sim.exited).code).toBe(1);
    expect(sim.stderr()).toMatch(/EngineCore failed to start/);
    expect(sim.stderr()).toMatch(/RuntimeError: Engine core initialization failed/);
  });

  it('--crash-after N: exits 137 in the middle of the next stream', async () => {
    const { sim, url } = await readySim(['--crash-after', '1']);
    expect((await postJson(`${url}/v1/completions`, { prompt: 'x', max_tokens: 2 })).status).toBe(200);
    const { events, cut } = await readSse(await postJson(`${url}/v1/completions`, { prompt: 'x', max_tokens: 500, stream: true }));
    expect(cut).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events).not.toContain('[DONE]');
    expect((await sim.exited).code).toBe(137);
  });

  it('--hang-after N: stays alive but answers nothing, /health included', async () => {
    const { sim, url } = await readySim(['--hang-after', '1']);
    expect((await postJson(`${url}/v1/completions`, { prompt: 'x', max_tokens: 2 })).status).toBe(200);
    await sim.waitFor(/hanging after 1 completed requests/);
    expect(await fetchErrorCode(`${url}/health`, { signal: AbortSignal.timeout(500) })).toBe('TimeoutError');
    expect(sim.child.exitCode).toBeNull();
  });

  it('SIGTERM: stops accepting, finishes the in-flight stream, exits 0', async () => {
    const { sim, url } = await readySim(['--time-scale', '3']);
    let first!: () => void;
    const gotFirst = new Promise<void>((r) => (first = r));
    const reading = postJson(`${url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 150, stream: true }).then((res) =>
      readSse(res, (e) => e !== '[DONE]' && first()),
    );
    await gotFirst;
    sim.child.kill('SIGTERM');
    await sim.waitFor(/received SIGTERM, draining/);
    expect(await fetchErrorCode(`${url}/health`)).toBe('ECONNREFUSED');
    const { events, cut } = await reading;
    expect(cut).toBe(false);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events).toHaveLength(1 + 150 + 1);
    expect(await sim.exited).toEqual({ code: 0, signal: null });
  });

  it('PILOTLIGHT_PARENT_PID: exits when the parent process is gone', async () => {
    const parent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
    children.push(parent);
    const { sim } = await readySim([], { PILOTLIGHT_PARENT_PID: String(parent.pid) });
    parent.kill('SIGKILL');
    expect(await sim.exited).toEqual({ code: 0, signal: null });
    expect(sim.stderr()).toContain(`parent process ${parent.pid} is gone`);
  });
});
