// Everything the extender knows, kept from informer events: our StorageClasses, claims, PVs, pods and NLS,
// plus the plans for claims that are decided but not provisioned yet. Every change re-derives the charges
// of what it touches, so the ledger always equals a function of API state plus unexpired filter reservations.
import { hasCandidateVolumes, inlineDemands, podClaimKeys, podDemand, resolvableDemands, type DemandLookup, type PodDemand } from './demand.js';
import type { NlsShape, PodShape, PvShape, PvcShape, StorageClassShape } from './k8s-shapes.js';
import { Ledger } from './ledger.js';
import { nlsToNodeStorage } from './node-storage.js';
import { claimInfo, pvInfo, storageClassInfo, type ClaimInfo, type PvInfo, type StorageClassInfo } from './objects.js';
import { placeVolumes, type PlacementResult } from './placement.js';
import type { Allocation, Strategy, VolumeDemand } from './types.js';

/** Why a plan exists: a filter-time reservation (expires), or a decision kube-scheduler or CSI confirmed. */
export type PlanSource = 'filter' | 'provisioning' | 'selected-node';

export interface Plan {
  node: string;
  allocation: Allocation;
  source: PlanSource;
  podUid: string | undefined;
  /** Only filter reservations expire; confirmed plans last until the PV appears or the claim goes. */
  expiresAtMs: number | undefined;
}

interface PodRecord {
  uid: string;
  pod: PodShape;
  claimKeys: string[];
}

export interface ClusterStateOptions {
  driverNames: readonly string[];
  strategy: Strategy;
  /** How long a plan lives that nothing confirmed yet (filter reservations, a pod's other claims); default 30 s. */
  reservationTtlMs?: number;
}

const DEFAULT_RESERVATION_TTL_MS = 30_000;

export class ClusterState implements DemandLookup {
  readonly ledger = new Ledger();
  private readonly storageClasses = new Map<string, StorageClassInfo>();
  private readonly claims = new Map<string, ClaimInfo>();
  private readonly pvs = new Map<string, PvInfo>();
  private readonly pvByClaim = new Map<string, string>();
  private readonly pods = new Map<string, PodRecord>();
  private readonly podsByClaim = new Map<string, Set<string>>();
  private readonly plans = new Map<string, Plan>();
  /** Inline volumes charged because their pod is bound; plans never override these. */
  private readonly boundInline = new Set<string>();
  private readonly nodeProblems = new Map<string, string[]>();

  constructor(private readonly options: ClusterStateOptions) {}

  claim(key: string): ClaimInfo | undefined {
    return this.claims.get(key);
  }

  storageClass(name: string): StorageClassInfo | undefined {
    return this.storageClasses.get(name);
  }

  demandOf(pod: PodShape): PodDemand {
    return podDemand(pod, this, this.options.driverNames);
  }

  upsertStorageClass(sc: StorageClassShape): void {
    const info = storageClassInfo(sc, this.options.driverNames);
    if (info === undefined) this.storageClasses.delete(sc.metadata?.name ?? '');
    else this.storageClasses.set(info.name, info);
  }

  deleteStorageClass(sc: StorageClassShape): void {
    this.storageClasses.delete(sc.metadata?.name ?? '');
  }

  upsertNls(nls: NlsShape, nowMs: number): void {
    const { storage, problems } = nlsToNodeStorage(nls);
    const isNew = !this.ledger.hasNode(storage.nodeName);
    this.ledger.setNodeStorage(storage);
    if (isNew) this.reconcile(nowMs, storage.nodeName);
    if (problems.length > 0) this.nodeProblems.set(storage.nodeName, problems);
    else this.nodeProblems.delete(storage.nodeName);
  }

  deleteNls(nls: NlsShape): void {
    this.ledger.deleteNodeStorage(nls.metadata?.name ?? '');
    this.nodeProblems.delete(nls.metadata?.name ?? '');
  }

  upsertPv(pv: PvShape, nowMs: number): void {
    const info = pvInfo(pv, this.options.driverNames);
    if (info === undefined) return this.deletePv(pv, nowMs);
    const previous = this.pvs.get(info.name);
    if (previous?.claimKey !== undefined && previous.claimKey !== info.claimKey) this.unlinkPv(previous, nowMs);
    this.pvs.set(info.name, info);
    this.ledger.setCharge(`pv:${info.name}`, info.node, info.allocation);
    if (info.claimKey !== undefined) {
      this.pvByClaim.set(info.claimKey, info.name);
      this.refreshCharge(info.claimKey, nowMs);
    }
  }

