// CreateVolume's storage side: idempotency check, placement on fresh node state, then the LV or the claim.
// Placement and creation run one at a time per node (KeyedSerializer), so two concurrent requests never pick
// the same disk and a VG is never chosen on a stale free-space figure.
import { KeyedSerializer, type LvmState } from '@openlocal/lvm';
import type { Logger } from 'pino';
import { roundUpToUnit, sizeSatisfies, type SizeRequest } from '../core/capacity-range.js';
import { CsiError, InvalidFieldError } from '../core/errors.js';
import { DEFAULT_SIZE_BYTES, OWNER_TAG } from '../core/driver-info.js';
import { blankDisks, diskProblem } from '../core/free-disks.js';
import { dmNameProblem, lvNameForVolume, lvNameProblem } from '../core/names.js';
import { parseVgName, type VolumeSpec } from '../core/parameters.js';
import { chooseExclusive, chooseVg, stripeCount, type ExclusiveCandidate, type VgView } from '../core/placement.js';
import { onlyManagedVgs, requireManagedVg, type ManagedVgLookup, type ManagedVgs } from '../core/managed-vgs.js';
import { overProvisionProblem, thinPoolProblem } from '../core/snapshots.js';
import type { ClaimStore, HostPort, LvmPort, PlanSource, VolumePlan } from '../ports.js';
import { findOurLv } from './volume-locator.js';
import { zeroNewLv } from './volume-zeroing.js';
import { UNZEROED_TAG } from '../core/zeroing.js';

/** What the disk probes know: a VG whose disk hangs gets no new volume (see storage-health.ts). */
export interface VgHealth {
  isVgHung(vgName: string): boolean;
}

export interface CreatorDeps {
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  plans?: PlanSource | undefined;
  nodeId: string;
  vgRegexp: RegExp;
  health?: VgHealth | undefined;
  /** The VGs this node's NLS manages (issue #16); absent = only vgRegexp applies. */
  managedVgs?: ManagedVgLookup | undefined;
  logger: Logger;
}

export interface CreateRequest {
  name: string;
  spec: VolumeSpec;
  size: SizeRequest | null;
  /** PVC namespace/name from --extra-create-metadata, needed to ask the extender for its plan. */
  pvc?: { namespace: string; name: string } | undefined;
  signal: AbortSignal;
}

export interface CreatedVolume {
  /** The volume id: the name, or for LVM names over 127 characters a shortened, hashed form. */
  volumeId: string;
  sizeBytes: number;
  vgName?: string;
  device?: string;
  mountPoint?: string;
}

const PLACEMENT_KEY = 'placement';
const DEFAULT_SIZE: SizeRequest = { requiredBytes: DEFAULT_SIZE_BYTES, limitBytes: 0 };
type LvmSpec = Extract<VolumeSpec, { volumeType: 'LVM' }>;

export class VolumeCreator {
  private readonly serializer = new KeyedSerializer();
  /** LVs created (or found) under the placement lock whose zeroing create() finishes after releasing it. */
  private readonly zeroAfterPlacement = new Map<CreateRequest, { vgName: string; name: string; sizeBytes: number }>();

  constructor(private readonly deps: CreatorDeps) {}

  async create(request: CreateRequest): Promise<CreatedVolume> {
    const created = await this.serializer.run(PLACEMENT_KEY, async () => {
      switch (request.spec.volumeType) {
        case 'LVM':
          return this.createLv(request, request.spec);
        case 'Device':
        case 'MountPoint':
          return this.createExclusive(request, request.spec.volumeType, request.spec.mediaType);
      }
    });
    // Zeroing runs after the node-wide placement lock is released: a large LV (or a slow disk) must not hold up
    // placement of every other volume on the node; its own volume lock keeps retries of this one away.
    const toZero = this.zeroAfterPlacement.get(request);
    this.zeroAfterPlacement.delete(request);
    if (toZero !== undefined) await zeroNewLv(this.deps, toZero);
    return created;
  }

  private async plan(request: CreateRequest): Promise<VolumePlan | null> {
    if (this.deps.plans === undefined || request.pvc === undefined) return null;
    const volumeType = request.spec.volumeType;
    return this.deps.plans.planVolume({ ...request.pvc, pvcName: request.pvc.name, volumeType, nodeName: this.deps.nodeId }, { signal: request.signal });
  }

  /** Our LV of this name if it satisfies the request; ALREADY_EXISTS if it does not, or if someone else's LV has the name. */
  private existingLv(found: { state: LvmState; lvName: string; spec: LvmSpec; size: SizeRequest }): CreatedVolume | null {
    const { state, lvName, spec, size } = found;
    const existing = findOurLv(state, lvName, this.deps.vgRegexp);
    if (existing !== undefined) {
      const isSameVg = spec.vgName === undefined || spec.vgName === existing.vgName;
      if (!isSameVg || !sizeSatisfies(existing.sizeBytes, size)) {
        throw new CsiError('ALREADY_EXISTS', `volume ${lvName} exists in ${existing.vgName} with ${existing.sizeBytes} bytes, incompatible with this request`);
      }
      return { volumeId: lvName, sizeBytes: existing.sizeBytes, vgName: existing.vgName };
    }
    if (state.lvs.some((lv) => lv.name === lvName)) {
      throw new CsiError('ALREADY_EXISTS', `an LV named ${lvName} exists on this node but was not created by this driver`);
    }
    return null;
  }

