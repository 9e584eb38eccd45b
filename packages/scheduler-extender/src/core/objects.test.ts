import { describe, expect, it } from 'vitest';
import { GI, pv, pvc, storageClass } from '../test-support/builders.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import type { PvShape } from './k8s-shapes.js';
import { claimInfo, pvInfo, storageClassInfo } from './objects.js';

describe('pvInfo: what an existing PV occupies', () => {
  const annotated: PvShape = pv('pv-a', 'n1', { vgName: 'attr-vg', size: '5Gi', claim: 'ns/a' });
  annotated.metadata!.annotations = { 'csi.aliyun.com/pv-allocated': '{"vgName":"annotated-vg"}' };
  const foreign: PvShape = { ...pv('pv-b', 'n1', { vgName: 'vg', size: '1Gi' }), spec: { csi: { driver: 'other.csi' } } };
  const noNode: PvShape = { metadata: { name: 'pv-c' }, spec: { csi: { driver: 'local.csi.aliyun.com' } } };
  it.each([
    { name: 'LVM PV: vgName from the attribute', input: pv('pv-a', 'n1', { vgName: 'vg', size: '5Gi', claim: 'ns/a' }), want: { node: 'n1', claimKey: 'ns/a', allocation: { kind: 'LVM', key: 'pv:pv-a', sizeBytes: 5 * GI, vgName: 'vg' } } },
    { name: 'the pv-allocated annotation wins over the attribute', input: annotated, want: { allocation: { kind: 'LVM', key: 'pv:pv-a', sizeBytes: 5 * GI, vgName: 'annotated-vg' } } },
    { name: 'Device PV takes its device', input: pv('pv-d', 'n2', { device: '/dev/vdc', size: '100Gi' }), want: { node: 'n2', allocation: { kind: 'Device', resourceName: '/dev/vdc' } } },
    { name: 'MountPoint PV takes its path', input: pv('pv-m', 'n2', { mountPoint: '/mnt/a', size: '1Gi' }), want: { allocation: { kind: 'MountPoint', resourceName: '/mnt/a' } } },
  ])('$name', ({ input, want }) => {
    expect(pvInfo(input, PROVISIONER_NAMES)).toMatchObject(want);
  });

  it.each([
    { name: 'another driver is not ours', input: foreign },
    { name: 'a PV without a hostname node affinity is not counted', input: noNode },
  ])('$name', ({ input }) => {
    expect(pvInfo(input, PROVISIONER_NAMES)).toBeUndefined();
  });
});

describe('claimInfo and storageClassInfo', () => {
  it('reads the selected node, volume name and size of a claim', () => {
    expect(claimInfo(pvc('ns/a', 'sc', '2Gi', { selectedNode: 'n1', volumeName: 'pv-1' }))).toEqual({
      key: 'ns/a',
      storageClassName: 'sc',
      size: { bytes: 2 * GI },
      volumeName: 'pv-1',
      selectedNode: 'n1',
    });
  });

  it('keeps an unreadable size as the raw value so the reason can name it', () => {
    expect(claimInfo(pvc('ns/a', 'sc', 'huge')).size).toEqual({ invalid: '"huge"' });
  });

  it('ignores StorageClasses of other provisioners and keeps ours with raw parameters', () => {
    expect(storageClassInfo(storageClass('x', { volumeType: 'LVM' }, 'ebs.csi.aws.com'), PROVISIONER_NAMES)).toBeUndefined();
    expect(storageClassInfo(storageClass('y', { volumeType: 'LVM', vgName: 'pool' }), PROVISIONER_NAMES)).toEqual({
      name: 'y',
      parameters: { volumeType: 'LVM', vgName: 'pool' },
    });
  });
});
