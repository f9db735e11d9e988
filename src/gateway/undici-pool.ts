/**
 * undici's Pool, loaded on its own. The package index also loads fetch,
 * WebSocket, the caches, the mock agent and the API helpers (3.3 MB of
 * resident heap in a bare process against 1.7 MB for the Pool alone); the
 * gateway uses only Pool#dispatch/close/destroy. A smaller resident heap
 * is less for every full collection to mark (docs/benchmarks.md).
 */
import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

const require = createRequire(import.meta.url);

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
