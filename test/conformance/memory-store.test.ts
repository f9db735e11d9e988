import { ManualClock } from '../../src/core/clock.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { stateStoreConformance } from './state-store-suite.js';

stateStoreConformance('memory', () => {
  const clock = new ManualClock(1_000_000);
  let store = new MemoryStateStore(clock);
  return {
    // Gateways in one process share one instance; close() on it is harmless.
    connect: async () => store,
    advance: async (ms) => clock.advance(ms),
    reset: async () => {
      store = new MemoryStateStore(clock);
    },
  };
});
