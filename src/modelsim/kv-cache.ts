/**
 * Paged KV-cache accounting, as vLLM's block manager does it: the cache is
 * `floor(capacityTokens / blockSize)` blocks; a sequence holding T computed
 * tokens owns ceil(T / blockSize) blocks. Usage is usedBlocks / totalBlocks,
 * which is what `vllm:kv_cache_usage_perc` reports.
 *
 * Worked example (block size 16, capacity 1,024 tokens = 64 blocks): a
 * 100-token prompt takes ceil(100/16) = 7 blocks (usage 7/64 = 0.109); its
 * 13th generated token (token 113) needs an 8th block.
 */
export interface BlockOwner {
  blocks: number;
}

export class KvCache {
  readonly totalBlocks: number;
  private used = 0;

  constructor(
    capacityTokens: number,
    readonly blockSize: number,
  ) {
    this.totalBlocks = Math.floor(capacityTokens / blockSize);
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockSize);
  }

  usedBlocks(): number {
    return this.used;
  }

  freeBlocks(): number {
    return this.totalBlocks - this.used;
  }

  usage(): number {
    return this.totalBlocks === 0 ? 0 : this.used / this.totalBlocks;
  }

  /** Grows `owner` to hold `tokens` tokens; false (and no change) if the cache is full. */
  ensure(owner: BlockOwner, tokens: number): boolean {
    const need = this.blocksFor(tokens) - owner.blocks;
    if (need <= 0) return true;
    if (need > this.freeBlocks()) return false;
    owner.blocks += need;
    this.used += need;
    return true;
  }

  /** Would `tokens` fit for `owner` right now? */
  fits(owner: BlockOwner, tokens: number): boolean {
    return this.blocksFor(tokens) - owner.blocks <= this.freeBlocks();
  }

  release(owner: BlockOwner): void {
    this.used -= owner.blocks;
    owner.blocks = 0;
  }
}
