// CreateSnapshot / DeleteSnapshot / ListSnapshots and CreateVolume from a content source, on this node's LVM.
// A thick volume's snapshot is a read-only copy-on-write LV (Open-Local's kind); a thin volume's is a thin
// snapshot. Restores and clones: a read-only restore is the snapshot itself (a tag on it records the volume);
// a thin source gives a writable thin snapshot; a thick volume is cloned by copying its blocks into a new LV.
// Every step that can fail after an LV exists removes that LV again, so no half-made volume stays behind.
import { parseSnapshotClassParameters, type SnapshotClassSpec } from '@openlocal/crd-types';
import { KeyedSerializer, type LogicalVolume, type LvmState } from '@openlocal/lvm';
import type { Logger } from 'pino';
import { CsiError, InvalidFieldError } from '../core/errors.js';
import { OWNER_TAG } from '../core/driver-info.js';
import { dmNameProblem, lvNameForVolume, lvNameProblem, validateVolumeId } from '../core/names.js';
import type { VolumeSpec } from '../core/parameters.js';
import {
  cowSizeBytes,
  findReadOnlyRestore,
  growthTags,
  listSnapshotViews,
  overProvisionProblem,
  pageOf,
  planRestore,
  restoreTag,
  snapshotLvName,
  snapshotOf,
  snapshotTags,
  thinPoolProblem,
  type RestorePlan,
  type SnapshotView,
} from '../core/snapshots.js';
import type { CreateSnapshotRequest__Output } from '../generated/csi/v1/CreateSnapshotRequest.js';
import type { DeleteSnapshotRequest__Output } from '../generated/csi/v1/DeleteSnapshotRequest.js';
import type { ListSnapshotsRequest__Output } from '../generated/csi/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse } from '../generated/csi/v1/ListSnapshotsResponse.js';
import type { Snapshot } from '../generated/csi/v1/Snapshot.js';
import type { VolumeContentSource__Output } from '../generated/csi/v1/VolumeContentSource.js';
import type { ClaimStore, HostPort, LvmPort } from '../ports.js';
import { findOurLv } from './volume-locator.js';

export interface SnapshotDeps {
  lvm: LvmPort;
  host: HostPort;
  nodeId: string;
  vgRegexp: RegExp;
  logger: Logger;
  /** Claims of whole disks and mount points, to say why they have no snapshots. */
  claims?: ClaimStore | undefined;
  /** Seconds since the epoch (injected so tests can pin it). */
  now?: () => number;
}

/** What CreateVolume answers for a volume made from a content source. */
export interface SourcedVolume {
  volumeId: string;
  sizeBytes: number;
  vgName: string;
  /** The volume is a copy-on-write snapshot: it is mounted read-only and deleting it keeps the snapshot. */
  readOnlySnapshotId?: string;
}

const GRAPH_KEY = 'snapshot-graph';

function classSpec(parameters: Readonly<Record<string, string>>): SnapshotClassSpec {
  const result = parseSnapshotClassParameters(parameters);
  if (result.ok) return result.value;
  const [issue] = result.issues;
  throw new InvalidFieldError(`parameters["${issue?.field ?? ''}"]`, issue?.value, issue?.reason ?? 'invalid');
}

function toCsiSnapshot(view: SnapshotView): Snapshot {
  return {
    snapshot_id: view.snapshotId,
    source_volume_id: view.sourceVolumeId,
    size_bytes: String(view.sizeBytes),
    creation_time: { seconds: String(view.createdSeconds), nanos: 0 },
    ready_to_use: true,
  };
}

export class SnapshotService {
  /** Snapshot creation and deletion, restores and clones run one at a time: each reads, checks, then acts. */
  private readonly serializer = new KeyedSerializer();

  constructor(private readonly deps: SnapshotDeps) {}

  private managedLv(state: LvmState, name: string): LogicalVolume | undefined {
    return state.lvs.find((lv) => lv.name === name && this.deps.vgRegexp.test(lv.vgName));
  }

  private now(): number {
    return this.deps.now?.() ?? Math.floor(Date.now() / 1000);
  }

