// The few facts about PVs and pods that Open-Local's metric families label with but the ledger does not keep
// (claim names, PV phase, pod names of inline volumes). Fed by the same informer events as the cluster state;
// only our driver's PVs and bound pods with our inline volumes are kept, so it stays small.
import { inlineDemands } from './demand.js';
import type { PodShape, PvShape } from './k8s-shapes.js';
import { pvInfo } from './objects.js';
import type { VolumeType } from './types.js';

/** One PV of our driver, as `local_local_pv` labels it. */
export interface PvRecord {
  pvName: string;
  nodeName: string;
  pvType: VolumeType;
  /** The VG, device or mount point the volume lives on. */
  storageName: string;
  pvcName: string;
  pvcNamespace: string;
  /** The PV's phase (Bound, Released, ...). */
  status: string;
  sizeBytes: number;
}

/** One inline ephemeral volume of a bound pod, as `local_inline_volume` labels it. */
export interface InlineRecord {
  podUid: string;
  podName: string;
  podNamespace: string;
  nodeName: string;
  vgName: string;
  volumeName: string;
  sizeBytes: number;
}

type PvWithPhase = PvShape & { status?: { phase?: string } };

/**
 * The claim of a PV. Open-Local read it from the csi.storage.k8s.io/pvc/* volume attributes only, which exist
 * only when the provisioner ran with --extra-create-metadata; claimRef is always there for a bound PV.
 */
function claimOf(pv: PvWithPhase): { name: string; namespace: string } {
  const ref = pv.spec?.claimRef;
  const attributes = pv.spec?.csi?.volumeAttributes ?? {};
  return {
    name: ref?.name ?? attributes['csi.storage.k8s.io/pvc/name'] ?? '',
    namespace: ref?.namespace ?? attributes['csi.storage.k8s.io/pvc/namespace'] ?? '',
  };
}

/** Pure: the record of a PV of one of `driverNames`, or undefined (another driver, or no node). */
export function pvRecord(pv: PvWithPhase, driverNames: readonly string[]): PvRecord | undefined {
  const info = pvInfo(pv, driverNames);
  if (info === undefined) return undefined;
  const claim = claimOf(pv);
  const allocation = info.allocation;
  return {
    pvName: info.name,
    nodeName: info.node,
    pvType: allocation.kind,
    storageName: allocation.kind === 'LVM' ? allocation.vgName : allocation.resourceName,
    pvcName: claim.name,
    pvcNamespace: claim.namespace,
    status: pv.status?.phase ?? '',
    sizeBytes: allocation.sizeBytes,
  };
}

/** Pure: the inline LVM volumes of a bound, still running pod. */
export function inlineRecords(pod: PodShape, driverNames: readonly string[]): InlineRecord[] {
  const nodeName = pod.spec?.nodeName ?? '';
  const phase = pod.status?.phase;
  if (nodeName === '' || phase === 'Succeeded' || phase === 'Failed') return [];
  return inlineDemands(pod, driverNames).flatMap((demand) => {
    if (demand.kind !== 'LVM' || demand.vgName === undefined) return [];
    const volumeName = demand.key.slice(demand.key.lastIndexOf('/') + 1);
    return [{ podUid: pod.metadata?.uid ?? '', podName: pod.metadata?.name ?? '', podNamespace: pod.metadata?.namespace ?? '', nodeName, vgName: demand.vgName, volumeName, sizeBytes: demand.sizeBytes }];
  });
}

/** The records, kept per PV name and per pod UID. */
export class MetricObjects {
  private readonly pvs = new Map<string, PvRecord>();
  private readonly inline = new Map<string, InlineRecord[]>();

  constructor(private readonly driverNames: readonly string[]) {}

  upsertPv(pv: PvWithPhase): void {
    const record = pvRecord(pv, this.driverNames);
    if (record === undefined) this.pvs.delete(pv.metadata?.name ?? '');
    else this.pvs.set(record.pvName, record);
  }

  deletePv(pv: PvShape): void {
    this.pvs.delete(pv.metadata?.name ?? '');
  }

  upsertPod(pod: PodShape): void {
    const uid = pod.metadata?.uid ?? '';
    const records = inlineRecords(pod, this.driverNames);
    if (records.length === 0) this.inline.delete(uid);
    else this.inline.set(uid, records);
  }

  deletePod(pod: PodShape): void {
    this.inline.delete(pod.metadata?.uid ?? '');
  }

  pvRecords(): PvRecord[] {
    return [...this.pvs.values()];
  }

  inlineRecords(): InlineRecord[] {
    return [...this.inline.values()].flat();
  }
}
