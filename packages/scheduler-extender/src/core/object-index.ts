// The object index: the decoded API objects the extender keeps (our StorageClasses, claims, our PVs, pods with
// candidate volumes, per-node NLS problems) and the links between them (claim → PV, claim → pods). It knows
// nothing of plans or charges; ClusterState decides what a change means for those.
import type { PodShape } from './k8s-shapes.js';
import type { ClaimInfo, PvInfo, StorageClassInfo } from './objects.js';

export interface PodRecord {
  uid: string;
  pod: PodShape;
  claimKeys: string[];
}

export class ObjectIndex {
  private readonly storageClasses = new Map<string, StorageClassInfo>();
  private readonly claims = new Map<string, ClaimInfo>();
  /** Node → keys of the claims whose selected-node names it (reconciling one node must not scan every claim). */
  private readonly claimsBySelectedNode = new Map<string, Set<string>>();
  private readonly pvs = new Map<string, PvInfo>();
  private readonly pvByClaim = new Map<string, string>();
  private readonly pods = new Map<string, PodRecord>();
  private readonly podsByClaim = new Map<string, Set<string>>();
  private readonly nodeProblems = new Map<string, string[]>();

  storageClass(name: string): StorageClassInfo | undefined {
    return this.storageClasses.get(name);
  }

  setStorageClass(info: StorageClassInfo): void {
    this.storageClasses.set(info.name, info);
  }

  deleteStorageClass(name: string): void {
    this.storageClasses.delete(name);
  }

  claim(key: string): ClaimInfo | undefined {
    return this.claims.get(key);
  }

  /** Stores the claim; returns the one it replaced. */
  setClaim(info: ClaimInfo): ClaimInfo | undefined {
    const previous = this.claims.get(info.key);
    this.claims.set(info.key, info);
    if (previous?.selectedNode !== info.selectedNode) {
      this.unindexSelected(previous);
      if (info.selectedNode !== undefined) {
        const keys = this.claimsBySelectedNode.get(info.selectedNode) ?? new Set();
        keys.add(info.key);
        this.claimsBySelectedNode.set(info.selectedNode, keys);
      }
    }
    return previous;
  }

  deleteClaim(key: string): void {
    this.unindexSelected(this.claims.get(key));
    this.claims.delete(key);
  }

  private unindexSelected(claim: ClaimInfo | undefined): void {
    if (claim?.selectedNode === undefined) return;
    const keys = this.claimsBySelectedNode.get(claim.selectedNode);
    keys?.delete(claim.key);
    if (keys?.size === 0) this.claimsBySelectedNode.delete(claim.selectedNode);
  }

  /** The claims whose selected-node annotation names `node`, sorted by key. */
  claimsSelectedOn(node: string): ClaimInfo[] {
    const keys = [...(this.claimsBySelectedNode.get(node) ?? [])].sort((a, b) => a.localeCompare(b));
    return keys.flatMap((key) => {
      const claim = this.claims.get(key);
      return claim === undefined ? [] : [claim];
    });
  }

  /** Every claim, sorted by key (namespace/name), so derived plans do not depend on event order. */
  claimsByKey(): ClaimInfo[] {
    return [...this.claims.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  pv(name: string): PvInfo | undefined {
    return this.pvs.get(name);
  }

  /** Stores the PV and links its claim to it. */
  setPv(info: PvInfo): void {
    this.pvs.set(info.name, info);
    if (info.claimKey !== undefined) this.pvByClaim.set(info.claimKey, info.name);
  }

  deletePv(name: string): void {
    this.pvs.delete(name);
  }

  /** Removes the claim → PV link if it still points at `pv`; true if it did (the claim lost its PV). */
  unlinkPv(pv: PvInfo): boolean {
    if (pv.claimKey === undefined || this.pvByClaim.get(pv.claimKey) !== pv.name) return false;
    this.pvByClaim.delete(pv.claimKey);
    return true;
  }

  hasPvForClaim(claimKey: string): boolean {
    return this.pvByClaim.has(claimKey);
  }

  pvOfClaim(claimKey: string): PvInfo | undefined {
    const name = this.pvByClaim.get(claimKey);
    return name === undefined ? undefined : this.pvs.get(name);
  }

  pod(uid: string): PodRecord | undefined {
    return this.pods.get(uid);
  }

  hasPod(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** Stores the pod (replacing an earlier record of the same uid) and indexes it under each of its claims. */
  setPod(record: PodRecord): void {
    this.unindexPod(record.uid);
    this.pods.set(record.uid, record);
    for (const key of record.claimKeys) {
      const uids = this.podsByClaim.get(key) ?? new Set();
      uids.add(record.uid);
      this.podsByClaim.set(key, uids);
    }
  }

  deletePod(uid: string): void {
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

  podUidsOfClaim(claimKey: string): string[] {
    return [...(this.podsByClaim.get(claimKey) ?? [])];
  }

  /** The first pod (in the order seen) that uses the claim. */
  firstPodOfClaim(claimKey: string): string | undefined {
    const uids = this.podsByClaim.get(claimKey);
    if (uids === undefined) return undefined;
    for (const uid of uids) return uid;
    return undefined;
  }

  setNodeProblems(node: string, problems: string[]): void {
    if (problems.length > 0) this.nodeProblems.set(node, problems);
    else this.nodeProblems.delete(node);
  }

  nodeProblemsOf(node: string): string[] {
    return this.nodeProblems.get(node) ?? [];
  }

  counts(): { storageClasses: number; claims: number; pvs: number; pods: number } {
    return { storageClasses: this.storageClasses.size, claims: this.claims.size, pvs: this.pvs.size, pods: this.pods.size };
  }
}
