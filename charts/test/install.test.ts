// helm install of the chart into a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager from the
// e2e harness): the objects exist, each ServiceAccount may do what its pod needs and no more (asked of the API
// server's RBAC authorizer, and proven by running the extender and the controller with their own accounts'
// tokens), the real kube-scheduler accepts the shipped configuration, and helm uninstall removes every object.
// Pods never run here (the harness has no kubelet), so nothing waits for them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  appProcessSpec, CONTROL_PLANE_TOOLS, freePorts, missingToolsReason, startCluster, toolPath, waitFor, waitForHealthy, type Cluster,
} from '../../e2e/cluster/index.js';
import { ACCESS, NAMESPACE } from './access-table.js';
import {
  agentSkipReason, canServiceAccount, crdExists, manifestCrdNames, objectExists, waitForLog, writeEmptyLvmView, writeServiceAccountKubeconfig,
} from './cluster.js';
import { CHART_DIR, helmSkipReason, parseObjects, removeHelmHome, renderChart, runHelm, type RenderedObject } from './helm.js';

const skipReason = helmSkipReason() ?? missingToolsReason(CONTROL_PLANE_TOOLS);
if (skipReason) console.warn(`chart install tests skipped: ${skipReason}`);

const RELEASE = 'open-local';
/** Two simulated nodes, so kube-scheduler both filters and scores (it skips scoring with one feasible node). */
const SCHEDULING_NODES = ['chart-node-s1', 'chart-node-s2'];

