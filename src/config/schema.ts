/**
 * The pilotlight config schema: strict (unknown keys are errors), with every
 * default in one place. Durations are strings ("30s", "5m") decoded to
 * milliseconds; sizes are strings ("4MiB") decoded to bytes. The JSON Schema
 * published at config/pilotlight.schema.json is generated from this file
 * (`pilotlight schema`), and a test keeps the two in sync.
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration, parseSize, SIZE_PATTERN } from '../core/duration.js';

const duration = (what: string) =>
  z
    .string({ error: 'expected a duration string such as "30s" or "5m" (a bare number has no unit)' })
    .regex(new RegExp(DURATION_PATTERN), { message: 'expected a duration such as "500ms", "30s", "5m" or "1h30m"' })
    .transform((s) => parseDuration(s) ?? 0)
    .describe(`${what} (a duration: "500ms", "30s", "5m", "1h")`);

const size = (what: string) =>
  z
    .string({ error: 'expected a size string such as "4MiB"' })
    .regex(new RegExp(SIZE_PATTERN), { message: 'expected a size such as "512KiB" or "4MiB"' })
    .transform((s) => parseSize(s) ?? 0)
    .describe(`${what} (a size: "512KiB", "4MiB")`);

const int = (min: number) => z.number().int().min(min);

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;
const modelName = z.string().regex(MODEL_NAME, { message: 'model names use letters, digits and . _ : / @ + -' });

const DEFAULT_COMMAND = 'pilotlight modelsim --port {port} --served-model-name {model} --profile llama-70b-h100-tp4';

export const localProviderSchema = z
  .strictObject({
    type: z.literal('local'),
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)])
      .default(DEFAULT_COMMAND)
      .describe(
        'Command that starts one replica, as a string (split like a shell would, no shell features) or an argv list. ' +
          'Placeholders: {port}, {host}, {model} (served model name), {replica} (replica index), {gpus} (comma-separated GPU ids). ' +
          'A leading "pilotlight" runs this same pilotlight installation.',
      ),
    env: z.record(z.string(), z.string()).default({}).describe('Extra environment variables for the replica; values take the same placeholders.'),
    cwd: z.string().optional().describe('Working directory of the replica process (default: the gateway\'s).'),
    host: z.string().prefault('127.0.0.1').describe('Address the replica listens on and the gateway connects to.'),
    healthPath: z.string().startsWith('/').default('/health').describe('Readiness/liveness endpoint; 200 means ready.'),
    startupTimeout: duration('How long a replica may take from spawn to its first healthy probe before it is killed as failed').prefault('20m'),
    probeInterval: duration('Interval of readiness probes while starting, and of liveness probes once ready').prefault('1s'),
    probeTimeout: duration('Timeout of one probe').prefault('2s'),
    livenessFailures: int(1).default(3).describe('Consecutive failed liveness probes before a ready replica is declared dead and replaced.'),
    drainTimeout: duration('On scale-down, how long in-flight requests may run before the replica is stopped anyway').prefault('60s'),
    stopTimeout: duration('Time between SIGTERM and SIGKILL').prefault('10s'),
    expectedColdStart: duration('Cold start assumed before any has been observed (drives Retry-After)').optional(),
  })
  .describe('Replicas as local child processes (the embedded default).');

export const staticProviderSchema = z
  .strictObject({
    type: z.literal('static'),
    endpoints: z
      .array(z.url({ message: 'expected a URL such as http://127.0.0.1:8000' }))
      .min(1)
      .describe('Base URLs of replicas that are always running; pilotlight routes to them but never starts or stops them.'),
    healthPath: z.string().startsWith('/').default('/health'),
    probeInterval: duration('Interval of health probes').prefault('2s'),
    probeTimeout: duration('Timeout of one probe').prefault('2s'),
  })
  .describe('A fixed set of already-running replicas (no scaling).');

export const kubernetesProviderSchema = z
  .strictObject({
    type: z.literal('kubernetes'),
    kind: z.enum(['Deployment', 'StatefulSet']).prefault('Deployment').describe('Kind of the workload whose replica count pilotlight owns.'),
    name: z.string().min(1).describe('Name of the Deployment/StatefulSet running the model server (e.g. a vLLM Deployment).'),
    namespace: z.string().min(1).optional().describe("Its namespace. Default: the gateway pod's own namespace in-cluster, else the kubeconfig context's."),
    port: int(1).max(65535).default(8000).describe('Container port the model server listens on (vLLM: 8000).'),
    healthPath: z.string().startsWith('/').default('/health').describe('Checked on a pod once Kubernetes reports it Ready, before it gets traffic.'),
    drainTimeout: duration('On scale-down, how long in-flight requests may run before the pod is removed anyway').prefault('60s'),
    expectedColdStart: duration('Cold start assumed before any has been observed (drives Retry-After)').optional(),
    kubeconfig: z.string().optional().describe('Path to a kubeconfig. Default: in-cluster credentials, else $KUBECONFIG or ~/.kube/config.'),
    context: z.string().optional().describe('kubeconfig context to use. Default: the current context.'),
  })
  .describe('Replicas as pods of a Deployment/StatefulSet, scaled through its scale subresource.');

export const providerSchema = z.discriminatedUnion('type', [localProviderSchema, staticProviderSchema, kubernetesProviderSchema]);

export const predictiveSchema = z
  .strictObject({
    coldStart: duration('Cold start assumed until one is observed; sets the warm-up lead. Default: provider.expectedColdStart, else 60s').optional(),
    leadMargin: duration('Extra warm-up lead beyond the learned cold start').prefault('5s'),
    warmProbability: z
      .number()
      .gt(0)
      .max(1)
      .default(0.3)
      .describe(
        'Hold or pre-warm a replica while (chance that the next request arrives within the warm-up lead) x (requests a cold start would delay, learned) is at least this. Lower: fewer cold starts, more GPU time.',
      ),
    minHistory: int(1).default(1).describe('Long idle gaps (longer than the warm-up lead) observed before the learned model is trusted; until then the reactive policy decides alone.'),
    historySize: int(8).max(4096).default(2048).describe('Idle gaps remembered, of each kind (short, long): a sliding window, so the pattern adapts.'),
    trend: z.boolean().default(true).describe('Extrapolate rising demand over the warm-up lead.'),
    profile: z.boolean().default(true).describe('Learn a time-of-day/day-of-week rate profile and warm up ahead of recurring busy hours.'),
  })
  .prefault({})
  .describe('Options of the predictive policy (ignored by the others).');

export const scheduleSchema = z.strictObject({
  cron: z
    .string()
    .regex(/^\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s*$/, { message: 'expected a 5-field cron expression: minute hour day-of-month month day-of-week' })
    .describe('When each window starts (5-field cron, e.g. "45 8 * * 1-5").'),
  duration: duration('How long each window lasts'),
  minReplicas: int(1).describe('Replica floor during the window.'),
  timezone: z.string().default('UTC').describe('IANA time zone of the cron expression, e.g. "Europe/Paris".'),
});

export const scalingSchema = z
  .strictObject({
    policy: z
      .enum(['reactive', 'predictive'])
      .prefault('reactive')
      .describe(
        'Scaling policy. reactive: Knative-KPA-style concurrency autoscaling. predictive: reactive plus learned warm-up ' +
          '(idle-gap model, time-of-day profile, trend, schedules); never below what reactive demands.',
      ),
    minReplicas: int(0).default(0).describe('Replicas kept even with no traffic. 0 allows scale to zero.'),
    maxReplicas: int(0).default(1).describe('Upper bound on replicas. 0 disables the model.'),
    targetConcurrency: z.number().positive().default(8).describe('Concurrent requests (in flight + queued) one replica should carry on average.'),
    maxConcurrencyPerReplica: int(0)
      .optional()
      .describe('Hard cap on requests in flight to one replica; more wait in the queue. Default: 2 x targetConcurrency, rounded up. 0 = no cap.'),
    scaledownWindow: duration('A replica stays up this long after it was last needed; the desired count is the maximum over this window').prefault('5m'),
    stableWindow: duration('Averaging window of the stable mode').prefault('60s'),
    panicWindow: duration('Averaging window of the panic (burst) mode').prefault('6s'),
    panicThreshold: z.number().min(1).default(2).describe('Enter panic mode when panic-window demand reaches this multiple of current capacity (2 = 200%).'),
    maxScaleUpRate: z.number().min(1).default(1000).describe('A scale-up at most multiplies the replica count by this factor per tick (Knative max-scale-up-rate).'),
    predictive: predictiveSchema,
    schedules: z.array(scheduleSchema).default([]).describe('Explicit warm-up windows (predictive policy): a replica floor from shortly before each cron start.'),
  })
  .describe('How the autoscaler sizes this model.');

export const queueSchema = z
  .strictObject({
    maxPending: int(0).default(1000).describe('Requests that may wait for a replica at once; more get queue_full (503). 0 = no queueing.'),
    timeout: duration('Longest a request waits for a replica before queue_timeout (503)').prefault('10m'),
  })
  .describe('The admission queue that holds requests while replicas start.');

export const routingSchema = z
  .strictObject({
    retries: int(0).default(2).describe('Further replicas tried when one fails before sending response headers.'),
    upstreamTimeout: duration('Longest wait for response headers from a replica (0s = none)').prefault('10m'),
  })
  .describe('How requests are sent to replicas.');

export const modelSchema = z.strictObject({
  name: modelName.describe('The model name clients send in the "model" field.'),
  aliases: z.array(modelName).default([]).describe('Other names that route to this model.'),
  servedModelName: modelName.optional().describe('The name the replicas serve (sent upstream in "model"). Default: name.'),
  gpusPerReplica: int(0).default(1).describe('GPUs one replica holds (tensor-parallel size); used for GPU assignment and GPU-seconds.'),
  gpuPricePerHour: z.number().min(0).optional().describe('Price of one GPU-hour for this model\'s GPUs, in dollars. Default: gpus.pricePerHour.'),
  provider: providerSchema.prefault({ type: 'local' }),
  scaling: scalingSchema.prefault({}),
  queue: queueSchema.prefault({}),
  routing: routingSchema.prefault({}),
});

export const stateSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({
        type: z.literal('memory'),
        path: z
          .string()
          .min(1)
          .nullable()
          .default('.pilotlight/state.json')
          .describe('File that keeps learned policy state across restarts (relative to the working directory); null: keep nothing.'),
      })
      .describe('In-process state: one gateway replica (the embedded default).'),
    z
      .strictObject({
        type: z.literal('redis'),
        url: z.string().default('redis://127.0.0.1:6379').describe('Redis URL (redis:// or rediss://, may carry user:password and a db number).'),
        keyPrefix: z.string().default('pilotlight:').describe('Prefix of every key pilotlight writes.'),
        leaseDuration: duration('How long the scaling lease lasts without renewal; a new leader takes over within it. Renewed once per publishInterval, so it must be more than twice publishInterval').prefault('10s'),
        publishInterval: duration('How often each gateway replica publishes its load').prefault('1s'),
      })
      .describe('State shared by several gateway replicas through Redis: load, the scaling lease, learned policy state.'),
  ])
  .prefault({ type: 'memory' });

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().prefault('127.0.0.1').describe('Address of the OpenAI API listener.'),
        port: int(0).max(65535).default(8080).describe('Port of the OpenAI API listener (0 = any free port).'),
        adminHost: z.string().prefault('127.0.0.1').describe('Address of the admin listener (/metrics, /healthz, /admin).'),
        adminPort: int(0).max(65535).default(9090).describe('Port of the admin listener (0 = any free port).'),
        maxBodySize: size('Largest request body accepted; larger gets body_too_large (413)').prefault('4MiB'),
        shutdownTimeout: duration('On SIGTERM, how long in-flight requests may finish').prefault('30s'),
      })
      .prefault({}),
    autoscaler: z
      .strictObject({
        tickInterval: duration('How often the autoscaler collects signals and decides').prefault('1s'),
      })
      .prefault({}),
    gpus: z
      .strictObject({
        devices: z.array(z.union([int(0), z.string().min(1)])).optional().describe(
          'GPU ids the local provider may hand out (CUDA_VISIBLE_DEVICES). Absent: GPUs are not assigned, only counted.',
        ),
        pricePerHour: z.number().min(0).default(0).describe('Price of one GPU-hour in dollars, for cost metrics.'),
      })
      .prefault({}),
    state: stateSchema,
    logging: z
      .strictObject({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).prefault('info').describe('Log level of the gateway (JSON lines on stdout). debug also shows replica output.'),
      })
      .prefault({}),
    models: z.array(modelSchema).min(1, { message: 'at least one model is required' }),
  })
  .describe('pilotlight gateway configuration');

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type LocalProviderConfig = z.output<typeof localProviderSchema>;
export type StaticProviderConfig = z.output<typeof staticProviderSchema>;
export type KubernetesProviderConfig = z.output<typeof kubernetesProviderSchema>;
export type StateConfig = z.output<typeof stateSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type ScalingConfig = z.output<typeof scalingSchema>;
export type QueueConfig = z.output<typeof queueSchema>;

/** The JSON Schema of the YAML (the input side: durations as strings). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return { ...schema, $id: 'https://github.com/pilotlight/pilotlight/config/pilotlight.schema.json', title: 'pilotlight config' };
}
