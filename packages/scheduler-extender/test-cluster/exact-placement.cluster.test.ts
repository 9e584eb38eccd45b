// Issue #20 end to end: three nodes with three VGs each and a pod with eight claims (three pinned by their
// StorageClass's vgName, five free) that only node `fits` can hold, in assignments neither greedy order finds.
// A real kube-scheduler with the extender (spread; choosing the node, and --no-choose-node) must put the pod
// there, and the node's csi-plugin + external-provisioner (--node-deployment), asking the extender for its
// plan, must create all eight LVs in that node's real VGs — sized so the NLS allocatable is all they hold.
import { CoreV1Api, StorageV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appProcessSpec,
  applyManifests,
  createTestNamespace,
  freePorts,
  SIMULATED_NODE_LABEL,
  toolPath,
  waitFor,
  type Cluster,
} from '@openlocal/e2e/cluster';
import { extenderStanza, startExtender as startExtenderProcess, startExtenderCluster, suiteSkipReason } from './extender-cluster.js';
import { writeNlsVolumeGroups } from './fixtures.js';

const DRIVER = 'local.csi.aliyun.com';
/** One unit of the scenario: 8 MiB (two extents), so the loops stay small and every size is whole extents. */
const UNIT = 8 * 2 ** 20;
const VG_KEYS = ['a', 'b', 'c'] as const;
/** VG sizes in units per node (the layouts of src/core/exact-placement.test.ts); only `fits` has real LVM. */
const NODES: Record<string, Record<(typeof VG_KEYS)[number], number>> = {
  fits: { a: 43, b: 30, c: 32 },
  tight: { a: 43, b: 30, c: 28 },
  short: { a: 35, b: 35, c: 31 },
};
const CLAIMS: { name: string; units: number; vg?: (typeof VG_KEYS)[number] }[] = [
  { name: 'pin-a', units: 10, vg: 'a' },
  { name: 'pin-b', units: 10, vg: 'b' },
  { name: 'pin-c', units: 10, vg: 'c' },
  { name: 'free-14', units: 14 },
  { name: 'free-21', units: 21 },
  { name: 'free-15', units: 15 },
  { name: 'free-5', units: 5 },
  { name: 'free-16', units: 16 },
];
const CHOOSING = 'openlocal-exact-choosing';
const NOT_CHOOSING = 'openlocal-exact-no-choose';

const reason = await suiteSkipReason({ tools: ['csi-provisioner'], isHostNeeded: true, apps: ['@openlocal/csi-plugin'] });
if (reason !== null) console.log(`[scheduler-extender:cluster] exact placement: skipping: ${reason}`);

