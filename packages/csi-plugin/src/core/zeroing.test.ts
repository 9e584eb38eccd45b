import { describe, expect, it } from 'vitest';
import { pendingZeroFrom, UNZEROED_TAG, zeroDeadlineMs, zeroFromTag } from './zeroing.js';

describe('zeroing', () => {
  it.each([
    { name: 'a small LV gets the one-minute floor plus a second', input: 4 * 2 ** 20, want: 61_000 },
    { name: '1 GiB at 16 MiB/s is 64 s on top', input: 2 ** 30, want: 124_000 },
  ])('$name', ({ input, want }) => {
    expect(zeroDeadlineMs(input)).toBe(want);
  });

  it('the pending tag is a valid lvm tag that names the driver', () => {
    expect(UNZEROED_TAG).toBe('local.csi.aliyun.com/zero-pending');
  });
});

describe('grow zeroing tags', () => {
  it.each([
    { name: 'no tag: nothing pending', tags: ['local.csi.aliyun.com'], want: null },
    { name: 'one tag gives its offset', tags: ['local.csi.aliyun.com', zeroFromTag(64 * 2 ** 20)], want: 64 * 2 ** 20 },
    { name: 'two unfinished grows: the lower offset covers both', tags: [zeroFromTag(128 * 2 ** 20), zeroFromTag(64 * 2 ** 20)], want: 64 * 2 ** 20 },
    { name: 'a garbled offset is ignored', tags: ['local.csi.aliyun.com/zero-from=abc', 'local.csi.aliyun.com/zero-from=100'], want: null },
  ])('$name', ({ tags, want }) => {
    expect(pendingZeroFrom(tags)).toBe(want);
  });
});
