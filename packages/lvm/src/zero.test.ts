import { describe, expect, it } from 'vitest';
import type { Executor } from './executor.js';
import { zeroArgs, zeroDevice } from './zero.js';

describe('zeroDevice', () => {
  it.each([
    { name: 'whole device', input: { device: '/dev/vg/lv' }, want: ['blkdiscard', '--zeroout', '--', '/dev/vg/lv'] },
    { name: 'a tail range skips the exclusive open (the filesystem is mounted)', input: { device: '/dev/vg/lv', offsetBytes: 1024, lengthBytes: 4096 }, want: ['blkdiscard', '--zeroout', '--force', '--offset', '1024', '--length', '4096', '--', '/dev/vg/lv'] },
    { name: 'a range from byte 0 keeps the exclusive open', input: { device: '/dev/vg/lv', offsetBytes: 0, lengthBytes: 4096 }, want: ['blkdiscard', '--zeroout', '--offset', '0', '--length', '4096', '--', '/dev/vg/lv'] },
  ])('$name', ({ input, want }) => {
    expect(zeroArgs(input)).toEqual(want);
  });

  it('refuses a range not in whole sectors, naming the field, before running anything', async () => {
    const executor: Executor = { run: () => Promise.reject(new Error('must not run')) };
    await expect(zeroDevice(executor, { device: '/dev/vg/lv', offsetBytes: 100 })).rejects.toThrow(/offsetBytes 100/);
  });

  it('a failed blkdiscard is an error carrying its message', async () => {
    const executor: Executor = { run: () => Promise.resolve({ stdout: '', stderr: 'blkdiscard: Operation not supported\n', exitCode: 1 }) };
    await expect(zeroDevice(executor, { device: '/dev/vg/lv' })).rejects.toThrow(/cannot zero \/dev\/vg\/lv: blkdiscard: Operation not supported/);
  });
});
