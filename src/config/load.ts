/**
 * One loader backs `serve`, `validate` and the tests:
 * YAML text -> document (duplicate keys rejected) -> strict schema ->
 * cross-field checks -> frozen Config. Every problem is reported at once, each
 * as `FILE:LINE:COL path: message`.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { crossFieldIssues, type CheckableConfig, type ConfigIssue } from './checks.js';
import { resolveConfig, type Config } from './resolve.js';
import { configSchema } from './schema.js';
import { suggest } from './suggest.js';
import { ConfigError, type ConfigProblem } from './errors.js';

export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError([{ file, line: 1, col: 1, path: '', message: `cannot read config: ${reason}` }]);
  }
  return parseConfig(text, file);
}

/** Parses config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file = '<config>'): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const problems: ConfigProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lc.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, col: pos.col, path: '', message: e.message.split('\n')[0] ?? e.message });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const raw: unknown = doc.toJS() ?? {};
  const at = (path: (string | number)[], keyOf?: string): { line: number; col: number } => {
    const offset = offsetOf(doc, path, keyOf);
    return lc.linePos(offset);
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(...fromZodIssue(issue, file, at, raw));
  const checkable: CheckableConfig = parsed.success ? parsed.data : repairedForChecks(raw, parsed.error.issues);
  const isTainted = (p: (string | number)[]): boolean => (checkable.tainted ?? []).some((t) => formatPath(p).startsWith(t));
  const cross: ConfigIssue[] = crossFieldIssues(checkable).filter((i) => ![i.path, ...(i.related ?? [])].some(isTainted));
  for (const i of cross) {
    // A contradiction with a default points at the field the user did write.
    const written = [i.path, ...(i.related ?? [])].find((q) => getAt(raw, q) !== undefined) ?? i.path;
    const p = at(written);
    problems.push({ file, ...p, path: formatPath(i.path), message: i.message });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(sortProblems(problems));
  return resolveConfig(parsed.data);
}

/**
 * For an invalid config, the cross-field checks still run, on a repaired copy:
 * unknown keys are dropped and invalid values fall back to their defaults.
 * Contradictions found under a repaired value are not reported (they may be
 * an artefact of the default), so every message is about what the user wrote.
 */
function repairedForChecks(raw: unknown, issues: readonly z.core.$ZodIssue[]): CheckableConfig {
  let copy: unknown = structuredClone(raw);
  const tainted: string[] = [];
  let pending = issues;
  for (let round = 0; round < 4 && pending.length > 0; round++) {
    for (const issue of pending) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const parent = getAt(copy, path);
        for (const k of issue.keys) if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[k];
      } else if (path.length > 0) {
        // Drop the invalid value; if it is already gone (a missing required key), drop its parent.
        const cut = getAt(copy, path) === undefined ? path.slice(0, -1) : path;
        const parent = getAt(copy, cut.slice(0, -1));
        if (cut.length > 0 && parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[String(cut.at(-1))];
        tainted.push(formatPath(cut));
      } else {
        return { models: [] };
      }
    }
    const again = configSchema.safeParse(copy);
    if (again.success) {
      copy = again.data;
      return { ...(again.data as CheckableConfig), tainted };
    }
    pending = again.error.issues;
  }
  return { models: [] };
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

function fromZodIssue(
  issue: z.core.$ZodIssue,
  file: string,
  at: (path: (string | number)[], keyOf?: string) => { line: number; col: number },
  raw: unknown,
): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const hint = suggest(key, knownKeys(path));
      return {
        file,
        ...at(path, key),
        path: formatPath([...path, key]),
        message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      };
    });
  }
  let message = issue.message;
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(message);
  if (issue.code === 'invalid_type' && missing) message = `is required (expected ${missing[1]})`;
  if (/discriminator/i.test(message) && path.at(-1) === 'type') {
    message = `unknown provider type ${JSON.stringify(getAt(raw, path))}; expected one of: local, static, kubernetes`;
  }
  return [{ file, ...at(path), path: formatPath(path), message }];
}

/** Known keys at a path, read from the schema, for "did you mean". */
function knownKeys(path: (string | number)[]): string[] {
  let node: unknown = configSchema;
  for (const seg of path) {
    node = unwrap(node);
    if (typeof seg === 'number') node = (node as { def?: { element?: unknown } }).def?.element;
    else node = (node as { shape?: Record<string, unknown> }).shape?.[seg];
    if (!node) return [];
  }
  node = unwrap(node);
  const shape = (node as { shape?: Record<string, unknown> }).shape;
  if (shape) return Object.keys(shape);
  const options = (node as { def?: { options?: unknown[] } }).def?.options;
  return (options ?? []).flatMap((o) => Object.keys((unwrap(o) as { shape?: object }).shape ?? {}));
}

function unwrap(node: unknown): unknown {
  let cur = node as { def?: { innerType?: unknown; type?: string } } | undefined;
  for (let i = 0; i < 10 && cur?.def?.innerType; i++) cur = cur.def.innerType as typeof cur;
  return cur;
}

/** Character offset of the node at `path` (or of key `keyOf` inside it); the nearest ancestor when absent. */
function offsetOf(doc: Document, path: (string | number)[], keyOf?: string): number {
  let node: unknown = doc.contents;
  let best = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    const next = childOf(node, seg);
    if (!next) return best;
    node = next.value;
    best = (next.key as Node | undefined)?.range?.[0] ?? (next.value as Node | undefined)?.range?.[0] ?? best;
    const valueStart = (next.value as Node | undefined)?.range?.[0];
    if (valueStart !== undefined && seg === path[path.length - 1]) best = valueStart;
  }
  if (keyOf !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && it.key.value === keyOf);
    if (pair && isPair(pair)) return (pair.key as Node).range?.[0] ?? best;
  }
  return best;
}

function childOf(node: unknown, seg: string | number): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
    return pair ? { key: pair.key, value: pair.value } : undefined;
  }
  const items = (node as { items?: unknown[] } | null)?.items;
  if (Array.isArray(items) && typeof seg === 'number') {
    const v = items[seg];
    return v === undefined ? undefined : { value: v };
  }
  return undefined;
}

export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function sortProblems(ps: ConfigProblem[]): ConfigProblem[] {
  return [...ps].sort((a, b) => a.line - b.line || a.col - b.col);
}