  deletePv(pv: PvShape, nowMs: number): void {
    const name = pv.metadata?.name ?? '';
    const previous = this.pvs.get(name);
    if (previous === undefined) return;
    this.pvs.delete(name);
    this.ledger.clearCharge(`pv:${name}`);
    this.unlinkPv(previous, nowMs);
  }

  private unlinkPv(pv: PvInfo, nowMs: number): void {
    if (pv.claimKey === undefined || this.pvByClaim.get(pv.claimKey) !== pv.name) return;
    this.pvByClaim.delete(pv.claimKey);
    this.refreshCharge(pv.claimKey, nowMs);
  }

  upsertPvc(pvc: PvcShape, nowMs: number): void {
    const info = claimInfo(pvc);
    const previous = this.claims.get(info.key);
    this.claims.set(info.key, info);
    if (info.selectedNode !== undefined && info.selectedNode !== previous?.selectedNode) {
      const podUid = [...(this.podsByClaim.get(info.key) ?? [])][0];
      this.ensurePlans({ podUid, claimKey: info.key, node: info.selectedNode, source: 'selected-node', nowMs, isStrict: false });
    } else if (info.selectedNode === undefined && previous?.selectedNode !== undefined) {
      // The annotation was removed (the provisioner gave up on that node): the claim is being rescheduled.
      if (this.plans.get(info.key)?.source !== 'filter') this.plans.delete(info.key);
    }
    this.refreshCharge(info.key, nowMs);
  }

  deletePvc(pvc: PvcShape): void {
    const key = claimInfo(pvc).key;
    this.claims.delete(key);
    this.plans.delete(key);
    this.ledger.clearCharge(key);
  }

  upsertPod(pod: PodShape, nowMs: number): void {
    const uid = pod.metadata?.uid ?? '';
    if (!hasCandidateVolumes(pod)) return this.deletePod(pod, nowMs);
    this.unindexPod(uid);
    const record: PodRecord = { uid, pod, claimKeys: podClaimKeys(pod) };
    this.pods.set(uid, record);
    for (const key of record.claimKeys) {
      const uids = this.podsByClaim.get(key) ?? new Set();
      uids.add(uid);
      this.podsByClaim.set(key, uids);
    }
    this.chargeInlineVolumes(pod);
  }

  /** A bound pod's inline volumes are charged to its node from binding on (Open-Local waited for Running). */
  private chargeInlineVolumes(pod: PodShape): void {
    const node = pod.spec?.nodeName;
    const isActive = pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
    for (const demand of inlineDemands(pod, this.options.driverNames)) {
      if (node === undefined || node === '' || demand.kind !== 'LVM' || demand.vgName === undefined) continue;
      this.plans.delete(demand.key);
      if (isActive) {
        this.boundInline.add(demand.key);
        this.ledger.setCharge(demand.key, node, { kind: 'LVM', key: demand.key, sizeBytes: demand.sizeBytes, vgName: demand.vgName });
      } else {
        this.boundInline.delete(demand.key);
        this.ledger.clearCharge(demand.key);
      }
    }
  }

  deletePod(pod: PodShape, nowMs: number): void {
    const uid = pod.metadata?.uid ?? '';
    // Most pods of a cluster have no volumes of ours and were never recorded: nothing to undo.
    if (!this.pods.has(uid) && !hasCandidateVolumes(pod)) return;
    for (const demand of inlineDemands(pod, this.options.driverNames)) {
      this.plans.delete(demand.key);
      this.boundInline.delete(demand.key);
      this.ledger.clearCharge(demand.key);
    }
    for (const [key, plan] of this.plans) {
      if (plan.podUid === uid && plan.source === 'filter') {
        this.plans.delete(key);
        this.refreshCharge(key, nowMs);
      }
    }
    this.unindexPod(uid);
    this.pods.delete(uid);
  }

  private unindexPod(uid: string): void {
    for (const key of this.pods.get(uid)?.claimKeys ?? []) {
      const uids = this.podsByClaim.get(key);
      uids?.delete(uid);
      if (uids?.size === 0) this.podsByClaim.delete(key);
    }
  }

