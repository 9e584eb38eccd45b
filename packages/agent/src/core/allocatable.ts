// A VG's allocatable bytes: its size minus the LVs that are not Open-Local's (snapshots, users' LVs, thin
// pools), capped by the storage-reserved annotation. Thin LVs live inside their pool and hidden sub-LVs
// inside their parent, so only top-level space-holding LVs are counted.
import { allocatableWithReserve, type StorageReserve } from '@openlocal/crd-types';
import type { LogicalVolume, VolumeGroup } from '@openlocal/lvm';

export interface OwnershipRule {
  /** `--lvname`: LVs whose name starts with this are Open-Local's. */
  readonly lvNamePrefix: string;
}

/** Kubelet names ephemeral inline volumes `csi-<hash>`; they are Open-Local's too. */
const EPHEMERAL_PREFIX = 'csi-';

export function isOurLv(lvName: string, rule: OwnershipRule): boolean {
  return lvName.startsWith(rule.lvNamePrefix) || lvName.startsWith(EPHEMERAL_PREFIX);
}

/** LVs that occupy VG extents themselves (not thin LVs, not hidden sub-volumes). */
export function isSpaceHolding(lv: LogicalVolume): boolean {
  return !lv.isThin && !lv.isHidden;
}

export interface AllocatableInput {
  readonly vg: VolumeGroup;
  /** LVs of the node (those of other VGs are ignored). */
  readonly lvs: readonly LogicalVolume[];
  readonly rule: OwnershipRule;
  readonly reserve: StorageReserve;
}

export function vgAllocatableBytes({ vg, lvs, rule, reserve }: AllocatableInput): number {
  const foreignBytes = lvs
    .filter((lv) => lv.vgName === vg.name && isSpaceHolding(lv) && !isOurLv(lv.name, rule))
    .reduce((sum, lv) => sum + lv.sizeBytes, 0);
  const beforeReserve = Math.max(0, vg.sizeBytes - foreignBytes);
  return allocatableWithReserve({ name: vg.name, totalBytes: vg.sizeBytes, allocatableBytes: beforeReserve }, reserve);
}
