/**
 * k6 cannot run here, so its scripts are type-checked against @types/k6
 * (loadtest/tsconfig.json: checkJs over the JavaScript k6 runs as is). The
 * second test proves the check has teeth: the same settings reject a script
 * with a misspelt executor and a wrong http.post call.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const TSC = resolve('node_modules/typescript/bin/tsc');

async function tsc(project: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [TSC, '-p', project, '--noEmit']);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('k6 scripts', () => {
  it('type-check against @types/k6', async () => {
    const r = await tsc('loadtest/tsconfig.json');
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('the type check catches a broken script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-typecheck-'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: resolve('loadtest/tsconfig.json'), include: ['bad.js'] }));
    writeFileSync(
      join(dir, 'bad.js'),
      [
        '// @ts-check',
        "import http from 'k6/http';",
        "/** @type {import('k6/options').Options} */",
        "export const options = { scenarios: { s: { executor: 'ramping-arival-rate', preAllocatedVUs: 1, stages: [] } } };",
        'export default function () {',
        '  http.post(42);',
        '}',
      ].join('\n'),
    );
    const r = await tsc(join(dir, 'tsconfig.json'));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/bad\.js\(4,\d+\): error TS2820: Type '"ramping-arival-rate"' is not assignable/);
    expect(r.out).toMatch(/bad\.js\(6,\d+\): error TS2345: Argument of type 'number' is not assignable/);
    expect(r.out).not.toContain('Cannot find module'); // the failures are type errors, not a missing @types/k6
  });

  it.each(['document-day', 'agentic', 'monthly-batch', 'trace-replay'])('%s.js exports options and a default function and reads its own curve', (name) => {
    const text = readFileSync(`loadtest/${name}.js`, 'utf8');
    expect(text).toContain('export const options = k6Options(test);');
    expect(text).toMatch(/export default function \(\) \{/);
    expect(text).toContain(`loadTest('./curves/${name}.json'`);
  });
});
