import { describe, expect, it } from 'vitest';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import type { PodShape, PvShape } from './k8s-shapes.js';
import { inlineRecords, MetricObjects, pvRecord } from './metric-objects.js';

const nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] } };
function pv(extra: { name?: string; driver?: string; attributes?: Record<string, string>; claimRef?: { namespace: string; name: string }; phase?: string }): PvShape & { status?: { phase?: string } } {
  return {
    metadata: { name: extra.name ?? 'local-1' },
    spec: { capacity: { storage: '1Gi' }, claimRef: extra.claimRef, csi: { driver: extra.driver ?? 'local.csi.aliyun.com', volumeAttributes: extra.attributes ?? { volumeType: 'LVM', vgName: 'pool' } }, nodeAffinity },
    status: { phase: extra.phase ?? 'Bound' },
  };
}

describe('pvRecord', () => {
  it.each([
    { name: 'takes the claim from claimRef', input: pv({ claimRef: { namespace: 'app', name: 'data' } }), want: { pvcName: 'data', pvcNamespace: 'app', storageName: 'pool', pvType: 'LVM', status: 'Bound', sizeBytes: 2 ** 30 } },
    {
      name: 'falls back to the provisioner\'s volume attributes without claimRef',
      input: pv({ attributes: { volumeType: 'LVM', vgName: 'pool', 'csi.storage.k8s.io/pvc/name': 'x', 'csi.storage.k8s.io/pvc/namespace': 'y' }, phase: 'Released' }),
      want: { pvcName: 'x', pvcNamespace: 'y', status: 'Released' },
    },
    { name: 'a Device PV names its device', input: pv({ attributes: { volumeType: 'Device', Device: '/dev/vdc' } }), want: { pvType: 'Device', storageName: '/dev/vdc' } },
  ])('$name', ({ input, want }) => {
    expect(pvRecord(input, PROVISIONER_NAMES)).toMatchObject({ pvName: 'local-1', nodeName: 'node-a', ...want });
  });

  it('ignores another driver\'s PV', () => {
    expect(pvRecord(pv({ driver: 'ebs.csi.aws.com' }), PROVISIONER_NAMES)).toBeUndefined();
  });
});

describe('inlineRecords', () => {
  const pod = (phase: string, nodeName?: string): PodShape => ({
    metadata: { name: 'web-0', namespace: 'app', uid: 'u1' },
    spec: { nodeName, volumes: [{ name: 'scratch', csi: { driver: 'local.csi.aliyun.com', volumeAttributes: { vgName: 'pool', size: '2Gi' } } }] },
    status: { phase },
  });
  it.each([
    { name: 'a running bound pod reports its inline volume', input: pod('Running', 'node-a'), want: [{ podUid: 'u1', podName: 'web-0', podNamespace: 'app', nodeName: 'node-a', vgName: 'pool', volumeName: 'scratch', sizeBytes: 2 * 2 ** 30 }] },
    { name: 'an unbound pod reports nothing', input: pod('Pending'), want: [] },
    { name: 'a finished pod reports nothing', input: pod('Succeeded', 'node-a'), want: [] },
  ])('$name', ({ input, want }) => {
    expect(inlineRecords(input, PROVISIONER_NAMES)).toEqual(want);
  });
});

describe('MetricObjects', () => {
  it('forgets a PV when it is deleted or stops being ours', () => {
    const objects = new MetricObjects(PROVISIONER_NAMES);
    objects.upsertPv(pv({ name: 'a' }));
    objects.upsertPv(pv({ name: 'b' }));
    objects.deletePv(pv({ name: 'a' }));
    objects.upsertPv(pv({ name: 'b', driver: 'other' }));
    expect(objects.pvRecords()).toEqual([]);
  });
});
