// Snapshots, restores and clones with real device-mapper, inside the QEMU guest, over the plugin's unix socket:
// data written before a snapshot is what a restore shows after the source changed; a read-only restore is
// mounted ro; thin restores and clones are writable; deletes in every order answer as the CSI spec asks and
// leave no LV; bad snapshot classes, oversized restores, unknown sources and a full thin pool are refused
// with the field or object named and nothing made.
import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createLocalExecutor, Lvm } from '@openlocal/lvm';
import { pino } from 'pino';
import { growSnapshotsOnce } from '../src/adapters/snapshot-grower.js';
import { mountCapability } from '../test/support/csi-client.js';
import { startTestPlugin, type StartedPlugin } from '../test/support/plugin.js';
import { guestDisks, guestSkipReason } from './guest.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const THICK = 'csi-snap-thick';
const THIN = 'csi-snap-thin';
const POOL = 'pool0';
const RO_CLASS = { 'csi.aliyun.com/readonly': 'true', 'csi.aliyun.com/snapshot-initial-size': '16Mi' };
const skipReason = await guestSkipReason();
if (skipReason !== null) console.warn(`skipping csi-plugin snapshot guest tests: ${skipReason}`);

async function lvNames(vg: string): Promise<string[]> {
  const { stdout } = await exec('lvm', ['lvs', '--noheadings', '-o', 'lv_name', vg]);
  return stdout.split('\n').map((l) => l.trim()).filter((n) => n !== '' && n !== POOL).sort();
}

