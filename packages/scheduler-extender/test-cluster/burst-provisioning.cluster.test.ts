// Burst scheduling AND provisioning, end to end: a real kube-scheduler asks the built extender (nodeCacheCapable,
// ignorable); each simulated node runs the built csi-plugin in node mode, which asks the same extender for its
// plan, and an external-provisioner with --node-deployment; each node owns a real VG on a loop device (metadata
// only: no device-mapper on this host) whose real size is what the node's NLS status reports. 60 pods with one
// 64Mi claim each arrive at once against room for exactly 9 (4 + 3 + 2 by VG size): exactly 9 claims end Bound
// to PVs whose LVs exist in the chosen node's VG, no VG holds more than it has, no provisioning failed for want
// of space, and the other 51 pods stay Pending (Unschedulable, claims unplaced).
import { join } from 'node:path';
import { CoreV1Api, StorageV1Api, type KubeConfig, type V1PersistentVolume, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appProcessSpec,
  createTestNamespace,
  freePorts,
  toolPath,
  waitFor,
  type Cluster,
} from '@openlocal/e2e/cluster';
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';
import { extenderStanza, startExtender, startExtenderCluster, suiteSkipReason } from './extender-cluster.js';
import { createPodWithClaims, extenderUsage, storageClassManifest, unschedulableMessage, writeNlsVolumeGroups } from './fixtures.js';

const DRIVER = 'local.csi.aliyun.com';
const SCHEDULER = 'openlocal-burst';
const MiB = 2 ** 20;
const CLAIM_BYTES = 64 * MiB;
const PODS = 60;
/** Loop sizes in MiB. LVM keeps 1 MiB of metadata and 4 MiB extents: VGs of 296, 196 and 136 MiB, room for 4, 3 and 2 claims. */
const LOOPS_MIB = { 'burst-a': 300, 'burst-b': 200, 'burst-c': 140 } as const;
const EXPECTED_PER_NODE: Record<string, number> = { 'burst-a': 4, 'burst-b': 3, 'burst-c': 2 };
const EXPECTED_BOUND = 9;

const reason = await suiteSkipReason({ tools: ['csi-provisioner'], isHostNeeded: true, apps: ['@openlocal/csi-plugin'] });
if (reason !== null) console.log(`[scheduler-extender:cluster] skipping the burst provisioning test: ${reason}`);

interface NodeStorage {
  name: string;
  vgName: string;
  sandbox: HostSandbox;
  vgSizeBytes: number;
}

/** The node's LVs (name → bytes) through its own LVM view. */
async function lvsOf(node: NodeStorage): Promise<Map<string, number>> {
  const { stdout } = await node.sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_size', node.vgName]);
  const rows = stdout.split('\n').map((line) => line.trim().split(/\s+/)).filter((cols) => cols.length === 2);
  return new Map(rows.map(([name, size]) => [name ?? '', Number(size)]));
}

async function vgSizeOf(sandbox: HostSandbox, vgName: string): Promise<number> {
  const { stdout } = await sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_size', vgName]);
  const size = Number(stdout.trim());
  if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`vgs reported size ${JSON.stringify(stdout)} for ${vgName}`);
  return size;
}

/** The node a local PV's affinity names, its volume handle and its volume attributes. */
function describePv(pv: V1PersistentVolume): { nodeName: string; handle: string; attributes: Record<string, string> } {
  const csi = pv.spec?.csi;
  return { nodeName: affinityNode(pv), handle: csi?.volumeHandle ?? '', attributes: csi?.volumeAttributes ?? {} };
}

function affinityNode(pv: V1PersistentVolume): string {
  const term = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0];
  return term?.matchExpressions?.[0]?.values?.[0] ?? '';
}

function selectedNode(claim: V1PersistentVolumeClaim | undefined): string | undefined {
  return claim?.metadata?.annotations?.['volume.kubernetes.io/selected-node'];
}

/** Where one pod's claim stands: Bound (to this PV), unplaced and the pod Unschedulable, or neither yet. */
async function claimState(kubeConfig: KubeConfig, pod: { namespace: string; name: string }, claim: V1PersistentVolumeClaim | undefined): Promise<{ bound: string } | 'pending' | 'moving'> {
  if (claim?.status?.phase === 'Bound') return { bound: claim.spec?.volumeName ?? '' };
  if (selectedNode(claim) !== undefined) return 'moving';
  return (await unschedulableMessage(kubeConfig, pod.namespace, pod.name)) === undefined ? 'moving' : 'pending';
}

