// The LVM node path with real device-mapper, inside the QEMU guest: activated LVs are formatted, mounted,
// bind-published, grown online with lvextend + resize2fs/xfs_growfs, published raw, throttled through cgroup v2
// io.max, created and removed as inline ephemeral volumes. Over the real unix socket.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, rmdir, stat, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockCapability, mountCapability } from '../test/support/csi-client.js';
import { startTestPlugin, type StartedPlugin } from '../test/support/plugin.js';
import { guestDisks, guestSkipReason } from './guest.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const VG = 'csi-guest-vg';
const skipReason = await guestSkipReason();
if (skipReason !== null) console.warn(`skipping csi-plugin guest tests: ${skipReason}`);

async function lvSizeBytes(name: string): Promise<number | null> {
  const { stdout } = await exec('lvm', ['lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_size', VG]);
  const row = stdout.split('\n').map((l) => l.trim().split(/\s+/)).find((cols) => cols[0] === name);
  return row ? Number(row[1]) : null;
}

describe.skipIf(skipReason !== null)('LVM volumes on a node with device-mapper', () => {
  let root: string;
  let kubeletDir: string;
  let plugin: StartedPlugin;
  const staging = (id: string) => join(kubeletDir, 'plugins', 'kubernetes.io', 'csi', 'pv', id, 'globalmount');
  const target = (id: string, pod = 'pod-1') => join(kubeletDir, 'pods', pod, 'volumes', 'kubernetes.io~csi', id, 'mount');
  const create = (name: string, sizeMiB: number, options: { parameters?: Record<string, string>; capability?: object } = {}) =>
    plugin.client.must<{ volume: { capacity_bytes: string; volume_context: Record<string, string> } }>('Controller', 'CreateVolume', {
      name,
      volume_capabilities: [options.capability ?? mountCapability()],
      parameters: { volumeType: 'LVM', vgName: VG, ...options.parameters },
      capacity_range: { required_bytes: String(sizeMiB * MiB), limit_bytes: '0' },
    });

  beforeAll(async () => {
    const [a, b] = guestDisks() as [string, string];
    await exec('lvm', ['vgcreate', VG, a, b]);
    root = await mkdtemp(join(tmpdir(), 'csi-guest-'));
    kubeletDir = join(root, 'kubelet');
    await mkdir(kubeletDir, { recursive: true });
    plugin = await startTestPlugin({ root, kubeletDir, deviceRegexp: '^$' });
  });

  afterAll(async () => {
    await plugin?.stop();
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => root && m.startsWith(`${root}/`));
    for (const m of mounts.sort((x, y) => y.length - x.length)) await exec('umount', ['-l', m]).catch((e: unknown) => void e);
    await exec('lvm', ['vgremove', '--force', VG]).catch((e: unknown) => void e);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('formats an activated LV at stage, publishes it, and grows it online (lvextend + resize2fs)', async () => {
    const created = await create('pv-ext4', 64);
    expect(created.volume.capacity_bytes).toBe(String(64 * MiB));
    expect((await stat(`/dev/${VG}/pv-ext4`)).isBlockDevice()).toBe(true);
    const cap = mountCapability('ext4');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'pv-ext4', staging_target_path: staging('pv-ext4'), volume_capability: cap });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'pv-ext4', staging_target_path: staging('pv-ext4'), target_path: target('pv-ext4'), volume_capability: cap });
    await writeFile(join(target('pv-ext4'), 'data'), 'survives growth');
    const before = await statfs(target('pv-ext4'));

    const controller = await plugin.client.must('Controller', 'ControllerExpandVolume', { volume_id: 'pv-ext4', capacity_range: { required_bytes: String(160 * MiB), limit_bytes: '0' } });
    expect(controller).toMatchObject({ node_expansion_required: true });
    const node = await plugin.client.must('Node', 'NodeExpandVolume', { volume_id: 'pv-ext4', volume_path: target('pv-ext4'), capacity_range: { required_bytes: String(160 * MiB), limit_bytes: '0' } });
    expect(node).toEqual({ capacity_bytes: String(160 * MiB) });
    expect(await lvSizeBytes('pv-ext4')).toBe(160 * MiB);
    const after = await statfs(target('pv-ext4'));
    expect(after.blocks * after.bsize).toBeGreaterThan(2 * before.blocks * before.bsize);
    expect(await readFile(join(target('pv-ext4'), 'data'), 'utf8')).toBe('survives growth');
  });

  it('grows xfs online with xfs_growfs', async () => {
    await create('pv-xfs', 320);
    const cap = mountCapability('xfs');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'pv-xfs', staging_target_path: staging('pv-xfs'), volume_capability: cap });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'pv-xfs', staging_target_path: staging('pv-xfs'), target_path: target('pv-xfs'), volume_capability: cap });
    const before = await statfs(target('pv-xfs'));
    await plugin.client.must('Node', 'NodeExpandVolume', { volume_id: 'pv-xfs', volume_path: target('pv-xfs'), capacity_range: { required_bytes: String(480 * MiB), limit_bytes: '0' } });
    const after = await statfs(target('pv-xfs'));
    expect(after.blocks * after.bsize).toBeGreaterThan(before.blocks * before.bsize + 100 * MiB);
  });

  it('keeps data across a plugin restart and restage (never reformats)', async () => {
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'pv-ext4', target_path: target('pv-ext4') });
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'pv-ext4', staging_target_path: staging('pv-ext4') });
    await plugin.stop();
    plugin = await startTestPlugin({ root, kubeletDir, deviceRegexp: '^$' });
    const cap = mountCapability('ext4');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'pv-ext4', staging_target_path: staging('pv-ext4'), volume_capability: cap });
    expect(await readFile(join(staging('pv-ext4'), 'data'), 'utf8')).toBe('survives growth');
    const stats = await plugin.client.must<{ usage: { unit: string; total: string }[] }>('Node', 'NodeGetVolumeStats', { volume_id: 'pv-ext4', volume_path: staging('pv-ext4') });
    expect(Number(stats.usage[0]?.total)).toBeGreaterThan(140 * MiB);
  });

  it('refuses to delete an LV that is still mounted, then deletes it once unstaged', async () => {
    const busy = await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'pv-ext4' });
    expect(busy.ok).toBe(false);
    expect(await lvSizeBytes('pv-ext4')).toBe(160 * MiB);
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'pv-ext4', staging_target_path: staging('pv-ext4') });
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-ext4' });
    expect(await lvSizeBytes('pv-ext4')).toBeNull();
  });

  it('publishes a raw block LV and grows it without touching a filesystem', async () => {
    await create('pv-block', 32, { capability: blockCapability() });
    const blockTarget = join(kubeletDir, 'plugins', 'kubernetes.io', 'csi', 'volumeDevices', 'publish', 'pv-block', 'pod-2');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'pv-block', staging_target_path: staging('pv-block'), volume_capability: blockCapability() });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: 'pv-block', staging_target_path: staging('pv-block'), target_path: blockTarget, volume_capability: blockCapability() });
    expect((await stat(blockTarget)).isBlockDevice()).toBe(true);
    const grown = await plugin.client.must('Node', 'NodeExpandVolume', { volume_id: 'pv-block', volume_path: blockTarget, capacity_range: { required_bytes: String(64 * MiB), limit_bytes: '0' } });
    expect(grown).toEqual({ capacity_bytes: String(64 * MiB) });
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'pv-block', target_path: blockTarget });
    await expect(stat(blockTarget)).rejects.toThrow(/ENOENT/);
  });

  it('creates an inline ephemeral volume at publish and removes the LV at unpublish', async () => {
    const ephemeralTarget = target('csi-ephemeral-1', 'pod-3');
    await plugin.client.must('Node', 'NodePublishVolume', {
      volume_id: 'csi-ephemeral-1',
      target_path: ephemeralTarget,
      volume_capability: mountCapability(),
      volume_context: { 'csi.storage.k8s.io/ephemeral': 'true', vgName: VG, size: '48Mi' },
    });
    expect(await lvSizeBytes('csi-ephemeral-1')).toBe(48 * MiB);
    await writeFile(join(ephemeralTarget, 'scratch'), 'x');
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'csi-ephemeral-1', target_path: ephemeralTarget });
    expect(await lvSizeBytes('csi-ephemeral-1')).toBeNull();
    const missingVg = await plugin.client.call('Node', 'NodePublishVolume', {
      volume_id: 'csi-ephemeral-2',
      target_path: target('csi-ephemeral-2', 'pod-3'),
      volume_capability: mountCapability(),
      volume_context: { 'csi.storage.k8s.io/ephemeral': 'true' },
    });
    expect(missingVg).toMatchObject({ ok: false, details: 'volume_context["vgName"] is required' });
  });

  it('limits IO through the pod cgroup io.max when iops and bps are set', async () => {
    const controllers = await readFile('/sys/fs/cgroup/cgroup.controllers', 'utf8').catch(() => '');
    if (!controllers.split(/\s+/).includes('io')) {
      console.warn('skipping io.max check: the guest cgroup v2 has no io controller');
      return;
    }
    const podUid = '1b2c3d4e-0000-4000-8000-000000000001';
    const slice = '/sys/fs/cgroup/kubepods.slice';
    const podDir = join(slice, `kubepods-pod${podUid.replace(/-/g, '_')}.slice`);
    await writeFile('/sys/fs/cgroup/cgroup.subtree_control', '+io');
    await mkdir(podDir, { recursive: true });
    await writeFile(join(slice, 'cgroup.subtree_control'), '+io');
    try {
      await create('pv-throttled', 16, { parameters: { iops: '150', bps: '2Mi' } });
      const cap = mountCapability();
      await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'pv-throttled', staging_target_path: staging('pv-throttled'), volume_capability: cap });
      await plugin.client.must('Node', 'NodePublishVolume', {
        volume_id: 'pv-throttled',
        staging_target_path: staging('pv-throttled'),
        target_path: target('pv-throttled', podUid),
        volume_capability: cap,
        volume_context: { volumeType: 'LVM', iops: '150', bps: '2Mi' },
      });
      const { stdout } = await exec('lsblk', ['--noheadings', '--nodeps', '-o', 'MAJ:MIN', `/dev/${VG}/pv-throttled`]);
      const ioMax = await readFile(join(podDir, 'io.max'), 'utf8');
      expect(ioMax).toContain(`${stdout.trim()} rbps=2097152 wbps=2097152 riops=150 wiops=150`);
      await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: 'pv-throttled', target_path: target('pv-throttled', podUid) });
    } finally {
      await rmdir(podDir).catch((e: unknown) => void e);
    }
  });
});
