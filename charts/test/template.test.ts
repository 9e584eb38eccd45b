// What the chart renders, checked on the objects `helm template` prints: flags, RBAC rules, StorageClasses, the
// scheduler config, CRDs equal to packages/crd-types/crds, and values that must fail with a message naming them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHART_DIR, containerOf, findObject, helmSkipReason, KUBE_VERSION, parseObjects, podSpecOf, removeHelmHome, renderChart, REPO_ROOT, runHelm,
  type RenderedObject,
} from './helm.js';

const skipReason = helmSkipReason();
if (skipReason) console.warn(`chart template tests skipped: ${skipReason}`);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** Pure: "group/resource verb" strings of a role's rules, sorted, so a table can state them exactly. */
function grants(role: RenderedObject): string[] {
  const rules = (role as unknown as { rules: Rule[] }).rules;
  return rules
    .flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => {
      const names = rule.resourceNames ? ` [${rule.resourceNames.join(',')}]` : '';
      return `${group === '' ? 'core' : group}/${resource} ${verb}${names}`;
    }))))
    .sort();
}

const read = ['get', 'list', 'watch'];
/** The snapshot CRDs the chart installs from external-snapshotter's module (scripts/build-tools copies them). */
const SNAPSHOT_CRDS = ['volumesnapshotclasses', 'volumesnapshotcontents', 'volumesnapshots'].map((n) => `${n}.snapshot.storage.k8s.io`);
const expand = (resource: string, verbs: readonly string[]): string[] => verbs.map((verb) => `${resource} ${verb}`);

