/**
 * Which policies a simulation can run and with which settings: the
 * baselines with their published defaults (docs/simulation.md cites each),
 * the oracle, and every policy registered in autoscaler/policies.ts POLICIES
 * (run with the model's own scaling config, as the gateway would).
 */
import { dedicatedPolicy } from '../autoscaler/baselines/dedicated-policy.js';
import { KEDA_HTTP_DEFAULTS, kedaHttpPolicy } from '../autoscaler/baselines/keda-http-policy.js';
import { keepAlivePolicy } from '../autoscaler/baselines/keepalive-policy.js';
import { KNATIVE_DEFAULTS, knativePolicy } from '../autoscaler/baselines/knative-policy.js';
import { POLICIES } from '../autoscaler/policies.js';
import type { Policy } from '../autoscaler/policy.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import type { PolicySetup } from './model-run.js';
import { oraclePolicy, oracleSchedule } from './oracle.js';
import { US_PER_MS, type ModelWorld } from './world.js';

/** What a policy may know about the model it is set up for. */
export interface ModelContext {
  name: string;
  index: number;
  world: ModelWorld;
  arrivalUs: Float64Array;
  serviceUs: Float64Array;
  /** Most requests in service at once if each were served on arrival. */
  peakConcurrency: number;
  /** The gateway's tick (autoscaler.tickInterval), ms. */
  tickMs: number;
}

export type PolicyKind = 'baseline' | 'registered' | 'oracle';

export interface SimPolicy {
  name: string;
  kind: PolicyKind;
  description: string;
  setup(ctx: ModelContext): PolicySetup;
}

/** Knative's per-pod target when containerConcurrency is unset: container-concurrency-target-default. */
const KNATIVE_TARGET_DEFAULT = 100;
/** container-concurrency-target-percentage / target utilisation (config.go defaultTargetUtilization). */
const KNATIVE_UTILISATION = 0.7;
/** HTTPScaledObject scalingMetric.concurrency.targetValue and scaledownPeriod defaults. */
const KEDA_TARGET_VALUE = 100;
const KEDA_SCALEDOWN_PERIOD_MS = 300_000;

export const DEFAULT_POLICY_NAMES = ['keepalive-60s', 'keepalive-300s', 'keepalive-600s', 'knative', 'keda-http', 'dedicated', 'oracle'];

/** Baselines and oracle first, then every registered policy. */
export function defaultPolicyNames(): string[] {
  return [...DEFAULT_POLICY_NAMES, ...Object.keys(POLICIES).filter((n) => !DEFAULT_POLICY_NAMES.includes(n))];
}

/** Looks a name up: keepalive-<duration>, knative, keda-http, dedicated, oracle, or a POLICIES key. */
export function simPolicy(name: string): SimPolicy {
  const registered = POLICIES[name];
  if (registered) return registeredPolicy(name, registered);
  const keep = /^keepalive-(.+)$/.exec(name);
  if (keep) {
    const ms = parseDuration(keep[1] ?? '');
    if (ms !== undefined) return keepAliveBaseline(ms, name);
  }
  const fixed: Record<string, () => SimPolicy> = { knative: knativeBaseline, 'keda-http': kedaHttpBaseline, dedicated: dedicatedBaseline, oracle: oracle };
  const make = fixed[name];
  if (!make) throw new Error(`unknown policy "${name}" (known: ${defaultPolicyNames().join(', ')}, keepalive-<duration>)`);
  return make();
}

/** A policy as the gateway runs it: the model's scaling config and the gateway's tick. */
export function registeredPolicy(name: string, policy: Policy<unknown>): SimPolicy {
  return {
    name,
    kind: 'registered',
    description: `registered policy "${name}" with the model's scaling config`,
    setup: (ctx) => ({ policy, scaling: ctx.world.scaling, tickMs: ctx.tickMs, warm: ctx.world.scaling.minReplicas > 0, startMs: 0 }),
  };
}

