// The pending-claim rescue (Open-Local's §4.9, decided differently): a claim kube-scheduler placed on a node
// (`volume.kubernetes.io/selected-node`) that can no longer host its pod's volumes — the node's NodeLocalStorage
// is gone (our controller deletes it with the Node) or the volumes no longer fit there — keeps the pod Pending
// for good, because kube-scheduler only considers the selected node for such a claim. Those claims are found here;
// removing the annotation (adapters/claim-rescuer.ts) makes kube-scheduler place the pod again.
import { podClaimKeys, type PodDemand } from './demand.js';
import type { PodShape } from './k8s-shapes.js';
import type { ClaimInfo, PvInfo } from './objects.js';
import { placeVolumes } from './placement.js';
import type { NodeView, Strategy } from './types.js';

/** What the rescue reads: ClusterState provides all of it. */
export interface RescueSource {
  selectedClaims(): ClaimInfo[];
  claim(key: string): ClaimInfo | undefined;
  pvOfClaim(key: string): PvInfo | undefined;
  podUidsOfClaim(key: string): string[];
  podByUid(uid: string): PodShape | undefined;
  demandOf(pod: PodShape): PodDemand;
  readonly ledger: { view(node: string, exclude?: ReadonlySet<string>): NodeView | undefined };
}

/** A claim to release from its selected node, and why. */
export interface StuckClaim {
  claimKey: string;
  node: string;
  reason: string;
}

const isUnbound = (source: RescueSource, key: string): boolean => {
  const claim = source.claim(key);
  return claim !== undefined && claim.volumeName === undefined && source.pvOfClaim(key) === undefined;
};

/**
 * The pod a selected claim waits for, when rescuing it can help: one pod of ours, not bound to a node, and every
 * claim of it unbound (a volume that exists pins the pod to its node anyway, as in Open-Local's rule).
 */
function waitingPod(source: RescueSource, claim: ClaimInfo): PodShape | undefined {
  const pods = source.podUidsOfClaim(claim.key).map((uid) => source.podByUid(uid));
  const [pod] = pods;
  if (pods.length !== 1 || pod === undefined || (pod.spec?.nodeName ?? '') !== '') return undefined;
  const ours = podClaimKeys(pod).filter((key) => source.claim(key) !== undefined);
  return ours.every((key) => isUnbound(source, key)) ? pod : undefined;
}

/** Why `node` cannot host the pod any more, or undefined when it still can (or the pod's demand is unclear). */
function hostingProblem(source: RescueSource, { pod, node, strategy }: { pod: PodShape; node: string; strategy: Strategy }): string | undefined {
  const demand = source.demandOf(pod);
  if (demand.kind !== 'demands') return undefined;
  const view = source.ledger.view(node, new Set(demand.demands.map((d) => d.key)));
  if (view === undefined) return `node ${node} has no NodeLocalStorage any more (the node was deleted, or it offers no local storage)`;
  const placed = placeVolumes(view, demand.demands, strategy);
  return placed.ok ? undefined : placed.reason;
}

/** Every unbound claim of ours whose selected node can no longer host its waiting pod's volumes. */
export function findStuckClaims(source: RescueSource, strategy: Strategy): StuckClaim[] {
  const stuck: StuckClaim[] = [];
  for (const claim of source.selectedClaims()) {
    const node = claim.selectedNode;
    if (node === undefined || !isUnbound(source, claim.key)) continue;
    const pod = waitingPod(source, claim);
    const reason = pod === undefined ? undefined : hostingProblem(source, { pod, node, strategy });
    if (reason !== undefined) stuck.push({ claimKey: claim.key, node, reason });
  }
  return stuck;
}

/**
 * The stuck-since clock: a claim keeps the time it was first found stuck on the same node, so only a problem that
 * lasts `graceMs` is acted on (an agent rewriting its NLS, or an informer a moment behind, is not a lost node).
 * @returns the clock for the next sweep, and the claims whose grace is over
 */
export function dueStuckClaims(previous: ReadonlyMap<string, { node: string; sinceMs: number }>, stuck: readonly StuckClaim[], options: { nowMs: number; graceMs: number }): { since: Map<string, { node: string; sinceMs: number }>; due: StuckClaim[] } {
  const since = new Map<string, { node: string; sinceMs: number }>();
  const due: StuckClaim[] = [];
  for (const claim of stuck) {
    const before = previous.get(claim.claimKey);
    const sinceMs = before?.node === claim.node ? before.sinceMs : options.nowMs;
    since.set(claim.claimKey, { node: claim.node, sinceMs });
    if (options.nowMs - sinceMs >= options.graceMs) due.push(claim);
  }
  return { since, due };
}
