/** The last lines a replica printed, for error messages ("exited with code 1: CUDA out of memory"). */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max = 20) {}

  push(chunk: Buffer | string): string[] {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((l) => l.trim() !== '');
    this.lines.push(...complete);
    if (this.lines.length > this.max) this.lines = this.lines.slice(-this.max);
    return complete;
  }

  /** The last n lines, joined with " | ". */
  last(n = 3): string {
    const all = this.partial.trim() ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n).join(' | ');
  }
}