export function keepAliveBaseline(keepMs: number, name = `keepalive-${formatDuration(keepMs)}`): SimPolicy {
  return {
    name,
    kind: 'baseline',
    description: `fixed keep-alive: a replica stays ${formatDuration(keepMs)} after it last finished serving`,
    setup: (ctx) => ({
      policy: keepAlivePolicy as Policy<unknown>,
      scaling: { ...ctx.world.scaling, minReplicas: 0, scaledownWindow: keepMs, targetConcurrency: capOrInfinity(ctx.world) },
      tickMs: ctx.tickMs,
      warm: false,
      startMs: 0,
    }),
  };
}

function knativeBaseline(): SimPolicy {
  const policy = knativePolicy(KNATIVE_DEFAULTS) as Policy<unknown>;
  return {
    name: 'knative',
    kind: 'baseline',
    description: 'Knative KPA defaults: stable 60s, panic 6s at 200%, target 70% of container concurrency, grace 30s, tick 2s',
    setup: (ctx) => {
      const cap = ctx.world.maxConcurrencyPerReplica;
      const scaling = {
        ...ctx.world.scaling,
        minReplicas: 0,
        targetConcurrency: KNATIVE_UTILISATION * (cap > 0 ? cap : KNATIVE_TARGET_DEFAULT),
        stableWindow: 60_000,
        panicWindow: 6_000,
        panicThreshold: 2,
        maxScaleUpRate: 1000,
        scaledownWindow: 0,
      };
      return { policy, scaling, tickMs: 2_000, warm: false, startMs: 0 };
    },
  };
}

function kedaHttpBaseline(): SimPolicy {
  const policy = kedaHttpPolicy(KEDA_HTTP_DEFAULTS) as Policy<unknown>;
  return {
    name: 'keda-http',
    kind: 'baseline',
    description: 'KEDA HTTP add-on defaults: concurrency target 100, HPA every 15s with 300s scale-down stabilization, cooldown 300s',
    setup: (ctx) => ({
      policy,
      scaling: { ...ctx.world.scaling, minReplicas: 0, targetConcurrency: KEDA_TARGET_VALUE, scaledownWindow: KEDA_SCALEDOWN_PERIOD_MS },
      tickMs: ctx.tickMs,
      warm: false,
      startMs: 0,
    }),
  };
}

/** Replicas needed for the trace's peak: ceil(peak / cap), at most maxReplicas. */
export function dedicatedReplicas(world: ModelWorld, peakConcurrency: number): number {
  if (peakConcurrency <= 0) return 0;
  const cap = world.maxConcurrencyPerReplica;
  return Math.min(world.scaling.maxReplicas, cap > 0 ? Math.ceil(peakConcurrency / cap) : 1);
}

function dedicatedBaseline(): SimPolicy {
  return {
    name: 'dedicated',
    kind: 'baseline',
    description: 'dedicated peak provisioning: ceil(peak concurrency / per-replica cap) replicas, always on',
    setup: (ctx) => {
      const n = dedicatedReplicas(ctx.world, ctx.peakConcurrency);
      return { policy: dedicatedPolicy as Policy<unknown>, scaling: { ...ctx.world.scaling, minReplicas: n, maxReplicas: n }, tickMs: ctx.tickMs, warm: true, startMs: 0 };
    },
  };
}

function oracle(): SimPolicy {
  return {
    name: 'oracle',
    kind: 'oracle',
    description: 'knows the future: replicas ready just in time, kept across gaps shorter than a cold start (lower bound)',
    setup: (ctx) => {
      const { world } = ctx;
      const coldUs = Math.round(world.coldStart.medianMs * US_PER_MS);
      const schedule = oracleSchedule(ctx.arrivalUs, ctx.serviceUs, world.maxConcurrencyPerReplica, coldUs, world.scaling.maxReplicas);
      const first = schedule.timesUs[0] ?? 0;
      return {
        policy: oraclePolicy(schedule) as Policy<unknown>,
        scaling: { ...world.scaling, minReplicas: 0, targetConcurrency: capOrInfinity(world) },
        tickMs: ctx.tickMs,
        warm: false,
        startMs: Math.min(0, first / US_PER_MS),
      };
    },
  };
}

function capOrInfinity(world: ModelWorld): number {
  return world.maxConcurrencyPerReplica > 0 ? world.maxConcurrencyPerReplica : Infinity;
}
