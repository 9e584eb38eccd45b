import { describe, expect, it } from 'vitest';
import { readFixtureText } from '../test/support/fixtures.js';
import { InvalidArgumentError } from './errors.js';
import { mount, mountArgs, parseMountInfo, unmount, validateMountPath } from './mounts.js';
import { createReplayExecutor } from './testing.js';

describe('parseMountInfo on a real /proc/self/mountinfo', () => {
  const entries = parseMountInfo(readFixtureText('mountinfo.txt'));

  it('reads every mount line and skips the header', () => {
    expect(entries.length).toBe(readFixtureText('mountinfo.txt').split('\n').filter((l) => / - /.test(l)).length);
    expect(entries.find((e) => e.mountPoint === '/proc')).toMatchObject({ fsType: 'proc', source: 'proc', root: '/' });
  });

  it('decodes \\040 in a mount point to a space', () => {
    const entry = entries.find((e) => e.mountPoint === '/tmp/open local mnt');
    expect(entry).toMatchObject({ fsType: 'tmpfs', options: ['rw', 'relatime'], superOptions: ['rw', 'size=1024k'] });
  });
});

describe('mountArgs', () => {
  it.each([
    {
      name: 'a filesystem with options',
      input: { source: '/dev/vg/lv', target: '/mnt/x', fsType: 'ext4', options: ['noatime'] },
      want: ['mount', '-t', 'ext4', '-o', 'noatime', '--', '/dev/vg/lv', '/mnt/x'],
    },
    { name: 'a bind mount', input: { source: '/a', target: '/b', bind: true }, want: ['mount', '--bind', '--', '/a', '/b'] },
    {
      name: 'read-only without a duplicated option',
      input: { source: '/dev/sdb', target: '/m', fsType: 'xfs', options: ['ro', 'noatime'], readOnly: true },
      want: ['mount', '-t', 'xfs', '-o', 'ro,noatime', '--', '/dev/sdb', '/m'],
    },
  ])('$name', ({ input, want }) => {
    expect(mountArgs(input)).toEqual(want);
  });
});

describe('mount and unmount validate paths and options', () => {
  it.each([
    { name: 'relative target', request: { source: '/dev/sdb', target: 'mnt' } },
    { name: 'target with ..', request: { source: '/dev/sdb', target: '/var/lib/kubelet/../../etc' } },
    { name: 'option with a space', request: { source: '/dev/sdb', target: '/m', options: ['a b'] } },
    { name: 'option starting with -', request: { source: '/dev/sdb', target: '/m', options: ['-o'] } },
    { name: 'odd fsType', request: { source: '/dev/sdb', target: '/m', fsType: 'ext4;x' } },
  ])('$name is refused before mount runs', async ({ request }) => {
    const executor = createReplayExecutor([]);
    await expect(mount(executor, request)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(executor.calls).toEqual([]);
  });

  it('a read-only bind is a bind and then a read-only remount', async () => {
    const ok = { exitCode: 0, stdout: '', stderr: '' };
    const executor = createReplayExecutor([
      { argv: ['mount', '--bind', '-o', 'ro', '--', '/a', '/b'], result: ok },
      { argv: ['mount', '-o', 'remount,bind,ro', '--', '/b'], result: ok },
    ]);
    await mount(executor, { source: '/a', target: '/b', bind: true, readOnly: true });
    expect(executor.calls).toHaveLength(2);
  });

  it('unmounting what is not mounted succeeds (idempotent)', async () => {
    const executor = createReplayExecutor([{ argv: ['umount', '--', '/m'], result: { exitCode: 32, stdout: '', stderr: 'umount: /m: not mounted.\n' } }]);
    await expect(unmount(executor, '/m')).resolves.toBeUndefined();
  });

  it('a busy target is DEVICE_BUSY', async () => {
    const executor = createReplayExecutor([{ argv: ['umount', '--', '/m'], result: { exitCode: 32, stdout: '', stderr: 'umount: /m: target is busy.\n' } }]);
    await expect(unmount(executor, '/m')).rejects.toMatchObject({ code: 'DEVICE_BUSY' });
  });

  it('validateMountPath names the field', () => {
    expect(() => validateMountPath('x', 'targetPath')).toThrow(/invalid targetPath "x"/);
  });
});
