/**
 * A small Kubernetes API server on 127.0.0.1:0 (HTTPS, bearer-token auth)
 * that speaks the real JSON, for driving @kubernetes/client-node in tests:
 *
 *   GET/PUT/PATCH /apis/apps/v1/namespaces/NS/{deployments,statefulsets}/NAME[/scale]
 *   GET           /api/v1/namespaces/NS/pods?labelSelector=...          (PodList)
 *   GET           /api/v1/namespaces/NS/pods?watch=true&resourceVersion=...
 *                 (newline-delimited ADDED/MODIFIED/DELETED/BOOKMARK, ERROR 410)
 *   GET/PATCH     /api/v1/namespaces/NS/pods/NAME
 *
 * PATCH takes merge, strategic-merge and JSON Patch bodies. Knobs: failNext
 * (409/5xx on matching requests), expireWatches (410 Gone), dropWatches
 * (connections cut), bookmark. Every request is recorded with its body.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FakeController } from './controller.js';
import { rfc3339, scaleOf, status, type Workload, type WorkloadKind } from './objects.js';
import { applyPatch, PatchError } from './patch.js';
import { Store, type PodEventType } from './store.js';

const TLS_DIR = new URL('./tls/', import.meta.url);

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  status: number;
}

interface Fault {
  method: string | undefined;
  path: RegExp;
  status: number;
  times: number;
}

interface OpenWatch {
  res: ServerResponse;
  close(): void;
}

export interface WorkloadSpec {
  kind?: WorkloadKind;
  name: string;
  namespace?: string;
  replicas?: number;
  labels?: Record<string, string>;
  port?: number;
}

export class FakeKube {
  readonly requests: RecordedRequest[] = [];
  readonly store = new Store();
  readonly controller = new FakeController(this.store);
  readonly token = 'pilotlight-test-token-3f9a';
  private readonly faults: Fault[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly server: Server;
  private seq = 0;
  url = '';

  private constructor() {
    this.server = createServer({ key: readFileSync(new URL('server.key', TLS_DIR)), cert: readFileSync(new URL('server.crt', TLS_DIR)) }, (req, res) => void this.handle(req, res));
  }

  static async start(): Promise<FakeKube> {
    const k = new FakeKube();
    await new Promise<void>((resolve) => k.server.listen(0, '127.0.0.1', resolve));
    k.url = `https://127.0.0.1:${(k.server.address() as AddressInfo).port}`;
    return k;
  }

  /** A Deployment (default) or StatefulSet whose pods carry `labels` (default app=NAME). */
  addWorkload(spec: WorkloadSpec): Workload {
    const kind = spec.kind ?? 'Deployment';
    const labels = spec.labels ?? { app: spec.name };
    const w: Workload = {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: spec.name, namespace: spec.namespace ?? 'default', uid: this.store.uid(), resourceVersion: '', creationTimestamp: rfc3339(Date.now()), generation: 1, labels },
      spec: {
        replicas: spec.replicas ?? 0,
        selector: { matchLabels: labels },
        ...(kind === 'StatefulSet' ? { serviceName: spec.name } : {}),
        template: { metadata: { labels }, spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.8.5', ports: [{ containerPort: spec.port ?? 8000 }] }] } },
      },
      status: { observedGeneration: 1, replicas: 0, readyReplicas: 0, availableReplicas: 0 },
    };
    this.store.saveWorkload(w);
    this.controller.reconcile(w);
    return w;
  }

  /** The next `times` requests matching method and path get `code` (a Status body). */
  failNext(code: number, match: { method?: string; path: RegExp }, times = 1): void {
    this.faults.push({ method: match.method, path: match.path, status: code, times });
  }

  /** Compacts history and ends every open watch with ERROR 410: clients must re-list. */
  expireWatches(): void {
    this.store.compact();
    for (const w of [...this.watches]) {
      const rv = this.store.compactedBefore;
      w.res.end(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${rv - 1} (${rv})`) })}\n`);
      w.close();
    }
  }

  /** Cuts every open watch connection (no clean end). */
  dropWatches(): void {
    for (const w of [...this.watches]) {
      w.res.socket?.destroy();
      w.close();
    }
  }

  /** Sends a BOOKMARK with the current resourceVersion to every open watch. */
  bookmark(): void {
    const ev = { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.store.resourceVersion) } } };
    for (const w of this.watches) w.res.write(`${JSON.stringify(ev)}\n`);
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** Recorded requests by method and path pattern. */
  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** A kubeconfig for this server (CA data, bearer token, namespace), written to `dir`. */
  writeKubeconfig(dir: string, namespace = 'default'): string {
    const ca = readFileSync(new URL('ca.crt', TLS_DIR)).toString('base64');
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: ${this.url}`,
        `    certificate-authority-data: ${ca}`,
        'users:',
        '- name: tester',
        '  user:',
        `    token: ${this.token}`,
        'contexts:',
        '- name: fake',
        '  context:',
        '    cluster: fake',
        '    user: tester',
        `    namespace: ${namespace}`,
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return file;
  }

  async close(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake');
    const body = await readBody(req);
    const rec: RecordedRequest = { seq: ++this.seq, method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'], body, status: 0 };
    this.requests.push(rec);
    const send = (code: number, obj: unknown): void => {
      rec.status = code;
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(obj));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const fault = this.faults.find((f) => f.times > 0 && (!f.method || f.method === rec.method) && f.path.test(rec.path));
    if (fault) {
      fault.times--;
      return send(fault.status, faultStatus(fault.status, rec.path));
    }
    try {
      const out = this.route(rec, req, res);
      if (out) send(out[0], out[1]);
      else rec.status = 200; // a watch stream
    } catch (err) {
      if (err instanceof PatchError) return send(err.status, status(err.status, err.status === 415 ? 'UnsupportedMediaType' : 'Invalid', err.message));
      send(500, status(500, 'InternalError', String(err)));
    }
  }

  private route(rec: RecordedRequest, req: IncomingMessage, res: ServerResponse): [number, unknown] | undefined {
    const wl = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)(\/scale)?$/.exec(rec.path);
    if (wl) return this.workloadRoute(rec, decodeURIComponent(wl[1] ?? ''), wl[2] === 'deployments' ? 'Deployment' : 'StatefulSet', decodeURIComponent(wl[3] ?? ''), wl[4] !== undefined);
    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(rec.path);
    if (pods) {
      const ns = decodeURIComponent(pods[1] ?? '');
      if (pods[2]) return this.podRoute(rec, ns, decodeURIComponent(pods[2]));
      if (rec.method !== 'GET') return [405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')];
      if (rec.query.watch === 'true' || rec.query.watch === '1') {
        this.watch(rec, ns, req, res);
        return undefined;
      }
      const items = this.store.pods(ns, rec.query.labelSelector ?? '').map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
      return [200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.store.resourceVersion) }, items }];
    }
    return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
  }

  private workloadRoute(rec: RecordedRequest, ns: string, kind: WorkloadKind, name: string, scale: boolean): [number, unknown] {
    const w = this.store.workload(kind, ns, name);
    const resource = kind === 'Deployment' ? 'deployments' : 'statefulsets';
    if (!w) return [404, status(404, 'NotFound', `${resource}.apps "${name}" not found`, { name, group: 'apps', kind: resource })];
    const view = (): unknown => (scale ? scaleOf(w) : w);
    if (rec.method === 'GET') return [200, view()];
    let replicas: unknown;
    if (rec.method === 'PUT') replicas = (rec.body as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas ?? 0;
    else if (rec.method === 'PATCH') replicas = (applyPatch(view(), rec.body, rec.contentType) as { spec?: { replicas?: unknown } }).spec?.replicas ?? 0;
    else return [405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')];
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      return [422, status(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}`)];
    }
    if (replicas !== w.spec.replicas) {
      w.spec.replicas = replicas;
      w.metadata.generation = (w.metadata.generation ?? 1) + 1;
      this.store.saveWorkload(w);
      // The controllers react asynchronously, after the API call returned.
      setImmediate(() => this.controller.reconcile(w));
    }
    return [200, view()];
  }

  private podRoute(rec: RecordedRequest, ns: string, name: string): [number, unknown] {
    const pod = this.store.pod(ns, name);
    if (!pod) return [404, status(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' })];
    if (rec.method === 'GET') return [200, pod];
    if (rec.method !== 'PATCH') return [405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')];
    const patched = applyPatch(pod, rec.body, rec.contentType) as typeof pod;
    patched.metadata.name = name;
    patched.metadata.namespace = ns;
    return [200, this.store.savePod(patched)];
  }

  private watch(rec: RecordedRequest, ns: string, req: IncomingMessage, res: ServerResponse): void {
    const selector = rec.query.labelSelector ?? '';
    const rvParam = rec.query.resourceVersion;
    const line = (type: string, object: unknown): boolean => res.write(`${JSON.stringify({ type, object })}\n`);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    if (rvParam && rvParam !== '0') {
      const events = this.store.since(Number(rvParam), ns, selector);
      if (!events) {
        res.end(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${rvParam} (${this.store.compactedBefore})`) })}\n`);
        return;
      }
      for (const e of events) line(e.type, e.pod);
    } else for (const p of this.store.pods(ns, selector)) line('ADDED', p);
    const unsubscribe = this.store.subscribe({ namespace: ns, selector, send: (type: PodEventType, pod) => line(type, pod) });
    const w: OpenWatch = {
      res,
      close: () => {
        unsubscribe();
        this.watches.delete(w);
      },
    };
    this.watches.add(w);
    req.on('close', w.close);
    res.on('close', w.close);
  }
}

function faultStatus(code: number, path: string): Record<string, unknown> {
  const name = path.split('/').filter(Boolean).at(-2) ?? '';
  if (code === 409) return status(409, 'Conflict', `Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`);
  if (code === 429) return status(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later');
  if (code === 403) return status(403, 'Forbidden', `deployments.apps "${name}" is forbidden: User "system:serviceaccount:default:pilotlight" cannot patch resource "deployments/scale" in API group "apps"`);
  return status(code, code === 503 ? 'ServiceUnavailable' : 'InternalError', code === 503 ? 'the server is currently unable to handle the request' : 'Internal error occurred: etcdserver: request timed out');
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
