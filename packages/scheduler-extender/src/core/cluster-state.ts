// Everything the extender knows, kept from informer events, in three parts: the object index (our StorageClasses,
// claims, PVs, pods and NLS problems: object-index.ts), the plan book (claims decided but not provisioned yet:
// plan-book.ts) and the charge derivation that turns both into the ledger (charges.ts). Every change re-derives
// the charges of what it touches, so the ledger always equals a function of API state plus unexpired plans.
import { hasCandidateVolumes, inlineDemands, podClaimKeys, podDemand, resolvableDemands, type DemandLookup, type PodDemand } from './demand.js';
import type { SnapshotInfo } from './content-source.js';
import type { NlsShape, PodShape, PvShape, PvcShape, StorageClassShape, VolumeSnapshotShape } from './k8s-shapes.js';
import { ChargeDeriver, forcedAllocations } from './charges.js';
import { Ledger } from './ledger.js';
import { nlsToNodeStorage } from './node-storage.js';
import { ObjectIndex } from './object-index.js';
import { claimInfo, claimKey, pvInfo, storageClassInfo, type ClaimInfo, type PvInfo, type StorageClassInfo } from './objects.js';
import { placeVolumes, type PlacementResult } from './placement.js';
import { PlanBook, type Plan, type PlanSource } from './plan-book.js';
import { nlsToThinPools } from './thin-pools.js';
import type { Allocation, Strategy, VolumeDemand } from './types.js';

export type { Plan, PlanSource } from './plan-book.js';

export interface ClusterStateOptions {
  driverNames: readonly string[];
  strategy: Strategy;
  /** How long a plan lives that nothing confirmed yet (filter reservations, a pod's other claims); default 30 s. */
  reservationTtlMs?: number;
}

const DEFAULT_RESERVATION_TTL_MS = 30_000;

export class ClusterState implements DemandLookup {
  readonly ledger = new Ledger();
  private readonly index = new ObjectIndex();
  private readonly plans = new PlanBook();
  private readonly charges = new ChargeDeriver(this.ledger, this.index, this.plans);
  /** VolumeSnapshots by `ns/name`: where a restored claim's source is (content-source.ts). */
  private readonly snapshots = new Map<string, SnapshotInfo>();

  constructor(private readonly options: ClusterStateOptions) {}

  claim(key: string): ClaimInfo | undefined {
    return this.index.claim(key);
  }

  storageClass(name: string): StorageClassInfo | undefined {
    return this.index.storageClass(name);
  }

  volumeSnapshot(key: string): SnapshotInfo | undefined {
    return this.snapshots.get(key);
  }

  upsertVolumeSnapshot(snapshot: VolumeSnapshotShape): void {
    const key = claimKey(snapshot.metadata?.namespace, snapshot.metadata?.name);
    this.snapshots.set(key, { key, sourceClaimName: snapshot.spec?.source?.persistentVolumeClaimName || undefined });
  }

  deleteVolumeSnapshot(snapshot: VolumeSnapshotShape): void {
    this.snapshots.delete(claimKey(snapshot.metadata?.namespace, snapshot.metadata?.name));
  }

  demandOf(pod: PodShape): PodDemand {
    return podDemand(pod, this, this.options.driverNames);
  }

  upsertStorageClass(sc: StorageClassShape): void {
    const info = storageClassInfo(sc, this.options.driverNames);
    if (info === undefined) this.index.deleteStorageClass(sc.metadata?.name ?? '');
    else this.index.setStorageClass(info);
  }

  deleteStorageClass(sc: StorageClassShape): void {
    this.index.deleteStorageClass(sc.metadata?.name ?? '');
  }

  upsertNls(nls: NlsShape, nowMs: number): void {
    const { storage, problems } = nlsToNodeStorage(nls);
    const isNew = !this.ledger.hasNode(storage.nodeName);
    this.ledger.setNodeStorage(storage);
    const thin = nlsToThinPools(nls);
    this.ledger.setThinPools(storage.nodeName, thin.pools);
    if (isNew) this.reconcile(nowMs, storage.nodeName);
    this.index.setNodeProblems(storage.nodeName, [...problems, ...thin.problems]);
  }

  deleteNls(nls: NlsShape): void {
    this.ledger.deleteNodeStorage(nls.metadata?.name ?? '');
    this.index.setNodeProblems(nls.metadata?.name ?? '', []);
  }

