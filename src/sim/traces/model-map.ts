/**
 * modelMap: many source models (functions, clients) onto the few the
 * simulation configures.
 *
 * - none:  every source model is its own model.
 * - hash:  bucket b = fnv1a(name) mod n, named `${prefix}${b}` (prefix
 *          `model-`); every bucket is listed even if empty, so indices are stable.
 * - top:   the n source models with most arrivals inside the window (ties: file
 *          order) keep their names, busiest first; the rest become `other`
 *          (listed last, only if there is a rest) or are dropped.
 * - map:   explicit name -> name; unmapped names are kept or dropped. A key
 *          that names no source model is an error (it is usually a typo).
 */
import type { ModelMapSpec } from './options.js';
import { fnv1a } from './random.js';
import { TraceError } from './trace-error.js';

export interface ResolvedModelMap {
  names: string[];
  /** source model index -> output model index, -1 = dropped. */
  index: Int32Array;
}

export function resolveModelMap(file: string, sources: readonly string[], counts: Float64Array, spec: ModelMapSpec | undefined): ResolvedModelMap {
  if (spec === undefined) return { names: [...sources], index: Int32Array.from(sources, (_, i) => i) };
  switch (spec.kind) {
    case 'hash': {
      const prefix = spec.prefix ?? 'model-';
      const names = Array.from({ length: spec.models }, (_, b) => `${prefix}${b}`);
      return { names, index: Int32Array.from(sources, (s) => fnv1a(s) % spec.models) };
    }
    case 'top':
      return topN(file, sources, counts, spec.n, spec.rest ?? 'other');
    case 'map':
      return explicit(file, sources, spec.map, spec.unmapped ?? 'keep');
  }
}

function topN(file: string, sources: readonly string[], counts: Float64Array, n: number, rest: 'other' | 'drop'): ResolvedModelMap {
  const order = sources.map((_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const top = order.slice(0, n);
  const names = top.map((i) => sources[i]!);
  const index = new Int32Array(sources.length).fill(-1);
  top.forEach((src, out) => (index[src] = out));
  if (rest === 'other' && sources.length > n) {
    if (names.includes('other')) throw new TraceError(file, undefined, 'option modelMap: a source model is already called "other"; use rest: "drop" or an explicit map');
    const other = names.push('other') - 1;
    for (let i = 0; i < index.length; i++) if (index[i] === -1) index[i] = other;
  }
  return { names, index };
}

function explicit(file: string, sources: readonly string[], map: Record<string, string>, unmapped: 'keep' | 'drop'): ResolvedModelMap {
  const known = new Set(sources);
  const unknown = Object.keys(map).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const sample = sources.slice(0, 5).join(', ');
    throw new TraceError(file, undefined, `option modelMap.map: ${unknown.map((k) => JSON.stringify(k)).join(', ')} name no model in the trace (models are e.g. ${sample})`);
  }
  const names: string[] = [];
  const ids = new Map<string, number>();
  const index = Int32Array.from(sources, (s) => {
    const target = Object.hasOwn(map, s) ? map[s] : unmapped === 'keep' ? s : undefined;
    if (target === undefined) return -1;
    let id = ids.get(target);
    if (id === undefined) {
      id = names.push(target) - 1;
      ids.set(target, id);
    }
    return id;
  });
  return { names, index };
}
