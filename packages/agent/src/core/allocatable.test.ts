import { parseStorageReserved } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { isOurLv, vgAllocatableBytes } from './allocatable.js';
import { GiB, lv, vg } from './test-data.js';

const rule = { lvNamePrefix: 'local' };
const none = parseStorageReserved(undefined);

describe('vgAllocatableBytes', () => {
  it.each([
    { name: 'an empty VG is wholly allocatable', lvs: [], reserve: none, want: 100 * GiB },
    { name: 'our LVs (prefix local) do not lower allocatable', lvs: [lv('pool/local-abc', 10 * GiB)], reserve: none, want: 100 * GiB },
    { name: 'ephemeral csi- LVs are ours too', lvs: [lv('pool/csi-123', 10 * GiB)], reserve: none, want: 100 * GiB },
    { name: 'a user LV lowers allocatable by its size', lvs: [lv('pool/mydata', 30 * GiB)], reserve: none, want: 70 * GiB },
    { name: 'a snapshot LV is not ours and lowers allocatable', lvs: [lv('pool/snap-1', 4 * GiB, { isSnapshot: true, origin: 'local-abc' })], reserve: none, want: 96 * GiB },
    { name: 'thin LVs do not count twice (their pool counts)', lvs: [lv('pool/tp', 20 * GiB, { isThinPool: true }), lv('pool/thin1', 50 * GiB, { isThin: true })], reserve: none, want: 80 * GiB },
    { name: 'hidden sub-LVs are not counted', lvs: [lv('pool/[tp_tdata]', 20 * GiB, { isHidden: true })], reserve: none, want: 100 * GiB },
    { name: 'LVs of other VGs do not count', lvs: [lv('other/mydata', 30 * GiB)], reserve: none, want: 100 * GiB },
    { name: 'a size reservation caps allocatable', lvs: [], reserve: parseStorageReserved('{"pool":"10Gi"}'), want: 90 * GiB },
    { name: 'a percent reservation caps allocatable (v0.7.1 set it to total)', lvs: [], reserve: parseStorageReserved('{"pool":"25%"}'), want: 75 * GiB },
    { name: 'a reservation below the user LVs changes nothing', lvs: [lv('pool/mydata', 30 * GiB)], reserve: parseStorageReserved('{"pool":"10%"}'), want: 70 * GiB },
    { name: 'a malformed reservation for this VG fails closed to 0', lvs: [], reserve: parseStorageReserved('{"pool":"lots"}'), want: 0 },
    { name: 'a malformed annotation fails closed to 0', lvs: [], reserve: parseStorageReserved('{not json'), want: 0 },
    { name: 'another VG\'s reservation does not apply', lvs: [], reserve: parseStorageReserved('{"other":"50Gi"}'), want: 100 * GiB },
  ])('$name', ({ lvs, reserve, want }) => {
    expect(vgAllocatableBytes({ vg: vg('pool', 100 * GiB, 50 * GiB), lvs, rule, reserve })).toBe(want);
  });
});

describe('isOurLv', () => {
  it.each([
    { name: 'prefix match', lvName: 'local-pv-1', prefix: 'local', want: true },
    { name: 'custom prefix', lvName: 'yoda-1', prefix: 'yoda', want: true },
    { name: 'csi- is always ours', lvName: 'csi-abc', prefix: 'yoda', want: true },
    { name: 'other names are not', lvName: 'root', prefix: 'local', want: false },
  ])('$name', ({ lvName, prefix, want }) => {
    expect(isOurLv(lvName, { lvNamePrefix: prefix })).toBe(want);
  });
});
