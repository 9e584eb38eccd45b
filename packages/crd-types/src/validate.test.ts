// The ajv validators built from the CRD schemas: valid objects pass, bad ones name the field path and value.
import { describe, expect, it } from 'vitest';
import { CrdValidationError } from './errors.js';
import { parseNodeLocalStorage, parseNodeLocalStorageInitConfig, pointerToPath, validateNodeLocalStorage, validateNodeLocalStorageInitConfig } from './validate.js';

// The reference's documented example (docs/api/nls_zh_CN.md), completed with the fields the agent writes.
const nls = {
  apiVersion: 'csi.aliyun.com/v1alpha1',
  kind: 'NodeLocalStorage',
  metadata: { name: 'n1' },
  spec: {
    nodeName: 'n1',
    listConfig: {
      devices: { include: ['/dev/vd[a-d]+'], exclude: ['/dev/vda', '/dev/vdb'] },
      vgs: { include: ['share', 'paas[0-9]*', 'open-local-pool-[0-9]+'] },
      mountPoints: { include: ['/mnt/open-local/testmnt-*'] },
    },
    resourceToBeInited: {
      vgs: [{ devices: ['/dev/vdb3'], name: 'open-local-pool-0' }],
      mountpoints: [{ device: '/dev/vdb4', path: '/mnt/open-local/testmnt-vdb4', fsType: 'ext4', options: ['defaults'] }],
    },
    spdkConfig: {},
  },
  status: {
    nodeStorageInfo: {
      deviceInfo: [{ condition: 'DiskReady', mediaType: 'hdd', name: '/dev/vdc', readOnly: false, total: 1073741824000 }],
      volumeGroups: [{
        allocatable: 860063006720, available: 800298369024, condition: 'DiskReady', name: 'open-local-pool-0',
        physicalVolumes: ['/dev/vdb3'], total: 860063006720,
        logicalVolumes: [{ condition: 'DiskReady', name: 'local-482c', total: 1073741824, vgname: 'open-local-pool-0' }],
      }],
      mountPoints: [{ name: '/mnt/open-local/testmnt-vdb4', total: 1, available: 1, isBind: false, readOnly: false, fsType: 'ext4', device: '/dev/vdb4', options: ['rw'], condition: 'DiskReady' }],
      phase: 'Running',
      state: { type: 'DiskReady', status: 'True', lastHeartbeatTime: '2024-01-02T03:04:05Z' },
    },
    filteredStorageInfo: {
      volumeGroups: ['open-local-pool-0'], devices: ['/dev/vdc'], mountPoints: [],
      updateStatusInfo: { lastUpdateTime: '2024-01-02T03:04:05.123+08:00', updateStatus: 'accepted', reason: '' },
    },
  },
};

