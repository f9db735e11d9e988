import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { DecisionFile } from '../../../src/state/decision-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pl-state-'));
  dirs.push(d);
  return join(d, 'sub', 'state.json');
}
const rec = (desired: number) => ({ desired, reason: 'load', at: 5, epoch: 0, policy: 'predictive', state: { gaps: { gaps: [1, 2] } } });

describe('DecisionFile', () => {
  it('writes at most once per interval, atomically, and reads back what it wrote', () => {
    const clock = new ManualClock(0);
    const path = tmp();
    const f = new DecisionFile(path, clock, 10_000);
    f.update('a', rec(1));
    f.update('a', rec(2));
    expect(() => readFileSync(path)).toThrow(); // not yet written
    clock.advance(10_000);
    expect(JSON.parse(readFileSync(path, 'utf8')).models.a.desired).toBe(2);
    f.update('b', rec(3));
    f.flush();
    expect(new DecisionFile(path, clock).load()).toEqual({ a: rec(2), b: rec(3) });
  });

  it('treats a missing file as empty and reports a corrupt one without failing', () => {
    const clock = new ManualClock(0);
    expect(new DecisionFile(tmp(), clock).load()).toEqual({});
    const path = tmp();
    const errors: string[] = [];
    const f = new DecisionFile(path, clock, 1000, (e) => errors.push(e.message));
    f.update('a', rec(1));
    f.flush();
    writeFileSync(path, '{"version": 7}');
    expect(f.load()).toEqual({});
    expect(errors[0]).toMatch(/not a pilotlight state file/);
  });
});
