/**
 * Act: the only caller of Provider.setReplicas. One idempotent call per
 * change of the desired count; each change is logged and counted as a scale
 * event with the policy's reason.
 */
import type { Logger } from '../core/logger.js';
import type { Provider } from '../providers/provider.js';

export interface ScaleEventSink {
  scaleEvent(model: string, direction: 'up' | 'down', reason: string): void;
}

export class Reconciler {
  constructor(
    private readonly providerFor: (model: string) => Provider | undefined,
    private readonly events: ScaleEventSink,
    private readonly logger: Logger,
  ) {}

  /**
   * Applies a desired count; returns true when it changed something. With
   * allowScaleDown false (acting without the shared view), only increases.
   */
  apply(model: string, desired: number, reason: string, allowScaleDown = true): boolean {
    const provider = this.providerFor(model);
    if (!provider?.scalable) return false;
    const current = provider.targetReplicas(model);
    if (current === desired || (!allowScaleDown && desired < current)) return false;
    provider.setReplicas(model, desired);
    const direction = desired > current ? 'up' : 'down';
    this.events.scaleEvent(model, direction, reason);
    this.logger.info({ model, from: current, to: desired, reason }, `scale ${direction}`);
    return true;
  }
}