// The Helm chart's default init config of v0.7.1, plus a node override.
const nlsc = {
  apiVersion: 'csi.aliyun.com/v1alpha1',
  kind: 'NodeLocalStorageInitConfig',
  metadata: { name: 'open-local' },
  spec: {
    globalConfig: {
      listConfig: { vgs: { include: ['open-local-pool-[0-9]+', 'yoda-pool[0-9]+', 'ackdistro-pool'] } },
      resourceToBeInited: { vgs: [{ devices: ['/dev/vdb'], name: 'open-local-pool-0' }] },
    },
    nodesConfig: [{
      selector: { matchLabels: { disk: 'ssd' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      listConfig: { devices: { include: ['/dev/nvme[0-9]n1'] } },
    }],
  },
};

const REMOVE = Symbol('remove');

// A deep copy of `base` with the value at a dotted path replaced (or removed), so each row starts from a valid object.
function patched(base: object, path: string, value: unknown): unknown {
  const copy: unknown = structuredClone(base);
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  const parent = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy) as Record<string, unknown>;
  if (value === REMOVE) delete parent[last];
  else parent[last] = value;
  return copy;
}

describe('validateNodeLocalStorage', () => {
  it('accepts the reference example', () => {
    const result = validateNodeLocalStorage(nls);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(parseNodeLocalStorage(nls).spec?.nodeName).toBe('n1');
  });

  it('accepts a bare object and unknown extra fields (the apiserver prunes them)', () => {
    expect(validateNodeLocalStorage({}).ok).toBe(true);
    expect(validateNodeLocalStorage({ spec: { nodeName: 'n1', futureField: 1 } }).ok).toBe(true);
  });

  it.each([
    { name: 'nodeName too long', obj: patched(nls, 'spec.nodeName', 'n'.repeat(129)), path: 'spec.nodeName', message: 'must NOT have more than 128 characters' },
    { name: 'empty nodeName', obj: patched(nls, 'spec.nodeName', ''), path: 'spec.nodeName', message: 'fewer than 1' },
    { name: 'spdk deviceType over 8 characters', obj: patched(nls, 'spec.spdkConfig', { deviceType: 'ninechars' }), path: 'spec.spdkConfig.deviceType', message: 'more than 8' },
    { name: 'more than 50 include patterns', obj: patched(nls, 'spec.listConfig.vgs.include', Array.from({ length: 51 }, (_, i) => `vg${i}`)), path: 'spec.listConfig.vgs.include', message: 'more than 50 items' },
    { name: 'a pattern that is not a string', obj: patched(nls, 'spec.listConfig.devices.exclude.1', 7), path: 'spec.listConfig.devices.exclude[1]', message: 'must be string' },
    { name: 'VG to init without devices', obj: patched(nls, 'spec.resourceToBeInited.vgs.0.devices', REMOVE), path: 'spec.resourceToBeInited.vgs[0].devices', message: 'is required' },
    { name: 'VG to init with an empty name', obj: patched(nls, 'spec.resourceToBeInited.vgs.0.name', ''), path: 'spec.resourceToBeInited.vgs[0].name', message: 'fewer than 1' },
    { name: 'mount path with a space', obj: patched(nls, 'spec.resourceToBeInited.mountpoints.0.path', '/mnt/my disk'), path: 'spec.resourceToBeInited.mountpoints[0].path', message: 'must match pattern' },
    { name: 'relative mount path', obj: patched(nls, 'spec.resourceToBeInited.mountpoints.0.path', 'mnt/x'), path: 'spec.resourceToBeInited.mountpoints[0].path', message: 'must match pattern' },
    { name: 'empty fsType', obj: patched(nls, 'spec.resourceToBeInited.mountpoints.0.fsType', ''), path: 'spec.resourceToBeInited.mountpoints[0].fsType', message: 'fewer than 1' },
    { name: 'unknown mediaType', obj: patched(nls, 'status.nodeStorageInfo.deviceInfo.0.mediaType', 'nvme'), path: 'status.nodeStorageInfo.deviceInfo[0].mediaType', message: 'must be one of "hdd", "ssd"' },
    { name: 'unknown condition', obj: patched(nls, 'status.nodeStorageInfo.volumeGroups.0.condition', 'Ready'), path: 'status.nodeStorageInfo.volumeGroups[0].condition', message: 'DiskReady' },
    { name: 'negative VG total', obj: patched(nls, 'status.nodeStorageInfo.volumeGroups.0.total', -1), path: 'status.nodeStorageInfo.volumeGroups[0].total', message: 'must be >= 0' },
    { name: 'fractional byte count', obj: patched(nls, 'status.nodeStorageInfo.deviceInfo.0.total', 1.5), path: 'status.nodeStorageInfo.deviceInfo[0].total', message: 'must be integer' },
    { name: 'byte count above 2^53-1', obj: patched(nls, 'status.nodeStorageInfo.deviceInfo.0.total', 2 ** 60), path: 'status.nodeStorageInfo.deviceInfo[0].total', message: 'safe integer' },
    { name: 'byte count as a string', obj: patched(nls, 'status.nodeStorageInfo.volumeGroups.0.logicalVolumes.0.total', '1Gi'), path: 'status.nodeStorageInfo.volumeGroups[0].logicalVolumes[0].total', message: 'must be integer' },
    { name: 'LV without vgname', obj: patched(nls, 'status.nodeStorageInfo.volumeGroups.0.logicalVolumes.0.vgname', REMOVE), path: 'status.nodeStorageInfo.volumeGroups[0].logicalVolumes[0].vgname', message: 'is required' },
    { name: 'mount point without isBind', obj: patched(nls, 'status.nodeStorageInfo.mountPoints.0.isBind', REMOVE), path: 'status.nodeStorageInfo.mountPoints[0].isBind', message: 'is required' },
    { name: 'unknown phase', obj: patched(nls, 'status.nodeStorageInfo.phase', 'Ready'), path: 'status.nodeStorageInfo.phase', message: 'Pending' },
    { name: 'heartbeat that is not RFC 3339', obj: patched(nls, 'status.nodeStorageInfo.state.lastHeartbeatTime', 'yesterday'), path: 'status.nodeStorageInfo.state.lastHeartbeatTime', message: 'date-time' },
    { name: 'unknown updateStatus', obj: patched(nls, 'status.filteredStorageInfo.updateStatusInfo.updateStatus', 'done'), path: 'status.filteredStorageInfo.updateStatusInfo.updateStatus', message: 'accepted' },
    { name: 'wrong apiVersion', obj: patched(nls, 'apiVersion', 'csi.aliyun.com/v1'), path: 'apiVersion', message: 'csi.aliyun.com/v1alpha1' },
    { name: 'wrong kind', obj: patched(nls, 'kind', 'NodeLocalStorageInitConfig'), path: 'kind', message: 'NodeLocalStorage' },
    { name: 'not an object at all', obj: 'nls', path: '(root)', message: 'must be object' },
  ])('rejects $name, naming $path', ({ obj, path, message }) => {
    const result = validateNodeLocalStorage(obj);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue?.message).toContain(message);
    expect(result.error).toBeInstanceOf(CrdValidationError);
    expect(result.error.message).toContain(path === '(root)' ? 'invalid NodeLocalStorage' : path);
  });

  it('reports every issue at once, each with the offending value', () => {
    const bad = patched(patched(nls, 'spec.nodeName', '') as object, 'status.nodeStorageInfo.deviceInfo.0.mediaType', 'tape');
    const result = validateNodeLocalStorage(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: 'spec.nodeName', message: 'must NOT have fewer than 1 characters', value: '' },
      { path: 'status.nodeStorageInfo.deviceInfo[0].mediaType', message: 'must be one of "hdd", "ssd"', value: 'tape' },
    ]);
    expect(() => parseNodeLocalStorage(bad)).toThrow('(got "tape")');
  });
});

