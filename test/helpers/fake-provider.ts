/** A provider whose replicas become ready the moment they are asked for: for control-plane tests. */
import type { Provider, ReplicaInfo, ReplicaListener } from '../../src/providers/provider.js';

export class FakeProvider implements Provider {
  readonly kind = 'fake';
  readonly scalable = true;
  readonly calls: { model: string; n: number }[] = [];
  private readonly targets = new Map<string, number>();

  setReplicas(model: string, n: number): void {
    this.calls.push({ model, n });
    this.targets.set(model, n);
  }

  targetReplicas(model: string): number {
    return this.targets.get(model) ?? 0;
  }

  listReplicas(model: string): ReplicaInfo[] {
    return Array.from({ length: this.targetReplicas(model) }, (_, i) => ({ id: `${model}-${i}`, model, state: 'ready' as const, createdAt: 0, managed: true }));
  }

  subscribe(_l: ReplicaListener): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}
