// What must hold after the fault run, checked on what lvm, the API and the NLS report: every PV has its LV, every
// LV of ours has its PV or is reported as an orphan, no VG holds more than its size, and each NLS agrees with
// lvm. Pure: each check returns the violations it found, in words.
import { LV_TAGS } from '@openlocal/crd-types';

/** One LV as the node's own `lvm lvs` reports it. */
export interface NodeLv {
  readonly node: string;
  readonly vgName: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly tags: readonly string[];
}

/** One VG as the node's own `lvm vgs` reports it. */
export interface NodeVg {
  readonly node: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly freeBytes: number;
}

/** One PV of our driver: the node its affinity names and its volume handle (the LV's name). */
export interface DriverPv {
  readonly name: string;
  readonly node: string;
  readonly volumeHandle: string;
}

/** What one node's NLS status says. */
export interface NlsView {
  readonly node: string;
  readonly vgs: readonly { name: string; total: number; available: number; lvNames: readonly string[] }[];
  readonly orphans: readonly string[];
}

/** Every PV's LV exists on the PV's node. */
export function pvsWithoutLv(pvs: readonly DriverPv[], lvs: readonly NodeLv[]): string[] {
  const present = new Set(lvs.map((lv) => `${lv.node}/${lv.name}`));
  return pvs.filter((pv) => !present.has(`${pv.node}/${pv.volumeHandle}`)).map((pv) => `PV ${pv.name} names LV ${pv.volumeHandle} on ${pv.node}, which lvm does not list`);
}

/** LVs of ours that no PV names. */
export function unnamedLvs(lvs: readonly NodeLv[], pvs: readonly DriverPv[]): NodeLv[] {
  const named = new Set(pvs.map((pv) => `${pv.node}/${pv.volumeHandle}`));
  return lvs.filter((lv) => lv.tags.includes(LV_TAGS.owner) && !named.has(`${lv.node}/${lv.name}`));
}

/** Unnamed LVs of ours that the node's NLS does not report as orphans. */
export function unreportedOrphans(unnamed: readonly NodeLv[], nls: readonly NlsView[]): string[] {
  const reported = new Set(nls.flatMap((view) => view.orphans.map((name) => `${view.node}/${name}`)));
  return unnamed.filter((lv) => !reported.has(`${lv.node}/${lv.name}`)).map((lv) => `LV ${lv.vgName}/${lv.name} on ${lv.node} has no PV and is not in the NLS orphan list`);
}

/** VGs whose LVs add up to more than the VG, and NLS figures that differ from lvm's. */
export function accountingProblems(vgs: readonly NodeVg[], lvs: readonly NodeLv[], nls: readonly NlsView[]): string[] {
  const problems: string[] = [];
  for (const vg of vgs) {
    const inVg = lvs.filter((lv) => lv.node === vg.node && lv.vgName === vg.name);
    const usedBytes = inVg.reduce((sum, lv) => sum + lv.sizeBytes, 0);
    if (usedBytes > vg.sizeBytes) problems.push(`VG ${vg.name} on ${vg.node} is over-committed: LVs ${usedBytes} bytes > VG ${vg.sizeBytes}`);
    if (usedBytes + vg.freeBytes !== vg.sizeBytes) problems.push(`VG ${vg.name} on ${vg.node}: LVs ${usedBytes} + free ${vg.freeBytes} != size ${vg.sizeBytes}`);
    const reported = nls.find((view) => view.node === vg.node)?.vgs.find((v) => v.name === vg.name);
    if (reported === undefined) {
      problems.push(`NLS ${vg.node} does not report VG ${vg.name}`);
      continue;
    }
    if (reported.total !== vg.sizeBytes || reported.available !== vg.freeBytes) {
      problems.push(`NLS ${vg.node} VG ${vg.name}: total ${reported.total} / available ${reported.available}, lvm says ${vg.sizeBytes} / ${vg.freeBytes}`);
    }
    const want = inVg.map((lv) => lv.name).sort().join(',');
    const got = [...reported.lvNames].sort().join(',');
    if (want !== got) problems.push(`NLS ${vg.node} VG ${vg.name} lists LVs [${got}], lvm [${want}]`);
  }
  return problems;
}
