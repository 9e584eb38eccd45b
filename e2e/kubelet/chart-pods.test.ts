// The product as users install it (#14): the chart, from the images scripts/images builds, running as pods on a
// real kubelet node in the QEMU guest (guest-chart.sh: containerd + runc + kubelet only). helm installs the chart
// into the harness cluster; kube-scheduler runs with the scheduler configuration the chart ships and reaches the
// extender pod on the node (QEMU forwards a host port to it). Then, through the chart-deployed stack only: the
// controller pod writes the node's NLS, the agent pod creates the VG on the raw disk, a StatefulSet's claim is
// placed by the extender, provisioned by the csi-plugin pod, mounted into a pod that writes data, grown online;
// helm upgrade to a rebuilt image tag rolls the DaemonSets while that pod keeps its data; deleting the claim
// removes the LV; helm uninstall leaves no object of the release behind.
// The chart arrives as users of Open-Local v0.7.1 get it (#15): the node and the API are first what Open-Local left
// (its helm release, NLS, a bound claim whose untagged LV holds data; open-local-upgrade.ts, open-local-node.sh), and
// `helm upgrade` of that release with Open-Local's values file installs our chart. On that upgraded node the check
// command reports the claim adopted, a pod using it starts on the old data, it grows online, and deleting it removes
// the LV; the suite's other tests run on the same upgraded release.
import { mkdirSync, realpathSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, StorageV1Api, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GROUP, NLS, VERSION, type NodeLocalStorage } from '@openlocal/crd-types';
import {
  applyManifests, CONTROL_PLANE_TOOLS, createRunDir, createTestNamespace, freePorts, missingToolsReason, OPEN_LOCAL_VALUES_FILE, repoRoot, startCluster, toolPath, waitFor,
  writeAdminKubeconfig, type Cluster, type TestNamespace,
} from '../cluster/index.js';
import { buildImages, type BuiltImage } from '../images/build.js';
import { ALL_IMAGES, APP_IMAGES, DEFAULT_PREFIX } from '../images/catalog.js';
import { runInGuest, type GuestRunResult } from '../vm/run.js';
import { applyChart, helmOn, startSchedulerFromChart, type ChartRelease } from './chart-install.js';
import { copyContainerdDisk, ensureContainerdDisk } from './containerd-disk.js';
import { renderCniConflist, renderContainerdConfig, renderKubeletConfig } from './node-config.js';
import { isResizeFinished, markerContainer, MiB, okRequests, readNodeView, readOptional, type NodeView } from './node-view.js';
import { buildBusyboxImage, TEST_IMAGE } from './oci-image.js';
import {
  createOpenLocalApiState, OPEN_LOCAL_CLAIM, OPEN_LOCAL_DISK_BYTES, OPEN_LOCAL_VG, openLocalAppPod, readAppOutput, readOpenLocalNode, runUpgradeCheck,
  writeOpenLocalNodeNls, type OpenLocalState,
} from './open-local-upgrade.js';
import { guestSkipReason } from './skip.js';

const DRIVER = 'local.csi.aliyun.com';
const NODE = 'guest-node';
/** The chart's init config names VGs <name>-pool-N; agent.device makes pool 0 on the node's raw disk. */
const VG = 'open-local-pool-0';
const NAMESPACE = 'kube-system';
const RELEASE = 'open-local';
/** The chart's appVersion: the tag its default image values name and scripts/images builds by default. */
const TAG = '0.1.0';
/** The tag of the rebuilt node images that `helm upgrade` rolls the DaemonSets to. */
const UPGRADE_TAG = '0.1.0-rebuilt';
const EXTENDER_PORT = 23000;

const skipReason = missingToolsReason([...CONTROL_PLANE_TOOLS, 'kubelet', 'csi-provisioner', 'csi-resizer', 'helm']) ?? (await guestSkipReason());
if (skipReason !== null) console.warn(`skipping the chart on the kubelet rung: ${skipReason}`);

/** Which chart component a pod is, from its labels. */
function componentOf(pod: V1Pod): string {
  return (pod.metadata?.labels?.['app.kubernetes.io/component'] ?? '').replace(/^open-local-/, '');
}

