// resourceToBeInited → what to do on this node. VGs: create missing ones from their devices; leave an
// existing VG of that name alone; refuse (never destroy) a device that does not exist, holds a filesystem or
// other signature, or belongs to another VG. Mount points: format only a blank device, then mount.
import type { MountPointToBeInited, VgToBeInited } from '@openlocal/crd-types';
import { validateDevicePath, type LvmState } from '@openlocal/lvm';

/** What the agent learned about one device named in resourceToBeInited. */
export interface DeviceFacts {
  readonly exists: boolean;
  /** blkid's signature type (`ext4`, `LVM2_member`, a partition table...), null when blank. */
  readonly signature: string | null;
}

export type VgInitStep =
  | { readonly kind: 'exists'; readonly name: string }
  | { readonly kind: 'create'; readonly name: string; readonly devices: readonly string[] }
  | { readonly kind: 'refuse'; readonly name: string; readonly reason: string };

const VG_NAME = /^[A-Za-z0-9_+.][A-Za-z0-9_+.-]*$/;

function deviceProblem(device: string, state: LvmState, facts: ReadonlyMap<string, DeviceFacts>): string | null {
  const pv = state.pvs.find((p) => p.name === device);
  if (pv && pv.vgName !== '') return `device ${device} already belongs to volume group ${pv.vgName}`;
  if (pv) return null; // a PV in no VG: vgcreate can use it as it is
  const fact = facts.get(device);
  if (!fact?.exists) return `device ${device} does not exist`;
  if (fact.signature === 'LVM2_member') return `device ${device} is a physical volume of a volume group this node's LVM does not show`;
  if (fact.signature !== null) return `device ${device} already holds ${fact.signature}; it is not formatted or wiped`;
  return null;
}

/** A device path that is not a plain /dev path is refused with the spec field that holds it, before any I/O. */
function devicePathProblem(device: string, field: string): string | null {
  try {
    validateDevicePath(device, field);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function firstBadPath(devices: readonly string[], vgIndex: number): string | null {
  for (const [i, device] of devices.entries()) {
    const problem = devicePathProblem(device, `spec.resourceToBeInited.vgs[${vgIndex}].devices[${i}]`);
    if (problem !== null) return problem;
  }
  return null;
}

export function planVgInit(vgs: readonly VgToBeInited[], state: LvmState, facts: ReadonlyMap<string, DeviceFacts>): VgInitStep[] {
  const claimed = new Map<string, string>();
  return vgs.map((vg, vgIndex): VgInitStep => {
    if (state.vgs.some((existing) => existing.name === vg.name)) return { kind: 'exists', name: vg.name };
    if (!VG_NAME.test(vg.name) || vg.name.length > 127) return { kind: 'refuse', name: vg.name, reason: `invalid volume group name ${JSON.stringify(vg.name)}` };
    if (vg.devices.length === 0) return { kind: 'refuse', name: vg.name, reason: `volume group ${vg.name} lists no devices` };
    const badPath = firstBadPath(vg.devices, vgIndex);
    if (badPath !== null) return { kind: 'refuse', name: vg.name, reason: badPath };
    for (const device of vg.devices) {
      const owner = claimed.get(device);
      if (owner !== undefined) return { kind: 'refuse', name: vg.name, reason: `device ${device} is also listed for volume group ${owner}` };
      const problem = deviceProblem(device, state, facts);
      if (problem !== null) return { kind: 'refuse', name: vg.name, reason: problem };
    }
    for (const device of vg.devices) claimed.set(device, vg.name);
    return { kind: 'create', name: vg.name, devices: [...vg.devices] };
  });
}

export type MountInitStep =
  | { readonly kind: 'mounted'; readonly path: string }
  | { readonly kind: 'mount'; readonly path: string; readonly device: string; readonly fsType: 'ext4' | 'xfs'; readonly isFormatNeeded: boolean; readonly options: readonly string[] }
  | { readonly kind: 'refuse'; readonly path: string; readonly reason: string };

export function planMountInit(mountpoints: readonly MountPointToBeInited[], mountedPaths: ReadonlySet<string>, facts: ReadonlyMap<string, DeviceFacts>): MountInitStep[] {
  return mountpoints.map((mp, index): MountInitStep => {
    const path = mp.path.replace(/\/+$/, '') || '/';
    if (mountedPaths.has(path)) return { kind: 'mounted', path };
    const badPath = devicePathProblem(mp.device, `spec.resourceToBeInited.mountpoints[${index}].device`);
    if (badPath !== null) return { kind: 'refuse', path, reason: badPath };
    const fsType = mp.fsType ?? 'ext4';
    if (fsType !== 'ext4' && fsType !== 'xfs') return { kind: 'refuse', path, reason: `fsType ${JSON.stringify(fsType)} is not supported (ext4 or xfs)` };
    const problem = mountDeviceProblem(mp.device, fsType, facts.get(mp.device));
    if (problem !== null) return { kind: 'refuse', path, reason: problem };
    return { kind: 'mount', path, device: mp.device, fsType, isFormatNeeded: facts.get(mp.device)?.signature === null, options: [...(mp.options ?? [])] };
  });
}

function mountDeviceProblem(device: string, fsType: string, fact: DeviceFacts | undefined): string | null {
  if (!fact?.exists) return `device ${device} does not exist`;
  if (fact.signature !== null && fact.signature !== fsType) return `device ${device} holds ${fact.signature}, not ${fsType}; it is not formatted`;
  return null;
}
