/**
 * The command line as users run it: `pilotlight validate` exit codes and
 * messages, and `pilotlight serve` on the shipped embedded default, driven
 * over HTTP, then stopped with SIGTERM (no replica outlives it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';

const run = promisify(execFile);
const CLI = 'dist/cli/main.js';

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // Bounded: a command that never exits fails its test instead of hanging it.
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pilotlight validate', () => {
  it('exits 0 on the shipped configs', async () => {
    const r = await cli('validate', '--config', 'config/local.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('config/local.yaml: valid (2 models: llama-3.3-70b, llama-3.1-8b)\n');
    expect((await cli('validate', '-c', 'config/vllm-gpu.example.yaml')).code).toBe(0);
  });

  it('exits 2 with every problem as FILE:LINE:COL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-cfg-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'models:\n  - name: a\n    scaling: { minReplicas: 2, maxReplicas: 1, burst: 3 }\n');
    const r = await cli('validate', '--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${file}:3:29 models[0].scaling.minReplicas: minReplicas (2) is greater than maxReplicas (1)\n` +
        `${file}:3:48 models[0].scaling.burst: unknown key "burst"\n` +
        `2 problems in ${file}\n`,
    );
  });

  it('exits 2 on usage errors, with usage', async () => {
    const r = await cli('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('validate needs --config FILE');
    const u = await cli('frobnicate');
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('pilotlight serve on config/local.yaml', () => {
  let proc: ChildProcess | undefined;
  afterEach(() => {
    proc?.kill('SIGKILL');
  });

  it('starts, cold-starts a simulated Llama-70B for the first request, and stops its replicas on SIGTERM', async () => {
    proc = spawn(process.execPath, [CLI, 'serve', '--config', 'config/local.yaml', '--port', '0', '--admin-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const urls = await eventually(() => {
      const m = /"api":"(http:[^"]+)","admin":"(http:[^"]+)"/.exec(out);
      return m ? { api: m[1]!, admin: m[2]! } : undefined;
    }, 'serve to print its URLs');

    const res = await fetch(`${urls.api}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-70b', messages: [{ role: 'user', content: 'Hello!' }], max_tokens: 16 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-pilotlight-cold-start')).toBe('true');
    const body = (await res.json()) as { model: string; usage: { completion_tokens: number } };
    expect(body.model).toBe('llama-3.3-70b');
    expect(body.usage.completion_tokens).toBe(16);

    const admin = (await (await fetch(`${urls.admin}/admin/models`)).json()) as { models: { name: string; replicaList: { gpus: string[] }[] }[] };
    const llama = admin.models.find((m) => m.name === 'llama-3.3-70b');
    expect(llama?.replicaList[0]?.gpus).toEqual(['0', '1', '2', '3']);
    const metrics = await (await fetch(`${urls.admin}/metrics`)).text();
    expect(metrics).toMatch(/pilotlight_replica_cold_start_seconds_count\{model="llama-3.3-70b"\} 1/);

    const exited = new Promise<number | null>((r) => proc!.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/shutting down/);
    // No modelsim replica outlives the gateway.
    const { stdout } = await run('ps', ['-eo', 'args']);
    expect(stdout.split('\n').filter((l) => l.includes('modelsim') && l.includes('llama-3.3-70b'))).toEqual([]);
  });

  it('exits 1 with the reason when its port is taken, instead of hanging on the listener it did open', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const r = await cli('serve', '--config', 'config/local.yaml', '--port', String(port), '--admin-port', '0');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`pilotlight: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  });
});
