// The agent on a real control plane: two simulated nodes, each with its own loop devices, VG names, LVM view
// and agent process; the controller creates their NLS objects from an init config. Statuses are checked
// against what lvm itself reports on each node. Bad input is tried and must leave data untouched.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, NLS, VERSION, type NodeLocalStorage, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyInitConfig, clusterSkipReason, createNode, getNls, sumMetric, restartApiServer, startAgentProcess, startControllerProcess, startNlsCluster,
  waitForEvent, waitForNls, type AgentProcess, type Cluster,
} from './cluster-fixture.js';
import { createNodeSandbox, hostSkipReason, run, type NodeSandbox } from './node-sandbox.js';

const MiB = 1024 ** 2;
const LOOP_BYTES = 256 * MiB;
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const skip = clusterSkipReason() ?? (await hostSkipReason());
if (skip) console.log(`[agent:cluster] skipping: ${skip}`);

const listConfig = { vgs: { include: ['ol[ab]-[0-9]+'] }, devices: { include: ['/dev/loop[0-9]+'] }, mountPoints: { include: ['.*'] } };

function initConfig(nodeA: Partial<NodeLocalStorageInitConfigSpec['globalConfig']> = {}, nodeB: Partial<NodeLocalStorageInitConfigSpec['globalConfig']> = {}): NodeLocalStorageInitConfigSpec {
  return {
    globalConfig: { listConfig },
    nodesConfig: [
      { selector: { matchLabels: { 'kubernetes.io/hostname': 'node-a' } }, listConfig, ...nodeA },
      { selector: { matchLabels: { 'kubernetes.io/hostname': 'node-b' } }, listConfig, ...nodeB },
    ],
  };
}

function vgOf(nls: NodeLocalStorage, name: string) {
  return nls.status?.nodeStorageInfo?.volumeGroups?.find((vg) => vg.name === name);
}

async function blkidType(device: string): Promise<string> {
  return (await run(['blkid', '-p', '-o', 'value', '-s', 'TYPE', device]).catch(() => '')).trim();
}

