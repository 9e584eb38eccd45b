// The capacity ledger: what each node offers (from its NLS) and every charge against it — existing PVs,
// inline volumes of bound pods, and planned claims not yet provisioned. Views are what placement sees.
// Usage per node is cached and invalidated per node, so a filter over 5000 nodes only sums charges once.
import type { Allocation, NodeStorage, NodeView, ThinPoolCapacity } from './types.js';

interface NodeUsage {
  vgUsedBytes: Map<string, number>;
  taken: Map<string, number>;
  /** Per `vg/pool`: virtual bytes charged to the pool, and the part of it charged by PVs (issue #17). */
  poolCharged: Map<string, number>;
  poolPvCharged: Map<string, number>;
}

const NO_KEYS: ReadonlySet<string> = new Set();

function resourceKey(kind: 'Device' | 'MountPoint', name: string): string {
  return `${kind}:${name}`;
}

export class Ledger {
  private readonly storage = new Map<string, NodeStorage>();
  private readonly thinPools = new Map<string, ThinPoolCapacity[]>();
  private readonly chargesByNode = new Map<string, Map<string, Allocation>>();
  private readonly nodeByCharge = new Map<string, string>();
  private readonly usage = new Map<string, NodeUsage>();
  /** Views are shared between callers, so they are never mutated: placement copies what it changes. */
  private readonly views = new Map<string, NodeView>();

  setNodeStorage(storage: NodeStorage): void {
    this.storage.set(storage.nodeName, storage);
    this.views.delete(storage.nodeName);
  }

  /** The node's thin pools (thin-pools.ts), kept beside what its NLS offers otherwise. */
  setThinPools(nodeName: string, pools: ThinPoolCapacity[]): void {
    if (pools.length === 0) this.thinPools.delete(nodeName);
    else this.thinPools.set(nodeName, pools);
    this.views.delete(nodeName);
  }

  deleteNodeStorage(nodeName: string): void {
    this.storage.delete(nodeName);
    this.thinPools.delete(nodeName);
    this.views.delete(nodeName);
  }

  hasNode(nodeName: string): boolean {
    return this.storage.has(nodeName);
  }

  nodeNames(): string[] {
    return [...this.storage.keys()];
  }

  /** Charges `allocation` to `node` under `chargeKey`, replacing whatever that key charged before. */
  setCharge(chargeKey: string, node: string, allocation: Allocation): void {
    this.clearCharge(chargeKey);
    let charges = this.chargesByNode.get(node);
    if (charges === undefined) {
      charges = new Map();
      this.chargesByNode.set(node, charges);
    }
    charges.set(chargeKey, allocation);
    this.nodeByCharge.set(chargeKey, node);
    this.usage.delete(node);
    this.views.delete(node);
  }

  clearCharge(chargeKey: string): void {
    const node = this.nodeByCharge.get(chargeKey);
    if (node === undefined) return;
    this.nodeByCharge.delete(chargeKey);
    this.chargesByNode.get(node)?.delete(chargeKey);
    this.usage.delete(node);
    this.views.delete(node);
  }

  chargeOf(chargeKey: string): { node: string; allocation: Allocation } | undefined {
    const node = this.nodeByCharge.get(chargeKey);
    const allocation = node === undefined ? undefined : this.chargesByNode.get(node)?.get(chargeKey);
    return node === undefined || allocation === undefined ? undefined : { node, allocation };
  }

  /** The nodes that any of `chargeKeys` is charged to. */
  nodesCharged(chargeKeys: Iterable<string>): Set<string> {
    const nodes = new Set<string>();
    for (const key of chargeKeys) {
      const node = this.nodeByCharge.get(key);
      if (node !== undefined) nodes.add(node);
    }
    return nodes;
  }

  chargesOn(node: string): ReadonlyMap<string, Allocation> {
    return this.chargesByNode.get(node) ?? new Map();
  }

