import { describe, expect, it } from 'vitest';
import { managedStorageOf, nodeLvsOf, planAdoption, type AdoptionInput } from './adoption.js';
import type { NodeLocalStorage } from './generated/nodelocalstorage.js';
import { decodeOpenLocalPv, type OpenLocalPv, type PvLike } from './open-local-pv.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A PV exactly as Open-Local v0.7.1's CreateVolume + external-provisioner leave it (reference §5.3). */
function openLocalPv(options: { name?: string; type?: string; vgName?: string; device?: string; mountPoint?: string; storage?: string; node?: string } = {}): PvLike {
  const name = options.name ?? 'local-1f2e';
  const type = options.type ?? 'LVM';
  const attributes: Record<string, string> = {
    volumeType: type,
    'csi.storage.k8s.io/pv/name': name,
    'csi.storage.k8s.io/pvc/name': 'data-db-0',
    'csi.storage.k8s.io/pvc/namespace': 'default',
    'volume.kubernetes.io/selected-node': options.node ?? 'n1',
  };
  if (type === 'LVM') attributes['vgName'] = options.vgName ?? 'open-local-pool-0';
  if (type === 'Device') attributes['Device'] = options.device ?? '/dev/vdc';
  if (type === 'MountPoint') attributes['MountPoint'] = options.mountPoint ?? '/mnt/open-local/disk-1';
  return {
    metadata: { name },
    spec: {
      capacity: { storage: options.storage ?? '1Gi' },
      claimRef: { namespace: 'default', name: 'data-db-0' },
      csi: { driver: 'local.csi.aliyun.com', volumeHandle: name, volumeAttributes: attributes },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [options.node ?? 'n1'] }] }] } },
    },
    status: { phase: 'Bound' },
  };
}

function decoded(pv: PvLike): OpenLocalPv {
  const result = decodeOpenLocalPv(pv);
  if (result === undefined) throw new Error('not an Open-Local PV');
  return result;
}

const MANAGED = { vgNames: ['open-local-pool-0'], devices: ['/dev/vdc'], mountPoints: ['/mnt/open-local/disk-1'] };

function input(pv: PvLike, overrides: Partial<AdoptionInput> = {}): AdoptionInput {
  const one = decoded(pv);
  return {
    pv: one,
    nodeName: 'n1',
    isNodePresent: true,
    managed: MANAGED,
    lvs: [{ name: 'local-1f2e', vgName: 'open-local-pool-0', sizeBytes: GiB }],
    allPvs: [one],
    purpose: 'use',
    ...overrides,
  };
}

describe('decodeOpenLocalPv', () => {
  it('reads node, VG, size and claim of an Open-Local LVM PV', () => {
    expect(decoded(openLocalPv())).toMatchObject({ name: 'local-1f2e', volumeHandle: 'local-1f2e', volumeType: 'LVM', node: 'n1', vgName: 'open-local-pool-0', capacityBytes: GiB, claim: 'default/data-db-0', isReadOnlySnapshot: false });
  });

  it('prefers the pv-allocated annotation over the attributes, as Open-Local does', () => {
    const pv = openLocalPv();
    pv.metadata = { ...pv.metadata, annotations: { 'csi.aliyun.com/pv-allocated': '{"vgName":"paas1","deviceName":"","volumeType":"LVM"}' } };
    expect(decoded(pv).vgName).toBe('paas1');
  });

  it('ignores a malformed pv-allocated annotation in favour of the attributes', () => {
    const pv = openLocalPv();
    pv.metadata = { ...pv.metadata, annotations: { 'csi.aliyun.com/pv-allocated': '{not json' } };
    expect(decoded(pv).vgName).toBe('open-local-pool-0');
  });

  it('accepts the yoda driver name and ignores other drivers', () => {
    const yoda = openLocalPv();
    yoda.spec = { ...yoda.spec, csi: { ...yoda.spec?.csi, driver: 'yodaplugin.csi.alibabacloud.com' } };
    expect(decodeOpenLocalPv(yoda)?.name).toBe('local-1f2e');
    const other = openLocalPv();
    other.spec = { ...other.spec, csi: { ...other.spec?.csi, driver: 'topolvm.io' } };
    expect(decodeOpenLocalPv(other)).toBeUndefined();
    expect(decodeOpenLocalPv({ metadata: { name: 'nfs' }, spec: {} })).toBeUndefined();
  });

  it('keeps an unreadable capacity as text, without bytes', () => {
    expect(decoded(openLocalPv({ storage: 'lots' }))).toMatchObject({ capacityBytes: undefined, capacityText: 'lots' });
  });

  it("reads a stored capacity as Kubernetes' Value() does: a fraction of a byte rounds up", () => {
    expect(decoded(openLocalPv({ storage: '1500m' }))).toMatchObject({ capacityBytes: 2, capacityText: '1500m' });
  });

  it('reads the thin pool a thin volume takes its room from, and none for a thick one', () => {
    const thin = openLocalPv();
    thin.spec!.csi!.volumeAttributes = { ...thin.spec?.csi?.volumeAttributes, thinPool: 'pool0' };
    expect(decoded(thin).thinPool).toBe('pool0');
    expect(decoded(openLocalPv()).thinPool).toBeUndefined();
  });

  it('knows no node for a PV whose affinity names more than one (it is not a local volume of one node)', () => {
    const pv = openLocalPv();
    pv.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1', 'n2'] }] }] } };
    expect(decoded(pv).node).toBeUndefined();
  });
});

