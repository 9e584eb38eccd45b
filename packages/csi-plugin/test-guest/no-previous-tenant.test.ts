// No data from a previous tenant, on real device-mapper: a raw block volume is written with a pattern and
// deleted; a new volume on the same extents reads back as zeros, also when its create was interrupted right after
// lvcreate (the LV left tagged zero-pending, as a crash would leave it). A control shows that lvcreate alone
// does expose the old bytes, so the test can see a leak. Prints the zeroing cost per GiB.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_TAG, parseConfig, startPlugin, type RunningPlugin } from '../src/index.js';
import { blockCapability, createCsiClient, type CsiClient } from '../test/support/csi-client.js';
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';
import { guestSkipReason } from './guest.js';

const MiB = 2 ** 20;
const VG = 'ol-tenant-vg';
const SIZE = 64 * MiB;
const skipReason = await guestSkipReason();
if (skipReason !== null) console.warn(`skipping the previous-tenant test: ${skipReason}`);

async function fill(device: string, byte: number): Promise<void> {
  const handle = await open(device, 'r+');
  try {
    const chunk = Buffer.alloc(MiB, byte);
    for (let offset = 0; offset < SIZE; offset += MiB) await handle.write(chunk, 0, MiB, offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function nonZeroIn(bytes: Buffer): number {
  let count = 0;
  for (const byte of bytes) if (byte !== 0) count++;
  return count;
}

/** Bytes of the device that are not zero (a new LV is a new device node, so no cached page of the old one answers). */
async function nonZeroBytes(device: string): Promise<number> {
  const handle = await open(device, 'r');
  let count = 0;
  try {
    const buffer = Buffer.alloc(MiB);
    for (let offset = 0; offset < SIZE; offset += MiB) {
      const { bytesRead } = await handle.read(buffer, 0, MiB, offset);
      count += nonZeroIn(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return count;
}

describe.skipIf(skipReason !== null)('a new volume never shows bytes of an earlier one', () => {
  let disks: HostSandbox;
  let plugin: RunningPlugin;
  let client: CsiClient;
  const create = (name: string, sizeBytes = SIZE) =>
    client.must('Controller', 'CreateVolume', {
      name,
      volume_capabilities: [blockCapability()],
      parameters: { volumeType: 'LVM', vgName: VG },
      capacity_range: { required_bytes: String(sizeBytes), limit_bytes: '0' },
    });
  const firstExtent = async (name: string) => (await disks.runLvm(['lvs', '--noheadings', '-o', 'seg_pe_ranges', `${VG}/${name}`])).trim();

  beforeAll(async () => {
    disks = await createHostSandbox([320], { dirPrefix: 'ol-tenant-' });
    await disks.runLvm(['vgcreate', VG, disks.devices[0]!]);
    await mkdir(join(disks.root, 'kubelet'), { recursive: true });
    const config = parseConfig([
      'node', 'csi-plugin', '--endpoint', `unix://${join(disks.root, 'csi.sock')}`, '--nodeid', 'node-a',
      '--kubelet-dir', join(disks.root, 'kubelet'), '--lvm-system-dir', disks.lvmSystemDir, '--device-regexp', '^$',
      '--mount-dir', join(disks.root, 'mnt'), '--registration-dir', '-', '--metrics-port=-1', '--disk-probe-interval-ms', '0',
    ]);
    plugin = await startPlugin(config, pino({ level: process.env.CSI_TEST_LOG_LEVEL ?? 'silent' }));
    client = createCsiClient(plugin.socketPath);
  });

  afterAll(async () => {
    client?.close();
    await plugin?.close(2000);
    await disks?.cleanup();
  });

  it('control: a plain lvcreate on the extents of a deleted, written LV shows its bytes', async () => {
    await disks.runLvm(['lvcreate', '--yes', '--name', 'control-a', '--size', `${SIZE}b`, VG]);
    await fill(`/dev/${VG}/control-a`, 0xab);
    await disks.runLvm(['lvremove', '--yes', `${VG}/control-a`]);
    await disks.runLvm(['lvcreate', '--yes', '--name', 'control-b', '--size', `${SIZE}b`, VG]);
    expect(await nonZeroBytes(`/dev/${VG}/control-b`)).toBeGreaterThan(SIZE / 2);
    await disks.runLvm(['lvremove', '--yes', `${VG}/control-b`]);
  });

  it('a volume created through the plugin on those extents reads as zeros', async () => {
    await create('tenant-a');
    const extents = await firstExtent('tenant-a');
    await fill(`/dev/${VG}/tenant-a`, 0xcd);
    expect(await nonZeroBytes(`/dev/${VG}/tenant-a`)).toBe(SIZE);
    await client.must('Controller', 'DeleteVolume', { volume_id: 'tenant-a' });
    await create('tenant-b');
    expect(await firstExtent('tenant-b')).toBe(extents);
    expect(await nonZeroBytes(`/dev/${VG}/tenant-b`)).toBe(0);
    expect(await disks.runLvm(['lvs', '--noheadings', '-o', 'lv_tags', `${VG}/tenant-b`])).not.toMatch(/zero-pending/);
    await client.must('Controller', 'DeleteVolume', { volume_id: 'tenant-b' });
  });

  it('a create interrupted after lvcreate (LV tagged zero-pending) is zeroed by the retry', async () => {
    await disks.runLvm(['lvcreate', '--yes', '--name', 'old', '--size', `${SIZE}b`, VG]);
    await fill(`/dev/${VG}/old`, 0xef);
    await disks.runLvm(['lvremove', '--yes', `${VG}/old`]);
    // What a crash between lvcreate and the end of zeroing leaves: our LV, still marked, on the old bytes.
    await disks.runLvm(['lvcreate', '--yes', '--name', 'tenant-c', '--size', `${SIZE}b`, '--addtag', OWNER_TAG, '--addtag', `${OWNER_TAG}/zero-pending`, VG]);
    expect(await nonZeroBytes(`/dev/${VG}/tenant-c`)).toBeGreaterThan(0);
    await create('tenant-c');
    expect(await nonZeroBytes(`/dev/${VG}/tenant-c`)).toBe(0);
    expect(await disks.runLvm(['lvs', '--noheadings', '-o', 'lv_tags', `${VG}/tenant-c`])).not.toMatch(/zero-pending/);
    await client.must('Controller', 'DeleteVolume', { volume_id: 'tenant-c' });
  });

  it('growing a raw block volume onto written extents shows zeros in the new tail, also when the grow was interrupted', async () => {
    await disks.runLvm(['lvcreate', '--yes', '--name', 'old-wide', '--size', `${SIZE}b`, VG]);
    await fill(`/dev/${VG}/old-wide`, 0x5a);
    await disks.runLvm(['lvremove', '--yes', `${VG}/old-wide`]);
    await create('tenant-g', SIZE / 4);
    const kubelet = join(disks.root, 'kubelet');
    const staging = join(kubelet, 'plugins', 'kubernetes.io', 'csi', 'pv', 'tenant-g', 'globalmount');
    const target = join(kubelet, 'plugins', 'kubernetes.io', 'csi', 'volumeDevices', 'publish', 'tenant-g', 'pod-1');
    await client.must('Node', 'NodeStageVolume', { volume_id: 'tenant-g', staging_target_path: staging, volume_capability: blockCapability() });
    await client.must('Node', 'NodePublishVolume', { volume_id: 'tenant-g', staging_target_path: staging, target_path: target, volume_capability: blockCapability() });
    const expand = (bytes: number) => client.must('Node', 'NodeExpandVolume', { volume_id: 'tenant-g', volume_path: target, capacity_range: { required_bytes: String(bytes), limit_bytes: '0' } });
    expect(await expand(SIZE / 2)).toEqual({ capacity_bytes: String(SIZE / 2) });
    // An interrupted grow: lvextend done and marked, zeroing not done (the old bytes are really there).
    await disks.runLvm(['lvchange', '--addtag', `${OWNER_TAG}/zero-from=${SIZE / 2}`, `${VG}/tenant-g`]);
    await disks.runLvm(['lvextend', '--size', `${SIZE}b`, `${VG}/tenant-g`]);
    expect(await nonZeroBytes(`/dev/${VG}/tenant-g`)).toBeGreaterThan(0);
    expect(await expand(SIZE)).toEqual({ capacity_bytes: String(SIZE) });
    expect(await nonZeroBytes(`/dev/${VG}/tenant-g`)).toBe(0);
    expect(await disks.runLvm(['lvs', '--noheadings', '-o', 'lv_tags', `${VG}/tenant-g`])).not.toMatch(/zero-from/);
    await client.must('Node', 'NodeUnpublishVolume', { volume_id: 'tenant-g', target_path: target });
    await client.must('Node', 'NodeUnstageVolume', { volume_id: 'tenant-g', staging_target_path: staging });
    await client.must('Controller', 'DeleteVolume', { volume_id: 'tenant-g' });
  });

  it('measures what zeroing costs per GiB (printed, not asserted)', async () => {
    const size = 256 * MiB;
    let started = performance.now();
    await disks.runLvm(['lvcreate', '--yes', '--name', 'bare', '--size', `${size}b`, VG]);
    const bareMs = performance.now() - started;
    await disks.runLvm(['lvremove', '--yes', `${VG}/bare`]);
    started = performance.now();
    await create('tenant-cost', size);
    const zeroedMs = performance.now() - started;
    const perGiB = ((zeroedMs - bareMs) / 1000) * (2 ** 30 / size);
    console.log(`no-previous-tenant: CreateVolume of ${size / MiB} MiB with zeroing ${Math.round(zeroedMs)} ms, bare lvcreate ${Math.round(bareMs)} ms: zeroing costs ~${perGiB.toFixed(2)} s per GiB (loop device on the guest's tmpfs)`);
    await client.must('Controller', 'DeleteVolume', { volume_id: 'tenant-cost' });
  });
});
