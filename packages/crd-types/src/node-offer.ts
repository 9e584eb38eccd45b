// NodeLocalStorage status → what the node offers to new volumes: the filtered VGs (capacity = allocatable), whole
// disks and mount points. One rule for the scheduler extender and the CSI plugin's GetCapacity (issue #14), as in
// Open-Local's NewNodeCacheFromStorage. Entries the agent wrote badly are left out and reported, never guessed.
import { MEDIA_TYPES } from './constants.js';
import { quantityValueBytesOrUndefined } from './quantity.js';
import type { VolumeMediaType } from './storage-class-parameters.js';

/** Filesystems a mount point must carry to be offered (Open-Local's CheckMountPointOptions). */
export const MOUNT_POINT_FS_TYPES: readonly string[] = ['ext3', 'ext4', 'xfs'];

/** One VG: `capacityBytes` is the NLS `allocatable` (VG size minus LVs that are not ours, minus the reserve). */
export interface OfferedVolumeGroup {
  name: string;
  capacityBytes: number;
}

/** A whole disk or a mount point; a volume takes all of it. */
export interface OfferedResource {
  name: string;
  capacityBytes: number;
  mediaType: VolumeMediaType | undefined;
}

/** What one node offers, decoded from its NodeLocalStorage. */
export interface NodeOffer {
  nodeName: string;
  volumeGroups: OfferedVolumeGroup[];
  devices: OfferedResource[];
  mountPoints: OfferedResource[];
}

/** The fields of a NodeLocalStorage this decoder reads (structural: the generated type and plain JSON both fit). */
export interface NlsOfferShape {
  metadata?: { name?: string };
  status?: {
    nodeStorageInfo?: {
      deviceInfo?: { name?: string; mediaType?: string; total?: number | string; readOnly?: boolean }[];
      volumeGroups?: { name?: string; allocatable?: number | string }[];
      mountPoints?: { name?: string; total?: number | string; fsType?: string; device?: string; readOnly?: boolean }[];
    };
    filteredStorageInfo?: { volumeGroups?: string[]; mountPoints?: string[]; devices?: string[] };
  };
}

type Info = NonNullable<NonNullable<NlsOfferShape['status']>['nodeStorageInfo']>;
type Filtered = NonNullable<NonNullable<NlsOfferShape['status']>['filteredStorageInfo']>;

const ALL_MEDIA_TYPES: readonly string[] = Object.values(MEDIA_TYPES);

function toMediaType(value: string | undefined): VolumeMediaType | undefined {
  return value !== undefined && ALL_MEDIA_TYPES.includes(value) ? (value as VolumeMediaType) : undefined;
}

function toBytes(value: number | string | undefined, field: string, problems: string[]): number | undefined {
  const bytes = value === undefined ? undefined : quantityValueBytesOrUndefined(value);
  if (bytes === undefined) problems.push(`${field} is not a byte count: ${JSON.stringify(value)}`);
  return bytes;
}

function volumeGroupsOf(info: Info, filtered: Filtered, problems: string[]): OfferedVolumeGroup[] {
  const names = new Set(filtered.volumeGroups ?? []);
  const vgs: OfferedVolumeGroup[] = [];
  for (const [index, vg] of (info.volumeGroups ?? []).entries()) {
    if (vg.name === undefined || !names.has(vg.name)) continue;
    const capacityBytes = toBytes(vg.allocatable, `status.nodeStorageInfo.volumeGroups[${index}].allocatable`, problems);
    if (capacityBytes !== undefined) vgs.push({ name: vg.name, capacityBytes });
  }
  return vgs;
}

function devicesOf(info: Info, filtered: Filtered, problems: string[]): OfferedResource[] {
  const names = new Set(filtered.devices ?? []);
  const devices: OfferedResource[] = [];
  for (const [index, device] of (info.deviceInfo ?? []).entries()) {
    if (device.name === undefined || !names.has(device.name) || device.readOnly === true) continue;
    const capacityBytes = toBytes(device.total, `status.nodeStorageInfo.deviceInfo[${index}].total`, problems);
    if (capacityBytes !== undefined) devices.push({ name: device.name, capacityBytes, mediaType: toMediaType(device.mediaType) });
  }
  return devices;
}

type MountPointEntry = NonNullable<Info['mountPoints']>[number];

/** Listed in the filter, writable, and carrying a filesystem Open-Local mounts. */
function isOfferedMountPoint(mp: MountPointEntry, names: ReadonlySet<string>): mp is MountPointEntry & { name: string } {
  return mp.name !== undefined && names.has(mp.name) && mp.readOnly !== true && MOUNT_POINT_FS_TYPES.includes(mp.fsType ?? '');
}

function mountPointsOf(info: Info, filtered: Filtered, problems: string[]): OfferedResource[] {
  const names = new Set(filtered.mountPoints ?? []);
  const mediaByDevice = new Map((info.deviceInfo ?? []).map((d) => [d.name ?? '', toMediaType(d.mediaType)]));
  const mountPoints: OfferedResource[] = [];
  for (const [index, mp] of (info.mountPoints ?? []).entries()) {
    if (!isOfferedMountPoint(mp, names)) continue;
    const capacityBytes = toBytes(mp.total, `status.nodeStorageInfo.mountPoints[${index}].total`, problems);
    if (capacityBytes !== undefined) mountPoints.push({ name: mp.name, capacityBytes, mediaType: mediaByDevice.get(mp.device ?? '') });
  }
  return mountPoints;
}

/**
 * Decodes one NLS. Only names listed in `status.filteredStorageInfo` are offered, as in Open-Local.
 * @returns the offer, and why entries were left out (naming the field and value)
 */
export function nlsToNodeOffer(nls: NlsOfferShape): { offer: NodeOffer; problems: string[] } {
  const info = nls.status?.nodeStorageInfo ?? {};
  const filtered = nls.status?.filteredStorageInfo ?? {};
  const problems: string[] = [];
  const offer: NodeOffer = {
    nodeName: nls.metadata?.name ?? '',
    volumeGroups: volumeGroupsOf(info, filtered, problems),
    devices: devicesOf(info, filtered, problems),
    mountPoints: mountPointsOf(info, filtered, problems),
  };
  return { offer, problems };
}
