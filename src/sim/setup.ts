/**
 * The world of each simulated model, from a pilotlight config (optional) and
 * command-line overrides. A trace model takes the settings of the config
 * model with the same name or alias, else those of the config's first model;
 * without a config, the schema's defaults (except maxReplicas: a simulation
 * without a config should not be capped at the schema's 1 replica).
 *
 * Precedence, each field: flag > config > simulator default.
 */
import type { Config, ResolvedModel } from '../config/resolve.js';
import { scalingSchema, type ScalingConfig } from '../config/schema.js';
import type { ModelWorld, ServiceSpec } from './world.js';

export const SIM_DEFAULTS = {
  /** Replicas per model when neither flag nor config says (effectively unbounded). */
  maxReplicas: 1000,
  /** Illustrative on-demand price of one GPU-hour (H100-class quotes run ~$2-4); pass your own. */
  gpuPricePerHour: 2.5,
  /** Modal's H100 per-second list price as quoted by 2026 price surveys (~$3.95/h): the serverless reference; pass your own. */
  serverlessPricePerGpuSecond: 0.001097,
  /** Service time without tokens in the trace, and with them. */
  serviceNoTokens: { fixedMs: 1000, perOutputTokenMs: 0 } satisfies ServiceSpec,
  serviceWithTokens: { fixedMs: 200, perOutputTokenMs: 30 } satisfies ServiceSpec,
};

export interface WorldSettings {
  config?: Config | undefined;
  /** Median cold start when neither flag nor config gives one (the CLI passes the default modelsim profile's). */
  defaultColdStartMs: number;
  coldStartMs?: number | undefined;
  coldStartSigma?: number | undefined;
  service?: ServiceSpec | undefined;
  /** Whether the trace records output tokens (chooses the default service model). */
  traceHasTokens: boolean;
  concurrency?: number | undefined;
  maxReplicas?: number | undefined;
  gpusPerReplica?: number | undefined;
  gpuPricePerHour?: number | undefined;
}

export function worldFor(s: WorldSettings): (model: string) => ModelWorld {
  const cache = new Map<ResolvedModel | undefined, ModelWorld>();
  return (model) => {
    const m = configModel(s.config, model);
    let w = cache.get(m);
    if (!w) {
      w = buildWorld(s, m);
      cache.set(m, w);
    }
    return w;
  };
}

function configModel(config: Config | undefined, name: string): ResolvedModel | undefined {
  if (!config) return undefined;
  return config.models.find((m) => m.name === name || m.aliases.includes(name)) ?? config.models[0];
}

function buildWorld(s: WorldSettings, m: ResolvedModel | undefined): ModelWorld {
  const base: ScalingConfig = m?.scaling ?? { ...scalingSchema.parse({}), maxReplicas: SIM_DEFAULTS.maxReplicas };
  const cap = s.concurrency ?? m?.scaling.maxConcurrencyPerReplica ?? Math.ceil(2 * base.targetConcurrency);
  const scaling: ScalingConfig = { ...base, maxConcurrencyPerReplica: cap, maxReplicas: s.maxReplicas ?? base.maxReplicas };
  const configCold = m?.provider.type === 'local' ? m.provider.expectedColdStart : undefined;
  const configPrice = m && m.gpuPricePerHour > 0 ? m.gpuPricePerHour : undefined;
  return {
    coldStart: { medianMs: s.coldStartMs ?? configCold ?? s.defaultColdStartMs, sigma: s.coldStartSigma ?? 0 },
    service: s.service ?? (s.traceHasTokens ? SIM_DEFAULTS.serviceWithTokens : SIM_DEFAULTS.serviceNoTokens),
    maxConcurrencyPerReplica: cap,
    gpusPerReplica: s.gpusPerReplica ?? m?.gpusPerReplica ?? 1,
    gpuPricePerHour: s.gpuPricePerHour ?? configPrice ?? SIM_DEFAULTS.gpuPricePerHour,
    scaling,
  };
}
