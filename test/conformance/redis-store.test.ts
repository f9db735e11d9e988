import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/state/redis-store.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { stateStoreConformance } from './state-store-suite.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

async function connect(prefix = 'plt:'): Promise<RedisStateStore> {
  const s = new RedisStateStore({ url: redis.url, keyPrefix: prefix });
  await s.ready();
  return s;
}

stateStoreConformance('redis (real redis-server)', () => ({
  connect: () => connect(),
  advance: (ms) => new Promise((r) => setTimeout(r, ms)),
  reset: async () => {
    const c = new Redis(redis.url);
    await c.flushall();
    c.disconnect();
  },
}));

describe('RedisStateStore specifics', () => {
  it('keeps key prefixes apart', async () => {
    const a = await connect('one:');
    const b = await connect('two:');
    await a.publishLoad({ gatewayId: 'g', models: {} }, 5000);
    expect(await b.readLoads()).toEqual([]);
    expect((await a.readLoads()).length).toBe(1);
    await a.close();
    await b.close();
  });

  it('fails fast while Redis is down and works again when it is back', async () => {
    const s = await connect('ff:');
    await redis.stop();
    await expect(s.publishLoad({ gatewayId: 'g', models: {} }, 5000)).rejects.toThrow();
    await redis.start();
    const deadline = performance.now() + 10_000;
    while (!s.connected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await s.publishLoad({ gatewayId: 'g', models: {} }, 5000);
    expect((await s.readLoads()).map((l) => l.gatewayId)).toEqual(['g']);
    await s.close();
  });
});