  /** StorageClass vgName, else the extender's plan, else best fit; checked against device-mapper name limits. */
  private async chooseLvVg(request: CreateRequest, found: { state: LvmState; spec: LvmSpec; lvName: string }): Promise<VgView> {
    const { state, spec, lvName } = found;
    const planned = spec.vgName === undefined ? parseVgName((await this.plan(request))?.vgName, 'extender plan vgName') : undefined;
    const managed = await this.managedVgs(request.signal);
    const vgs = onlyManagedVgs(state.vgs.filter((vg) => this.deps.vgRegexp.test(vg.name)), managed);
    const wanted = roundUpToUnit(request.size ?? DEFAULT_SIZE, 4 * 2 ** 20);
    const vgNameField = spec.vgName ? 'parameters["vgName"]' : 'extender plan vgName';
    const named = spec.vgName ?? planned;
    if (named !== undefined) requireManagedVg(named, vgNameField, managed);
    this.refuseHungVg(named);
    const vg = chooseVg({ vgs, sizeBytes: wanted, vgName: spec.vgName ?? planned, vgNameField });
    const dmProblem = dmNameProblem(vg.name, lvName);
    if (dmProblem !== null) throw new InvalidFieldError('name', request.name, dmProblem);
    return vg;
  }

  private managedVgs(signal: AbortSignal): Promise<ManagedVgs> {
    return this.deps.managedVgs?.managedVgs(signal) ?? Promise.resolve({ kind: 'unchecked' });
  }

  /**
   * A VG whose disk hangs is out of space as far as new volumes go: RESOURCE_EXHAUSTED makes external-provisioner
   * hand the claim back to the scheduler (another node), where an error about the disk would retry here forever.
   */
  private refuseHungVg(vgName: string | undefined): void {
    if (vgName !== undefined && this.deps.health?.isVgHung(vgName) === true) {
      throw new CsiError('NO_SPACE', `volume group ${vgName} on node ${this.deps.nodeId} hangs (a read of its disk did not finish); not placing new volumes there`);
    }
  }

  private async createLv(request: CreateRequest, spec: LvmSpec): Promise<CreatedVolume> {
    const lvName = lvNameForVolume(request.name);
    const problem = lvNameProblem(lvName);
    if (problem !== null) throw new InvalidFieldError('name', request.name, problem);
    const state = await this.deps.lvm.readState({ signal: request.signal });
    const size = request.size ?? DEFAULT_SIZE;
    const existing = this.existingLv({ state, lvName, spec, size });
    if (existing !== null) return this.finishZeroing(request, state, existing);
    if (spec.thinPool !== undefined && spec.vgName !== undefined) {
      return this.createThinLv(request, { state, lvName, vgName: spec.vgName, poolName: spec.thinPool, ratio: spec.overProvisioningRatio });
    }
    const vg = await this.chooseLvVg(request, { state, spec, lvName });
    const sizeBytes = roundUpToUnit(size, vg.extentSizeBytes);
    const stripes = spec.isStriping ? stripeCount(state.pvs, vg, sizeBytes) : undefined;
    // Where LVs are real (device-mapper), a new one is zeroed before anyone sees it; the tag marks it until then.
    const mustZero = await this.deps.lvm.hasDeviceMapper({ signal: request.signal });
    const lv = await this.deps.lvm.createLv(
      { vgName: vg.name, name: lvName, sizeBytes, tags: mustZero ? [OWNER_TAG, UNZEROED_TAG] : [OWNER_TAG], ...(stripes === undefined ? {} : { stripes }) },
      { signal: request.signal },
    );
    this.deps.logger.info({ volumeId: lvName, vgName: vg.name, sizeBytes: lv.sizeBytes, stripes }, 'created logical volume');
    if (mustZero) this.zeroAfterPlacement.set(request, { vgName: vg.name, name: lvName, sizeBytes: lv.sizeBytes });
    return { volumeId: lvName, sizeBytes: lv.sizeBytes, vgName: vg.name };
  }

  /** An existing LV of ours whose create was interrupted before its zeroing finished is zeroed now. */
  private finishZeroing(request: CreateRequest, state: LvmState, existing: CreatedVolume): CreatedVolume {
    const lv = state.lvs.find((candidate) => candidate.vgName === existing.vgName && candidate.name === existing.volumeId);
    if (lv !== undefined && lv.tags.includes(UNZEROED_TAG)) this.zeroAfterPlacement.set(request, { vgName: lv.vgName, name: lv.name, sizeBytes: lv.sizeBytes });
    return existing;
  }

