/**
 * Cross-field checks: contradictions that a per-field schema cannot see.
 * Each returns issues with a path into the YAML, so they are reported with
 * file:line:col exactly like schema errors.
 */
import { checkTimezone, parseCron } from '../core/cron.js';
import { formatDuration } from '../core/duration.js';
import type { ModelConfig, ParsedConfig } from './schema.js';

/** What the checks need; sections that failed the schema are absent, so checks run on what did parse. */
export interface CheckableConfig {
  server?: ParsedConfig['server'] | undefined;
  gpus?: ParsedConfig['gpus'] | undefined;
  state?: ParsedConfig['state'] | undefined;
  models: (ModelConfig | undefined)[];
  /** Paths (formatted) under which a value was invalid and replaced by its default. */
  tainted?: string[];
}

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
  /** Other fields the contradiction involves. */
  related?: (string | number)[][];
}

export function crossFieldIssues(cfg: CheckableConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, string>();
  cfg.models.forEach((m, i) => {
    if (!m) return;
    const at = (...rest: (string | number)[]): (string | number)[] => ['models', i, ...rest];
    const s = m.scaling;
    if (s.minReplicas > s.maxReplicas) {
      issues.push({
        path: at('scaling', 'minReplicas'),
        related: [at('scaling', 'maxReplicas')],
        message: `minReplicas (${s.minReplicas}) is greater than maxReplicas (${s.maxReplicas})`,
      });
    }
    if (s.panicWindow > s.stableWindow) {
      issues.push({ path: at('scaling', 'panicWindow'), related: [at('scaling', 'stableWindow')], message: 'panicWindow is longer than stableWindow; the panic window must be the shorter one' });
    }
    const cap = s.maxConcurrencyPerReplica;
    if (cap !== undefined && cap > 0 && cap < s.targetConcurrency) {
      issues.push({ path: at('scaling', 'maxConcurrencyPerReplica'), related: [at('scaling', 'targetConcurrency')], message: `maxConcurrencyPerReplica (${cap}) is below targetConcurrency (${s.targetConcurrency}); replicas could never reach the target` });
    }
    (s.schedules ?? []).forEach((w, j) => {
      try {
        parseCron(w.cron);
      } catch (err) {
        issues.push({ path: at('scaling', 'schedules', j, 'cron'), message: (err as Error).message });
      }
      try {
        checkTimezone(w.timezone);
      } catch {
        issues.push({ path: at('scaling', 'schedules', j, 'timezone'), message: `unknown time zone "${w.timezone}" (expected an IANA name such as "Europe/Paris")` });
      }
      if (w.minReplicas > s.maxReplicas) {
        issues.push({ path: at('scaling', 'schedules', j, 'minReplicas'), related: [at('scaling', 'maxReplicas')], message: `schedule floor ${w.minReplicas} is above maxReplicas (${s.maxReplicas})` });
      }
    });
    const own = [m.name, ...m.aliases];
    own.forEach((n, j) => {
      const where = j === 0 ? at('name') : at('aliases', j - 1);
      const prev = names.get(n);
      if (prev !== undefined) issues.push({ path: where, message: `"${n}" is already used by model ${prev}` });
      else names.set(n, m.name);
    });
    if (m.provider.type === 'local' && cfg.gpus?.devices !== undefined && m.gpusPerReplica > cfg.gpus.devices.length) {
      issues.push({
        path: at('gpusPerReplica'),
        related: [['gpus', 'devices']],
        message: `gpusPerReplica (${m.gpusPerReplica}) exceeds the ${cfg.gpus.devices.length} GPUs listed in gpus.devices; no replica could ever start`,
      });
    }
  });
  const devices = cfg.gpus?.devices ?? [];
  const seen = new Set<string>();
  devices.forEach((d, i) => {
    if (seen.has(String(d))) issues.push({ path: ['gpus', 'devices', i], message: `GPU ${d} is listed twice` });
    seen.add(String(d));
  });
  issues.push(...leaseIssues(cfg.state));
  if (!cfg.server) return issues;
  const { port, adminPort, host, adminHost } = cfg.server;
  if (port !== 0 && port === adminPort && host === adminHost) {
    issues.push({ path: ['server', 'adminPort'], related: [['server', 'port']], message: `adminPort ${adminPort} is the same as port; the API and admin listeners need different ports` });
  }
  return issues;
}

/**
 * The coordinator renews the scaling lease once per round, and a round starts
 * every publishInterval (after that round's publish and read; a round still
 * running makes the next one skip). A lease that does not outlast two rounds
 * lapses after one slow or missed round, and the lease (with the policy state
 * it carries) changes hands. Worked example: publishInterval 1s, lease 2s: one
 * skipped round leaves 2s between renewals and the lease expires; lease 10s
 * (the default) rides out several missed rounds.
 */
function leaseIssues(state: CheckableConfig['state']): ConfigIssue[] {
  if (state?.type !== 'redis') return [];
  const { leaseDuration: lease, publishInterval: every } = state;
  if (lease > 2 * every) return [];
  return [
    {
      path: ['state', 'leaseDuration'],
      related: [['state', 'publishInterval']],
      message: `leaseDuration (${formatDuration(lease)}) must be more than twice publishInterval (${formatDuration(every)}): the lease is renewed once per publishInterval, so a shorter one lapses after a single slow or missed round and scaling changes hands`,
    },
  ];
}
