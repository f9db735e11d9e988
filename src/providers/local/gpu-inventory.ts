/**
 * The GPUs the local provider may hand out, shared by every local model.
 * A replica takes `gpusPerReplica` of them at start and gives them back when
 * its process is gone. With no inventory configured, GPUs are only counted.
 */
export class GpuInventory {
  private readonly owner = new Map<string, string>();

  constructor(readonly devices: readonly string[] | undefined) {}

  get managed(): boolean {
    return this.devices !== undefined;
  }

  free(): string[] {
    return (this.devices ?? []).filter((d) => !this.owner.has(d));
  }

  /** Takes n GPUs for a replica, or returns undefined when fewer are free. */
  take(replicaId: string, n: number): string[] | undefined {
    if (!this.devices || n === 0) return [];
    const free = this.free();
    if (free.length < n) return undefined;
    const got = free.slice(0, n);
    for (const d of got) this.owner.set(d, replicaId);
    return got;
  }

  release(replicaId: string): void {
    for (const [d, o] of this.owner) if (o === replicaId) this.owner.delete(d);
  }

  /** "needs 4 GPUs, 1 of 8 free (7 held by llama-1, llama-2)" */
  shortage(n: number): string {
    const holders = [...new Set(this.owner.values())];
    return `needs ${n} GPU${n === 1 ? '' : 's'}, ${this.free().length} of ${this.devices?.length ?? 0} free${holders.length ? ` (held by ${holders.join(', ')})` : ''}`;
  }
}
