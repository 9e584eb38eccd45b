// Least privilege where RBAC cannot say it (issue #16), proven on a real kube-apiserver with real bound tokens:
// the chart's ValidatingAdmissionPolicies let the agent's account write only the NodeLocalStorage of the node its
// token is bound to, and the node plugin's account create, change and delete only PVs of that node. Tokens come
// from the TokenRequest API, bound to a Node or to a pod scheduled on a node (what a kubelet projects into the
// pod); a token bound to nothing carries no node name and is refused.
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, type V1PersistentVolume } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_TOOLS, missingToolsReason, startCluster, waitFor, type Cluster } from '../../e2e/cluster/index.js';
import { NAMESPACE } from './access-table.js';
import { CHART_DIR, helmSkipReason, removeHelmHome, renderChart, runHelm } from './helm.js';

const skipReason = helmSkipReason() ?? missingToolsReason(CONTROL_PLANE_TOOLS);
if (skipReason) console.warn(`chart node-scope tests skipped: ${skipReason}`);

const NODES = ['scope-a', 'scope-b'] as const;
const NLS = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };

/** What the API answered: 'ok', or the HTTP status and message of the refusal. */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    const e = error as { code?: number; body?: string };
    const message = typeof e.body === 'string' ? ((JSON.parse(e.body) as { message?: string }).message ?? e.body) : String(error);
    return `${e.code ?? '?'}: ${message}`;
  }
}

