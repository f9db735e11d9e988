/** model name or alias -> pool. Built once; a lookup is one Map get. */
import type { ModelPool } from './pool.js';

export class Router {
  private readonly byName = new Map<string, ModelPool>();

  constructor(readonly pools: readonly ModelPool[]) {
    for (const p of pools) {
      this.byName.set(p.model.name, p);
      for (const a of p.model.aliases) this.byName.set(a, p);
    }
  }

  resolve(model: string): ModelPool | undefined {
    return this.byName.get(model);
  }

  pool(name: string): ModelPool | undefined {
    return this.pools.find((p) => p.name === name);
  }
}
