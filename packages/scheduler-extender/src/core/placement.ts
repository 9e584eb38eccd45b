// Places all of one pod's volumes on one node together: LVM volumes into VGs by the VG-assignment rule shared
// with the CSI plugin (issue #20) and Device/MountPoint volumes onto whole free resources of their media type.
// Returns the allocations or the reason the node cannot hold them (wording close to Open-Local's).
import { assignVolumeGroups, formatBinaryBytes, prepareVgClaims, vgSearchNote, type PreparedVgClaims, type VgAssignment } from '@openlocal/crd-types';
import { pinnedElsewhere } from './content-source.js';
import { isThinDemand, placeThin, type ThinDemand } from './thin-placement.js';
import type { Allocation, ExclusiveKind, NodeView, Strategy, VolumeDemand } from './types.js';

export type PlacementResult = { ok: true; allocations: Allocation[] } | { ok: false; reason: string };

type LvmDemand = Extract<VolumeDemand, { kind: 'LVM' }>;
type ExclusiveDemand = Exclude<VolumeDemand, LvmDemand>;

function insufficientLvm(node: string, vg: NodeView['volumeGroups'][number], demand: LvmDemand): string {
  return (
    `Insufficient LVM storage on node ${node}, vg is ${vg.name}, pvc requested ${formatBinaryBytes(demand.sizeBytes)}, ` +
    `vg used ${formatBinaryBytes(vg.usedBytes)}, vg capacity ${formatBinaryBytes(vg.capacityBytes)}`
  );
}

interface PreparedDemands {
  /** Thick LVM demands (VG space); thin ones go to their pools (thin-placement.ts). */
  lvm: LvmDemand[];
  thin: ThinDemand[];
  /** The LVM demands split and sorted for the shared VG-assignment rule, once per pod. */
  vgClaims: PreparedVgClaims;
  exclusive: Record<ExclusiveKind, ExclusiveDemand[]>;
}

// One filter places the same demands array on thousands of nodes: split and sort it once.
const prepared = new WeakMap<readonly VolumeDemand[], PreparedDemands>();

function prepare(demands: readonly VolumeDemand[]): PreparedDemands {
  let result = prepared.get(demands);
  if (result !== undefined) return result;
  const lvm = demands.filter((d): d is LvmDemand => d.kind === 'LVM' && !isThinDemand(d));
  result = {
    lvm,
    thin: demands.filter(isThinDemand),
    vgClaims: prepareVgClaims(lvm),
    exclusive: {
      Device: demands.filter((d): d is ExclusiveDemand => d.kind === 'Device'),
      MountPoint: demands.filter((d): d is ExclusiveDemand => d.kind === 'MountPoint'),
    },
  };
  prepared.set(demands, result);
  return result;
}

function noLvmReason(node: string): string {
  return (
    `no LVM storage configured on node ${node}. you can run commands "kubectl get nls --template={{.spec}} ` +
    `-o template ${node}" and "vgscan" and "lsblk" on this node to get more details`
  );
}

/** Open-Local's wording for the claim the greedy order refused, plus a note when the search was cut short. */
function lvmFailureReason(view: NodeView, lvm: LvmDemand[], result: Extract<VgAssignment, { ok: false }>): string {
  const { failure } = result;
  switch (failure.kind) {
    case 'no-vgs':
      return noLvmReason(view.nodeName);
    case 'no-such-vg':
      return `no vg(LVM) named ${failure.vgName} in node ${view.nodeName}`;
    case 'no-room': {
      const vg = view.volumeGroups[failure.vgIndex] ?? { name: '', capacityBytes: 0, usedBytes: 0 };
      const demand = lvm[failure.claimIndex] as LvmDemand;
      return insufficientLvm(view.nodeName, { ...vg, usedBytes: vg.usedBytes + failure.chargedBytes }, demand) + vgSearchNote(result.extent);
    }
  }
}

