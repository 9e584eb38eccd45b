import { describe, expect, it } from 'vitest';
import { LVS_HEADING, nlsAgreesWithLvm, NLS_BEFORE_HEADING } from './evidence.js';
import { demoPrefix, parseLvmRows } from './node-disks.js';
import { preflightProblems, type PreflightProbe } from './preflight.js';
import { exploreHint, renderStatus, rssMiBOf } from './status-view.js';
import { renderTable } from './table.js';
import { loopsUnder, leftoversLine, vgsWithPrefix } from './teardown.js';
import { boundLines, coldStartSeconds, lvsTables, miToBytes, nlsTables, pendingReason } from './transcript.js';
import { boundLine, stageLines, statefulSetManifests } from './workload.js';

const HEALTHY: PreflightProbe = {
  uid: () => 0, hasPath: () => true, hasCommand: () => true, loopProblem: () => null, missingTools: () => null, appProblem: () => null,
};

describe('preflightProblems', () => {
  it.each([
    { name: 'a healthy machine has none', probe: HEALTHY, want: [] },
    { name: 'without root it says so and how, and checks nothing else', probe: { ...HEALTHY, uid: () => 1000, hasCommand: () => false }, want: [expect.stringContaining('not running as root') as string] },
    { name: 'without loop devices it names /dev/loop-control', probe: { ...HEALTHY, hasPath: () => false }, want: [expect.stringContaining('no loop devices (/dev/loop-control is missing)') as string] },
    { name: 'without a free loop it passes on losetup\'s answer', probe: { ...HEALTHY, loopProblem: () => 'losetup --find failed: no free device' }, want: [expect.stringContaining('no free device') as string] },
    { name: 'without the built tools it says to run scripts/build-tools', probe: { ...HEALTHY, missingTools: () => 'missing csi-provisioner in /x: run scripts/build-tools' }, want: ['missing csi-provisioner in /x: run scripts/build-tools'] },
    { name: 'a missing command points at scripts/setup', probe: { ...HEALTHY, hasCommand: (name: string) => name !== 'lvm' }, want: ['missing lvm: run scripts/setup (installs lvm2, util-linux, e2fsprogs)'] },
  ])('$name', ({ probe, want }) => {
    expect(preflightProblems(probe)).toEqual(want);
  });
});

describe('the transcript the CI check reads', () => {
  const bound = { claim: 'data-web-0', nodeName: 'node-b', pvName: 'local-1', lvName: 'local-1', vgName: 'oldemo1-node-b', size: '256Mi' };
  const transcript = [
    `\n${NLS_BEFORE_HEADING}`,
    renderTable(['NLS', 'STATE', 'PHASE', 'VG', 'TOTAL', 'USED', 'ALLOCATABLE', 'LVS'], [['node-b', 'DiskReady', 'Running', 'oldemo1-node-b', '1020Mi', '0Mi', '1020Mi', '0']]),
    'cold start to first provisioned volume: 11.2 s',
    `  +1.8s  ${boundLine(bound)}`,
    `\n${LVS_HEADING}`,
    renderTable(['NODE', 'LV', 'VG', 'LSIZE'], [['node-b', 'local-1', 'oldemo1-node-b', '256Mi']]),
    '\n== next step',
    'pod too-big stays Pending (claim huge Pending); kube-scheduler\'s reason, from the extender:',
    '  0/3 nodes are available: 1 Insufficient LVM storage on node node-b',
  ].join('\n');

  it('reads back the bound-claim line the demo prints', () => {
    expect(boundLines(transcript)).toEqual([{ claim: 'data-web-0', pv: 'local-1', lv: 'local-1', vg: 'oldemo1-node-b', node: 'node-b', size: '256Mi' }]);
  });

  it('reads the tables under their headings, up to the blank line', () => {
    expect(lvsTables(transcript)).toEqual([[{ node: 'node-b', lv: 'local-1', vg: 'oldemo1-node-b', size: '256Mi' }]]);
    expect(nlsTables(transcript, NLS_BEFORE_HEADING)[0]?.[0]).toMatchObject({ nls: 'node-b', vg: 'oldemo1-node-b', total: '1020Mi', lvs: '0' });
  });

  it('reads the Pending reason and the cold start', () => {
    expect(pendingReason(transcript)).toBe('0/3 nodes are available: 1 Insufficient LVM storage on node node-b');
    expect(coldStartSeconds(transcript)).toBe(11.2);
    expect(miToBytes('1020Mi')).toBe(1020 * 2 ** 20);
  });
});

