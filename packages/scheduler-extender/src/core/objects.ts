// Kubernetes objects → the facts the ledger keeps: our StorageClasses, claims, our PVs (already placed
// volumes) and pods. Pure decoders; objects of other drivers decode to undefined.
import { ANNOTATIONS, quantityValueBytesOrUndefined, STORAGE_CLASS_PARAMS, TOPOLOGY_KEY, VOLUME_CONTEXT_KEYS, VOLUME_TYPES } from '@openlocal/crd-types';
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

function pvNode(pv: PvShape): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const expression of term.matchExpressions ?? []) {
      if (expression.key === TOPOLOGY_KEY && expression.operator === 'In') return expression.values?.[0];
    }
  }
  return undefined;
}

function allocatedAnnotation(pv: PvShape): { vgName?: unknown; deviceName?: unknown } {
  const raw = pv.metadata?.annotations?.[ANNOTATIONS.pvAllocated];
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    // A malformed annotation is ignored in favour of the volume attributes, which CreateVolume always sets.
    return {};
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `spec.capacity.storage` in bytes; 0 when missing or unreadable (the PV then occupies its device only). */
function pvSizeBytes(pv: PvShape): number {
  const storage = pv.spec?.capacity?.['storage'];
  const bytes = typeof storage === 'string' || typeof storage === 'number' ? quantityValueBytesOrUndefined(storage) : undefined;
  return bytes ?? 0;
}

function pvAllocation(pv: PvShape, key: string): Allocation {
  const attributes = pv.spec?.csi?.volumeAttributes ?? {};
  const annotation = allocatedAnnotation(pv);
  const sizeBytes = pvSizeBytes(pv);
  switch (attributes[VOLUME_CONTEXT_KEYS.volumeType] ?? VOLUME_TYPES.lvm) {
    case VOLUME_TYPES.device: {
      const resourceName = asString(annotation.deviceName) ?? attributes[VOLUME_CONTEXT_KEYS.device] ?? '';
      return { kind: 'Device', key, sizeBytes, resourceName, capacityBytes: sizeBytes };
    }
    case VOLUME_TYPES.mountPoint:
      return { kind: 'MountPoint', key, sizeBytes, resourceName: attributes[VOLUME_CONTEXT_KEYS.mountPoint] ?? '', capacityBytes: sizeBytes };
    default: {
      const vgName = asString(annotation.vgName) ?? attributes[VOLUME_CONTEXT_KEYS.vgName] ?? '';
      // A read-only restore is its snapshot LV, whose change space the agent counts as not ours (issue #17).
      if (attributes[VOLUME_CONTEXT_KEYS.readonly] === 'true' && attributes[VOLUME_CONTEXT_KEYS.snapshotId] !== undefined) return { kind: 'LVM', key, sizeBytes: 0, vgName };
      // A thin volume takes room in its pool, not VG space; the class's thinPool is copied into the attributes.
      const thinPool = asString(attributes[STORAGE_CLASS_PARAMS.thinPool]);
      return thinPool === undefined ? { kind: 'LVM', key, sizeBytes, vgName } : { kind: 'LVM', key, sizeBytes, vgName, thinPool };
    }
  }
}

/** Decodes a PV of our driver into what it occupies; other drivers' PVs and PVs without a node are undefined. */
export function pvInfo(pv: PvShape, driverNames: readonly string[]): PvInfo | undefined {
  if (!driverNames.includes(pv.spec?.csi?.driver ?? '')) return undefined;
  const node = pvNode(pv);
  if (node === undefined) return undefined;
  const name = pv.metadata?.name ?? '';
  const ref = pv.spec?.claimRef;
  return { name, node, claimKey: ref ? claimKey(ref.namespace, ref.name) : undefined, allocation: pvAllocation(pv, `pv:${name}`) };
}
