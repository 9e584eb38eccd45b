// Open-Local v0.7.1's extender priorities that we keep with its numbers (reference §4.7, §9.3): CountMatch, which
// prefers the node where a pod's Device/MountPoint claims take the larger share of the free ones, and
// CapacityMatch's answer for pods with no local volumes: nodes without local storage first. How they join our
// capacity score and where we differ (existing use counted, 0–10 clamp): docs/open-local-scores.md.
import { MAX_SCORE, MIN_SCORE } from './constants.js';
import type { ExclusiveKind, NodeView, VolumeDemand } from './types.js';

/** How many Device and MountPoint volumes a pod asks for; counted once per pod, not once per node. */
export type ExclusiveCounts = Record<ExclusiveKind, number>;

export function exclusiveCounts(demands: readonly VolumeDemand[]): ExclusiveCounts {
  const counts: ExclusiveCounts = { Device: 0, MountPoint: 0 };
  for (const d of demands) if (d.kind !== 'LVM') counts[d.kind] += 1;
  return counts;
}

function countPart(wanted: number, free: number): number {
  return wanted > 0 && free > 0 ? Math.floor((wanted * MAX_SCORE) / free) : 0;
}

/**
 * Open-Local's CountMatch: `(int(nMP×10/freeMP) + int(nDevice×10/freeDevice)) / 2` in integer arithmetic, where
 * n is what the pod asks for and free what the node has untaken before this pod (any media type).
 */
export function countMatchScore(view: NodeView, counts: ExclusiveCounts): number {
  if (counts.Device === 0 && counts.MountPoint === 0) return MIN_SCORE;
  const freeMountPoints = view.mountPoints.filter((m) => !m.isTaken).length;
  const freeDevices = view.devices.filter((d) => !d.isTaken).length;
  return Math.floor((countPart(counts.MountPoint, freeMountPoints) + countPart(counts.Device, freeDevices)) / 2);
}

/**
 * Open-Local's CapacityMatch for a pod with no local volumes: 10 on a node with no VG, device or mount point to
 * offer (or no NodeLocalStorage), 0 on a storage node, so storage nodes stay free for the pods that need them.
 */
export function storagelessNodeScore(view: NodeView | undefined): number {
  if (view === undefined) return MAX_SCORE;
  const hasStorage = view.volumeGroups.length > 0 || view.devices.length > 0 || view.mountPoints.length > 0;
  return hasStorage ? MIN_SCORE : MAX_SCORE;
}
