/**
 * The simulator's public face (docs/simulation.md). Run a policy against a
 * trace in code:
 *
 *   import { loadTrace } from './sim/traces/index.js';
 *   import { simulate, simPolicy, registeredPolicy, worldFor } from './sim/index.js';
 *
 *   const cols = loadTrace('AzureLLMInferenceTrace_code.csv');
 *   const world = worldFor({ defaultColdStartMs: 30_000, traceHasTokens: cols.info.hasTokens });
 *   const r = simulate(cols, { policies: [simPolicy('keepalive-60s'), registeredPolicy('mine', myPolicy)], world });
 *   r.policies[1].coldStartFraction; r.policies[1].gpuSeconds;
 */
export { simulate, groupByModel, type SimulationOptions, type SimulationResult } from './simulate.js';
export {
  DEFAULT_POLICY_NAMES,
  defaultPolicyNames,
  dedicatedReplicas,
  keepAliveBaseline,
  registeredPolicy,
  simPolicy,
  type ModelContext,
  type PolicyKind,
  type SimPolicy,
} from './catalogue.js';
export { runModel, type ModelRunInput, type ModelRunResult, type PolicySetup } from './model-run.js';
export { idealLevels, idealPeak, oraclePolicy, oracleSchedule, type Schedule } from './oracle.js';
export { SIM_DEFAULTS, worldFor, type WorldSettings } from './setup.js';
export type { DedicatedReference, ModelUsage, PolicyResult, Usage } from './results.js';
export type { ColdStartSpec, ModelWorld, ServiceSpec } from './world.js';
export { jsonReport, type RunDescription } from './report/json.js';
export { textReport } from './report/text.js';
export { htmlReport } from './report/html.js';
