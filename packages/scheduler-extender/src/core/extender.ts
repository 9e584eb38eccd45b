// The extender's decisions: filter (which nodes hold all of a pod's volumes, and — when choosing — which one
// gets them, reserved at once), prioritize (0–10 by strategy) and the provisioning-time plan for CreateVolume.
import { ANNOTATIONS } from '@openlocal/crd-types';
import type { ClusterState } from './cluster-state.js';
import { hasCandidateVolumes, type PodDemand } from './demand.js';
import { ExtenderError } from './errors.js';
import type { PodShape } from './k8s-shapes.js';
import { claimKey } from './objects.js';
import { fastGreedyLvmScore, fastLvmScore, prepareFastDemands, type FastDemands, type FastFit } from './fast-fit.js';
import { countMatchScore, exclusiveCounts, storagelessNodeScore } from './open-local-priority.js';
import { placeVolumes } from './placement.js';
import { checkSchedulingPod } from './reservation-guard.js';
import { allocationsToScore, antiAffinityScore, clampScore } from './score.js';
import type { Allocation, AntiAffinityWeights, NodeView, Strategy, VolumeDemand } from './types.js';
import { candidateNames, type BindingInfo, type ExtenderArgs, type ExtenderFilterResult, type HostPriority } from './wire.js';

export interface ExtenderOptions {
  state: ClusterState;
  strategy: Strategy;
  antiAffinity: AntiAffinityWeights;
  /** Answer one node per pod and reserve its volumes there (see docs/adr/0001); false = every fitting node. */
  isChoosingNode: boolean;
  reservationTtlMs: number;
  /** Open-Local's CapacityMatch for pods with no local volumes: nodes without local storage score 10 (§9.3). */
  isPreferringStoragelessNodes?: boolean;
}

interface FitSink {
  failed?: Record<string, string>;
  onFit(node: string, score: number, allocations: Allocation[] | undefined): void;
}

interface Fit {
  node: string;
  /** Built only on the slow path; the fast path leaves them to allocationsOf for the chosen node. */
  allocations: Allocation[] | undefined;
  score: number;
}

export class Extender {
  private isSynced = false;

  constructor(private readonly options: ExtenderOptions) {}

  /** Until the informers have listed everything, pods with volumes are refused rather than over-committed. */
  setSynced(isSynced: boolean): void {
    this.isSynced = isSynced;
  }

  /**
   * True when filter would pass every candidate node unchanged, whichever they are (nothing of ours to place):
   * the HTTP layer then answers without decoding the node names.
   */
  isFilterPassThrough(pod: PodShape): boolean {
    return this.filterDemand(pod).kind === 'none';
  }

  /** True when prioritize answers [] whichever the candidate nodes are. */
  isPrioritizeEmpty(pod: PodShape): boolean {
    const demand = this.prioritizeDemand(pod);
    return demand.kind === 'none' ? !this.hasAntiAffinityWeights() && this.options.isPreferringStoragelessNodes !== true : demand.kind !== 'demands';
  }

  filter(args: ExtenderArgs, nowMs: number): ExtenderFilterResult {
    const names = candidateNames(args);
    const failed: Record<string, string> = {};
    const unresolvable: Record<string, string> = {};
    const answer = (passing: string[]): ExtenderFilterResult => respond(args, passing, { FailedNodes: failed, FailedAndUnresolvableNodes: unresolvable });
    const pod = args.Pod as PodShape;
    const demand = this.filterDemand(pod);
    if (demand.kind === 'none') return answer(names);
    if (demand.kind === 'not-synced') return answer(failAll(names, failed, 'open-local scheduler extender: cache not synced yet'));
    if (demand.kind === 'unknown-pod') return answer(failAll(names, failed, demand.reason));
    if (demand.kind !== 'demands') return answer(failAll(names, demand.kind === 'invalid' ? unresolvable : failed, demand.reason));
    this.options.state.expire(nowMs);
    const isChoosing = this.options.isChoosingNode;
    const passing: string[] = [];
    // The best fit is kept as the nodes go by, not picked from a list of them: no object per node (issue #7).
    const choice: { best?: Fit } = {};
    const onFit = (node: string, score: number, allocations: Allocation[] | undefined): void => {
      if (!isChoosing) passing.push(node);
      else if (isBetterFit(choice.best, node, score)) choice.best = { node, score, allocations };
    };
    this.forEachFit(names, demand.demands, { failed, onFit });
    const best = choice.best;
    if (best === undefined) return answer(passing);
    // Nodes that fit but were not chosen get no entry: a reason per node would make the answer for 5000 nodes
    // ~400 KB, and kube-scheduler only needs the feasible list (docs/adr/0001).
    const podUid = pod.metadata?.uid || claimKey(pod.metadata?.namespace, pod.metadata?.name);
    const allocations = this.allocationsOf(best, demand.demands);
    this.options.state.reserve({ podUid, node: best.node, allocations, nowMs, ttlMs: this.options.reservationTtlMs });
    return answer([best.node]);
  }

