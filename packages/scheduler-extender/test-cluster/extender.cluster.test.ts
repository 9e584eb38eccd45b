// The extender with a real kube-scheduler (configured with Open-Local's extender stanza), kube-apiserver, etcd
// and three simulated nodes of different capacity: placement by binpack and spread, two claims placed together,
// a pod too large for every node left Pending with our reason, and a burst of 60 pods against room for 9 —
// exactly 9 placed, no VG over-committed — after which a restarted extender reports the same usage.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, freePorts, waitFor, type Cluster, type ManagedProcess } from '@openlocal/e2e/cluster';
import { extenderStanza, startExtender as startExtenderProcess, startExtenderCluster, suiteSkipReason } from './extender-cluster.js';
import { GI, createPodWithClaims, extenderUsage, selectedNodes, storageClassManifest, unschedulableMessage, writeNls } from './fixtures.js';

const NODES = { 'ext-x': 100, 'ext-y': 60, 'ext-z': 30 };
const BINPACK = 'openlocal-binpack';
const SPREAD = 'openlocal-spread';
/** Same binpack extender, but kube-scheduler sends full Node objects (nodeCacheCapable: false). */
const FULL_NODES = 'openlocal-full-nodes';

const reason = await suiteSkipReason();
if (reason !== null) console.log(`[scheduler-extender:cluster] skipping: ${reason}`);