describe('planAdoption', () => {
  const twin = decoded(openLocalPv({ name: 'local-twin' }));
  twin.volumeHandle = 'local-1f2e';

  it.each([
    { name: 'adopts an untagged LV of the PV size in a managed VG', pv: openLocalPv(), over: {}, want: { action: 'adopt-lv', vgName: 'open-local-pool-0', lvName: 'local-1f2e' } },
    { name: 'adopts an LV rounded up to the next extent', pv: openLocalPv({ storage: '1022Mi' }), over: {}, want: { action: 'adopt-lv' } },
    {
      name: 'a striped LV may be rounded up by stripes × extent',
      pv: openLocalPv({ storage: `${GiB - 7 * MiB}` }),
      over: { lvs: [{ name: 'local-1f2e', vgName: 'open-local-pool-0', sizeBytes: GiB, stripes: 2 }] },
      want: { action: 'adopt-lv' },
    },
    { name: 'refuses an LV larger than the PV by a whole extent', pv: openLocalPv({ storage: '1020Mi' }), over: {}, want: { action: 'refuse', problem: 'size-mismatch' } },
    { name: 'refuses an LV smaller than the PV for use', pv: openLocalPv({ storage: '2Gi' }), over: {}, want: { action: 'refuse', problem: 'size-mismatch' } },
    { name: 'refuses an LV smaller than the PV for delete', pv: openLocalPv({ storage: '2Gi' }), over: { purpose: 'delete' as const }, want: { action: 'refuse', problem: 'size-mismatch' } },
    { name: 'an LV smaller than the PV is the growth asked for by expand', pv: openLocalPv({ storage: '2Gi' }), over: { purpose: 'expand' as const }, want: { action: 'adopt-lv' } },
    { name: 'refuses a VG the NLS does not manage', pv: openLocalPv({ vgName: 'user-vg' }), over: {}, want: { action: 'refuse', problem: 'not-managed' } },
    { name: 'refuses when the node has no NLS', pv: openLocalPv(), over: { managed: undefined }, want: { action: 'refuse', problem: 'no-nls' } },
    { name: 'refuses when the LV does not exist', pv: openLocalPv(), over: { lvs: [] }, want: { action: 'refuse', problem: 'lv-missing' } },
    { name: 'refuses an LV of that name in another VG', pv: openLocalPv(), over: { lvs: [{ name: 'local-1f2e', vgName: 'other', sizeBytes: GiB }] }, want: { action: 'refuse', problem: 'lv-missing' } },
    { name: 'refuses a PV of another node', pv: openLocalPv({ node: 'n2' }), over: {}, want: { action: 'refuse', problem: 'other-node' } },
    { name: 'refuses a PV whose node is gone', pv: openLocalPv(), over: { isNodePresent: false }, want: { action: 'refuse', problem: 'node-gone' } },
    { name: 'refuses two PVs naming one LV', pv: openLocalPv(), over: { allPvs: [decoded(openLocalPv()), twin] }, want: { action: 'refuse', problem: 'shared' } },
    { name: 'a PV of that LV name on another node is not a sharer', pv: openLocalPv(), over: { allPvs: [{ ...twin, node: 'n2' }] }, want: { action: 'adopt-lv' } },
    { name: 'refuses an unknown volumeType', pv: openLocalPv({ type: 'Quota' }), over: {}, want: { action: 'refuse', problem: 'unsupported' } },
    { name: 'refuses an LVM PV without vgName', pv: openLocalPv({ vgName: '' }), over: {}, want: { action: 'refuse', problem: 'incomplete' } },
    { name: 'refuses an unreadable capacity', pv: openLocalPv({ storage: 'lots' }), over: {}, want: { action: 'refuse', problem: 'incomplete' } },
    { name: 'records the claim of a managed Device', pv: openLocalPv({ type: 'Device' }), over: {}, want: { action: 'record-claim', volumeType: 'Device', path: '/dev/vdc' } },
    { name: 'refuses a Device the NLS does not manage', pv: openLocalPv({ type: 'Device', device: '/dev/vda' }), over: {}, want: { action: 'refuse', problem: 'not-managed' } },
    { name: 'records the claim of a managed MountPoint', pv: openLocalPv({ type: 'MountPoint' }), over: {}, want: { action: 'record-claim', volumeType: 'MountPoint', path: '/mnt/open-local/disk-1' } },
    {
      name: 'refuses two PVs naming one mount point',
      pv: openLocalPv({ type: 'MountPoint' }),
      over: { allPvs: [decoded(openLocalPv({ type: 'MountPoint', name: 'local-other' }))] },
      want: { action: 'refuse', problem: 'shared' },
    },
  ])('$name', ({ pv, over, want }) => {
    expect(planAdoption(input(pv, over))).toMatchObject(want);
  });

  it('names the PV and both sizes when the size differs', () => {
    const plan = planAdoption(input(openLocalPv({ storage: '2Gi' })));
    expect(plan).toMatchObject({ action: 'refuse', reason: expect.stringContaining('PV local-1f2e: LV open-local-pool-0/local-1f2e has 1073741824 bytes but the PV\'s capacity is 2147483648 bytes') });
  });

  it('names the other PV when two name one LV', () => {
    const plan = planAdoption(input(openLocalPv(), { allPvs: [twin] }));
    expect(plan).toMatchObject({ reason: expect.stringContaining('also named by PV local-twin') });
  });

  it('refuses a claim restored from a read-only snapshot', () => {
    const pv = openLocalPv();
    const attributes = pv.spec?.csi?.volumeAttributes ?? {};
    attributes['csi.aliyun.com/readonly'] = 'true';
    attributes['csi.aliyun.com/snapshot-id'] = 'snap-1';
    expect(planAdoption(input(pv))).toMatchObject({ action: 'refuse', problem: 'unsupported' });
  });
});

