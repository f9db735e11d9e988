/**
 * The embedded default's memory across restarts: the autoscaler's last
 * decision and policy state per model (what the predictive policy learned,
 * the reactive policy's windows), in one JSON file. Written at most every
 * `intervalMs` (and on close), atomically: a temp file renamed over the old
 * one, so a crash mid-write never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CancelTimer, Clock } from '../core/clock.js';
import type { SavedDecision } from './state-store.js';

interface FileShape {
  version: 1;
  savedAt: number;
  models: Record<string, SavedDecision>;
}

export class DecisionFile {
  private records: Record<string, SavedDecision> = {};
  private timer: CancelTimer | undefined;
  private dirty = false;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    private readonly intervalMs = 10_000,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /** Reads the file; a missing file is an empty memory, a corrupt one is reported and ignored. */
  load(): Record<string, SavedDecision> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return {};
    }
    try {
      const f = JSON.parse(text) as Partial<FileShape>;
      if (f.version !== 1 || typeof f.models !== 'object' || f.models === null) throw new Error('not a pilotlight state file (version 1)');
      this.records = { ...f.models };
      return { ...this.records };
    } catch (err) {
      this.onError(new Error(`ignoring ${this.path}: ${(err as Error).message}`));
      return {};
    }
  }

  update(model: string, d: SavedDecision): void {
    this.records[model] = d;
    this.dirty = true;
    this.timer ??= this.clock.setTimer(this.intervalMs, () => {
      this.timer = undefined;
      this.flush();
    });
  }

  flush(): void {
    this.timer?.();
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      const body: FileShape = { version: 1, savedAt: this.clock.now(), models: this.records };
      writeFileSync(tmp, JSON.stringify(body));
      renameSync(tmp, this.path);
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
