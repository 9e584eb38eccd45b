// Whether a volume Open-Local v0.7.1 created is ours to use after an upgrade (issue #15). Open-Local's LVs carry
// no tag (`lvcreate -n NAME -L SIZE VG`) and its disks and mount points have no claim record, so the only
// trustworthy witness is the PV: a volume is adopted when exactly one PV names storage that exists on its node
// in what the node's NLS manages, with the PV's size. Anything else is refused with the PV and the reason; the
// rule never guesses from names alone, so an LV no PV names is never touched.
import type { NodeLocalStorage } from './generated/nodelocalstorage.js';
import type { OpenLocalPv } from './open-local-pv.js';

/** An LV on the node, from lvm itself (the plugin) or from the node's NLS status (the upgrade check). */
export interface NodeLv {
  name: string;
  vgName: string;
  sizeBytes: number;
  /** Stripe count: a striped LV is rounded up to stripes × extent. 1 when unknown. */
  stripes?: number;
}

/** What the node's NLS hands to Open-Local (`status.filteredStorageInfo`). */
export interface ManagedStorage {
  vgNames: readonly string[];
  devices: readonly string[];
  mountPoints: readonly string[];
}

/**
 * `use` = stage, publish, stats, capacity checks; `expand` = NodeExpandVolume, where a PV larger than its LV
 * is the growth being asked for; `delete` = DeleteVolume.
 */
export type AdoptionPurpose = 'use' | 'expand' | 'delete';

export interface AdoptionInput {
  pv: OpenLocalPv;
  /** The node whose storage is judged: the plugin's own node, or the PV's node for the check. */
  nodeName: string;
  /** Whether a Node object of that name exists. */
  isNodePresent: boolean;
  /** undefined: the node has no NLS (Open-Local never managed it). */
  managed: ManagedStorage | undefined;
  lvs: readonly NodeLv[];
  /** Every Open-Local PV in the cluster (this one may be among them); used to find two PVs naming one volume. */
  allPvs: readonly OpenLocalPv[];
  /** VG extent size; lvcreate rounds sizes up to it. Open-Local's VGs use vgcreate's default, 4 MiB. */
  extentBytes?: number;
  purpose: AdoptionPurpose;
}

export type AdoptionProblem =
  | 'unsupported'
  | 'incomplete'
  | 'other-node'
  | 'node-gone'
  | 'no-nls'
  | 'not-managed'
  | 'shared'
  | 'lv-missing'
  | 'size-mismatch';

export type AdoptionPlan =
  | { action: 'adopt-lv'; pvName: string; vgName: string; lvName: string; lvSizeBytes: number }
  | { action: 'record-claim'; pvName: string; volumeType: 'Device' | 'MountPoint'; path: string }
  | { action: 'refuse'; pvName: string; problem: AdoptionProblem; reason: string };

const DEFAULT_EXTENT_BYTES = 4 * 2 ** 20;

type Refusal = Extract<AdoptionPlan, { action: 'refuse' }>;

function refuse(pv: OpenLocalPv, problem: AdoptionProblem, why: string): Refusal {
  return { action: 'refuse', pvName: pv.name, problem, reason: `PV ${pv.name}: ${why}` };
}

/** Who else names the same storage on the same node (two PVs, one LV: neither may be used or deleted). */
function sharersOf(input: AdoptionInput, sameStorage: (other: OpenLocalPv) => boolean): string[] {
  return input.allPvs.filter((other) => other.name !== input.pv.name && other.node === input.pv.node && sameStorage(other)).map((other) => other.name);
}

function sharedRefusal(pv: OpenLocalPv, what: string, sharers: readonly string[]): Refusal | null {
  if (sharers.length === 0) return null;
  return refuse(pv, 'shared', `${what} is also named by PV ${sharers.join(', PV ')}; two PVs cannot own one volume, so neither is adopted or deleted`);
}

/** Size rule: lvcreate rounds up to the extent (× stripes), so the LV holds at least the PV and less than one rounding more. */
function sizeRefusal(input: AdoptionInput, lv: NodeLv, capacityBytes: number): Refusal | null {
  const slackBytes = (input.extentBytes ?? DEFAULT_EXTENT_BYTES) * Math.max(1, lv.stripes ?? 1);
  const isGrowing = input.purpose === 'expand' && lv.sizeBytes < capacityBytes;
  if (isGrowing || (lv.sizeBytes >= capacityBytes && lv.sizeBytes < capacityBytes + slackBytes)) return null;
  return refuse(
    input.pv,
    'size-mismatch',
    `LV ${lv.vgName}/${lv.name} has ${lv.sizeBytes} bytes but the PV's capacity is ${capacityBytes} bytes (${input.pv.capacityText ?? ''}); an LV of another size is not this volume, so it is not adopted`,
  );
}

