// Where a new volume goes: the VG for an LVM volume (named, planned or best fit), the stripe count, and the
// whole disk or mount point for exclusive volumes (smallest free one of the right media type that fits).
// Pure: callers pass in the node's state as data.
import { assignVolumeGroups, prepareVgClaims } from '@openlocal/crd-types';
import { CsiError, InvalidFieldError } from './errors.js';
import type { MediaType } from './parameters.js';

export interface VgView {
  name: string;
  sizeBytes: number;
  freeBytes: number;
  extentSizeBytes: number;
}

export interface PvView {
  vgName: string;
  freeBytes: number;
}

/** A whole disk or a mount point a volume could occupy exclusively. */
export interface ExclusiveCandidate {
  /** `/dev/loop3` or `/mnt/open-local/disk-1`. */
  path: string;
  sizeBytes: number;
  mediaType: MediaType;
}

export interface VgChoiceRequest {
  vgs: readonly VgView[];
  sizeBytes: number;
  /** From the StorageClass (wins) or the extender's plan. */
  vgName?: string | undefined;
  vgNameField: string;
}

/**
 * Picks the VG: the named one (NOT_FOUND / NO_SPACE when it cannot), else the one the extender's rule would
 * pick for this claim alone — `@openlocal/crd-types`' assignVolumeGroups with binpack: the fullest VG that
 * still fits (issue #20: one rule for the extender and the plugin). Without a plan the plugin sees one
 * volume at a time, so a pod's other claims cannot be weighed here; the extender's plan does that.
 */
export function chooseVg(request: VgChoiceRequest): VgView {
  if (request.vgName !== undefined) {
    const vg = request.vgs.find((candidate) => candidate.name === request.vgName);
    if (vg === undefined) throw new InvalidFieldError(request.vgNameField, request.vgName, 'no such volume group on this node');
    if (vg.freeBytes < request.sizeBytes) {
      throw new CsiError('NO_SPACE', `volume group ${vg.name} has ${vg.freeBytes} bytes free, ${request.sizeBytes} requested`);
    }
    return vg;
  }
  const rooms = request.vgs.map((vg) => ({ name: vg.name, freeBytes: vg.freeBytes }));
  const result = assignVolumeGroups({ claims: prepareVgClaims([{ sizeBytes: request.sizeBytes }]), vgs: rooms, strategy: 'binpack' });
  const best = result.ok ? request.vgs[result.vgIndexes[0] ?? -1] : undefined;
  if (best === undefined) {
    const most = Math.max(0, ...request.vgs.map((vg) => vg.freeBytes));
    throw new CsiError('NO_SPACE', `no volume group on this node has ${request.sizeBytes} bytes free (largest free: ${most}, ${request.vgs.length} VGs)`);
  }
  return best;
}

/** How many PVs a striped LV can span: the most PVs that each hold an equal share of the size. At least 1. */
export function stripeCount(pvs: readonly PvView[], vg: VgView, sizeBytes: number): number {
  const frees = pvs.filter((pv) => pv.vgName === vg.name).map((pv) => pv.freeBytes).sort((a, b) => b - a);
  let best = 1;
  for (let n = 1; n <= frees.length; n += 1) {
    const share = Math.ceil(sizeBytes / n / vg.extentSizeBytes) * vg.extentSizeBytes;
    if ((frees[n - 1] ?? 0) >= share) best = n;
  }
  return best;
}

export interface ExclusiveChoiceRequest {
  candidates: readonly ExclusiveCandidate[];
  /** Paths already held by a volume. */
  takenPaths: ReadonlySet<string>;
  mediaType: MediaType;
  requiredBytes: number;
  limitBytes: number;
  /** A path planned by the extender; it must be one of the free candidates. */
  plannedPath?: string | undefined;
  kind: 'disk' | 'mount point';
}

function fits(candidate: ExclusiveCandidate, request: ExclusiveChoiceRequest): boolean {
  return (
    candidate.mediaType === request.mediaType &&
    candidate.sizeBytes >= request.requiredBytes &&
    (request.limitBytes === 0 || candidate.sizeBytes <= request.limitBytes)
  );
}

/** The smallest free candidate of the media type whose size lies within [required, limit]. */
export function chooseExclusive(request: ExclusiveChoiceRequest): ExclusiveCandidate {
  const free = request.candidates.filter((c) => !request.takenPaths.has(c.path));
  if (request.plannedPath !== undefined) {
    const planned = free.find((c) => c.path === request.plannedPath);
    if (planned === undefined || !fits(planned, request)) {
      throw new CsiError('NO_SPACE', `the planned ${request.kind} ${request.plannedPath} is not free or does not fit the request`);
    }
    return planned;
  }
  const best = free.filter((c) => fits(c, request)).sort((a, b) => a.sizeBytes - b.sizeBytes || a.path.localeCompare(b.path))[0];
  if (best === undefined) {
    const limit = request.limitBytes === 0 ? '' : ` and at most ${request.limitBytes}`;
    throw new CsiError(
      'NO_SPACE',
      `no free ${request.mediaType} ${request.kind} of at least ${request.requiredBytes} bytes${limit} on this node (${free.length} free of ${request.candidates.length})`,
    );
  }
  return best;
}