  /**
   * Plans every claim that carries a selected node but has neither a PV nor a plan there — what a restart or an
   * NLS that arrived after its claims leaves behind. Optionally only for claims selected on `onlyNode`.
   */
  reconcile(nowMs: number, onlyNode?: string): void {
    const claims = [...this.claims.values()].sort((a, b) => a.key.localeCompare(b.key));
    for (const claim of claims) {
      const node = claim.selectedNode;
      if (node === undefined || (onlyNode !== undefined && node !== onlyNode)) continue;
      if (this.pvByClaim.has(claim.key) || this.plans.get(claim.key)?.node === node) continue;
      const podUid = [...(this.podsByClaim.get(claim.key) ?? [])][0];
      this.ensurePlans({ podUid, claimKey: claim.key, node, source: 'selected-node', nowMs, isStrict: false });
    }
  }

  /**
   * Forgets every plan and re-derives them in claim-key order: after the initial list a restarted extender
   * makes the same plans whatever order the informers delivered the objects in.
   */
  rebuildPlans(nowMs: number): void {
    const keys = [...this.plans.keys()];
    this.plans.clear();
    for (const key of keys) this.refreshCharge(key, nowMs);
    this.reconcile(nowMs);
  }

  /** Drops filter reservations whose time is up. */
  expire(nowMs: number): void {
    for (const [key, plan] of this.plans) {
      if (plan.expiresAtMs !== undefined && plan.expiresAtMs <= nowMs) {
        this.plans.delete(key);
        this.refreshCharge(key, nowMs);
      }
    }
  }

  /** Records a filter-time reservation of `allocations` on `node` for the pod `podUid`. */
  reserve(request: { podUid: string; node: string; allocations: Allocation[]; nowMs: number; ttlMs: number }): void {
    const { podUid, node, nowMs } = request;
    for (const allocation of request.allocations) {
      const existing = this.plans.get(allocation.key);
      // A retried pod whose claim already carries selected-node = node keeps its confirmed plan: kube-scheduler
      // only offers that node then, and downgrading it to an expiring reservation would under-count the VG.
      if (existing?.node === node && existing.expiresAtMs === undefined) continue;
      const isSelected = this.claims.get(allocation.key)?.selectedNode === node;
      const expiresAtMs = isSelected ? undefined : nowMs + request.ttlMs;
      this.plans.set(allocation.key, { node, allocation, source: isSelected ? 'selected-node' : 'filter', podUid, expiresAtMs });
      this.refreshCharge(allocation.key, nowMs);
    }
  }

  /**
   * Makes sure every volume of the claim's pod (or the claim alone) has a plan on `node`; volumes already planned
   * there keep theirs. Strict: refuses if they do not fit. Otherwise (the scheduler already decided) records
   * the best it can so the node is seen as full.
   */
  ensurePlans(request: {
    podUid: string | undefined;
    claimKey: string;
    node: string;
    source: PlanSource;
    nowMs: number;
    isStrict: boolean;
  }): PlacementResult {
    const { node, nowMs } = request;
    const demands = this.demandsForPlan(request.podUid, request.claimKey);
    // Only the asked claim and claims that themselves carry `selected-node` = node are confirmed; the pod's
    // other volumes are planned there too but expire unless their own confirmation follows (no ledger leak).
    const expiryOf = (key: string): number | undefined =>
      key === request.claimKey || this.claims.get(key)?.selectedNode === node ? undefined : nowMs + (this.options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS);
    const missing = demands.filter((demand) => !this.keepPlan({ key: demand.key, node, nowMs, source: request.source, isConfirmed: expiryOf(demand.key) === undefined }));
    const view = this.ledger.view(node, new Set(missing.map((d) => d.key)));
    const result: PlacementResult = view === undefined
      ? { ok: false, reason: `no local storage information (NodeLocalStorage) for node ${node}` }
      : placeVolumes(view, missing, this.options.strategy);
    if (!result.ok && request.isStrict) return result;
    const allocations = result.ok ? result.allocations : forcedAllocations(view?.volumeGroups ?? [], missing);
    for (const allocation of allocations) {
      const expiresAtMs = expiryOf(allocation.key);
      const source = expiresAtMs === undefined ? request.source : 'filter';
      this.plans.set(allocation.key, { node, allocation, source, podUid: request.podUid, expiresAtMs });
    }
    for (const demand of demands) this.refreshCharge(demand.key, nowMs);
    const planned = demands.map((d) => this.plans.get(d.key)).filter((p) => p?.node === node);
    return { ok: true, allocations: planned.flatMap((p) => (p === undefined ? [] : [p.allocation])) };
  }

