// resourceToBeInited.vgs[].thinPools → what to do on this node (issue #17): create a declared thin pool that its
// VG does not have yet, leave an existing pool alone, and refuse — naming the field and value, changing nothing —
// a bad name or size, a pool larger than the VG's free space, or a name an LV that is not a thin pool already has.
import { parseQuantityBytes, type VgToBeInited } from '@openlocal/crd-types';
import { validateLvName, type LvmState } from '@openlocal/lvm';

export type ThinPoolInitStep =
  | { readonly kind: 'exists'; readonly vgName: string; readonly name: string }
  /** The VG does not exist yet (created on this pass or refused): the pool waits for a later pass. */
  | { readonly kind: 'wait'; readonly vgName: string; readonly name: string }
  | { readonly kind: 'create'; readonly vgName: string; readonly name: string; readonly sizeBytes: number }
  | { readonly kind: 'refuse'; readonly vgName: string; readonly name: string; readonly reason: string };

type Declared = NonNullable<VgToBeInited['thinPools']>[number];

function problemOf(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function sizeOf(pool: Declared, field: string): { sizeBytes: number } | { reason: string } {
  let sizeBytes = 0;
  const problem = problemOf(() => (sizeBytes = parseQuantityBytes(pool.size)));
  if (problem !== null) return { reason: `${field}.size ${JSON.stringify(pool.size)} is not a size: ${problem}` };
  if (sizeBytes <= 0) return { reason: `${field}.size ${JSON.stringify(pool.size)} must be larger than 0` };
  return { sizeBytes };
}

function ratioProblem(pool: Declared, field: string): string | null {
  const ratio = pool.overProvisioningRatio;
  if (ratio === undefined || (Number.isFinite(ratio) && ratio >= 1 && ratio <= 1000)) return null;
  return `${field}.overProvisioningRatio ${JSON.stringify(ratio)} must be a number from 1 to 1000`;
}

function planOne(vg: VgToBeInited, pool: Declared, at: { field: string; state: LvmState; freeBytes: Map<string, number> }): ThinPoolInitStep {
  const { field, state } = at;
  const base = { vgName: vg.name, name: pool.name };
  const nameProblem = problemOf(() => validateLvName(pool.name, `${field}.name`));
  if (nameProblem !== null) return { kind: 'refuse', ...base, reason: nameProblem };
  const ratio = ratioProblem(pool, field);
  if (ratio !== null) return { kind: 'refuse', ...base, reason: ratio };
  const existing = state.lvs.find((lv) => lv.vgName === vg.name && lv.name === pool.name);
  if (existing?.isThinPool === true) return { kind: 'exists', ...base };
  if (existing !== undefined) return { kind: 'refuse', ...base, reason: `${field}.name ${JSON.stringify(pool.name)}: volume group ${vg.name} has an LV of that name that is not a thin pool; it is left as it is` };
  const free = at.freeBytes.get(vg.name);
  if (free === undefined) return { kind: 'wait', ...base };
  const size = sizeOf(pool, field);
  if ('reason' in size) return { kind: 'refuse', ...base, reason: size.reason };
  if (size.sizeBytes > free) {
    return { kind: 'refuse', ...base, reason: `${field}.size ${JSON.stringify(pool.size)} (${size.sizeBytes} bytes) is more than the ${free} bytes free in volume group ${vg.name}` };
  }
  at.freeBytes.set(vg.name, free - size.sizeBytes);
  return { kind: 'create', ...base, sizeBytes: size.sizeBytes };
}

/** One step per declared pool, in spec order; pools of one VG share its free space. */
export function planThinPoolInit(vgs: readonly VgToBeInited[], state: LvmState): ThinPoolInitStep[] {
  const freeBytes = new Map(state.vgs.map((vg) => [vg.name, vg.freeBytes]));
  return vgs.flatMap((vg, vgIndex) =>
    (vg.thinPools ?? []).map((pool, index) => planOne(vg, pool, { field: `spec.resourceToBeInited.vgs[${vgIndex}].thinPools[${index}]`, state, freeBytes })),
  );
}
