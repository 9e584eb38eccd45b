// Capacity figures for GetCapacity (CSIStorageCapacity): total free space and the largest single volume.
import type { MediaType } from './parameters.js';
import type { ExclusiveCandidate, VgView } from './placement.js';

export type CapacityInput =
  | { kind: 'lvm'; vgs: readonly VgView[]; vgName: string | undefined }
  | { kind: 'exclusive'; candidates: readonly ExclusiveCandidate[]; mediaType: MediaType };

export function capacityOf(input: CapacityInput): { availableBytes: number; maximumVolumeBytes: number } {
  const sizes =
    input.kind === 'lvm'
      ? input.vgs.filter((vg) => input.vgName === undefined || vg.name === input.vgName).map((vg) => vg.freeBytes)
      : input.candidates.filter((c) => c.mediaType === input.mediaType).map((c) => c.sizeBytes);
  return { availableBytes: sizes.reduce((a, b) => a + b, 0), maximumVolumeBytes: Math.max(0, ...sizes) };
}
