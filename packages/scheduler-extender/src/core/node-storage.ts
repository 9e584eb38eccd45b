// NodeLocalStorage status → what the node offers: the filtered VGs (capacity = allocatable), devices and
// mount points. Entries the agent wrote badly are left out and reported, never guessed.
import { MOUNT_POINT_FS_TYPES } from './constants.js';
import type { NlsShape } from './k8s-shapes.js';
import { quantityToBytes } from './quantity.js';
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
  const bytes = value === undefined ? undefined : quantityToBytes(value);
  if (bytes === undefined) problems.push(`${field} is not a byte count: ${JSON.stringify(value)}`);
  return bytes;
}

/** Decodes one NLS. Only names listed in `status.filteredStorageInfo` are offered, as in Open-Local. */
export function nlsToNodeStorage(nls: NlsShape): DecodedNodeStorage {
  const nodeName = nls.metadata?.name ?? '';
  const info = nls.status?.nodeStorageInfo ?? {};
  const filtered = nls.status?.filteredStorageInfo ?? {};
  const problems: string[] = [];
  const storage: NodeStorage = { nodeName, volumeGroups: [], devices: [], mountPoints: [] };
  const mediaByDevice = new Map<string, MediaType | undefined>();
  for (const device of info.deviceInfo ?? []) mediaByDevice.set(device.name ?? '', toMediaType(device.mediaType));

  const vgNames = new Set(filtered.volumeGroups ?? []);
  for (const [index, vg] of (info.volumeGroups ?? []).entries()) {
    if (vg.name === undefined || !vgNames.has(vg.name)) continue;
    const field = `status.nodeStorageInfo.volumeGroups[${index}].allocatable`;
    const capacityBytes = toBytes(vg.allocatable, field, problems);
    if (capacityBytes !== undefined) storage.volumeGroups.push({ name: vg.name, capacityBytes });
  }

  const deviceNames = new Set(filtered.devices ?? []);
  for (const [index, device] of (info.deviceInfo ?? []).entries()) {
    if (device.name === undefined || !deviceNames.has(device.name) || device.readOnly === true) continue;
    const capacityBytes = toBytes(device.total, `status.nodeStorageInfo.deviceInfo[${index}].total`, problems);
    if (capacityBytes === undefined) continue;
    storage.devices.push({ name: device.name, capacityBytes, mediaType: toMediaType(device.mediaType) });
  }

  const mountPointNames = new Set(filtered.mountPoints ?? []);
  for (const [index, mp] of (info.mountPoints ?? []).entries()) {
    if (mp.name === undefined || !mountPointNames.has(mp.name) || mp.readOnly === true) continue;
    if (!MOUNT_POINT_FS_TYPES.includes(mp.fsType ?? '')) continue;
    const capacityBytes = toBytes(mp.total, `status.nodeStorageInfo.mountPoints[${index}].total`, problems);
    if (capacityBytes === undefined) continue;
    const resource: ExclusiveResource = { name: mp.name, capacityBytes, mediaType: mediaByDevice.get(mp.device ?? '') };
    storage.mountPoints.push(resource);
  }
  return { storage, problems };
}
