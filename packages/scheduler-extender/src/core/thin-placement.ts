// Thin volumes onto a node's thin pools (issue #17): each thin pool is a storage class of its own, so a thin
// volume is charged against its pool's over-provisioned room — pool size × ratio minus the virtual bytes already
// charged (ledger.ts) — never against the VG's free space. A pool at or past the CSI plugin's full line takes
// nothing, whatever the ratio; without any ratio only that line limits it, as in the CSI plugin.
import { formatBinaryBytes, SNAPSHOT_DEFAULTS } from '@openlocal/crd-types';
import type { Allocation, NodeView, VolumeDemand } from './types.js';

export type ThinDemand = Extract<VolumeDemand, { kind: 'LVM' }> & { vgName: string; thinPool: string };
type PoolView = NonNullable<NodeView['thinPools']>[number];

export type ThinPlacement = { ok: true; allocations: Allocation[] } | { ok: false; reason: string };

export function isThinDemand(demand: VolumeDemand): demand is ThinDemand {
  return demand.kind === 'LVM' && demand.thinPool !== undefined && demand.vgName !== undefined;
}

/** The ratio that bounds a demand in a pool: the tighter of the class's and the NLS's, or none. */
export function effectiveRatio(classRatio: number | undefined, poolRatio: number | undefined): number | undefined {
  if (classRatio === undefined) return poolRatio;
  return poolRatio === undefined ? classRatio : Math.min(classRatio, poolRatio);
}

/** Virtual bytes the pool can still hand out under `ratio` (Infinity without one). */
export function thinPoolRoomBytes(pool: PoolView, ratio: number | undefined, addedBytes: number): number {
  if (ratio === undefined) return Number.POSITIVE_INFINITY;
  return Math.floor(pool.sizeBytes * ratio) - pool.usedBytes - addedBytes;
}

function refusal(pool: PoolView, demand: ThinDemand, how: { node: string; ratio: number; addedBytes: number }): string {
  const handedOut = pool.usedBytes + how.addedBytes;
  return (
    `Insufficient thin pool room on node ${how.node}, pool is ${pool.vgName}/${pool.name}, pvc ${demand.key} requested ${formatBinaryBytes(demand.sizeBytes)}, ` +
    `handed out ${formatBinaryBytes(handedOut)} of ${formatBinaryBytes(Math.floor(pool.sizeBytes * how.ratio))} ` +
    `(pool ${formatBinaryBytes(pool.sizeBytes)} × overProvisioningRatio ${how.ratio})`
  );
}

/** Why `pool` takes nothing at all on `node` (missing or full), or null. */
function poolProblem(node: string, demand: ThinDemand, pool: PoolView | undefined): string | null {
  if (pool === undefined) return `no thin pool ${demand.vgName}/${demand.thinPool} on node ${node} (pvc ${demand.key})`;
  const full = SNAPSHOT_DEFAULTS.thinPoolFullPercent;
  if (pool.dataPercent !== undefined && pool.dataPercent >= full) {
    return `thin pool ${pool.vgName}/${pool.name} on node ${node} is full (${pool.dataPercent}% of its data space used; new volumes are refused from ${full}%)`;
  }
  return null;
}

/** Places every thin demand into its pool on the node in `view`, or says why the node cannot take them. */
export function placeThin(view: NodeView, demands: readonly ThinDemand[]): ThinPlacement {
  const added = new Map<string, number>();
  const allocations: Allocation[] = [];
  for (const demand of demands) {
    const pool = (view.thinPools ?? []).find((p) => p.vgName === demand.vgName && p.name === demand.thinPool);
    const problem = poolProblem(view.nodeName, demand, pool);
    if (problem !== null || pool === undefined) return { ok: false, reason: problem ?? '' };
    const key = `${pool.vgName}/${pool.name}`;
    const addedBytes = added.get(key) ?? 0;
    const ratio = effectiveRatio(demand.ratio, pool.ratio);
    if (ratio !== undefined && demand.sizeBytes > thinPoolRoomBytes(pool, ratio, addedBytes)) {
      return { ok: false, reason: refusal(pool, demand, { node: view.nodeName, ratio, addedBytes }) };
    }
    added.set(key, addedBytes + demand.sizeBytes);
    allocations.push({ kind: 'LVM', key: demand.key, sizeBytes: demand.sizeBytes, vgName: pool.vgName, thinPool: pool.name });
  }
  return { ok: true, allocations };
}
