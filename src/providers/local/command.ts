/**
 * Replica command templates: "{port}", "{host}", "{model}", "{replica}" and
 * "{gpus}" are filled in per replica. A string is split into argv like a
 * shell would split words (quotes and backslashes), but no shell runs: no
 * globbing, pipes or variables, so nothing in a model name can inject.
 * A leading "pilotlight" means this very installation (node + our CLI), so
 * the default works without a global install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TemplateVars {
  port: number;
  host: string;
  model: string;
  replica: number;
  gpus: readonly string[];
}

export function fill(template: string, v: TemplateVars): string {
  return template.replace(/\{(port|host|model|replica|gpus)\}/g, (_, k: string) => {
    switch (k) {
      case 'port':
        return String(v.port);
      case 'host':
        return v.host;
      case 'model':
        return v.model;
      case 'replica':
        return String(v.replica);
      default:
        return v.gpus.join(',');
    }
  });
}

/** Splits a command line into words: 'a "b c" d\\ e' -> ['a', 'b c', 'd e']. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in command: ${line}`);
  if (inWord) out.push(cur);
  return out;
}

/** argv for one replica. */
export function buildArgv(command: string | readonly string[], v: TemplateVars): string[] {
  const words = typeof command === 'string' ? splitWords(command) : [...command];
  const argv = words.map((w) => fill(w, v));
  if (argv[0] === 'pilotlight') return [...selfCommand(), ...argv.slice(1)];
  return argv;
}

let self: string[] | undefined;

/** [node, <this package>/dist/cli/main.js] */
export function selfCommand(): string[] {
  if (self) return self;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pilotlight') {
      self = [process.execPath, join(dir, 'dist', 'cli', 'main.js')];
      return self;
    }
    dir = dirname(dir);
  }
  throw new Error('cannot locate the pilotlight installation (package.json) to run "pilotlight" replicas');
}
