/**
 * The StateStore on Redis (ioredis), for several gateway replicas.
 *
 * Keys (all under `keyPrefix`):
 *   load:<gatewayId>     JSON load snapshot, SET ... PX ttl (expires with its gateway)
 *   lease:<name>         "<holder>|<epoch>", SET ... PX ttl; taken and renewed by one Lua script
 *   lease-epoch:<name>   INCR on every change of holder (the fencing token)
 *   decision:<model>     the leader's last decision and policy state (JSON)
 *   state:<key>          learned policy state (JSON)
 *   channel nudge        PUBLISH <model>: a request waits at zero replicas
 *
 * Failure behaviour: commands fail fast while Redis is unreachable (no
 * offline queue, a command timeout), so callers notice at once and fall
 * back; the client reconnects on its own and re-subscribes.
 */
import { Redis } from 'ioredis';
import type { GatewayLoad, Lease, SavedDecision, StateStore } from './state-store.js';

const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local holder, epoch = string.match(cur, '^(.*)|(%d+)$')
  if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(epoch)
  end
  return false
end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. epoch, 'PX', ARGV[2])
return epoch
`;

const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if cur and string.match(cur, '^(.*)|%d+$') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  /** Longest a single command may take before it fails (ms). */
  commandTimeoutMs?: number;
  onError?: (err: Error) => void;
}

export class RedisStateStore implements StateStore {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private readonly p: string;

  constructor(private readonly o: RedisStoreOptions) {
    this.p = o.keyPrefix;
    this.redis = new Redis(o.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: o.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    });
    this.redis.on('error', (err: Error) => o.onError?.(err));
  }

  /** Resolves once connected (or rejects after connectTimeout). */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const ok = (): void => {
        this.redis.off('error', bad);
        resolve();
      };
      const bad = (err: Error): void => {
        this.redis.off('ready', ok);
        reject(err);
      };
      this.redis.once('ready', ok);
      this.redis.once('error', bad);
    });
  }

  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async publishLoad(load: GatewayLoad, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.p}load:${load.gatewayId}`, JSON.stringify(load), 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async readLoads(): Promise<GatewayLoad[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.p}load:*`, 'COUNT', 200);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as GatewayLoad)
      .sort((a, b) => a.gatewayId.localeCompare(b.gatewayId));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const epoch = (await this.redis.eval(ACQUIRE, 2, `${this.p}lease:${name}`, `${this.p}lease-epoch:${name}`, holder, String(Math.round(ttlMs)))) as number | null;
    return epoch === null ? undefined : { holder, epoch: Number(epoch) };
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${this.p}lease:${name}`, holder);
  }

  async currentLease(name: string): Promise<Lease | undefined> {
    const cur = await this.redis.get(`${this.p}lease:${name}`);
    const m = cur === null ? null : /^(.*)\|(\d+)$/.exec(cur);
    return m ? { holder: m[1] ?? '', epoch: Number(m[2]) } : undefined;
  }

  async saveDecision(model: string, d: SavedDecision): Promise<void> {
    await this.redis.set(`${this.p}decision:${model}`, JSON.stringify(d));
  }

  async loadDecision(model: string): Promise<SavedDecision | undefined> {
    const s = await this.redis.get(`${this.p}decision:${model}`);
    return s === null ? undefined : (JSON.parse(s) as SavedDecision);
  }

  async saveState(key: string, value: unknown): Promise<void> {
    await this.redis.set(`${this.p}state:${key}`, JSON.stringify(value));
  }

  async loadState(key: string): Promise<unknown> {
    const s = await this.redis.get(`${this.p}state:${key}`);
    return s === null ? undefined : JSON.parse(s);
  }

  async nudge(model: string): Promise<void> {
    await this.redis.publish(`${this.p}nudge`, model);
  }

  async onNudge(listener: (model: string) => void): Promise<() => void> {
    if (!this.subscriber) {
      // Subscriptions need a connection of their own; it may queue while offline.
      this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      this.subscriber.on('error', (err: Error) => this.o.onError?.(err));
      // Awaited only while Redis is up: when it is down this would wait for it,
      // and gateway start-up must not; the subscription then happens on connect.
      const subscribed = this.subscriber.subscribe(`${this.p}nudge`).catch((err: Error) => this.o.onError?.(err));
      if (this.redis.status === 'ready') await subscribed;
    }
    const channel = `${this.p}nudge`;
    const handler = (ch: string, message: string): void => {
      if (ch === channel) listener(message);
    };
    this.subscriber.on('message', handler);
    return () => this.subscriber?.off('message', handler);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }
}