  async createSnapshot(request: CreateSnapshotRequest__Output, signal: AbortSignal): Promise<Snapshot> {
    const name = validateVolumeId(request.name, 'name');
    const sourceVolumeId = validateVolumeId(request.source_volume_id, 'source_volume_id');
    const spec = classSpec(request.parameters);
    const lvName = snapshotLvName(name, 'name');
    return this.serializer.run(GRAPH_KEY, async () => {
      const state = await this.deps.lvm.readState({ signal });
      const existing = this.managedLv(state, lvName);
      if (existing !== undefined) return toCsiSnapshot(this.sameSnapshot(existing, { name, sourceVolumeId }));
      const source = findOurLv(state, sourceVolumeId, this.deps.vgRegexp);
      if (source === undefined) {
        const isRestore = findReadOnlyRestore(state, sourceVolumeId, this.deps.vgRegexp) !== undefined;
        if (isRestore) throw new CsiError('FAILED_PRECONDITION', `volume ${sourceVolumeId} is a read-only snapshot itself; snapshot its source volume instead`);
        await this.refuseWholeDisk(sourceVolumeId, 'source_volume_id', 'snapshots');
        throw new CsiError('NOT_FOUND', `source_volume_id ${JSON.stringify(sourceVolumeId)}: no such volume on node ${this.deps.nodeId}`);
      }
      const problem = dmNameProblem(source.vgName, lvName);
      if (problem !== null) throw new InvalidFieldError('name', name, problem);
      const tags = snapshotTags({ name, sourceVolumeId, sizeBytes: source.sizeBytes, createdSeconds: this.now() });
      const made = { state, source, lvName, tags };
      const lv = source.isThin ? await this.thinSnapshot(made, signal) : await this.cowSnapshot({ ...made, spec }, signal);
      const view = snapshotOf(lv);
      if (view === null) throw new CsiError('INTERNAL', `snapshot ${source.vgName}/${lvName} was created without its tags`);
      this.deps.logger.info({ snapshotId: lvName, sourceVolumeId, kind: view.kind, vgName: source.vgName }, 'created snapshot');
      return toCsiSnapshot(view);
    });
  }

  /** A Device or MountPoint volume is a whole disk or directory: it has no snapshots or clones (INVALID_ARGUMENT). */
  private async refuseWholeDisk(volumeId: string, field: string, what: string): Promise<void> {
    const claim = await this.deps.claims?.get(volumeId);
    if (claim !== undefined && claim !== null) {
      throw new InvalidFieldError(field, volumeId, `a ${claim.volumeType} volume (${claim.path}) has no ${what}; only LVM volumes do`);
    }
  }

  /** A retried CreateSnapshot gets the same snapshot; the name taken for another source is ALREADY_EXISTS. */
  private sameSnapshot(lv: LogicalVolume, wanted: { name: string; sourceVolumeId: string }): SnapshotView {
    const view = snapshotOf(lv);
    if (view === null) throw new CsiError('ALREADY_EXISTS', `an LV named ${lv.vgName}/${lv.name} exists on this node and is not a snapshot of this driver`);
    if (view.name !== wanted.name || view.sourceVolumeId !== wanted.sourceVolumeId) {
      throw new CsiError('ALREADY_EXISTS', `snapshot ${lv.name} already exists for volume ${view.sourceVolumeId} (requested name ${view.name}), not for ${wanted.sourceVolumeId}`);
    }
    return view;
  }

  private async thinSnapshot(made: { state: LvmState; source: LogicalVolume; lvName: string; tags: string[] }, signal: AbortSignal): Promise<LogicalVolume> {
    const { state, source } = made;
    const pool = state.lvs.find((lv) => lv.vgName === source.vgName && lv.name === source.poolLv);
    const full = thinPoolProblem(pool, source.vgName, source.poolLv);
    if (full !== null) throw new CsiError(full.code, `cannot snapshot ${source.name}: ${full.message}`);
    const lv = await this.deps.lvm.createThinSnapshot({ vgName: source.vgName, originName: source.name, name: made.lvName, tags: made.tags }, { signal });
    return this.keepOnlyTags(lv, made.tags, signal);
  }