/** Every LVM demand into a VG by the shared rule (`@openlocal/crd-types`' assignVolumeGroups), or why not. */
function placeLvm(view: NodeView, demands: PreparedDemands, strategy: Strategy): PlacementResult {
  if (demands.lvm.length === 0) return { ok: true, allocations: [] };
  const vgs = view.volumeGroups.map((vg) => ({ name: vg.name, freeBytes: vg.capacityBytes - vg.usedBytes }));
  const result = assignVolumeGroups({ claims: demands.vgClaims, vgs, strategy });
  if (!result.ok) return { ok: false, reason: lvmFailureReason(view, demands.lvm, result) };
  const allocations = demands.lvm.map((demand, i): Allocation => {
    const vgName = vgs[result.vgIndexes[i] ?? -1]?.name ?? '';
    return { kind: 'LVM', key: demand.key, sizeBytes: demand.sizeBytes, vgName };
  });
  return { ok: true, allocations };
}

function placeExclusive(view: NodeView, kind: ExclusiveKind, demands: ExclusiveDemand[]): PlacementResult {
  const resources = kind === 'Device' ? view.devices : view.mountPoints;
  const allocations: Allocation[] = [];
  for (const mediaType of ['ssd', 'hdd'] as const) {
    const wanted = demands.filter((d) => d.mediaType === mediaType).sort((a, b) => a.sizeBytes - b.sizeBytes);
    if (wanted.length === 0) continue;
    const ofType = resources.filter((r) => r.mediaType === mediaType);
    const free = ofType.filter((r) => !r.isTaken).sort((a, b) => a.capacityBytes - b.capacityBytes);
    if (free.length < wanted.length) {
      const noun = kind === 'Device' ? ['device', 'device total is'] : ['mp', 'total mp is'];
      return {
        ok: false,
        reason:
          `Insufficient ${kind}(${mediaType}) storage on node ${view.nodeName}, pod requested pvc count is ${wanted.length}, ` +
          `node available ${noun[0]} count is ${free.length}, node ${noun[1]} ${ofType.length}`,
      };
    }
    // Smallest fitting resource for each volume, smallest volume first: optimal for this one-to-one matching.
    for (const demand of wanted) {
      const index = free.findIndex((r) => r.capacityBytes >= demand.sizeBytes);
      const resource = index < 0 ? undefined : free.splice(index, 1)[0];
      if (resource === undefined) {
        const largest = free.at(-1)?.capacityBytes ?? 0;
        return {
          ok: false,
          reason:
            `Insufficient ${kind} storage on node ${view.nodeName}, pvc requested size is ${formatBinaryBytes(demand.sizeBytes)}, ` +
            `max size of free ${kind === 'Device' ? 'devices' : 'mount points'} on node is ${formatBinaryBytes(largest)}`,
        };
      }
      const { name: resourceName, capacityBytes } = resource;
      allocations.push({ kind, key: demand.key, sizeBytes: demand.sizeBytes, resourceName, capacityBytes });
    }
  }
  return { ok: true, allocations };
}

function placeWith(view: NodeView, demands: PreparedDemands, strategy: Strategy): PlacementResult {
  const lvm = placeLvm(view, demands, strategy);
  if (!lvm.ok) return lvm;
  if (demands.thin.length > 0) {
    const thin = placeThin(view, demands.thin);
    if (!thin.ok) return thin;
    lvm.allocations.push(...thin.allocations);
  }
  if (demands.exclusive.Device.length === 0 && demands.exclusive.MountPoint.length === 0) return lvm;
  const allocations = lvm.allocations;
  for (const kind of ['Device', 'MountPoint'] as const) {
    if (demands.exclusive[kind].length === 0) continue;
    const placed = placeExclusive(view, kind, demands.exclusive[kind]);
    if (!placed.ok) return placed;
    allocations.push(...placed.allocations);
  }
  return { ok: true, allocations };
}

/**
 * Places `demands` on the node in `view`. LVM volumes go where the shared rule puts them: the strategy's greedy
 * order when it fits, else any assignment that fits (exact search up to its bound); a node is refused only
 * when none exists, or — past the bound — none was found, which the reason then says. Device and MountPoint
 * volumes take the smallest free resource of their media type that fits, smallest first (optimal for this
 * one-to-one matching: a resource that fits a volume fits every smaller one).
 */
export function placeVolumes(view: NodeView, demands: readonly VolumeDemand[], strategy: Strategy): PlacementResult {
  // A restore or clone can only be made where its source is (issue #17): no other node is looked at.
  const pinned = pinnedElsewhere(view.nodeName, demands);
  if (pinned !== null) return { ok: false, reason: pinned };
  return placeWith(view, prepare(demands), strategy);
}