describe('validateNodeLocalStorageInitConfig', () => {
  it('accepts the chart default with a node override', () => {
    const result = validateNodeLocalStorageInitConfig(nlsc);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(parseNodeLocalStorageInitConfig(nlsc).spec?.nodesConfig).toHaveLength(1);
  });

  it.each([
    { name: 'unknown selector operator', obj: patched(nlsc, 'spec.nodesConfig.0.selector.matchExpressions.0.operator', 'Equals'), path: 'spec.nodesConfig[0].selector.matchExpressions[0].operator', message: 'In' },
    { name: 'selector expression without key', obj: patched(nlsc, 'spec.nodesConfig.0.selector.matchExpressions.0.key', REMOVE), path: 'spec.nodesConfig[0].selector.matchExpressions[0].key', message: 'is required' },
    { name: 'matchLabels value that is not a string', obj: patched(nlsc, 'spec.nodesConfig.0.selector.matchLabels.disk', true), path: 'spec.nodesConfig[0].selector.matchLabels.disk', message: 'must be string' },
    { name: 'global VG to init with a 129-character name', obj: patched(nlsc, 'spec.globalConfig.resourceToBeInited.vgs.0.name', 'v'.repeat(129)), path: 'spec.globalConfig.resourceToBeInited.vgs[0].name', message: 'more than 128' },
    { name: 'node override with 51 device excludes', obj: patched(nlsc, 'spec.nodesConfig.0.listConfig.devices.exclude', Array.from({ length: 51 }, () => 'x')), path: 'spec.nodesConfig[0].listConfig.devices.exclude', message: 'more than 50' },
    { name: 'wrong kind', obj: patched(nlsc, 'kind', 'NodeLocalStorage'), path: 'kind', message: 'NodeLocalStorageInitConfig' },
  ])('rejects $name, naming $path', ({ obj, path, message }) => {
    const result = validateNodeLocalStorageInitConfig(obj);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });
});

describe('pointerToPath', () => {
  it.each([
    { name: 'root', pointer: '', want: '(root)' },
    { name: 'nested with index', pointer: '/spec/listConfig/vgs/include/3', want: 'spec.listConfig.vgs.include[3]' },
    { name: 'escaped slash in a label key', pointer: '/spec/selector/matchLabels/kubernetes.io~1hostname', want: 'spec.selector.matchLabels.kubernetes.io/hostname' },
  ])('$name', ({ pointer, want }) => {
    expect(pointerToPath(pointer)).toBe(want);
  });
});
