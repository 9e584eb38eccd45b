// NodePublishVolume / NodeUnpublishVolume: bind the staged filesystem (or the raw device node) into the pod's
// target; inline ephemeral volumes get their LV created here and removed at unpublish.
import type { MountEntry } from '@openlocal/lvm';
import type { Logger } from 'pino';
import { EPHEMERAL_TAG, OWNER_TAG } from '../core/driver-info.js';
import { CsiError, missingField } from '../core/errors.js';
import { lvNameForVolume, validateLvVolumeName } from '../core/names.js';
import { parseInlineVolume, parseThrottle } from '../core/parameters.js';
import type { AccessKind } from '../core/volume-capability.js';
import { requireManagedVg, type ManagedVgLookup } from '../core/managed-vgs.js';
import type { HostPort, LvmPort, ThrottlePort } from '../ports.js';
import { mountAt, unmountAll, usableDevice } from './node-stage.js';
import type { LocatedVolume } from './volume-locator.js';

export interface PublishDeps {
  host: HostPort;
  lvm: LvmPort;
  throttle: ThrottlePort;
  /** The VGs this node's NLS manages (issue #16); absent = any VG the plugin sees. */
  managedVgs?: ManagedVgLookup | undefined;
  logger: Logger;
}

export interface PublishRequest {
  volumeId: string;
  volume: LocatedVolume;
  targetPath: string;
  stagingPath: string;
  access: AccessKind;
  isReadOnly: boolean;
  volumeContext: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

/**
 * A target that is already mounted is fine when it is this volume with the same read-only flag (a retry); any
 * other mount there is ALREADY_EXISTS, as the spec asks, and is left alone.
 */
function isSamePublication(mounts: readonly MountEntry[], request: PublishRequest): boolean {
  const existing = mountAt(mounts, request.targetPath);
  if (existing === undefined) return false;
  const isReadOnly = existing.options.includes('ro');
  const staged = request.access.kind === 'mount' ? mountAt(mounts, request.stagingPath) : undefined;
  const isSameSource = request.access.kind === 'block' || (staged !== undefined && staged.majMin === existing.majMin && staged.root === existing.root);
  if (isSameSource && isReadOnly === request.isReadOnly) return true;
  throw new CsiError('ALREADY_EXISTS', `target ${request.targetPath} is already published with ${isSameSource ? `readonly=${isReadOnly}` : `another source (${existing.source})`}`);
}

export async function publishVolume(deps: PublishDeps, request: PublishRequest): Promise<void> {
  const { host } = deps;
  if (isSamePublication(await host.mountInfo(), request)) return;
  if (request.access.kind === 'block') {
    const device = await usableDevice(deps, request.volume, request.volumeId);
    await host.ensureFile(request.targetPath);
    await host.mount({ source: device, target: request.targetPath, bind: true, readOnly: request.isReadOnly }, { signal: request.signal });
  } else {
    if (request.stagingPath === '') throw missingField('staging_target_path');
    if (mountAt(await host.mountInfo(), request.stagingPath) === undefined) {
      throw new CsiError('FAILED_PRECONDITION', `volume ${request.volumeId} is not staged at ${request.stagingPath}; call NodeStageVolume first`);
    }
    await host.ensureDirectory(request.targetPath);
    await host.mount(
      { source: request.stagingPath, target: request.targetPath, bind: true, readOnly: request.isReadOnly, options: request.access.mountFlags },
      { signal: request.signal },
    );
  }
  await applyThrottle(deps, request);
}

async function applyThrottle(deps: PublishDeps, request: PublishRequest): Promise<void> {
  if (request.volume.volumeType !== 'LVM') return;
  const throttle = parseThrottle(request.volumeContext, 'volume_context');
  if (throttle.iops === undefined && throttle.bpsBytes === undefined) return;
  const info = await deps.host.blockDeviceInfo(request.volume.lv.devicePath);
  const outcome =
    info === null
      ? { isApplied: false, detail: `not applied: no block device ${request.volume.lv.devicePath} to read its device number from` }
      : await deps.throttle.apply({ targetPath: request.targetPath, majMin: info.majMin, throttle });
  // Not applied is not an error (the volume works, unthrottled) but must be seen: warn, with the reason.
  const log = { volumeId: request.volumeId, targetPath: request.targetPath, throttle, outcome: outcome.detail };
  if (outcome.isApplied) deps.logger.info(log, 'io throttling applied');
  else deps.logger.warn(log, 'io throttling requested but not applied');
}

export interface EphemeralRequest {
  volumeId: string;
  targetPath: string;
  access: AccessKind;
  isReadOnly: boolean;
  volumeContext: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

/** Inline ephemeral volume: create (or find) the LV, format it, mount it straight at the target. */
export async function publishEphemeral(deps: PublishDeps, request: EphemeralRequest): Promise<void> {
  const name = lvNameForVolume(validateLvVolumeName(request.volumeId, 'volume_id'));
  const { vgName, sizeBytes } = parseInlineVolume(request.volumeContext, 'volume_context');
  if (request.access.kind !== 'mount') throw new CsiError('INVALID_ARGUMENT', 'volume_capability: inline ephemeral volumes must be filesystem volumes');
  // The pod author names the VG: only one the node's NLS manages (never the OS's VG).
  if (deps.managedVgs !== undefined) requireManagedVg(vgName, 'volume_context["vgName"]', await deps.managedVgs.managedVgs(request.signal));
  if (mountAt(await deps.host.mountInfo(), request.targetPath) !== undefined) return;
  const state = await deps.lvm.readState({ signal: request.signal });
  const existing = state.lvs.find((lv) => lv.vgName === vgName && lv.name === name);
  if (existing !== undefined && !existing.tags.includes(EPHEMERAL_TAG)) {
    throw new CsiError('ALREADY_EXISTS', `an LV ${vgName}/${name} exists and is not an inline ephemeral volume`);
  }
  const lv = existing ?? (await deps.lvm.createLv({ vgName, name, sizeBytes, tags: [OWNER_TAG, EPHEMERAL_TAG] }, { signal: request.signal }));
  const volume: LocatedVolume = { volumeType: 'LVM', lv };
  const device = await usableDevice(deps, volume, name);
  if ((await deps.host.probeFilesystem(device, { signal: request.signal })) === null) {
    await deps.host.makeFilesystem(device, request.access.fsType, { signal: request.signal });
  }
  await deps.host.ensureDirectory(request.targetPath);
  await deps.host.mount(
    { source: device, target: request.targetPath, fsType: request.access.fsType, readOnly: request.isReadOnly, options: request.access.mountFlags },
    { signal: request.signal },
  );
}

/** Unmount, remove the target we created, and drop the LV of an inline ephemeral volume. */
export async function unpublishVolume(deps: PublishDeps, request: { volumeId: string; targetPath: string; signal: AbortSignal }): Promise<void> {
  await unmountAll(deps.host, request.targetPath, request.signal);
  await deps.host.removePath(request.targetPath);
  const state = await deps.lvm.readState({ signal: request.signal });
  const lvName = lvNameForVolume(request.volumeId);
  const ephemeral = state.lvs.find((lv) => lv.name === lvName && lv.tags.includes(EPHEMERAL_TAG));
  if (ephemeral === undefined) return;
  await deps.lvm.removeLv({ vgName: ephemeral.vgName, name: ephemeral.name }, { signal: request.signal });
  deps.logger.info({ volumeId: request.volumeId, vgName: ephemeral.vgName }, 'removed inline ephemeral volume');
}
