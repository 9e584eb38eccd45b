// Benchmark (issue #19): the CPU a restarted extender spends turning its first LISTs into state, in-process, for
// each order the informers may deliver the kinds in (they list in parallel), at N nodes (two VGs) and M bound
// PVs with claims that carry selected-node. Before #19 an NLS arriving after the claims re-scanned and sorted
// every claim (16 s at 5000 nodes and 20,000 claims). Run: npx tsx bench/restart-order.ts [--nodes 5000] [--pvs 20000]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { ClusterState } from '../src/core/cluster-state.js';
import { nls, pv, pvc, storageClass } from '../src/test-support/builders.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '5000' }, pvs: { type: 'string', default: '20000' } } });
const nodes = Number(values.nodes);
const pvs = Number(values.pvs);
for (const [flag, value] of [['--nodes', nodes], ['--pvs', pvs]] as const) {
  if (!Number.isSafeInteger(value) || value < 1 || value > 200_000) throw new Error(`${flag} must be an integer from 1 to 200000, got ${JSON.stringify(value)}`);
}

const nlsObjects = Array.from({ length: nodes }, (_, i) => nls(`node-${i}`, { vgs: { vg0: 1000, vg1: 1000 } }));
const pvObjects = Array.from({ length: pvs }, (_, i) => pv(`pv-${i}`, `node-${i % nodes}`, { vgName: `vg${Math.floor(i / nodes) % 2}`, size: '10Gi', claim: `ns/claim-${i}` }));
const claimObjects = Array.from({ length: pvs }, (_, i) => pvc(`ns/claim-${i}`, 'lvm', '10Gi', { selectedNode: `node-${i % nodes}`, volumeName: `pv-${i}` }));

const orders = [['claims', 'nls', 'pvs'], ['claims', 'pvs', 'nls'], ['nls', 'pvs', 'claims'], ['pvs', 'claims', 'nls']];
console.log(`${nodes} nodes, ${pvs} bound PVs and claims; ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
console.log('| delivery order | events ms | rebuildPlans ms |');
console.log('|---|---:|---:|');
for (const order of orders) {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  const started = performance.now();
  for (const kind of order) {
    if (kind === 'nls') for (const object of nlsObjects) state.upsertNls(object, 0);
    if (kind === 'pvs') for (const object of pvObjects) state.upsertPv(object, 0);
    if (kind === 'claims') for (const object of claimObjects) state.upsertPvc(object, 0);
  }
  const delivered = performance.now();
  state.rebuildPlans(0);
  const counts = state.counts();
  if (counts.nodes !== nodes || counts.pvs !== pvs || counts.claims !== pvs || counts.plans !== 0) throw new Error(`unexpected state ${JSON.stringify(counts)}`);
  console.log(`| ${order.join(' → ')} | ${(delivered - started).toFixed(0)} | ${(performance.now() - delivered).toFixed(0)} |`);
}