  /**
   * What `node` offers minus what is charged, leaving out the charges in `exclude` (a pod's own planned
   * claims, so re-filtering a pod never counts its volumes twice). Undefined for a node without NLS.
   */
  view(node: string, exclude: ReadonlySet<string> = NO_KEYS): NodeView | undefined {
    if (exclude.size === 0) {
      const cached = this.views.get(node);
      if (cached !== undefined) return cached;
    }
    const storage = this.storage.get(node);
    if (storage === undefined) return undefined;
    let isTouched = false;
    for (const key of exclude) isTouched ||= this.nodeByCharge.get(key) === node;
    if (!isTouched) return this.cachedView(node, storage);
    const usage = this.usageOf(node);
    const vgUsed = new Map(usage.vgUsedBytes);
    const taken = new Map(usage.taken);
    const poolCharged = new Map(usage.poolCharged);
    for (const key of exclude) {
      const charge = this.chargeOf(key);
      if (charge === undefined || charge.node !== node) continue;
      applyCharge({ vgUsedBytes: vgUsed, taken, poolCharged, poolPvCharged: usage.poolPvCharged }, charge.allocation, { sign: -1, isPv: false });
    }
    const isTaken = (kind: 'Device' | 'MountPoint', name: string): boolean => (taken.get(resourceKey(kind, name)) ?? 0) > 0;
    return {
      nodeName: node,
      // The same literal as cachedView's: one hidden class for every VG keeps fast-fit's loop optimised.
      volumeGroups: storage.volumeGroups.map((vg) => ({ name: vg.name, capacityBytes: vg.capacityBytes, usedBytes: vgUsed.get(vg.name) ?? 0 })),
      devices: storage.devices.map((d) => ({ ...d, isTaken: isTaken('Device', d.name) })),
      mountPoints: storage.mountPoints.map((m) => ({ ...m, isTaken: isTaken('MountPoint', m.name) })),
      thinPools: this.thinPoolViews(node, { ...usage, poolCharged }),
    };
  }

  /**
   * Each pool's used virtual bytes: everything charged to it (PVs and plans) plus what lvm reports beyond the
   * PVs' share (thin snapshots, thin LVs nobody claims). A PV the agent has not reported yet adds nothing twice.
   */
  private thinPoolViews(node: string, usage: NodeUsage): NonNullable<NodeView['thinPools']> {
    return (this.thinPools.get(node) ?? []).map((pool) => {
      const key = poolKey(pool.vgName, pool.name);
      const charged = usage.poolCharged.get(key) ?? 0;
      const unclaimed = Math.max(0, pool.virtualUsedBytes - (usage.poolPvCharged.get(key) ?? 0));
      return { ...pool, usedBytes: charged + unclaimed };
    });
  }

  /** The view without exclusions, built once per change of the node (the hot path of a 5000-node filter). */
  private cachedView(node: string, storage: NodeStorage): NodeView {
    const cached = this.views.get(node);
    if (cached !== undefined) return cached;
    const usage = this.usageOf(node);
    const isTaken = (kind: 'Device' | 'MountPoint', name: string): boolean => (usage.taken.get(resourceKey(kind, name)) ?? 0) > 0;
    const view: NodeView = {
      nodeName: node,
      // Literal objects (not spreads) keep one hidden class for every VG, which the hot loop depends on.
      volumeGroups: storage.volumeGroups.map((vg) => ({ name: vg.name, capacityBytes: vg.capacityBytes, usedBytes: usage.vgUsedBytes.get(vg.name) ?? 0 })),
      devices: storage.devices.map((d) => ({ ...d, isTaken: isTaken('Device', d.name) })),
      mountPoints: storage.mountPoints.map((m) => ({ ...m, isTaken: isTaken('MountPoint', m.name) })),
      thinPools: this.thinPoolViews(node, usage),
    };
    this.views.set(node, view);
    return view;
  }

  private usageOf(node: string): NodeUsage {
    const cached = this.usage.get(node);
    if (cached !== undefined) return cached;
    const usage: NodeUsage = { vgUsedBytes: new Map(), taken: new Map(), poolCharged: new Map(), poolPvCharged: new Map() };
    for (const [key, allocation] of this.chargesByNode.get(node) ?? []) applyCharge(usage, allocation, { sign: 1, isPv: key.startsWith('pv:') });
    this.usage.set(node, usage);
    return usage;
  }
}

function poolKey(vgName: string, pool: string): string {
  return `${vgName}/${pool}`;
}

function addTo(map: Map<string, number>, key: string, bytes: number): void {
  map.set(key, (map.get(key) ?? 0) + bytes);
}

function applyCharge(usage: NodeUsage, allocation: Allocation, how: { sign: 1 | -1; isPv: boolean }): void {
  const { sign } = how;
  if (allocation.kind === 'LVM' && allocation.thinPool !== undefined) {
    // A thin volume takes room in its pool, never the VG's free space.
    const key = poolKey(allocation.vgName, allocation.thinPool);
    addTo(usage.poolCharged, key, sign * allocation.sizeBytes);
    if (how.isPv) addTo(usage.poolPvCharged, key, sign * allocation.sizeBytes);
  } else if (allocation.kind === 'LVM') {
    usage.vgUsedBytes.set(allocation.vgName, (usage.vgUsedBytes.get(allocation.vgName) ?? 0) + sign * allocation.sizeBytes);
  } else {
    const key = resourceKey(allocation.kind, allocation.resourceName);
    usage.taken.set(key, (usage.taken.get(key) ?? 0) + sign);
  }
}