describe.skipIf(reason !== null)('issue #20: the only node that can hold an 8-claim pod gets it, provisioned by the plan', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let sandbox: HostSandbox;
  // Unique per run, so other suites' LVM views never meet ours; the same on every node (the pinned classes name them).
  const vgNames = Object.fromEntries(VG_KEYS.map((key) => [key, `ol20${key}-${process.pid}`])) as Record<(typeof VG_KEYS)[number], string>;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    // One loop per VG of `fits`: its units plus 12 MiB, so after LVM's metadata the VG holds its units and one
    // more — less than any claim, so the NLS allocatable (the units) is what decides, as on a real node.
    sandbox = await createHostSandbox(VG_KEYS.map((key) => (NODES['fits']?.[key] ?? 0) * 8 + 12));
    for (const [i, key] of VG_KEYS.entries()) await sandbox.run(['lvm', 'vgcreate', vgNames[key], sandbox.loops[i] ?? '']);
    cluster = await startExtenderCluster('exact placement', Object.keys(NODES), [csiDriver(), ...storageClasses(vgNames)]);
    kubeConfig = cluster.kubeConfig;
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    for (const [node, units] of Object.entries(NODES)) {
      const vgs = VG_KEYS.map((key, i) => ({ name: vgNames[key], sizeBytes: units[key] * UNIT, physicalVolumes: [`/dev/loop${i}`] }));
      await writeNlsVolumeGroups(kubeConfig, node, vgs);
      await storage.createCSINode({ body: { metadata: { name: node }, spec: { drivers: [{ name: DRIVER, nodeID: node, topologyKeys: ['kubernetes.io/hostname'] }] } } });
    }
    const [choosing, notChoosing] = (await freePorts(2)) as [number, number];
    Object.assign(ports, { [CHOOSING]: choosing, [NOT_CHOOSING]: notChoosing });
    await startExtender(choosing, []);
    await startExtender(notChoosing, ['--no-choose-node']);
    for (const [schedulerName, port] of [[CHOOSING, choosing], [NOT_CHOOSING, notChoosing]] as const) {
      await cluster.startScheduler({ schedulerName, extenders: [extenderStanza(`http://127.0.0.1:${port}/scheduler`, { isIgnorable: false })] });
    }
    await startNodePlugin(choosing);
  });

  afterAll(async () => {
    await cluster?.stop();
    await sandbox?.cleanup();
  });

  async function startExtender(port: number, extra: string[]): Promise<void> {
    await startExtenderProcess(cluster, { name: `extender-${port}`, port, args: ['--strategy', 'spread', ...extra] });
  }

  /** csi-plugin and external-provisioner of `fits`, the plugin asking the extender for its pod-level plan. */
  async function startNodePlugin(extenderPort: number): Promise<void> {
    const socketPath = `${sandbox.root}/csi.sock`;
    const pluginArgs = ['--endpoint', `unix://${socketPath}`, '--nodeid', 'fits', '--kubelet-dir', sandbox.kubeletDir, '--lvm-system-dir', sandbox.lvmSystemDir];
    const extenderArgs = ['--extender-url', `http://127.0.0.1:${extenderPort}`, '--device-regexp', '^$', '--metrics-port=0'];
    await cluster.startProcess(appProcessSpec({ name: 'csi-plugin-fits', packageName: '@openlocal/csi-plugin', args: [...pluginArgs, ...extenderArgs] }));
    await cluster.startProcess({
      name: 'csi-provisioner-fits',
      command: toolPath('csi-provisioner'),
      args: [`--csi-address=${socketPath}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local', '--leader-election=false', '--retry-interval-start=1s', '--retry-interval-max=5s'],
      env: { NODE_NAME: 'fits' },
    });
  }

  /** How many plans the extender the plugin asks has answered with 200 (its request metric for the plan route). */
  async function plansAnswered(): Promise<number> {
    const metrics = await (await fetch(`http://127.0.0.1:${ports[CHOOSING]}/metrics`)).text();
    const line = /openlocal_extender_request_duration_seconds_count\{route="\/apis\/scheduling\/:namespace\/persistentvolumeclaims\/:name",status="200"\} (\d+)/.exec(metrics);
    return Number(line?.[1] ?? 0);
  }

  /** Bytes of our LVs per VG key on `fits`, read from lvm itself. */
  async function lvBytesByVg(): Promise<Record<string, number>> {
    const { stdout } = await sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_name,lv_size']);
    const byVg: Record<string, number> = {};
    for (const [vg, size] of stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((c) => c.length === 2)) {
      const key = VG_KEYS.find((k) => vgNames[k] === vg) ?? String(vg);
      byVg[key] = (byVg[key] ?? 0) + Number(size);
    }
    return byVg;
  }

  it.each([
    { name: 'choosing the node (the default)', schedulerName: CHOOSING },
    { name: 'with --no-choose-node', schedulerName: NOT_CHOOSING },
  ])('$name: the pod is bound to fits and its eight LVs fill the VGs the plan chose', async ({ schedulerName }) => {
    const namespace = await createTestNamespace(kubeConfig, `exact-${schedulerName.slice(-9)}`);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const plansBefore = await plansAnswered();
    try {
      await applyManifests(kubeConfig, [...claims(), demandingPod(schedulerName)] as KubernetesObject[], { namespace: namespace.name });
      const nodeName = await waitFor({ what: 'the 8-claim pod bound to a node', timeoutMs: 180_000, intervalMs: 2000 }, async () => {
        const pod = await core.readNamespacedPod({ namespace: namespace.name, name: 'demanding' });
        const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
        return pod.spec?.nodeName ? { done: true, value: pod.spec.nodeName } : { done: false, observed: `${scheduled?.reason}: ${scheduled?.message}` };
      });
      expect(nodeName).toBe('fits');
      const pvs = await Promise.all(CLAIMS.map(async (c) => core.readPersistentVolume({ name: (await core.readNamespacedPersistentVolumeClaim({ namespace: namespace.name, name: c.name })).spec?.volumeName ?? '' })));
      const vgOf = (i: number): string => String(pvs[i]?.spec?.csi?.volumeAttributes?.['vgName']);
      CLAIMS.forEach((claim, i) => claim.vg && expect(vgOf(i)).toBe(vgNames[claim.vg]));
      // Every LV is in a VG of fits, the VGs hold what the NLS offers and no more, all 101 units are there.
      const used = await lvBytesByVg();
      for (const key of VG_KEYS) expect(used[key] ?? 0).toBeLessThanOrEqual((NODES['fits']?.[key] ?? 0) * UNIT);
      expect(Object.values(used).reduce((sum, b) => sum + b, 0)).toBe(101 * UNIT);
      // CreateVolume asked the extender for the pod-level plan of each free claim (pinned ones take their class's
      // vgName; the plugin's own choice sees one claim at a time and could not be trusted with this pod).
      expect(await plansAnswered()).toBeGreaterThanOrEqual(plansBefore + CLAIMS.filter((c) => c.vg === undefined).length);
      // The plan the extender answers for each claim (now from its PV) names the VG the LV is in.
      for (const [i, claim] of CLAIMS.entries()) {
        const url = `http://127.0.0.1:${ports[CHOOSING]}/apis/scheduling/${namespace.name}/persistentvolumeclaims/${claim.name}?nodeName=fits&volumeType=LVM`;
        expect(await (await fetch(url, { method: 'POST' })).json()).toMatchObject({ node: 'fits', vgName: vgOf(i) });
      }
    } finally {
      // No kubelet runs: the pod would stay Terminating and keep its claims (pvc-protection) without grace 0.
      await core.deleteNamespacedPod({ namespace: namespace.name, name: 'demanding', gracePeriodSeconds: 0 });
      for (const claim of CLAIMS) await core.deleteNamespacedPersistentVolumeClaim({ namespace: namespace.name, name: claim.name });
      // Reclaim policy Delete: the provisioner removes the LVs; the next case needs the room back.
      await waitFor({ what: 'the LVs of the namespace removed', timeoutMs: 120_000 }, async () => {
        const left = await lvBytesByVg();
        return Object.keys(left).length === 0 ? { done: true, value: true } : { done: false, observed: left };
      });
      await namespace.delete();
    }
  });
});

function csiDriver(): object {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: DRIVER }, spec: { attachRequired: false, podInfoOnMount: true } };
}

/** `ol20-free` (any VG) and one class per VG naming it, as users pin claims. */
function storageClasses(vgNames: Record<string, string>): object[] {
  const base = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: DRIVER, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' };
  return [
    { ...base, metadata: { name: 'ol20-free' }, parameters: { volumeType: 'LVM' } },
    ...VG_KEYS.map((key) => ({ ...base, metadata: { name: `ol20-${key}` }, parameters: { volumeType: 'LVM', vgName: vgNames[key] } })),
  ];
}

function claims(): object[] {
  return CLAIMS.map((c) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: c.name },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: c.vg ? `ol20-${c.vg}` : 'ol20-free', resources: { requests: { storage: `${c.units * 8}Mi` } } },
  }));
}

function demandingPod(schedulerName: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'demanding' },
    spec: {
      schedulerName,
      nodeSelector: { [SIMULATED_NODE_LABEL]: 'true' },
      containers: [{ name: 'app', image: 'registry.invalid/never-pulled:0' }],
      volumes: CLAIMS.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c.name } })),
    },
  };
}
