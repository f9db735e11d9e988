/**
 * The three PATCH formats the API server accepts, applied to plain JSON:
 * JSON merge patch (RFC 7386), strategic merge patch (for the maps and
 * scalars the fake serves it is a merge patch), and JSON Patch (RFC 6902;
 * `replace` of a missing path fails, as on a real server).
 */
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

export class PatchError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function mergePatch(target: Json, patch: Json): Json {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: { [k: string]: Json } = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError(400, 'json patch must be an array of operations');
  let doc = JSON.parse(JSON.stringify(target)) as Json;
  for (const op of ops as { op: string; path: string; value?: Json }[]) {
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    if (last === undefined) {
      doc = op.value ?? null;
      continue;
    }
    let parent: Json = doc;
    for (const p of parts) {
      if (typeof parent !== 'object' || parent === null || !(p in parent)) throw new PatchError(422, `jsonpatch ${op.op} operation does not apply: doc is missing path: ${op.path}`);
      parent = (parent as { [k: string]: Json })[p] ?? null;
    }
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) throw new PatchError(422, `unsupported json patch path ${op.path}`);
    const obj = parent as { [k: string]: Json };
    if ((op.op === 'replace' || op.op === 'remove') && !(last in obj)) throw new PatchError(422, `jsonpatch ${op.op} operation does not apply: doc is missing key: ${op.path}`);
    if (op.op === 'remove') delete obj[last];
    else if (op.op === 'add' || op.op === 'replace') obj[last] = op.value ?? null;
    else if (op.op === 'test') {
      if (JSON.stringify(obj[last]) !== JSON.stringify(op.value)) throw new PatchError(422, `test operation failed at ${op.path}`);
    } else throw new PatchError(422, `unsupported json patch op ${op.op}`);
  }
  return doc;
}

/** Applies a PATCH body by its Content-Type. */
export function applyPatch(target: unknown, body: unknown, contentType: string | undefined): unknown {
  const ct = (contentType ?? '').split(';')[0]?.trim();
  if (ct === MERGE_PATCH || ct === STRATEGIC_MERGE_PATCH) return mergePatch(target as Json, body as Json);
  if (ct === JSON_PATCH) return jsonPatch(target as Json, body);
  throw new PatchError(415, `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE_PATCH}, ${STRATEGIC_MERGE_PATCH}, application/apply-patch+yaml`);
}