function planLv(input: AdoptionInput, managed: ManagedStorage): AdoptionPlan {
  const { pv } = input;
  const vgName = pv.vgName;
  if (vgName === undefined) return refuse(pv, 'incomplete', 'an LVM volume without vgName (attribute or csi.aliyun.com/pv-allocated annotation)');
  if (!managed.vgNames.includes(vgName)) {
    return refuse(pv, 'not-managed', `VG ${vgName} is not among the VGs the NLS of node ${input.nodeName} manages (${managed.vgNames.join(', ') || 'none'})`);
  }
  if (pv.capacityBytes === undefined) return refuse(pv, 'incomplete', `spec.capacity.storage ${JSON.stringify(pv.capacityText ?? null)} is not a byte quantity`);
  const shared = sharedRefusal(pv, `LV ${vgName}/${pv.volumeHandle}`, sharersOf(input, (o) => o.vgName === vgName && o.volumeHandle === pv.volumeHandle));
  if (shared !== null) return shared;
  const lv = input.lvs.find((candidate) => candidate.vgName === vgName && candidate.name === pv.volumeHandle);
  if (lv === undefined) return refuse(pv, 'lv-missing', `LV ${vgName}/${pv.volumeHandle} does not exist on node ${input.nodeName}`);
  return sizeRefusal(input, lv, pv.capacityBytes) ?? { action: 'adopt-lv', pvName: pv.name, vgName, lvName: lv.name, lvSizeBytes: lv.sizeBytes };
}

function planExclusive(input: AdoptionInput, managed: ManagedStorage, volumeType: 'Device' | 'MountPoint'): AdoptionPlan {
  const { pv } = input;
  const isDevice = volumeType === 'Device';
  const path = isDevice ? pv.device : pv.mountPoint;
  const key = isDevice ? 'Device' : 'MountPoint';
  if (path === undefined) return refuse(pv, 'incomplete', `a ${volumeType} volume without its ${key} attribute`);
  const known = isDevice ? managed.devices : managed.mountPoints;
  if (!known.includes(path)) {
    return refuse(pv, 'not-managed', `${key} ${path} is not among the ${isDevice ? 'devices' : 'mount points'} the NLS of node ${input.nodeName} manages (${known.join(', ') || 'none'})`);
  }
  const same = (o: OpenLocalPv) => o.volumeType === volumeType && (isDevice ? o.device : o.mountPoint) === path;
  return sharedRefusal(pv, `${key} ${path}`, sharersOf(input, same)) ?? { action: 'record-claim', pvName: pv.name, volumeType, path };
}

/** Where the PV's node stands: refused when the volume cannot be on `nodeName`. */
function nodeRefusal(input: AdoptionInput): Refusal | null {
  const { pv } = input;
  if (pv.node === undefined) return refuse(pv, 'incomplete', 'no required node affinity kubernetes.io/hostname In [<node>]');
  if (pv.node !== input.nodeName) return refuse(pv, 'other-node', `the volume is on node ${pv.node}, not ${input.nodeName}`);
  if (!input.isNodePresent) return refuse(pv, 'node-gone', `node ${pv.node} no longer exists; its volume cannot be reached`);
  return null;
}

/** The adoption decision for one Open-Local PV on one node. */
export function planAdoption(input: AdoptionInput): AdoptionPlan {
  const { pv } = input;
  if (pv.isReadOnlySnapshot) return refuse(pv, 'unsupported', 'a claim restored from an Open-Local read-only snapshot (it has no LV of its own) is not adopted');
  const misplaced = nodeRefusal(input);
  if (misplaced !== null) return misplaced;
  if (input.managed === undefined) return refuse(pv, 'no-nls', `node ${input.nodeName} has no NodeLocalStorage, so nothing on it is managed`);
  switch (pv.volumeType) {
    case 'LVM':
      return planLv(input, input.managed);
    case 'Device':
    case 'MountPoint':
      return planExclusive(input, input.managed, pv.volumeType);
    default:
      return refuse(pv, 'unsupported', `volumeType ${JSON.stringify(pv.volumeType)} is not LVM, Device or MountPoint`);
  }
}

/** The managed names of an NLS status (`filteredStorageInfo`); undefined when there is no NLS. */
export function managedStorageOf(nls: NodeLocalStorage | undefined): ManagedStorage | undefined {
  if (nls === undefined) return undefined;
  const filtered = nls.status?.filteredStorageInfo;
  return { vgNames: filtered?.volumeGroups ?? [], devices: filtered?.devices ?? [], mountPoints: filtered?.mountPoints ?? [] };
}

/** The LVs an NLS status reports (`nodeStorageInfo.volumeGroups[].logicalVolumes`), for judging without lvm. */
export function nodeLvsOf(nls: NodeLocalStorage | undefined): NodeLv[] {
  const lvs: NodeLv[] = [];
  for (const vg of nls?.status?.nodeStorageInfo?.volumeGroups ?? []) {
    for (const lv of vg.logicalVolumes ?? []) lvs.push({ name: lv.name, vgName: lv.vgname || vg.name, sizeBytes: lv.total });
  }
  return lvs;
}
