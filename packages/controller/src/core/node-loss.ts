// Node-loss recovery (opt-in), as TopoLVM's node finalizer does it: once a Node object has been gone for the grace
// period, the claims of our local volumes on that node are deleted (their data went with the node), so a
// StatefulSet re-creates them and its pods are placed elsewhere instead of staying Pending; our PVs of that node
// are deleted too, with external-provisioner's finalizer released (no provisioner runs there to remove it).
// Claims of other drivers and of other nodes are never touched.
import { ANNOTATIONS, PROVISIONER_NAMES, decodeOpenLocalPv, type PvLike } from '@openlocal/crd-types';

/** external-provisioner's finalizer on PVs it will delete; only a provisioner on the lost node could remove it. */
export const PROVISIONER_PV_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';

/** The fields of a claim this plan reads. */
export interface ClaimLike {
  metadata?: { namespace?: string; name?: string; annotations?: Record<string, string>; deletionTimestamp?: unknown };
  spec?: { storageClassName?: string; volumeName?: string };
}

/** The fields of a PV this plan reads (a decodable Open-Local PV plus its finalizers and deletion state). */
export type PvWithMeta = PvLike & { metadata?: { finalizers?: string[]; deletionTimestamp?: unknown } };

export interface NodeLossInput {
  /** Names of the Node objects that exist now. */
  nodes: ReadonlySet<string>;
  /** When each missing node was first seen missing (ms), as kept by trackMissingNodes. */
  missingSince: ReadonlyMap<string, number>;
  nowMs: number;
  graceMs: number;
  pvs: readonly PvWithMeta[];
  claims: readonly ClaimLike[];
  /** StorageClasses whose provisioner is ours (`local.csi.aliyun.com` or its legacy name). */
  ourClasses: ReadonlySet<string>;
}

export type NodeLossAction =
  | { kind: 'delete-claim'; node: string; namespace: string; name: string; reason: string }
  | { kind: 'release-pv'; node: string; name: string }
  | { kind: 'delete-pv'; node: string; name: string };

const selectedNodeOf = (claim: ClaimLike): string | undefined => claim.metadata?.annotations?.[ANNOTATIONS.selectedNode];

/** The nodes our volumes or claims point at. */
export function nodesReferenced(pvs: readonly PvWithMeta[], claims: readonly ClaimLike[], ourClasses: ReadonlySet<string>): Set<string> {
  const pvNodes = pvs.map((pv) => decodeOpenLocalPv(pv)?.node);
  const claimNodes = claims.filter((c) => ourClasses.has(c.spec?.storageClassName ?? '')).map(selectedNodeOf);
  return new Set([...pvNodes, ...claimNodes].filter((node): node is string => node !== undefined));
}

/**
 * The missing-since clock: a referenced node without a Node object keeps the time it was first seen missing;
 * a node that is back, or no longer referenced, is forgotten (a Node re-created within the grace stops the clock).
 */
export function trackMissingNodes(previous: ReadonlyMap<string, number>, seen: { existing: ReadonlySet<string>; referenced: ReadonlySet<string>; nowMs: number }): Map<string, number> {
  const next = new Map<string, number>();
  for (const node of seen.referenced) {
    if (!seen.existing.has(node)) next.set(node, previous.get(node) ?? seen.nowMs);
  }
  return next;
}

const isDeleting = (object: { metadata?: { deletionTimestamp?: unknown } }): boolean => object.metadata?.deletionTimestamp != null;

function lostNodes(input: NodeLossInput): Set<string> {
  const lost = new Set<string>();
  for (const [node, since] of input.missingSince) {
    if (!input.nodes.has(node) && input.nowMs - since >= input.graceMs) lost.add(node);
  }
  return lost;
}

// The action for one claim, if it belongs to a lost node: bound to our PV there, or ours and placed there.
function claimAction(claim: ClaimLike, input: NodeLossInput, lost: LostView): NodeLossAction | undefined {
  const { namespace = '', name = '' } = claim.metadata ?? {};
  const volumeName = claim.spec?.volumeName ?? '';
  const boundNode = lost.pvNode.get(volumeName);
  if (boundNode !== undefined) {
    return { kind: 'delete-claim', node: boundNode, namespace, name, reason: `bound to local volume ${volumeName} on node ${boundNode}, which was deleted` };
  }
  const selected = volumeName === '' ? pendingOursOn(claim, input.ourClasses) : undefined;
  if (selected === undefined || !lost.nodes.has(selected)) return undefined;
  return { kind: 'delete-claim', node: selected, namespace, name, reason: `waits for a local volume on node ${selected}, which was deleted` };
}

// The node an unbound claim of our classes was placed on, if any.
function pendingOursOn(claim: ClaimLike, ourClasses: ReadonlySet<string>): string | undefined {
  return ourClasses.has(claim.spec?.storageClassName ?? '') ? selectedNodeOf(claim) : undefined;
}

interface LostView {
  nodes: ReadonlySet<string>;
  /** Our PVs on lost nodes → their node. */
  pvNode: ReadonlyMap<string, string>;
}

function claimActions(input: NodeLossInput, lost: LostView): NodeLossAction[] {
  return input.claims
    .filter((claim) => !isDeleting(claim) && (claim.metadata?.name ?? '') !== '')
    .map((claim) => claimAction(claim, input, lost))
    .filter((action): action is NodeLossAction => action !== undefined);
}

/**
 * What to do about nodes lost for good: delete the claims bound to our PVs there and our pending claims placed
 * there, release and delete those PVs. Already-deleting objects get no second delete. Pure.
 */
export function planNodeLoss(input: NodeLossInput): NodeLossAction[] {
  const lost = lostNodes(input);
  if (lost.size === 0) return [];
  const pvNode = new Map<string, string>();
  const pvActions: NodeLossAction[] = [];
  for (const pv of input.pvs) {
    const decoded = decodeOpenLocalPv(pv);
    if (decoded?.node === undefined || !lost.has(decoded.node)) continue;
    pvNode.set(decoded.name, decoded.node);
    if (pv.metadata?.finalizers?.includes(PROVISIONER_PV_FINALIZER) === true) pvActions.push({ kind: 'release-pv', node: decoded.node, name: decoded.name });
    if (!isDeleting(pv)) pvActions.push({ kind: 'delete-pv', node: decoded.node, name: decoded.name });
  }
  return [...claimActions(input, { nodes: lost, pvNode }), ...pvActions];
}

/** StorageClasses of our provisioner among the given ones. */
export function ourStorageClasses(classes: readonly { metadata?: { name?: string }; provisioner?: string }[]): Set<string> {
  return new Set(classes.filter((c) => PROVISIONER_NAMES.includes(c.provisioner ?? '')).map((c) => c.metadata?.name ?? ''));
}
