import { describe, expect, it } from 'vitest';
import { GI, inlineVolume, pod, pvc, storageClass } from '../test-support/builders.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { podDemand, type DemandLookup, type PodDemand } from './demand.js';
import type { PodShape } from './k8s-shapes.js';
import { claimInfo, storageClassInfo } from './objects.js';

const classes = [
  storageClass('lvm', { volumeType: 'LVM' }),
  storageClass('lvm-pool', { volumeType: 'LVM', vgName: 'pool' }),
  storageClass('ssd-disk', { volumeType: 'Device', mediaType: 'ssd' }),
  storageClass('bad-type', { volumeType: 'Quota' }),
  storageClass('bad-media', { volumeType: 'MountPoint', mediaType: 'nvme' }),
  storageClass('foreign', { volumeType: 'LVM' }, 'ebs.csi.aws.com'),
];
const claims = [
  pvc('ns/a', 'lvm', '10Gi'),
  pvc('ns/b', 'lvm-pool', '1Gi'),
  pvc('ns/d', 'ssd-disk', '100Gi'),
  pvc('ns/bound', 'lvm', '1Gi', { volumeName: 'pv-1' }),
  pvc('ns/other', 'foreign', '1Gi'),
  pvc('ns/t', 'bad-type', '1Gi'),
  pvc('ns/m', 'bad-media', '1Gi'),
  pvc('ns/size', 'lvm', 'ten'),
  pvc('ns/pod-scratch', 'lvm', '3Gi'),
];
const lookup: DemandLookup = {
  claim: (key) => claims.map(claimInfo).find((c) => c.key === key),
  storageClass: (name) => classes.map((sc) => storageClassInfo(sc, PROVISIONER_NAMES)).find((sc) => sc?.name === name),
};
const ephemeral = (name: string, sc: string, size: string) => ({
  name,
  ephemeral: { volumeClaimTemplate: { spec: { storageClassName: sc, resources: { requests: { storage: size } } } } },
});

describe('podDemand', () => {
  it.each<{ name: string; input: PodShape; want: PodDemand }>([
    { name: 'a pod without volumes asks nothing', input: pod('ns/p', []), want: { kind: 'none' } },
    { name: 'a bound claim is already placed', input: pod('ns/p', ['ns/bound']), want: { kind: 'none' } },
    { name: "another driver's claim passes through", input: pod('ns/p', ['ns/other']), want: { kind: 'none' } },
    {
      name: 'LVM claims with and without vgName, and a device',
      input: pod('ns/p', ['ns/a', 'ns/b', 'ns/d']),
      want: {
        kind: 'demands',
        demands: [
          { kind: 'LVM', key: 'ns/a', sizeBytes: 10 * GI },
          { kind: 'LVM', key: 'ns/b', sizeBytes: GI, vgName: 'pool' },
          { kind: 'Device', key: 'ns/d', sizeBytes: 100 * GI, mediaType: 'ssd' },
        ],
      },
    },
    { name: 'an unknown claim is unresolved', input: pod('ns/p', ['ns/ghost']), want: { kind: 'unresolved', reason: 'persistentvolumeclaim ns/ghost is not known yet' } },
    {
      name: 'an unknown volumeType names the class and value',
      input: pod('ns/p', ['ns/t']),
      want: { kind: 'invalid', reason: 'storageclass bad-type: parameter volumeType "Quota": unknown volume type; must be one of LVM, Device, MountPoint (case-sensitive)' },
    },
    {
      name: 'a bad mediaType names the class and value',
      input: pod('ns/p', ['ns/m']),
      want: { kind: 'invalid', reason: 'storageclass bad-media: parameter mediaType "nvme": must be ssd or hdd for MountPoint' },
    },
    { name: 'a bad size names the claim and value', input: pod('ns/p', ['ns/size']), want: { kind: 'invalid', reason: 'pvc ns/size: resources.requests.storage "ten" is not a valid size' } },
    {
      name: 'an inline volume takes vgName and defaults to 1Gi',
      input: pod('ns/p', [], [inlineVolume('scratch', { vgName: 'pool' })]),
      want: { kind: 'demands', demands: [{ kind: 'LVM', key: 'inline:uid-ns/p/scratch', sizeBytes: GI, vgName: 'pool' }] },
    },
    {
      name: 'an inline volume without vgName is refused',
      input: pod('ns/p', [], [inlineVolume('scratch', { size: '1Gi' })]),
      want: { kind: 'invalid', reason: 'pod volume scratch: csi.volumeAttributes.vgName is required' },
    },
    { name: "another driver's inline volume passes through", input: pod('ns/p', [], [inlineVolume('x', {}, 'other.csi')]), want: { kind: 'none' } },
    {
      name: 'a generic ephemeral volume uses its claim once it exists',
      input: pod('ns/pod', [], [ephemeral('scratch', 'lvm', '99Gi')]),
      want: { kind: 'demands', demands: [{ kind: 'LVM', key: 'ns/pod-scratch', sizeBytes: 3 * GI }] },
    },
    {
      name: 'a generic ephemeral volume uses its template before the claim exists',
      input: pod('ns/p2', [], [ephemeral('tmp', 'lvm', '2Gi')]),
      want: { kind: 'demands', demands: [{ kind: 'LVM', key: 'ns/p2-tmp', sizeBytes: 2 * GI }] },
    },
  ])('$name', ({ input, want }) => {
    expect(podDemand(input, lookup, PROVISIONER_NAMES)).toEqual(want);
  });
});