  prioritize(args: ExtenderArgs, nowMs: number): HostPriority[] {
    const names = candidateNames(args);
    const pod = args.Pod as PodShape;
    const { state } = this.options;
    const demand = this.prioritizeDemand(pod);
    if (demand.kind === 'none') return this.prioritizeWithoutVolumes(names);
    if (demand.kind !== 'demands') return [];
    state.expire(nowMs);
    const scores = new Map<string, number>();
    this.forEachFit(names, demand.demands, { onFit: (node, score) => scores.set(node, score) });
    return names.map((Host) => ({ Host, Score: scores.get(Host) ?? 0 }));
  }

  /**
   * True while filter would refuse `pod` only because the informer has not delivered it yet: the HTTP layer
   * then waits a moment for it (kube-scheduler and the extender watch the same pod).
   */
  isAwaitingPod(pod: PodShape): boolean {
    return this.filterDemand(pod).kind === 'unknown-pod';
  }

  /**
   * A pod without candidate volumes passes without a look at the cache; one with them waits for the sync. A
   * filter that reserves plans from the informer's copy of the pod, never from the request, and refuses a pod
   * the informer has not delivered (core/reservation-guard.ts).
   */
  private filterDemand(pod: PodShape): PodDemand | { kind: 'not-synced' } | { kind: 'unknown-pod'; reason: string } {
    if (!hasCandidateVolumes(pod)) return { kind: 'none' };
    if (!this.isSynced) return { kind: 'not-synced' };
    const { state } = this.options;
    const sent = state.demandOf(pod);
    // Only a filter that chooses reserves anything; with nothing to place there is nothing to reserve.
    if (sent.kind !== 'demands' || !this.options.isChoosingNode) return sent;
    const check = checkSchedulingPod(pod, state.podByUid(pod.metadata?.uid ?? ''));
    if (!check.ok) return { kind: 'unknown-pod', reason: check.reason };
    return check.pod === pod ? sent : state.demandOf(check.pod);
  }

  private prioritizeDemand(pod: PodShape): PodDemand {
    return hasCandidateVolumes(pod) ? this.options.state.demandOf(pod) : { kind: 'none' };
  }

  /**
   * A pod with no local volumes: anti-affinity and, when enabled, Open-Local's preference for nodes without
   * storage. kube-scheduler scores hosts missing from the list as 0, so only weights list every node; otherwise
   * only the storage-less ones are listed (none in a cluster of storage nodes: no 5000 entries to encode).
   */
  private prioritizeWithoutVolumes(names: string[]): HostPriority[] {
    const { state, antiAffinity, isPreferringStoragelessNodes } = this.options;
    const hasWeights = this.hasAntiAffinityWeights();
    if (!hasWeights && isPreferringStoragelessNodes !== true) return [];
    const priorities: HostPriority[] = [];
    for (const Host of names) {
      const view = state.ledger.view(Host);
      const storageless = isPreferringStoragelessNodes === true ? storagelessNodeScore(view) : 0;
      const Score = clampScore(storageless + (hasWeights ? antiAffinityScore(view, [], antiAffinity) : 0));
      if (hasWeights || Score > 0) priorities.push({ Host, Score });
    }
    return priorities;
  }

  private hasAntiAffinityWeights(): boolean {
    return Object.values(this.options.antiAffinity).some((w) => w > 0);
  }

  /** Each node that holds all `demands` goes to `onFit` with its score; reasons for the others to `failed` if given. */
  private forEachFit(names: string[], demands: VolumeDemand[], { failed, onFit }: FitSink): void {
    const { state, strategy, antiAffinity } = this.options;
    const exclude = new Set(demands.map((d) => d.key));
    const touched = state.ledger.nodesCharged(exclude);
    const fast = prepareFastDemands(demands);
    const hasWeights = Object.values(antiAffinity).some((w) => w > 0);
    const counts = exclusiveCounts(demands);
    for (const node of names) {
      const view = state.ledger.view(node, touched.size > 0 && touched.has(node) ? exclude : undefined);
      if (view === undefined) {
        if (failed) failed[node] = `no local storage information (NodeLocalStorage) for node ${node}`;
        continue;
      }
      // Open-Local adds CountMatch and anti-affinity to the capacity score; the sum is clamped to 0–10 here.
      const bonus = (hasWeights ? antiAffinityScore(view, demands, antiAffinity) : 0) + countMatchScore(view, counts);
      const fastFit = fast === undefined ? undefined : scoreFast(view, fast, { strategy, isReasonWanted: failed !== undefined });
      if (fastFit?.kind === 'fits') {
        onFit(node, clampScore(fastFit.score + bonus), undefined);
        continue;
      }
      // No reason wanted (prioritize): `no-fit` is final. Otherwise placeVolumes decides and says why.
      if (fastFit?.kind === 'no-fit' && failed === undefined) continue;
      const placed = placeVolumes(view, demands, strategy);
      if (!placed.ok) {
        if (failed) failed[node] = placed.reason;
        continue;
      }
      onFit(node, clampScore(allocationsToScore(view, placed.allocations, strategy) + bonus), placed.allocations);
    }
  }

