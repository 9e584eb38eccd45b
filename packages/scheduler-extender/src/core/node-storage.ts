// NodeLocalStorage status → what the node offers: the filtered VGs (capacity = allocatable), devices and
// mount points. Entries the agent wrote badly are left out and reported, never guessed.
import { quantityValueBytesOrUndefined } from '@openlocal/crd-types';
import { MOUNT_POINT_FS_TYPES } from './constants.js';
import type { NlsShape } from './k8s-shapes.js';
import type { ExclusiveResource, MediaType, NodeStorage } from './types.js';

export interface DecodedNodeStorage {
  storage: NodeStorage;
  /** Why some entries were left out, naming the field and value. */
  problems: string[];
}

function toMediaType(value: string | undefined): MediaType | undefined {
  return value === 'ssd' || value === 'hdd' ? value : undefined;
}

function toBytes(value: number | string | undefined, field: string, problems: string[]): number | undefined {
  const bytes = value === undefined ? undefined : quantityValueBytesOrUndefined(value);
  if (bytes === undefined) problems.push(`${field} is not a byte count: ${JSON.stringify(value)}`);
  return bytes;
}

type Info = NonNullable<NonNullable<NlsShape['status']>['nodeStorageInfo']>;
type Filtered = NonNullable<NonNullable<NlsShape['status']>['filteredStorageInfo']>;

function volumeGroupsOf(info: Info, filtered: Filtered, problems: string[]): NodeStorage['volumeGroups'] {
  const names = new Set(filtered.volumeGroups ?? []);
  const vgs: NodeStorage['volumeGroups'] = [];
  for (const [index, vg] of (info.volumeGroups ?? []).entries()) {
    if (vg.name === undefined || !names.has(vg.name)) continue;
    const capacityBytes = toBytes(vg.allocatable, `status.nodeStorageInfo.volumeGroups[${index}].allocatable`, problems);
    if (capacityBytes !== undefined) vgs.push({ name: vg.name, capacityBytes });
  }
  return vgs;
}

function devicesOf(info: Info, filtered: Filtered, problems: string[]): ExclusiveResource[] {
  const names = new Set(filtered.devices ?? []);
  const devices: ExclusiveResource[] = [];
  for (const [index, device] of (info.deviceInfo ?? []).entries()) {
    if (device.name === undefined || !names.has(device.name) || device.readOnly === true) continue;
    const capacityBytes = toBytes(device.total, `status.nodeStorageInfo.deviceInfo[${index}].total`, problems);
    if (capacityBytes !== undefined) devices.push({ name: device.name, capacityBytes, mediaType: toMediaType(device.mediaType) });
  }
  return devices;
}

function mountPointsOf(info: Info, filtered: Filtered, problems: string[]): ExclusiveResource[] {
  const names = new Set(filtered.mountPoints ?? []);
  const mediaByDevice = new Map((info.deviceInfo ?? []).map((d) => [d.name ?? '', toMediaType(d.mediaType)]));
  const mountPoints: ExclusiveResource[] = [];
  for (const [index, mp] of (info.mountPoints ?? []).entries()) {
    if (mp.name === undefined || !names.has(mp.name) || mp.readOnly === true) continue;
    if (!MOUNT_POINT_FS_TYPES.includes(mp.fsType ?? '')) continue;
    const capacityBytes = toBytes(mp.total, `status.nodeStorageInfo.mountPoints[${index}].total`, problems);
    if (capacityBytes !== undefined) mountPoints.push({ name: mp.name, capacityBytes, mediaType: mediaByDevice.get(mp.device ?? '') });
  }
  return mountPoints;
}

/** Decodes one NLS. Only names listed in `status.filteredStorageInfo` are offered, as in Open-Local. */
export function nlsToNodeStorage(nls: NlsShape): DecodedNodeStorage {
  const info = nls.status?.nodeStorageInfo ?? {};
  const filtered = nls.status?.filteredStorageInfo ?? {};
  const problems: string[] = [];
  const storage: NodeStorage = {
    nodeName: nls.metadata?.name ?? '',
    volumeGroups: volumeGroupsOf(info, filtered, problems),
    devices: devicesOf(info, filtered, problems),
    mountPoints: mountPointsOf(info, filtered, problems),
  };
  return { storage, problems };
}