describe.skipIf(skipReason !== null)('chart open-local rendered by helm', () => {
  let objects: RenderedObject[];

  beforeAll(async () => {
    objects = await renderChart();
  });
  afterAll(() => removeHelmHome());

  it('passes helm lint with no warnings, with defaults and with overrides', async () => {
    for (const sets of [[], ['agent.device=/dev/vdb', 'controller.update_nls=false', 'extender.strategy=binpack', 'monitor.enabled=true']]) {
      const result = await runHelm(['lint', CHART_DIR, '--strict', '--kube-version', KUBE_VERSION, ...sets.flatMap((s) => ['--set', s])]);
      expect(result.stdout + result.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(result.exitCode).toBe(0);
    }
  });

  it('renders exactly the expected set of objects', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect(names).toEqual([
      'CSIDriver//local.csi.aliyun.com',
      ...['agent', 'controller', 'csi-controller', 'csi-node', 'csi-node-snapshotter', 'scheduler-extender', 'snapshot-controller'].map((c) => `ClusterRole//open-local-${c}`),
      ...['agent', 'controller', 'csi-controller', 'csi-node', 'csi-node-snapshotter', 'scheduler-extender', 'snapshot-controller'].map((c) => `ClusterRoleBinding//open-local-${c}`),
      ...SNAPSHOT_CRDS.map((n) => `CustomResourceDefinition//${n}`),
      'ConfigMap/kube-system/open-local-scheduler-config',
      'DaemonSet/kube-system/open-local-agent',
      'DaemonSet/kube-system/open-local-csi-plugin',
      'Deployment/kube-system/open-local-controller',
      'Deployment/kube-system/open-local-csi-controller',
      'Deployment/kube-system/open-local-scheduler-extender',
      'Deployment/kube-system/open-local-snapshot-controller',
      'NodeLocalStorageInitConfig//open-local',
      'Role/default/open-local-events',
      'Role/kube-system/open-local-controller-leader',
      'Role/kube-system/open-local-csi-controller-leader',
      'Role/kube-system/open-local-snapshot-controller-leader',
      'RoleBinding/default/open-local-events',
      'RoleBinding/kube-system/open-local-controller-leader',
      'RoleBinding/kube-system/open-local-csi-controller-leader',
      'RoleBinding/kube-system/open-local-snapshot-controller-leader',
      'Service/kube-system/open-local-scheduler-extender',
      ...['agent', 'controller', 'csi-controller', 'csi-node', 'scheduler-extender', 'snapshot-controller'].map((c) => `ServiceAccount/kube-system/open-local-${c}`),
      ...['open-local-device-hdd', 'open-local-device-ssd', 'open-local-lvm', 'open-local-lvm-xfs', 'open-local-mountpoint-hdd'].map((n) => `StorageClass//${n}`),
      // nodeScope auto on Kubernetes >= 1.30 (#16, node-scope.test.ts).
      ...['agent-own-nls', 'csi-node-own-pvs'].flatMap((n) => [`ValidatingAdmissionPolicy//open-local-${n}`, `ValidatingAdmissionPolicyBinding//open-local-${n}`]),
    ].sort());
  });

  it('runs the node CSI plugin with its socket under kubelet, self-registration and no node-driver-registrar', () => {
    const ds = findObject(objects, 'DaemonSet', 'open-local-csi-plugin');
    const pod = podSpecOf(ds);
    expect(pod.containers.map((c) => c.name)).toEqual(['csi-plugin', 'csi-provisioner', 'csi-snapshotter']);
    expect(pod.containers.some((c) => /registrar/.test(c.name) || /registrar/.test(c.image))).toBe(false);
    expect(pod.serviceAccountName).toBe('open-local-csi-node');
    const plugin = containerOf(ds, 'csi-plugin');
    expect(plugin.command).toEqual(['open-local-csi-plugin']);
    expect(plugin.args).toEqual(expect.arrayContaining([
      '--mode=node',
      '--nodeid=$(KUBE_NODE_NAME)',
      '--endpoint=unix:///var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock',
      '--kubelet-dir=/var/lib/kubelet',
      '--registration-dir=/var/lib/kubelet/plugins_registry',
      '--extender-url=http://open-local-scheduler-extender.kube-system:23000',
      '--metrics-port=9102',
    ]));
    expect(plugin.volumeMounts).toContainEqual({ name: 'kubelet-dir', mountPath: '/var/lib/kubelet', mountPropagation: 'Bidirectional' });
    const provisioner = containerOf(ds, 'csi-provisioner');
    expect(provisioner.image).toBe('registry.k8s.io/sig-storage/csi-provisioner:v5.3.0');
    expect(provisioner.args).toEqual(expect.arrayContaining(['--csi-address=/csi/csi.sock', '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local']));
    expect(provisioner.env?.map((e) => e.name)).toContain('NODE_NAME');
    expect(pod.volumes).toContainEqual({ name: 'plugin-dir', hostPath: { path: '/var/lib/kubelet/plugins/local.csi.aliyun.com', type: 'DirectoryOrCreate' } });
  });

  it('runs the agent with Open-Local flags, privileged, on every node', () => {
    const ds = findObject(objects, 'DaemonSet', 'open-local-agent');
    const pod = podSpecOf(ds);
    expect(pod.containers.map((c) => c.name)).toEqual(['agent']);
    expect(pod.serviceAccountName).toBe('open-local-agent');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(containerOf(ds, 'agent').args).toEqual([
      '--nodename=$(KUBE_NODE_NAME)', '--interval=60', '--lvname=local', '--regexp=^(s|v|xv)d[a-z]+$', '--path.sysfs=/host_sys',
      '--path.mount=/mnt/open-local', '--metrics-port=9101', '--orphan-grace=600',
    ]);
  });

  it('runs the controller, the controller-mode plugin with csi-resizer, and one extender', () => {
    const controller = findObject(objects, 'Deployment', 'open-local-controller');
    expect(containerOf(controller, 'controller').args).toEqual([
      '--initconfig=open-local', '--leader-elect-lease-name=open-local-controller', '--leader-elect-lease-namespace=kube-system',
      '--leader-elect-identity=$(POD_NAME)', '--http-port=8080',
    ]);
    const csi = findObject(objects, 'Deployment', 'open-local-csi-controller');
    expect(podSpecOf(csi).containers.map((c) => c.name)).toEqual(['csi-plugin', 'csi-resizer']);
    expect(containerOf(csi, 'csi-plugin').args).toContain('--mode=controller');
    expect(containerOf(csi, 'csi-resizer').image).toBe('registry.k8s.io/sig-storage/csi-resizer:v1.14.0');
    const extender = findObject(objects, 'Deployment', 'open-local-scheduler-extender');
    expect((extender.spec as { replicas: number }).replicas).toBe(1);
    expect(containerOf(extender, 'scheduler-extender').args).toEqual(['--port=23000', '--strategy=spread']);
    const service = findObject(objects, 'Service', 'open-local-scheduler-extender');
    expect((service.spec as { ports: unknown[] }).ports).toEqual([{ name: 'http-port', port: 23000, targetPort: 'http-port', protocol: 'TCP' }]);
  });

  it('declares the CSIDriver as Open-Local did: no attach, pod info, persistent and ephemeral', () => {
    expect(findObject(objects, 'CSIDriver', 'local.csi.aliyun.com').spec).toEqual({
      attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'],
    });
  });

  it.each([
    { name: 'open-local-lvm', parameters: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext4' }, expand: true },
    { name: 'open-local-lvm-xfs', parameters: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'xfs' }, expand: true },
    { name: 'open-local-device-hdd', parameters: { volumeType: 'Device', mediaType: 'hdd', 'csi.storage.k8s.io/fstype': 'ext4' }, expand: false },
    { name: 'open-local-device-ssd', parameters: { volumeType: 'Device', mediaType: 'ssd', 'csi.storage.k8s.io/fstype': 'ext4' }, expand: false },
    { name: 'open-local-mountpoint-hdd', parameters: { volumeType: 'MountPoint', mediaType: 'hdd' }, expand: false },
  ])('StorageClass $name has Open-Local parameters and binds at first consumer', ({ name, parameters, expand }) => {
    const sc = findObject(objects, 'StorageClass', name);
    expect(sc).toMatchObject({ provisioner: 'local.csi.aliyun.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: expand });
    expect(sc.parameters).toEqual(parameters);
  });

  it.each([
    {
      name: 'agent',
      want: [...expand('csi.aliyun.com/nodelocalstorages', read), ...expand('csi.aliyun.com/nodelocalstorages/status', ['get', 'patch', 'update']), ...expand('core/persistentvolumes', read)],
    },
    {
      name: 'controller',
      want: [
        ...expand('core/nodes', read),
        ...expand('csi.aliyun.com/nodelocalstorages', [...read, 'create', 'patch', 'update', 'delete']),
        ...expand('csi.aliyun.com/nodelocalstorageinitconfigs', read),
      ],
    },
    {
      name: 'scheduler-extender',
      want: [
        ...['core/persistentvolumes', 'core/persistentvolumeclaims', 'core/pods', 'storage.k8s.io/storageclasses', 'csi.aliyun.com/nodelocalstorages']
          .flatMap((r) => expand(r, read)),
        // #15: the pending-claim rescue removes a selected-node annotation that its node can no longer honour.
        'core/persistentvolumeclaims patch',
        // #17: a claim restored from a VolumeSnapshot is pinned to the node of the snapshot's source volume.
        ...expand('snapshot.storage.k8s.io/volumesnapshots', read),
      ],
    },
    {
      name: 'csi-node',
      want: [
        ...expand('core/persistentvolumes', [...read, 'create', 'patch', 'delete']),
        ...expand('core/persistentvolumeclaims', [...read, 'update']),
        ...expand('storage.k8s.io/storageclasses', read), ...expand('storage.k8s.io/csinodes', read), ...expand('core/nodes', read),
        ...expand('core/events', ['list', 'watch', 'create', 'update', 'patch']),
        // #15: the plugin reads its node's NLS to adopt the volumes Open-Local created.
        'csi.aliyun.com/nodelocalstorages get',
      ],
    },
    {
      name: 'csi-controller',
      want: [
        ...expand('core/persistentvolumes', [...read, 'patch']), ...expand('core/persistentvolumeclaims', read), ...expand('core/pods', read),
        'core/persistentvolumeclaims/status patch', ...expand('core/events', ['list', 'watch', 'create', 'update', 'patch']),
        ...expand('storage.k8s.io/volumeattributesclasses', read),
      ],
    },
  ])('ClusterRole open-local-$name grants exactly what that pod needs', ({ name, want }) => {
    expect(grants(findObject(objects, 'ClusterRole', `open-local-${name}`))).toEqual([...want].sort());
    const binding = findObject(objects, 'ClusterRoleBinding', `open-local-${name}`);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: `open-local-${name}`, namespace: 'kube-system' }]);
  });

  it('limits events to the default namespace and leader election to the controller Lease', () => {
    expect(grants(findObject(objects, 'Role', 'open-local-events'))).toEqual(['core/events create', 'core/events patch']);
    expect(findObject(objects, 'RoleBinding', 'open-local-events').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'open-local-agent', namespace: 'kube-system' },
      { kind: 'ServiceAccount', name: 'open-local-controller', namespace: 'kube-system' },
    ]);
    expect(grants(findObject(objects, 'Role', 'open-local-controller-leader'))).toEqual([
      'coordination.k8s.io/leases create', 'coordination.k8s.io/leases get [open-local-controller]', 'coordination.k8s.io/leases update [open-local-controller]',
    ]);
  });

  it('grants no secrets, no pods/binding and no wildcard to any account', () => {
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    const all = roles.flatMap(grants);
    expect(all.filter((g) => /secrets|pods\/binding|\*/.test(g))).toEqual([]);
  });

  it('ships the kube-scheduler extender stanza in a ConfigMap, not an init-job', () => {
    expect(objects.some((o) => o.kind === 'Job')).toBe(false);
    const data = findObject(objects, 'ConfigMap', 'open-local-scheduler-config').data as Record<string, string>;
    const stanza = {
      urlPrefix: 'http://open-local-scheduler-extender.kube-system:23000/scheduler', filterVerb: 'predicates', prioritizeVerb: 'priorities',
      weight: 10, nodeCacheCapable: true, ignorable: true,
    };
    expect(parse(data['kube-scheduler-config.yaml'] ?? '')).toEqual({
      apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: '/etc/kubernetes/scheduler.conf' }, extenders: [stanza],
    });
    expect(parse(data['extenders.yaml'] ?? '')).toEqual({ extenders: [stanza] });
  });

  it('creates the init config with Open-Local VG patterns and no disk unless agent.device is set', async () => {
    expect(findObject(objects, 'NodeLocalStorageInitConfig', 'open-local').spec).toEqual({
      globalConfig: { listConfig: { vgs: { include: ['open-local-pool-[0-9]+', 'yoda-pool[0-9]+', 'ackdistro-pool'] } } },
    });
    const withDevice = await renderChart(['agent.device=/dev/vdb']);
    expect(findObject(withDevice, 'NodeLocalStorageInitConfig', 'open-local').spec).toMatchObject({
      globalConfig: { resourceToBeInited: { vgs: [{ name: 'open-local-pool-0', devices: ['/dev/vdb'] }] } },
    });
  });

  it('ships CRDs byte-identical to packages/crd-types/crds', () => {
    const source = join(REPO_ROOT, 'packages', 'crd-types', 'crds');
    const chartCrds = join(CHART_DIR, 'crds');
    const names = readdirSync(source).filter((n) => n.endsWith('.yaml')).sort();
    expect(names.length).toBeGreaterThan(0);
    expect(readdirSync(chartCrds).sort()).toEqual(names);
    for (const name of names) expect(readFileSync(join(chartCrds, name), 'utf8'), name).toBe(readFileSync(join(source, name), 'utf8'));
  });

  it('renders the CRDs with --include-crds (helm installs them from crds/)', async () => {
    const withCrds = await renderChart([], ['--include-crds']);
    expect(withCrds.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name).sort()).toEqual([
      'nodelocalstorageinitconfigs.csi.aliyun.com', 'nodelocalstorages.csi.aliyun.com', ...SNAPSHOT_CRDS,
    ]);
  });

  it('runs csi-snapshotter --node-deployment beside each node plugin and a distributed snapshot-controller (#17)', () => {
    const snapshotter = containerOf(findObject(objects, 'DaemonSet', 'open-local-csi-plugin'), 'csi-snapshotter');
    expect(snapshotter.image).toBe('registry.k8s.io/sig-storage/csi-snapshotter:v8.7.0');
    expect(snapshotter.args).toEqual(['--csi-address=/csi/csi.sock', '--node-deployment=true', '--leader-election=false', '--extra-create-metadata=true', '--snapshot-name-prefix=snap']);
    expect(snapshotter.env?.map((e) => e.name)).toEqual(['NODE_NAME']);
    const controller = findObject(objects, 'Deployment', 'open-local-snapshot-controller');
    expect(podSpecOf(controller).serviceAccountName).toBe('open-local-snapshot-controller');
    expect(containerOf(controller, 'snapshot-controller').args).toEqual(['--leader-election=true', '--leader-election-namespace=kube-system', '--enable-distributed-snapshotting=true']);
    expect(grants(findObject(objects, 'ClusterRole', 'open-local-csi-node-snapshotter'))).toEqual(expect.arrayContaining([
      'snapshot.storage.k8s.io/volumesnapshotcontents/status patch', 'snapshot.storage.k8s.io/volumesnapshots get', 'snapshot.storage.k8s.io/volumesnapshotclasses get',
    ]));
    expect(grants(findObject(objects, 'ClusterRole', 'open-local-snapshot-controller'))).toEqual(expect.arrayContaining(['core/nodes list', 'snapshot.storage.k8s.io/volumesnapshotcontents create']));
    // The CRDs are upstream's, kept on uninstall so no VolumeSnapshot disappears with the chart.
    for (const name of SNAPSHOT_CRDS) {
      const crd = findObject(objects, 'CustomResourceDefinition', name) as unknown as { metadata: { annotations: Record<string, string> } };
      expect(crd.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
      expect(crd.metadata.annotations['api-approved.kubernetes.io']).toMatch(/kubernetes-csi\/external-snapshotter|github.com/);
    }
  });

  it('leaves the snapshot CRDs out with snapshot.installCRDs=false and every snapshot object out with snapshot.enabled=false', async () => {
    const noCrds = await renderChart(['snapshot.installCRDs=false']);
    expect(noCrds.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(noCrds.some((o) => o.metadata.name === 'open-local-snapshot-controller')).toBe(true);
    const off = await renderChart(['snapshot.enabled=false']);
    expect(off.filter((o) => /snapshot/.test(o.metadata.name))).toEqual([]);
    expect(podSpecOf(findObject(off, 'DaemonSet', 'open-local-csi-plugin')).containers.map((c) => c.name)).toEqual(['csi-plugin', 'csi-provisioner']);
  });
});