describe.skipIf(skip !== null)('agent on a real control plane with two simulated nodes', () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let a: NodeSandbox;
  let b: NodeSandbox;
  let agentA: AgentProcess;
  let agentB: AgentProcess;

  beforeAll(async () => {
    a = await createNodeSandbox('node-a', 4, LOOP_BYTES);
    b = await createNodeSandbox('node-b', 2, LOOP_BYTES);
    const [a0 = '', , a2 = ''] = a.loops;
    const [b0 = '', b1 = ''] = b.loops;
    await a.lvm.createVg({ name: 'ola-0', devices: [a0] });
    await b.lvm.createVg({ name: 'olb-0', devices: [b0] });
    await b.lvm.createVg({ name: 'olb-x', devices: [b1] });
    await run(['mkfs.ext4', '-q', '-F', a2]);
    cluster = await startNlsCluster();
    kc = cluster.kubeConfig;
    await createNode(kc, 'node-a');
    await createNode(kc, 'node-b');
    await applyInitConfig(kc, initConfig());
    await startControllerProcess(cluster);
    agentA = await startAgentProcess(cluster, a);
    agentB = await startAgentProcess(cluster, b);
  });

  afterAll(async () => {
    if (cluster) console.log(`[agent:cluster] logs in ${cluster.runDir}`);
    await cluster?.stop();
    await a?.cleanup();
    await b?.cleanup();
  });

  it('each node\'s NLS status matches what lvm reports on that node, and nothing of the other node', async () => {
    for (const node of [a, b]) {
      const nls = await waitForNls(kc, node.name, 'status written', (n) => (n.status?.nodeStorageInfo?.volumeGroups?.length ?? 0) > 0);
      const state = await node.lvm.readState();
      const reported = nls.status?.nodeStorageInfo?.volumeGroups ?? [];
      expect(reported.map((vg) => vg.name)).toEqual(state.vgs.map((vg) => vg.name).sort());
      for (const vg of state.vgs) {
        expect(vgOf(nls, vg.name)).toMatchObject({
          total: vg.sizeBytes, available: vg.freeBytes, allocatable: vg.sizeBytes,
          physicalVolumes: state.pvs.filter((pv) => pv.vgName === vg.name).map((pv) => pv.name).sort(),
        });
      }
      const devices = nls.status?.nodeStorageInfo?.deviceInfo ?? [];
      expect(devices.map((d) => d.name).sort()).toEqual([...node.loops].sort());
      expect(devices.every((d) => d.total === LOOP_BYTES && d.condition === 'DiskReady')).toBe(true);
    }
    const nlsA = await getNls(kc, 'node-a');
    expect(nlsA?.status?.filteredStorageInfo).toMatchObject({ volumeGroups: ['ola-0'], updateStatusInfo: { updateStatus: 'accepted', reason: '' } });
    expect((await getNls(kc, 'node-b'))?.status?.filteredStorageInfo?.volumeGroups).toEqual(['olb-0']);
    if (!(await a.lvm.hasDeviceMapper())) {
      const event = await waitForEvent(kc, 'node-a', (e) => e.reason === 'ActivateVGFailed', 'activation reported');
      expect(event.message).toContain('no device-mapper');
    }
  });

  it('an LV created by hand outside our prefix lowers allocatable; ours does not', async () => {
    await a.lvm.createLv({ vgName: 'ola-0', name: 'userdata', sizeBytes: 32 * MiB });
    await a.lvm.createLv({ vgName: 'ola-0', name: 'local-pv-1', sizeBytes: 64 * MiB });
    const vg = (await a.lvm.readState()).vgs.find((v) => v.name === 'ola-0');
    const nls = await waitForNls(kc, 'node-a', 'two LVs reported', (n) => vgOf(n, 'ola-0')?.logicalVolumes?.length === 2);
    expect(vgOf(nls, 'ola-0')).toMatchObject({ total: vg?.sizeBytes, available: vg?.freeBytes, allocatable: (vg?.sizeBytes ?? 0) - 32 * MiB });
    expect(vgOf(nls, 'ola-0')?.logicalVolumes?.map((lv) => lv.name).sort()).toEqual(['local-pv-1', 'userdata']);
  });

  it('adding a VG to the init config (node-a override) makes node-a\'s agent create it from a free loop; node-b is untouched', async () => {
    const a1 = a.loops[1] ?? '';
    await applyInitConfig(kc, initConfig({ resourceToBeInited: { vgs: [{ name: 'ola-1', devices: [a1] }] } }));
    const nls = await waitForNls(kc, 'node-a', 'ola-1 reported', (n) => vgOf(n, 'ola-1') !== undefined);
    const state = await a.lvm.readState();
    expect(state.pvs.find((pv) => pv.name === a1)?.vgName).toBe('ola-1');
    expect(vgOf(nls, 'ola-1')).toMatchObject({ physicalVolumes: [a1], total: state.vgs.find((v) => v.name === 'ola-1')?.sizeBytes });
    await waitForEvent(kc, 'node-a', (e) => e.reason === 'CreatedVG' && e.message.includes('ola-1'), 'CreatedVG');
    const nlsB = await getNls(kc, 'node-b');
    expect(nlsB?.spec?.resourceToBeInited).toBeUndefined();
    expect((await b.lvm.readState()).vgs.map((v) => v.name).sort()).toEqual(['olb-0', 'olb-x']);
  });

  it('refuses devices that are missing, hold a filesystem or belong to another VG, with events, destroying nothing; formats a blank mount point device once', async () => {
    const [a0 = '', a1 = '', a2 = '', a3 = ''] = a.loops;
    const b1 = b.loops[1] ?? '';
    const mountPath = `${a.mountRoot}/mp1`;
    await applyInitConfig(kc, initConfig(
      {
        resourceToBeInited: {
          vgs: [
            { name: 'ola-1', devices: [a1] },
            { name: 'ola-fs', devices: [a2] },
            { name: 'ola-missing', devices: ['/dev/openlocal-missing-disk'] },
            { name: 'ola-taken', devices: [a0] },
            // Malformed paths the CRD's pattern lets through: refused by field before any probe.
            { name: 'ola-badpath', devices: [a1, '/dev/../dev/openlocal-x'] },
          ],
          mountpoints: [{ path: `${a.mountRoot}/mp-bad`, device: '/etc/passwd', fsType: 'ext4' }, { path: mountPath, device: a3, fsType: 'ext4' }],
        },
      },
      { resourceToBeInited: { vgs: [{ name: 'olb-new', devices: [b1] }] } },
    ));
    const fs = await waitForEvent(kc, 'node-a', (e) => e.reason === 'CreateVGFailed' && e.message.includes('ola-fs'), 'filesystem refusal');
    expect(fs.message).toContain(`device ${a2} already holds ext4`);
    const missing = await waitForEvent(kc, 'node-a', (e) => e.reason === 'CreateVGFailed' && e.message.includes('ola-missing'), 'missing device refusal');
    expect(missing.message).toContain('/dev/openlocal-missing-disk does not exist');
    const taken = await waitForEvent(kc, 'node-a', (e) => e.reason === 'CreateVGFailed' && e.message.includes('ola-taken'), 'device in a VG refusal');
    expect(taken.message).toContain(`device ${a0} already belongs to volume group ola-0`);
    const badPath = await waitForEvent(kc, 'node-a', (e) => e.reason === 'CreateVGFailed' && e.message.includes('ola-badpath'), 'malformed device path refusal');
    expect(badPath.message).toContain('invalid spec.resourceToBeInited.vgs[4].devices[1] "/dev/../dev/openlocal-x"');
    const badMount = await waitForEvent(kc, 'node-a', (e) => e.reason === 'InitMountPointFailed' && e.message.includes('mp-bad'), 'malformed mount device refusal');
    expect(badMount.message).toContain('invalid spec.resourceToBeInited.mountpoints[0].device "/etc/passwd"');
    const other = await waitForEvent(kc, 'node-b', (e) => e.reason === 'CreateVGFailed' && e.message.includes('olb-new'), 'other VG refusal');
    expect(other.message).toContain(`device ${b1} already belongs to volume group olb-x`);
    expect(await blkidType(a2)).toBe('ext4');
    const stateA = await a.lvm.readState();
    expect(stateA.vgs.map((v) => v.name).sort()).toEqual(['ola-0', 'ola-1']);
    expect(stateA.lvs.filter((lv) => lv.vgName === 'ola-0').map((lv) => lv.name).sort()).toEqual(['local-pv-1', 'userdata']);
    expect((await b.lvm.readState()).pvs.find((pv) => pv.name === b1)?.vgName).toBe('olb-x');

    const nls = await waitForNls(kc, 'node-a', 'mount point reported', (n) => (n.status?.nodeStorageInfo?.mountPoints ?? []).some((m) => m.name === mountPath));
    expect(nls.status?.nodeStorageInfo?.mountPoints?.find((m) => m.name === mountPath)).toMatchObject({ device: a3, fsType: 'ext4', readOnly: false, condition: 'DiskReady' });
    expect(await blkidType(a3)).toBe('ext4');
  });

  it('makes no status write while idle (interval 2 s, heartbeat 60 s)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = await sumMetric(agentA.port, 'openlocal_agent_status_writes_total');
    const rvBefore = (await getNls(kc, 'node-a'))?.metadata?.resourceVersion;
    const passesBefore = await sumMetric(agentA.port, 'openlocal_agent_discovery_passes_total');
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const passes = (await sumMetric(agentA.port, 'openlocal_agent_discovery_passes_total')) - passesBefore;
    const writes = (await sumMetric(agentA.port, 'openlocal_agent_status_writes_total')) - before;
    console.log(`[agent:cluster] idle 12 s: ${passes} discovery passes, ${writes} status writes`);
    expect(passes).toBeGreaterThanOrEqual(4);
    expect(writes).toBe(0);
    expect((await getNls(kc, 'node-a'))?.metadata?.resourceVersion).toBe(rvBefore);
  });

  it('an invalid listConfig regex gives a Warning and a readable reason in status; the agent keeps running', async () => {
    await applyInitConfig(kc, { globalConfig: { listConfig }, nodesConfig: [{ selector: { matchLabels: { 'kubernetes.io/hostname': 'node-a' } }, listConfig: { ...listConfig, vgs: { include: ['ola-(['] } } }] });
    const nls = await waitForNls(kc, 'node-a', 'regex failure reported', (n) => n.status?.filteredStorageInfo?.updateStatusInfo?.updateStatus === 'failed');
    expect(nls.status?.filteredStorageInfo?.updateStatusInfo?.reason).toContain('listConfig.vgs.include[0]');
    expect(nls.status?.filteredStorageInfo?.updateStatusInfo?.reason).toContain('ola-([');
    expect(nls.status?.filteredStorageInfo?.devices?.length).toBe(4);
    const event = await waitForEvent(kc, 'node-a', (e) => e.reason === 'InvalidListConfig', 'InvalidListConfig');
    expect(event.type).toBe('Warning');
    expect(agentA.process.exitInfo()).toBeUndefined();
    await applyInitConfig(kc, initConfig());
    await waitForNls(kc, 'node-a', 'accepted again', (n) => n.status?.filteredStorageInfo?.updateStatusInfo?.updateStatus === 'accepted');
  });

  it('a malformed storage-reserved annotation zeroes allocatable with a reason; a percent entry is applied correctly', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const annotate = (value: string) => custom.patchClusterCustomObject(
      { group: GROUP, version: VERSION, plural: NLS.plural, name: 'node-b', body: { metadata: { annotations: { 'csi.aliyun.com/storage-reserved': value } } } }, MERGE_PATCH,
    );
    await annotate('{"olb-0":"lots"}');
    const bad = await waitForNls(kc, 'node-b', 'reserve error reported', (n) => vgOf(n, 'olb-0')?.allocatable === 0);
    expect(bad.status?.filteredStorageInfo?.updateStatusInfo?.reason).toMatch(/storage-reserved.*olb-0.*lots/);
    await waitForEvent(kc, 'node-b', (e) => e.reason === 'InvalidStorageReserved', 'InvalidStorageReserved');
    await annotate('{"olb-0":"25%"}');
    const total = (await b.lvm.readState()).vgs.find((v) => v.name === 'olb-0')?.sizeBytes ?? 0;
    const good = await waitForNls(kc, 'node-b', 'reserve applied', (n) => (vgOf(n, 'olb-0')?.allocatable ?? 0) > 0);
    expect(vgOf(good, 'olb-0')?.allocatable).toBe(total - Math.ceil(total / 4));
    expect(good.status?.filteredStorageInfo?.updateStatusInfo?.updateStatus).toBe('accepted');
  });

  it('reports DiskFull for a VG with no free space and DiskFault for a read-only device', async () => {
    const [b0 = ''] = b.loops;
    const free = (await b.lvm.readState()).vgs.find((v) => v.name === 'olb-x')?.freeBytes ?? 0;
    await b.lvm.createLv({ vgName: 'olb-x', name: 'fills-it', sizeBytes: free });
    await run(['blockdev', '--setro', b0]);
    try {
      const nls = await waitForNls(kc, 'node-b', 'full VG and read-only device reported', (n) =>
        vgOf(n, 'olb-x')?.condition === 'DiskFull' && (n.status?.nodeStorageInfo?.deviceInfo ?? []).some((d) => d.name === b0 && d.condition === 'DiskFault'));
      expect(nls.status?.nodeStorageInfo?.deviceInfo?.find((d) => d.name === b0)?.readOnly).toBe(true);
      expect(nls.status?.nodeStorageInfo?.state).toMatchObject({ type: 'DiskFault', status: 'True' });
      expect(nls.status?.nodeStorageInfo?.state?.message).toContain(`device ${b0} is read-only`);
    } finally {
      await run(['blockdev', '--setrw', b0]);
    }
    await waitForNls(kc, 'node-b', 'device writable again', (n) => n.status?.nodeStorageInfo?.state?.type === 'DiskReady');
  });

  it('keeps working when the API server restarts under it', async () => {
    const downMs = await restartApiServer(cluster, 3000);
    console.log(`[agent:cluster] API server unavailable for ${downMs} ms`);
    await a.lvm.createLv({ vgName: 'ola-0', name: 'after-restart', sizeBytes: 16 * MiB });
    const nls = await waitForNls(kc, 'node-a', 'LV made after the restart reported', (n) => (vgOf(n, 'ola-0')?.logicalVolumes ?? []).some((lv) => lv.name === 'after-restart'));
    expect(vgOf(nls, 'ola-0')?.allocatable).toBe((vgOf(nls, 'ola-0')?.total ?? 0) - 48 * MiB);
    expect(agentA.process.exitInfo()).toBeUndefined();
    expect(agentB.process.exitInfo()).toBeUndefined();
    expect(await sumMetric(agentA.port, 'openlocal_agent_informer_restarts_total')).toBeGreaterThan(0);
  });
});
