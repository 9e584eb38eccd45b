// The one loop/LVM sandbox itself (src/host-sandbox.ts, '@openlocal/lvm/testing'), on real loop devices: lvm
// sees only its devices, and cleanup leaves no VG, loop or directory behind — also when set-up fails half-way.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHostSandbox, hasDeviceMapper, hostSkipReason, uniqueVg } from '../src/host-sandbox.js';

const exec = promisify(execFile);
const skipReason = await hostSkipReason();
if (skipReason) process.stdout.write(`SKIP sandbox host tests: ${skipReason}\n`);
const isDeviceMapperHere = hasDeviceMapper();
if (skipReason === null && isDeviceMapperHere) process.stdout.write('SKIP the no-device-mapper refusal: this kernel has device-mapper\n');

/** Loop devices the kernel has attached right now. */
async function attachedLoops(): Promise<string> {
  return (await exec('losetup', ['--list', '--noheadings', '--output', 'NAME'])).stdout;
}

describe.skipIf(skipReason !== null)('createHostSandbox', () => {
  it('gives lvm a view of its own loops only, and cleanup removes the VG, the loops and the directory', async () => {
    const sandbox = await createHostSandbox([16, 16], { dirPrefix: 'openlocal-sandbox-test-' });
    try {
      expect(sandbox.devices).toEqual(sandbox.loops);
      const vg = uniqueVg('olsandbox');
      await sandbox.runLvm(['vgcreate', vg, sandbox.devices[0]!]);
      const pvs = (await sandbox.runLvm(['pvs', '--noheadings', '-o', 'pv_name'])).split('\n').map((line) => line.trim()).filter(Boolean);
      expect(pvs).toEqual([sandbox.devices[0]]);
      expect(await sandbox.runLvm(['vgs', '--noheadings', '-o', 'vg_name'])).toContain(vg);
    } finally {
      await sandbox.cleanup();
    }
    const loops = await attachedLoops();
    for (const loop of sandbox.loops) expect(loops).not.toContain(`${loop}\n`);
    expect(existsSync(sandbox.root)).toBe(false);
  });

  it.skipIf(isDeviceMapperHere)('refuses viaDeviceMapper on a kernel without device-mapper and leaves no loop behind', async () => {
    const before = await attachedLoops();
    await expect(createHostSandbox([16], { dirPrefix: 'openlocal-sandbox-test-', viaDeviceMapper: true })).rejects.toThrow(/dmsetup/);
    expect(await attachedLoops()).toBe(before);
  });
});
