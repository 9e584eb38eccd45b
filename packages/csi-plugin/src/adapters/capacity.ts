// GetCapacity for one node: free VG space for LVM classes, free blank disks or mount points for the exclusive
// kinds. A class without volumeType is treated as LVM (what CSIStorageCapacity asks for first).
import type { Logger } from 'pino';
import { capacityOf } from '../core/capacity.js';
import { DEFAULT_FS_TYPE, STORAGE_CLASS_PARAMS } from '@openlocal/crd-types';
import { parseVolumeSpec, type VolumeSpec } from '../core/parameters.js';
import type { ClaimStore, HostPort, LvmPort } from '../ports.js';
import { VolumeCreator } from './volume-creator.js';

export interface CapacityDeps {
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  nodeId: string;
  vgRegexp: RegExp;
  logger: Logger;
  parameters: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

export async function computeCapacity(deps: CapacityDeps): Promise<{ availableBytes: number; maximumVolumeBytes: number }> {
  const spec: VolumeSpec =
    deps.parameters[STORAGE_CLASS_PARAMS.volumeType] === undefined
      ? { volumeType: 'LVM', vgName: undefined, isStriping: false, throttle: {}, fsType: DEFAULT_FS_TYPE }
      : parseVolumeSpec(deps.parameters, 'parameters');
  if (spec.volumeType === 'LVM') {
    const state = await deps.lvm.readState({ signal: deps.signal });
    return capacityOf({ kind: 'lvm', vgs: state.vgs.filter((vg) => deps.vgRegexp.test(vg.name)), vgName: spec.vgName });
  }
  const creator = new VolumeCreator(deps);
  const [candidates, claims] = await Promise.all([creator.freeCandidates(spec.volumeType, deps.signal), deps.claims.list()]);
  const taken = new Set(claims.map((c) => c.path));
  return capacityOf({ kind: 'exclusive', candidates: candidates.filter((c) => !taken.has(c.path)), mediaType: spec.mediaType });
}