describe.skipIf(skipReason !== null)('the chart running as pods on a real kubelet node', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let runDir: string;
  let shareDir: string;
  let diskFile: string;
  let containerdDisk: string | undefined;
  let guest: Promise<GuestRunResult> | undefined;
  let guestEnded: GuestRunResult | undefined;
  const guestGone = new AbortController();
  let target: ChartRelease;
  let namespace: TestNamespace;
  let extenderHostPort = 0;
  let images: BuiltImage[] = [];
  let rebuilt: BuiltImage[] = [];
  let manifestBeforeUninstall: { kind: string; name: string; namespace?: string }[] = [];
  let openLocal: OpenLocalState;
  /** What the guest's lvm said about Open-Local's LV before our chart; the StorageClasses and release around the upgrade. */
  let openLocalLvs: { lv_name: string; lv_size: string; lv_tags: string }[] = [];
  let classesBefore: unknown[] = [];
  let classesAfter: unknown[] = [];
  let releaseAfter: { revision?: string; status?: string; chart?: string } = {};

  const core = () => kubeConfig.makeApiClient(CoreV1Api);

  // Per-step timings, printed as the suite goes: where the minutes of this rung go.
  const suiteStarted = Date.now();
  let stepStarted = suiteStarted;
  let testStarted = suiteStarted;
  const since = (t: number) => ((Date.now() - t) / 1000).toFixed(1);
  function step(what: string): void {
    console.log(`[timing] +${since(suiteStarted)} s  ${what} (${since(stepStarted)} s)`);
    stepStarted = Date.now();
  }

  /** When each pod got where (seconds since the suite started), and how often its containers restarted. */
  function printPodTimeline(pods: readonly V1Pod[]): void {
    const at = (time: Date | string | number | undefined) => (time === undefined ? '?' : ((new Date(time).getTime() - suiteStarted) / 1000).toFixed(0));
    for (const pod of pods) {
      const started = (pod.status?.containerStatuses ?? []).flatMap((c) => (c.state?.running?.startedAt === undefined ? [] : [new Date(c.state.running.startedAt).getTime()]));
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
      const restarts = (pod.status?.containerStatuses ?? []).map((c) => `${c.name}=${c.restartCount}`).join(' ');
      console.log(`[timing] pod ${componentOf(pod)}: created +${at(pod.metadata?.creationTimestamp)} s, last container running since +${started.length > 0 ? at(Math.max(...started)) : '?'} s, Ready +${at(ready)} s, restarts ${restarts}`);
    }
  }

  /**
   * The node's own view, fresh: asks the guest for a report (share/report-request) and waits for its answer
   * (share/report-done), so the node reports only when a test looks, not every two seconds.
   */
  let reportsAsked = 0;
  async function nodeView(): Promise<NodeView> {
    const gone = () => {
      const failed = readOptional(join(shareDir, 'failed'));
      if (failed !== null || guestEnded !== undefined) throw new Error(`the guest node is gone: ${failed ?? `guest ended with exit code ${guestEnded?.exitCode}`}; logs in ${join(shareDir, 'logs')}`);
    };
    gone();
    reportsAsked += 1;
    const asked = String(reportsAsked);
    writeFileSync(join(shareDir, '.report-request'), `${asked}\n`);
    renameSync(join(shareDir, '.report-request'), join(shareDir, 'report-request'));
    await waitFor({ what: `the node's report #${asked}`, timeoutMs: 60_000, intervalMs: 200, signal: guestGone.signal }, () => {
      gone();
      const done = readOptional(join(shareDir, 'report-done'))?.trim();
      return Promise.resolve(done === asked ? { done: true, value: true } : { done: false, observed: `last report #${done ?? 'none'}` });
    });
    return readNodeView(shareDir);
  }

  async function chartPods(): Promise<V1Pod[]> {
    return (await core().listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/name=open-local' })).items
      .filter((p) => p.metadata?.deletionTimestamp === undefined);
  }

  const isReady = (pod: V1Pod) => pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).length > 0 && (pod.status.containerStatuses ?? []).every((c) => c.ready);

  async function waitForPodRunning(name: string): Promise<V1Pod> {
    return waitFor({ what: `pod ${name} Running`, timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const pod = await core().readNamespacedPod({ name, namespace: namespace.name }).catch(() => undefined);
      return pod?.status?.phase === 'Running' ? { done: true, value: pod } : { done: false, observed: pod?.status ?? 'no pod yet' };
    });
  }

  /** The values this node needs: no cluster DNS, Service IPs or pod network reach its pods, and nothing is pulled. */
  function rungValues(apiPort: string): object {
    const versions = Object.fromEntries(images.filter((i) => i.name.startsWith('csi-')).map((i) => [i.name, i.ref.slice(i.ref.lastIndexOf(':') + 1)]));
    const repository = (name: string) => `${DEFAULT_PREFIX.replace(/^docker\.io\//, '')}/${name}`;
    return {
      apiServer: { host: '10.0.2.2', port: Number(apiPort) },
      images: {
        pullPolicy: 'Never',
        provisioner: { registry: '', image: repository('csi-provisioner'), tag: versions['csi-provisioner'] },
        resizer: { registry: '', image: repository('csi-resizer'), tag: versions['csi-resizer'] },
      },
      // Every 10 s: each pass runs lvm under emulation, CPU the other pods need.
      agent: { device: '/dev/vda', interval: 10 },
      // No Device volumes from the node's disks (the VG's disk must never be offered as one).
      csi: { device_regexp: '^$', extender_url: `http://127.0.0.1:${EXTENDER_PORT}` },
      extender: { hostNetwork: true, url: `http://127.0.0.1:${extenderHostPort}/scheduler`, strategy: 'binpack' },
      controller: { hostNetwork: true },
      // The snapshot sidecars' images are not built by scripts/images yet.
      snapshot: { enabled: false },
    };
  }

  beforeAll(async () => {
    runDir = createRunDir('kubelet-chart');
    const log = (line: string) => console.log(`[images] ${line}`);
    const cacheDir = join(process.env['OPENLOCAL_CACHE'] ?? join(process.env['HOME'] ?? '/root', '.cache', 'open-local-ts'), 'images');
    const toolsBin = realpathSync(join(toolPath('kubelet'), '..'));
    const common = { repoRoot: repoRoot(), cacheDir, toolsBin, prefix: DEFAULT_PREFIX, log };
    images = await buildImages({ ...common, tag: TAG, images: ALL_IMAGES });
    rebuilt = await buildImages({ ...common, tag: UPGRADE_TAG, images: APP_IMAGES.filter((a) => a.base === 'storage') });
    for (const image of [...images, ...rebuilt]) console.log(`[images] ${image.ref} ${(image.size / MiB).toFixed(1)} MiB (${image.seconds.toFixed(1)} s)`);
    step('images built or found in the cache');

    [extenderHostPort] = (await freePorts(1)) as [number];
    cluster = await startCluster({ runDir, scheduler: false });
    kubeConfig = cluster.kubeConfig;
    const apiPort = new URL(cluster.apiServerUrl).port;
    target = { cluster, release: RELEASE, namespace: NAMESPACE, workDir: join(runDir, 'chart') };
    step('control plane started');
    shareDir = join(runDir, 'guest', 'share');
    mkdirSync(join(shareDir, 'images'), { recursive: true });
    namespace = await createTestNamespace(kubeConfig, 'chart-rung');
    openLocal = await createOpenLocalApiState({ kubeConfig, kubeconfigPath: cluster.kubeconfigPath, workDir: target.workDir, shareDir, namespace: namespace.name, node: NODE });
    step('Open-Local v0.7.1\'s release and bound claim in the API');
    writeAdminKubeconfig(join(shareDir, 'kubeconfig'), { server: `https://10.0.2.2:${apiPort}`, pki: cluster.pki, tlsServerName: 'localhost' });
    writeFileSync(join(shareDir, 'containerd.toml'), renderContainerdConfig(TEST_IMAGE));
    writeFileSync(join(shareDir, 'cni.conflist'), renderCniConflist());
    writeFileSync(join(shareDir, 'kubelet.yaml'), renderKubeletConfig());
    // Every image goes onto a containerd disk made here (imported natively, cached by the images' bytes); the
    // guest mounts a copy as its containerd root instead of importing under emulation.
    const busybox = join(runDir, 'busybox.oci.tar');
    await buildBusyboxImage(busybox);
    const cachedDisk = await ensureContainerdDisk({ archives: [busybox, ...[...images, ...rebuilt].map((i) => i.archive)], cacheDir, log });
    containerdDisk = join(runDir, 'containerd.ext4');
    await copyContainerdDisk(cachedDisk, containerdDisk);
    step('containerd disk with the images ready');
    diskFile = join(runDir, 'node-disk.raw');
    writeFileSync(diskFile, '');
    truncateSync(diskFile, 1024 * MiB);
    guest = runInGuest({
      argv: ['/bin/bash', join(repoRoot(), 'e2e', 'kubelet', 'guest-chart.sh')],
      cwd: repoRoot(),
      env: { NODE_NAME: NODE, VG_NAME: VG, TOOLS_BIN: realpathSync(join(toolPath('kubelet'), '..')), CONTAINERD_DISK: '/dev/vdb', ...openLocal.guestEnv },
      disks: [{ file: diskFile }, { file: containerdDisk }, { sizeBytes: OPEN_LOCAL_DISK_BYTES }],
      network: true,
      hostForwards: [{ hostPort: extenderHostPort, guestPort: EXTENDER_PORT }],
      memoryMiB: 3072,
      // Two vCPUs: the node starts five Node.js apps, two Go sidecars, kubelet and containerd at once (measured:
      // five of our bundles loading at once took 53 s on one emulated vCPU and 8.5 s on two).
      cpus: 2,
      timeoutMs: 25 * 60_000,
      outputDir: join(runDir, 'guest'),
      log: (message) => console.log(`[guest] +${since(suiteStarted)} s ${message}`),
    });
    console.log(`chart rung: guest console and node logs (containers' logs under logs/pods) in ${join(runDir, 'guest')}`);
    void guest.then((result) => {
      guestEnded = result;
      guestGone.abort(new Error(`the guest node ended (exit code ${result.exitCode}): ${readOptional(join(shareDir, 'failed')) ?? 'no reason recorded'}; logs in ${join(shareDir, 'logs')}`));
    });
    step('guest booting');
    await upgradeOpenLocalNode(apiPort);
  }, 600_000);

  /**
   * Once the guest made Open-Local's node (before kubelet runs): the NLS Open-Local's agent would have written from
   * that lvm report, then `helm upgrade` of Open-Local's release to our chart with Open-Local's values file (and the
   * rung's values), then kube-scheduler with our chart's config; share/upgraded lets the guest start kubelet.
   */
  async function upgradeOpenLocalNode(apiPort: string): Promise<void> {
    const facts = await waitFor({ what: 'the guest making Open-Local\'s node (open-local-node.sh)', timeoutMs: 300_000, intervalMs: 500, signal: guestGone.signal }, () => {
      const found = readOpenLocalNode(shareDir);
      return Promise.resolve(found === null ? { done: false, observed: 'not yet' } : { done: true, value: found });
    });
    openLocalLvs = facts.lvs;
    await writeOpenLocalNodeNls(kubeConfig, NODE, facts);
    step('Open-Local\'s node made in the guest and its NLS written');
    const storageClasses = async () => (await kubeConfig.makeApiClient(StorageV1Api).listStorageClass()).items
      .map((sc) => ({ name: sc.metadata?.name, uid: sc.metadata?.uid, parameters: sc.parameters })).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    classesBefore = await storageClasses();
    await applyChart(target, rungValues(apiPort), { valuesFiles: [OPEN_LOCAL_VALUES_FILE] });
    classesAfter = await storageClasses();
    const releases = JSON.parse((await helmOn(target, ['list', '--namespace', NAMESPACE, '-o', 'json'])).stdout) as { name: string; revision: string; status: string; chart: string }[];
    releaseAfter = releases.find((r) => r.name === RELEASE) ?? {};
    step('helm upgrade of Open-Local\'s release to our chart');
    await startSchedulerFromChart(target);
    step('kube-scheduler started with the chart\'s scheduler config');
    writeFileSync(join(shareDir, 'upgraded'), 'done\n');
  }

  beforeEach(() => {
    testStarted = Date.now();
  });

  afterEach(({ task }) => {
    console.log(`[timing] +${since(suiteStarted)} s  test "${task.name}" took ${since(testStarted)} s (${task.result?.state ?? 'unknown'})`);
  });

  afterAll(async () => {
    const rss = shareDir === undefined ? null : readOptional(join(shareDir, 'rss.txt'));
    if (rss !== null) console.log(`resident memory (KiB) of the chart's processes on the node, last report:\n${rss}`);
    if (shareDir !== undefined) writeFileSync(join(shareDir, 'stop'), 'done\n');
    const ended = await Promise.race([guest, new Promise((resolve) => setTimeout(resolve, 60_000, 'still running'))]);
    if (ended === 'still running') console.warn('the guest did not stop within 60 s of the stop file; runInGuest kills it at its deadline');
    await cluster?.stop();
    for (const file of [diskFile, containerdDisk]) if (file !== undefined) rmSync(file, { force: true });
  }, 180_000);

  it('runs every chart pod of the node, from the imported images, and the plugin registers with kubelet', async () => {
    const expected = new Map([
      ['agent', [`${DEFAULT_PREFIX}/agent:${TAG}`]],
      ['csi-node', [`${DEFAULT_PREFIX}/csi-plugin:${TAG}`, images.find((i) => i.name === 'csi-provisioner')?.ref]],
      ['controller', [`${DEFAULT_PREFIX}/controller:${TAG}`]],
      ['csi-controller', [`${DEFAULT_PREFIX}/csi-plugin:${TAG}`, images.find((i) => i.name === 'csi-resizer')?.ref]],
      ['scheduler-extender', [`${DEFAULT_PREFIX}/scheduler-extender:${TAG}`]],
    ]);
    const pods = await waitFor({ what: 'every chart pod Running and Ready on the node', timeoutMs: 600_000, intervalMs: 3000, signal: guestGone.signal }, async () => {
      const list = await chartPods();
      const ready = list.filter(isReady);
      const done = ready.length === expected.size && list.length === expected.size;
      return done ? { done: true, value: list } : { done: false, observed: list.map((p) => `${p.metadata?.name}: ${p.status?.phase} ${(p.status?.containerStatuses ?? []).map((c) => `${c.name} ready=${c.ready} restarts=${c.restartCount} ${JSON.stringify(c.state?.waiting ?? c.state?.terminated ?? {})}`).join('; ')}`) };
    });
    for (const pod of pods) {
      const component = componentOf(pod);
      expect(pod.spec?.nodeName, component).toBe(NODE);
      expect((pod.status?.containerStatuses ?? []).map((c) => c.image).sort(), component).toEqual([...(expected.get(component) ?? [])].sort());
    }
    expect(new Set(pods.map(componentOf))).toEqual(new Set(expected.keys()));
    printPodTimeline(pods);
    const csiNode = await waitFor({ what: `CSINode ${NODE} lists ${DRIVER}`, timeoutMs: 120_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const found = (await kubeConfig.makeApiClient(StorageV1Api).readCSINode({ name: NODE }).catch(() => undefined))?.spec?.drivers?.find((d) => d.name === DRIVER);
      return found ? { done: true, value: found } : { done: false, observed: 'not registered' };
    });
    expect(csiNode).toMatchObject({ nodeID: NODE, topologyKeys: ['kubernetes.io/hostname'] });
  });

  it('the controller pod writes the node\'s NLS and the agent pod creates the VG on the raw disk', async () => {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const nls = await waitFor({ what: `NLS ${NODE} reporting VG ${VG}`, timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const object = (await custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: NODE }).catch(() => undefined)) as NodeLocalStorage | undefined;
      const vg = object?.status?.nodeStorageInfo?.volumeGroups?.find((v) => v.name === VG);
      // The filtered view follows the raw one on a later pass of the agent: wait for both.
      const filtered = object?.status?.filteredStorageInfo?.volumeGroups?.includes(VG) === true;
      return vg && filtered ? { done: true, value: object as NodeLocalStorage } : { done: false, observed: object?.status ?? object?.spec ?? 'no NLS' };
    });
    expect(nls.spec?.resourceToBeInited?.vgs).toEqual([{ name: VG, devices: ['/dev/vda'] }]);
    const vg = nls.status?.nodeStorageInfo?.volumeGroups?.find((v) => v.name === VG);
    expect(vg?.total).toBeGreaterThan(1000 * MiB);
    expect(vg?.total).toBeLessThanOrEqual(1024 * MiB);
    // Open-Local's VG (its listConfig pattern is the chart's too) is reported beside the one the agent made.
    expect([...(nls.status?.filteredStorageInfo?.volumeGroups ?? [])].sort()).toEqual([VG, OPEN_LOCAL_VG].sort());
  });

  it('Open-Local\'s release became ours by helm upgrade with its values file, over the node Open-Local left (untagged LV, same StorageClasses)', () => {
    // The guest's lvm, before our chart: the LV Open-Local's argv made, of the claim's size, with no tag.
    expect(openLocalLvs).toEqual([{ lv_name: openLocal.pvName, lv_size: String(64 * MiB), lv_tags: '' }]);
    expect({ revision: releaseAfter.revision, status: releaseAfter.status }).toEqual({ revision: '2', status: 'deployed' });
    expect(releaseAfter.chart).toMatch(/^open-local-/);
    expect(releaseAfter.chart).not.toBe('open-local-v0.7.1');
    // Open-Local's four classes kept their objects (uid) and parameters; ours adds open-local-mountpoint-hdd.
    expect(classesBefore.map((c) => (c as { name: string }).name)).toEqual(['open-local-device-hdd', 'open-local-device-ssd', 'open-local-lvm', 'open-local-lvm-xfs']);
    expect(classesAfter).toEqual(expect.arrayContaining(classesBefore));
  });

  it('the upgrade check reports the Open-Local claim\'s PV as adopted on the upgraded cluster', async () => {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    // The check reads the LV's size from the NLS, whose status is our agent pod's since the test above: wait for its
    // report of Open-Local's VG to list the LV.
    await waitFor({ what: `NLS ${NODE} listing ${OPEN_LOCAL_VG}/${openLocal.pvName}`, timeoutMs: 120_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const object = (await custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: NODE })) as NodeLocalStorage;
      const lvs = object.status?.nodeStorageInfo?.volumeGroups?.find((v) => v.name === OPEN_LOCAL_VG)?.logicalVolumes ?? [];
      return lvs.some((lv) => lv.name === openLocal.pvName) ? { done: true, value: true } : { done: false, observed: lvs };
    });
    const result = await runUpgradeCheck(cluster.kubeconfigPath);
    console.log(`open-local-upgrade-check on the upgraded kubelet-rung cluster, exit ${result.code}:\n${result.stdout}${result.stderr}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${openLocal.pvName}\\s+${namespace.name}/${OPEN_LOCAL_CLAIM}\\s+${NODE}\\s+LVM\\s+${OPEN_LOCAL_VG}/${openLocal.pvName}\\s+67108864\\s+adopted: untagged LV of 64Mi`, 'm'));
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('All 1 Open-Local PV(s) will be adopted.');
  });

  it('a pod using the Open-Local claim starts on the data Open-Local\'s pod wrote (the plugin pod adopts the untagged LV)', async () => {
    await applyManifests(kubeConfig, [openLocalAppPod('open-local-app')] as KubernetesObject[], { namespace: namespace.name });
    const pod = await waitForPodRunning('open-local-app');
    expect(pod.spec?.nodeName).toBe(NODE);
    const publishPath = `/var/lib/kubelet/pods/${pod.metadata?.uid}/volumes/kubernetes.io~csi/${openLocal.pvName}/mount`;
    const app = { namespace: namespace.name, name: 'open-local-app', uid: pod.metadata?.uid ?? '' };
    const view = await waitFor({ what: 'the app pod printing what it read from its volume', timeoutMs: 60_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const v = await nodeView();
      const output = readAppOutput(shareDir, app);
      return output.data !== null && output.dfBytes.length > 0 ? { done: true, value: v } : { done: false, observed: output };
    });
    // Inside the pod: the bytes Open-Local's pod left. On the node: that file in the pod's volume, the LV as it was.
    expect(readAppOutput(shareDir, app).data).toBe(openLocal.data);
    expect(view.markers.get(`${publishPath}/marker`)).toBe(openLocal.data);
    expect(view.mounts.find((m) => m.target === publishPath)).toMatchObject({ fstype: 'ext4' });
    expect(view.lvs.get(openLocal.pvName)).toBe(64 * MiB);
  });

  it('the Open-Local claim grows online to 96Mi (resizer and plugin pods: lvextend, resize2fs) and df in the pod shows it', async () => {
    const pod = await core().readNamespacedPod({ name: 'open-local-app', namespace: namespace.name });
    const app = { namespace: namespace.name, name: 'open-local-app', uid: pod.metadata?.uid ?? '' };
    const dfBefore = readAppOutput(shareDir, app).dfBytes.at(-1) ?? 0;
    expect(dfBefore).toBeGreaterThan(50 * MiB);
    expect(dfBefore).toBeLessThan(64 * MiB);
    await core().patchNamespacedPersistentVolumeClaim(
      { name: OPEN_LOCAL_CLAIM, namespace: namespace.name, body: { spec: { resources: { requests: { storage: '96Mi' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor({ what: `claim ${OPEN_LOCAL_CLAIM} grown to 96Mi by the node`, timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const status = (await core().readNamespacedPersistentVolumeClaim({ name: OPEN_LOCAL_CLAIM, namespace: namespace.name })).status ?? {};
      return isResizeFinished(status, '96Mi') ? { done: true, value: true } : { done: false, observed: status };
    });
    const view = await waitFor({ what: 'df in the pod showing the grown file system', timeoutMs: 60_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const v = await nodeView();
      const dfNow = readAppOutput(shareDir, app).dfBytes.at(-1) ?? 0;
      return dfNow > dfBefore + 24 * MiB ? { done: true, value: v } : { done: false, observed: dfNow };
    });
    expect(readAppOutput(shareDir, app).dfBytes.at(-1)).toBeGreaterThan(80 * MiB);
    expect(view.lvs.get(openLocal.pvName)).toBe(96 * MiB);
    const publishPath = `/var/lib/kubelet/pods/${pod.metadata?.uid}/volumes/kubernetes.io~csi/${openLocal.pvName}/mount`;
    expect(view.markers.get(`${publishPath}/marker`)).toBe(openLocal.data);
    const after = await core().readNamespacedPod({ name: 'open-local-app', namespace: namespace.name });
    expect(after.metadata?.uid).toBe(pod.metadata?.uid);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });


  it('places a StatefulSet\'s claim through the extender pod, provisions it in the plugin pod and mounts it into a pod that writes data', async () => {
    await applyManifests(kubeConfig, [{
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
      spec: {
        replicas: 1, serviceName: 'web', selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { hostNetwork: true, terminationGracePeriodSeconds: 1, containers: [markerContainer('/data')] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'open-local-lvm', resources: { requests: { storage: '64Mi' } } } }],
      },
    }] as object[] as KubernetesObject[], { namespace: namespace.name });
    const pod = await waitForPodRunning('web-0');
    expect(pod.spec?.nodeName).toBe(NODE);
    const claim = await core().readNamespacedPersistentVolumeClaim({ name: 'data-web-0', namespace: namespace.name });
    const pv = await core().readPersistentVolume({ name: claim.spec?.volumeName ?? '' });
    expect(pv.spec?.csi?.volumeAttributes).toMatchObject({ volumeType: 'LVM', vgName: VG });
    // kube-scheduler called the extender pod (through the chart's scheduler config) and the plugin pod asked it for the plan.
    const metrics = await (await fetch(`http://127.0.0.1:${extenderHostPort}/metrics`)).text();
    expect(okRequests(metrics, '/scheduler/predicates')).toBeGreaterThanOrEqual(1);
    expect(okRequests(metrics, '/apis/scheduling/:namespace/persistentvolumeclaims/:name')).toBeGreaterThanOrEqual(1);
    const publishPath = `/var/lib/kubelet/pods/${pod.metadata?.uid}/volumes/kubernetes.io~csi/${pv.metadata?.name}/mount`;
    const view = await waitFor({ what: 'the node reporting the published volume and its marker', timeoutMs: 60_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const v = await nodeView();
      return v.markers.has(`${publishPath}/marker`) ? { done: true, value: v } : { done: false, observed: [...v.markers.keys()] };
    });
    expect(view.markers.get(`${publishPath}/marker`)).toMatch(/^web-0-[0-9a-f-]{36}$/);
    expect(view.lvs.get(pv.spec?.csi?.volumeHandle ?? '')).toBe(64 * MiB);
    expect(view.mounts.find((m) => m.target === publishPath)).toMatchObject({ fstype: 'ext4' });
  });

  it('grows the claim online: the resizer and plugin pods run lvextend and resize2fs while the pod keeps running', async () => {
    const pv = await core().readPersistentVolume({ name: (await core().readNamespacedPersistentVolumeClaim({ name: 'data-web-0', namespace: namespace.name })).spec?.volumeName ?? '' });
    const before = await core().readNamespacedPod({ name: 'web-0', namespace: namespace.name });
    const publishPath = `/var/lib/kubelet/pods/${before.metadata?.uid}/volumes/kubernetes.io~csi/${pv.metadata?.name}/mount`;
    const marker = (await nodeView()).markers.get(`${publishPath}/marker`);
    await core().patchNamespacedPersistentVolumeClaim(
      { name: 'data-web-0', namespace: namespace.name, body: { spec: { resources: { requests: { storage: '128Mi' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor({ what: 'claim data-web-0 grown to 128Mi by the node', timeoutMs: 300_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const status = (await core().readNamespacedPersistentVolumeClaim({ name: 'data-web-0', namespace: namespace.name })).status ?? {};
      return isResizeFinished(status, '128Mi') ? { done: true, value: true } : { done: false, observed: status };
    });
    const view = await waitFor({ what: 'the node reporting the grown filesystem', timeoutMs: 60_000, intervalMs: 1000, signal: guestGone.signal }, async () => {
      const v = await nodeView();
      const size = Number(v.mounts.find((m) => m.target === publishPath)?.size);
      return size > 100 * MiB ? { done: true, value: v } : { done: false, observed: size };
    });
    expect(view.lvs.get(pv.spec?.csi?.volumeHandle ?? '')).toBe(128 * MiB);
    expect(view.markers.get(`${publishPath}/marker`)).toBe(marker);
    const after = await core().readNamespacedPod({ name: 'web-0', namespace: namespace.name });
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('helm upgrade to a rebuilt image tag rolls both DaemonSets while the pod keeps its volume and data', async () => {
    const pod = await core().readNamespacedPod({ name: 'web-0', namespace: namespace.name });
    const pv = await core().readPersistentVolume({ name: (await core().readNamespacedPersistentVolumeClaim({ name: 'data-web-0', namespace: namespace.name })).spec?.volumeName ?? '' });
    const publishPath = `/var/lib/kubelet/pods/${pod.metadata?.uid}/volumes/kubernetes.io~csi/${pv.metadata?.name}/mount`;
    const marker = (await nodeView()).markers.get(`${publishPath}/marker`);
    const oldPods = new Set((await chartPods()).filter((p) => ['agent', 'csi-node'].includes(componentOf(p))).map((p) => p.metadata?.uid));
    await applyChart(target, { images: { agent: { tag: UPGRADE_TAG }, csi_plugin: { tag: UPGRADE_TAG } } }, { flags: ['--reuse-values'] });
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    await waitFor({ what: 'both DaemonSets rolled to the rebuilt images', timeoutMs: 600_000, intervalMs: 3000, signal: guestGone.signal }, async () => {
      const states = await Promise.all(['open-local-agent', 'open-local-csi-plugin'].map(async (name) => {
        const ds = await apps.readNamespacedDaemonSet({ name, namespace: NAMESPACE });
        const s = ds.status;
        return { name, rolled: (s?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 1) && s?.updatedNumberScheduled === 1 && s?.numberAvailable === 1 && s?.numberUnavailable === undefined, status: s };
      }));
      const pods = (await chartPods()).filter((p) => ['agent', 'csi-node'].includes(componentOf(p)));
      const fresh = pods.length === 2 && pods.every((p) => !oldPods.has(p.metadata?.uid) && isReady(p));
      return states.every((s) => s.rolled) && fresh ? { done: true, value: true } : { done: false, observed: { states, pods: pods.map((p) => `${p.metadata?.name} ${p.status?.phase}`) } };
    });
    for (const p of (await chartPods()).filter((x) => ['agent', 'csi-node'].includes(componentOf(x)))) {
      // The spec names the rebuilt tag (the status may name either tag: both point at the same image id, as the
      // rebuild has the same content).
      const ours = (p.spec?.containers ?? []).filter((c) => c.name === 'agent' || c.name === 'csi-plugin');
      expect(ours.map((c) => c.image)).toEqual([`open-local/${componentOf(p) === 'agent' ? 'agent' : 'csi-plugin'}:${UPGRADE_TAG}`]);
    }
    // The workload never noticed: same pod, no restart, its volume still mounted with the same data.
    const after = await core().readNamespacedPod({ name: 'web-0', namespace: namespace.name });
    expect(after.metadata?.uid).toBe(pod.metadata?.uid);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    const view = await nodeView();
    expect(view.mounts.find((m) => m.target === publishPath)).toMatchObject({ fstype: 'ext4' });
    expect(view.markers.get(`${publishPath}/marker`)).toBe(marker);
  });

  it('deleting the StatefulSet\'s pod and claim unmounts the volume and removes the LV (through the upgraded plugin pod)', async () => {
    const claim = await core().readNamespacedPersistentVolumeClaim({ name: 'data-web-0', namespace: namespace.name });
    const handle = (await core().readPersistentVolume({ name: claim.spec?.volumeName ?? '' })).spec?.csi?.volumeHandle ?? '';
    expect((await nodeView()).lvs.has(handle)).toBe(true);
    await kubeConfig.makeApiClient(AppsV1Api).deleteNamespacedStatefulSet({ name: 'web', namespace: namespace.name });
    await waitFor({ what: 'pod web-0 gone', timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const gone = await core().readNamespacedPod({ name: 'web-0', namespace: namespace.name }).then(() => false, () => true);
      return gone ? { done: true, value: true } : { done: false, observed: 'still there' };
    });
    await core().deleteNamespacedPersistentVolumeClaim({ name: 'data-web-0', namespace: namespace.name });
    const view = await waitFor({ what: `LV ${handle} removed on the node`, timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const v = await nodeView();
      return v.lvs.has(handle) ? { done: false, observed: [...v.lvs.keys()] } : { done: true, value: v };
    });
    // Its publish mount is gone (the Open-Local claim's pod still runs; its test below ends with no CSI mount left).
    expect(view.mounts.filter((m) => m.target.includes('kubernetes.io~csi') && m.target.includes(handle))).toEqual([]);
  });

  it('deleting the pod and the Open-Local claim removes its LV (through the upgraded plugin pod)', async () => {
    expect((await nodeView()).lvs.get(openLocal.pvName)).toBe(96 * MiB);
    await core().deleteNamespacedPod({ name: 'open-local-app', namespace: namespace.name });
    await waitFor({ what: 'pod open-local-app gone', timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const gone = await core().readNamespacedPod({ name: 'open-local-app', namespace: namespace.name }).then(() => false, () => true);
      return gone ? { done: true, value: true } : { done: false, observed: 'still there' };
    });
    await core().deleteNamespacedPersistentVolumeClaim({ name: OPEN_LOCAL_CLAIM, namespace: namespace.name });
    const view = await waitFor({ what: `Open-Local's LV ${openLocal.pvName} removed on the node`, timeoutMs: 180_000, intervalMs: 2000, signal: guestGone.signal }, async () => {
      const v = await nodeView();
      return v.lvs.has(openLocal.pvName) ? { done: false, observed: [...v.lvs.keys()] } : { done: true, value: v };
    });
    // The last volume of the node: no pod volume mount is left at all.
    expect(view.mounts.filter((m) => m.target.includes('kubernetes.io~csi'))).toEqual([]);
    await waitFor({ what: `PV ${openLocal.pvName} deleted`, timeoutMs: 60_000, intervalMs: 1000 }, async () => {
      const gone = await core().readPersistentVolume({ name: openLocal.pvName }).then(() => false, () => true);
      return gone ? { done: true, value: true } : { done: false, observed: 'still there' };
    });
  });

  it('helm uninstall removes every object of the release and its pods', async () => {
    await nodeView(); // throws when the node is gone: its pods could then never finish terminating
    const manifest = await helmOn(target, ['get', 'manifest', RELEASE, '--namespace', NAMESPACE]);
    manifestBeforeUninstall = parseAllDocuments(manifest.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } } | null)
      .filter((o): o is { kind: string; metadata: { name: string; namespace?: string } } => o !== null)
      .map((o) => ({ kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) }));
    expect(manifestBeforeUninstall.length).toBeGreaterThan(20);
    await helmOn(target, ['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait', '--timeout', '5m']);
    const objects = kubeConfig.makeApiClient(KubernetesObjectApi);
    const apiVersions = new Map(parseAllDocuments(manifest.stdout).map((d) => d.toJS() as { kind: string; apiVersion: string } | null).filter((o) => o !== null).map((o) => [o.kind, o.apiVersion]));
    const left = await waitFor({ what: 'every release object and pod gone', timeoutMs: 180_000, intervalMs: 2000 }, async () => {
      const present: string[] = [];
      for (const o of manifestBeforeUninstall) {
        const exists = await objects.read({ apiVersion: apiVersions.get(o.kind) ?? 'v1', kind: o.kind, metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) } }).then(() => true, (error: { code?: number }) => error.code !== 404);
        if (exists) present.push(`${o.kind}/${o.name}`);
      }
      const pods = await core().listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/name=open-local' });
      present.push(...pods.items.map((p) => `Pod/${p.metadata?.name}`));
      return present.length === 0 ? { done: true, value: present } : { done: false, observed: present };
    });
    expect(left).toEqual([]);
    expect((await helmOn(target, ['list', '--namespace', NAMESPACE, '-q'])).stdout.trim()).toBe('');
  });
});
