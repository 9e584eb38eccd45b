// The controller against a real kube-apiserver: one NLS per Node from the init config, selector overrides,
// updates that keep the agent's status, no writes when idle, recreate/delete, events, leader failover.
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, NLS, VERSION, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyInitConfig, createNode, deleteNode, getNls, readMetric, restartApiServer, skipReason, startController, startNlsCluster, sumMetric, waitFor, waitForNls,
  type Cluster, type ControllerReplica,
} from './cluster-fixture.js';

const reason = skipReason();
if (reason) console.log(`[controller:cluster] skipping: ${reason}`);

const INIT_CONFIG = 'open-local';
const initConfig: NodeLocalStorageInitConfigSpec = {
  globalConfig: {
    listConfig: { vgs: { include: ['pool-[0-9]+'] } },
    resourceToBeInited: { vgs: [{ name: 'pool-0', devices: ['/dev/loop100'] }] },
  },
  nodesConfig: [{ selector: { matchLabels: { disk: 'nvme' } }, listConfig: { vgs: { include: ['fast'] } } }],
};
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function leaseHolder(kubeConfig: KubeConfig): Promise<string> {
  const lease = await kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'open-local-controller', namespace: 'kube-system' });
  return lease.spec?.holderIdentity ?? '';
}

async function eventsOn(kubeConfig: KubeConfig, name: string): Promise<{ reason: string; type: string; message: string }[]> {
  const list = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => ({ reason: e.reason ?? '', type: e.type ?? '', message: e.message ?? '' }));
}