describe.skipIf(reason !== null)('scheduler extender with a real kube-scheduler', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  const ports: Record<string, number> = {};
  const extenders: Record<string, ManagedProcess> = {};

  function startExtender(strategy: 'binpack' | 'spread', port: number): Promise<ManagedProcess> {
    return startExtenderProcess(cluster, { name: `extender-${strategy}-${Date.now()}`, port, args: ['--strategy', strategy] });
  }

  async function inNamespace<T>(name: string, body: (namespace: string) => Promise<T>): Promise<T> {
    const namespace = await createTestNamespace(kubeConfig, name);
    try {
      return await body(namespace.name);
    } finally {
      await namespace.delete();
    }
  }

  async function placementOf(namespace: string, pod: string): Promise<string[]> {
    return waitFor({ what: `claims of ${namespace}/${pod} to get selected-node`, timeoutMs: 90_000 }, async () => {
      const nodes = await selectedNodes(kubeConfig, namespace, pod);
      return nodes.length > 0 && nodes.every((n) => n !== undefined) ? { done: true, value: nodes as string[] } : { done: false, observed: nodes };
    });
  }

  beforeAll(async () => {
    cluster = await startExtenderCluster('extender', Object.keys(NODES), [storageClassManifest()]);
    kubeConfig = cluster.kubeConfig;
    for (const [node, gi] of Object.entries(NODES)) await writeNls(kubeConfig, node, { pool: gi });
    const [binpackPort, spreadPort] = (await freePorts(2)) as [number, number];
    Object.assign(ports, { binpack: binpackPort, spread: spreadPort });
    extenders['binpack'] = await startExtender('binpack', binpackPort);
    extenders['spread'] = await startExtender('spread', spreadPort);
    const schedulers = [
      [BINPACK, binpackPort, true],
      [SPREAD, spreadPort, true],
      [FULL_NODES, binpackPort, false],
    ] as const;
    for (const [schedulerName, port, nodeCacheCapable] of schedulers) {
      await cluster.startScheduler({ schedulerName, extenders: [extenderStanza(`http://127.0.0.1:${port}/scheduler`, { isNodeCacheCapable: nodeCacheCapable })] });
    }
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it.each([
    { name: 'binpack puts a 10Gi claim on the smallest node that fits', schedulerName: BINPACK, want: 'ext-z' },
    { name: 'spread puts a 10Gi claim on the emptiest node', schedulerName: SPREAD, want: 'ext-x' },
    { name: 'binpack also works when kube-scheduler sends full Node objects', schedulerName: FULL_NODES, want: 'ext-z' },
  ])('$name', async ({ schedulerName, want }) => {
    await inNamespace(`strategy-${schedulerName}`, async (namespace) => {
      await createPodWithClaims(kubeConfig, { namespace, name: 'one', sizes: ['10Gi'], schedulerName });
      expect(await placementOf(namespace, 'one')).toEqual([want]);
    });
  });

  it('a pod with two claims lands only where both fit together', async () => {
    await inNamespace('two-claims', async (namespace) => {
      // 40Gi fits alone on ext-y (60) and not on ext-z; 2×40Gi fits only on ext-x (100).
      await createPodWithClaims(kubeConfig, { namespace, name: 'pair', sizes: ['40Gi', '40Gi'], schedulerName: BINPACK });
      expect(await placementOf(namespace, 'pair')).toEqual(['ext-x', 'ext-x']);

      // What CreateVolume on ext-x would ask: the plan for each claim, the same when asked twice.
      const plan = async (claim: string, node: string): Promise<{ status: number; body: Record<string, unknown> }> => {
        const url = `http://127.0.0.1:${ports['binpack'] ?? 0}/apis/scheduling/${namespace}/persistentvolumeclaims/${claim}?nodeName=${node}&volumeType=LVM`;
        const response = await fetch(url, { method: 'POST' });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const first = await plan('pair-data-0', 'ext-x');
      expect(first).toEqual({ status: 200, body: expect.objectContaining({ node: 'ext-x', vgName: 'pool', volumeType: 'LVM', persistentVolumeClaim: `${namespace}/pair-data-0` }) });
      expect(await plan('pair-data-0', 'ext-x')).toEqual(first);
      expect((await plan('pair-data-1', 'ext-x')).status).toBe(200);
      // The same claim on another node than kube-scheduler selected: refused, naming both (issue #16).
      const refused = await plan('pair-data-0', 'ext-z');
      expect(refused.status).toBe(400);
      expect(String(refused.body['Error'])).toContain(`persistentvolumeclaim ${namespace}/pair-data-0 is selected for node ext-x`);
    });
  });

  it('a pod too large for every node stays Pending with the extender reason', async () => {
    await inNamespace('too-large', async (namespace) => {
      await createPodWithClaims(kubeConfig, { namespace, name: 'huge', sizes: ['200Gi'], schedulerName: BINPACK });
      const message = await waitFor({ what: `${namespace}/huge to be Unschedulable`, timeoutMs: 90_000 }, async () => {
        const found = await unschedulableMessage(kubeConfig, namespace, 'huge');
        return found === undefined ? { done: false, observed: 'not yet' } : { done: true, value: found };
      });
      expect(message).toContain('Insufficient LVM storage on node ext-x, vg is pool, pvc requested 200Gi');
      expect(await selectedNodes(kubeConfig, namespace, 'huge')).toEqual([undefined]);
      const pod = await kubeConfig.makeApiClient(CoreV1Api).readNamespacedPod({ namespace, name: 'huge' });
      expect(pod.spec?.nodeName).toBeUndefined();
    });
  });

  it('burst: 60 pods against room for 9 — exactly 9 placed, no VG over-committed; a restarted extender sees the same', async () => {
    await inNamespace('burst', async (namespace) => {
      const names = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
      await Promise.all(names.map((name) => createPodWithClaims(kubeConfig, { namespace, name, sizes: ['20Gi'], schedulerName: BINPACK })));
      const settled = await waitFor({ what: '9 pods placed and 51 Unschedulable', timeoutMs: 180_000, intervalMs: 2000 }, async () => {
        const placed: Record<string, number> = {};
        let unschedulable = 0;
        for (const name of names) {
          const [node] = await selectedNodes(kubeConfig, namespace, name);
          if (node !== undefined) placed[node] = (placed[node] ?? 0) + 1;
          else if ((await unschedulableMessage(kubeConfig, namespace, name)) !== undefined) unschedulable += 1;
        }
        const count = Object.values(placed).reduce((a, b) => a + b, 0);
        return count + unschedulable === 60 && count >= 9 ? { done: true, value: { placed, count } } : { done: false, observed: { placed, unschedulable } };
      });
      expect(settled.count).toBe(9);
      expect(settled.placed).toEqual({ 'ext-x': 5, 'ext-y': 3, 'ext-z': 1 });
      const usage = await extenderUsage(ports['binpack'] ?? 0);
      for (const [node, gi] of Object.entries(NODES)) expect(usage[node]?.['pool'] ?? Infinity).toBeLessThanOrEqual(gi * GI);
      expect(usage).toEqual({ 'ext-x': { pool: 100 * GI }, 'ext-y': { pool: 60 * GI }, 'ext-z': { pool: 20 * GI } });

      // kube-scheduler really asked this extender: at least one filter call per pod.
      const metrics = await (await fetch(`http://127.0.0.1:${ports['binpack'] ?? 0}/metrics`)).text();
      const calls = /openlocal_extender_request_duration_seconds_count\{route="\/scheduler\/predicates",status="200"\} (\d+)/.exec(metrics);
      expect(Number(calls?.[1] ?? 0)).toBeGreaterThanOrEqual(60);

      // The spread extender made none of these decisions, yet derives the same usage from the API (claims with
      // selected-node). It is the one restarted: the binpack scheduler's 51 Pending pods must not be retried
      // while their extender is down, since `ignorable: true` would then let them through unchecked.
      const spreadPort = ports['spread'] ?? 0;
      expect(await extenderUsage(spreadPort)).toEqual(usage);
      await extenders['spread']?.stop();
      extenders['spread'] = await startExtender('spread', spreadPort);
      expect(await extenderUsage(spreadPort)).toEqual(usage);
    });
  });
});
