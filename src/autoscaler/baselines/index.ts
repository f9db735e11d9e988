/**
 * Baseline policies: published autoscaling algorithms, each in its own file
 * with its formula and citation. They implement the same Policy interface as
 * `reactive`, so the gateway could run them live and the simulator runs them
 * on a virtual clock (src/sim/catalogue.ts gives each its published defaults).
 */
import type { Policy } from '../policy.js';
import { dedicatedPolicy } from './dedicated-policy.js';
import { kedaHttpPolicy } from './keda-http-policy.js';
import { keepAlivePolicy } from './keepalive-policy.js';
import { knativePolicy } from './knative-policy.js';

export { dedicatedPolicy } from './dedicated-policy.js';
export { hpaRecommendation, KEDA_HTTP_DEFAULTS, kedaHttpPolicy, type KedaHttpOptions, type KedaHttpState } from './keda-http-policy.js';
export { decideKeepAlive, keepAlivePolicy, replicasFor, type KeepAliveState } from './keepalive-policy.js';
export { KNATIVE_DEFAULTS, knativePolicy, type KnativeOptions, type KnativeState } from './knative-policy.js';

/** The baselines by name, with their default options. */
export const BASELINE_POLICIES: Readonly<Record<string, Policy<unknown>>> = {
  keepalive: keepAlivePolicy as Policy<unknown>,
  knative: knativePolicy() as Policy<unknown>,
  'keda-http': kedaHttpPolicy() as Policy<unknown>,
  dedicated: dedicatedPolicy as Policy<unknown>,
};