describe.skipIf(skipReason !== null)('chart open-local with overrides', () => {
  afterAll(() => removeHelmHome());

  it('follows name, namespace, kubelet_dir, strategy, port, update_nls, registry and prefix', async () => {
    const objects = await renderChart([
      'name=ol', 'namespace=storage', 'agent.kubelet_dir=/data/kubelet', 'extender.strategy=binpack', 'extender.port=24000',
      'controller.update_nls=false', 'global.RegistryURL=mirror.example.com/ol', 'agent.volume_name_prefix=vol', 'extender.name=ol-extender',
    ]);
    const plugin = containerOf(findObject(objects, 'DaemonSet', 'ol-csi-plugin'), 'csi-plugin');
    expect(plugin.args).toEqual(expect.arrayContaining([
      '--endpoint=unix:///data/kubelet/plugins/local.csi.aliyun.com/csi.sock', '--kubelet-dir=/data/kubelet',
      '--registration-dir=/data/kubelet/plugins_registry', '--extender-url=http://ol-extender.storage:24000', '--mount-dir=/mnt/ol',
    ]));
    expect(plugin.image).toBe('mirror.example.com/ol/open-local/csi-plugin:0.1.0');
    const provisioner = containerOf(findObject(objects, 'DaemonSet', 'ol-csi-plugin'), 'csi-provisioner');
    expect(provisioner.image).toBe('mirror.example.com/ol/sig-storage/csi-provisioner:v5.3.0');
    expect(provisioner.args).toContain('--volume-name-prefix=vol');
    expect(containerOf(findObject(objects, 'DaemonSet', 'ol-agent'), 'agent').args).toContain('--lvname=vol');
    expect(containerOf(findObject(objects, 'Deployment', 'ol-extender'), 'scheduler-extender').args).toEqual(['--port=24000', '--strategy=binpack']);
    expect(containerOf(findObject(objects, 'Deployment', 'ol-controller'), 'controller').args).toEqual(expect.arrayContaining(['--initconfig=ol', '--no-update-nls', '--leader-elect-lease-namespace=storage']));
    expect(objects.filter((o) => o.metadata.namespace !== undefined && o.metadata.namespace !== 'default').every((o) => o.metadata.namespace === 'storage')).toBe(true);
    const config = parse((findObject(objects, 'ConfigMap', 'ol-scheduler-config').data as Record<string, string>)['extenders.yaml'] ?? '') as { extenders: { urlPrefix: string }[] };
    expect(config.extenders[0]?.urlPrefix).toBe('http://ol-extender.storage:24000/scheduler');
  });

  it('renders an Open-Local v0.7.1 values file unchanged (keys it no longer uses are ignored)', async () => {
    const objects = await renderChart([], ['--values', join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'open-local-v0.7.1-values.yaml')]);
    expect(findObject(objects, 'NodeLocalStorageInitConfig', 'open-local').spec).toMatchObject({
      globalConfig: { resourceToBeInited: { vgs: [{ name: 'open-local-pool-0', devices: ['/dev/vdb'] }] } },
    });
    expect(containerOf(findObject(objects, 'Deployment', 'open-local-scheduler-extender'), 'scheduler-extender').args).toEqual(['--port=23000', '--strategy=spread']);
    expect(objects.some((o) => o.kind === 'Job')).toBe(false);
    expect(objects.filter((o) => o.kind === 'StorageClass')).toHaveLength(5);
  });

  it('puts a fixed extender ClusterIP in the Service and the urlPrefix (Open-Local YodaSchedulerSvcIP too)', async () => {
    for (const set of ['extender.clusterIP=10.96.0.50', 'global.YodaSchedulerSvcIP=10.96.0.50']) {
      const objects = await renderChart([set]);
      expect((findObject(objects, 'Service', 'open-local-scheduler-extender').spec as { clusterIP: string }).clusterIP).toBe('10.96.0.50');
      const data = findObject(objects, 'ConfigMap', 'open-local-scheduler-config').data as Record<string, string>;
      expect(data['extenders.yaml']).toContain('urlPrefix: http://10.96.0.50:23000/scheduler');
    }
  });

  it('uses the release namespace when namespace is empty', async () => {
    const objects = await renderChart(['namespace='], ['--namespace', 'ol-system']);
    expect(findObject(objects, 'DaemonSet', 'open-local-agent').metadata.namespace).toBe('ol-system');
  });

  it('adds ServiceMonitors only when monitor.enabled, one per component with the component as job', async () => {
    const objects = await renderChart(['monitor.enabled=true']);
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'monitoring/open-local-agent', 'monitoring/open-local-controller', 'monitoring/open-local-csi-node', 'monitoring/open-local-scheduler-extender',
    ]);
    for (const monitor of monitors) expect((monitor['spec'] as { jobLabel?: string }).jobLabel).toBe('app.kubernetes.io/component');
    // The controller's metrics port gets a headless Service that selects the controller's pods.
    const service = findObject(objects, 'Service', 'open-local-controller-metrics') as unknown as { spec: { selector: Record<string, string>; ports: { port: number }[] } };
    expect(service.spec.selector['app.kubernetes.io/component']).toBe('open-local-controller');
    expect(service.spec.ports.map((p) => p.port)).toEqual([8080]);
    expect(objects.some((o) => o.kind === 'PrometheusRule')).toBe(false);
  });

  it('ships the Grafana dashboard for the sidecar with Open-Local\'s uid, nodename variable and panels', async () => {
    const objects = await renderChart(['monitor.enabled=true']);
    const configMap = findObject(objects, 'ConfigMap', 'open-local-dashboard') as unknown as { metadata: { namespace: string; labels: Record<string, string> }; data: Record<string, string> };
    expect(configMap.metadata.namespace).toBe('monitoring');
    expect(configMap.metadata.labels['grafana_dashboard']).toBe('1');
    const dashboard = JSON.parse(configMap.data['open-local.json'] ?? '{}') as { uid: string; templating: { list: { name: string; query: string }[] }; panels: { title: string }[] };
    expect(dashboard.uid).toBe('TyLZG5Ynk');
    expect(dashboard.templating.list.find((v) => v.name === 'nodename')?.query).toBe('label_values(local_allocated_num, nodename)');
    expect(dashboard.panels.map((p) => p.title)).toEqual(expect.arrayContaining(['Number of PV', 'VG Information', 'Block Device Information', 'MountPoint Information', 'PV Information']));
    expect((await renderChart()).some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'open-local-dashboard')).toBe(false);
  });

  it('adds the PrometheusRule only when monitor.rules.enabled, with the thresholds from values', async () => {
    const objects = await renderChart(['monitor.rules.enabled=true', 'monitor.rules.vgFullRatio=0.75']);
    const rule = findObject(objects, 'PrometheusRule', 'open-local') as unknown as { spec: { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] } };
    const rules = rule.spec.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert ?? r.record)).toEqual([
      'openlocal:volume_group_used:ratio', 'OpenLocalVolumeGroupNearlyFull', 'OpenLocalThinPoolNearlyFull', 'OpenLocalOrphanedVolumes', 'OpenLocalAgentDown', 'OpenLocalAgentNotReporting',
      'OpenLocalCsiErrors', 'OpenLocalExtenderErrors', 'OpenLocalExtenderSlow', 'OpenLocalExtenderDown', 'OpenLocalNoControllerLeader',
    ]);
    expect(rules.find((r) => r.alert === 'OpenLocalVolumeGroupNearlyFull')?.expr).toBe('openlocal:volume_group_used:ratio > 0.75');
    expect(rules.find((r) => r.alert === 'OpenLocalAgentDown')?.expr).toBe('up{job="open-local-agent"} == 0');
  });

  it('ships the dashboard file that charts/scripts/dashboard.mjs writes', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'charts', 'scripts', 'dashboard.mjs'), '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('accepts a port given with --set-string', async () => {
    const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', KUBE_VERSION, '--set-string', 'extender.port=23001']);
    expect(result.exitCode).toBe(0);
    expect(parseObjects(result.stdout).some((o) => o.kind === 'Service' && JSON.stringify(o.spec).includes('"port":23001'))).toBe(true);
  });
});
