/**
 * A real redis-server on a free loopback port, owned by the test: started,
 * stopped and restarted (same port) at will. Fails loudly if the binary is
 * missing; never skips.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}


export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      proc?.once('spawn', () => resolve(undefined));
      proc?.once('error', (err) => resolve(err));
    });
    if (spawned) throw new Error(`cannot start redis-server (is it installed? apt-get install redis-server): ${spawned.message}`);
    const deadline = performance.now() + 10_000;
    for (;;) {
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      c.on('error', () => undefined);
      const ok = await c.connect().then(() => c.ping(), () => undefined).catch(() => undefined);
      c.disconnect();
      if (ok === 'PONG') return;
      if (performance.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
