/**
 * The one error trace readers throw. `toString()` is `FILE:LINE: message`, the
 * shape editors and terminals turn into a link; errors about a whole file or
 * folder (or about options) carry no line and print as `FILE: message`.
 */
export class TraceError extends Error {
  readonly file: string;
  /** 1-based line number, or undefined when the problem is not on one line. */
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TraceError';
    this.file = file;
    this.line = line;
  }

  override toString(): string {
    return this.line === undefined ? `${this.file}: ${this.message}` : `${this.file}:${this.line}: ${this.message}`;
  }
}
