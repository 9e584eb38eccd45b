// Kubernetes objects → the facts the ledger keeps: our StorageClasses, claims, our PVs (already placed
// volumes) and pods. Pure decoders; objects of other drivers decode to undefined.
import { ANNOTATIONS, decodeOpenLocalPv, quantityValueBytesOrUndefined, VOLUME_TYPES, type OpenLocalPv } from '@openlocal/crd-types';
import type { PvShape, PvcShape, ResourceRequirementsShape, StorageClassShape } from './k8s-shapes.js';
import type { Allocation } from './types.js';

/** One of our StorageClasses; parameters are kept raw and validated when a pod uses the class. */
export interface StorageClassInfo {
  name: string;
  parameters: Readonly<Record<string, string>>;
}

export interface ClaimInfo {
  key: string;
  storageClassName: string | undefined;
  /** Requested bytes, or the raw value that could not be parsed. */
  size: { bytes: number } | { invalid: string };
  volumeName: string | undefined;
  selectedNode: string | undefined;
  /** A VolumeSnapshot to restore or a claim to clone (`dataSourceRef`, else `dataSource`); others are not ours. */
  dataSource?: { kind: 'VolumeSnapshot' | 'PersistentVolumeClaim'; name: string };
}

/** An existing volume of our driver: it occupies `allocation` on `node` until the PV is deleted. */
export interface PvInfo {
  name: string;
  node: string;
  claimKey: string | undefined;
  allocation: Allocation;
}

export function storageClassInfo(sc: StorageClassShape, driverNames: readonly string[]): StorageClassInfo | undefined {
  if (!driverNames.includes(sc.provisioner ?? '')) return undefined;
  return { name: sc.metadata?.name ?? '', parameters: sc.parameters ?? {} };
}

/** The storage request of a claim: `requests.storage`, else `limits.storage` (Open-Local's rule). */
export function requestedSize(resources: ResourceRequirementsShape | undefined): ClaimInfo['size'] {
  const raw = resources?.requests?.['storage'] ?? resources?.limits?.['storage'];
  const text = typeof raw === 'string' || typeof raw === 'number' ? raw : undefined;
  const bytes = text === undefined ? undefined : quantityValueBytesOrUndefined(text);
  return bytes === undefined ? { invalid: JSON.stringify(raw ?? null) } : { bytes };
}

export function claimKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? 'default'}/${name ?? ''}`;
}

const SNAPSHOT_API_GROUP = 'snapshot.storage.k8s.io';

/** The content source of a claim the CSI plugin can restore or clone from; other kinds (populators) are not ours. */
function dataSourceOf(pvc: PvcShape): ClaimInfo['dataSource'] {
  const source = pvc.spec?.dataSourceRef ?? pvc.spec?.dataSource;
  if (source?.name === undefined || source.name === '') return undefined;
  if (source.kind === 'VolumeSnapshot' && source.apiGroup === SNAPSHOT_API_GROUP) return { kind: 'VolumeSnapshot', name: source.name };
  if (source.kind === 'PersistentVolumeClaim' && (source.apiGroup ?? '') === '') return { kind: 'PersistentVolumeClaim', name: source.name };
  return undefined;
}

export function claimInfo(pvc: PvcShape): ClaimInfo {
  const volumeName = pvc.spec?.volumeName;
  const dataSource = dataSourceOf(pvc);
  return {
    key: claimKey(pvc.metadata?.namespace, pvc.metadata?.name),
    storageClassName: pvc.spec?.storageClassName,
    size: requestedSize(pvc.spec?.resources),
    volumeName: volumeName === '' ? undefined : volumeName,
    selectedNode: pvc.metadata?.annotations?.[ANNOTATIONS.selectedNode] || undefined,
    ...(dataSource === undefined ? {} : { dataSource }),
  };
}

/** What the PV occupies, from the one PV decoder of crd-types (annotation first, then the attributes). */
function pvAllocation(pv: OpenLocalPv, key: string): Allocation {
  // Missing or unreadable capacity: 0, so the PV then occupies its device only.
  const sizeBytes = pv.capacityBytes ?? 0;
  switch (pv.volumeType) {
    case VOLUME_TYPES.device:
      return { kind: 'Device', key, sizeBytes, resourceName: pv.device ?? '', capacityBytes: sizeBytes };
    case VOLUME_TYPES.mountPoint:
      return { kind: 'MountPoint', key, sizeBytes, resourceName: pv.mountPoint ?? '', capacityBytes: sizeBytes };
    default: {
      // Any other volumeType (none written, or unknown) is charged as LVM, as Open-Local does.
      const vgName = pv.vgName ?? '';
      // A read-only restore is its snapshot LV, whose change space the agent counts as not ours (issue #17).
      if (pv.isReadOnlySnapshot) return { kind: 'LVM', key, sizeBytes: 0, vgName };
      // A thin volume takes room in its pool, not VG space; the class's thinPool is copied into the attributes.
      return pv.thinPool === undefined ? { kind: 'LVM', key, sizeBytes, vgName } : { kind: 'LVM', key, sizeBytes, vgName, thinPool: pv.thinPool };
    }
  }
}

/** Decodes a PV of our driver into what it occupies; other drivers' PVs and PVs without a node are undefined. */
export function pvInfo(pv: PvShape, driverNames: readonly string[]): PvInfo | undefined {
  if (!driverNames.includes(pv.spec?.csi?.driver ?? '')) return undefined;
  const decoded = decodeOpenLocalPv(pv);
  if (decoded?.node === undefined) return undefined;
  const ref = pv.spec?.claimRef;
  return { name: decoded.name, node: decoded.node, claimKey: ref ? claimKey(ref.namespace, ref.name) : undefined, allocation: pvAllocation(decoded, `pv:${decoded.name}`) };
}
