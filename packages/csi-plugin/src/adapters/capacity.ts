// GetCapacity for one node (issue #14): with API access, crd-types' rule over this node's NLS and the cluster's
// Open-Local PVs (allocatable minus what is provisioned, as the extender charges it); a bare process without the
// API (tests on the host) falls back to free VG space, free blank disks and mount points. A class without
// volumeType is LVM (Open-Local's default), and its other parameters are still checked.
import type { Logger } from 'pino';
import { capacityOf } from '../core/capacity.js';
import { classCapacityOf, nlsToNodeOffer, STORAGE_CLASS_PARAMS, VOLUME_TYPES, type ClassCapacity } from '@openlocal/crd-types';
import { parseVolumeSpec, type VolumeSpec } from '../core/parameters.js';
import type { AdoptionSource, ClaimStore, HostPort, LvmPort } from '../ports.js';
import { VolumeCreator } from './volume-creator.js';

/** The API reads GetCapacity needs: this node's NLS and the Open-Local PVs. */
export type CapacitySource = Pick<AdoptionSource, 'getNls' | 'listOpenLocalPvs'>;

export interface CapacityDeps {
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  nodeId: string;
  vgRegexp: RegExp;
  logger: Logger;
  capacitySource?: CapacitySource | undefined;
  parameters: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

function specOf(parameters: Readonly<Record<string, string>>): VolumeSpec {
  const withType = parameters[STORAGE_CLASS_PARAMS.volumeType] === undefined ? { ...parameters, [STORAGE_CLASS_PARAMS.volumeType]: VOLUME_TYPES.lvm } : parameters;
  return parseVolumeSpec(withType, 'parameters');
}

async function fromNls(source: CapacitySource, deps: CapacityDeps, spec: VolumeSpec): Promise<ClassCapacity> {
  const [nls, pvs] = await Promise.all([source.getNls(deps.nodeId, { signal: deps.signal }), source.listOpenLocalPvs({ signal: deps.signal })]);
  // No NLS yet (the controller has not written it, or the agent not reported): nothing is offered here.
  if (nls === undefined) return { availableBytes: 0, maximumVolumeBytes: 0 };
  const { offer, problems } = nlsToNodeOffer(nls);
  if (problems.length > 0) deps.logger.warn({ node: deps.nodeId, problems }, 'NLS entries left out of GetCapacity');
  return classCapacityOf({ offer, pvs, storageClass: spec });
}

async function fromHost(deps: CapacityDeps, spec: VolumeSpec): Promise<ClassCapacity> {
  if (spec.volumeType === 'LVM') {
    const state = await deps.lvm.readState({ signal: deps.signal });
    return capacityOf({ kind: 'lvm', vgs: state.vgs.filter((vg) => deps.vgRegexp.test(vg.name)), vgName: spec.vgName });
  }
  const creator = new VolumeCreator(deps);
  const [candidates, claims] = await Promise.all([creator.freeCandidates(spec.volumeType, deps.signal), deps.claims.list()]);
  const taken = new Set(claims.map((c) => c.path));
  return capacityOf({ kind: 'exclusive', candidates: candidates.filter((c) => !taken.has(c.path)), mediaType: spec.mediaType });
}

export async function computeCapacity(deps: CapacityDeps): Promise<ClassCapacity> {
  const spec = specOf(deps.parameters);
  return deps.capacitySource === undefined ? fromHost(deps, spec) : fromNls(deps.capacitySource, deps, spec);
}
