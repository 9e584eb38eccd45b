import { describe, expect, it } from 'vitest';
import { checkMajMin, throttleWrites } from './io-max.js';
import { cgroupLayoutOf, podCgroupCandidates } from './pod-cgroup.js';

const UID = '0f3c1b2a-7d4e-4c5f-9a6b-1c2d3e4f5a6b';

describe('throttleWrites', () => {
  it.each([
    {
      name: 'v1 blkio: iops and bps go to all four throttle files as "MAJ:MIN value"',
      layout: 'v1-blkio' as const,
      throttle: { iops: 150, bpsBytes: 2097152 },
      want: [
        { file: 'blkio.throttle.read_iops_device', line: '253:4 150' },
        { file: 'blkio.throttle.read_bps_device', line: '253:4 2097152' },
        { file: 'blkio.throttle.write_iops_device', line: '253:4 150' },
        { file: 'blkio.throttle.write_bps_device', line: '253:4 2097152' },
      ],
    },
    {
      name: 'v1 blkio: only iops touches only the iops files',
      layout: 'v1-blkio' as const,
      throttle: { iops: 10 },
      want: [
        { file: 'blkio.throttle.read_iops_device', line: '253:4 10' },
        { file: 'blkio.throttle.write_iops_device', line: '253:4 10' },
      ],
    },
    {
      name: 'v1 blkio: only bps touches only the bps files',
      layout: 'v1-blkio' as const,
      throttle: { bpsBytes: 1024 },
      want: [
        { file: 'blkio.throttle.read_bps_device', line: '253:4 1024' },
        { file: 'blkio.throttle.write_bps_device', line: '253:4 1024' },
      ],
    },
    { name: 'v2: one io.max line with every key', layout: 'v2' as const, throttle: { iops: 150, bpsBytes: 2097152 }, want: [{ file: 'io.max', line: '253:4 riops=150 wiops=150 rbps=2097152 wbps=2097152' }] },
    { name: 'v2: nothing asked, nothing written', layout: 'v2' as const, throttle: {}, want: [] },
    { name: 'v1: nothing asked, nothing written', layout: 'v1-blkio' as const, throttle: {}, want: [] },
    { name: 'no IO cgroup: nothing written', layout: 'none' as const, throttle: { iops: 5 }, want: [] },
  ])('$name', ({ layout, throttle, want }) => {
    expect(throttleWrites(layout, '253:4', throttle)).toEqual(want);
  });

  it.each([
    { name: 'an empty device number', majMin: '' },
    { name: 'a path trick', majMin: '../../x' },
    { name: 'a second line smuggled in', majMin: '253:4\n8:0' },
    { name: 'a leading zero', majMin: '0253:4' },
    { name: 'a major over 12 bits', majMin: '4096:0' },
    { name: 'a minor over 20 bits', majMin: '253:1048576' },
  ])('refuses $name, naming the value', ({ majMin }) => {
    expect(() => throttleWrites('v1-blkio', majMin, { iops: 1 })).toThrow(`invalid device number ${JSON.stringify(majMin)}`);
  });

  it.each([
    { name: 'zero iops', throttle: { iops: 0 }, want: 'invalid iops limit 0' },
    { name: 'negative bps', throttle: { bpsBytes: -1 }, want: 'invalid bps limit -1' },
    { name: 'fractional iops', throttle: { iops: 1.5 }, want: 'invalid iops limit 1.5' },
    { name: 'unsafe bps', throttle: { bpsBytes: 2 ** 60 }, want: `invalid bps limit ${2 ** 60}` },
  ])('refuses $name', ({ throttle, want }) => {
    expect(() => throttleWrites('v2', '8:0', throttle)).toThrow(want);
  });

  it('accepts the largest device number the kernel can print', () => {
    expect(() => checkMajMin('4095:1048575')).not.toThrow();
    expect(() => checkMajMin('0:0')).not.toThrow();
  });
});

describe('cgroupLayoutOf', () => {
  it.each([
    { name: 'unified root only: v2', facts: { hasUnifiedRoot: true, hasBlkioHierarchy: false }, want: 'v2' },
    { name: 'blkio hierarchy only: v1', facts: { hasUnifiedRoot: false, hasBlkioHierarchy: true }, want: 'v1-blkio' },
    { name: 'both (hybrid: io bound to v1): v1', facts: { hasUnifiedRoot: true, hasBlkioHierarchy: true }, want: 'v1-blkio' },
    { name: 'neither: none', facts: { hasUnifiedRoot: false, hasBlkioHierarchy: false }, want: 'none' },
  ])('$name', ({ facts, want }) => {
    expect(cgroupLayoutOf(facts)).toBe(want);
  });
});

describe('podCgroupCandidates', () => {
  it.each([
    {
      name: 'v1 blkio: systemd (Guaranteed, Burstable, BestEffort) then cgroupfs, under blkio/',
      layout: 'v1-blkio' as const,
      want: [
        'blkio/kubepods.slice/kubepods-pod0f3c1b2a_7d4e_4c5f_9a6b_1c2d3e4f5a6b.slice',
        'blkio/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f3c1b2a_7d4e_4c5f_9a6b_1c2d3e4f5a6b.slice',
        'blkio/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f3c1b2a_7d4e_4c5f_9a6b_1c2d3e4f5a6b.slice',
        `blkio/kubepods/pod${UID}`,
        `blkio/kubepods/burstable/pod${UID}`,
        `blkio/kubepods/besteffort/pod${UID}`,
      ],
    },
    {
      name: 'v2: the same layout at the unified root',
      layout: 'v2' as const,
      want: [
        'kubepods.slice/kubepods-pod0f3c1b2a_7d4e_4c5f_9a6b_1c2d3e4f5a6b.slice',
        'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f3c1b2a_7d4e_4c5f_9a6b_1c2d3e4f5a6b.slice',
        'kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f3c1b2a_7d4e_4c5f_9a6b_1c2d3e4f5a6b.slice',
        `kubepods/pod${UID}`,
        `kubepods/burstable/pod${UID}`,
        `kubepods/besteffort/pod${UID}`,
      ],
    },
    { name: 'no IO cgroup: nothing to try', layout: 'none' as const, want: [] },
  ])('$name', ({ layout, want }) => {
    expect(podCgroupCandidates(UID, layout)).toEqual(want);
  });

  it.each(['../../etc', 'pod-3', UID.toUpperCase(), `${UID}/..`, ''])('never builds a path from the malformed pod UID %j', (uid) => {
    expect(podCgroupCandidates(uid, 'v1-blkio')).toEqual([]);
  });
});
