import { describe, expect, it } from 'vitest';
import { every, ManualClock } from '../../../src/core/clock.js';

describe('ManualClock', () => {
  it('fires timers in time order, then creation order, as time advances', () => {
    const c = new ManualClock(0);
    const fired: string[] = [];
    c.setTimer(20, () => fired.push('b'));
    c.setTimer(10, () => fired.push('a'));
    c.setTimer(20, () => fired.push('c'));
    c.advance(15);
    expect(fired).toEqual(['a']);
    c.advance(5);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(c.now()).toBe(20);
  });

  it('cancels timers and runs repeating ones', () => {
    const c = new ManualClock(0);
    let n = 0;
    const stop = every(c, 100, () => n++);
    const cancel = c.setTimer(50, () => (n += 100));
    cancel();
    c.advance(350);
    expect(n).toBe(3);
    stop();
    c.advance(1000);
    expect(n).toBe(3);
  });

  it('sleeps until advanced and rejects on abort', async () => {
    const c = new ManualClock(0);
    let woke = false;
    const p = c.sleep(100).then(() => (woke = true));
    await c.advanceAsync(99);
    expect(woke).toBe(false);
    await c.advanceAsync(1);
    await p;
    expect(woke).toBe(true);
    const ac = new AbortController();
    const q = c.sleep(100, ac.signal);
    ac.abort(new Error('stop'));
    await expect(q).rejects.toThrow('stop');
    expect(c.pending()).toBe(0);
  });
});