describe.skipIf(skipReason !== null)('helm install of charts/open-local into a real kube-apiserver', () => {
  let cluster: Cluster;
  let workDir: string;
  let manifest: RenderedObject[];
  let installOutput = '';
  const helm = (args: readonly string[]) => runHelm([...args, '--kubeconfig', cluster.kubeconfigPath]);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'openlocal-chart-'));
    cluster = await startCluster({ scheduler: false, nodes: SCHEDULING_NODES.map((name) => ({ name })) });
    const installed = await helm(['install', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--timeout', '2m']);
    if (installed.exitCode !== 0) throw new Error(`helm install failed (${installed.exitCode}): ${installed.stderr}`);
    installOutput = installed.stdout;
    const got = await helm(['get', 'manifest', RELEASE, '--namespace', NAMESPACE]);
    manifest = parseObjects(got.stdout);
  });

  afterAll(async () => {
    await cluster?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    removeHelmHome();
  });

  it('is deployed, with the CRDs from crds/ established', async () => {
    const status = await helm(['status', RELEASE, '--namespace', NAMESPACE, '-o', 'json']);
    expect((JSON.parse(status.stdout) as { info: { status: string } }).info.status).toBe('deployed');
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const nlsc = await custom.getClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorageinitconfigs', name: 'open-local' });
    expect((nlsc as { spec: unknown }).spec).toEqual({ globalConfig: { listConfig: { vgs: { include: ['open-local-pool-[0-9]+', 'yoda-pool[0-9]+', 'ackdistro-pool'] } } } });
  });

  it('prints NOTES that say how to point kube-scheduler at the extender', () => {
    expect(installOutput).toContain('NOTES:');
    expect(installOutput).toContain('ConfigMap open-local-scheduler-config');
    expect(installOutput).toContain('--config=/etc/kubernetes/kube-scheduler-config.yaml');
    expect(installOutput).toContain('No disk is claimed by default (agent.device is empty)');
  });

  it('created every object of the release', async () => {
    const kinds = new Set(manifest.map((o) => o.kind));
    for (const kind of ['DaemonSet', 'Deployment', 'Service', 'CSIDriver', 'StorageClass', 'NodeLocalStorageInitConfig', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ConfigMap']) {
      expect(kinds, kind).toContain(kind);
    }
    const missing: string[] = [];
    for (const object of manifest) if (!(await objectExists(cluster.kubeConfig, object))) missing.push(`${object.kind}/${object.metadata.name}`);
    expect(missing).toEqual([]);
    // 35 objects, plus 11 for snapshots (#17): the 3 snapshot CRDs, the snapshot-controller's account, ClusterRole,
    // binding, leader Role and RoleBinding and Deployment, and csi-snapshotter's ClusterRole and binding for csi-node;
    // plus the 2 nodeScope ValidatingAdmissionPolicies and their bindings (#16, on by default from Kubernetes 1.30).
    expect(manifest.length).toBe(50);
  });

  it.each(ACCESS)('$account $what', async ({ account, allowed, check }) => {
    expect(await canServiceAccount(cluster.kubeConfig, { namespace: NAMESPACE, name: `open-local-${account}` }, check)).toBe(allowed);
  });

  it('runs the scheduler extender with its own account until it is ready (its informers list and watch)', async () => {
    const kubeconfig = await writeServiceAccountKubeconfig(cluster.kubeConfig, {
      namespace: NAMESPACE, name: 'open-local-scheduler-extender', server: cluster.apiServerUrl, caPem: readFileSync(cluster.pki.caCert, 'utf8'), dir: workDir,
    });
    const [port] = (await freePorts(1)) as [number];
    const extender = await cluster.startProcess(appProcessSpec({
      name: 'chart-extender', packageName: '@openlocal/scheduler-extender', args: ['--kubeconfig', kubeconfig, '--host', '127.0.0.1', '--port', String(port), '--strategy', 'spread'],
    }));
    onTestFinished(async () => {
      await extender.stop();
    });
    await waitForHealthy({ process: extender, url: `http://127.0.0.1:${port}/readyz`, timeoutMs: 30_000 });
    expect(readFileSync(extender.logPath, 'utf8')).not.toMatch(/forbidden/i);
  });

  it('runs the controller with its own account: it wins its Lease and creates the NLS of a new node', async () => {
    const kubeconfig = await writeServiceAccountKubeconfig(cluster.kubeConfig, {
      namespace: NAMESPACE, name: 'open-local-controller', server: cluster.apiServerUrl, caPem: readFileSync(cluster.pki.caCert, 'utf8'), dir: workDir,
    });
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const node = 'chart-node-a';
    await core.createNode({ body: { metadata: { name: node, labels: { 'kubernetes.io/hostname': node } } } });
    onTestFinished(async () => {
      await core.deleteNode({ name: node }).catch(() => undefined);
      await custom.deleteClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages', name: node }).catch(() => undefined);
    });
    const [port] = (await freePorts(1)) as [number];
    const controller = await cluster.startProcess(appProcessSpec({
      name: 'chart-controller', packageName: '@openlocal/controller',
      args: [
        '--kubeconfig', kubeconfig, '--initconfig', 'open-local', '--leader-elect-lease-name', 'open-local-controller', '--leader-elect-lease-namespace', NAMESPACE,
        '--leader-elect-identity', 'chart-test', '--http-host', '127.0.0.1', '--http-port', String(port),
      ],
    }));
    onTestFinished(async () => {
      await controller.stop();
    });
    const nls = await waitFor({ what: `NLS ${node} created by the controller`, timeoutMs: 60_000, intervalMs: 200 }, async () => {
      try {
        return { done: true, value: (await custom.getClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages', name: node })) as { spec: { nodeName: string } } };
      } catch (error) {
        if ((error as { code?: number }).code === 404) return { done: false, observed: 'not found' };
        throw error;
      }
    });
    expect(nls.spec.nodeName).toBe(node);
    const lease = await cluster.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'open-local-controller', namespace: NAMESPACE });
    expect(lease.spec?.holderIdentity).toBe('chart-test');
    expect(readFileSync(controller.logPath, 'utf8')).not.toMatch(/forbidden/i);
  });

  it('runs the agent with its own account: it writes its node\'s NLS status (lvm sees no device)', async (context) => {
    const reason = agentSkipReason();
    if (reason) {
      console.warn(`agent run skipped: ${reason}`);
      context.skip();
    }
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const node = 'chart-node-b';
    const target = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };
    // The chart's nodeScope policies are on by default here (Kubernetes >= 1.30): the agent's token is bound to its
    // Node, as the token of the agent's pod on that node would be.
    await core.createNode({ body: { metadata: { name: node, labels: { 'kubernetes.io/hostname': node } } } });
    await custom.createClusterCustomObject({ ...target, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: node }, spec: { nodeName: node } } });
    onTestFinished(async () => {
      await custom.deleteClusterCustomObject({ ...target, name: node }).catch(() => undefined);
      await core.deleteNode({ name: node }).catch(() => undefined);
    });
    const kubeconfig = await writeServiceAccountKubeconfig(cluster.kubeConfig, {
      namespace: NAMESPACE, name: 'open-local-agent', server: cluster.apiServerUrl, caPem: readFileSync(cluster.pki.caCert, 'utf8'), dir: workDir, boundNode: node,
    });
    const lvmDir = writeEmptyLvmView(workDir);
    const mountRoot = join(workDir, 'mnt');
    mkdirSync(mountRoot, { recursive: true });
    const agent = await cluster.startProcess(appProcessSpec({
      name: 'chart-agent', packageName: '@openlocal/agent',
      args: [
        '--nodename', node, '--kubeconfig', kubeconfig, '--interval', '2', '--regexp', '^openlocal-chart-no-device$', '--path.mount', mountRoot,
        '--lvm-system-dir', lvmDir, '--metrics-host', '127.0.0.1', '--metrics-port', '0',
      ],
    }));
    onTestFinished(async () => {
      await agent.stop();
    });
    const status = await waitFor({ what: `NLS ${node} status written by the agent`, timeoutMs: 60_000, intervalMs: 200 }, async () => {
      const nls = (await custom.getClusterCustomObject({ ...target, name: node })) as { status?: { nodeStorageInfo?: unknown } };
      return nls.status?.nodeStorageInfo ? { done: true, value: nls.status } : { done: false, observed: nls.status };
    });
    expect(status.nodeStorageInfo).toBeDefined();
    expect(readFileSync(agent.logPath, 'utf8')).not.toMatch(/forbidden/i);
  });

  it('runs csi-provisioner --node-deployment and csi-resizer with their own accounts beside our plugin', async (context) => {
    const reason = agentSkipReason();
    if (reason) {
      console.warn(`CSI sidecar run skipped: ${reason}`);
      context.skip();
    }
    const caPem = readFileSync(cluster.pki.caCert, 'utf8');
    const nodeKubeconfig = await writeServiceAccountKubeconfig(cluster.kubeConfig, { namespace: NAMESPACE, name: 'open-local-csi-node', server: cluster.apiServerUrl, caPem, dir: workDir });
    const controllerKubeconfig = await writeServiceAccountKubeconfig(cluster.kubeConfig, { namespace: NAMESPACE, name: 'open-local-csi-controller', server: cluster.apiServerUrl, caPem, dir: workDir });
    const kubeletDir = join(workDir, 'kubelet');
    mkdirSync(kubeletDir, { recursive: true });
    const nodeSocket = join(workDir, 'node.sock');
    const controllerSocket = join(workDir, 'controller.sock');
    const started = [
      await cluster.startProcess(appProcessSpec({
        name: 'chart-csi-node', packageName: '@openlocal/csi-plugin',
        args: [
          '--endpoint', `unix://${nodeSocket}`, '--nodeid', 'chart-node-c', '--kubelet-dir', kubeletDir, '--registration-dir', '-',
          '--lvm-system-dir', writeEmptyLvmView(workDir), '--device-regexp', '^$', '--mount-dir', join(workDir, 'mnt'), '--metrics-port=-1',
        ],
      })),
      await cluster.startProcess(appProcessSpec({
        name: 'chart-csi-controller', packageName: '@openlocal/csi-plugin', args: ['--endpoint', `unix://${controllerSocket}`, '--mode', 'controller', '--metrics-port=-1'],
      })),
    ];
    onTestFinished(async () => {
      for (const child of started.reverse()) await child.stop();
    });
    await waitFor({ what: 'both plugin sockets', timeoutMs: 30_000, intervalMs: 100 }, () => {
      const isUp = [nodeSocket, controllerSocket].every((path) => existsSync(path));
      return Promise.resolve(isUp ? { done: true, value: undefined } : { done: false, observed: 'no socket yet' });
    });
    const provisioner = await cluster.startProcess({
      name: 'chart-csi-provisioner', command: toolPath('csi-provisioner'), env: { NODE_NAME: 'chart-node-c' },
      args: [`--csi-address=${nodeSocket}`, `--kubeconfig=${nodeKubeconfig}`, '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local', '--leader-election=false', '--v=4'],
    });
    started.push(provisioner);
    const resizer = await cluster.startProcess({
      name: 'chart-csi-resizer', command: toolPath('csi-resizer'),
      args: [`--csi-address=${controllerSocket}`, `--kubeconfig=${controllerKubeconfig}`, '--leader-election=true', `--leader-election-namespace=${NAMESPACE}`, '--v=4'],
    });
    started.push(resizer);
    // "Started provisioner controller" is logged only after its PVC, PV and StorageClass informers synced.
    await waitForLog(provisioner.logPath, /Started provisioner controller/);
    await waitForLog(resizer.logPath, /successfully acquired lease/);
    // The resizer's PVC, PV and Pod informers (client-go reports each synced cache at --v=2 and above).
    for (const type of ['PersistentVolumeClaim', 'PersistentVolume', 'Pod']) await waitForLog(resizer.logPath, new RegExp(`Caches populated" type="\\*v1\\.${type}"`));
    expect(readFileSync(provisioner.logPath, 'utf8')).not.toMatch(/forbidden/i);
    expect(readFileSync(resizer.logPath, 'utf8')).not.toMatch(/forbidden/i);
  });

  it('ships a KubeSchedulerConfiguration with which the real kube-scheduler calls the extender', async () => {
    const configMap = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'open-local-scheduler-config', namespace: NAMESPACE });
    const installed = parse(configMap.data?.['kube-scheduler-config.yaml'] ?? '') as { extenders: { urlPrefix: string }[] };
    expect(installed.extenders[0]?.urlPrefix).toBe('http://open-local-scheduler-extender.kube-system:23000/scheduler');
    // The Service name does not resolve on this host: render the same chart with extender.url at a local extender,
    // run that extender with its own account, and let kube-scheduler use the rendered configuration as it is.
    const [extenderPort, schedulerPort] = (await freePorts(2)) as [number, number];
    const rendered = await renderChart([`extender.url=http://127.0.0.1:${extenderPort}/scheduler`]);
    const data = rendered.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'open-local-scheduler-config')?.data as Record<string, string>;
    const config = parse(data['kube-scheduler-config.yaml'] ?? '') as Record<string, unknown>;
    const kubeconfig = await writeServiceAccountKubeconfig(cluster.kubeConfig, {
      namespace: NAMESPACE, name: 'open-local-scheduler-extender', server: cluster.apiServerUrl, caPem: readFileSync(cluster.pki.caCert, 'utf8'), dir: workDir,
    });
    const extender = await cluster.startProcess(appProcessSpec({
      name: 'chart-extender-for-scheduler', packageName: '@openlocal/scheduler-extender', args: ['--kubeconfig', kubeconfig, '--host', '127.0.0.1', '--port', String(extenderPort)],
    }));
    onTestFinished(async () => {
      await extender.stop();
    });
    await waitForHealthy({ process: extender, url: `http://127.0.0.1:${extenderPort}/readyz`, timeoutMs: 30_000 });
    // Only the kubeconfig path differs on this machine; leader election off because no other scheduler runs here.
    const path = join(workDir, 'kube-scheduler-config.yaml');
    writeFileSync(path, stringify({ ...config, clientConnection: { kubeconfig: cluster.kubeconfigPath }, leaderElection: { leaderElect: false } }));
    const scheduler = await cluster.startProcess({
      name: 'chart-kube-scheduler', command: toolPath('kube-scheduler'),
      args: [`--config=${path}`, '--bind-address=127.0.0.1', `--secure-port=${schedulerPort}`, `--tls-cert-file=${cluster.pki.servingCert}`, `--tls-private-key-file=${cluster.pki.servingKey}`, '--v=2'],
    });
    onTestFinished(async () => {
      await scheduler.stop();
    });
    await waitForHealthy({ process: scheduler, url: `https://127.0.0.1:${schedulerPort}/readyz`, tls: { ca: readFileSync(cluster.pki.caCert, 'utf8') }, timeoutMs: 60_000 });

    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'chart-scheduled' }, spec: { containers: [{ name: 'c', image: 'pause' }] } } });
    onTestFinished(async () => {
      await core.deleteNamespacedPod({ namespace: 'default', name: 'chart-scheduled', gracePeriodSeconds: 0 }).catch(() => undefined);
    });
    const nodeName = await waitFor({ what: 'pod chart-scheduled bound by kube-scheduler', timeoutMs: 60_000, intervalMs: 200 }, async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'chart-scheduled' });
      return pod.spec?.nodeName ? { done: true, value: pod.spec.nodeName } : { done: false, observed: pod.status?.conditions };
    });
    expect(SCHEDULING_NODES).toContain(nodeName);
    const metrics = await (await fetch(`http://127.0.0.1:${extenderPort}/metrics`)).text();
    for (const route of ['/scheduler/predicates', '/scheduler/priorities']) {
      expect(metrics, route).toMatch(new RegExp(`openlocal_extender_request_duration_seconds_count\\{route="${route}",status="200"\\} [1-9]`));
    }
  });

  it('helm upgrade --reuse-values changes values in place (revision 2)', async () => {
    const upgraded = await helm(['upgrade', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--reuse-values', '--set', 'extender.strategy=binpack', '--set', 'agent.interval=30']);
    expect(upgraded.exitCode, upgraded.stderr).toBe(0);
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    const extender = await apps.readNamespacedDeployment({ name: 'open-local-scheduler-extender', namespace: NAMESPACE });
    expect(extender.spec?.template.spec?.containers[0]?.args).toEqual(['--port=23000', '--strategy=binpack']);
    const agent = await apps.readNamespacedDaemonSet({ name: 'open-local-agent', namespace: NAMESPACE });
    expect(agent.spec?.template.spec?.containers[0]?.args).toContain('--interval=30');
    const status = await helm(['status', RELEASE, '--namespace', NAMESPACE, '-o', 'json']);
    expect((JSON.parse(status.stdout) as { version: number }).version).toBe(2);
  });

  it('helm uninstall removes every object of the release (CRDs stay, as helm keeps crds/ and the snapshot CRDs are marked keep)', async () => {
    const removed = await helm(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait', '--timeout', '2m']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    const isKept = (o: RenderedObject) => (o.metadata as { annotations?: Record<string, string> }).annotations?.['helm.sh/resource-policy'] === 'keep';
    const kept = manifest.filter(isKept);
    expect(kept.map((o) => o.metadata.name).sort()).toEqual(['volumesnapshotclasses', 'volumesnapshotcontents', 'volumesnapshots'].map((n) => `${n}.snapshot.storage.k8s.io`));
    for (const object of kept) expect(await objectExists(cluster.kubeConfig, object), object.metadata.name).toBe(true);
    const left = await waitFor({ what: 'every release object gone', timeoutMs: 60_000, intervalMs: 500 }, async () => {
      const present: string[] = [];
      for (const object of manifest.filter((o) => !isKept(o))) if (await objectExists(cluster.kubeConfig, object)) present.push(`${object.kind}/${object.metadata.name}`);
      return present.length === 0 ? { done: true, value: present } : { done: false, observed: present };
    });
    expect(left).toEqual([]);
    const pods = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/name=open-local' });
    expect(pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined).map((p) => p.metadata?.name)).toEqual([]);
    expect((await helm(['list', '--namespace', NAMESPACE, '-q'])).stdout.trim()).toBe('');
    const crds = manifestCrdNames();
    for (const name of crds) expect(await crdExists(cluster.kubeConfig, name), name).toBe(true);
  });
});
