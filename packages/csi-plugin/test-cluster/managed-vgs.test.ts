// Pod authors stay inside their storage (issue #16): with API access the plugin creates LVs only in the VGs the
// node's NodeLocalStorage manages. Real kube-apiserver (the NLS), real lvm on loop devices with two VGs — one
// the NLS manages, one it does not (as the OS's VG would be) — and the plugin over its real unix socket: an
// inline ephemeral volume or a StorageClass naming the unmanaged VG is refused with the VG named, best fit never
// picks it, and without an NLS nothing is created at all.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds, missingToolsReason, openLocalCrds, startCluster, type Cluster } from '@openlocal/e2e/cluster';
import { createHostSandbox, hostSkipReason, uniqueVg, type HostSandbox } from '@openlocal/lvm/testing';
import { mountCapability } from '../test/support/csi-client.js';
import { startTestPlugin, type StartedPlugin } from '../test/support/plugin.js';

const MiB = 2 ** 20;
const NLS_REF = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };
const skipReason = (await hostSkipReason()) ?? missingToolsReason(['etcd', 'kube-apiserver']);
if (skipReason !== null) console.warn(`skipping the managed-VG cluster test: ${skipReason}`);

/** The NLS of node-a as its agent would write it, managing only `vgName`. */
async function writeNls(kubeConfig: KubeConfig, vgName: string): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  await custom.createClusterCustomObject({ ...NLS_REF, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: 'node-a' }, spec: { nodeName: 'node-a' } } });
  const status = { nodeStorageInfo: { phase: 'Running' }, filteredStorageInfo: { volumeGroups: [vgName], devices: [], mountPoints: [] } };
  await custom.patchClusterCustomObjectStatus({ ...NLS_REF, name: 'node-a', body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

describe.skipIf(skipReason !== null)('new LVs only in VGs the node NLS manages', () => {
  let sandbox: HostSandbox;
  let cluster: Cluster;
  let plugin: StartedPlugin;
  const managedVg = uniqueVg('managed');
  const osVg = uniqueVg('os');

  async function lvsIn(vg: string): Promise<string[]> {
    const { stdout } = await sandbox.run(['lvm', 'lvs', '--noheadings', '-o', 'lv_name', vg]);
    return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  }

  const create = (name: string, parameters: Record<string, string>) =>
    plugin.client.call<{ volume: { volume_context: Record<string, string> } }>('Controller', 'CreateVolume', {
      name,
      volume_capabilities: [mountCapability()],
      parameters,
      capacity_range: { required_bytes: String(8 * MiB), limit_bytes: '0' },
    });

  beforeAll(async () => {
    // The unmanaged VG is the smaller one, so best fit (the fullest VG that fits) would pick it if it could.
    sandbox = await createHostSandbox([256, 64]);
    const [big, small] = sandbox.loops as [string, string];
    await sandbox.run(['lvm', 'vgcreate', managedVg, big]);
    await sandbox.run(['lvm', 'vgcreate', osVg, small]);
    cluster = await startCluster({ nodes: [], scheduler: false });
    await installCrds(cluster.kubeConfig, await openLocalCrds());
    plugin = await startTestPlugin({ ...sandbox, deviceRegexp: '^$' }, ['--kubeconfig', cluster.kubeconfigPath]);
  });

  afterAll(async () => {
    await plugin?.stop();
    await cluster?.stop();
    await sandbox?.cleanup();
  });

  it('without an NLS for the node nothing is created, and the answer says why', async () => {
    const result = await create('pv-before-nls', { volumeType: 'LVM', vgName: managedVg });
    expect(result).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION });
    if (!result.ok) expect(result.details).toContain('node node-a has no NodeLocalStorage');
    expect(await lvsIn(managedVg)).toEqual([]);
    await writeNls(cluster.kubeConfig, managedVg);
  });

  it("an inline ephemeral volume naming the OS's VG is refused with the VG named, and no LV appears", async () => {
    const result = await plugin.client.call('Node', 'NodePublishVolume', {
      volume_id: 'csi-inline-os',
      target_path: join(sandbox.kubeletDir, 'pods', 'p1', 'volumes', 'kubernetes.io~csi', 'inline', 'mount'),
      volume_capability: mountCapability(),
      volume_context: { 'csi.storage.k8s.io/ephemeral': 'true', vgName: osVg, size: '8Mi' },
    });
    expect(result).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    if (!result.ok) expect(result.details).toBe(`invalid volume_context["vgName"] "${osVg}": volume group is not managed by the NodeLocalStorage of node node-a (managed: ${managedVg})`);
    expect(await lvsIn(osVg)).toEqual([]);
  });

  it("a StorageClass vgName of the OS's VG is refused with the VG named; the managed VG works", async () => {
    const refused = await create('pv-os', { volumeType: 'LVM', vgName: osVg });
    expect(refused).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    if (!refused.ok) expect(refused.details).toContain(`invalid parameters["vgName"] "${osVg}": volume group is not managed by the NodeLocalStorage of node node-a`);
    expect(await create('pv-managed', { volumeType: 'LVM', vgName: managedVg })).toMatchObject({ ok: true });
    expect(await lvsIn(osVg)).toEqual([]);
    expect(await lvsIn(managedVg)).toEqual(['pv-managed']);
  });

  it('best fit chooses among managed VGs only', async () => {
    const result = await create('pv-bestfit', { volumeType: 'LVM' });
    expect(result).toMatchObject({ ok: true, value: { volume: { volume_context: { vgName: managedVg } } } });
    expect(await lvsIn(osVg)).toEqual([]);
  });
});