  /** True if `key` already has a live plan on `node` (confirming it when asked); false if it needs one. */
  private keepPlan(request: { key: string; node: string; nowMs: number; source: PlanSource; isConfirmed: boolean }): boolean {
    const plan = this.plans.get(request.key);
    if (plan?.node !== request.node || (plan.expiresAtMs !== undefined && plan.expiresAtMs <= request.nowMs)) return false;
    if (plan.expiresAtMs !== undefined && request.isConfirmed) {
      this.plans.set(request.key, { ...plan, source: request.source, expiresAtMs: undefined });
    }
    return true;
  }

  private demandsForPlan(podUid: string | undefined, claimKey: string): VolumeDemand[] {
    const record = podUid === undefined ? undefined : this.pods.get(podUid);
    const pod: PodShape = record?.pod ?? {
      metadata: { namespace: claimKey.split('/')[0] ?? '', uid: '' },
      spec: { volumes: [{ name: 'claim', persistentVolumeClaim: { claimName: claimKey.split('/').slice(1).join('/') } }] },
    };
    return resolvableDemands(pod, this, this.options.driverNames).filter((d) => !this.pvByClaim.has(d.key));
  }

  /** Re-derives the charge of one claim or inline volume from its PV, plan and expiry. */
  private refreshCharge(key: string, nowMs: number): void {
    if (this.boundInline.has(key)) return;
    if (this.pvByClaim.has(key)) {
      this.plans.delete(key);
      this.ledger.clearCharge(key);
      return;
    }
    const plan = this.plans.get(key);
    if (plan !== undefined && (plan.expiresAtMs === undefined || plan.expiresAtMs > nowMs)) {
      this.ledger.setCharge(key, plan.node, plan.allocation);
    } else {
      this.ledger.clearCharge(key);
    }
  }

  podUidsOfClaim(claimKey: string): string[] {
    return [...(this.podsByClaim.get(claimKey) ?? [])];
  }

  pvOfClaim(claimKey: string): PvInfo | undefined {
    const name = this.pvByClaim.get(claimKey);
    return name === undefined ? undefined : this.pvs.get(name);
  }

  planOf(key: string): Plan | undefined {
    return this.plans.get(key);
  }

  /** A JSON-ready picture of everything, for `GET /cache`. */
  snapshot(nodeName?: string): unknown {
    const nodes = (nodeName === undefined ? this.ledger.nodeNames() : [nodeName]).map((node) => ({
      view: this.ledger.view(node),
      charges: Object.fromEntries(this.ledger.chargesOn(node)),
      problems: this.nodeProblems.get(node) ?? [],
    }));
    return {
      nodes,
      plans: Object.fromEntries(this.plans),
      counts: { storageClasses: this.storageClasses.size, claims: this.claims.size, pvs: this.pvs.size, pods: this.pods.size, plans: this.plans.size },
    };
  }

  counts(): { nodes: number; claims: number; pvs: number; pods: number; plans: number } {
    return { nodes: this.ledger.nodeNames().length, claims: this.claims.size, pvs: this.pvs.size, pods: this.pods.size, plans: this.plans.size };
  }
}

/** When the scheduler already chose a node that has no room: charge LVM volumes where they would go anyway. */
function forcedAllocations(vgs: { name: string; capacityBytes: number; usedBytes: number }[], demands: VolumeDemand[]): Allocation[] {
  const roomiest = [...vgs].sort((a, b) => b.capacityBytes - b.usedBytes - (a.capacityBytes - a.usedBytes))[0];
  return demands.flatMap((d): Allocation[] => {
    if (d.kind !== 'LVM') return [];
    const vgName = d.vgName ?? roomiest?.name;
    return vgName === undefined ? [] : [{ kind: 'LVM', key: d.key, sizeBytes: d.sizeBytes, vgName }];
  });
}
