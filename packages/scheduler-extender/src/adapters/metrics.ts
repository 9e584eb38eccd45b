// Prometheus metrics of the extender on its own registry: request latency per route (filter = predicates,
// score = priorities), cache sizes, informer restarts, and Open-Local's families (local_*) with the same names
// and labels so its Grafana dashboard keeps working. Every local_* family is rebuilt from the cache on each
// scrape (reset first), as Open-Local did: a node or PV that left the cache leaves /metrics with it, and a
// scrape during an API-server outage serves the last known cache instead of failing.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterState } from '../core/cluster-state.js';
import type { MetricObjects } from '../core/metric-objects.js';
import { openLocalSeries, OPEN_LOCAL_FAMILIES, type FamilyName, type Series, type SeriesInput } from '../core/open-local-series.js';
import type { Allocation, NodeView } from '../core/types.js';

export interface ExtenderMetrics {
  registry: Registry;
  requestDuration: Histogram<'route' | 'status'>;
  informerRestarts: Counter<'kind'>;
  /** Requests refused by the request limits (request-limits.ts), by reason. */
  requestsRefused: Counter<'reason'>;
}

const FAMILY_SHAPES: Record<FamilyName, { help: string; labelNames: readonly string[] }> = {
  local_volume_group_total: { help: 'VG capacity in bytes (NLS allocatable).', labelNames: ['nodename', 'vgname'] },
  local_volume_group_used: { help: 'Bytes charged to the VG: PVs, inline volumes and planned claims.', labelNames: ['nodename', 'vgname'] },
  local_mount_point_total: { help: 'Mount point capacity in bytes.', labelNames: ['nodename', 'name', 'type'] },
  local_mount_point_available: { help: 'Mount point bytes free for a new volume (0 once bound; Open-Local reported the capacity).', labelNames: ['nodename', 'name', 'type'] },
  local_mount_point_bind: { help: '1 when a volume holds the mount point, else 0.', labelNames: ['nodename', 'name'] },
  local_device_total: { help: 'Device capacity in bytes.', labelNames: ['nodename', 'name', 'type'] },
  local_device_available: { help: 'Device bytes free for a new volume (0 once bound; Open-Local reported the capacity).', labelNames: ['nodename', 'name', 'type'] },
  local_device_bind: { help: '1 when a volume holds the device, else 0.', labelNames: ['nodename', 'name'] },
  local_allocated_num: { help: 'PVs of Open-Local on the node.', labelNames: ['nodename'] },
  local_local_pv: { help: 'PV capacity in bytes, per PV of Open-Local.', labelNames: ['nodename', 'pv_name', 'pv_type', 'pvc_name', 'pvc_ns', 'status', 'storage_name'] },
  local_inline_volume: { help: 'Inline ephemeral volume size in bytes, per volume of a bound pod.', labelNames: ['pod_name', 'pod_namespace', 'nodename', 'vgname', 'volume_name'] },
  openlocal_extender_planned_claims: { help: 'Claims charged to the node that have no PV yet (filter reservations and confirmed plans).', labelNames: ['nodename'] },
  openlocal_extender_planned_bytes: { help: 'Bytes of planned claims per VG (part of local_volume_group_used).', labelNames: ['nodename', 'vgname'] },
};

/** The cache as the series and the storage picture read it: every node's view and charges, PVs and inline volumes. */
export function cacheSnapshot(state: ClusterState, objects: MetricObjects): SeriesInput {
  const views: NodeView[] = [];
  const chargesByNode = new Map<string, ReadonlyMap<string, Allocation>>();
  for (const node of state.ledger.nodeNames()) {
    const view = state.ledger.view(node);
    if (view === undefined) continue;
    views.push(view);
    chargesByNode.set(node, state.ledger.chargesOn(node));
  }
  return { views, chargesByNode, pvs: objects.pvRecords(), inline: objects.inlineRecords() };
}

/**
 * Open-Local's families. One metrics() call collects every family in the same synchronous loop, so the samples
 * are computed once per scrape and dropped at the next microtask (a later scrape always sees fresh state).
 */
function registerOpenLocalFamilies(registry: Registry, source: () => Series): void {
  let scrape: Series | undefined;
  const current = (): Series => {
    if (scrape === undefined) {
      scrape = source();
      queueMicrotask(() => (scrape = undefined));
    }
    return scrape;
  };
  for (const name of OPEN_LOCAL_FAMILIES) {
    const { help, labelNames } = FAMILY_SHAPES[name];
    new Gauge({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        for (const sample of current()[name]) this.set(sample.labels, sample.value);
      },
    });
  }
}

export function createMetrics(state: ClusterState, options: { withDefaultMetrics: boolean; objects: MetricObjects }): ExtenderMetrics {
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
  const requestsRefused = new Counter({
    name: 'openlocal_extender_requests_refused_total',
    help: 'Requests refused before decoding: body-too-large (413), too-many-requests or too-many-bytes (429).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  registerOpenLocalFamilies(registry, () => openLocalSeries(cacheSnapshot(state, options.objects)));
  return { registry, requestDuration, informerRestarts, requestsRefused };
}
