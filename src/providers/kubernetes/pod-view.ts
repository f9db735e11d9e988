/**
 * A pod reduced to what the provider reads, with times as epoch ms.
 *
 * Pods reach us two ways: from LIST, deserialised by the client library
 * (timestamps are Date objects), and from WATCH, as raw JSON (timestamps
 * are RFC 3339 strings). Both are normalised here, once, so the mapping
 * and the phase arithmetic see one shape. Kubernetes timestamps have
 * one-second resolution.
 */

type Time = Date | string | null | undefined;

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: Time;
}

interface RawContainerState {
  waiting?: { reason?: string; message?: string } | null;
  running?: { startedAt?: Time } | null;
  terminated?: { reason?: string; message?: string; exitCode?: number } | null;
}

interface RawContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: RawContainerState | null;
  lastState?: RawContainerState | null;
}

/** The fields of a v1 Pod we read (a structural subset of the library's V1Pod and of the JSON). */
export interface RawPod {
  metadata?: {
    name?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: Time;
    deletionTimestamp?: Time;
    annotations?: Record<string, string> | null;
  } | null;
  spec?: { nodeName?: string } | null;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    podIP?: string;
    conditions?: RawCondition[] | null;
    containerStatuses?: RawContainerStatus[] | null;
  } | null;
}

export interface PodCondition {
  type: string;
  status: string;
  reason: string | undefined;
  message: string | undefined;
  at: number | undefined;
}

export interface ContainerTermination {
  reason: string | undefined;
  exitCode: number | undefined;
  message: string | undefined;
}

export interface ContainerView {
  name: string;
  ready: boolean;
  restartCount: number;
  waiting: { reason: string | undefined; message: string | undefined } | undefined;
  runningSince: number | undefined;
  terminated: ContainerTermination | undefined;
  lastTerminated: ContainerTermination | undefined;
}

export interface PodView {
  name: string;
  uid: string;
  resourceVersion: string;
  createdAt: number;
  deletingAt: number | undefined;
  phase: string;
  reason: string | undefined;
  message: string | undefined;
  podIP: string | undefined;
  nodeName: string | undefined;
  conditions: PodCondition[];
  containers: ContainerView[];
  annotations: Readonly<Record<string, string>>;
}

export function toMs(t: Time): number | undefined {
  if (t === null || t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

function termination(t: RawContainerState['terminated']): ContainerTermination | undefined {
  return t ? { reason: t.reason, exitCode: t.exitCode, message: t.message } : undefined;
}

function container(c: RawContainerStatus): ContainerView {
  return {
    name: c.name ?? '',
    ready: c.ready === true,
    restartCount: c.restartCount ?? 0,
    waiting: c.state?.waiting ? { reason: c.state.waiting.reason, message: c.state.waiting.message } : undefined,
    runningSince: c.state?.running ? toMs(c.state.running.startedAt) : undefined,
    terminated: termination(c.state?.terminated),
    lastTerminated: termination(c.lastState?.terminated),
  };
}

/** Normalises a pod from LIST or WATCH; undefined when it lacks a name (not a pod). */
export function toPodView(raw: RawPod): PodView | undefined {
  const md = raw.metadata;
  if (!md?.name) return undefined;
  const st = raw.status ?? {};
  return {
    name: md.name,
    uid: md.uid ?? md.name,
    resourceVersion: md.resourceVersion ?? '',
    createdAt: toMs(md.creationTimestamp) ?? 0,
    deletingAt: toMs(md.deletionTimestamp),
    phase: st.phase ?? 'Pending',
    reason: st.reason,
    message: st.message,
    podIP: st.podIP || undefined,
    nodeName: raw.spec?.nodeName || undefined,
    conditions: (st.conditions ?? []).map((c) => ({
      type: c.type ?? '',
      status: c.status ?? 'Unknown',
      reason: c.reason,
      message: c.message,
      at: toMs(c.lastTransitionTime),
    })),
    containers: (st.containerStatuses ?? []).map(container),
    annotations: md.annotations ?? {},
  };
}

export function condition(p: PodView, type: string): PodCondition | undefined {
  return p.conditions.find((c) => c.type === type);
}