  private async cowSnapshot(made: { state: LvmState; source: LogicalVolume; lvName: string; tags: string[]; spec: SnapshotClassSpec }, signal: AbortSignal): Promise<LogicalVolume> {
    const { state, source } = made;
    if (!made.spec.isReadOnly) {
      throw new InvalidFieldError(
        'parameters["csi.aliyun.com/readonly"]',
        'false',
        'read-write (restic to S3) snapshots are not supported: a thick volume gets a read-only LVM snapshot, a volume in a thin pool a writable thin snapshot',
      );
    }
    const vg = state.vgs.find((v) => v.name === source.vgName);
    if (vg === undefined) throw new CsiError('NOT_FOUND', `volume group ${source.vgName} of ${source.name} is gone`);
    const sizeBytes = cowSizeBytes({ initialSizeBytes: made.spec.initialSizeBytes, sourceSizeBytes: source.sizeBytes, extentSizeBytes: vg.extentSizeBytes });
    if (sizeBytes > vg.freeBytes) {
      throw new CsiError(
        'NO_SPACE',
        `volume group ${vg.name} has ${vg.freeBytes} bytes free; a read-only snapshot of ${source.name} needs ${sizeBytes} (csi.aliyun.com/snapshot-initial-size, capped at the volume's size)`,
      );
    }
    const tags = [...made.tags, ...growthTags({ threshold: made.spec.expansionThreshold, stepBytes: made.spec.expansionSizeBytes })];
    return this.deps.lvm.createSnapshot({ vgName: source.vgName, originName: source.name, name: made.lvName, sizeBytes, tags }, { signal });
  }

  /** lvm may copy the origin's tags onto a snapshot; only the given ones may stay (else it would read as a volume). */
  private async keepOnlyTags(lv: LogicalVolume, tags: readonly string[], signal: AbortSignal): Promise<LogicalVolume> {
    const extra = lv.tags.filter((t) => !tags.includes(t));
    const missing = tags.filter((t) => !lv.tags.includes(t));
    if (extra.length === 0 && missing.length === 0) return lv;
    await this.deps.lvm.changeLvTags({ vgName: lv.vgName, name: lv.name, add: missing, remove: extra }, { signal });
    return { ...lv, tags: [...tags] };
  }

  async deleteSnapshot(request: DeleteSnapshotRequest__Output, signal: AbortSignal): Promise<void> {
    const snapshotId = validateVolumeId(request.snapshot_id, 'snapshot_id');
    await this.serializer.run(GRAPH_KEY, async () => {
      const state = await this.deps.lvm.readState({ signal });
      const lv = this.managedLv(state, snapshotId);
      const view = lv === undefined ? null : snapshotOf(lv);
      if (view === null) {
        this.deps.logger.info({ snapshotId }, 'snapshot already gone');
        return;
      }
      if (view.restoredAs.length > 0) {
        throw new CsiError('FAILED_PRECONDITION', `snapshot ${snapshotId} is in use: read-only volume(s) ${view.restoredAs.join(', ')} are this snapshot; delete them first`);
      }
      await this.deps.lvm.removeLv({ vgName: view.lv.vgName, name: view.lv.name }, { signal });
      this.deps.logger.info({ snapshotId, vgName: view.lv.vgName }, 'removed snapshot');
    });
  }

  async listSnapshots(request: ListSnapshotsRequest__Output, signal: AbortSignal): Promise<ListSnapshotsResponse> {
    const state = await this.deps.lvm.readState({ signal });
    const views = listSnapshotViews(state, this.deps.vgRegexp).filter(
      (v) => (request.snapshot_id === '' || v.snapshotId === request.snapshot_id) && (request.source_volume_id === '' || v.sourceVolumeId === request.source_volume_id),
    );
    const { page, nextToken } = pageOf(views, { maxEntries: request.max_entries, startingToken: request.starting_token });
    return { entries: page.map((v) => ({ snapshot: toCsiSnapshot(v) })), next_token: nextToken };
  }