describe('claims as they move', () => {
  it('prints a placement once and a binding once', () => {
    const bound = { claim: 'c', nodeName: 'n', pvName: 'p', lvName: 'p', vgName: 'v', size: '1Mi' };
    expect(stageLines('c', {}, { placed: 'n' })).toEqual(['claim c → node n (kube-scheduler asked the extender)']);
    expect(stageLines('c', { placed: 'n' }, { placed: 'n', bound })).toEqual(['claim c Bound: PV p = LV p in VG v on node n (1Mi)']);
    expect(stageLines('c', { placed: 'n', bound }, { placed: 'n', bound })).toEqual([]);
  });

  it('asks for one replica per node, created in parallel', () => {
    const set = statefulSetManifests(3)[1] as { spec: { replicas: number; podManagementPolicy: string } };
    expect(set.spec).toMatchObject({ replicas: 3, podManagementPolicy: 'Parallel' });
  });
});

describe('NLS against lvm', () => {
  const nls = { status: { nodeStorageInfo: { volumeGroups: [{ name: 'vg', total: 100, logicalVolumes: [{ name: 'b' }, { name: 'a' }] }] } } };
  it.each([
    { name: 'same size and LVs agree', lvm: { vgName: 'vg', vgSizeBytes: 100, lvNames: ['a', 'b'] }, want: true },
    { name: 'a different size does not', lvm: { vgName: 'vg', vgSizeBytes: 104, lvNames: ['a', 'b'] }, want: false },
    { name: 'an LV the NLS does not list yet does not', lvm: { vgName: 'vg', vgSizeBytes: 100, lvNames: ['a', 'b', 'c'] }, want: false },
    { name: 'a VG the NLS lacks does not', lvm: { vgName: 'other', vgSizeBytes: 100, lvNames: [] }, want: false },
  ])('$name', ({ lvm, want }) => {
    expect(nlsAgreesWithLvm(nls, lvm)).toBe(want);
  });

  it('parses lvm rows in bytes and refuses a size that is not an integer', () => {
    expect(parseLvmRows('  local-1 vg 268435456\n')).toEqual([{ name: 'local-1', vgName: 'vg', sizeBytes: 268435456 }]);
    expect(() => parseLvmRows('  x vg 1.5\n')).toThrow('lvm reported size "1.5" for x');
  });
});

describe('teardown checks and the status view', () => {
  it('finds only loops backed by files under the run\'s dirs and VGs with its prefix', () => {
    expect(loopsUnder('/dev/loop0 /tmp/oldemo7-node-a-x/disk0.img\n/dev/loop1 /other/disk.img\n', ['/tmp/oldemo7-node-a-x'])).toEqual(['/dev/loop0 /tmp/oldemo7-node-a-x/disk0.img']);
    expect(vgsWithPrefix('  oldemo7-node-a\n  oldemo77-node-a\n  data\n', demoPrefix(7))).toEqual(['oldemo7-node-a']);
    expect(leftoversLine({ processes: [], loops: [], vgs: [], mounts: [] })).toMatch(/^left behind: nothing/);
    expect(leftoversLine({ processes: [], loops: ['/dev/loop0 /tmp/x/disk0.img'], vgs: [], mounts: [] })).toBe('LEFT BEHIND: loops: /dev/loop0 /tmp/x/disk0.img');
  });

  it('names a component that died, with its log', () => {
    const text = renderStatus(
      { at: new Date(0), uptimeMs: 5000, running: 14, problems: ['csi-plugin-node-b (pid 9) ended with exit code 1; log /runs/csi-plugin-node-b.log'], nlsTable: 'NLS', claims: { Bound: 4 }, pendingPods: [], memory: [] },
      'explore: …',
    );
    expect(text).toContain('components: 14 running; 1 DIED:\n  DIED csi-plugin-node-b (pid 9) ended with exit code 1; log /runs/csi-plugin-node-b.log');
    expect(text).toContain('claims in namespace demo: 4 Bound');
  });

  it('lists each running component\'s resident memory, and reads a live process\'s from /proc', () => {
    const memory = [{ name: 'scheduler-extender', rssMiB: 91.4 }, { name: 'agent-node-a', rssMiB: 70.6 }];
    const text = renderStatus({ at: new Date(0), uptimeMs: 1000, running: 2, problems: [], nlsTable: 'NLS', claims: {}, pendingPods: [], memory }, 'explore: …');
    expect(text).toContain('memory (RSS MiB): scheduler-extender 91, agent-node-a 71');
    const own = rssMiBOf(process.pid);
    expect(own).toBeGreaterThan(10);
    expect(own).toBeLessThan(4096);
    expect(rssMiBOf(2 ** 22 + 1)).toBeUndefined();
  });

  it('tells how to query the cluster without kubectl', () => {
    const pki = { caCert: '/w/ca.crt', adminCert: '/w/admin.crt', adminKey: '/w/admin.key' } as Parameters<typeof exploreHint>[0]['pki'];
    const hint = exploreHint({ kubeconfigPath: '/w/admin.kubeconfig', apiServerUrl: 'https://127.0.0.1:1', pki }, false);
    expect(hint).toContain('curl --cacert /w/ca.crt --cert /w/admin.crt --key /w/admin.key https://127.0.0.1:1/apis/csi.aliyun.com/v1alpha1/nodelocalstorages');
  });
});