describe.skipIf(skipReason !== null)('snapshots, restores and clones on a node with device-mapper', () => {
  let root: string;
  let kubeletDir: string;
  let plugin: StartedPlugin;
  const staging = (id: string) => join(kubeletDir, 'plugins', 'kubernetes.io', 'csi', 'pv', id, 'globalmount');
  const target = (id: string) => join(kubeletDir, 'pods', 'pod-1', 'volumes', 'kubernetes.io~csi', id, 'mount');
  const thick = { volumeType: 'LVM', vgName: THICK };
  const thin = { volumeType: 'LVM', vgName: THIN, thinPool: POOL };

  const createVolume = (name: string, sizeMiB: number, parameters: Record<string, string>, ...[source]: [object?]) =>
    plugin.client.call<{ volume: { volume_id: string; capacity_bytes: string; volume_context: Record<string, string>; content_source: unknown } }>('Controller', 'CreateVolume', {
      name,
      volume_capabilities: [mountCapability('ext4')],
      parameters,
      capacity_range: { required_bytes: String(sizeMiB * MiB), limit_bytes: '0' },
      ...(source === undefined ? {} : { volume_content_source: source }),
    });
  const mustCreate = async (...args: Parameters<typeof createVolume>) => {
    const result = await createVolume(...args);
    if (!result.ok) throw new Error(`CreateVolume ${args[0]}: ${status[result.code]} ${result.details}`);
    return result.value.volume;
  };
  const snapshot = (name: string, sourceVolumeId: string, parameters: Record<string, string> = RO_CLASS) =>
    plugin.client.call<{ snapshot: { snapshot_id: string; size_bytes: string; ready_to_use: boolean; source_volume_id: string } }>('Controller', 'CreateSnapshot', {
      name,
      source_volume_id: sourceVolumeId,
      parameters,
    });
  const mount = async (id: string) => {
    const cap = mountCapability('ext4');
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: id, staging_target_path: staging(id), volume_capability: cap });
    await plugin.client.must('Node', 'NodePublishVolume', { volume_id: id, staging_target_path: staging(id), target_path: target(id), volume_capability: cap });
    return target(id);
  };
  const unmount = async (id: string) => {
    await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: id, target_path: target(id) });
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: id, staging_target_path: staging(id) });
  };
  const write = async (dir: string, text: string) => {
    await writeFile(join(dir, 'data'), text);
    await exec('sync');
  };

  beforeAll(async () => {
    const [a, b] = guestDisks() as [string, string];
    await exec('lvm', ['vgcreate', THICK, a]);
    await exec('lvm', ['vgcreate', THIN, b]);
    // A small pool, so the test can fill it.
    await exec('lvm', ['lvcreate', '--yes', '--type', 'thin-pool', '--name', POOL, '--size', '160m', THIN]);
    root = await mkdtemp(join(tmpdir(), 'csi-snap-'));
    kubeletDir = join(root, 'kubelet');
    await mkdir(kubeletDir, { recursive: true });
    plugin = await startTestPlugin({ root, kubeletDir, deviceRegexp: '^$' }, ['--vg-regexp', `^(${THICK}|${THIN})$`]);
  });

  afterAll(async () => {
    await plugin?.stop();
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => root && m.startsWith(`${root}/`));
    for (const m of mounts.sort((x, y) => y.length - x.length)) await exec('umount', ['-l', m]).catch((e: unknown) => void e);
    for (const vg of [THICK, THIN]) await exec('lvm', ['vgremove', '--force', vg]).catch((e: unknown) => void e);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('thick: a read-only restore shows the data from before the snapshot, mounted ro; deletes answer in every order and leave no LV', async () => {
    await mustCreate('pv-src', 64, thick);
    await write(await mount('pv-src'), 'old');
    const snap = await snapshot('snapshot-1', 'pv-src');
    expect(snap.ok && snap.value.snapshot).toMatchObject({ snapshot_id: 'snap-1', source_volume_id: 'pv-src', size_bytes: String(64 * MiB), ready_to_use: true });
    await write(target('pv-src'), 'new');

    const restored = await mustCreate('pv-ro', 64, thick, { snapshot: { snapshot_id: 'snap-1' } });
    expect(restored.volume_context).toMatchObject({ 'csi.aliyun.com/readonly': 'true', 'csi.aliyun.com/snapshot-id': 'snap-1' });
    expect(restored.capacity_bytes).toBe(String(64 * MiB));
    const ro = await mount('pv-ro');
    expect(await readFile(join(ro, 'data'), 'utf8')).toBe('old');
    await expect(writeFile(join(ro, 'data'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    const grow = await plugin.client.call('Controller', 'ControllerExpandVolume', { volume_id: 'pv-ro', capacity_range: { required_bytes: String(128 * MiB), limit_bytes: '0' } });
    expect(grow).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION, details: expect.stringContaining('read-only snapshot snap-1') });
    expect(await readFile(join(target('pv-src'), 'data'), 'utf8')).toBe('new');

    // The snapshot is in use by pv-ro, and pv-src would take its snapshot with it: both refused, nothing lost.
    const deleteSnap = await plugin.client.call('Controller', 'DeleteSnapshot', { snapshot_id: 'snap-1' });
    expect(deleteSnap).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION, details: expect.stringContaining('pv-ro') });
    const deleteSource = await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'pv-src' });
    expect(deleteSource).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION, details: expect.stringContaining('snap-1') });
    expect(await lvNames(THICK)).toEqual(['pv-src', 'snap-1']);

    await unmount('pv-ro');
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-ro' });
    expect(await lvNames(THICK)).toEqual(['pv-src', 'snap-1']);
    await plugin.client.must('Controller', 'DeleteSnapshot', { snapshot_id: 'snap-1' });
    await unmount('pv-src');
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-src' });
    expect(await lvNames(THICK)).toEqual([]);
  });

  it("thick: a snapshot past its class's expansion threshold grows by the class's step before it fills", async () => {
    await mustCreate('pv-busy', 64, thick);
    onTestFinished(async () => {
      await plugin.client.call('Controller', 'DeleteSnapshot', { snapshot_id: 'snap-grow' });
      await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'pv-busy' });
    });
    const made = await snapshot('snap-grow', 'pv-busy', { 'csi.aliyun.com/snapshot-initial-size': '8Mi', 'csi.aliyun.com/snapshot-expansion-threshold': '50%', 'csi.aliyun.com/snapshot-expansion-size': '8Mi' });
    expect(made.ok).toBe(true);
    const lvm = new Lvm({ executor: createLocalExecutor() });
    const deps = { lvm, vgRegexp: new RegExp(`^${THICK}$`), logger: pino({ level: 'silent' }) };
    expect(await growSnapshotsOnce(deps)).toEqual([]);
    // 6 MiB of new blocks in the origin fill about three quarters of the 8 MiB of change space.
    await exec('dd', ['if=/dev/urandom', `of=/dev/${THICK}/pv-busy`, 'bs=1M', 'count=6', 'oflag=direct', 'status=none']);
    const grown = await growSnapshotsOnce(deps);
    const seen = (await exec('lvm', ['lvs', '--units', 'b', '-o', 'lv_name,lv_size,snap_percent,data_percent,lv_tags', THICK])).stdout;
    expect(grown, seen).toMatchObject([{ vgName: THICK, name: 'snap-grow', sizeBytes: 16 * MiB }]);
    expect(grown[0]?.usedPercent).toBeGreaterThan(50);
    const { stdout } = await exec('lvm', ['lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_size,snap_percent', `${THICK}/snap-grow`]);
    const [size, used] = stdout.trim().split(/\s+/).map(Number);
    expect(size).toBe(16 * MiB);
    expect(used).toBeLessThan(50);
    await plugin.client.must('Controller', 'DeleteSnapshot', { snapshot_id: 'snap-grow' });
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-busy' });
    expect(await lvNames(THICK)).toEqual([]);
  });

  it('thick: a clone copies the blocks into a writable LV', async () => {
    await mustCreate('pv-orig', 64, thick);
    await write(await mount('pv-orig'), 'cloned');
    const clone = await mustCreate('pv-clone', 64, thick, { volume: { volume_id: 'pv-orig' } });
    expect(clone.capacity_bytes).toBe(String(64 * MiB));
    const dir = await mount('pv-clone');
    expect(await readFile(join(dir, 'data'), 'utf8')).toBe('cloned');
    await write(dir, 'changed in the clone');
    expect(await readFile(join(target('pv-orig'), 'data'), 'utf8')).toBe('cloned');
    for (const id of ['pv-clone', 'pv-orig']) {
      await unmount(id);
      await plugin.client.must('Controller', 'DeleteVolume', { volume_id: id });
    }
    expect(await lvNames(THICK)).toEqual([]);
  });

  it('thin: restores of the same and a larger size and a clone are writable; the source can go first', async () => {
    await mustCreate('pv-thin', 64, thin);
    await write(await mount('pv-thin'), 'old');
    const snap = await snapshot('snap-thin', 'pv-thin', {});
    expect(snap.ok && snap.value.snapshot).toMatchObject({ snapshot_id: 'snap-thin', size_bytes: String(64 * MiB) });
    await write(target('pv-thin'), 'new');

    const same = await mustCreate('pv-thin-r1', 64, thin, { snapshot: { snapshot_id: 'snap-thin' } });
    expect(same.volume_context['csi.aliyun.com/readonly']).toBeUndefined();
    const larger = await mustCreate('pv-thin-r2', 96, thin, { snapshot: { snapshot_id: 'snap-thin' } });
    expect(larger.capacity_bytes).toBe(String(96 * MiB));
    const clone = await mustCreate('pv-thin-c', 64, thin, { volume: { volume_id: 'pv-thin' } });
    expect(clone.capacity_bytes).toBe(String(64 * MiB));
    for (const [id, want] of [['pv-thin-r1', 'old'], ['pv-thin-r2', 'old'], ['pv-thin-c', 'new']] as const) {
      const dir = await mount(id);
      expect(await readFile(join(dir, 'data'), 'utf8'), id).toBe(want);
      await write(dir, `written in ${id}`);
      expect(await readFile(join(dir, 'data'), 'utf8')).toBe(`written in ${id}`);
    }
    expect(await readFile(join(target('pv-thin'), 'data'), 'utf8')).toBe('new');
    // A thin restore grows online like any volume (its virtual size; the pool holds the data).
    const range = { capacity_range: { required_bytes: String(128 * MiB), limit_bytes: '0' } };
    await plugin.client.must('Controller', 'ControllerExpandVolume', { volume_id: 'pv-thin-r1', ...range });
    const grown = await plugin.client.must('Node', 'NodeExpandVolume', { volume_id: 'pv-thin-r1', volume_path: target('pv-thin-r1'), ...range });
    expect(grown).toEqual({ capacity_bytes: String(128 * MiB) });
    expect(await readFile(join(target('pv-thin-r1'), 'data'), 'utf8')).toBe('written in pv-thin-r1');

    // Thin snapshots outlive their origin: the source first, then the snapshot, then the restores.
    await unmount('pv-thin');
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-thin' });
    const listed = await plugin.client.must<{ entries: { snapshot: { snapshot_id: string; source_volume_id: string } }[] }>('Controller', 'ListSnapshots', { source_volume_id: 'pv-thin' });
    expect(listed.entries.map((e) => e.snapshot.snapshot_id)).toEqual(['snap-thin']);
    await plugin.client.must('Controller', 'DeleteSnapshot', { snapshot_id: 'snap-thin' });
    for (const id of ['pv-thin-r1', 'pv-thin-r2', 'pv-thin-c']) {
      await unmount(id);
      await plugin.client.must('Controller', 'DeleteVolume', { volume_id: id });
    }
    expect(await lvNames(THIN)).toEqual([]);
  });

  it('refuses bad input naming the field or object, and makes nothing', async () => {
    await mustCreate('pv-bad-src', 64, thick);
    const unknownKey = await snapshot('snap-bad', 'pv-bad-src', { 'csi.aliyun.com/snapshot-initial-sise': '1Gi' });
    expect(unknownKey).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: expect.stringContaining('csi.aliyun.com/snapshot-initial-sise') });
    const outOfRange = await snapshot('snap-bad', 'pv-bad-src', { 'csi.aliyun.com/snapshot-expansion-threshold': '150%' });
    expect(outOfRange).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: expect.stringContaining('snapshot-expansion-threshold') });
    const readWrite = await snapshot('snap-bad', 'pv-bad-src', { 'csi.aliyun.com/readonly': 'false' });
    expect(readWrite).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: expect.stringContaining('read-write') });
    expect(await lvNames(THICK)).toEqual(['pv-bad-src']);

    await snapshot('snap-ok', 'pv-bad-src');
    const tooLarge = await createVolume('pv-too-large', 128, thick, { snapshot: { snapshot_id: 'snap-ok' } });
    expect(tooLarge).toMatchObject({ ok: false, code: status.OUT_OF_RANGE, details: expect.stringContaining('snap-ok') });
    const elsewhere = await createVolume('pv-elsewhere', 64, thick, { snapshot: { snapshot_id: 'snap-on-another-node' } });
    expect(elsewhere).toMatchObject({ ok: false, code: status.NOT_FOUND, details: expect.stringContaining('snap-on-another-node') });
    expect(await lvNames(THICK)).toEqual(['pv-bad-src', 'snap-ok']);
    await plugin.client.must('Controller', 'DeleteSnapshot', { snapshot_id: 'snap-ok' });
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-bad-src' });

    // A class's over-provisioning ratio bounds the virtual sizes the 160 MiB pool hands out.
    const over = await createVolume('pv-over', 200, { ...thin, overProvisioningRatio: '1' });
    expect(over).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, details: expect.stringContaining('overProvisioningRatio 1') });
    expect(await lvNames(THIN)).toEqual([]);

    // Fill the thin pool past 95 %: a new thin volume, snapshot or clone is refused and no LV appears.
    await mustCreate('pv-filler', 256, thin);
    await exec('dd', ['if=/dev/urandom', `of=/dev/${THIN}/pv-filler`, 'bs=1M', 'count=156', 'oflag=direct', 'status=none']);
    const { stdout } = await exec('lvm', ['lvs', '--noheadings', '-o', 'data_percent', `${THIN}/${POOL}`]);
    expect(Number(stdout.trim())).toBeGreaterThanOrEqual(95);
    const full = await createVolume('pv-no-room', 8, thin);
    expect(full).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, details: expect.stringContaining(`${THIN}/${POOL} is full`) });
    const fullSnap = await snapshot('snap-no-room', 'pv-filler', {});
    expect(fullSnap).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, details: expect.stringContaining('is full') });
    expect(await lvNames(THIN)).toEqual(['pv-filler']);
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-filler' });
    expect(await lvNames(THIN)).toEqual([]);
  });
});
