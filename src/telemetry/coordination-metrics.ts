/**
 * Metrics of gateway replicas sharing state: is the store reachable, which
 * role this gateway plays in scaling, how many gateways it sees.
 */
import { Gauge, type Registry } from 'prom-client';

export const ROLES = ['alone', 'leader', 'follower', 'degraded'] as const;

export interface CoordinationView {
  storeUp(): boolean | undefined;
  role(): (typeof ROLES)[number];
  gateways(): number;
}

export function registerCoordinationMetrics(registry: Registry, view: CoordinationView): void {
  const r = [registry];
  new Gauge({
    name: 'pilotlight_state_store_up',
    help: 'Whether the shared state store (Redis) answered the last round: 1 up, 0 down. Absent with in-memory state.',
    registers: r,
    collect() {
      const up = view.storeUp();
      if (up !== undefined) this.set(up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pilotlight_autoscaler_role',
    help: 'This gateway\'s scaling role (1 for the current one): alone, leader, follower, or degraded (store unreachable: scaling up only, on local load).',
    labelNames: ['role'],
    registers: r,
    collect() {
      const cur = view.role();
      for (const role of ROLES) this.set({ role }, role === cur ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pilotlight_gateway_replicas',
    help: 'Gateway replicas whose load this gateway sees (itself included).',
    registers: r,
    collect() {
      this.set(view.gateways());
    },
  });
}
