// Adoption of volumes Open-Local v0.7.1 created (#15): when a volume id has neither our tagged LV nor a claim,
// its PV decides (crd-types' planAdoption). An untagged LV the PV names is used as it is; a Device or MountPoint
// gets its claim recorded from what is on the node. Nothing is formatted, wiped or tagged here.
import { managedStorageOf, planAdoption, type AdoptionPurpose, type OpenLocalPv } from '@openlocal/crd-types';
import type { LvmState } from '@openlocal/lvm';
import type { Logger } from 'pino';
import type { Claim } from '../core/claim.js';
import { CsiError } from '../core/errors.js';
import type { AdoptionSource, ClaimStore, HostPort, LvmPort } from '../ports.js';
import type { LocatedVolume } from './volume-locator.js';

export interface Adopter {
  /** The Open-Local volume with this id on this node, or null when no PV names it; a refusal throws, naming the PV. */
  adopt(volumeId: string, purpose: AdoptionPurpose, signal?: AbortSignal): Promise<LocatedVolume | null>;
}

export interface AdopterDeps {
  source: AdoptionSource;
  nodeId: string;
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  vgRegexp: RegExp;
  logger: Logger;
}

/** The PV for this volume id: the one on this node when several carry the handle (planAdoption then refuses). */
function pvFor(pvs: readonly OpenLocalPv[], volumeId: string, nodeId: string): OpenLocalPv | undefined {
  const named = pvs.filter((pv) => pv.volumeHandle === volumeId);
  return named.find((pv) => pv.node === nodeId) ?? named[0];
}

async function exclusiveClaim(deps: AdopterDeps, request: { volumeId: string; volumeType: 'Device' | 'MountPoint'; path: string }): Promise<Claim> {
  const { volumeId, volumeType, path } = request;
  const holder = (await deps.claims.list()).find((claim) => claim.path === path && claim.volumeId !== volumeId);
  if (holder !== undefined) throw new CsiError('FAILED_PRECONDITION', `${volumeType} ${path} of Open-Local volume ${volumeId} is already claimed by volume ${holder.volumeId}; not adopted`);
  const found =
    volumeType === 'Device'
      ? (await deps.host.listBlockDevices()).find((device) => device.path === path)
      : (await deps.host.listMountPoints()).find((mountPoint) => mountPoint.path === path);
  if (found === undefined) {
    const where = volumeType === 'Device' ? 'a disk on this node matched by --device-regexp' : 'a mount point directly under --mount-dir';
    throw new CsiError('FAILED_PRECONDITION', `${volumeType} ${path} of Open-Local volume ${volumeId} is not ${where}; not adopted`);
  }
  return { volumeId, volumeType, path, sizeBytes: found.sizeBytes, mediaType: found.mediaType };
}

function lvOf(state: LvmState, vgName: string, lvName: string) {
  return state.lvs.find((lv) => lv.vgName === vgName && lv.name === lvName);
}

/** Reads the PV's world (all Open-Local PVs, this node's NLS and lvm) and applies the one adoption rule. */
async function decide(deps: AdopterDeps, request: { pv: OpenLocalPv; pvs: OpenLocalPv[]; purpose: AdoptionPurpose; signal: AbortSignal | undefined }) {
  const options = request.signal ? { signal: request.signal } : {};
  const [nls, state] = await Promise.all([deps.source.getNls(deps.nodeId, options), deps.lvm.readState(options)]);
  const managed = managedStorageOf(nls);
  // The plugin's own --vg-regexp narrows what the NLS hands over; it never widens it.
  const narrowed = managed === undefined ? undefined : { ...managed, vgNames: managed.vgNames.filter((name) => deps.vgRegexp.test(name)) };
  const extentBytes = state.vgs.find((vg) => vg.name === request.pv.vgName)?.extentSizeBytes;
  const lvs = state.lvs.filter((lv) => !lv.isHidden).map((lv) => ({ name: lv.name, vgName: lv.vgName, sizeBytes: lv.sizeBytes, stripes: lv.stripes }));
  const plan = planAdoption({
    pv: request.pv,
    nodeName: deps.nodeId,
    isNodePresent: true,
    managed: narrowed,
    lvs,
    allPvs: request.pvs,
    purpose: request.purpose,
    ...(extentBytes === undefined ? {} : { extentBytes }),
  });
  return { plan, state };
}

export function createAdopter(deps: AdopterDeps): Adopter {
  return {
    async adopt(volumeId, purpose, signal) {
      const pvs = await deps.source.listOpenLocalPvs(signal ? { signal } : {});
      const pv = pvFor(pvs, volumeId, deps.nodeId);
      if (pv === undefined) return null;
      const { plan, state } = await decide(deps, { pv, pvs, purpose, signal });
      switch (plan.action) {
        case 'refuse':
          deps.logger.warn({ volumeId, pv: plan.pvName, problem: plan.problem, purpose }, plan.reason);
          throw new CsiError(plan.problem === 'lv-missing' ? 'NOT_FOUND' : 'FAILED_PRECONDITION', `Open-Local volume not adopted: ${plan.reason}`);
        case 'adopt-lv': {
          const lv = lvOf(state, plan.vgName, plan.lvName);
          if (lv === undefined) throw new CsiError('INTERNAL', `LV ${plan.vgName}/${plan.lvName} vanished while adopting ${volumeId}`);
          deps.logger.info({ volumeId, pv: plan.pvName, vgName: lv.vgName, purpose }, 'using the untagged LV of an Open-Local PV');
          return { volumeType: 'LVM', lv };
        }
        case 'record-claim': {
          const claim = await exclusiveClaim(deps, { volumeId, volumeType: plan.volumeType, path: plan.path });
          await deps.claims.put(claim);
          deps.logger.info({ volumeId, pv: plan.pvName, volumeType: claim.volumeType, path: claim.path }, 'recorded the claim of an Open-Local volume');
          return { volumeType: claim.volumeType, claim };
        }
      }
    },
  };
}