  upsertPv(pv: PvShape, nowMs: number): void {
    const info = pvInfo(pv, this.options.driverNames);
    if (info === undefined) return this.deletePv(pv, nowMs);
    const previous = this.index.pv(info.name);
    if (previous?.claimKey !== undefined && previous.claimKey !== info.claimKey) this.unlinkPv(previous, nowMs);
    this.index.setPv(info);
    this.ledger.setCharge(`pv:${info.name}`, info.node, info.allocation);
    if (info.claimKey !== undefined) this.charges.refresh(info.claimKey, nowMs);
  }

  deletePv(pv: PvShape, nowMs: number): void {
    const name = pv.metadata?.name ?? '';
    const previous = this.index.pv(name);
    if (previous === undefined) return;
    this.index.deletePv(name);
    this.ledger.clearCharge(`pv:${name}`);
    this.unlinkPv(previous, nowMs);
  }

  private unlinkPv(pv: PvInfo, nowMs: number): void {
    if (this.index.unlinkPv(pv) && pv.claimKey !== undefined) this.charges.refresh(pv.claimKey, nowMs);
  }

  upsertPvc(pvc: PvcShape, nowMs: number): void {
    const info = claimInfo(pvc);
    const previous = this.index.setClaim(info);
    if (info.selectedNode !== undefined && info.selectedNode !== previous?.selectedNode) {
      const podUid = this.index.firstPodOfClaim(info.key);
      this.ensurePlans({ podUid, claimKey: info.key, node: info.selectedNode, source: 'selected-node', nowMs, isStrict: false });
    } else if (info.selectedNode === undefined && previous?.selectedNode !== undefined) {
      // The annotation was removed (the provisioner gave up on that node): the claim is being rescheduled.
      if (this.plans.get(info.key)?.source !== 'filter') this.plans.delete(info.key);
    }
    this.charges.refresh(info.key, nowMs);
  }

  deletePvc(pvc: PvcShape): void {
    const key = claimInfo(pvc).key;
    this.index.deleteClaim(key);
    this.plans.delete(key);
    this.ledger.clearCharge(key);
  }

  upsertPod(pod: PodShape, nowMs: number): void {
    const uid = pod.metadata?.uid ?? '';
    if (!hasCandidateVolumes(pod)) return this.deletePod(pod, nowMs);
    this.index.setPod({ uid, pod, claimKeys: podClaimKeys(pod) });
    this.chargeInlineVolumes(pod);
  }

  /** A bound pod's inline volumes are charged to its node from binding on (Open-Local waited for Running). */
  private chargeInlineVolumes(pod: PodShape): void {
    const node = pod.spec?.nodeName;
    if (node === undefined || node === '') return;
    const isActive = pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
    for (const demand of inlineDemands(pod, this.options.driverNames)) {
      if (demand.kind !== 'LVM' || demand.vgName === undefined) continue;
      this.plans.delete(demand.key);
      if (isActive) this.charges.chargeBoundInline(demand.key, node, { kind: 'LVM', key: demand.key, sizeBytes: demand.sizeBytes, vgName: demand.vgName });
      else this.charges.releaseInline(demand.key);
    }
  }

  deletePod(pod: PodShape, nowMs: number): void {
    const uid = pod.metadata?.uid ?? '';
    // Most pods of a cluster have no volumes of ours and were never recorded: nothing to undo.
    if (!this.index.hasPod(uid) && !hasCandidateVolumes(pod)) return;
    for (const demand of inlineDemands(pod, this.options.driverNames)) {
      this.plans.delete(demand.key);
      this.charges.releaseInline(demand.key);
    }
    for (const key of this.plans.keysWhere((plan) => plan.podUid === uid && plan.source === 'filter')) {
      this.plans.delete(key);
      this.charges.refresh(key, nowMs);
    }
    this.index.deletePod(uid);
  }

  /**
   * Plans every claim that carries a selected node but has neither a PV nor a plan there — what a restart or an
   * NLS that arrived after its claims leaves behind. Optionally only for claims selected on `onlyNode`.
   */
  reconcile(nowMs: number, onlyNode?: string): void {
    const claims = onlyNode === undefined ? this.index.claimsByKey() : this.index.claimsSelectedOn(onlyNode);
    for (const claim of claims) {
      const node = claim.selectedNode;
      if (node === undefined) continue;
      if (this.index.hasPvForClaim(claim.key) || this.plans.get(claim.key)?.node === node) continue;
      const podUid = this.index.firstPodOfClaim(claim.key);
      this.ensurePlans({ podUid, claimKey: claim.key, node, source: 'selected-node', nowMs, isStrict: false });
    }
  }

