import type { NodeStorageInfo } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { storageSeries } from './storage-series.js';
import { GiB, lv } from './test-data.js';

const info: NodeStorageInfo = {
  volumeGroups: [
    { name: 'pool', physicalVolumes: ['/dev/vdb'], total: 100 * GiB, available: 60 * GiB, allocatable: 90 * GiB, logicalVolumes: [{ name: 'local-a', vgname: 'pool', total: 40 * GiB }] },
  ],
  deviceInfo: [{ name: '/dev/vdc', total: 20 * GiB, readOnly: false }],
};

describe('storageSeries', () => {
  it.each([
    {
      name: 'a VG keeps its size, free and allocatable bytes and counts its LVs',
      info, lvs: [],
      want: { vgs: [{ vg: 'pool', totalBytes: 100 * GiB, availableBytes: 60 * GiB, allocatableBytes: 90 * GiB, lvCount: 1 }], devices: [{ device: '/dev/vdc', sizeBytes: 20 * GiB }], thinPools: [] },
    },
    {
      name: 'a thin pool reports its size and data use as a ratio',
      info: {}, lvs: [lv('pool/tp', 10 * GiB, { isThinPool: true, dataPercent: 42.5 }), lv('pool/thin1', 50 * GiB, { isThin: true, poolLv: 'tp' })],
      want: { vgs: [], devices: [], thinPools: [{ vg: 'pool', pool: 'tp', sizeBytes: 10 * GiB, dataUsedRatio: 0.425 }] },
    },
    {
      name: 'a thin pool without data use (not active) has no ratio rather than 0',
      info: {}, lvs: [lv('pool/tp', 10 * GiB, { isThinPool: true })],
      want: { vgs: [], devices: [], thinPools: [{ vg: 'pool', pool: 'tp', sizeBytes: 10 * GiB, dataUsedRatio: undefined }] },
    },
    { name: 'an empty status (no VGs yet) has no series', info: {}, lvs: [], want: { vgs: [], devices: [], thinPools: [] } },
  ])('$name', ({ info: input, lvs, want }) => {
    expect(storageSeries(input, lvs)).toEqual(want);
  });
});
