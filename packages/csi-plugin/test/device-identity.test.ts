// A Device volume follows its disk, not the kernel name: two equal loop disks are re-attached in the other order
// (each backing file now behind the other's /dev/loopN), and DeleteVolume wipes the disk the volume was given —
// found by its identity — while the disk that now carries the old name keeps its filesystem. On the host, real
// loop devices, over the real unix socket.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostSandbox, hostSkipReason, type HostSandbox } from '@openlocal/lvm/testing';
import { mountCapability } from './support/csi-client.js';
import { startTestPlugin, type StartedPlugin } from './support/plugin.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const skipReason = await hostSkipReason();
if (skipReason !== null) console.warn(`skipping the device identity test: ${skipReason}`);

const backingFile = async (loop: string) => (await readFile(`/sys/class/block/${loop.slice('/dev/'.length)}/loop/backing_file`, 'utf8')).trim();
async function signature(path: string): Promise<string | null> {
  const { stdout } = await exec('blkid', ['-p', '-o', 'value', '-s', 'TYPE', path]).catch(() => ({ stdout: '' }));
  return stdout.trim() === '' ? null : stdout.trim();
}

describe.skipIf(skipReason !== null)('Device volumes follow the disk, not its kernel name', () => {
  let sandbox: HostSandbox;
  let plugin: StartedPlugin;

  beforeAll(async () => {
    sandbox = await createHostSandbox([48, 48], { dirPrefix: 'openlocal-devid-' });
    plugin = await startTestPlugin(sandbox, ['--device-regexp', sandbox.deviceRegexp]);
  });

  afterAll(async () => {
    await plugin?.stop();
    await sandbox?.cleanup();
  });

  it('Delete after the disks were re-attached in the other order wipes the claimed disk, not the one now at its old name', async () => {
    const created = await plugin.client.must<{ volume: { volume_context: Record<string, string> } }>('Controller', 'CreateVolume', {
      name: 'dev-follow',
      volume_capabilities: [mountCapability()],
      parameters: { volumeType: 'Device', mediaType: 'hdd' },
      capacity_range: { required_bytes: String(40 * MiB), limit_bytes: '0' },
    });
    const claimed = Object.values(created.volume.volume_context).find((v) => sandbox.loops.includes(v));
    expect(claimed).toBeDefined();
    const other = sandbox.loops.find((loop) => loop !== claimed)!;
    const [claimedFile, otherFile] = [await backingFile(claimed!), await backingFile(other)];
    // Both disks get a filesystem (the tenant's, and one the other disk's owner made), so a wipe shows.
    for (const loop of [claimed!, other]) await exec('mkfs.ext4', ['-q', '-F', loop]);

    for (const loop of [claimed!, other]) await exec('losetup', ['-d', loop]);
    await exec('losetup', [claimed!, otherFile]);
    await exec('losetup', [other, claimedFile]);
    expect(await backingFile(claimed!)).toBe(otherFile);

    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'dev-follow' });
    expect(await signature(otherFile)).toBe('ext4');
    expect(await signature(claimedFile)).toBeNull();
  });
});
