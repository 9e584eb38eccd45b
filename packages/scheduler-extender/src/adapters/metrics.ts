// Prometheus metrics of the extender on its own registry: request latency per route, cache sizes, informer
// restarts, and Open-Local's VG gauges (local_volume_group_total/_used) so its Grafana dashboard keeps working.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterState } from '../core/cluster-state.js';

export interface ExtenderMetrics {
  registry: Registry;
  requestDuration: Histogram<'route' | 'status'>;
  informerRestarts: Counter<'kind'>;
}

export function createMetrics(state: ClusterState, options: { withDefaultMetrics: boolean }): ExtenderMetrics {
  const registry = new Registry();
  if (options.withDefaultMetrics) collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'openlocal_extender_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and status.',
    labelNames: ['route', 'status'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const informerRestarts = new Counter({
    name: 'openlocal_extender_informer_restarts_total',
    help: 'Informer restarts after list or watch errors, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'openlocal_extender_cache_objects',
    help: 'Objects held in the extender cache, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(state.counts())) this.set({ kind }, count);
    },
  });
  const vgTotal = new Gauge({ name: 'local_volume_group_total', help: 'VG capacity in bytes (NLS allocatable).', labelNames: ['nodename', 'vgname'] as const, registers: [registry] });
  new Gauge({
    name: 'local_volume_group_used',
    help: 'Bytes charged to the VG: PVs, inline volumes and planned claims.',
    labelNames: ['nodename', 'vgname'] as const,
    registers: [registry],
    collect() {
      this.reset();
      vgTotal.reset();
      for (const node of state.ledger.nodeNames()) {
        for (const vg of state.ledger.view(node)?.volumeGroups ?? []) {
          vgTotal.set({ nodename: node, vgname: vg.name }, vg.capacityBytes);
          this.set({ nodename: node, vgname: vg.name }, vg.usedBytes);
        }
      }
    },
  });
  return { registry, requestDuration, informerRestarts };
}