function localPv(name: string, node: string): V1PersistentVolume {
  return {
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      csi: { driver: 'local.csi.aliyun.com', volumeHandle: name, volumeAttributes: { volumeType: 'LVM', vgName: 'pool' } },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}

describe.skipIf(skipReason !== null)('node-scoped writes by bound service-account tokens (chart nodeScope)', () => {
  let cluster: Cluster;
  let admin: KubeConfig;

  /** A client authenticated as `account` with a TokenRequest token bound to `bound` (or to nothing). */
  async function clientAs(account: string, bound?: { kind: 'Node' | 'Pod'; name: string }): Promise<KubeConfig> {
    const core = admin.makeApiClient(CoreV1Api);
    let boundObjectRef: object | undefined;
    if (bound?.kind === 'Node') boundObjectRef = { kind: 'Node', apiVersion: 'v1', name: bound.name, uid: (await core.readNode({ name: bound.name })).metadata?.uid };
    if (bound?.kind === 'Pod') boundObjectRef = { kind: 'Pod', apiVersion: 'v1', name: bound.name, uid: (await core.readNamespacedPod({ namespace: NAMESPACE, name: bound.name })).metadata?.uid };
    const request = await core.createNamespacedServiceAccountToken({ namespace: NAMESPACE, name: account, body: { spec: { audiences: [], expirationSeconds: 3600, boundObjectRef } } });
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'harness', server: cluster.apiServerUrl, caData: readFileSync(cluster.pki.caCert).toString('base64') }],
      users: [{ name: account, token: request.status?.token ?? '' }],
      contexts: [{ name: 'sa', cluster: 'harness', user: account }],
      currentContext: 'sa',
    });
    return config;
  }

  const patchNlsStatus = (client: KubeConfig, node: string) =>
    client.makeApiClient(CustomObjectsApi).patchClusterCustomObjectStatus(
      { ...NLS, name: node, body: { status: { nodeStorageInfo: { phase: 'Running', volumeGroups: [] } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  beforeAll(async () => {
    cluster = await startCluster({ scheduler: false, nodes: NODES.map((name) => ({ name })) });
    admin = cluster.kubeConfig;
    // No nodeScope value: the default (auto) turns the policies on, as this kube-apiserver is >= 1.30.
    const installed = await runHelm(['install', 'open-local', CHART_DIR, '--namespace', NAMESPACE, '--timeout', '2m', '--kubeconfig', cluster.kubeconfigPath]);
    if (installed.exitCode !== 0) throw new Error(`helm install failed (${installed.exitCode}): ${installed.stderr}`);
    const custom = admin.makeApiClient(CustomObjectsApi);
    for (const node of NODES) {
      await custom.createClusterCustomObject({ ...NLS, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: node }, spec: { nodeName: node } } });
    }
    // A pod of the node plugin's account scheduled on scope-a, as the DaemonSet's pod would be (no kubelet runs it).
    // Admission policies take effect once the API server's policy informer has them (and type-checked them).
    const unbound = await clientAs('open-local-agent');
    await waitFor({ what: 'the node-scope policies to be enforced', timeoutMs: 60_000, intervalMs: 500 }, async () => {
      const answer = await outcome(patchNlsStatus(unbound, 'scope-a'));
      return answer.startsWith('403: ') ? { done: true, value: answer } : { done: false, observed: answer };
    });
    await admin.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: NAMESPACE,
      body: { metadata: { name: 'csi-node-on-a' }, spec: { nodeName: 'scope-a', serviceAccountName: 'open-local-csi-node', containers: [{ name: 'c', image: 'registry.invalid/never-pulled:0' }] } },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    removeHelmHome();
  });

  it("the agent writes its own node's NLS status and no other", async () => {
    const onA = await clientAs('open-local-agent', { kind: 'Node', name: 'scope-a' });
    expect(await outcome(patchNlsStatus(onA, 'scope-a'))).toBe('ok');
    const other = await outcome(patchNlsStatus(onA, 'scope-b'));
    expect(other).toMatch(/^403: /);
    expect(other).toContain('the open-local agent may only write the NodeLocalStorage of its own node: node scope-a asked to write scope-b');
    const onB = await clientAs('open-local-agent', { kind: 'Node', name: 'scope-b' });
    expect(await outcome(patchNlsStatus(onB, 'scope-b'))).toBe('ok');
  });

  it('a token bound to nothing carries no node name and is refused', async () => {
    const unbound = await clientAs('open-local-agent');
    const refused = await outcome(patchNlsStatus(unbound, 'scope-a'));
    expect(refused).toMatch(/^403: /);
    expect(refused).toContain('its token carries no node name');
  });

  it("the node plugin's account creates and deletes PVs of its own node only", async () => {
    const onA = (await clientAs('open-local-csi-node', { kind: 'Pod', name: 'csi-node-on-a' })).makeApiClient(CoreV1Api);
    expect(await outcome(onA.createPersistentVolume({ body: localPv('scope-pv-a', 'scope-a') }))).toBe('ok');
    const foreign = await outcome(onA.createPersistentVolume({ body: localPv('scope-pv-b', 'scope-b') }));
    expect(foreign).toMatch(/^403: /);
    expect(foreign).toContain('node scope-a asked about PersistentVolume scope-pv-b');
    // A PV of scope-b that exists (made by an administrator) cannot be deleted or changed from scope-a.
    const core = admin.makeApiClient(CoreV1Api);
    await core.createPersistentVolume({ body: localPv('scope-pv-b', 'scope-b') });
    expect(await outcome(onA.deletePersistentVolume({ name: 'scope-pv-b' }))).toMatch(/^403: .*asked about PersistentVolume scope-pv-b/);
    expect(await outcome(onA.patchPersistentVolume({ name: 'scope-pv-b', body: { metadata: { labels: { x: 'y' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)))).toMatch(/^403: /);
    expect(await outcome(onA.deletePersistentVolume({ name: 'scope-pv-a' }))).toBe('ok');
    // Administrators are not affected.
    expect(await outcome(core.deletePersistentVolume({ name: 'scope-pv-b' }))).toBe('ok');
  });
});

describe.skipIf(helmSkipReason() !== null)('chart nodeScope rendering', () => {
  afterAll(() => removeHelmHome());
  const policies = (objects: { kind: string; metadata: { name: string } }[]) =>
    objects.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy')).map((o) => `${o.kind}/${o.metadata.name}`).sort();

  const ALL = [
    'ValidatingAdmissionPolicy/open-local-agent-own-nls', 'ValidatingAdmissionPolicy/open-local-csi-node-own-pvs',
    'ValidatingAdmissionPolicyBinding/open-local-agent-own-nls', 'ValidatingAdmissionPolicyBinding/open-local-csi-node-own-pvs',
  ];

  it.each([
    { values: [], kube: '1.31.0', want: ALL, why: 'default (auto) on Kubernetes 1.31' },
    { values: [], kube: '1.30.0', want: ALL, why: 'default (auto) on Kubernetes 1.30' },
    { values: [], kube: '1.29.0', want: [], why: 'default (auto) on Kubernetes 1.29: no ValidatingAdmissionPolicy v1' },
    { values: ['nodeScope.enabled=auto'], kube: '1.29.0', want: [], why: 'explicit auto on 1.29' },
    { values: ['nodeScope.enabled=false'], kube: '1.31.0', want: [], why: 'explicit false on 1.31' },
    { values: ['nodeScope.enabled=true'], kube: '1.31.0', want: ALL, why: 'explicit true on 1.31' },
  ])('$why: $want.length objects', async ({ values, kube, want }) => {
    expect(policies(await renderChart(values, ['--kube-version', kube]))).toEqual(want);
  });

  it.each([
    { set: 'nodeScope.enabled=true', kube: '1.29.0', want: 'nodeScope.enabled=true needs ValidatingAdmissionPolicy v1 (Kubernetes >= 1.30), this cluster is v1.29.0; use auto or false' },
    { set: 'nodeScope.enabled=yes', kube: '1.31.0', want: 'nodeScope.enabled must be auto, true or false, got "yes"' },
  ])('refuses $set on Kubernetes $kube, naming the field and value', async ({ set, kube, want }) => {
    const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', kube, '--set', set]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(want);
  });
});
