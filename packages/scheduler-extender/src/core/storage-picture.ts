// A picture of the cluster's storage for people (issue #18): per node, each VG, device and mount point with
// what is charged against what Open-Local may allocate, and the names of the claims on it. Built from the
// extender's cache; names only (no claim data, no secrets). Rendered as text bars and as an HTML page.
import type { InlineRecord, PvRecord } from './metric-objects.js';
import type { Allocation, NodeView } from './types.js';

export interface PictureResource {
  kind: 'VG' | 'Device' | 'MountPoint';
  name: string;
  usedBytes: number;
  allocatableBytes: number;
  /** `namespace/claim` of PVs, `pod/volume (inline)` of inline volumes, `namespace/claim (planned)` of plans. */
  claims: string[];
}

export interface PictureNode {
  name: string;
  resources: PictureResource[];
}

export interface PictureInput {
  views: readonly NodeView[];
  chargesByNode: ReadonlyMap<string, ReadonlyMap<string, Allocation>>;
  pvs: readonly PvRecord[];
  inline: readonly InlineRecord[];
}

function storageOf(allocation: Allocation): string {
  return allocation.kind === 'LVM' ? `VG:${allocation.vgName}` : `${allocation.kind}:${allocation.resourceName}`;
}

/** Pure: the claim name a charge shows as. */
function claimLabel(key: string, pvs: ReadonlyMap<string, PvRecord>, inline: ReadonlyMap<string, InlineRecord>): string {
  if (key.startsWith('pv:')) {
    const pv = pvs.get(key.slice(3));
    return pv === undefined || pv.pvcName === '' ? key.slice(3) : `${pv.pvcNamespace}/${pv.pvcName}`;
  }
  if (key.startsWith('inline:')) {
    const volume = inline.get(key);
    return volume === undefined ? key : `${volume.podNamespace}/${volume.podName}/${volume.volumeName} (inline)`;
  }
  return `${key} (planned)`;
}

/** Pure: the picture, nodes and resources sorted by name, claims sorted within each resource. */
export function storagePicture(input: PictureInput): PictureNode[] {
  const pvs = new Map(input.pvs.map((pv) => [pv.pvName, pv]));
  const inline = new Map<string, InlineRecord>();
  for (const volume of input.inline) inline.set(`inline:${volume.podUid}/${volume.volumeName}`, volume);
  return [...input.views].sort((a, b) => a.nodeName.localeCompare(b.nodeName)).map((view) => {
    const claims = new Map<string, string[]>();
    for (const [key, allocation] of input.chargesByNode.get(view.nodeName) ?? []) {
      const list = claims.get(storageOf(allocation)) ?? [];
      list.push(claimLabel(key, pvs, inline));
      claims.set(storageOf(allocation), list);
    }
    const claimsOf = (id: string): string[] => (claims.get(id) ?? []).sort();
    const resources: PictureResource[] = [
      ...view.volumeGroups.map((vg) => ({ kind: 'VG' as const, name: vg.name, usedBytes: vg.usedBytes, allocatableBytes: vg.capacityBytes, claims: claimsOf(`VG:${vg.name}`) })),
      ...view.devices.map((d) => ({ kind: 'Device' as const, name: d.name, usedBytes: d.isTaken ? d.capacityBytes : 0, allocatableBytes: d.capacityBytes, claims: claimsOf(`Device:${d.name}`) })),
      ...view.mountPoints.map((m) => ({ kind: 'MountPoint' as const, name: m.name, usedBytes: m.isTaken ? m.capacityBytes : 0, allocatableBytes: m.capacityBytes, claims: claimsOf(`MountPoint:${m.name}`) })),
    ];
    return { name: view.nodeName, resources };
  });
}

/** Pure: bytes as a short binary quantity (`1.5Gi`, `256Mi`, `0`). */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text}${units[unit] ?? ''}`;
}

/** Pure: the used share of a resource, 0..1 (a resource with nothing allocatable counts as full when used). */
export function usedRatio(resource: Pick<PictureResource, 'usedBytes' | 'allocatableBytes'>): number {
  if (resource.allocatableBytes <= 0) return resource.usedBytes > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, resource.usedBytes / resource.allocatableBytes));
}

/** Pure: a bar of `width` cells, `#` for used and `.` for free. */
export function textBar(ratio: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, ratio)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** Pure: the terminal view: per node, one bar line per resource and its claims underneath. */
export function pictureToText(nodes: readonly PictureNode[], width = 30): string {
  if (nodes.length === 0) return 'no node has a NodeLocalStorage with storage yet';
  return nodes.map((node) => {
    const lines = [`${node.name}`];
    if (node.resources.length === 0) lines.push('  (no VG, device or mount point reported)');
    for (const r of node.resources) {
      const percent = `${Math.round(usedRatio(r) * 100)}%`.padStart(4);
      lines.push(`  ${r.kind.padEnd(10)} ${r.name.padEnd(28)} ${textBar(usedRatio(r), width)} ${percent} ${formatBytes(r.usedBytes)} / ${formatBytes(r.allocatableBytes)}`);
      for (const claim of r.claims) lines.push(`      ${claim}`);
    }
    return lines.join('\n');
  }).join('\n\n');
}
