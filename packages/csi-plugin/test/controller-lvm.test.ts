// CreateVolume / DeleteVolume / expansion / capacity for LVM volumes over the real unix socket, against real
// lvm on loop devices. The host has no device-mapper, so LVs are metadata only: enough for the controller.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostSandbox, hostSkipReason, uniqueVg, type HostSandbox } from '@openlocal/lvm/testing';
import { mountCapability } from './support/csi-client.js';
import { startTestPlugin, type StartedPlugin } from './support/plugin.js';

const MiB = 2 ** 20;
const skipReason = await hostSkipReason();
if (skipReason !== null) console.warn(`skipping csi-plugin LVM host tests: ${skipReason}`);

interface LvRow {
  lv_name: string;
  vg_name: string;
  lv_size: string;
  lv_tags: string;
  stripes: string;
}

describe.skipIf(skipReason !== null)('LVM volumes through the controller service', () => {
  let sandbox: HostSandbox;
  let plugin: StartedPlugin;
  const vgSmall = uniqueVg('csi-small');
  const vgLarge = uniqueVg('csi-large');

  async function lvs(): Promise<LvRow[]> {
    const { stdout } = await sandbox.run(['lvm', 'lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_size,lv_tags,stripes']);
    return (JSON.parse(stdout) as { report: { lv: LvRow[] }[] }).report[0]?.lv ?? [];
  }

  const create = (name: string, parameters: Record<string, string>, requiredBytes?: number) =>
    plugin.client.call<{ volume: { volume_id: string; capacity_bytes: string; volume_context: Record<string, string>; accessible_topology: unknown[] } }>(
      'Controller',
      'CreateVolume',
      {
        name,
        volume_capabilities: [mountCapability()],
        parameters,
        ...(requiredBytes === undefined ? {} : { capacity_range: { required_bytes: String(requiredBytes), limit_bytes: '0' } }),
      },
    );

  beforeAll(async () => {
    // Two VGs: small (one 64 MiB PV) and large (two 128 MiB PVs, for striping).
    sandbox = await createHostSandbox([64, 128, 128]);
    const [a, b, c] = sandbox.loops as [string, string, string];
    await sandbox.run(['lvm', 'vgcreate', vgSmall, a]);
    await sandbox.run(['lvm', 'vgcreate', vgLarge, b, c]);
    plugin = await startTestPlugin(sandbox);
  });

  afterAll(async () => {
    await plugin?.stop();
    await sandbox?.cleanup();
  });

  it('creates an LV named after the volume in the StorageClass vgName, tagged as ours, size rounded to extents', async () => {
    const result = await create('pv-named', { volumeType: 'LVM', vgName: vgLarge }, 10 * MiB);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.volume.capacity_bytes).toBe(String(12 * MiB));
    expect(result.value.volume.volume_context).toMatchObject({ volumeType: 'LVM', vgName: vgLarge, 'volume.kubernetes.io/selected-node': 'node-a' });
    expect(result.value.volume.accessible_topology).toEqual([{ segments: { 'kubernetes.io/hostname': 'node-a' } }]);
    const lv = (await lvs()).find((row) => row.lv_name === 'pv-named');
    expect(lv).toMatchObject({ vg_name: vgLarge, lv_size: String(12 * MiB), lv_tags: 'local.csi.aliyun.com' });
  });

  it('is idempotent: same name and size gives the same volume, another size is ALREADY_EXISTS', async () => {
    const again = await create('pv-named', { volumeType: 'LVM', vgName: vgLarge }, 10 * MiB);
    expect(again).toMatchObject({ ok: true, value: { volume: { volume_id: 'pv-named', capacity_bytes: String(12 * MiB) } } });
    const bigger = await create('pv-named', { volumeType: 'LVM', vgName: vgLarge }, 40 * MiB);
    expect(bigger).toMatchObject({ ok: false, code: status.ALREADY_EXISTS });
    expect((await lvs()).filter((row) => row.lv_name === 'pv-named')).toHaveLength(1);
  });

  it('without vgName picks the fullest VG that fits (best fit)', async () => {
    const result = await create('pv-bestfit', { volumeType: 'LVM' }, 8 * MiB);
    expect(result.ok && result.value.volume.volume_context.vgName).toBe(vgSmall);
    expect((await lvs()).find((row) => row.lv_name === 'pv-bestfit')?.vg_name).toBe(vgSmall);
  });

  it('stripes across the PVs of the VG for lvmType striping', async () => {
    const result = await create('pv-striped', { volumeType: 'LVM', vgName: vgLarge, lvmType: 'striping' }, 16 * MiB);
    expect(result.ok).toBe(true);
    expect((await lvs()).find((row) => row.lv_name === 'pv-striped')?.stripes).toBe('2');
  });

  it('answers RESOURCE_EXHAUSTED when no VG has room, and creates nothing', async () => {
    const before = (await lvs()).length;
    const result = await create('pv-huge', { volumeType: 'LVM' }, 1024 * MiB);
    expect(result).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
    expect((await lvs()).length).toBe(before);
  });

  it.each<{ name: string; volumeName: string; parameters: Record<string, string>; size: number; want: string }>([
    { name: 'an unknown vgName', volumeName: 'pv-bad-vg', parameters: { volumeType: 'LVM', vgName: 'no-such-vg' }, size: 8 * MiB, want: 'invalid parameters["vgName"] "no-such-vg": no such volume group on this node' },
    { name: 'an unknown volumeType', volumeName: 'pv-bad-type', parameters: { volumeType: 'Ceph' }, size: 8 * MiB, want: 'invalid parameters["volumeType"] "Ceph"' },
    { name: 'a volume id with path characters', volumeName: '../../etc', parameters: { volumeType: 'LVM' }, size: 8 * MiB, want: 'invalid name "../../etc"' },
    { name: 'a negative size', volumeName: 'pv-negative', parameters: { volumeType: 'LVM' }, size: -1, want: 'invalid capacity_range.required_bytes "-1"' },
  ])('refuses $name with INVALID_ARGUMENT naming the field', async ({ volumeName, parameters, size, want }) => {
    const result = await create(volumeName, parameters, size);
    expect(result).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    expect(!result.ok && result.details).toContain(want);
  });

  it('refuses a zero capacity range and an absurd one', async () => {
    const zero = await plugin.client.call('Controller', 'CreateVolume', {
      name: 'pv-zero',
      volume_capabilities: [mountCapability()],
      parameters: { volumeType: 'LVM' },
      capacity_range: { required_bytes: '0', limit_bytes: '0' },
    });
    expect(zero).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    const absurd = await create('pv-absurd', { volumeType: 'LVM' }, Number.MAX_SAFE_INTEGER);
    expect(absurd).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
    const beyond = await plugin.client.call('Controller', 'CreateVolume', {
      name: 'pv-beyond',
      volume_capabilities: [mountCapability()],
      parameters: { volumeType: 'LVM' },
      capacity_range: { required_bytes: '9223372036854775807', limit_bytes: '0' },
    });
    expect(beyond).toMatchObject({ ok: false, code: status.OUT_OF_RANGE });
  });

  it('answers ABORTED to a concurrent operation on the same volume, and the winner still succeeds', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => create('pv-race', { volumeType: 'LVM', vgName: vgLarge }, 8 * MiB)));
    const aborted = results.filter((r) => !r.ok && r.code === status.ABORTED);
    expect(aborted.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(0);
    expect(results.every((r) => r.ok || r.code === status.ABORTED)).toBe(true);
    expect((await lvs()).filter((row) => row.lv_name === 'pv-race')).toHaveLength(1);
  });

  it('finds its volumes again after a restart (state lives in LV tags, not memory)', async () => {
    await plugin.stop();
    plugin = await startTestPlugin(sandbox);
    const again = await create('pv-named', { volumeType: 'LVM', vgName: vgLarge }, 10 * MiB);
    expect(again).toMatchObject({ ok: true, value: { volume: { capacity_bytes: String(12 * MiB) } } });
    const validated = await plugin.client.call('Controller', 'ValidateVolumeCapabilities', { volume_id: 'pv-named', volume_capabilities: [mountCapability()] });
    expect(validated).toMatchObject({ ok: true, value: { confirmed: { volume_capabilities: [expect.anything()] } } });
  });

  it('does not adopt or delete an LV it did not create', async () => {
    await sandbox.run(['lvm', 'lvcreate', '--yes', '--driverloaded', 'n', '--activate', 'n', '--zero', 'n', '-L', '4m', '-n', 'foreign', vgSmall]);
    const result = await create('foreign', { volumeType: 'LVM', vgName: vgSmall }, 4 * MiB);
    expect(result).toMatchObject({ ok: false, code: status.ALREADY_EXISTS });
    expect(await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'foreign' })).toMatchObject({ ok: true });
    expect((await lvs()).some((row) => row.lv_name === 'foreign')).toBe(true);
  });

  it('expands in the controller by asking the node to finish (node_expansion_required), refusing growth beyond the VG', async () => {
    const ok = await plugin.client.call('Controller', 'ControllerExpandVolume', { volume_id: 'pv-named', capacity_range: { required_bytes: String(40 * MiB), limit_bytes: '0' } });
    expect(ok).toMatchObject({ ok: true, value: { capacity_bytes: String(40 * MiB), node_expansion_required: true } });
    const tooBig = await plugin.client.call('Controller', 'ControllerExpandVolume', { volume_id: 'pv-named', capacity_range: { required_bytes: String(900 * MiB), limit_bytes: '0' } });
    expect(tooBig).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
    const missing = await plugin.client.call('Controller', 'ControllerExpandVolume', { volume_id: 'pv-missing', capacity_range: { required_bytes: String(MiB), limit_bytes: '0' } });
    expect(missing).toMatchObject({ ok: false, code: status.NOT_FOUND });
  });

  it('reports capacity per vgName from the real VG free space', async () => {
    const { stdout } = await sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_free', vgLarge]);
    const result = await plugin.client.call('Controller', 'GetCapacity', { parameters: { volumeType: 'LVM', vgName: vgLarge } });
    expect(result).toMatchObject({ ok: true, value: { available_capacity: stdout.trim() } });
    const otherNode = await plugin.client.call('Controller', 'GetCapacity', { parameters: { volumeType: 'LVM' }, accessible_topology: { segments: { 'kubernetes.io/hostname': 'node-b' } } });
    expect(otherNode).toMatchObject({ ok: true, value: { available_capacity: '0' } });
  });

  it.each<{ name: string; parameters: Record<string, string>; want: string }>([
    { name: 'a vgName lvm would refuse', parameters: { volumeType: 'LVM', vgName: '../x' }, want: 'invalid parameters["vgName"] "../x"' },
    { name: 'an unknown volumeType', parameters: { volumeType: 'Ceph' }, want: 'invalid parameters["volumeType"] "Ceph"' },
    { name: 'a bad vgName in a class without volumeType', parameters: { vgName: '-x' }, want: 'invalid parameters["vgName"] "-x"' },
  ])('GetCapacity refuses $name with INVALID_ARGUMENT naming the parameter', async ({ parameters, want }) => {
    const result = await plugin.client.call('Controller', 'GetCapacity', { parameters });
    expect(result).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    expect(!result.ok && result.details).toContain(want);
  });

  it('accepts a 128-character name (CSI maximum) by giving the LV a shortened, stable id', async () => {
    const name = `pv-maxlen-${'a'.repeat(118)}`;
    const first = await create(name, { volumeType: 'LVM', vgName: vgSmall }, 4 * MiB);
    const second = await create(name, { volumeType: 'LVM', vgName: vgSmall }, 4 * MiB);
    expect(first.ok ? first : JSON.stringify(first)).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true });
    if (!first.ok || !second.ok) return;
    const volumeId = first.value.volume.volume_id;
    expect(volumeId).toMatch(/^pvmaxlena{20}_[0-9a-f]{16}$/);
    expect(second.value.volume.volume_id).toBe(volumeId);
    expect((await lvs()).some((row) => row.lv_name === volumeId)).toBe(true);
    expect(await plugin.client.call('Controller', 'DeleteVolume', { volume_id: volumeId })).toMatchObject({ ok: true });
    expect((await lvs()).some((row) => row.lv_name === volumeId)).toBe(false);
  });

  it('follows the scheduler extender plan when the class names no VG, and maps "Insufficient" to RESOURCE_EXHAUSTED', async () => {
    const asked: string[] = [];
    const extender = createServer((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      if (request.url?.includes('/too-big?')) {
        response.writeHead(500).end('Insufficient LVM storage on node node-a');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ node: 'node-a', vgName: vgLarge }));
    });
    await new Promise<void>((resolve) => extender.listen(0, '127.0.0.1', resolve));
    const { port } = extender.address() as AddressInfo;
    await plugin.stop();
    plugin = await startTestPlugin(sandbox, ['--extender-url', `http://127.0.0.1:${port}`]);
    try {
      const parameters = { volumeType: 'LVM', 'csi.storage.k8s.io/pvc/name': 'data-0', 'csi.storage.k8s.io/pvc/namespace': 'ns1' };
      // Best fit alone would choose the small VG for 4 MiB; the plan says the large one.
      const planned = await create('pv-planned', parameters, 4 * MiB);
      expect(planned).toMatchObject({ ok: true, value: { volume: { volume_context: { vgName: vgLarge } } } });
      expect(asked).toContain('POST /apis/scheduling/ns1/persistentvolumeclaims/data-0?volumeType=LVM&nodeName=node-a');
      const refused = await create('pv-refused', { ...parameters, 'csi.storage.k8s.io/pvc/name': 'too-big' }, 4 * MiB);
      expect(refused).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
      expect(!refused.ok && refused.details).toContain('Insufficient LVM storage');
    } finally {
      await plugin.stop();
      extender.close();
      plugin = await startTestPlugin(sandbox);
    }
  });

  it('refuses to stage an LV it cannot activate on a host without device-mapper, saying why', async () => {
    const hasDeviceMapper = await sandbox.run(['dmsetup', 'version']).then(() => true, () => false);
    const staging = `${sandbox.kubeletDir}/plugins/kubernetes.io/csi/pv/pv-named/globalmount`;
    const result = await plugin.client.call('Node', 'NodeStageVolume', { volume_id: 'pv-named', staging_target_path: staging, volume_capability: mountCapability('ext4') });
    if (hasDeviceMapper) {
      expect(result).toMatchObject({ ok: true });
      return;
    }
    expect(result).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION });
    expect(!result.ok && result.details).toContain('this kernel has no device-mapper');
  });

  it('deletes idempotently: the LV goes, and deleting again still succeeds', async () => {
    expect(await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'pv-striped' })).toMatchObject({ ok: true });
    expect((await lvs()).some((row) => row.lv_name === 'pv-striped')).toBe(false);
    expect(await plugin.client.call('Controller', 'DeleteVolume', { volume_id: 'pv-striped' })).toMatchObject({ ok: true });
  });
});
