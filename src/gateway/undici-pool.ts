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

/** The parts of undici's Pool that exist without the index (which adds request/stream/pipeline to every dispatcher). */
export type Pool = Pick<UndiciPool, 'dispatch' | 'close' | 'destroy'>;
export const Pool = require('undici/lib/dispatcher/pool.js') as new (url: string, options: ConstructorParameters<typeof UndiciPool>[1]) => Pool;
