// Open-Local's metric families (pkg/metrics/metrics.go, reference §7) from the extender's view of the cluster,
// with the same names and labels, plus our reservation families. Pure: views and records in, samples out; the
// metrics adapter resets every family and sets these on each scrape, so a node or PV that left the cache
// leaves /metrics with it. Open-Local quirks fixed here (docs/observability.md):
// - local_device_available / local_mount_point_available were always the capacity; here 0 once bound.
// - local_local_pv took the claim's name from volume attributes only (empty without --extra-create-metadata);
//   here from claimRef first.
// - local_allocated_num is counted from PVs that exist, not from a cache counter that drifted.
import type { InlineRecord, PvRecord } from './metric-objects.js';
import type { Allocation, NodeView } from './types.js';

export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels;
  value: number;
}

export const OPEN_LOCAL_FAMILIES = [
  'local_volume_group_total', 'local_volume_group_used',
  'local_mount_point_total', 'local_mount_point_available', 'local_mount_point_bind',
  'local_device_total', 'local_device_available', 'local_device_bind',
  'local_allocated_num', 'local_local_pv', 'local_inline_volume',
  'openlocal_extender_planned_claims', 'openlocal_extender_planned_bytes',
] as const;
export type FamilyName = (typeof OPEN_LOCAL_FAMILIES)[number];
export type Series = Record<FamilyName, Sample[]>;

export interface SeriesInput {
  views: readonly NodeView[];
  /** The ledger's charges per node (keys `pv:<name>`, `inline:<uid>/<volume>`, or a claim key for a plan). */
  chargesByNode: ReadonlyMap<string, ReadonlyMap<string, Allocation>>;
  pvs: readonly PvRecord[];
  inline: readonly InlineRecord[];
}

function emptySeries(): Series {
  return Object.fromEntries(OPEN_LOCAL_FAMILIES.map((name) => [name, []])) as unknown as Series;
}

function addExclusive(series: Series, view: NodeView): void {
  const nodename = view.nodeName;
  for (const mp of view.mountPoints) {
    const labels = { nodename, name: mp.name, type: mp.mediaType ?? '' };
    series.local_mount_point_total.push({ labels, value: mp.capacityBytes });
    series.local_mount_point_available.push({ labels, value: mp.isTaken ? 0 : mp.capacityBytes });
    series.local_mount_point_bind.push({ labels: { nodename, name: mp.name }, value: mp.isTaken ? 1 : 0 });
  }
  for (const device of view.devices) {
    const labels = { nodename, name: device.name, type: device.mediaType ?? '' };
    series.local_device_total.push({ labels, value: device.capacityBytes });
    series.local_device_available.push({ labels, value: device.isTaken ? 0 : device.capacityBytes });
    series.local_device_bind.push({ labels: { nodename, name: device.name }, value: device.isTaken ? 1 : 0 });
  }
}

/** Charges that are neither a PV nor a bound inline volume are plans: claims decided but not provisioned yet. */
function isPlanKey(key: string): boolean {
  return !key.startsWith('pv:') && !key.startsWith('inline:');
}

function addPlans(series: Series, nodename: string, charges: ReadonlyMap<string, Allocation> | undefined): void {
  let count = 0;
  const bytesByVg = new Map<string, number>();
  for (const [key, allocation] of charges ?? []) {
    if (!isPlanKey(key)) continue;
    count += 1;
    if (allocation.kind === 'LVM') bytesByVg.set(allocation.vgName, (bytesByVg.get(allocation.vgName) ?? 0) + allocation.sizeBytes);
  }
  series.openlocal_extender_planned_claims.push({ labels: { nodename }, value: count });
  for (const [vgname, bytes] of bytesByVg) series.openlocal_extender_planned_bytes.push({ labels: { nodename, vgname }, value: bytes });
}

/** Pure: every sample of Open-Local's families and of the extender's plan families. */
export function openLocalSeries(input: SeriesInput): Series {
  const series = emptySeries();
  const known = new Set(input.views.map((view) => view.nodeName));
  const pvCount = new Map<string, number>();
  for (const pv of input.pvs) pvCount.set(pv.nodeName, (pvCount.get(pv.nodeName) ?? 0) + 1);
  for (const view of input.views) {
    const nodename = view.nodeName;
    for (const vg of view.volumeGroups) {
      series.local_volume_group_total.push({ labels: { nodename, vgname: vg.name }, value: vg.capacityBytes });
      series.local_volume_group_used.push({ labels: { nodename, vgname: vg.name }, value: vg.usedBytes });
    }
    addExclusive(series, view);
    series.local_allocated_num.push({ labels: { nodename }, value: pvCount.get(nodename) ?? 0 });
    addPlans(series, nodename, input.chargesByNode.get(nodename));
  }
  // PVs and inline volumes are reported for nodes whose NLS is known; a node that left takes them along.
  for (const pv of input.pvs) {
    if (!known.has(pv.nodeName)) continue;
    series.local_local_pv.push({
      labels: { nodename: pv.nodeName, pv_name: pv.pvName, pv_type: pv.pvType, pvc_name: pv.pvcName, pvc_ns: pv.pvcNamespace, status: pv.status, storage_name: pv.storageName },
      value: pv.sizeBytes,
    });
  }
  for (const volume of input.inline) {
    if (!known.has(volume.nodeName)) continue;
    series.local_inline_volume.push({
      labels: { pod_name: volume.podName, pod_namespace: volume.podNamespace, nodename: volume.nodeName, vgname: volume.vgName, volume_name: volume.volumeName },
      value: volume.sizeBytes,
    });
  }
  return series;
}
