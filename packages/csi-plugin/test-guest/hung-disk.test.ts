// A hung disk under one VG, for real: the device-mapper table under that VG's PV is suspended (`dmsetup
// suspend`), so every read of it blocks in the kernel as on a dead disk. The node plugin must keep provisioning
// on its healthy VG, refuse the hung one with RESOURCE_EXHAUSTED (the claim goes back to the scheduler),
// report the hung VG on /readyz and in its metrics, and be ready again once the disk answers.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, startPlugin, type RunningPlugin } from '../src/index.js';
import { blockCapability, createCsiClient, type CsiClient } from '../test/support/csi-client.js';
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';
import { guestSkipReason } from './guest.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const HUNG_VG = 'ol-hung-vg';
const OK_VG = 'ol-ok-vg';
const PROBE_TIMEOUT_MS = 3000;
const skipReason = await guestSkipReason();
if (skipReason !== null) console.warn(`skipping the hung-disk test: ${skipReason}`);

describe.skipIf(skipReason !== null)('a hung disk under one VG (suspended device-mapper table)', () => {
  let disks: HostSandbox;
  let plugin: RunningPlugin;
  let client: CsiClient;
  const hungTable = () => disks.devices[0]!.replace('/dev/mapper/', '');
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${plugin.metricsPort}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  };
  const create = (name: string, parameters: Record<string, string>) =>
    client.call<{ volume: { volume_context: Record<string, string> } }>('Controller', 'CreateVolume', {
      name,
      volume_capabilities: [blockCapability()],
      parameters: { volumeType: 'LVM', ...parameters },
      capacity_range: { required_bytes: String(8 * MiB), limit_bytes: '0' },
    });

  beforeAll(async () => {
    disks = await createHostSandbox([64, 64], { dirPrefix: 'ol-hungtest-', viaDeviceMapper: true });
    await disks.runLvm(['vgcreate', HUNG_VG, disks.devices[0]!]);
    await disks.runLvm(['vgcreate', OK_VG, disks.devices[1]!]);
    await mkdir(join(disks.root, 'kubelet'), { recursive: true });
    const config = parseConfig([
      'node', 'csi-plugin', '--endpoint', `unix://${join(disks.root, 'csi.sock')}`, '--nodeid', 'node-a',
      '--kubelet-dir', join(disks.root, 'kubelet'), '--lvm-system-dir', disks.lvmSystemDir, '--device-regexp', '^$',
      '--mount-dir', join(disks.root, 'mnt'), '--vg-regexp', '^ol-(hung|ok)-vg$', '--registration-dir', '-',
      '--metrics-host', '127.0.0.1', '--metrics-port', '0', '--command-timeout-ms', '20000',
      '--disk-probe-timeout-ms', String(PROBE_TIMEOUT_MS), '--disk-probe-interval-ms', '0',
    ]);
    plugin = await startPlugin(config, pino({ level: process.env.CSI_TEST_LOG_LEVEL ?? 'silent' }));
    client = createCsiClient(plugin.socketPath);
  });

  afterAll(async () => {
    client?.close();
    await plugin?.close(2000);
    // Always: resume the table (the stuck reads then finish), remove the VGs, the table and the loops.
    await disks?.cleanup();
  });

  it('keeps provisioning on the healthy VG, refuses the hung one, and /readyz names it until the disk answers again', async () => {
    await plugin.storageHealth.checkNow();
    expect(await readyz()).toEqual({ status: 200, body: 'ok\n' });

    await exec('dmsetup', ['suspend', hungTable()]);
    const probeStarted = performance.now();
    await plugin.storageHealth.checkNow();
    console.log(`hung-disk: the check that found the hung VG took ${Math.round(performance.now() - probeStarted)} ms (probe deadline ${PROBE_TIMEOUT_MS} ms)`);
    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatch(new RegExp(`volume group ${HUNG_VG} hangs: a 4 KiB read of its PV /dev/mapper/${hungTable()} did not finish`));
    expect(notReady.body).not.toMatch(new RegExp(OK_VG));
    const metrics = await (await fetch(`http://127.0.0.1:${plugin.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`openlocal_storage_vg_hung\\{vg="${HUNG_VG}"\\} 1`));

    const started = performance.now();
    const onHealthy = await create('pv-while-hung', { vgName: OK_VG });
    const onHealthyMs = Math.round(performance.now() - started);
    expect(onHealthy).toMatchObject({ ok: true });
    const bestFit = await create('pv-best-fit', {});
    expect(bestFit).toMatchObject({ ok: true, value: { volume: { volume_context: { vgName: OK_VG } } } });
    console.log(`hung-disk: CreateVolume on the healthy VG while the other hangs took ${onHealthyMs} ms`);
    expect(await disks.runLvm(['lvs', '--noheadings', '-o', 'lv_name', OK_VG])).toMatch(/pv-while-hung[\s\S]*pv-best-fit|pv-best-fit[\s\S]*pv-while-hung/);

    const onHung = await create('pv-on-hung', { vgName: HUNG_VG });
    expect(onHung).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
    expect(onHung.ok ? '' : onHung.details).toMatch(new RegExp(`volume group ${HUNG_VG} on node node-a hangs`));
    expect(await client.call('Controller', 'DeleteVolume', { volume_id: 'pv-while-hung' })).toMatchObject({ ok: true });

    // A second check while the disk still hangs starts no second stuck read.
    await plugin.storageHealth.checkNow();
    const stuckReads = (await exec('ps', ['-eo', 'stat,args'])).stdout.split('\n').filter((l) => l.includes(`if=/dev/mapper/${hungTable()}`) && !l.includes('ps -eo'));
    expect(stuckReads).toHaveLength(1);
    expect(stuckReads[0]).toMatch(/^D/);

    await exec('dmsetup', ['resume', hungTable()]);
    const deadline = Date.now() + 30_000;
    let after = await readyz();
    while (after.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await plugin.storageHealth.checkNow();
      after = await readyz();
    }
    expect(after).toEqual({ status: 200, body: 'ok\n' });
    expect(await create('pv-after-resume', { vgName: HUNG_VG })).toMatchObject({ ok: true });
  });
});
