/**
 * vitest globalSetup: integration tests start replicas with "pilotlight ..."
 * (dist/cli/main.js), so dist must match src. `npm test` builds first; this
 * rebuilds when someone runs vitest directly after editing src.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function setup(): void {
  const main = 'dist/cli/main.js';
  if (existsSync(main) && statSync(main).mtimeMs >= newest('src') && newest('dist') >= newest('src')) return;
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  } catch (err) {
    // Exit 2 = type errors, but the JavaScript was still emitted; `npm run lint` fails on type errors.
    if ((err as { status?: number }).status !== 2 || !existsSync(main)) throw err;
  }
}
