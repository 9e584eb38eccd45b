import { decodeOpenLocalPv, type NodeLocalStorage, type OpenLocalPv } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { buildUpgradeReport, formatUpgradeReport } from './upgrade-report.js';

const GiB = 2 ** 30;

function pv(name: string, options: { node?: string; type?: string; vgName?: string; storage?: string; handle?: string; device?: string } = {}): OpenLocalPv {
  const type = options.type ?? 'LVM';
  const attributes: Record<string, string> = { volumeType: type, ...(type === 'LVM' ? { vgName: options.vgName ?? 'open-local-pool-0' } : {}), ...(type === 'Device' ? { Device: options.device ?? '/dev/vdc' } : {}) };
  const decoded = decodeOpenLocalPv({
    metadata: { name },
    spec: {
      capacity: { storage: options.storage ?? '1Gi' },
      claimRef: { namespace: 'default', name: `claim-${name}` },
      csi: { driver: 'local.csi.aliyun.com', volumeHandle: options.handle ?? name, volumeAttributes: attributes },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [options.node ?? 'n1'] }] }] } },
    },
  });
  if (decoded === undefined) throw new Error('not decoded');
  return decoded;
}

function nls(node: string, lvs: { name: string; total: number }[]): NodeLocalStorage {
  return {
    apiVersion: 'csi.aliyun.com/v1alpha1',
    kind: 'NodeLocalStorage',
    metadata: { name: node },
    spec: { nodeName: node },
    status: {
      nodeStorageInfo: {
        volumeGroups: [
          { name: 'open-local-pool-0', physicalVolumes: ['/dev/vdb'], total: 10 * GiB, available: 8 * GiB, allocatable: 10 * GiB, logicalVolumes: lvs.map((lv) => ({ ...lv, vgname: 'open-local-pool-0' })) },
          { name: 'user-vg', physicalVolumes: ['/dev/vdd'], total: GiB, available: 0, allocatable: 0, logicalVolumes: [{ name: 'local-user', vgname: 'user-vg', total: GiB }] },
        ],
      },
      filteredStorageInfo: { volumeGroups: ['open-local-pool-0'], devices: ['/dev/vdc'] },
    },
  };
}

describe('buildUpgradeReport', () => {
  const facts = {
    pvs: [
      pv('local-ok'),
      pv('local-dev', { type: 'Device' }),
      pv('local-big', { storage: '2Gi' }),
      pv('local-user', { vgName: 'user-vg' }),
      pv('local-gone', { node: 'n9' }),
      pv('local-a'),
      pv('local-b', { handle: 'local-a' }),
    ],
    nodeNames: ['n1'],
    nls: [nls('n1', [{ name: 'local-ok', total: GiB }, { name: 'local-big', total: GiB }, { name: 'local-a', total: GiB }])],
  };
  const report = buildUpgradeReport(facts);
  const resultOf = (name: string) => report.rows.find((row) => row.pv === name)?.result;

  it('adopts an LV the NLS lists with the PV size, and records a managed Device', () => {
    expect(resultOf('local-ok')).toBe('adopted: untagged LV of 1Gi used as it is');
    expect(resultOf('local-dev')).toMatch(/^adopted: its claim of \/dev\/vdc is recorded/);
  });

  it.each([
    { pv: 'local-big', want: 'LV open-local-pool-0/local-big has 1073741824 bytes but the PV\'s capacity is 2147483648 bytes' },
    { pv: 'local-user', want: 'VG user-vg is not among the VGs the NLS of node n1 manages (open-local-pool-0)' },
    { pv: 'local-gone', want: 'node n9 no longer exists' },
    { pv: 'local-a', want: 'is also named by PV local-b' },
    { pv: 'local-b', want: 'is also named by PV local-a' },
  ])('reports $pv as not working, with the reason', ({ pv: name, want }) => {
    expect(resultOf(name)).toContain(`WILL NOT WORK: PV ${name}: `);
    expect(resultOf(name)).toContain(want);
  });

  it('counts adopted and broken volumes', () => {
    expect({ adopted: report.adopted, broken: report.broken }).toEqual({ adopted: 2, broken: 5 });
  });

  it('prints a table whose verdict says how many will not work', () => {
    const text = formatUpgradeReport(report);
    expect(text.split('\n')[0]).toMatch(/^PV\s+CLAIM\s+NODE\s+TYPE\s+STORAGE\s+SIZE\s+RESULT$/);
    expect(text).toMatch(/local-ok\s+default\/claim-local-ok\s+n1\s+LVM\s+open-local-pool-0\/local-ok\s+1Gi\s+adopted/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('5 of 7 Open-Local PV(s) will not work after the upgrade; fix them first (docs/migrating-from-open-local.md).');
  });

  it('says so when there is nothing to adopt, or everything is adopted', () => {
    expect(formatUpgradeReport(buildUpgradeReport({ pvs: [], nodeNames: [], nls: [] }))).toContain('No Open-Local PVs: nothing to adopt.');
    expect(formatUpgradeReport(buildUpgradeReport({ ...facts, pvs: [pv('local-ok')] }))).toContain('All 1 Open-Local PV(s) will be adopted.');
  });
});