  /**
   * Forgets every plan and re-derives them in claim-key order: after the initial list a restarted extender
   * makes the same plans whatever order the informers delivered the objects in.
   */
  rebuildPlans(nowMs: number): void {
    for (const key of this.plans.clear()) this.charges.refresh(key, nowMs);
    this.reconcile(nowMs);
  }

  /** Drops filter reservations whose time is up. */
  expire(nowMs: number): void {
    for (const key of this.plans.keysWhere((plan) => plan.expiresAtMs !== undefined && plan.expiresAtMs <= nowMs)) {
      this.plans.delete(key);
      this.charges.refresh(key, nowMs);
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
      const isSelected = this.index.claim(allocation.key)?.selectedNode === node;
      const expiresAtMs = isSelected ? undefined : nowMs + request.ttlMs;
      this.plans.set(allocation.key, { node, allocation, source: isSelected ? 'selected-node' : 'filter', podUid, expiresAtMs });
      this.charges.refresh(allocation.key, nowMs);
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
    // Only claims that carry `selected-node` = node (and the asked claim when kube-scheduler's annotation is
    // the source) are confirmed; the pod's other volumes, and provisioning asks for claims the scheduler has not
    // placed there, are planned too but expire unless their own confirmation follows (no ledger leak, no pinning).
    const isConfirmedByRequest = request.source !== 'provisioning';
    const expiryOf = (key: string): number | undefined =>
      (key === request.claimKey && isConfirmedByRequest) || this.index.claim(key)?.selectedNode === node ? undefined : nowMs + (this.options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS);
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
    for (const demand of demands) this.charges.refresh(demand.key, nowMs);
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
    const record = podUid === undefined ? undefined : this.index.pod(podUid);
    const pod: PodShape = record?.pod ?? {
      metadata: { namespace: claimKey.split('/')[0] ?? '', uid: '' },
      spec: { volumes: [{ name: 'claim', persistentVolumeClaim: { claimName: claimKey.split('/').slice(1).join('/') } }] },
    };
    return resolvableDemands(pod, this, this.options.driverNames).filter((d) => !this.index.hasPvForClaim(d.key));
  }

  /**
   * Where the claim's pod's volumes that have no PV would go on `node`, without recording anything: the answer
   * for a claim kube-scheduler has not placed, which nobody may pin by asking (issue #16).
   */
  previewPlans(request: { podUid: string | undefined; claimKey: string; node: string }): PlacementResult {
    const demands = this.demandsForPlan(request.podUid, request.claimKey);
    const view = this.ledger.view(request.node, new Set(demands.map((d) => d.key)));
    if (view === undefined) return { ok: false, reason: `no local storage information (NodeLocalStorage) for node ${request.node}` };
    return placeVolumes(view, demands, this.options.strategy);
  }

  /** Claims of ours that carry `volume.kubernetes.io/selected-node`, sorted by key (the pending-claim rescue). */
  selectedClaims(): ClaimInfo[] {
    return this.index.claimsByKey().filter((claim) => claim.selectedNode !== undefined);
  }

  /** The pod with this UID as the informer last delivered it (only pods with volumes of ours are kept). */
  podByUid(uid: string): PodShape | undefined {
    return this.index.pod(uid)?.pod;
  }

  podUidsOfClaim(claimKey: string): string[] {
    return this.index.podUidsOfClaim(claimKey);
  }

  pvOfClaim(claimKey: string): PvInfo | undefined {
    return this.index.pvOfClaim(claimKey);
  }

  planOf(key: string): Plan | undefined {
    return this.plans.get(key);
  }

  /** A JSON-ready picture of everything, for `GET /cache`. */
  snapshot(nodeName?: string): unknown {
    const nodes = (nodeName === undefined ? this.ledger.nodeNames() : [nodeName]).map((node) => ({
      view: this.ledger.view(node),
      charges: Object.fromEntries(this.ledger.chargesOn(node)),
      problems: this.index.nodeProblemsOf(node),
    }));
    return {
      nodes,
      plans: this.plans.toObject(),
      counts: { ...this.index.counts(), plans: this.plans.size },
    };
  }

  counts(): { nodes: number; claims: number; pvs: number; pods: number; plans: number } {
    const { claims, pvs, pods } = this.index.counts();
    return { nodes: this.ledger.nodeNames().length, claims, pvs, pods, plans: this.plans.size };
  }
}
