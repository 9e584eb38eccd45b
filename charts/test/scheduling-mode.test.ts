// scheduling.mode (#14): the chart's CSIStorageCapacity mode on the objects `helm template` prints — what capacity
// mode adds (capacity flags and env on each node's csi-provisioner, storageCapacity on the CSIDriver, the Role for
// CSIStorageCapacity objects) and what it leaves out (the extender, its RBAC and the scheduler configuration);
// extender mode, the default, carries none of it. Bad values fail naming the key.
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_DIR, containerOf, findObject, helmSkipReason, KUBE_VERSION, removeHelmHome, renderChart, runHelm, type RenderedObject } from './helm.js';

const skipReason = helmSkipReason();
if (skipReason) console.warn(`chart scheduling-mode tests skipped: ${skipReason}`);

const CAPACITY_FLAGS = ['--enable-capacity', '--capacity-ownerref-level=1', '--capacity-poll-interval=30s'];
const EXTENDER_OBJECTS: readonly [string, string][] = [
  ['Deployment', 'open-local-scheduler-extender'],
  ['Service', 'open-local-scheduler-extender'],
  ['ServiceAccount', 'open-local-scheduler-extender'],
  ['ClusterRole', 'open-local-scheduler-extender'],
  ['ClusterRoleBinding', 'open-local-scheduler-extender'],
  ['ConfigMap', 'open-local-scheduler-config'],
];

function has(objects: readonly RenderedObject[], kind: string, name: string): boolean {
  return objects.some((o) => o.kind === kind && o.metadata.name === name);
}

function rulesOf(role: RenderedObject): unknown {
  return (role as unknown as { rules: unknown }).rules;
}

describe.skipIf(skipReason !== null)('chart open-local scheduling.mode', () => {
  afterAll(() => removeHelmHome());

  it('capacity: csi-provisioner publishes CSIStorageCapacity, the CSIDriver says so, and no extender is installed', async () => {
    const objects = await renderChart(['scheduling.mode=capacity']);
    const daemonSet = findObject(objects, 'DaemonSet', 'open-local-csi-plugin');
    const provisioner = containerOf(daemonSet, 'csi-provisioner');
    expect(provisioner.args).toEqual(expect.arrayContaining(['--node-deployment=true', ...CAPACITY_FLAGS]));
    expect(provisioner.env?.map((e) => e.name)).toEqual(['NODE_NAME', 'POD_NAME', 'NAMESPACE']);
    // The plugin asks no extender for plans: it picks the VG itself.
    expect(containerOf(daemonSet, 'csi-plugin').args?.some((a) => a.startsWith('--extender-url'))).toBe(false);
    expect((findObject(objects, 'CSIDriver', 'local.csi.aliyun.com') as unknown as { spec: { storageCapacity?: boolean } }).spec.storageCapacity).toBe(true);
    for (const [kind, name] of EXTENDER_OBJECTS) expect(has(objects, kind, name), `${kind} ${name}`).toBe(false);
  });

  it('capacity: the node account may manage CSIStorageCapacity objects and read pods in the chart namespace only', async () => {
    const objects = await renderChart(['scheduling.mode=capacity', 'namespace=storage']);
    const role = findObject(objects, 'Role', 'open-local-csi-node-capacity');
    expect(role.metadata.namespace).toBe('storage');
    expect(rulesOf(role)).toEqual([
      { apiGroups: ['storage.k8s.io'], resources: ['csistoragecapacities'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'open-local-csi-node-capacity') as unknown as { roleRef: { kind: string; name: string }; subjects: unknown };
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'open-local-csi-node-capacity' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'open-local-csi-node', namespace: 'storage' }]);
  });

  it('capacity: the poll interval follows scheduling.capacityPollInterval, and no extender ServiceMonitor is added', async () => {
    const objects = await renderChart(['scheduling.mode=capacity', 'scheduling.capacityPollInterval=2m', 'monitor.enabled=true']);
    expect(containerOf(findObject(objects, 'DaemonSet', 'open-local-csi-plugin'), 'csi-provisioner').args).toContain('--capacity-poll-interval=2m');
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name).sort()).toEqual(['open-local-agent', 'open-local-controller', 'open-local-csi-node']);
  });

  it('extender (the default): no capacity flag, env, Role or storageCapacity; the extender and scheduler config are there', async () => {
    const objects = await renderChart();
    const provisioner = containerOf(findObject(objects, 'DaemonSet', 'open-local-csi-plugin'), 'csi-provisioner');
    for (const flag of CAPACITY_FLAGS) expect(provisioner.args).not.toContain(flag);
    expect(provisioner.env?.map((e) => e.name)).toEqual(['NODE_NAME']);
    expect((findObject(objects, 'CSIDriver', 'local.csi.aliyun.com') as unknown as { spec: Record<string, unknown> }).spec).not.toHaveProperty('storageCapacity');
    expect(has(objects, 'Role', 'open-local-csi-node-capacity')).toBe(false);
    for (const [kind, name] of EXTENDER_OBJECTS) expect(has(objects, kind, name), `${kind} ${name}`).toBe(true);
  });

  it.each([
    { name: 'an unknown mode', set: 'scheduling.mode=csi', want: 'scheduling.mode must be extender or capacity, got "csi"' },
    { name: 'a poll interval that is no duration', set: 'scheduling.mode=capacity,scheduling.capacityPollInterval=soon', want: 'scheduling.capacityPollInterval must be a Go duration such as 30s or 1m, got "soon"' },
    { name: 'a missing csi-snapshotter image', set: 'images.snapshotter.image=', want: 'images.snapshotter.image must not be empty: name the csi-snapshotter image' },
    { name: 'a bad snapshot-controller tag', set: 'images.snapshot_controller.tag=v8 7', want: 'images.snapshot_controller.tag must be an image tag, got "v8 7"' },
  ])('$name fails helm template naming the value', async ({ set, want }) => {
    const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', KUBE_VERSION, '--set', set]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(want);
  });
});