  /** A thin LV in the StorageClass's pool: its virtual size in whole extents; a missing or full pool is refused. */
  private async createThinLv(
    request: CreateRequest,
    where: { state: LvmState; lvName: string; vgName: string; poolName: string; ratio: number | undefined },
  ): Promise<CreatedVolume> {
    const { state, lvName, vgName, poolName } = where;
    requireManagedVg(vgName, 'parameters["vgName"]', await this.managedVgs(request.signal));
    const vg = state.vgs.find((v) => v.name === vgName && this.deps.vgRegexp.test(v.name));
    if (vg === undefined) throw new CsiError('NOT_FOUND', `volume group ${vgName} (parameters["vgName"]) does not exist on node ${this.deps.nodeId}`);
    const pool = state.lvs.find((lv) => lv.vgName === vgName && lv.name === poolName);
    const problem = thinPoolProblem(pool, vgName, poolName);
    if (problem !== null) throw problem;
    const dmProblem = dmNameProblem(vgName, lvName);
    if (dmProblem !== null) throw new InvalidFieldError('name', request.name, dmProblem);
    const virtualSizeBytes = roundUpToUnit(request.size ?? DEFAULT_SIZE, vg.extentSizeBytes);
    const over = pool === undefined ? null : overProvisionProblem(state, pool, { addBytes: virtualSizeBytes, ratio: where.ratio });
    if (over !== null) throw over;
    const lv = await this.deps.lvm.createThinLv({ vgName, poolName, name: lvName, virtualSizeBytes, tags: [OWNER_TAG] }, { signal: request.signal });
    this.deps.logger.info({ volumeId: lvName, vgName, thinPool: poolName, sizeBytes: lv.sizeBytes }, 'created thin logical volume');
    return { volumeId: lvName, sizeBytes: lv.sizeBytes, vgName };
  }

  /** Disks or mount points that hold nothing (claimed ones included; callers subtract claims). */
  async freeCandidates(volumeType: 'Device' | 'MountPoint', signal: AbortSignal): Promise<ExclusiveCandidate[]> {
    if (volumeType === 'MountPoint') return this.deps.host.listMountPoints();
    const [disks, state, mounts] = await Promise.all([this.deps.host.listBlockDevices(), this.deps.lvm.readState({ signal }), this.deps.host.mountInfo()]);
    const usage = { pvPaths: new Set(state.pvs.map((pv) => pv.name)), mountedMajMins: new Set(mounts.map((m) => m.majMin)) };
    const usable = disks.filter((disk) => diskProblem(disk, disks, usage) === null);
    const signatures = new Map<string, string | null>();
    for (const disk of usable) signatures.set(disk.path, await this.deps.host.probeFilesystem(disk.path, { signal }));
    return blankDisks(usable, signatures);
  }

  private async existingClaim(
    request: CreateRequest,
    wanted: { volumeType: 'Device' | 'MountPoint'; mediaType: 'ssd' | 'hdd'; size: SizeRequest },
  ): Promise<CreatedVolume | null> {
    const { volumeType, mediaType, size } = wanted;
    const existing = await this.deps.claims.get(request.name);
    if (existing === null) return null;
    if (existing.volumeType !== volumeType || existing.mediaType !== mediaType || !sizeSatisfies(existing.sizeBytes, size)) {
      throw new CsiError('ALREADY_EXISTS', `volume ${request.name} exists as ${existing.volumeType} ${existing.path} (${existing.sizeBytes} bytes), incompatible with this request`);
    }
    return placed(request.name, volumeType, existing);
  }

  private async createExclusive(request: CreateRequest, volumeType: 'Device' | 'MountPoint', mediaType: 'ssd' | 'hdd'): Promise<CreatedVolume> {
    const size = request.size ?? { requiredBytes: 0, limitBytes: 0 };
    const existing = await this.existingClaim(request, { volumeType, mediaType, size });
    if (existing !== null) return existing;
    const plan = await this.plan(request);
    const [candidates, claims] = await Promise.all([this.freeCandidates(volumeType, request.signal), this.deps.claims.list()]);
    const isDevice = volumeType === 'Device';
    const chosen = chooseExclusive({
      candidates,
      takenPaths: new Set(claims.map((c) => c.path)),
      mediaType,
      requiredBytes: size.requiredBytes,
      limitBytes: size.limitBytes,
      plannedPath: isDevice ? plan?.device : plan?.mountPoint,
      kind: isDevice ? 'disk' : 'mount point',
    });
    const identity = isDevice ? await this.deps.host.deviceIdentity(chosen.path) : null;
    await this.deps.claims.put({ volumeId: request.name, volumeType, path: chosen.path, sizeBytes: chosen.sizeBytes, mediaType, ...(identity === null ? {} : { identity }) });
    this.deps.logger.info({ volumeId: request.name, volumeType, path: chosen.path, sizeBytes: chosen.sizeBytes }, 'claimed');
    return placed(request.name, volumeType, chosen);
  }
}

function placed(volumeId: string, volumeType: 'Device' | 'MountPoint', where: { path: string; sizeBytes: number }): CreatedVolume {
  return volumeType === 'Device'
    ? { volumeId, sizeBytes: where.sizeBytes, device: where.path }
    : { volumeId, sizeBytes: where.sizeBytes, mountPoint: where.path };
}