  /** CreateVolume with volume_content_source: restore (snapshot) or clone (volume), on the source's node and VG. */
  async createFromSource(
    request: { name: string; spec: VolumeSpec; requiredBytes: number; limitBytes: number; source: VolumeContentSource__Output },
    signal: AbortSignal,
  ): Promise<SourcedVolume> {
    if (request.spec.volumeType !== 'LVM') {
      // A source that does not exist is NOT_FOUND whatever the class (the CSI spec, and csi-sanity with a Device
      // class): only a source that exists makes the class the problem.
      const state = await this.deps.lvm.readState({ signal });
      const cloneOf = request.source.volume?.volume_id;
      if (cloneOf !== undefined && findOurLv(state, cloneOf, this.deps.vgRegexp) === undefined) await this.refuseWholeDisk(cloneOf, 'volume_content_source.volume.volume_id', 'clones');
      this.resolveSource(state, request.source);
      throw new InvalidFieldError('parameters["volumeType"]', request.spec.volumeType, 'only LVM volumes can be restored from a snapshot or cloned');
    }
    const spec = request.spec;
    const lvName = lvNameForVolume(request.name);
    const problem = lvNameProblem(lvName);
    if (problem !== null) throw new InvalidFieldError('name', request.name, problem);
    return this.serializer.run(GRAPH_KEY, async () => {
      const state = await this.deps.lvm.readState({ signal });
      const cloneOf = request.source.volume?.volume_id;
      if (cloneOf !== undefined && findOurLv(state, cloneOf, this.deps.vgRegexp) === undefined) await this.refuseWholeDisk(cloneOf, 'volume_content_source.volume.volume_id', 'clones');
      const source = this.resolveSource(state, request.source);
      if (spec.vgName !== undefined && spec.vgName !== source.vgName) {
        throw new InvalidFieldError('parameters["vgName"]', spec.vgName, `the source lives in volume group ${source.vgName}; a restore or clone stays in its source's volume group`);
      }
      const existing = this.existingSourced(state, lvName, request);
      if (existing !== null) return existing;
      const vg = state.vgs.find((v) => v.name === source.vgName);
      if (vg === undefined) throw new CsiError('NOT_FOUND', `volume group ${source.vgName} of the source is gone`);
      const dmProblem = dmNameProblem(vg.name, lvName);
      if (dmProblem !== null) throw new InvalidFieldError('name', request.name, dmProblem);
      const plan = planRestore({ source: source.from, requiredBytes: request.requiredBytes, limitBytes: request.limitBytes, extentSizeBytes: vg.extentSizeBytes });
      if (plan.kind === 'thin' && spec.thinPool !== undefined && spec.thinPool !== plan.origin.poolLv) {
        throw new InvalidFieldError('parameters["thinPool"]', spec.thinPool, `the source lives in thin pool ${plan.origin.poolLv}; a thin restore or clone stays in its source's pool`);
      }
      return this.carryOut(state, { plan, lvName, vgFreeBytes: vg.freeBytes, ratio: spec.overProvisioningRatio }, signal);
    });
  }

  private resolveSource(state: LvmState, source: VolumeContentSource__Output): { vgName: string; from: { snapshot: SnapshotView } | { volume: LogicalVolume } } {
    const snapshotId = source.snapshot?.snapshot_id;
    const volumeId = source.volume?.volume_id;
    if (snapshotId !== undefined) {
      validateVolumeId(snapshotId, 'volume_content_source.snapshot.snapshot_id');
      const lv = this.managedLv(state, snapshotId);
      const view = lv === undefined ? null : snapshotOf(lv);
      if (view === null) {
        throw new CsiError('NOT_FOUND', `volume_content_source.snapshot.snapshot_id ${JSON.stringify(snapshotId)}: no such snapshot on node ${this.deps.nodeId} (a restore runs on its snapshot's node)`);
      }
      return { vgName: view.lv.vgName, from: { snapshot: view } };
    }
    if (volumeId !== undefined) {
      validateVolumeId(volumeId, 'volume_content_source.volume.volume_id');
      const lv = findOurLv(state, volumeId, this.deps.vgRegexp);
      if (lv !== undefined) return { vgName: lv.vgName, from: { volume: lv } };
      const restored = findReadOnlyRestore(state, volumeId, this.deps.vgRegexp);
      if (restored !== undefined) return { vgName: restored.lv.vgName, from: { volume: { ...restored.lv, sizeBytes: restored.sizeBytes } } };
      throw new CsiError('NOT_FOUND', `volume_content_source.volume.volume_id ${JSON.stringify(volumeId)}: no such volume on node ${this.deps.nodeId} (a clone runs on its source's node)`);
    }
    throw new CsiError('INVALID_ARGUMENT', 'volume_content_source names neither a snapshot nor a volume');
  }

  /** A retried CreateVolume finds what the first one made. */
  private existingSourced(state: LvmState, lvName: string, request: { requiredBytes: number; limitBytes: number }): SourcedVolume | null {
    const restored = findReadOnlyRestore(state, lvName, this.deps.vgRegexp);
    if (restored !== undefined) return { volumeId: lvName, sizeBytes: restored.sizeBytes, vgName: restored.lv.vgName, readOnlySnapshotId: restored.snapshotId };
    const lv = findOurLv(state, lvName, this.deps.vgRegexp);
    if (lv !== undefined) {
      if (lv.sizeBytes < request.requiredBytes || (request.limitBytes > 0 && lv.sizeBytes > request.limitBytes)) {
        throw new CsiError('ALREADY_EXISTS', `volume ${lvName} exists in ${lv.vgName} with ${lv.sizeBytes} bytes, incompatible with this request`);
      }
      return { volumeId: lvName, sizeBytes: lv.sizeBytes, vgName: lv.vgName };
    }
    if (this.managedLv(state, lvName) !== undefined) throw new CsiError('ALREADY_EXISTS', `an LV named ${lvName} exists on this node but was not created by this driver`);
    return null;
  }

