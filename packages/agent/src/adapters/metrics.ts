// The agent's Prometheus metrics, in a registry of its own. Per-VG, per-device and per-thin-pool gauges are
// reset each pass so that storage that disappeared stops being reported; each carries the node's name
// (`nodename`, Open-Local's label) so capacity per node needs no relabelling. Commands run on the node are
// timed through observeCommand (openlocal_command_*).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeStorageInfo } from '@openlocal/crd-types';
import { createCommandMetrics, type ObservedCommand } from '@openlocal/kube-runtime';
import type { LogicalVolume } from '@openlocal/lvm';
import { storageSeries } from '../core/storage-series.js';

export interface AgentMetrics {
  readonly registry: Registry;
  readonly statusWrites: Counter<'reason'>;
  readonly passes: Counter<'result'>;
  readonly passSeconds: Histogram;
  readonly informerRestarts: Counter<'informer'>;
  readonly vgActivations: Counter<'result'>;
  readonly observeCommand: (record: ObservedCommand) => void;
  /** Records one finished pass: the status it computed, lvm's LVs (for thin pools) and when, in ms since the epoch. */
  record(info: NodeStorageInfo, lvs: readonly LogicalVolume[], nowMs: number): void;
}

type Labels = 'nodename' | 'vg';

function gauge<T extends string>(registry: Registry, shape: { name: string; help: string; labelNames: readonly T[] }): Gauge<T> {
  return new Gauge({ ...shape, registers: [registry] });
}

export function createAgentMetrics(nodeName = ''): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const vgLabels: readonly Labels[] = ['nodename', 'vg'];
  const vgTotal = gauge(registry, { name: 'openlocal_agent_vg_total_bytes', help: 'Volume group size', labelNames: vgLabels });
  const vgAvailable = gauge(registry, { name: 'openlocal_agent_vg_available_bytes', help: 'Volume group free bytes', labelNames: vgLabels });
  const vgAllocatable = gauge(registry, { name: 'openlocal_agent_vg_allocatable_bytes', help: 'Bytes Open-Local may allocate in the VG (NLS allocatable)', labelNames: vgLabels });
  const vgLvs = gauge(registry, { name: 'openlocal_agent_vg_lv_count', help: 'Logical volumes in the VG', labelNames: vgLabels });
  const deviceSize = gauge(registry, { name: 'openlocal_agent_device_size_bytes', help: 'Block device size', labelNames: ['nodename', 'device'] });
  const poolSize = gauge(registry, { name: 'openlocal_agent_thin_pool_size_bytes', help: 'Thin pool size', labelNames: ['nodename', 'vg', 'pool'] });
  const poolUsed = gauge(registry, { name: 'openlocal_agent_thin_pool_data_used_ratio', help: 'Thin pool data used, 0..1 (only while lvm reports it)', labelNames: ['nodename', 'vg', 'pool'] });
  const lastPass = gauge(registry, { name: 'openlocal_agent_last_pass_timestamp_seconds', help: 'When the last discovery pass finished (seconds since the epoch)', labelNames: ['nodename'] });
  return {
    registry,
    statusWrites: new Counter({ name: 'openlocal_agent_status_writes_total', help: 'NLS status writes by reason (changed, heartbeat, first)', labelNames: ['reason'], registers }),
    passes: new Counter({ name: 'openlocal_agent_discovery_passes_total', help: 'Discovery passes by result', labelNames: ['result'], registers }),
    passSeconds: new Histogram({ name: 'openlocal_agent_discovery_duration_seconds', help: 'Wall time of one discovery pass', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers }),
    informerRestarts: new Counter({ name: 'openlocal_agent_informer_restarts_total', help: 'List/watch restarts after errors', labelNames: ['informer'], registers }),
    vgActivations: new Counter({ name: 'openlocal_agent_vg_activations_total', help: 'VG activations at start by result', labelNames: ['result'], registers }),
    observeCommand: createCommandMetrics(registry),
    record(info, lvs, nowMs) {
      for (const g of [vgTotal, vgAvailable, vgAllocatable, vgLvs, deviceSize, poolSize, poolUsed]) g.reset();
      const series = storageSeries(info, lvs);
      for (const vg of series.vgs) {
        const labels = { nodename: nodeName, vg: vg.vg };
        vgTotal.set(labels, vg.totalBytes);
        vgAvailable.set(labels, vg.availableBytes);
        vgAllocatable.set(labels, vg.allocatableBytes);
        vgLvs.set(labels, vg.lvCount);
      }
      for (const device of series.devices) deviceSize.set({ nodename: nodeName, device: device.device }, device.sizeBytes);
      for (const pool of series.thinPools) {
        const labels = { nodename: nodeName, vg: pool.vg, pool: pool.pool };
        poolSize.set(labels, pool.sizeBytes);
        if (pool.dataUsedRatio !== undefined) poolUsed.set(labels, pool.dataUsedRatio);
      }
      lastPass.set({ nodename: nodeName }, nowMs / 1000);
    },
  };
}
