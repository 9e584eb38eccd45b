// How much a StorageClass can still get on one node: what CSIStorageCapacity publishes through the CSI plugin's
// GetCapacity (issue #14). The extender's rule, as data: a VG's room is its NLS allocatable minus the capacity of
// the PVs already in it (Open-Local's GetVGRequested), a disk or mount point is free while no PV holds it.
import { VOLUME_TYPES } from './constants.js';
import type { NodeOffer, OfferedResource } from './node-offer.js';
import type { OpenLocalPv } from './open-local-pv.js';
import type { VolumeMediaType } from './storage-class-parameters.js';

/** What the class can get on the node: the sum over every place that fits it, and the largest single volume. */
export interface ClassCapacity {
  availableBytes: number;
  maximumVolumeBytes: number;
}

/** What a class asks for: a decoded StorageClassSpec fits, or just the part that decides where a volume may go. */
export type CapacityClass = { volumeType: 'LVM'; vgName?: string | undefined } | { volumeType: 'Device' | 'MountPoint'; mediaType: VolumeMediaType };

function total(sizes: readonly number[]): ClassCapacity {
  return { availableBytes: sizes.reduce((a, b) => a + b, 0), maximumVolumeBytes: Math.max(0, ...sizes) };
}

/** A PV without `volumeType` is an LVM volume, as Open-Local reads it. */
function typeOf(pv: OpenLocalPv): string {
  return pv.volumeType === '' ? VOLUME_TYPES.lvm : pv.volumeType;
}

function lvmRoom(offer: NodeOffer, pvs: readonly OpenLocalPv[], vgName: string | undefined): number[] {
  const used = new Map<string, number>();
  for (const pv of pvs) {
    // A read-only snapshot claim is the snapshot LV itself: it charges nothing (reference §5.8).
    if (typeOf(pv) !== VOLUME_TYPES.lvm || pv.isReadOnlySnapshot || pv.vgName === undefined) continue;
    used.set(pv.vgName, (used.get(pv.vgName) ?? 0) + (pv.capacityBytes ?? 0));
  }
  return offer.volumeGroups.filter((vg) => vgName === undefined || vg.name === vgName).map((vg) => Math.max(0, vg.capacityBytes - (used.get(vg.name) ?? 0)));
}

function freeResources(resources: readonly OfferedResource[], taken: ReadonlySet<string | undefined>, mediaType: string): number[] {
  return resources.filter((r) => r.mediaType === mediaType && !taken.has(r.name)).map((r) => r.capacityBytes);
}

/**
 * The capacity a class has on `offer`'s node, given the Open-Local PVs of the cluster (those of other nodes are
 * ignored). LVM classes: every offered VG (or only the class's `vgName`) less its PVs; Device and MountPoint
 * classes: the free resources of the class's media type, whole.
 */
export function classCapacityOf(input: { offer: NodeOffer; pvs: readonly OpenLocalPv[]; storageClass: CapacityClass }): ClassCapacity {
  const { offer, storageClass } = input;
  const pvs = input.pvs.filter((pv) => pv.node === offer.nodeName);
  switch (storageClass.volumeType) {
    case 'LVM':
      return total(lvmRoom(offer, pvs, storageClass.vgName));
    case 'Device': {
      const taken = new Set(pvs.filter((pv) => typeOf(pv) === VOLUME_TYPES.device).map((pv) => pv.device));
      return total(freeResources(offer.devices, taken, storageClass.mediaType));
    }
    case 'MountPoint': {
      const taken = new Set(pvs.filter((pv) => typeOf(pv) === VOLUME_TYPES.mountPoint).map((pv) => pv.mountPoint));
      return total(freeResources(offer.mountPoints, taken, storageClass.mediaType));
    }
  }
}
