// The kubelet rung: a real kubelet with containerd and runc, in the QEMU guest (real device-mapper), joins the
// host's control plane as node "guest-node", with the whole of Open-Local around it: the controller (host)
// writes the node's NodeLocalStorage from the init config, our agent (guest) creates the VG on the raw disk
// and reports it, kube-scheduler asks our extender (host) where the claim fits, our csi-plugin registers
// itself with kubelet and creates the LV the extender planned (through the node's external-provisioner),
// kubelet stages and publishes it into a running pod, a PVC resize goes
// external-resizer -> controller-mode plugin -> kubelet -> NodeExpandVolume (lvextend, then resize2fs online),
// and deleting the pod and claim unmounts and removes the LV. The class's iops and bps limit the pod's IO: read
// back from the pod's cgroup v2 io.max, and from its blkio.throttle files after a boot with cgroup v1 (#15).
// Nothing on the node is played by the test: it only reads what the node reports on the share (lvs, findmnt
// and the pods' cgroup files, written by guest-node.sh).
import { copyFileSync, mkdirSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, StorageV1Api, type KubeConfig, type KubernetesObject, type V1PersistentVolume, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, NLS, NLSC, VERSION, type NodeLocalStorage } from '@openlocal/crd-types';
import {
  appProcessSpec,
  applyManifests,
  createRunDir,
  createTestNamespace,
  freePorts,
  installCrds,
  openLocalCrds,
  missingToolsReason,
  snapshotCrdsMissingReason,
  repoRoot,
  startCluster,
  toolPath,
  waitFor,
  writeAdminKubeconfig,
  type Cluster,
  type TestNamespace,
} from '../cluster/index.js';
import { runInGuest, type GuestRunResult } from '../vm/run.js';
import { renderCniConflist, renderContainerdConfig, renderKubeletConfig } from './node-config.js';
import { isResizeFinished, markerContainer, MiB, okRequests, readNodeView, readOptional, type NodeView } from './node-view.js';
import { buildBusyboxImage, TEST_IMAGE } from './oci-image.js';
import { ioMaxLineFor, THROTTLE_PARAMETERS, throttleOnCgroupV1, waitForPodThrottle } from './io-throttle.js';
import { guestSkipReason } from './skip.js';
import { snapshotScenario, startSnapshotMachinery, THIN_POOL_ENV } from './snapshot-scenario.js';

const DRIVER = 'local.csi.aliyun.com';
const NODE = 'guest-node';
const VG = 'kubeletvg';
const CLASS = 'open-local-lvm-kubelet';

const skipReason = missingToolsReason(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'csi-provisioner', 'csi-resizer', 'csi-snapshotter', 'snapshot-controller']) ?? snapshotCrdsMissingReason() ?? (await guestSkipReason());
if (skipReason !== null) console.warn(`skipping the kubelet rung: ${skipReason}`);

interface AppVolume {
  pod: V1Pod;
  pv: V1PersistentVolume;
  volumeHandle: string;
  publishPath: string;
  /** What the pod wrote when the volume was new: the same text later means the same data. */
  firstMarker: string;
  report: NodeView;
}

/** The claim "data" (64 MiB, the extender's VG choice) and the pod "app" that mounts it at /data. */
function appManifests(): { claim: object; pod: object } {
  return {
    claim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: CLASS, resources: { requests: { storage: '64Mi' } } } },
    pod: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app' },
      spec: {
        hostNetwork: true,
        terminationGracePeriodSeconds: 1,
        containers: [markerContainer('/data')],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    },
  };
}

