import { describe, expect, it } from 'vitest';
import { UNZEROED_TAG, zeroDeadlineMs } from './zeroing.js';

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
