import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { GI, nls, pod, pv, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { Extender } from './extender.js';
import type { PvcShape } from './k8s-shapes.js';
import type { Strategy, VolumeDemand } from './types.js';
import { extenderArgsSchema } from './wire.js';

const NODES = ['n1', 'n2', 'n3'];

/**
 * n1 (100 GiB VG, empty) holds the thick source claim ns/src (10 GiB, in VG vg); n2 (200 GiB, 150 used) is
 * where binpack sends any new claim; n3 holds the thin source ns/tsrc in pool vg/thin0 (10 GiB × 2).
 */
function setUp(strategy: Strategy = 'binpack'): { state: ClusterState; extender: Extender } {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertStorageClass(storageClass('thin', { volumeType: 'LVM', vgName: 'vg', thinPool: 'thin0' }));
  state.upsertStorageClass(storageClass('ssd', { volumeType: 'Device', mediaType: 'ssd' }));
  state.upsertNls(nls('n1', { vgs: { vg: 100 } }), 0);
  state.upsertNls(nls('n2', { vgs: { vg: 200 } }), 0);
  const n3 = nls('n3', { vgs: { vg: 100 } });
  const vg3 = n3.status?.nodeStorageInfo?.volumeGroups?.[0];
  if (vg3 !== undefined) vg3.thinPools = [{ name: 'thin0', total: 10 * GI, virtualUsed: 5 * GI, dataPercent: 20 }];
  state.upsertNls({ ...n3, spec: { resourceToBeInited: { vgs: [{ name: 'vg', thinPools: [{ name: 'thin0', overProvisioningRatio: 2 }] }] } } }, 0);
  state.upsertPv(pv('pv-used', 'n2', { vgName: 'vg', size: '150Gi' }), 0);
  state.upsertPvc({ ...pvc('ns/src', 'lvm', '10Gi'), spec: { storageClassName: 'lvm', volumeName: 'pv-src', resources: { requests: { storage: '10Gi' } } } }, 0);
  state.upsertPv(pv('pv-src', 'n1', { vgName: 'vg', size: '10Gi', claim: 'ns/src' }), 0);
  state.upsertPvc({ ...pvc('ns/tsrc', 'thin', '5Gi'), spec: { storageClassName: 'thin', volumeName: 'pv-tsrc', resources: { requests: { storage: '5Gi' } } } }, 0);
  const thinSource = pv('pv-tsrc', 'n3', { vgName: 'vg', size: '5Gi', claim: 'ns/tsrc' });
  if (thinSource.spec?.csi?.volumeAttributes) thinSource.spec.csi.volumeAttributes['thinPool'] = 'thin0';
  state.upsertPv(thinSource, 0);
  state.upsertVolumeSnapshot({ metadata: { namespace: 'ns', name: 'snap' }, spec: { source: { persistentVolumeClaimName: 'src' } } });
  state.upsertVolumeSnapshot({ metadata: { namespace: 'ns', name: 'tsnap' }, spec: { source: { persistentVolumeClaimName: 'tsrc' } } });
  state.upsertVolumeSnapshot({ metadata: { namespace: 'ns', name: 'imported' }, spec: { source: { volumeSnapshotContentName: 'content-1' } } });
  const extender = new Extender({ state, strategy, antiAffinity: {}, isChoosingNode: false, reservationTtlMs: 30_000 });
  extender.setSynced(true);
  return { state, extender };
}

function restored(sc: string, size: string, dataSource: { kind: string; name: string; apiGroup?: string }): PvcShape {
  const claim = pvc('ns/restored', sc, size);
  return { ...claim, spec: { ...claim.spec, dataSource } };
}

const SNAP = (name: string) => ({ kind: 'VolumeSnapshot', name, apiGroup: 'snapshot.storage.k8s.io' });
const CLONE = (name: string) => ({ kind: 'PersistentVolumeClaim', name });

describe('restored and cloned claims go to their source\'s node (Open-Local §4.6)', () => {
  it.each<{ name: string; sc: string; size: string; source: { kind: string; name: string; apiGroup?: string }; want: string[]; failed: Record<string, RegExp> }>([
    {
      name: 'a restore of a thick snapshot lands on the source node n1, though binpack prefers n2',
      sc: 'lvm', size: '10Gi', source: SNAP('snap'), want: ['n1'],
      failed: { n2: /^pvc ns\/restored is restored or cloned from volumesnapshot ns\/snap, whose volume is on node n1, not n2$/ },
    },
    {
      name: 'a clone of a thick claim lands on the source node',
      sc: 'lvm', size: '10Gi', source: CLONE('src'), want: ['n1'],
      failed: { n2: /from persistentvolumeclaim ns\/src, whose volume is on node n1, not n2/, n3: /on node n1, not n3/ },
    },
    {
      name: 'a thin restore lands on the thin source\'s node n3, in its pool',
      sc: 'lvm', size: '10Gi', source: SNAP('tsnap'), want: ['n3'],
      failed: { n1: /from volumesnapshot ns\/tsnap, whose volume is on node n3, not n1/ },
    },
    {
      name: 'a thin restore larger than the pool\'s room is refused there too (10 GiB × 2 − 5 GiB handed out)',
      sc: 'thin', size: '16Gi', source: SNAP('tsnap'), want: [],
      failed: { n3: /Insufficient thin pool room on node n3, pool is vg\/thin0, pvc ns\/restored requested 16Gi, handed out 5Gi of 20Gi/ },
    },
    {
      name: 'a read-only restore larger than its source is refused on every node',
      sc: 'lvm', size: '11Gi', source: SNAP('snap'), want: [],
      failed: { n1: /pvc ns\/restored asks for 11Gi from volumesnapshot ns\/snap, whose source is 10Gi: a read-only restore of a thick volume is the snapshot itself and cannot be larger/ },
    },
    {
      name: 'a snapshot the cache has not seen fails every node until it has',
      sc: 'lvm', size: '1Gi', source: SNAP('nope'), want: [],
      failed: { n1: /volumesnapshot ns\/nope \(dataSource of pvc ns\/restored\) is not known yet/ },
    },
    {
      name: 'a pre-provisioned snapshot without a source claim is refused with why',
      sc: 'lvm', size: '1Gi', source: SNAP('imported'), want: [],
      failed: { n1: /volumesnapshot ns\/imported .* names no source persistentVolumeClaimName/ },
    },
    {
      name: 'a clone of a claim that has no volume yet waits for it',
      sc: 'lvm', size: '1Gi', source: CLONE('ghost'), want: [],
      failed: { n1: /the source of pvc ns\/restored, persistentvolumeclaim ns\/ghost \(claim ns\/ghost\), has no volume on any node yet/ },
    },
    {
      name: 'a Device class cannot restore',
      sc: 'ssd', size: '1Gi', source: SNAP('snap'), want: [],
      failed: { n1: /pvc ns\/restored: only LVM volumes are restored or cloned, not Device/ },
    },
    {
      name: 'a dataSource of another kind (a populator) is not ours: the claim is placed as usual',
      sc: 'lvm', size: '10Gi', source: { kind: 'Backup', name: 'b', apiGroup: 'example.com' }, want: ['n1', 'n2', 'n3'], failed: {},
    },
  ])('$name', ({ sc, size, source, want, failed }) => {
    const { state, extender } = setUp();
    state.upsertPvc(restored(sc, size, source), 0);
    const p = pod('ns/app', ['ns/restored']);
    state.upsertPod(p, 0);
    const result = extender.filter(extenderArgsSchema.parse({ Pod: p, NodeNames: NODES }), 0);
    expect(result.NodeNames).toEqual(want);
    for (const [node, reason] of Object.entries(failed)) {
      expect({ ...result.FailedNodes, ...result.FailedAndUnresolvableNodes }[node]).toMatch(reason);
    }
  });

  it('a choosing filter reserves the restore on the source node, and a read-only restore charges nothing there', () => {
    const { state } = setUp();
    const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
    extender.setSynced(true);
    state.upsertPvc(restored('lvm', '10Gi', SNAP('snap')), 0);
    const p = pod('ns/app', ['ns/restored']);
    state.upsertPod(p, 0);
    expect(extender.filter(extenderArgsSchema.parse({ Pod: p, NodeNames: NODES }), 0).NodeNames).toEqual(['n1']);
    const plan = state.planOf('ns/restored');
    expect(plan?.node).toBe('n1');
    expect(plan?.allocation).toEqual({ kind: 'LVM', key: 'ns/restored', sizeBytes: 0, vgName: 'vg' } satisfies VolumeDemand);
  });

  it('a read-only restore\'s PV occupies no VG space; a thick clone\'s does', () => {
    const { state } = setUp();
    const ro = pv('pv-ro', 'n1', { vgName: 'vg', size: '10Gi' });
    if (ro.spec?.csi?.volumeAttributes) Object.assign(ro.spec.csi.volumeAttributes, { 'csi.aliyun.com/readonly': 'true', 'csi.aliyun.com/snapshot-id': 'snap-1' });
    state.upsertPv(ro, 0);
    expect(state.ledger.view('n1')?.volumeGroups[0]?.usedBytes).toBe(10 * GI); // only the source
    state.upsertPv(pv('pv-clone', 'n1', { vgName: 'vg', size: '10Gi' }), 0);
    expect(state.ledger.view('n1')?.volumeGroups[0]?.usedBytes).toBe(20 * GI);
  });
});