  private allocationsOf(fit: Fit, demands: VolumeDemand[]): Allocation[] {
    if (fit.allocations !== undefined) return fit.allocations;
    const { state, strategy } = this.options;
    const view = state.ledger.view(fit.node, new Set(demands.map((d) => d.key)));
    const placed = view === undefined ? undefined : placeVolumes(view, demands, strategy);
    return placed?.ok ? placed.allocations : [];
  }

  /**
   * The plan CreateVolume follows for claim `namespace/name` on `nodeName`: all unbound volumes of the claim's pod
   * are placed there together and kept until their PVs appear. Asking again returns the same answer. Only a
   * claim kube-scheduler placed on `nodeName` (selected-node) gets a recorded plan; for a claim it has not placed
   * the answer says where it would go and records nothing, so a client cannot pin pending claims by asking, and
   * a claim placed elsewhere is refused (issue #16).
   */
  provisioningPlan(request: { namespace: string; name: string; nodeName: string }, nowMs: number): BindingInfo {
    const { state } = this.options;
    const key = claimKey(request.namespace, request.name);
    const claim = state.claim(key);
    if (claim === undefined) throw new ExtenderError('NOT_FOUND', `persistentvolumeclaim ${key} not found`);
    const pv = state.pvOfClaim(key);
    if (pv !== undefined) return bindingInfo(key, pv.node, pv.allocation);
    // The scheduler's choice stands: a plan elsewhere would move the claim's charge off the node it will be on.
    if (claim.selectedNode !== undefined && claim.selectedNode !== request.nodeName) {
      throw new ExtenderError('INVALID_ARGUMENT', `persistentvolumeclaim ${key} is selected for node ${claim.selectedNode} (annotation ${ANNOTATIONS.selectedNode}), not nodeName ${request.nodeName}`);
    }
    if (!this.isSynced) throw new ExtenderError('NOT_READY', 'open-local scheduler extender: cache not synced yet');
    state.expire(nowMs);
    const podUid = state.podUidsOfClaim(key)[0];
    const result = claim.selectedNode === undefined
      ? state.previewPlans({ podUid, claimKey: key, node: request.nodeName })
      : state.ensurePlans({ podUid, claimKey: key, node: request.nodeName, source: 'provisioning', nowMs, isStrict: true });
    if (!result.ok) throw new ExtenderError('RESOURCE_EXHAUSTED', result.reason);
    const allocation = result.allocations.find((a) => a.key === key);
    if (allocation === undefined) {
      throw new ExtenderError('INVALID_ARGUMENT', `persistentvolumeclaim ${key} is not an unbound claim of an Open-Local StorageClass`);
    }
    return bindingInfo(key, request.nodeName, allocation);
  }
}

/**
 * The fast path's score. When reasons are wanted (filter), a node the greedy order refuses goes on to
 * placeVolumes, which runs the exact search once and explains a refusal; prioritize searches here.
 */
function scoreFast(view: NodeView, fast: FastDemands, options: { strategy: Strategy; isReasonWanted: boolean }): FastFit {
  return options.isReasonWanted ? fastGreedyLvmScore(view, fast, options.strategy) : fastLvmScore(view, fast, options.strategy);
}

/** Whether `node` beats the best so far: higher score, then the smaller name, so the list order does not matter. */
function isBetterFit(best: Fit | undefined, node: string, score: number): boolean {
  return best === undefined || score > best.score || (score === best.score && node < best.node);
}

function failAll(names: string[], into: Record<string, string>, reason: string): string[] {
  for (const name of names) into[name] = reason;
  return [];
}

type Failures = Pick<ExtenderFilterResult, 'FailedNodes' | 'FailedAndUnresolvableNodes'>;

function respond(args: ExtenderArgs, passing: string[], failures: Failures): ExtenderFilterResult {
  // Keys in the order of Go's ExtenderFilterResult struct, as kube-scheduler's own encoder writes them.
  if (args.NodeNames != null || args.Nodes == null) return { Nodes: null, NodeNames: passing, ...failures, Error: '' };
  // Not nodeCacheCapable: echo the full Node objects of the passing names, in the scheduler's order.
  const keep = new Set(passing);
  const items = (args.Nodes.items ?? []).filter((node) => keep.has(node.metadata.name));
  return { Nodes: { ...args.Nodes, items }, NodeNames: null, ...failures, Error: '' };
}

function bindingInfo(key: string, node: string, allocation: Allocation): BindingInfo {
  const info = { node, disk: '', vgName: '', device: '', volumeType: allocation.kind, persistentVolumeClaim: key, requestedBytes: allocation.sizeBytes };
  switch (allocation.kind) {
    case 'LVM':
      return { ...info, vgName: allocation.vgName };
    case 'Device':
      return { ...info, device: allocation.resourceName };
    case 'MountPoint':
      return { ...info, disk: allocation.resourceName };
  }
}