describe.skipIf(skipReason !== null)('a real kubelet in the QEMU guest', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let shareDir: string;
  let guest: Promise<GuestRunResult> | undefined;
  let guestEnded: GuestRunResult | undefined;
  // Aborts every wait at once when the guest node ends early (guest-node.sh wrote why on share/failed).
  let guestGone = new AbortController();
  let runDir: string;
  let diskFile: string;
  let guestEnv: Record<string, string>;
  let apiPort: string;
  let namespace: TestNamespace;
  let boots = 0;
  // The claim "data" as the node last showed it; set by ensureAppVolume, whichever test needs it first.
  let app: AppVolume | undefined;
  let extenderPort = 0;

  async function waitForRunning(name: string): Promise<V1Pod> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    return waitFor({ what: `pod ${name} Running`, timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const pod = await core.readNamespacedPod({ name, namespace: namespace.name });
      return pod.status?.phase === 'Running' ? { done: true, value: pod } : { done: false, observed: pod.status };
    });
  }

  /**
   * Boots the guest node on the persistent disk with a fresh share (configs written before it starts); with
   * cgroup v1 hierarchies instead of v2 when asked (the IO throttling test, #15).
   */
  function bootGuest(options: { cgroupVersion?: 'v1' | 'v2' } = {}): void {
    const cgroupVersion = options.cgroupVersion ?? 'v2';
    boots += 1;
    const label = `boot-${boots}`;
    const outputDir = join(runDir, label);
    shareDir = join(outputDir, 'share');
    mkdirSync(shareDir, { recursive: true });
    writeAdminKubeconfig(join(shareDir, 'kubeconfig'), { server: `https://10.0.2.2:${apiPort}`, pki: cluster.pki, tlsServerName: 'localhost' });
    writeFileSync(join(shareDir, 'containerd.toml'), renderContainerdConfig(TEST_IMAGE));
    writeFileSync(join(shareDir, 'cni.conflist'), renderCniConflist());
    writeFileSync(join(shareDir, 'kubelet.yaml'), renderKubeletConfig({ allowCgroupV1: cgroupVersion === 'v1' }));
    copyFileSync(join(runDir, 'image.tar'), join(shareDir, 'image.tar'));
    console.log(`kubelet rung ${label} (cgroup ${cgroupVersion}): guest console and node logs under ${outputDir}`);
    guestEnded = undefined;
    guestGone = new AbortController();
    const gone = guestGone;
    const share = shareDir;
    guest = runInGuest({
      argv: ['/bin/bash', join(repoRoot(), 'e2e', 'kubelet', 'guest-node.sh')],
      cwd: repoRoot(),
      env: guestEnv,
      disks: [{ file: diskFile }],
      network: true,
      memoryMiB: 2048,
      // Two vCPUs: kubelet, containerd, our two apps and the sidecars start at once (measured in the guest: five
      // of our bundles loading at once took 53 s on one emulated vCPU and 8.5 s on two).
      cpus: 2,
      cgroupVersion,
      timeoutMs: 20 * 60_000,
      outputDir,
      log: (message) => console.log(`[guest ${label}] ${message}`),
    });
    void guest.then((result) => {
      guestEnded = result;
      const restarts = readOptional(join(share, 'restarts'));
      if (restarts !== null) console.warn(`[guest ${label}] sidecar restarts on this boot:\n${restarts}`);
      gone.abort(new Error(`the guest node ended (exit code ${result.exitCode}): ${readOptional(join(share, 'failed')) ?? 'no reason recorded'}; logs in ${join(share, 'logs')}, console ${result.consoleLogPath}`));
    });
  }

  /** Bytes the extender counts as used on each VG of the node. */
  async function extenderUsedBytes(): Promise<Record<string, number>> {
    const body = (await (await fetch(`http://127.0.0.1:${extenderPort}/cache?nodeName=${NODE}`)).json()) as { nodes: { view?: { volumeGroups: { name: string; usedBytes: number }[] } }[] };
    return Object.fromEntries((body.nodes[0]?.view?.volumeGroups ?? []).map((vg) => [vg.name, vg.usedBytes]));
  }

  /**
   * The node's own view, as guest-node.sh last wrote it. Waits need not call it to notice a dead node: the
   * guestGone signal aborts them when the guest ends (guest-node.sh exits right after writing share/failed).
   */
  function nodeReport(): NodeView {
    const failed = readOptional(join(shareDir, 'failed'));
    if (failed !== null || guestEnded !== undefined) throw new Error(`the guest node is gone: ${failed ?? `guest ended with exit code ${guestEnded?.exitCode}`}; logs in ${join(shareDir, 'logs')}`);
    return readNodeView(shareDir);
  }

  /** Waits until the node is Ready and its CSINode lists our driver (the plugin registered itself). */
  async function waitForNodeReady(): Promise<{ nodeID?: string; topologyKeys?: string[] }> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    await waitFor({ what: `node ${NODE} Ready`, timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const node = await core.readNode({ name: NODE }).catch(() => undefined);
      const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' ? { done: true, value: true } : { done: false, observed: ready ?? 'not registered' };
    });
    return waitFor({ what: `CSINode ${NODE} lists ${DRIVER}`, timeoutMs: 120_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const csiNode = await storage.readCSINode({ name: NODE }).catch(() => undefined);
      const found = csiNode?.spec?.drivers?.find((d) => d.name === DRIVER);
      return found ? { done: true, value: found } : { done: false, observed: csiNode?.spec ?? 'no CSINode' };
    });
  }

  /**
   * Each test starts from a running node whatever happened before it: a node that an earlier test left dead
   * (or powered off) is booted again on the same disk. Tests so never depend on an earlier test's success.
   */
  async function ensureNodeUp(): Promise<void> {
    if (guestEnded !== undefined) {
      console.warn(`the guest node is down (exit code ${guestEnded.exitCode}); booting it again on the same disk`);
      bootGuest();
    }
    await waitForNodeReady();
  }

  /**
   * The claim "data" mounted in the running pod "app", created when no earlier test did, with what the node
   * shows of it: the LV, kubelet's publish path and the marker the pod wrote.
   */
  async function ensureAppVolume(): Promise<AppVolume> {
    await ensureNodeUp();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const hasClaim = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: namespace.name }).then(() => true, () => false);
    const hasPod = await core.readNamespacedPod({ name: 'app', namespace: namespace.name }).then(() => true, () => false);
    const { claim: claimManifest, pod: podManifest } = appManifests();
    const missing = [...(hasClaim ? [] : [claimManifest]), ...(hasPod ? [] : [podManifest])];
    if (missing.length > 0) await applyManifests(kubeConfig, missing as KubernetesObject[], { namespace: namespace.name });
    const pod = await waitForRunning('app');
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: namespace.name });
    const pv = await core.readPersistentVolume({ name: claim.spec?.volumeName ?? '' });
    const publishPath = `/var/lib/kubelet/pods/${pod.metadata?.uid}/volumes/kubernetes.io~csi/${pv.metadata?.name}/mount`;
    const report = await waitFor({ what: 'the node reporting the published volume', timeoutMs: 60_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const r = nodeReport();
      return r.mounts.some((m) => m.target === publishPath) && r.markers.has(`${publishPath}/marker`) ? { done: true, value: r } : { done: false, observed: { mounts: r.mounts.map((m) => m.target), markers: [...r.markers] } };
    });
    // The marker first seen is kept: it is the proof, across grows and reboots, that the data is the same.
    const known = app;
    const marker = known !== undefined && known.volumeHandle === pv.spec?.csi?.volumeHandle ? known.firstMarker : (report.markers.get(`${publishPath}/marker`) ?? '');
    app = { pod, pv, volumeHandle: pv.spec?.csi?.volumeHandle ?? '', publishPath, firstMarker: marker, report };
    return app;
  }

  beforeAll(async () => {
    runDir = createRunDir('kubelet');
    let controllerPort: number;
    [extenderPort, controllerPort] = (await freePorts(2)) as [number, number];
    const extenderOnHost = `http://127.0.0.1:${extenderPort}`;
    // kube-scheduler asks the extender (ignorable: it may come up a moment after the scheduler).
    cluster = await startCluster({
      runDir,
      scheduler: { extenders: [{ urlPrefix: `${extenderOnHost}/scheduler`, filterVerb: 'predicates', prioritizeVerb: 'priorities', weight: 10, nodeCacheCapable: true, ignorable: true }] },
    });
    kubeConfig = cluster.kubeConfig;
    await installCrds(kubeConfig, await openLocalCrds());
    const manifests: object[] = [
      { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: DRIVER }, spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] } },
      {
        // No vgName: the extender chooses the VG, and CreateVolume asks it for the plan.
        apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: CLASS }, provisioner: DRIVER,
        volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', allowVolumeExpansion: true,
        // iops and bps (#15): every pod of this class gets the limits in its cgroup; the tests read them back.
        parameters: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext4', ...THROTTLE_PARAMETERS },
      },
      {
        apiVersion: `${GROUP}/${VERSION}`, kind: NLSC.kind, metadata: { name: 'open-local' },
        spec: { globalConfig: { listConfig: { vgs: { include: [VG] } }, resourceToBeInited: { vgs: [{ name: VG, devices: ['/dev/vda'] }] } } },
      },
    ];
    await applyManifests(kubeConfig, manifests as KubernetesObject[]);
    await cluster.startProcess(appProcessSpec({
      name: 'controller', packageName: '@openlocal/controller',
      args: ['--kubeconfig', cluster.kubeconfigPath, '--http-host', '127.0.0.1', '--http-port', String(controllerPort), '--no-leader-elect', '--resync-period', '5s'],
    }));
    await cluster.startProcess(appProcessSpec({
      name: 'scheduler-extender', packageName: '@openlocal/scheduler-extender',
      args: ['--kubeconfig', cluster.kubeconfigPath, '--host', '127.0.0.1', '--port', String(extenderPort), '--strategy', 'binpack'],
    }));
    // Expansion's controller half runs on the host, as a central Deployment would.
    const controllerSocket = join(cluster.workDir, 'csi-controller.sock');
    const pluginBin = join(repoRoot(), 'packages', 'csi-plugin', 'dist', 'main.js');
    await cluster.startProcess({ name: 'csi-plugin-controller', command: process.execPath, args: [pluginBin, '--endpoint', `unix://${controllerSocket}`, '--mode', 'controller', '--metrics-port=0'] });
    await cluster.startProcess({ name: 'csi-resizer', command: toolPath('csi-resizer'), args: [`--csi-address=${controllerSocket}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--leader-election=false', '--v=4'] });

    apiPort = new URL(cluster.apiServerUrl).port;
    // The node's disk is a file of ours, so a second boot (the power-cycle test) finds the same VG and LVs.
    diskFile = join(runDir, 'node-disk.raw');
    writeFileSync(diskFile, '');
    truncateSync(diskFile, 1024 * MiB);
    await buildBusyboxImage(join(runDir, 'image.tar'));
    // The guest reaches the host's loopback at 10.0.2.2.
    guestEnv = { NODE_NAME: NODE, VG_NAME: VG, TOOLS_BIN: realpathSync(join(toolPath('kubelet'), '..')), EXTENDER_URL: `http://10.0.2.2:${extenderPort}`, THIN_POOL: THIN_POOL_ENV };
    // Snapshots (#17, snapshot-scenario.ts): CRDs and snapshot-controller on the host before the node's csi-snapshotter starts.
    await startSnapshotMachinery(cluster);
    bootGuest();
    namespace = await createTestNamespace(kubeConfig, 'kubelet-rung');
  }, 300_000);

  afterAll(async () => {
    if (shareDir !== undefined) writeFileSync(join(shareDir, 'stop'), 'done\n');
    const ended = await Promise.race([guest, new Promise((resolve) => setTimeout(resolve, 60_000, 'still running'))]);
    if (ended === 'still running') console.warn('the guest did not stop within 60 s of the stop file; runInGuest kills it at its deadline');
    await cluster?.stop();
    if (diskFile !== undefined) rmSync(diskFile, { force: true });
  }, 180_000);

  it('registers the guest node, Ready, with our driver in its CSINode (the plugin registered itself)', async () => {
    await ensureNodeUp();
    expect(await waitForNodeReady()).toMatchObject({ nodeID: NODE, topologyKeys: ['kubernetes.io/hostname'] });
  });

  it('gets its NodeLocalStorage from the controller, and the agent creates and reports the VG on the raw disk', async () => {
    await ensureNodeUp();
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const nls = await waitFor({ what: `NLS ${NODE} reporting VG ${VG}`, timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const object = (await custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: NODE })) as NodeLocalStorage;
      const vg = object.status?.nodeStorageInfo?.volumeGroups?.find((v) => v.name === VG);
      return vg ? { done: true, value: object } : { done: false, observed: object.status ?? object.spec };
    });
    expect(nls.spec?.resourceToBeInited?.vgs).toEqual([{ name: VG, devices: ['/dev/vda'] }]);
    const vg = nls.status?.nodeStorageInfo?.volumeGroups?.find((v) => v.name === VG);
    // A 1 GiB disk, less LVM's metadata: the real size, as the agent read it.
    expect(vg?.total).toBeGreaterThan(1000 * MiB);
    expect(vg?.total).toBeLessThanOrEqual(1024 * MiB);
    expect(nls.status?.filteredStorageInfo?.volumeGroups).toEqual([VG]);
  });

  it('provisions, stages and publishes an LV into a running pod', async () => {
    const { pod, pv, volumeHandle, publishPath, firstMarker, report } = await ensureAppVolume();
    expect(pod.spec?.nodeName).toBe(NODE);
    // The extender placed the claim on this node's VG and counts it there; CreateVolume asked it for the plan
    // (kube-scheduler's filter calls and the plugin's plan call, from the extender's own request metrics).
    expect(await extenderUsedBytes()).toEqual({ [VG]: 64 * MiB });
    const metrics = await (await fetch(`http://127.0.0.1:${extenderPort}/metrics`)).text();
    expect(okRequests(metrics, '/scheduler/predicates')).toBeGreaterThanOrEqual(1);
    expect(okRequests(metrics, '/apis/scheduling/:namespace/persistentvolumeclaims/:name')).toBeGreaterThanOrEqual(1);
    expect(pv.spec?.csi?.volumeAttributes).toMatchObject({ volumeType: 'LVM', vgName: VG });
    // On the node: the LV exists at the requested size and kubelet's publish path of this pod is an ext4 mount;
    // what the container wrote to /data is on the LV kubelet published for it.
    expect(firstMarker).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(report.lvs.get(volumeHandle)).toBe(64 * MiB);
    const published = report.mounts.find((m) => m.target === publishPath);
    expect(published).toMatchObject({ fstype: 'ext4' });
    expect(Number(published?.size)).toBeGreaterThan(50 * MiB);
    expect(Number(published?.size)).toBeLessThanOrEqual(64 * MiB);
  });

  it('limits the pod\'s IO to the class\'s iops and bps in its cgroup v2 io.max, on the LV\'s device', async () => {
    const { pod, volumeHandle } = await ensureAppVolume();
    // kubelet called NodePublishVolume; the plugin found the pod's cgroup (cgroupfs driver, BestEffort) and wrote
    // io.max there. The device number is LVM's (lv_kernel_major:minor), not the plugin's own reading.
    const view = await waitForPodThrottle({ shareDir, podUid: pod.metadata?.uid ?? '', lvName: volumeHandle, file: 'io.max', signal: guestGone.signal });
    expect(view.files.get('io.max')).toContain(ioMaxLineFor(view.majMin));
    expect([...view.files.keys()].filter((file) => file.startsWith('blkio.'))).toEqual([]);
  });

  it('grows the volume online when the claim grows: kubelet calls NodeExpandVolume, which runs lvextend and resize2fs', async () => {
    const { volumeHandle, publishPath, firstMarker } = await ensureAppVolume();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.patchNamespacedPersistentVolumeClaim(
      { name: 'data', namespace: namespace.name, body: { spec: { resources: { requests: { storage: '128Mi' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // Done only when kubelet has reported the node step finished: capacity updated, no resize conditions left.
    await waitFor({ what: 'claim data grown to 128Mi by the node', timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const status = (await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: namespace.name })).status ?? {};
      return isResizeFinished(status, '128Mi') ? { done: true, value: true } : { done: false, observed: status };
    });
    const { lvs, mounts, markers } = await waitFor({ what: 'the node reporting the grown filesystem', timeoutMs: 30_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const report = nodeReport();
      const published = report.mounts.find((m) => m.target.includes('/pods/') && m.target.includes('kubernetes.io~csi'));
      return Number(published?.size) > 100 * MiB ? { done: true, value: report } : { done: false, observed: published };
    });
    expect(lvs.get(volumeHandle)).toBe(128 * MiB);
    const published = mounts.find((m) => m.target === publishPath);
    expect(Number(published?.size)).toBeLessThanOrEqual(128 * MiB);
    // Online: the pod kept running on the same filesystem, and its data is still there.
    expect(markers.get(`${publishPath}/marker`)).toBe(firstMarker);
    expect((await core.readNamespacedPod({ name: 'app', namespace: namespace.name })).status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('gives a pod an inline ephemeral volume: the LV is created at publish and removed with the pod', async () => {
    await ensureNodeUp();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const beforeReport = nodeReport();
    const before = new Set(beforeReport.lvs.keys());
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'scratch' },
      spec: {
        hostNetwork: true,
        terminationGracePeriodSeconds: 1,
        containers: [markerContainer('/scratch')],
        volumes: [{ name: 'data', csi: { driver: DRIVER, volumeAttributes: { vgName: VG, size: '32Mi' } } }],
      },
    };
    await applyManifests(kubeConfig, [pod] as KubernetesObject[], { namespace: namespace.name });
    await waitForRunning('scratch');
    const report = await waitFor({ what: 'the node reporting the ephemeral volume and its marker', timeoutMs: 30_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const r = nodeReport();
      return [...r.markers.values()].some((m) => m.startsWith('scratch-')) ? { done: true, value: r } : { done: false, observed: [...r.markers] };
    });
    const created = [...report.lvs].filter(([name]) => !before.has(name));
    expect(created).toHaveLength(1);
    expect(created[0]?.[1]).toBe(32 * MiB);
    await core.deleteNamespacedPod({ name: 'scratch', namespace: namespace.name });
    await waitFor({ what: `ephemeral LV ${created[0]?.[0]} removed at unpublish`, timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const r = nodeReport();
      return r.lvs.has(created[0]?.[0] ?? '') ? { done: false, observed: [...r.lvs.keys()] } : { done: true, value: true };
    });
    // Every other LV is untouched.
    const after = nodeReport().lvs;
    expect([...after].filter(([name]) => before.has(name))).toEqual([...beforeReport.lvs]);
  });

  it('survives a power cycle: after a cold boot the agent activates the VG, kubelet mounts the same LV again and the data is there', async () => {
    const { volumeHandle, publishPath, firstMarker, report: beforeReport } = await ensureAppVolume();
    const sizeBefore = beforeReport.lvs.get(volumeHandle);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const before = await core.readNamespacedPod({ name: 'app', namespace: namespace.name });
    writeFileSync(join(shareDir, 'stop'), 'power cycle\n');
    const first = await guest;
    expect(first?.exitCode).toBe(0);
    bootGuest();
    // A fresh kubelet (its state dir is tmpfs) finds the pod bound to its node and starts it again: stage and
    // publish on the LV the agent activated, not a new or reformatted one.
    await waitFor({ what: 'pod app running again after the reboot', timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const pod = await core.readNamespacedPod({ name: 'app', namespace: namespace.name });
      const started = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
      const isNew = started !== undefined && started.getTime() > (before.status?.containerStatuses?.[0]?.state?.running?.startedAt?.getTime() ?? 0);
      return pod.status?.phase === 'Running' && isNew ? { done: true, value: pod } : { done: false, observed: pod.status };
    });
    const report = await waitFor({ what: 'the node reporting the volume mounted again', timeoutMs: 60_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const r = nodeReport();
      return r.markers.has(`${publishPath}/marker`) ? { done: true, value: r } : { done: false, observed: { mounts: r.mounts.map((m) => m.target), markers: [...r.markers] } };
    });
    // The marker names the first boot: the volume kept its data across the power cycle.
    expect(report.markers.get(`${publishPath}/marker`)).toBe(firstMarker);
    // The new kernel's pod cgroup got the IO limits again when kubelet published the volume again (#15).
    const { pod } = await ensureAppVolume();
    const limits = await waitForPodThrottle({ shareDir, podUid: pod.metadata?.uid ?? '', lvName: volumeHandle, file: 'io.max', signal: guestGone.signal });
    expect(limits.files.get('io.max')).toContain(ioMaxLineFor(limits.majMin));
    expect(report.lvs.get(volumeHandle)).toBe(sizeBefore);
    expect(Number(report.mounts.find((m) => m.target === publishPath)?.size)).toBeGreaterThan(Number(sizeBefore) * 0.75);
  });

  it('unmounts and removes the LV when the pod and the claim are deleted', async () => {
    const { volumeHandle } = await ensureAppVolume();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.deleteNamespacedPod({ name: 'app', namespace: namespace.name });
    await waitFor({ what: 'pod app gone (kubelet unpublished and unstaged)', timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const gone = await core.readNamespacedPod({ name: 'app', namespace: namespace.name }).then(() => false, () => true);
      return gone ? { done: true, value: true } : { done: false, observed: 'still there' };
    });
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: namespace.name });
    await waitFor({ what: `LV ${volumeHandle} removed on the node`, timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const r = nodeReport();
      return r.lvs.has(volumeHandle) ? { done: false, observed: [...r.lvs.keys()] } : { done: true, value: r };
    });
    // The node writes lvs.json before mounts.json: one read can pair the new LV list with the mounts of the report
    // before (seen once: the LV gone, its pod's mount still listed). A later report must show no CSI mount left.
    const left = await waitFor({ what: 'no CSI mount left on the node', timeoutMs: 20_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const mounts = nodeReport().mounts.filter((m) => m.target.includes('kubernetes.io~csi'));
      return mounts.length === 0 ? { done: true, value: mounts } : { done: false, observed: mounts };
    });
    expect(left).toEqual([]);
  });

  // Issue #17: VolumeSnapshots, restores and clones on this same node (no second VM boot); see snapshot-scenario.ts.
  describe('snapshots, restores and clones through external-snapshotter', () => {
    snapshotScenario({
      driver: DRIVER, vg: VG, thickClass: CLASS,
      kubeConfig: () => kubeConfig, namespace: () => namespace.name, shareDir: () => shareDir, signal: () => guestGone.signal,
      nodeReport, ensureNodeUp, waitForRunning,
    });
  });

  // Issue #15: the same node booted again with cgroup v1 hierarchies (its own boot: the only test that needs it,
  // so it runs last); the limits land in the pod's blkio.throttle files.
  describe('IO limits on a cgroup v1 node', () => {
    throttleOnCgroupV1({
      storageClass: CLASS,
      kubeConfig: () => kubeConfig, namespace: () => namespace.name, shareDir: () => shareDir, signal: () => guestGone.signal,
      rebootOnCgroupV1: async () => {
        if (guestEnded === undefined) {
          writeFileSync(join(shareDir, 'stop'), 'cgroup v1 boot\n');
          await guest;
        }
        bootGuest({ cgroupVersion: 'v1' });
        await waitForNodeReady();
      },
      waitForRunning, nodeReport,
    });
  });
});
