// Device and MountPoint volumes end to end on the host: CreateVolume claims a real loop device, NodeStage
// formats it with a real mkfs and mounts it, NodePublish bind-mounts it into a kubelet-style target, and the
// reverse path leaves nothing mounted. Over the real unix socket.
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockCapability, mountCapability } from './support/csi-client.js';
import { createHostSandbox, hostSkipReason, type HostSandbox } from '@openlocal/lvm/testing';
import { startTestPlugin, type StartedPlugin } from './support/plugin.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const skipReason = await hostSkipReason();
if (skipReason !== null) console.warn(`skipping csi-plugin node host tests: ${skipReason}`);

async function isMounted(path: string): Promise<boolean> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((line) => line.split(' ')[4] === path);
}

async function blkidType(device: string): Promise<string | null> {
  const result = await exec('blkid', ['-p', '-o', 'value', '-s', 'TYPE', device]).catch((e: { code?: number }) => ({ stdout: '', code: e.code }));
  return result.stdout.trim() === '' ? null : result.stdout.trim();
}

describe.skipIf(skipReason !== null)('Device and MountPoint volumes on the node', () => {
  let sandbox: HostSandbox;
  let plugin: StartedPlugin;
  let small: string;
  let large: string;
  let preformatted: string;
  let mountSource: string;
  const pods = () => join(sandbox.kubeletDir, 'pods', 'pod-uid-1', 'volumes', 'kubernetes.io~csi');
  const staging = (volumeId: string) => join(sandbox.kubeletDir, 'plugins', 'kubernetes.io', 'csi', 'pv', volumeId, 'globalmount');
  const target = (volumeId: string) => join(pods(), volumeId, 'mount');

  const createDevice = (name: string, requiredMiB: number, parameters: Record<string, string> = { volumeType: 'Device', mediaType: 'hdd' }) =>
    plugin.client.call<{ volume: { capacity_bytes: string; volume_context: Record<string, string> } }>('Controller', 'CreateVolume', {
      name,
      volume_capabilities: [mountCapability()],
      parameters,
      capacity_range: { required_bytes: String(requiredMiB * MiB), limit_bytes: '0' },
    });

  beforeAll(async () => {
    // Loops: 32 MiB, 320 MiB (xfs needs 300), a 48 MiB one that already holds ext4 (must never be handed out), and a 40 MiB
    // one mounted under the mount dir as a MountPoint volume.
    sandbox = await createHostSandbox([32, 320, 48, 40]);
    [small, large, preformatted, mountSource] = sandbox.loops as [string, string, string, string];
    await exec('mkfs.ext4', ['-q', '-F', preformatted]);
    await exec('mkfs.ext4', ['-q', '-F', mountSource]);
    const mountPoint = join(sandbox.root, 'mnt', 'disk-0');
    await mkdir(mountPoint, { recursive: true });
    await exec('mount', [mountSource, mountPoint]);
    plugin = await startTestPlugin(sandbox, ['--device-regexp', sandbox.deviceRegexp.replace(`|${mountSource.slice(5)}`, '')]);
  });

  afterAll(async () => {
    await plugin?.stop();
    await sandbox?.cleanup();
  });

  it('hands out the smallest blank disk of the media type that fits, never one holding a filesystem', async () => {
    const first = await createDevice('dev-a', 20);
    expect(first).toMatchObject({ ok: true, value: { volume: { capacity_bytes: String(32 * MiB), volume_context: { Device: small } } } });
    const second = await createDevice('dev-b', 20);
    expect(second).toMatchObject({ ok: true, value: { volume: { capacity_bytes: String(320 * MiB), volume_context: { Device: large } } } });
    const third = await createDevice('dev-c', 20);
    expect(third).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
    expect(await blkidType(preformatted)).toBe('ext4');
  });

  it('refuses a Device volume without mediaType, naming the key', async () => {
    const result = await createDevice('dev-nomedia', 1, { volumeType: 'Device' });
    expect(result).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    expect(!result.ok && result.details).toContain('parameters["mediaType"]');
  });

  it('remembers claims across a restart: same request is the same disk, the other disk stays taken', async () => {
    await plugin.stop();
    plugin = await startTestPlugin(sandbox, ['--device-regexp', sandbox.deviceRegexp.replace(`|${mountSource.slice(5)}`, '')]);
    expect(await createDevice('dev-a', 20)).toMatchObject({ ok: true, value: { volume: { volume_context: { Device: small } } } });
    expect(await createDevice('dev-a', 40)).toMatchObject({ ok: false, code: status.ALREADY_EXISTS });
    expect(await createDevice('dev-c', 20)).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
  });

  it('stages (mkfs only when blank), publishes, survives restaging without reformatting, and unpublishes', async () => {
    const cap = mountCapability('ext4');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), volume_capability: cap });
    expect(await blkidType(small)).toBe('ext4');
    expect(await isMounted(staging('dev-a'))).toBe(true);
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), target_path: target('dev-a'), volume_capability: cap });
    await writeFile(join(target('dev-a'), 'data.txt'), 'kept');
    expect(await readFile(join(staging('dev-a'), 'data.txt'), 'utf8')).toBe('kept');
    // Idempotent repeats.
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), volume_capability: cap });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), target_path: target('dev-a'), volume_capability: cap });

    const stats = await plugin.client.must<{ usage: { unit: string; total: string }[]; volume_condition: { abnormal: boolean } }>('Node', 'NodeGetVolumeStats', {
      volume_id: 'dev-a',
      volume_path: target('dev-a'),
    });
    expect(stats.usage.map((u) => u.unit)).toEqual(['BYTES', 'INODES']);
    expect(Number(stats.usage[0]?.total)).toBeGreaterThan(20 * MiB);
    expect(stats.volume_condition.abnormal).toBe(false);

    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'dev-a', target_path: target('dev-a') });
    await expect(stat(target('dev-a'))).rejects.toThrow(/ENOENT/);
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'dev-a', target_path: target('dev-a') });
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a') });
    expect(await isMounted(staging('dev-a'))).toBe(false);
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a') });

    // Staging again finds the filesystem and keeps the data.
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), volume_capability: cap });
    expect(await readFile(join(staging('dev-a'), 'data.txt'), 'utf8')).toBe('kept');
  });

  it('publishes read-only so the pod cannot write, and refuses to republish the same target read-write', async () => {
    const cap = mountCapability('ext4');
    const ro = join(pods(), 'dev-a-ro', 'mount');
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), target_path: ro, volume_capability: cap, readonly: true });
    await expect(writeFile(join(ro, 'x'), 'y')).rejects.toThrow(/EROFS/);
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), target_path: ro, volume_capability: cap, readonly: true });
    const readWrite = await plugin.client.call('Node', 'NodePublishVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a'), target_path: ro, volume_capability: cap });
    expect(readWrite).toMatchObject({ ok: false, code: status.ALREADY_EXISTS });
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'dev-a', target_path: ro });
  });

  it('refuses to delete a disk that is still staged, then wipes it once unstaged', async () => {
    expect(await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'dev-a' })).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION });
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'dev-a', staging_target_path: staging('dev-a') });
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'dev-a' });
    expect(await blkidType(small)).toBeNull();
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'dev-a' });
    expect(await createDevice('dev-c', 20)).toMatchObject({ ok: true, value: { volume: { volume_context: { Device: small } } } });
  });

  it('publishes a raw block volume by binding the device node onto a file', async () => {
    const blockTarget = join(sandbox.kubeletDir, 'plugins', 'kubernetes.io', 'csi', 'volumeDevices', 'publish', 'dev-b', 'pod-uid-2');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'dev-b', staging_target_path: staging('dev-b'), volume_capability: blockCapability() });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'dev-b', staging_target_path: staging('dev-b'), target_path: blockTarget, volume_capability: blockCapability() });
    expect((await stat(blockTarget)).isBlockDevice()).toBe(true);
    const stats = await plugin.client.must<{ usage: { unit: string; total: string }[] }>('Node', 'NodeGetVolumeStats', { volume_id: 'dev-b', volume_path: blockTarget });
    expect(stats.usage).toEqual([expect.objectContaining({ unit: 'BYTES', total: String(320 * MiB) })]);
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'dev-b', target_path: blockTarget });
    await expect(stat(blockTarget)).rejects.toThrow(/ENOENT/);
  });

  it('formats xfs when the capability asks for it, and refuses to remount it as ext4', async () => {
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'dev-b', staging_target_path: staging('dev-b'), volume_capability: mountCapability('xfs') });
    expect(await blkidType(large)).toBe('xfs');
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'dev-b', staging_target_path: staging('dev-b') });
    const ext4 = await plugin.client.call('Node', 'NodeStageVolume', { volume_id: 'dev-b', staging_target_path: staging('dev-b'), volume_capability: mountCapability('ext4') });
    expect(ext4).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION });
    expect(await blkidType(large)).toBe('xfs');
  });

  it('will not wipe a claimed disk whose size changed (the kernel name may now be another disk)', async () => {
    const claimFile = join(sandbox.kubeletDir, 'plugins', 'local.csi.aliyun.com', 'claims', 'dev-b.json');
    const original = await readFile(claimFile, 'utf8');
    const claim = JSON.parse(original) as { sizeBytes: number };
    await writeFile(claimFile, JSON.stringify({ ...claim, sizeBytes: claim.sizeBytes + MiB }));
    try {
      const refused = await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'dev-b' });
      expect(refused).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION });
      expect(!refused.ok && refused.details).toContain('not wiping what may be another disk');
      expect(await blkidType(large)).toBe('xfs');
    } finally {
      await writeFile(claimFile, original);
    }
  });

  it.each([
    { name: 'a target outside the kubelet dir', request: () => ({ volume_id: 'dev-b', target_path: '/etc/evil', staging_target_path: staging('dev-b'), volume_capability: mountCapability() }), want: 'invalid target_path "/etc/evil": must be inside the kubelet directory' },
    { name: 'a target escaping with ..', request: () => ({ volume_id: 'dev-b', target_path: `${sandbox.kubeletDir}/../../etc`, staging_target_path: staging('dev-b'), volume_capability: mountCapability() }), want: 'must be inside the kubelet directory' },
    { name: 'a volume id with path characters', request: () => ({ volume_id: '../dev-b', target_path: target('x'), staging_target_path: staging('dev-b'), volume_capability: mountCapability() }), want: 'invalid volume_id "../dev-b"' },
  ])('refuses to publish to $name with INVALID_ARGUMENT', async ({ request, want }) => {
    const result = await plugin.client.call('Node', 'NodePublishVolume', request());
    expect(result).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    expect(!result.ok && result.details).toContain(want);
  });

  it('answers NOT_FOUND for a volume that does not exist on this node', async () => {
    const result = await plugin.client.call('Node', 'NodeStageVolume', { volume_id: 'no-such', staging_target_path: staging('no-such'), volume_capability: mountCapability() });
    expect(result).toMatchObject({ ok: false, code: status.NOT_FOUND });
  });

  it('serves a MountPoint volume by binding the mount point, and empties it on delete', async () => {
    const mountPoint = join(sandbox.root, 'mnt', 'disk-0');
    const created = await plugin.client.must<{ volume: { volume_context: Record<string, string>; capacity_bytes: string } }>('Controller', 'CreateVolume', {
      name: 'mp-a',
      volume_capabilities: [mountCapability()],
      parameters: { volumeType: 'MountPoint', mediaType: 'hdd' },
      capacity_range: { required_bytes: String(10 * MiB), limit_bytes: '0' },
    });
    expect(created.volume.volume_context.MountPoint).toBe(mountPoint);
    const cap = mountCapability();
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'mp-a', staging_target_path: staging('mp-a'), volume_capability: cap });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'mp-a', staging_target_path: staging('mp-a'), target_path: target('mp-a'), volume_capability: cap });
    await writeFile(join(target('mp-a'), 'file'), 'x');
    expect(await readFile(join(mountPoint, 'file'), 'utf8')).toBe('x');
    const blockRefused = await plugin.client.call('Node', 'NodePublishVolume', { volume_id: 'mp-a', target_path: target('mp-b'), volume_capability: blockCapability() });
    expect(blockRefused).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'mp-a', target_path: target('mp-a') });
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'mp-a', staging_target_path: staging('mp-a') });
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'mp-a' });
    await expect(stat(join(mountPoint, 'file'))).rejects.toThrow(/ENOENT/);
  });
});
