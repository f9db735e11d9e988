/**
 * Model names derived from data: file names and hashed function ids.
 */
import { basename, extname } from 'node:path';

/**
 * A kebab-case name from a path or word: `conversation_trace.jsonl` ->
 * `conversation-trace`, `MyTrace.csv` -> `my-trace`.
 */
export function modelNameFromFile(path: string): string {
  const base = basename(path, extname(path));
  const kebab = base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return kebab === '' ? 'trace' : kebab;
}

/**
 * Short, stable, unique ids for hashed names (64 hex chars in the Azure
 * Functions data): the first 8 characters, lengthened only for the ids that
 * would otherwise collide (a function keeps its id unless another one shares
 * its first 8 characters). Identical inputs get `-2`, `-3` ... suffixes in order.
 */
export function shortIds(hashes: readonly string[], minLength = 8): string[] {
  const out: string[] = new Array<string>(hashes.length);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < hashes.length; i++) {
    const key = (hashes[i] ?? '').slice(0, minLength);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  for (const [key, members] of groups) {
    if (members.length === 1) out[members[0]!] = key;
    else resolveCollision(hashes, members, minLength, out);
  }
  return out;
}

function resolveCollision(hashes: readonly string[], members: number[], length: number, out: string[]): void {
  const full = members.map((i) => hashes[i] ?? '');
  const maxLen = Math.max(...full.map((h) => h.length));
  let len = length;
  while (len < maxLen && new Set(full.map((h) => h.slice(0, len))).size < new Set(full).size) len++;
  const seen = new Map<string, number>();
  for (const i of members) {
    const id = (hashes[i] ?? '').slice(0, len);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    out[i] = n === 1 ? id : `${id}-${n}`;
  }
}