describe.skipIf(reason !== null)('controller on a real API server', () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let leader: ControllerReplica;

  beforeAll(async () => {
    cluster = await startNlsCluster();
    kc = cluster.kubeConfig;
    await createNode(kc, 'n-a');
    await createNode(kc, 'n-b', { disk: 'nvme' });
    await applyInitConfig(kc, INIT_CONFIG, initConfig);
    leader = await startController(cluster, 'replica-1');
  });

  afterAll(async () => {
    if (cluster) console.log(`[controller:cluster] logs in ${cluster.runDir}`);
    await cluster?.stop();
  });

  it('creates one NLS per node from the init config; a selector override applies to the matching node only', async () => {
    const a = await waitForNls(kc, 'n-a', 'created', (nls) => nls !== null);
    const b = await waitForNls(kc, 'n-b', 'created', (nls) => nls !== null);
    expect(a?.spec).toEqual({ nodeName: 'n-a', ...initConfig.globalConfig });
    expect(b?.spec).toEqual({ nodeName: 'n-b', listConfig: { vgs: { include: ['fast'] } } });
    const response = await fetch(`http://127.0.0.1:${leader.port}/readyz`);
    expect(response.status).toBe(200);
  });

  it('updates the spec when the init config changes, keeping the status the agent wrote', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const status = { nodeStorageInfo: { phase: 'Running', volumeGroups: [{ name: 'pool-0', physicalVolumes: ['/dev/loop100'], total: 100, available: 100, allocatable: 100 }] } };
    await custom.patchClusterCustomObjectStatus({ group: GROUP, version: VERSION, plural: NLS.plural, name: 'n-a', body: { status } }, MERGE_PATCH);
    await applyInitConfig(kc, INIT_CONFIG, { ...initConfig, globalConfig: { ...initConfig.globalConfig, listConfig: { vgs: { include: ['pool-[0-9]+', 'extra'] } } } });
    const a = await waitForNls(kc, 'n-a', 'spec updated', (nls) => nls?.spec?.listConfig?.vgs?.include?.includes('extra') === true);
    expect(a?.status).toEqual(status);
    const b = await getNls(kc, 'n-b');
    expect(b?.spec?.listConfig).toEqual({ vgs: { include: ['fast'] } });
  });

  it('moves a node onto an override when its labels change, and back', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.patchNode({ name: 'n-a', body: { metadata: { labels: { disk: 'nvme' } } } }, MERGE_PATCH);
    await waitForNls(kc, 'n-a', 'override applied', (nls) => nls?.spec?.listConfig?.vgs?.include?.[0] === 'fast' && nls.spec.resourceToBeInited === undefined);
    await core.patchNode({ name: 'n-a', body: { metadata: { labels: { disk: null } } } }, MERGE_PATCH);
    await waitForNls(kc, 'n-a', 'global config again', (nls) => nls?.spec?.resourceToBeInited?.vgs?.[0]?.name === 'pool-0');
  });

  it('makes no write while nothing changes (three resync sweeps)', async () => {
    const before = [(await getNls(kc, 'n-a'))?.metadata?.resourceVersion, (await getNls(kc, 'n-b'))?.metadata?.resourceVersion];
    const writesBefore = await sumMetric(leader.port, 'openlocal_controller_nls_writes_total');
    await new Promise((resolve) => setTimeout(resolve, 6500));
    const after = [(await getNls(kc, 'n-a'))?.metadata?.resourceVersion, (await getNls(kc, 'n-b'))?.metadata?.resourceVersion];
    expect(after).toEqual(before);
    expect(await sumMetric(leader.port, 'openlocal_controller_nls_writes_total')).toBe(writesBefore);
    console.log(`[controller:cluster] writes over 6.5 s idle (3 sweeps of 2 nodes): ${(await sumMetric(leader.port, 'openlocal_controller_nls_writes_total')) - writesBefore}`);
  });

  it('recreates an NLS deleted by hand', async () => {
    const old = await getNls(kc, 'n-b');
    await kc.makeApiClient(CustomObjectsApi).deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: 'n-b' });
    const again = await waitForNls(kc, 'n-b', 'recreated', (nls) => nls !== null && nls.metadata?.uid !== old?.metadata?.uid);
    expect(again?.spec).toEqual(old?.spec);
  });

  it('deletes the NLS of a deleted node', async () => {
    await createNode(kc, 'n-gone');
    await waitForNls(kc, 'n-gone', 'created', (nls) => nls !== null);
    await deleteNode(kc, 'n-gone');
    await waitForNls(kc, 'n-gone', 'deleted', (nls) => nls === null);
  });

  it('reports Synced on the init config, and a readable Warning for an invalid selector without touching specs', async () => {
    const events = await eventsOn(kc, INIT_CONFIG);
    expect(events.some((e) => e.type === 'Normal' && e.reason === 'Synced')).toBe(true);
    const before = await getNls(kc, 'n-a');
    await applyInitConfig(kc, INIT_CONFIG, { ...initConfig, nodesConfig: [{ selector: { matchExpressions: [{ key: 'disk', operator: 'In', values: [] }] } }] });
    const warning = await waitFor({ what: 'InvalidInitConfig event', timeoutMs: 20_000, intervalMs: 200 }, async () => {
      const found = (await eventsOn(kc, INIT_CONFIG)).find((e) => e.reason === 'InvalidInitConfig');
      return found ? { done: true, value: found } : { done: false, observed: 'none yet' };
    });
    expect(warning.type).toBe('Warning');
    expect(warning.message).toMatch(/nodesConfig\[0\]\.selector.*values/);
    expect((await getNls(kc, 'n-a'))?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
    await applyInitConfig(kc, INIT_CONFIG, initConfig);
  });

  it('survives an API server restart: gives leadership up, takes it back, and goes on reconciling', async () => {
    const downMs = await restartApiServer(cluster, 3000);
    console.log(`[controller:cluster] API server unavailable for ${downMs} ms`);
    await createNode(kc, 'n-after-restart');
    await waitForNls(kc, 'n-after-restart', 'created after the restart', (nls) => nls !== null, { timeoutMs: 40_000, intervalMs: 100 });
    expect(leader.process.exitInfo()).toBeUndefined();
    const log = leader.process.tailLog(2000);
    expect(log).toContain('lost leadership: renew failed');
    expect(log.split('became leader').length - 1).toBe(2);
    expect(await sumMetric(leader.port, 'openlocal_controller_informer_restarts_total')).toBeGreaterThan(0);
    expect(await readMetric(leader.port, 'openlocal_controller_is_leader')).toBe(1);
    expect(await leaseHolder(kc)).toBe('replica-1');
  });

  it('with two replicas only the leader writes; the standby takes over within the lease duration when the leader dies', async () => {
    const standby = await startController(cluster, 'replica-2');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await leaseHolder(kc)).toBe('replica-1');
    expect(await readMetric(standby.port, 'openlocal_controller_is_leader')).toBe(0);
    expect(await sumMetric(standby.port, 'openlocal_controller_nls_writes_total')).toBe(0);

    const killedAt = Date.now();
    process.kill(leader.process.pid, 'SIGKILL');
    await leader.process.exited;
    await waitFor({ what: 'replica-2 to hold the lease', timeoutMs: 15_000, intervalMs: 100 }, async () => {
      const holder = await leaseHolder(kc);
      return holder === 'replica-2' ? { done: true, value: holder } : { done: false, observed: holder };
    });
    const takeoverMs = Date.now() - killedAt;
    console.log(`[controller:cluster] takeover after SIGKILL of the leader: ${takeoverMs} ms (lease duration 4000 ms, retry 500 ms)`);
    expect(takeoverMs).toBeLessThan(4000 + 500 + 2000);

    await createNode(kc, 'n-c');
    await waitForNls(kc, 'n-c', 'created by the new leader', (nls) => nls !== null);
    expect(await sumMetric(standby.port, 'openlocal_controller_nls_writes_total')).toBeGreaterThan(0);

    await standby.process.stop();
    expect(standby.process.exitInfo()).toEqual({ code: 0, signal: null });
    expect(await leaseHolder(kc)).toBe('');
  });
});
