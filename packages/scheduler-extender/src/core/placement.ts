// Places all of one pod's volumes on one node together: LVM volumes into VGs (named VG first, then the rest
// largest first by strategy) and Device/MountPoint volumes onto whole free resources of their media type.
// Returns the allocations or the reason the node cannot hold them (wording close to Open-Local's).
import { bytesToQuantity } from './quantity.js';
import type { Allocation, ExclusiveKind, NodeView, Strategy, VolumeDemand } from './types.js';

export type PlacementResult = { ok: true; allocations: Allocation[] } | { ok: false; reason: string };

type LvmDemand = Extract<VolumeDemand, { kind: 'LVM' }>;
type ExclusiveDemand = Exclude<VolumeDemand, LvmDemand>;
interface FreeVg {
  name: string;
  capacityBytes: number;
  usedBytes: number;
}

function insufficientLvm(node: string, vg: FreeVg, demand: LvmDemand): string {
  return (
    `Insufficient LVM storage on node ${node}, vg is ${vg.name}, pvc requested ${bytesToQuantity(demand.sizeBytes)}, ` +
    `vg used ${bytesToQuantity(vg.usedBytes)}, vg capacity ${bytesToQuantity(vg.capacityBytes)}`
  );
}

/** binpack: the fullest VG that still fits (best fit); spread: the emptiest. Ties go to the first name. */
function chooseVg(vgs: FreeVg[], sizeBytes: number, strategy: Strategy): FreeVg | undefined {
  let best: FreeVg | undefined;
  let bestFree = 0;
  for (const vg of vgs) {
    const free = vg.capacityBytes - vg.usedBytes;
    if (free < sizeBytes) continue;
    const isBetter = best === undefined || (strategy === 'binpack' ? free < bestFree : free > bestFree) || (free === bestFree && vg.name < best.name);
    if (isBetter) {
      best = vg;
      bestFree = free;
    }
  }
  return best;
}

interface PreparedDemands {
  named: LvmDemand[];
  /** Largest first: a greedy fit of decreasing sizes packs several volumes better than pod order. */
  unnamed: LvmDemand[];
  exclusive: Record<ExclusiveKind, ExclusiveDemand[]>;
}

// One filter places the same demands array on thousands of nodes: split and sort it once.
const prepared = new WeakMap<readonly VolumeDemand[], PreparedDemands>();

function prepare(demands: readonly VolumeDemand[]): PreparedDemands {
  let result = prepared.get(demands);
  if (result !== undefined) return result;
  const lvm = demands.filter((d): d is LvmDemand => d.kind === 'LVM');
  result = {
    named: lvm.filter((d) => d.vgName !== undefined),
    unnamed: lvm.filter((d) => d.vgName === undefined).sort((a, b) => b.sizeBytes - a.sizeBytes),
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

/** Charges one LVM volume to `vgs` (a copy), or says why it does not fit. */
function placeOneLvm({ node, vgs }: { node: string; vgs: FreeVg[] }, demand: LvmDemand, strategy: Strategy): Allocation | string {
  const vg = demand.vgName === undefined ? chooseVg(vgs, demand.sizeBytes, strategy) : vgs.find((v) => v.name === demand.vgName);
  if (vg === undefined && demand.vgName !== undefined) return `no vg(LVM) named ${demand.vgName} in node ${node}`;
  if (vg === undefined || vg.capacityBytes - vg.usedBytes < demand.sizeBytes) {
    const roomiest = vg ?? chooseVg(vgs, 0, 'spread');
    return insufficientLvm(node, roomiest ?? { name: '', capacityBytes: 0, usedBytes: 0 }, demand);
  }
  vg.usedBytes += demand.sizeBytes;
  return { kind: 'LVM', key: demand.key, sizeBytes: demand.sizeBytes, vgName: vg.name };
}

function placeLvm(view: NodeView, demands: PreparedDemands, strategy: Strategy): PlacementResult {
  const allocations: Allocation[] = [];
  if (demands.named.length === 0 && demands.unnamed.length === 0) return { ok: true, allocations };
  if (demands.unnamed.length > 0 && view.volumeGroups.length === 0) return { ok: false, reason: noLvmReason(view.nodeName) };
  const vgs: FreeVg[] = view.volumeGroups.map((vg) => ({ name: vg.name, capacityBytes: vg.capacityBytes, usedBytes: vg.usedBytes }));
  for (const demand of [...demands.named, ...demands.unnamed]) {
    const placed = placeOneLvm({ node: view.nodeName, vgs }, demand, strategy);
    if (typeof placed === 'string') return { ok: false, reason: placed };
    allocations.push(placed);
  }
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
            `Insufficient ${kind} storage on node ${view.nodeName}, pvc requested size is ${bytesToQuantity(demand.sizeBytes)}, ` +
            `max size of free ${kind === 'Device' ? 'devices' : 'mount points'} on node is ${bytesToQuantity(largest)}`,
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
  if (!lvm.ok || (demands.exclusive.Device.length === 0 && demands.exclusive.MountPoint.length === 0)) return lvm;
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
 * Places `demands` on the node in `view`. The strategy picks VGs for volumes without `vgName`; if spread's
 * choice leaves a later volume without room, best fit is tried too, so a node is refused only if neither fits.
 */
export function placeVolumes(view: NodeView, demands: readonly VolumeDemand[], strategy: Strategy): PlacementResult {
  const ready = prepare(demands);
  const first = placeWith(view, ready, strategy);
  if (first.ok || strategy === 'binpack') return first;
  const fallback = placeWith(view, ready, 'binpack');
  return fallback.ok ? fallback : first;
}