  private async carryOut(state: LvmState, job: { plan: RestorePlan; lvName: string; vgFreeBytes: number; ratio: number | undefined }, signal: AbortSignal): Promise<SourcedVolume> {
    const { plan, lvName } = job;
    switch (plan.kind) {
      case 'read-only': {
        const { lv } = plan.snapshot;
        await this.deps.lvm.changeLvTags({ vgName: lv.vgName, name: lv.name, add: [restoreTag(lvName)] }, { signal });
        this.deps.logger.info({ volumeId: lvName, snapshotId: lv.name }, 'restored read-only: the volume is the snapshot');
        return { volumeId: lvName, sizeBytes: plan.sizeBytes, vgName: lv.vgName, readOnlySnapshotId: lv.name };
      }
      case 'thin': {
        const { origin } = plan;
        const pool = state.lvs.find((lv) => lv.vgName === origin.vgName && lv.name === origin.poolLv);
        const full = thinPoolProblem(pool, origin.vgName, origin.poolLv);
        if (full !== null) throw new CsiError(full.code, `cannot create ${lvName} from ${origin.name}: ${full.message}`);
        const over = pool === undefined ? null : overProvisionProblem(state, pool, { addBytes: plan.sizeBytes, ratio: job.ratio });
        if (over !== null) throw new CsiError(over.code, `cannot create ${lvName} from ${origin.name}: ${over.message}`);
        const created = await this.deps.lvm.createThinSnapshot({ vgName: origin.vgName, originName: origin.name, name: lvName, tags: [OWNER_TAG] }, { signal });
        const lv = await this.undoOnFailure(created, async () => {
          const tagged = await this.keepOnlyTags(created, [OWNER_TAG], signal);
          return plan.sizeBytes > tagged.sizeBytes ? this.deps.lvm.extendLv({ vgName: tagged.vgName, name: tagged.name, sizeBytes: plan.sizeBytes }, { signal }) : tagged;
        });
        this.deps.logger.info({ volumeId: lvName, origin: origin.name, sizeBytes: lv.sizeBytes }, 'created thin volume from its source');
        return { volumeId: lvName, sizeBytes: lv.sizeBytes, vgName: lv.vgName };
      }
      case 'copy': {
        const { origin } = plan;
        if (!(await this.deps.lvm.hasDeviceMapper({ signal }))) {
          throw new CsiError('FAILED_PRECONDITION', `cloning thick volume ${origin.name} copies its blocks, which needs device-mapper; this kernel has none`);
        }
        if (plan.sizeBytes > job.vgFreeBytes) {
          throw new CsiError('NO_SPACE', `volume group ${origin.vgName} has ${job.vgFreeBytes} bytes free; a clone of ${origin.name} needs ${plan.sizeBytes}`);
        }
        const created = await this.deps.lvm.createLv({ vgName: origin.vgName, name: lvName, sizeBytes: plan.sizeBytes, tags: [OWNER_TAG] }, { signal });
        await this.undoOnFailure(created, async () => {
          await this.deps.host.copyDevice({ source: origin.devicePath, target: created.devicePath }, { signal });
          return created;
        });
        this.deps.logger.info({ volumeId: lvName, origin: origin.name, sizeBytes: created.sizeBytes }, 'cloned thick volume by copying its blocks');
        return { volumeId: lvName, sizeBytes: created.sizeBytes, vgName: created.vgName };
      }
    }
  }

  /** Runs `step` on a just-created LV; if it fails (or is cancelled) the LV is removed again before the error goes on. */
  private async undoOnFailure(lv: LogicalVolume, step: () => Promise<LogicalVolume>): Promise<LogicalVolume> {
    try {
      return await step();
    } catch (error) {
      await this.deps.lvm.removeLv({ vgName: lv.vgName, name: lv.name }).catch((undo: unknown) => {
        this.deps.logger.error({ err: undo, lv: `${lv.vgName}/${lv.name}` }, 'could not remove a half-made volume');
      });
      throw error;
    }
  }
}
