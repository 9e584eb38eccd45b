// The Lvm class under one bad moment: a device-mapper probe that could not run is asked again, and the apps'
// suspended-device setting reaches every lvm argv.
import { describe, expect, it } from 'vitest';
import { ExecError, type Executor } from './executor.js';
import { Lvm } from './lvm.js';

function scriptedExecutor(answers: Array<() => Promise<{ stdout: string; stderr: string; exitCode: number }>>) {
  const calls: Array<{ argv: readonly string[]; timeoutMs: number | undefined }> = [];
  const executor: Executor = {
    run(argv, options) {
      calls.push({ argv, timeoutMs: options?.timeoutMs });
      const next = answers.shift();
      return next ? next() : Promise.resolve({ stdout: '', stderr: '', exitCode: 0 });
    },
  };
  return { executor, calls };
}

const DRIVER = { stdout: 'Library version: 1.02.185\nDriver version: 4.47.0\n', stderr: '', exitCode: 0 };

describe('Lvm resilience', () => {
  it('a device-mapper probe that could not run is no answer: that call rejects, the next asks again and gets yes', async () => {
    const { executor, calls } = scriptedExecutor([() => Promise.reject(new ExecError('timed out', ['dmsetup'])), () => Promise.resolve(DRIVER)]);
    const lvm = new Lvm({ executor });
    await expect(lvm.hasDeviceMapper()).rejects.toThrow(/^the device-mapper probe \(dmsetup version\) could not run: timed out$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await lvm.hasDeviceMapper()).toBe(true);
    expect(await lvm.hasDeviceMapper()).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('no LV is created as if device-mapper were missing while the probe cannot run', async () => {
    const { executor, calls } = scriptedExecutor([() => Promise.reject(new ExecError('spawn dmsetup ENOENT', ['dmsetup']))]);
    const lvm = new Lvm({ executor });
    await expect(lvm.createLv({ vgName: 'vg', name: 'lv', sizeBytes: 4 * 2 ** 20 })).rejects.toThrow(/could not run: spawn dmsetup ENOENT/);
    expect(calls.map((c) => c.argv[0])).toEqual(['dmsetup']);
  });

  it('puts ignore_suspended_devices and the deadline on every lvm command when asked', async () => {
    const { executor, calls } = scriptedExecutor([]);
    const lvm = new Lvm({ executor, hasDeviceMapper: true, ignoreSuspendedDevices: true, commandTimeoutMs: 7000 });
    await lvm.removeLv({ vgName: 'vg', name: 'lv' });
    expect(calls[0]).toEqual({ argv: ['lvm', 'lvremove', '--config', 'devices/ignore_suspended_devices=1', '--yes', 'vg/lv'], timeoutMs: 7000 });
  });
});
