// Upgrade from Open-Local v0.7.1 on the host rung (#15): node and API state are built exactly as Open-Local
// leaves them (reference §1, §5.3, §5.4, §6: its lvcreate argv without tags, its NLSC and NLS, its StorageClasses,
// its PVC/PV shapes and annotations; its chart's API objects installed as a helm release with its values file), then
// `helm upgrade` of that release to our chart with the same values file, then our components run over it: the upgrade check reads the cluster, the
// csi-plugin (with API access) and external-provisioner --node-deployment serve node-a. LVM stage/publish/grow
// need device-mapper, which the host lacks: here they must find the Open-Local LV (FAILED_PRECONDITION naming
// device-mapper, not NOT_FOUND); the same data path runs in the QEMU guest. Device and MountPoint volumes are
// staged and published on the host with Open-Local's data, and deleting each claim removes what Open-Local made.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, StorageV1Api, type KubeConfig, type V1PersistentVolume } from '@kubernetes/client-node';
import { createHostSandbox, hostSkipReason, type HostSandbox } from '@openlocal/lvm/testing';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOpenLocalClaim, createTestNamespace, installCrds, installOpenLocalRelease, missingToolsReason, OPEN_LOCAL_VALUES_FILE, OPEN_LOCAL_VG_INCLUDE, openLocalCrds, openLocalVgStatus, runHelm, startCluster,
  toolPath, waitFor, writeOpenLocalNls, type Cluster, type HelmResult, type OpenLocalVolume, type TestNamespace,
} from '@openlocal/e2e/cluster';
import { createCsiClient, mountCapability, type CsiClient } from '../test/support/csi-client.js';

const exec = promisify(execFile);
const DRIVER = 'local.csi.aliyun.com';
const NODE = 'node-a';
const MiB = 2 ** 20;

const skipReason = (await hostSkipReason()) ?? missingToolsReason(['etcd', 'kube-apiserver', 'kube-controller-manager', 'csi-provisioner', 'helm']);
if (skipReason !== null) console.warn(`skipping the Open-Local upgrade tests: ${skipReason}`);

const distDir = join(import.meta.dirname, '..', 'dist');
const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const CHART_DIR = join(REPO_ROOT, 'charts', 'open-local');
const RELEASE = 'open-local';

/** Open-Local's lvmd CreateLV argv (`lvcreate -n NAME -L SIZEb -W y -y VG`, no --addtag); the host adds metadata-only flags. */
async function openLocalLvcreate(sandbox: HostSandbox, vgName: string, name: string, sizeBytes: number): Promise<void> {
  await sandbox.run(['lvm', 'lvcreate', '-n', name, '-L', `${sizeBytes}b`, '-W', 'n', '-y', '--driverloaded', 'n', '-an', '-Zn', vgName]);
}

async function lvsOf(sandbox: HostSandbox, vgName: string): Promise<Map<string, { sizeBytes: number; tags: string }>> {
  const { stdout } = await sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '--separator', ';', '-o', 'lv_name,lv_size,lv_tags', vgName]);
  const rows = stdout.split('\n').map((line) => line.trim().split(';')).filter((cells) => cells.length === 3);
  return new Map(rows.map(([name, size, tags]) => [name ?? '', { sizeBytes: Number(size), tags: tags ?? '' }]));
}

/** One `vgs` row as Open-Local's agent reads it (§2.3: vg_size, vg_free; LVs listed per VG). */
async function vgReport(sandbox: HostSandbox, vgName: string, physicalVolume: string) {
  const { stdout } = await sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '--separator', ';', '-o', 'vg_size,vg_free', vgName]);
  const [size, free] = stdout.trim().split(';').map(Number);
  const lvs = [...(await lvsOf(sandbox, vgName)).entries()].map(([name, lv]) => ({ name, sizeBytes: lv.sizeBytes }));
  return openLocalVgStatus({ name: vgName, sizeBytes: size ?? 0, freeBytes: free ?? 0, physicalVolumes: [physicalVolume], lvs });
}

