/**
 * One provider instance per provider type in use, and which one serves each
 * model. The composition root calls this; nothing else constructs providers.
 *
 * The Kubernetes provider is loaded only when a model uses it:
 * @kubernetes/client-node alone is ~27 MB of heap, which the embedded
 * default (local processes) should not carry -- a larger base heap also
 * lets more garbage pile up between V8's old-generation collections, which
 * showed as RSS per open stream in the proxy benchmark (docs/benchmarks.md).
 */
import type { Config } from '../config/resolve.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { LocalProvider } from './local/local-provider.js';
import type { Provider, ReplicaLoad } from './provider.js';
import { StaticProvider } from './static-provider.js';

export interface ProviderSet {
  all: Provider[];
  forModel(model: string): Provider | undefined;
  /** Begins background work (probes, watches) once listeners are attached. */
  start(): void;
}

export async function createProviders(config: Config, load: ReplicaLoad, clock: Clock, logger: Logger): Promise<ProviderSet> {
  const byType = new Map<string, Provider & { start?(): void }>();
  const kubernetes = config.models.some((m) => m.provider.type === 'kubernetes') ? (await import('./kubernetes/kubernetes-provider.js')).KubernetesProvider : undefined;
  const forType = (type: string): Provider => {
    let p = byType.get(type);
    if (p) return p;
    switch (type) {
      case 'local':
        p = new LocalProvider(config.models, config.gpus.devices, load, clock, logger.child({ component: 'local-provider' }));
        break;
      case 'static':
        p = new StaticProvider(config.models, clock, logger.child({ component: 'static-provider' }));
        break;
      case 'kubernetes':
        if (!kubernetes) throw new Error('unreachable: the Kubernetes provider was not loaded');
        p = new kubernetes(config.models, load, clock, logger.child({ component: 'kubernetes-provider' }));
        break;
      default:
        throw new Error(`provider type "${type}" is not available in this build`);
    }
    byType.set(type, p);
    return p;
  };
  const byModel = new Map<string, Provider>(config.models.map((m) => [m.name, forType(m.provider.type)]));
  return {
    all: [...byType.values()],
    forModel: (model) => byModel.get(model),
    start() {
      for (const p of byType.values()) p.start?.();
    },
  };
}