describe('NLS readers', () => {
  const nls: NodeLocalStorage = {
    apiVersion: 'csi.aliyun.com/v1alpha1',
    kind: 'NodeLocalStorage',
    metadata: { name: 'n1' },
    spec: { nodeName: 'n1' },
    status: {
      nodeStorageInfo: {
        volumeGroups: [{ name: 'open-local-pool-0', physicalVolumes: ['/dev/vdb'], total: 10 * GiB, available: 9 * GiB, allocatable: 10 * GiB, logicalVolumes: [{ name: 'local-1f2e', vgname: 'open-local-pool-0', total: GiB }] }],
      },
      filteredStorageInfo: { volumeGroups: ['open-local-pool-0'], devices: ['/dev/vdc'] },
    },
  };

  it('reads managed names from filteredStorageInfo, missing lists as empty', () => {
    expect(managedStorageOf(nls)).toEqual({ vgNames: ['open-local-pool-0'], devices: ['/dev/vdc'], mountPoints: [] });
    expect(managedStorageOf(undefined)).toBeUndefined();
  });

  it('reads the LVs the agent reported', () => {
    expect(nodeLvsOf(nls)).toEqual([{ name: 'local-1f2e', vgName: 'open-local-pool-0', sizeBytes: GiB }]);
  });
});