describe.skipIf(skipReason !== null)('upgrading a running Open-Local v0.7.1 node', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let sandbox: HostSandbox;
  let namespace: TestNamespace;
  let client: CsiClient;
  const pid = process.pid;
  const pool = `open-local-pool-${pid}`;
  const userVg = `user-vg-${pid}`;
  let deviceDisk = '';
  let mountPoint = '';
  const pvNames = new Map<string, string>();
  let helmHome = '';
  const helm = (args: readonly string[]): Promise<HelmResult> => runHelm([...args, '--kubeconfig', cluster.kubeconfigPath], { home: helmHome, timeoutMs: 180_000 });

  /** An Open-Local claim on node-a (or options.node) in the test namespace; its PV name recorded by claim. */
  async function openLocalClaim(volume: OpenLocalVolume, options: { pvName?: string; handle?: string; node?: string } = {}): Promise<V1PersistentVolume> {
    const pv = await createOpenLocalClaim(kubeConfig, volume, { ...options, namespace: namespace.name, node: options.node ?? NODE });
    pvNames.set(volume.claim, pv.metadata?.name ?? '');
    return pv;
  }

  async function runCheck(): Promise<{ code: number; stdout: string; stderr: string }> {
    return exec(process.execPath, [join(distDir, 'upgrade-check-main.js'), '--kubeconfig', cluster.kubeconfigPath]).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  beforeAll(async () => {
    // loop0: Open-Local's pool VG; loop1: a Device volume's disk; loop2: a MountPoint's disk; loop3: a VG Open-Local does not manage.
    sandbox = await createHostSandbox([256, 64, 64, 32], { dirPrefix: 'openlocal-upgrade-' });
    const [poolDisk, disk, mountDisk, userDisk] = sandbox.loops as [string, string, string, string];
    deviceDisk = disk;
    // Open-Local's agent: pvcreate + vgcreate of resourceToBeInited (§1.7); a user's own VG beside it.
    await sandbox.run(['lvm', 'vgcreate', pool, poolDisk]);
    await sandbox.run(['lvm', 'vgcreate', userVg, userDisk]);
    // Open-Local's Device publish: mkfs.ext4 -F -m0 on first use (§5.14), then the app wrote its data.
    await exec('mkfs.ext4', ['-q', '-F', '-m0', deviceDisk]);
    const scratch = join(sandbox.root, 'scratch');
    await mkdir(scratch);
    await exec('mount', [deviceDisk, scratch]);
    await writeFile(join(scratch, 'data.txt'), 'written under Open-Local (Device)\n');
    await exec('umount', [scratch]);
    // Open-Local's agent mountpoints init: mkfs + mount under --path.mount (§1.7); the app's data inside.
    mountPoint = join(sandbox.root, 'mnt', 'disk-1');
    await mkdir(mountPoint, { recursive: true });
    await exec('mkfs.ext4', ['-q', '-F', mountDisk]);
    await exec('mount', ['-t', 'ext4', mountDisk, mountPoint]);
    await writeFile(join(mountPoint, 'data.txt'), 'written under Open-Local (MountPoint)\n');

    helmHome = await mkdtemp(join(tmpdir(), 'openlocal-upgrade-helm-'));
    cluster = await startCluster({ nodes: [{ name: NODE }] });
    kubeConfig = cluster.kubeConfig;
    await installCrds(kubeConfig, await openLocalCrds());
    namespace = await createTestNamespace(kubeConfig, 'open-local-upgrade');
  });

  afterAll(async () => {
    client?.close();
    await cluster?.stop();
    await sandbox?.cleanup();
    if (helmHome !== '') await rm(helmHome, { recursive: true, force: true });
  });

  it('builds the API state Open-Local v0.7.1 leaves: its helm release (NLSC, StorageClasses, CSIDriver), NLS, claims and untagged LVs', async () => {
    // Open-Local's chart as a helm release named open-local, installed with its users' values file.
    const installed = await installOpenLocalRelease({ kubeconfigPath: cluster.kubeconfigPath, workDir: helmHome, release: RELEASE });
    expect(installed.exitCode, installed.stderr).toBe(0);
    // What a user adds to the NLSC with kubectl for Device and MountPoint volumes, and the VG on this node's disk.
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const listConfig = { vgs: { include: OPEN_LOCAL_VG_INCLUDE }, devices: { include: [deviceDisk] }, mountPoints: { include: [`${join(sandbox.root, 'mnt')}/[^/]+`] } };
    const resourceToBeInited = { vgs: [{ name: pool, devices: [sandbox.loops[0] ?? ''] }] };
    const nlsc = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorageinitconfigs', name: 'open-local' };
    await custom.patchClusterCustomObject({ ...nlsc, body: { spec: { globalConfig: { listConfig, resourceToBeInited } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    // Open-Local's chart ships no MountPoint class; its docs' examples use this one, created by hand.
    await kubeConfig.makeApiClient(StorageV1Api).createStorageClass({
      body: { metadata: { name: 'open-local-mountpoint-hdd' }, provisioner: DRIVER, parameters: { volumeType: 'MountPoint', mediaType: 'hdd' }, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: false },
    });

    // Three healthy Open-Local volumes: an LVM claim (its LV created by Open-Local's argv, no tag), a Device, a MountPoint.
    const lvm = await openLocalClaim({ claim: 'data-db-0', storageClassName: 'open-local-lvm', sizeBytes: 64 * MiB, fsType: 'ext4', attributes: { volumeType: 'LVM', vgName: pool, 'csi.storage.k8s.io/fstype': 'ext4' } });
    await openLocalLvcreate(sandbox, pool, lvm.metadata?.name ?? '', 64 * MiB);
    await openLocalClaim({ claim: 'disk-db-0', storageClassName: 'open-local-device-hdd', sizeBytes: 64 * MiB, fsType: 'ext4', attributes: { volumeType: 'Device', mediaType: 'hdd', Device: deviceDisk } });
    await openLocalClaim({ claim: 'logs-db-0', storageClassName: 'open-local-mountpoint-hdd', sizeBytes: 64 * MiB, fsType: 'ext4', attributes: { volumeType: 'MountPoint', mediaType: 'hdd', MountPoint: mountPoint } });
    expect([...(await lvsOf(sandbox, pool)).values()]).toEqual([{ sizeBytes: 64 * MiB, tags: '' }]);
    await writeNodeANls();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await waitFor({ what: 'the three claims Bound by kube-controller-manager', timeoutMs: 60_000 }, async () => {
      const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: namespace.name })).items;
      return claims.every((c) => c.status?.phase === 'Bound') ? { done: true, value: true } : { done: false, observed: claims.map((c) => `${c.metadata?.name}: ${c.status?.phase}`) };
    });
  });

  it("helm upgrade of Open-Local's release to our chart with Open-Local's values file: revision 2, the same StorageClasses, the volumes still Bound", async () => {
    // Migration guide step: a class our chart also ships but that was made by hand is handed to the release first
    // (helm refuses to take over an object another owner made: "invalid ownership metadata").
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    const owner = { 'meta.helm.sh/release-name': RELEASE, 'meta.helm.sh/release-namespace': 'kube-system' };
    await storage.patchStorageClass({ name: 'open-local-mountpoint-hdd', body: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: owner } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const before = (await storage.listStorageClass()).items.map((sc) => ({ name: sc.metadata?.name, parameters: sc.parameters, uid: sc.metadata?.uid }));
    const upgraded = await helm(['upgrade', RELEASE, CHART_DIR, '--namespace', 'kube-system', '--values', OPEN_LOCAL_VALUES_FILE, '--timeout', '2m']);
    expect(upgraded.exitCode, upgraded.stderr).toBe(0);
    const releases = JSON.parse((await helm(['list', '--namespace', 'kube-system', '-o', 'json'])).stdout) as { name: string; revision: string; status: string; chart: string }[];
    const release = releases.find((r) => r.name === RELEASE);
    expect({ revision: release?.revision, status: release?.status }).toEqual({ revision: '2', status: 'deployed' });
    expect(release?.chart).toMatch(/^open-local-/);
    expect(release?.chart).not.toBe('open-local-v0.7.1');
    // StorageClass parameters are immutable: the same objects (same uid) with the same parameters, now our release's.
    const after = (await storage.listStorageClass()).items.map((sc) => ({ name: sc.metadata?.name, parameters: sc.parameters, uid: sc.metadata?.uid }));
    expect(after).toEqual(before);
    // Our components' objects exist (no kubelet runs them here), with Open-Local's port and strategy from its values.
    const manifest = (await helm(['get', 'manifest', RELEASE, '--namespace', 'kube-system'])).stdout;
    expect(manifest).toContain('--port=23000');
    expect(manifest).toContain('--strategy=spread');
    const claims = (await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPersistentVolumeClaim({ namespace: namespace.name })).items;
    expect(claims.map((c) => `${c.metadata?.name}: ${c.status?.phase}`).sort()).toEqual(['data-db-0: Bound', 'disk-db-0: Bound', 'logs-db-0: Bound']);
  });

  /** The NLS of node-a as Open-Local's controller (spec) and agent (status) write it (§1.3, §2.3). */
  async function writeNodeANls(): Promise<void> {
    const listConfig = { vgs: { include: OPEN_LOCAL_VG_INCLUDE }, devices: { include: [deviceDisk] }, mountPoints: { include: [`${join(sandbox.root, 'mnt')}/[^/]+`] } };
    const spec = { listConfig, resourceToBeInited: { vgs: [{ name: pool, devices: [sandbox.loops[0] ?? ''] }] } };
    const nodeStorageInfo = {
      deviceInfo: [{ name: deviceDisk, mediaType: 'hdd', total: 64 * MiB, readOnly: false, condition: 'DiskReady' }],
      volumeGroups: [await vgReport(sandbox, pool, sandbox.loops[0] ?? ''), await vgReport(sandbox, userVg, sandbox.loops[3] ?? '')],
      mountPoints: [{ name: mountPoint, total: 60 * MiB, available: 55 * MiB, fsType: 'ext4', isBind: false, options: ['rw', 'relatime'], device: sandbox.loops[2] ?? '', readOnly: false, condition: 'DiskReady' }],
    };
    await writeOpenLocalNls(kubeConfig, NODE, { spec, status: { nodeStorageInfo, filteredStorageInfo: { volumeGroups: [pool], devices: [deviceDisk], mountPoints: [mountPoint] } } });
  }

  it('the upgrade check says every healthy Open-Local volume will be adopted, and exits 0', async () => {
    const result = await runCheck();
    console.log(`open-local-upgrade-check (healthy cluster), exit ${result.code}:\n${result.stdout}${result.stderr}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${pvNames.get('data-db-0')}\\s+${namespace.name}/data-db-0\\s+${NODE}\\s+LVM\\s+${pool}/${pvNames.get('data-db-0')}\\s+67108864\\s+adopted: untagged LV of 64Mi`));
    expect(result.stdout).toMatch(new RegExp(`Device\\s+${deviceDisk}\\s+67108864\\s+adopted: its claim of ${deviceDisk} is recorded`));
    expect(result.stdout).toMatch(/MountPoint\s+\S+disk-1\s+67108864\s+adopted/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('All 3 Open-Local PV(s) will be adopted.');
  });

  it('adds what will break: an LV of another size, a VG outside the NLS, two PVs naming one LV, a PV on a node that is gone', async () => {
    const lvmClass = { storageClassName: 'open-local-lvm', fsType: 'ext4' };
    await openLocalClaim({ ...lvmClass, claim: 'resized-0', sizeBytes: 64 * MiB, attributes: { volumeType: 'LVM', vgName: pool } }, { pvName: `local-resized-${pid}` });
    await openLocalLvcreate(sandbox, pool, `local-resized-${pid}`, 32 * MiB);
    await openLocalClaim({ ...lvmClass, claim: 'user-0', sizeBytes: 16 * MiB, attributes: { volumeType: 'LVM', vgName: userVg } }, { pvName: `local-user-${pid}` });
    await openLocalLvcreate(sandbox, userVg, `local-user-${pid}`, 16 * MiB);
    await openLocalClaim({ ...lvmClass, claim: 'twin-a', sizeBytes: 16 * MiB, attributes: { volumeType: 'LVM', vgName: pool } }, { pvName: `local-twin-${pid}` });
    const twin = await openLocalClaimSharing(`local-twin-${pid}`);
    await openLocalLvcreate(sandbox, pool, `local-twin-${pid}`, 16 * MiB);
    await openLocalClaim({ ...lvmClass, claim: 'lost-0', sizeBytes: 16 * MiB, attributes: { volumeType: 'LVM', vgName: pool } }, { pvName: `local-lost-${pid}`, node: 'node-gone' });
    await writeNodeANls();
    const result = await runCheck();
    console.log(`open-local-upgrade-check (with broken volumes), exit ${result.code}:\n${result.stdout}${result.stderr}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('open-local-upgrade-check: 5 Open-Local PV(s) will not work after the upgrade\n');
    const lineOf = (pv: string) => result.stdout.split('\n').find((line) => line.startsWith(`${pv} `)) ?? '';
    expect(lineOf(`local-resized-${pid}`)).toContain(`WILL NOT WORK: PV local-resized-${pid}: LV ${pool}/local-resized-${pid} has 33554432 bytes but the PV's capacity is 67108864 bytes`);
    expect(lineOf(`local-user-${pid}`)).toContain(`WILL NOT WORK: PV local-user-${pid}: VG ${userVg} is not among the VGs the NLS of node ${NODE} manages (${pool})`);
    expect(lineOf(`local-twin-${pid}`)).toContain(`is also named by PV ${twin}`);
    expect(lineOf(twin)).toContain(`is also named by PV local-twin-${pid}`);
    expect(lineOf(`local-lost-${pid}`)).toContain('WILL NOT WORK: PV local-lost-');
    expect(lineOf(`local-lost-${pid}`)).toContain('node node-gone no longer exists');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('5 of 8 Open-Local PV(s) will not work after the upgrade; fix them first (docs/migrating-from-open-local.md).');
  });

  /** A second PV whose volumeHandle names the same LV as `handle` (a hand-made copy, as after a botched restore). */
  async function openLocalClaimSharing(handle: string): Promise<string> {
    const copy = `${handle}-copy`;
    await openLocalClaim({ claim: 'twin-b', storageClassName: 'open-local-lvm', sizeBytes: 16 * MiB, fsType: 'ext4', attributes: { volumeType: 'LVM', vgName: pool } }, { pvName: copy, handle });
    return copy;
  }

  it('starts our csi-plugin (API access) and external-provisioner --node-deployment on the Open-Local node', async () => {
    const socketPath = join(sandbox.root, 'csi.sock');
    await cluster.startProcess({
      name: 'csi-plugin-node-a',
      command: process.execPath,
      args: [
        join(distDir, 'main.js'), '--endpoint', `unix://${socketPath}`, '--nodeid', NODE, '--kubeconfig', cluster.kubeconfigPath, '--kubelet-dir', sandbox.kubeletDir,
        '--lvm-system-dir', sandbox.lvmSystemDir, '--device-regexp', sandbox.deviceRegexp, '--mount-dir', join(sandbox.root, 'mnt'), '--metrics-port=0',
      ],
    });
    await cluster.startProcess({
      name: 'csi-provisioner-node-a',
      command: toolPath('csi-provisioner'),
      args: [`--csi-address=${socketPath}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local', '--leader-election=false', '--retry-interval-start=1s', '--retry-interval-max=5s', '--v=4'],
      env: { NODE_NAME: NODE },
    });
    await kubeConfig.makeApiClient(StorageV1Api).createCSINode({ body: { metadata: { name: NODE }, spec: { drivers: [{ name: DRIVER, nodeID: NODE, topologyKeys: ['kubernetes.io/hostname'] }] } } });
    client = createCsiClient(socketPath);
    await waitFor({ what: 'the plugin answering Probe', timeoutMs: 30_000 }, async () => ((await client.call('Identity', 'Probe', {})).ok ? { done: true, value: true } : { done: false, observed: 'not yet' }));
  });

  const staging = (pv: string) => join(sandbox.kubeletDir, 'plugins', 'kubernetes.io', 'csi', DRIVER, pv, 'globalmount');
  const target = (pv: string) => join(sandbox.kubeletDir, 'pods', 'pod-1', 'volumes', 'kubernetes.io~csi', pv, 'mount');

  it('finds the untagged Open-Local LV for stage and expand instead of answering NOT_FOUND', async () => {
    const pv = pvNames.get('data-db-0') ?? '';
    const stage = await client.call('Node', 'NodeStageVolume', { volume_id: pv, staging_target_path: staging(pv), volume_capability: mountCapability('ext4'), volume_context: { volumeType: 'LVM', vgName: pool } });
    // The LV is found; the host cannot activate it (no device-mapper) and says so. In the guest this mounts.
    expect(stage).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION, details: expect.stringContaining('no device-mapper') });
    const grow = await client.call('Controller', 'ControllerExpandVolume', { volume_id: pv, capacity_range: { required_bytes: String(96 * MiB) } });
    expect(grow).toMatchObject({ ok: true, value: { capacity_bytes: String(96 * MiB), node_expansion_required: true } });
    // Nothing was tagged, formatted or resized by looking.
    expect((await lvsOf(sandbox, pool)).get(pv)).toEqual({ sizeBytes: 64 * MiB, tags: '' });
  });

  it('stages and publishes the Open-Local Device and MountPoint volumes onto their existing data', async () => {
    for (const [claim, text] of [['disk-db-0', 'written under Open-Local (Device)\n'], ['logs-db-0', 'written under Open-Local (MountPoint)\n']] as const) {
      const pv = pvNames.get(claim) ?? '';
      await client.must('Node', 'NodeStageVolume', { volume_id: pv, staging_target_path: staging(pv), volume_capability: mountCapability('ext4') });
      await client.must('Node', 'NodePublishVolume', { volume_id: pv, staging_target_path: staging(pv), target_path: target(pv), volume_capability: mountCapability('ext4') });
      expect(await readFile(join(target(pv), 'data.txt'), 'utf8')).toBe(text);
      const stats = await client.must<{ usage: { unit: string; total: string }[] }>('Node', 'NodeGetVolumeStats', { volume_id: pv, volume_path: target(pv) });
      expect(Number(stats.usage.find((u) => u.unit === 'BYTES')?.total)).toBeGreaterThan(32 * MiB);
      await client.must('Node', 'NodeUnpublishVolume', { volume_id: pv, target_path: target(pv) });
      await client.must('Node', 'NodeUnstageVolume', { volume_id: pv, staging_target_path: staging(pv) });
    }
    // The claims are now recorded, so the disk is never handed to a new volume.
    const claims = await readdir(join(sandbox.kubeletDir, 'plugins', DRIVER, 'claims'));
    expect(claims.sort()).toEqual([`${pvNames.get('disk-db-0')}.json`, `${pvNames.get('logs-db-0')}.json`].sort());
  });

  it('refuses to delete an LV whose PV has another size, in a VG outside the NLS, or that two PVs name, and leaves each LV', async () => {
    const cases = [
      [`local-resized-${pid}`, `local-resized-${pid}`, "has 33554432 bytes but the PV's capacity is 67108864 bytes"],
      [`local-user-${pid}`, `local-user-${pid}`, `VG ${userVg} is not among the VGs`],
      [`local-twin-${pid}`, `local-twin-${pid}`, `is also named by PV local-twin-${pid}-copy`],
    ] as const;
    for (const [volumeId, pvName, why] of cases) {
      const result = await client.call('Controller', 'DeleteVolume', { volume_id: volumeId });
      expect(result).toMatchObject({ ok: false, code: status.FAILED_PRECONDITION, details: expect.stringContaining(`PV ${pvName}: `) });
      expect(result).toMatchObject({ details: expect.stringContaining(why) });
    }
    expect((await lvsOf(sandbox, pool)).get(`local-resized-${pid}`)?.sizeBytes).toBe(32 * MiB);
    expect((await lvsOf(sandbox, userVg)).get(`local-user-${pid}`)?.sizeBytes).toBe(16 * MiB);
    expect((await lvsOf(sandbox, pool)).get(`local-twin-${pid}`)?.sizeBytes).toBe(16 * MiB);
  });

  it('deleting the claims removes the Open-Local LV, wipes its disk and empties its mount point (external-provisioner → DeleteVolume)', async () => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (const claim of ['data-db-0', 'disk-db-0', 'logs-db-0']) await core.deleteNamespacedPersistentVolumeClaim({ name: claim, namespace: namespace.name });
    await waitFor({ what: 'the three Open-Local PVs deleted by the provisioner', timeoutMs: 120_000 }, async () => {
      const left = (await core.listPersistentVolume()).items.map((pv) => pv.metadata?.name ?? '').filter((name) => ['data-db-0', 'disk-db-0', 'logs-db-0'].some((c) => pvNames.get(c) === name));
      return left.length === 0 ? { done: true, value: true } : { done: false, observed: left };
    });
    expect((await lvsOf(sandbox, pool)).has(pvNames.get('data-db-0') ?? '')).toBe(false);
    const probe = await exec('blkid', ['-p', deviceDisk]).then(() => 'has a signature', (error: { code: number }) => (error.code === 2 ? 'blank' : `blkid exit ${error.code}`));
    expect(probe).toBe('blank');
    expect(await readdir(mountPoint)).toEqual([]);
    // The LVs nothing adopted are still there.
    expect([...(await lvsOf(sandbox, pool)).keys()].sort()).toEqual([`local-resized-${pid}`, `local-twin-${pid}`].sort());
  });
});
