// NodeLocalStorage → the node's thin pools (issue #17): each one a storage class of its own, sized by lvm's
// report in the status and over-provisioned by the ratio the NLS spec declares for it. Entries the agent
// wrote badly are left out and reported, naming the field and value, never guessed.
import { quantityValueBytesOrUndefined } from '@openlocal/crd-types';
import type { NlsShape, ThinPoolShape } from './k8s-shapes.js';

/**
 * A thin pool: thin volumes are charged against its over-provisioned room, never against the VG's free space.
 * `virtualUsedBytes` is what lvm reported handed out (snapshots too); `ratio` is the NLS spec's
 * `overProvisioningRatio` for it, if declared.
 */
export interface ThinPoolCapacity {
  vgName: string;
  name: string;
  sizeBytes: number;
  virtualUsedBytes: number;
  dataPercent: number | undefined;
  ratio: number | undefined;
}

export interface DecodedThinPools {
  pools: ThinPoolCapacity[];
  problems: string[];
}

function declaredRatios(nls: NlsShape): Map<string, number> {
  const ratios = new Map<string, number>();
  for (const vg of nls.spec?.resourceToBeInited?.vgs ?? []) {
    for (const pool of vg.thinPools ?? []) {
      // The CRD schema bounds the ratio to 1..1000; anything else is a stale object and declares nothing.
      const ratio = pool.overProvisioningRatio;
      if (typeof ratio === 'number' && ratio >= 1 && ratio <= 1000) ratios.set(`${vg.name ?? ''}/${pool.name ?? ''}`, ratio);
    }
  }
  return ratios;
}

function bytesOf(value: number | string | undefined, field: string, problems: string[]): number | undefined {
  const bytes = value === undefined ? undefined : quantityValueBytesOrUndefined(value);
  if (bytes === undefined) problems.push(`${field} is not a byte count: ${JSON.stringify(value ?? null)}`);
  return bytes;
}

function decodePool(pool: ThinPoolShape, at: { vgName: string; field: string; ratios: Map<string, number> }, problems: string[]): ThinPoolCapacity | undefined {
  if (pool.name === undefined || pool.name === '') {
    problems.push(`${at.field}.name is missing`);
    return undefined;
  }
  const sizeBytes = bytesOf(pool.total, `${at.field}.total`, problems);
  const virtualUsedBytes = bytesOf(pool.virtualUsed ?? 0, `${at.field}.virtualUsed`, problems);
  if (sizeBytes === undefined || virtualUsedBytes === undefined) return undefined;
  const dataPercent = typeof pool.dataPercent === 'number' && Number.isFinite(pool.dataPercent) ? pool.dataPercent : undefined;
  return { vgName: at.vgName, name: pool.name, sizeBytes, virtualUsedBytes, dataPercent, ratio: at.ratios.get(`${at.vgName}/${pool.name}`) };
}

/** The thin pools of the VGs listed in `status.filteredStorageInfo` (the VGs the node offers, as in Open-Local). */
export function nlsToThinPools(nls: NlsShape): DecodedThinPools {
  const offered = new Set(nls.status?.filteredStorageInfo?.volumeGroups ?? []);
  const ratios = declaredRatios(nls);
  const problems: string[] = [];
  const pools: ThinPoolCapacity[] = [];
  for (const [vgIndex, vg] of (nls.status?.nodeStorageInfo?.volumeGroups ?? []).entries()) {
    if (vg.name === undefined || !offered.has(vg.name)) continue;
    for (const [index, pool] of (vg.thinPools ?? []).entries()) {
      const field = `status.nodeStorageInfo.volumeGroups[${vgIndex}].thinPools[${index}]`;
      const decoded = decodePool(pool, { vgName: vg.name, field, ratios }, problems);
      if (decoded !== undefined) pools.push(decoded);
    }
  }
  return { pools, problems };
}
