// The agent's Prometheus metrics, in a registry of its own. Per-VG and per-device gauges are reset each pass
// so that a VG or device that disappeared stops being reported.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeStorageInfo } from '@openlocal/crd-types';

export interface AgentMetrics {
  readonly registry: Registry;
  readonly statusWrites: Counter<'reason'>;
  readonly passes: Counter<'result'>;
  readonly passSeconds: Histogram;
  readonly informerRestarts: Counter<'informer'>;
  readonly vgActivations: Counter<'result'>;
  record(info: NodeStorageInfo): void;
}

export function createAgentMetrics(): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const vgTotal = new Gauge({ name: 'openlocal_agent_vg_total_bytes', help: 'Volume group size', labelNames: ['vg'], registers });
  const vgAvailable = new Gauge({ name: 'openlocal_agent_vg_available_bytes', help: 'Volume group free bytes', labelNames: ['vg'], registers });
  const vgAllocatable = new Gauge({ name: 'openlocal_agent_vg_allocatable_bytes', help: 'Bytes Open-Local may allocate in the VG', labelNames: ['vg'], registers });
  const vgLvs = new Gauge({ name: 'openlocal_agent_vg_lv_count', help: 'Logical volumes in the VG', labelNames: ['vg'], registers });
  const deviceSize = new Gauge({ name: 'openlocal_agent_device_size_bytes', help: 'Block device size', labelNames: ['device'], registers });
  return {
    registry,
    statusWrites: new Counter({ name: 'openlocal_agent_status_writes_total', help: 'NLS status writes by reason (changed, heartbeat, first)', labelNames: ['reason'], registers }),
    passes: new Counter({ name: 'openlocal_agent_discovery_passes_total', help: 'Discovery passes by result', labelNames: ['result'], registers }),
    passSeconds: new Histogram({ name: 'openlocal_agent_discovery_duration_seconds', help: 'Wall time of one discovery pass', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers }),
    informerRestarts: new Counter({ name: 'openlocal_agent_informer_restarts_total', help: 'List/watch restarts after errors', labelNames: ['informer'], registers }),
    vgActivations: new Counter({ name: 'openlocal_agent_vg_activations_total', help: 'VG activations at start by result', labelNames: ['result'], registers }),
    record(info) {
      for (const gauge of [vgTotal, vgAvailable, vgAllocatable, vgLvs, deviceSize]) gauge.reset();
      for (const vg of info.volumeGroups ?? []) {
        vgTotal.set({ vg: vg.name }, vg.total);
        vgAvailable.set({ vg: vg.name }, vg.available);
        vgAllocatable.set({ vg: vg.name }, vg.allocatable);
        vgLvs.set({ vg: vg.name }, vg.logicalVolumes?.length ?? 0);
      }
      for (const device of info.deviceInfo ?? []) deviceSize.set({ device: device.name ?? '' }, device.total);
    },
  };
}
