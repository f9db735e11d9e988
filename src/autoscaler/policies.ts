/** The policies a model can select with `scaling.policy`. */
import { kpaPolicy } from './kpa-policy.js';
import type { Policy } from './policy.js';
import { predictivePolicy } from './predictive/predictive-policy.js';

export const POLICIES: Record<string, Policy<unknown>> = {
  reactive: kpaPolicy as Policy<unknown>,
  predictive: predictivePolicy as Policy<unknown>,
};

export function policyByName(name: string): Policy<unknown> {
  const p = POLICIES[name];
  if (!p) throw new Error(`unknown scaling policy "${name}" (known: ${Object.keys(POLICIES).join(', ')})`);
  return p;
}
