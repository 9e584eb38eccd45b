// Charge derivation: what the ledger holds for one claim or inline volume is a function of the object index
// (does it have a PV?), the plan book (a live plan?) and the inline volumes of bound pods. `refresh` writes
// that function's value for one key; every change to those inputs calls it for the keys it touched.
import type { Ledger } from './ledger.js';
import type { ObjectIndex } from './object-index.js';
import { isPlanLive, type PlanBook } from './plan-book.js';
import type { Allocation, VolumeDemand } from './types.js';

export class ChargeDeriver {
  /** Inline volumes charged because their pod is bound; plans never override these. */
  private readonly boundInline = new Set<string>();

  constructor(
    private readonly ledger: Ledger,
    private readonly index: ObjectIndex,
    private readonly plans: PlanBook,
  ) {}

  /** Charges a bound pod's inline volume to its node for as long as the pod is active. */
  chargeBoundInline(key: string, node: string, allocation: Allocation): void {
    this.boundInline.add(key);
    this.ledger.setCharge(key, node, allocation);
  }

  /** Releases an inline volume (its pod ended or went). */
  releaseInline(key: string): void {
    this.boundInline.delete(key);
    this.ledger.clearCharge(key);
  }

  /** Re-derives the charge of one claim or inline volume from its PV, plan and expiry. */
  refresh(key: string, nowMs: number): void {
    if (this.boundInline.has(key)) return;
    if (this.index.hasPvForClaim(key)) {
      // The PV charges the volume now (under `pv:<name>`); the plan is done.
      this.plans.delete(key);
      this.ledger.clearCharge(key);
      return;
    }
    const plan = this.plans.get(key);
    if (plan !== undefined && isPlanLive(plan, nowMs)) this.ledger.setCharge(key, plan.node, plan.allocation);
    else this.ledger.clearCharge(key);
  }
}

/** When the scheduler already chose a node that has no room: charge LVM volumes where they would go anyway. */
export function forcedAllocations(vgs: { name: string; capacityBytes: number; usedBytes: number }[], demands: VolumeDemand[]): Allocation[] {
  const roomiest = [...vgs].sort((a, b) => b.capacityBytes - b.usedBytes - (a.capacityBytes - a.usedBytes))[0];
  return demands.flatMap((d): Allocation[] => {
    if (d.kind !== 'LVM') return [];
    const vgName = d.vgName ?? roomiest?.name;
    if (vgName === undefined) return [];
    // A thin volume is charged to its pool (issue #17), not to the VG.
    return [d.thinPool === undefined ? { kind: 'LVM', key: d.key, sizeBytes: d.sizeBytes, vgName } : { kind: 'LVM', key: d.key, sizeBytes: d.sizeBytes, vgName, thinPool: d.thinPool }];
  });
}
