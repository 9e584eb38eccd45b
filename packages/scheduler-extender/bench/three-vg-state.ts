// The cluster state of the benchmark's 8-claim cell (issue #20): three VGs per node in five layouts, so one node
// in five holds the pod only by the exact search, two hold it not at all (their totals pass the cheap bounds,
// so the search runs and proves it) and two hold it in the greedy order — the expensive path at scale.
import { ClusterState } from '../src/core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { nls, pv, pvc, storageClass } from '../src/test-support/builders.js';

/** Free GiB per VG after the node's existing 1Gi volume in each (the layouts of src/core/exact-placement.test.ts). */
const LAYOUTS = [
  { a: 43, b: 30, c: 32 },
  { a: 43, b: 30, c: 28 },
  { a: 35, b: 35, c: 31 },
  { a: 40, b: 33, c: 32 },
  { a: 50, b: 25, c: 30 },
];

/** The pod's claims, `bench/p8-c0` … `c7`: three pinned to a, b and c, five free. */
export const EIGHT_CLAIMS: readonly { gi: number; vgName?: string }[] = [
  { gi: 10, vgName: 'a' },
  { gi: 10, vgName: 'b' },
  { gi: 10, vgName: 'c' },
  { gi: 14 },
  { gi: 21 },
  { gi: 15 },
  { gi: 5 },
  { gi: 16 },
];

export function buildThreeVgState(nodes: number): ClusterState {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  for (const vg of ['a', 'b', 'c']) state.upsertStorageClass(storageClass(`lvm-${vg}`, { volumeType: 'LVM', vgName: vg }));
  for (let i = 0; i < nodes; i += 1) {
    const layout = LAYOUTS[i % LAYOUTS.length] ?? { a: 0, b: 0, c: 0 };
    state.upsertNls(nls(`node-${i}`, { vgs: { a: layout.a + 1, b: layout.b + 1, c: layout.c + 1 } }), 0);
    for (const vg of ['a', 'b', 'c']) state.upsertPv(pv(`pv-${i}-${vg}`, `node-${i}`, { vgName: vg, size: '1Gi' }), 0);
  }
  EIGHT_CLAIMS.forEach((claim, c) => state.upsertPvc(pvc(`bench/p8-c${c}`, claim.vgName ? `lvm-${claim.vgName}` : 'lvm', `${claim.gi}Gi`), 0));
  return state;
}
