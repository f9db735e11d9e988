/**
 * Config problems and the error that carries them: `FILE:LINE:COL path:
 * message`, every problem at once. Kept apart from the loader (zod, yaml) so
 * the serving process can report them without loading either (see
 * load-isolated.ts).
 */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path ? `${p.path}: ` : ''}${p.message}`;
}
