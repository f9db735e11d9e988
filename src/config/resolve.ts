/**
 * Parsed config -> the frozen Config the rest of the code reads: defaults that
 * depend on other fields are filled in here, once.
 */
import type { ModelConfig, ParsedConfig } from './schema.js';

export interface ResolvedModel extends ModelConfig {
  servedModelName: string;
  gpuPricePerHour: number;
  scaling: ModelConfig['scaling'] & { maxConcurrencyPerReplica: number };
}

export interface Config extends Omit<ParsedConfig, 'models'> {
  models: ResolvedModel[];
}

export function resolveConfig(p: ParsedConfig): Config {
  const models = p.models.map(
    (m): ResolvedModel => ({
      ...m,
      servedModelName: m.servedModelName ?? m.name,
      gpuPricePerHour: m.gpuPricePerHour ?? p.gpus.pricePerHour,
      scaling: {
        ...m.scaling,
        maxConcurrencyPerReplica: m.scaling.maxConcurrencyPerReplica ?? Math.ceil(2 * m.scaling.targetConcurrency),
      },
    }),
  );
  return deepFreeze({ ...p, models });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
