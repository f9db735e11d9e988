import { describe, expect, it } from 'vitest';
import { pickVictims, victimDeletionCost, type Candidate } from '../../../../src/providers/kubernetes/victims.js';

const c = (id: string, state: Candidate['state'], inflight = 0, createdAt = 0, ordinal?: number): Candidate => ({ id, state, inflight, createdAt, ordinal });

describe('pickVictims', () => {
  it('Deployment: draining first, then pending, then starting/crash-looping (newest first), then the least busy ready pod', () => {
    const pods = [c('ready-busy', 'ready', 5, 1), c('ready-idle', 'ready', 0, 2), c('starting-old', 'starting', 0, 3), c('starting-new', 'starting', 0, 9), c('pending', 'pending', 0, 4), c('crashing', 'failed', 0, 5), c('draining', 'draining', 1, 6)];
    expect(pickVictims('Deployment', pods, 7)).toEqual(['draining', 'pending', 'starting-new', 'crashing', 'starting-old', 'ready-idle', 'ready-busy']);
    expect(pickVictims('Deployment', pods, 2)).toEqual(['draining', 'pending']);
    expect(pickVictims('Deployment', pods, 0)).toEqual([]);
  });

  it('Deployment: among ready pods, fewest in flight, then the newest', () => {
    expect(pickVictims('Deployment', [c('a', 'ready', 2, 1), c('b', 'ready', 1, 2), c('c', 'ready', 1, 3)], 1)).toEqual(['c']);
  });

  it('StatefulSet: the highest ordinals, however busy', () => {
    expect(pickVictims('StatefulSet', [c('s-0', 'ready', 0, 0, 0), c('s-2', 'ready', 9, 0, 2), c('s-1', 'pending', 0, 0, 1)], 2)).toEqual(['s-2', 's-1']);
  });
});

describe('victimDeletionCost', () => {
  it.each([
    [[], -1],
    [[undefined, undefined], -1],
    [['0', '-5', undefined], -6],
    [['100', 'not-a-number'], -1],
    [['-2147483648'], -2147483648],
  ])('others %j -> %d', (others, cost) => expect(victimDeletionCost(others)).toBe(cost));
});
