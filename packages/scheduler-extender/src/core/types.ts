// The extender's domain in plain data: what a node offers, what a pod asks for, and where a volume was placed.

export type Strategy = 'binpack' | 'spread';
import type { VolumeMediaType, VolumeType as ContractVolumeType } from '@openlocal/crd-types';

export type MediaType = VolumeMediaType;
export type VolumeType = ContractVolumeType;
export type ExclusiveKind = Exclude<VolumeType, 'LVM'>;
export type { ThinPoolCapacity } from './thin-pools.js';
export type { VolumeSource } from './content-source.js';
import type { ThinPoolCapacity } from './thin-pools.js';
import type { VolumeSource } from './content-source.js';

/** One VG as the scheduler sees it: capacity is the NLS `allocatable` (VG size minus LVs that are not ours). */
export interface VolumeGroupCapacity {
  name: string;
  capacityBytes: number;
}

/** A whole disk or a mount point; a volume takes all of it. */
export interface ExclusiveResource {
  name: string;
  capacityBytes: number;
  mediaType: MediaType | undefined;
}

/** What one node offers, decoded from its NodeLocalStorage. */
export interface NodeStorage {
  nodeName: string;
  volumeGroups: VolumeGroupCapacity[];
  devices: ExclusiveResource[];
  mountPoints: ExclusiveResource[];
}

/** One volume a pod needs. `key` is `ns/pvc` for claims and `inline:<podUID>/<volume>` for inline volumes. */
export type VolumeDemand =
  | { kind: 'LVM'; key: string; sizeBytes: number; vgName?: string; thinPool?: string; ratio?: number; source?: VolumeSource }
  | { kind: ExclusiveKind; key: string; sizeBytes: number; mediaType: MediaType };

/** Where one volume goes (or went) on a node. */
export type Allocation =
  | { kind: 'LVM'; key: string; sizeBytes: number; vgName: string; thinPool?: string }
  | { kind: ExclusiveKind; key: string; sizeBytes: number; resourceName: string; capacityBytes: number };

/** A node's resources with what is already charged against them. */
export interface NodeView {
  nodeName: string;
  volumeGroups: { name: string; capacityBytes: number; usedBytes: number }[];
  devices: (ExclusiveResource & { isTaken: boolean })[];
  mountPoints: (ExclusiveResource & { isTaken: boolean })[];
  /** `usedBytes`: virtual bytes charged to the pool (thin-placement.ts says how). */
  thinPools?: (ThinPoolCapacity & { usedBytes: number })[];
}

/** Node anti-affinity weights per exclusive kind (`--node-anti-affinity MountPoint=5,Device=3`). */
export type AntiAffinityWeights = Partial<Record<ExclusiveKind, number>>;