describe.skipIf(reason !== null)('burst through the extender, node csi-plugins and external-provisioner --node-deployment', () => {
  let cluster: Cluster | undefined;
  let kubeConfig: KubeConfig;
  let extenderPort = 0;
  const nodes: NodeStorage[] = [];
  const sandboxes: HostSandbox[] = [];

  beforeAll(async () => {
    for (const [name, sizeMiB] of Object.entries(LOOPS_MIB)) {
      const sandbox = await createHostSandbox([sizeMiB]);
      sandboxes.push(sandbox);
      const vgName = `ol-${name}-${process.pid}`;
      await sandbox.run(['lvm', 'vgcreate', '--physicalextentsize', '4m', vgName, sandbox.loops[0] ?? '']);
      nodes.push({ name, vgName, sandbox, vgSizeBytes: await vgSizeOf(sandbox, vgName) });
    }
    const driver = { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: DRIVER }, spec: { attachRequired: false, podInfoOnMount: true } };
    cluster = await startExtenderCluster('burst provisioning', nodes.map(({ name }) => name), [storageClassManifest(), driver]);
    kubeConfig = cluster.kubeConfig;
    for (const node of nodes) {
      await writeNlsVolumeGroups(kubeConfig, node.name, [{ name: node.vgName, sizeBytes: node.vgSizeBytes, physicalVolumes: node.sandbox.loops }]);
    }

    [extenderPort] = (await freePorts(1)) as [number];
    await startExtender(cluster, { name: 'extender-burst', port: extenderPort, args: ['--strategy', 'binpack'] });
    // The extender must know every node's VG before the burst, or it would (rightly) refuse them all.
    await waitFor({ what: 'the extender to see the three VGs', timeoutMs: 60_000 }, async () => {
      const usage = await extenderUsage(extenderPort);
      const seen = nodes.every((n) => usage[n.name]?.[n.vgName] === 0);
      return seen ? { done: true, value: true } : { done: false, observed: usage };
    });

    const storage = kubeConfig.makeApiClient(StorageV1Api);
    for (const node of nodes) {
      // What node-driver-registrar + kubelet would publish: the driver's node id and topology key on this node.
      await storage.createCSINode({ body: { metadata: { name: node.name }, spec: { drivers: [{ name: DRIVER, nodeID: node.name, topologyKeys: ['kubernetes.io/hostname'] }] } } });
      const socketPath = join(node.sandbox.root, 'csi.sock');
      await cluster.startProcess(appProcessSpec({
        name: `csi-plugin-${node.name}`,
        packageName: '@openlocal/csi-plugin',
        args: [
          ...['--endpoint', `unix://${socketPath}`, '--nodeid', node.name, '--kubelet-dir', node.sandbox.kubeletDir],
          ...['--lvm-system-dir', node.sandbox.lvmSystemDir, '--device-regexp', '^$', '--metrics-port=0'],
          ...['--extender-url', `http://127.0.0.1:${extenderPort}`],
        ],
      }));
      await cluster.startProcess({
        name: `csi-provisioner-${node.name}`,
        command: toolPath('csi-provisioner'),
        args: [`--csi-address=${socketPath}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local', '--leader-election=false', '--retry-interval-start=1s', '--retry-interval-max=5s', '--v=4'],
        env: { NODE_NAME: node.name },
      });
    }
    await cluster.startScheduler({ schedulerName: SCHEDULER, extenders: [extenderStanza(`http://127.0.0.1:${extenderPort}/scheduler`)] });
  });

  afterAll(async () => {
    // Processes first (they hold the sockets and use the VGs), then the VGs, loops and files of each node.
    await cluster?.stop();
    for (const sandbox of sandboxes) await sandbox.cleanup();
  });

  interface Settled {
    /** Names of the PVs of the Bound claims. */
    bound: string[];
    /** Pods Unschedulable whose claim has no selected-node. */
    pending: string[];
  }

  /** Every pod either has its claim Bound, or is Unschedulable with its claim unplaced; at least EXPECTED_BOUND Bound. */
  async function settle(namespace: string, names: readonly string[]): Promise<Settled> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    return waitFor({ what: `${EXPECTED_BOUND} claims Bound and the rest of ${PODS} pods Unschedulable`, timeoutMs: 180_000, intervalMs: 2000 }, async () => {
      const claims = new Map((await core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => [c.metadata?.name ?? '', c]));
      const settled: Settled = { bound: [], pending: [] };
      for (const name of names) {
        const state = await claimState(kubeConfig, { namespace, name }, claims.get(`${name}-data-0`));
        if (state === 'pending') settled.pending.push(name);
        else if (state !== 'moving') settled.bound.push(state.bound);
      }
      const done = settled.bound.length >= EXPECTED_BOUND && settled.bound.length + settled.pending.length === PODS;
      return done ? { done: true, value: settled } : { done: false, observed: { bound: settled.bound.length, pending: settled.pending.length } };
    });
  }

  /** Volume handles (LV names) of these PVs by the node their affinity names; each PV in that node's VG. */
  async function volumesByNode(pvNames: readonly string[]): Promise<Record<string, string[]>> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const perNode: Record<string, string[]> = {};
    for (const pvName of pvNames) {
      const { nodeName, handle, attributes } = describePv(await core.readPersistentVolume({ name: pvName }));
      const node = nodes.find((n) => n.name === nodeName);
      expect(node, `PV ${pvName} names node ${nodeName}`).toBeDefined();
      expect(attributes).toMatchObject({ volumeType: 'LVM', vgName: node?.vgName });
      (perNode[nodeName] ??= []).push(handle);
    }
    return perNode;
  }

  /** Successful calls of one extender route, from its /metrics. */
  async function extenderCalls(route: string): Promise<number> {
    const metrics = await (await fetch(`http://127.0.0.1:${extenderPort}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith(`openlocal_extender_request_duration_seconds_count{route="${route}",status="200"}`));
    return Number(line?.split(' ').at(-1) ?? 0);
  }

  it('burst: 60 pods with a 64Mi claim each against room for 9 — exactly 9 provisioned as LVs in their node VG, 51 Pending', async () => {
    expect(nodes.map((n) => Math.floor(n.vgSizeBytes / CLAIM_BYTES))).toEqual(nodes.map((n) => EXPECTED_PER_NODE[n.name]));
    const namespace = await createTestNamespace(kubeConfig, 'burst-provisioning');
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const names = Array.from({ length: PODS }, (_, i) => `burst-${i}`);
    const started = Date.now();
    await Promise.all(names.map((name) => createPodWithClaims(kubeConfig, { namespace: namespace.name, name, sizes: ['64Mi'], schedulerName: SCHEDULER })));
    const settled = await settle(namespace.name, names);
    const settledMs = Date.now() - started;
    expect(settled.bound).toHaveLength(EXPECTED_BOUND);

    // Each bound PV is an LV of 64 MiB in the VG of the node its affinity names (real `lvm lvs` in that node's view):
    // exactly the bound PVs' LVs, nothing orphaned, and never more than the VG holds.
    const perNode = await volumesByNode(settled.bound);
    expect(Object.fromEntries(Object.entries(perNode).map(([n, lvs]) => [n, lvs.length]))).toEqual(EXPECTED_PER_NODE);
    for (const node of nodes) {
      const lvs = await lvsOf(node);
      expect(new Set(lvs.keys())).toEqual(new Set(perNode[node.name]));
      expect([...lvs.values()]).toEqual(lvs.size === 0 ? [] : Array.from({ length: lvs.size }, () => CLAIM_BYTES));
      expect([...lvs.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(node.vgSizeBytes);
    }

    // The extender never sent a claim where it could not fit: no provisioning failed, and its ledger is within every VG.
    const events = (await core.listNamespacedEvent({ namespace: namespace.name })).items;
    expect(events.filter((e) => e.reason === 'ProvisioningFailed').map((e) => e.message)).toEqual([]);
    const usage = await extenderUsage(extenderPort);
    expect(Object.fromEntries(nodes.map((n) => [n.name, usage[n.name]?.[n.vgName]]))).toEqual(Object.fromEntries(nodes.map((n) => [n.name, (EXPECTED_PER_NODE[n.name] ?? 0) * CLAIM_BYTES])));
    // Both sides really asked this extender: kube-scheduler filtered every pod, each plugin took its plan from it.
    expect(await extenderCalls('/scheduler/predicates')).toBeGreaterThanOrEqual(PODS);
    expect(await extenderCalls('/apis/scheduling/:namespace/persistentvolumeclaims/:name')).toBeGreaterThanOrEqual(EXPECTED_BOUND);

    // The other 51 pods are still Pending with no node and the extender's reason; their claims still Pending.
    const unplaced = (await core.listNamespacedPod({ namespace: namespace.name })).items.filter((p) => settled.pending.includes(p.metadata?.name ?? ''));
    expect(unplaced).toHaveLength(PODS - EXPECTED_BOUND);
    expect(unplaced.map((p) => ({ phase: p.status?.phase, nodeName: p.spec?.nodeName }))).toEqual(unplaced.map(() => ({ phase: 'Pending', nodeName: undefined })));
    for (const pod of unplaced) expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toContain('Insufficient LVM storage');
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: namespace.name })).items;
    expect(claims.filter((c) => c.status?.phase === 'Pending')).toHaveLength(PODS - EXPECTED_BOUND);
    console.log(`[scheduler-extender:cluster] burst provisioning: ${PODS} pods, ${settled.bound.length} bound (${JSON.stringify(EXPECTED_PER_NODE)}), settled in ${settledMs} ms`);
    await namespace.delete();
  });
});
