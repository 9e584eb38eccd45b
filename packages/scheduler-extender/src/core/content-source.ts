// Restored and cloned claims (issue #17): a claim whose dataSource is a VolumeSnapshot or another claim can only
// be made on the node that holds the source (the CSI plugin answers NOT_FOUND anywhere else), so its demand is
// pinned there, as Open-Local §4.6 pins read-only snapshot claims to the source's node. What it costs follows
// the source: a thin source gives a thin snapshot in the same pool (the requested size of pool room), a thick
// snapshot is restored as the read-only snapshot itself (nothing new, never larger than the source), a thick
// clone is a full copy into the source's VG.
import { formatBinaryBytes } from '@openlocal/crd-types';
import type { ClaimInfo, PvInfo } from './objects.js';
import type { VolumeDemand } from './types.js';

/** The volume a restore or clone comes from: only `node` holds it. */
export interface VolumeSource {
  /** `volumesnapshot ns/name` or `persistentvolumeclaim ns/name`, for reasons. */
  description: string;
  node: string;
}

/** What the extender keeps of a VolumeSnapshot: the claim it was taken of (same namespace), if it names one. */
export interface SnapshotInfo {
  key: string;
  sourceClaimName: string | undefined;
}

export interface SourceLookup {
  claim(key: string): ClaimInfo | undefined;
  volumeSnapshot?(key: string): SnapshotInfo | undefined;
  pvOfClaim?(key: string): PvInfo | undefined;
}

type LvmDemand = Extract<VolumeDemand, { kind: 'LVM' }>;
export type SourcedDemand = LvmDemand | { reason: string; isInvalid: boolean };

function namespaceOf(key: string): string {
  return key.split('/')[0] ?? '';
}

/** The claim a restore or clone reads from, with the words a reason uses, or why it cannot be known. */
function sourceClaim(claim: ClaimInfo, lookup: SourceLookup): { claimKey: string; description: string; isSnapshot: boolean } | { reason: string; isInvalid: boolean } {
  const source = claim.dataSource;
  const ns = namespaceOf(claim.key);
  if (source?.kind === 'PersistentVolumeClaim') {
    return { claimKey: `${ns}/${source.name}`, description: `persistentvolumeclaim ${ns}/${source.name}`, isSnapshot: false };
  }
  const snapshotKey = `${ns}/${source?.name ?? ''}`;
  const snapshot = lookup.volumeSnapshot?.(snapshotKey);
  if (snapshot === undefined) return { reason: `volumesnapshot ${snapshotKey} (dataSource of pvc ${claim.key}) is not known yet`, isInvalid: false };
  if (snapshot.sourceClaimName === undefined) {
    return { reason: `volumesnapshot ${snapshotKey} (dataSource of pvc ${claim.key}) names no source persistentVolumeClaimName, so the node that holds it is unknown`, isInvalid: true };
  }
  return { claimKey: `${ns}/${snapshot.sourceClaimName}`, description: `volumesnapshot ${snapshotKey}`, isSnapshot: true };
}

/**
 * The demand of a restored or cloned claim, given the demand its StorageClass alone would make (`plain`), or why
 * no node can take it yet (`isInvalid: false`: the cache may still learn the source; true: the claim is wrong).
 */
export function sourcedDemand(plain: LvmDemand, claim: ClaimInfo, lookup: SourceLookup): SourcedDemand {
  const found = sourceClaim(claim, lookup);
  if ('reason' in found) return found;
  const pv = lookup.pvOfClaim?.(found.claimKey);
  const node = pv?.node ?? lookup.claim(found.claimKey)?.selectedNode;
  if (node === undefined) {
    return { reason: `the source of pvc ${claim.key}, ${found.description} (claim ${found.claimKey}), has no volume on any node yet`, isInvalid: false };
  }
  const source: VolumeSource = { description: found.description, node };
  const from = pv?.allocation;
  if (from === undefined) return { ...plain, source };
  if (from.kind !== 'LVM') return { reason: `pvc ${claim.key}: ${found.description} is a ${from.kind} volume; only LVM volumes are restored or cloned`, isInvalid: true };
  if (from.thinPool !== undefined) {
    // A thin snapshot of the source in its own pool, as large as the claim asks: that much of the pool's room.
    return { ...withRatio(plain), kind: 'LVM', key: plain.key, sizeBytes: plain.sizeBytes, vgName: from.vgName, thinPool: from.thinPool, source };
  }
  if (!found.isSnapshot) return { kind: 'LVM', key: plain.key, sizeBytes: plain.sizeBytes, vgName: from.vgName, source };
  if (plain.sizeBytes > from.sizeBytes) {
    return {
      reason: `pvc ${claim.key} asks for ${formatBinaryBytes(plain.sizeBytes)} from ${found.description}, whose source is ${formatBinaryBytes(from.sizeBytes)}: ` +
        'a read-only restore of a thick volume is the snapshot itself and cannot be larger',
      isInvalid: true,
    };
  }
  // The restore is the snapshot LV, whose change space the agent already counts as not ours: nothing to charge.
  return { kind: 'LVM', key: plain.key, sizeBytes: 0, vgName: from.vgName, source };
}

function withRatio(plain: LvmDemand): { ratio?: number } {
  return plain.ratio === undefined ? {} : { ratio: plain.ratio };
}

/** The first demand pinned to another node than `node`, as the reason the node is refused (Open-Local §4.6). */
export function pinnedElsewhere(node: string, demands: readonly VolumeDemand[]): string | null {
  for (const demand of demands) {
    if (demand.kind !== 'LVM' || demand.source === undefined || demand.source.node === node) continue;
    return `pvc ${demand.key} is restored or cloned from ${demand.source.description}, whose volume is on node ${demand.source.node}, not ${node}`;
  }
  return null;
}
