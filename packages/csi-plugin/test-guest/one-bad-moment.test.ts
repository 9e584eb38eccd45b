// One bad moment is not forever (#16), with real device-mapper in the QEMU guest: the node plugin starts while
// `dmsetup` cannot run (the binary is renamed away in the guest's own overlay, as a half-finished package upgrade
// would leave it), so its device-mapper probe fails. The CreateVolume made in that moment must fail with
// UNAVAILABLE (the sidecar retries) and leave nothing behind — not an LV created as if the kernel had no
// device-mapper (inactive and never zeroed). Once dmsetup is back, the same plugin process, not restarted,
// creates the volume as usual: active, zeroed (no zero-pending tag), staged and mounted.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { LV_TAGS } from '@openlocal/crd-types';
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountCapability } from '../test/support/csi-client.js';
import { startTestPlugin, type StartedPlugin } from '../test/support/plugin.js';
import { guestSkipReason } from './guest.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const VG = 'ol-moment-vg';
const DMSETUP = '/usr/sbin/dmsetup';
const DMSETUP_AWAY = `${DMSETUP}.openlocal-away`;
const guestReason = await guestSkipReason();
const skipReason = guestReason ?? (existsSync(DMSETUP) ? null : `no ${DMSETUP} in the guest`);
if (skipReason !== null) console.warn(`skipping the one-bad-moment test: ${skipReason}`);

describe.skipIf(skipReason !== null)('the node plugin after a device-mapper probe that could not run (QEMU guest)', () => {
  let disks: HostSandbox;
  let plugin: StartedPlugin;
  const staging = (id: string) => join(disks.root, 'kubelet', 'plugins', 'kubernetes.io', 'csi', 'pv', id, 'globalmount');
  const lvRow = async (name: string) => {
    const out = await disks.runLvm(['lvs', '--noheadings', '--separator', '|', '-o', 'lv_name,lv_active,lv_tags', VG]);
    const row = out.split('\n').map((line) => line.trim().split('|')).find((cols) => cols[0] === name);
    return row === undefined ? null : { active: row[1], tags: (row[2] ?? '').split(',').filter(Boolean) };
  };
  const createVolume = () =>
    plugin.client.call<{ volume: { volume_id: string; capacity_bytes: string } }>('Controller', 'CreateVolume', {
      name: 'pv-moment',
      volume_capabilities: [mountCapability('ext4')],
      parameters: { volumeType: 'LVM', vgName: VG },
      capacity_range: { required_bytes: String(16 * MiB), limit_bytes: '0' },
    });

  beforeAll(async () => {
    disks = await createHostSandbox([64], { dirPrefix: 'ol-moment-' });
    await disks.runLvm(['vgcreate', VG, disks.devices[0]!]);
    await mkdir(join(disks.root, 'kubelet'), { recursive: true });
    // The guest's / is a tmpfs overlay over the host's read-only root: this rename never reaches the host.
    await rename(DMSETUP, DMSETUP_AWAY);
    plugin = await startTestPlugin({ root: disks.root, kubeletDir: join(disks.root, 'kubelet'), lvmSystemDir: disks.lvmSystemDir, deviceRegexp: '^$' }, ['--vg-regexp', `^${VG}$`]);
  });

  afterAll(async () => {
    // Always: dmsetup back first (the sandbox's cleanup and the later suites use it), then the plugin and disks.
    if (existsSync(DMSETUP_AWAY)) await rename(DMSETUP_AWAY, DMSETUP);
    await plugin?.stop();
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => disks !== undefined && m.startsWith(`${disks.root}/`));
    for (const m of mounts.sort((x, y) => y.length - x.length)) await exec('umount', ['-l', m]).catch((e: unknown) => void e);
    await disks?.cleanup();
  });

  it('refuses the create made while the probe cannot run with UNAVAILABLE, and creates nothing', async () => {
    const refused = await createVolume();
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    console.log(`one-bad-moment: CreateVolume while dmsetup could not run answered ${status[refused.code]}: ${refused.details}`);
    expect(refused.code).toBe(status.UNAVAILABLE);
    expect(refused.details).toMatch(/^the device-mapper probe \(dmsetup version\) could not run: .*ENOENT/);
    expect(await lvRow('pv-moment')).toBeNull();
  });

  it('once dmsetup is back, the same process creates the volume as usual: active, zeroed, staged and mounted', async () => {
    await rename(DMSETUP_AWAY, DMSETUP);
    const created = await createVolume();
    expect(created, JSON.stringify(created)).toMatchObject({ ok: true, value: { volume: { volume_id: 'pv-moment', capacity_bytes: String(16 * MiB) } } });
    const row = await lvRow('pv-moment');
    expect(row?.active).toBe('active');
    expect(row?.tags).toContain(LV_TAGS.owner);
    expect(row?.tags).not.toContain(LV_TAGS.zeroPending);
    expect((await stat(`/dev/${VG}/pv-moment`)).isBlockDevice()).toBe(true);
    await plugin.client.must('Node', 'NodeStageVolume', { volume_id: 'pv-moment', staging_target_path: staging('pv-moment'), volume_capability: mountCapability('ext4') });
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mountinfo.split('\n').some((line) => line.split(' ')[4] === staging('pv-moment') && / - ext4 /.test(line))).toBe(true);
    await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: 'pv-moment', staging_target_path: staging('pv-moment') });
    await plugin.client.must('Controller', 'DeleteVolume', { volume_id: 'pv-moment' });
    expect(await lvRow('pv-moment')).toBeNull();
  });
});
