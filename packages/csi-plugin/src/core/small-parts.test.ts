import { describe, expect, it } from 'vitest';
import { parseClaim } from './claim.js';
import { capacityOf } from './capacity.js';
import { blankDisks, diskProblem, type DiskFacts } from './free-disks.js';
import { podUidFromTarget, throttleWrites } from './io-max.js';
import { REDACTED, redactSecrets } from './redact.js';
import { buildVolumeContext } from './volume-context.js';
import { VolumeLocks } from './volume-locks.js';

describe('VolumeLocks', () => {
  it('refuses a second operation on a busy volume with IN_FLIGHT, then allows it after release', () => {
    const locks = new VolumeLocks();
    const release = locks.acquire('vol-1');
    expect(() => locks.acquire('vol-1')).toThrow(/already in progress/);
    expect(locks.acquire('vol-2')).toBeTypeOf('function');
    release();
    expect(() => locks.acquire('vol-1')).not.toThrow();
  });
});

describe('redactSecrets', () => {
  it('replaces every secret value, also nested, and keeps the rest', () => {
    const out = redactSecrets({ name: 'v', secrets: { password: 'hunter2' }, inner: [{ secrets: { token: 't' } }] });
    expect(out).toEqual({ name: 'v', secrets: { password: REDACTED }, inner: [{ secrets: { token: REDACTED } }] });
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });
});

describe('the io.max line (cgroup v2)', () => {
  it.each([
    { name: 'iops and bps', throttle: { iops: 100, bpsBytes: 1048576 }, want: '253:4 riops=100 wiops=100 rbps=1048576 wbps=1048576' },
    { name: 'only bps', throttle: { bpsBytes: 10 }, want: '253:4 rbps=10 wbps=10' },
    { name: 'nothing', throttle: {}, want: null },
  ])('$name', ({ throttle, want }) => {
    expect(throttleWrites('v2', '253:4', throttle)[0]?.line ?? null).toBe(want);
  });

  it('finds the pod UID by structure for both filesystem and block targets', () => {
    expect(podUidFromTarget('/data/kubelet/pods/abc-1/volumes/kubernetes.io~csi/pv/mount', '/data/kubelet')).toBe('abc-1');
    expect(podUidFromTarget('/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices/publish/pv-1/uid-9', '/var/lib/kubelet')).toBe('uid-9');
    expect(podUidFromTarget('/elsewhere/pods/x', '/var/lib/kubelet')).toBeNull();
  });
});

describe('free disks', () => {
  const disk = (name: string, extra: Partial<DiskFacts> = {}): DiskFacts => ({
    path: `/dev/${name}`,
    kernelName: name,
    sizeBytes: 1000,
    mediaType: 'hdd',
    isReadOnly: false,
    isPartition: false,
    majMin: `8:${name.length}`,
    ...extra,
  });
  const usage = { pvPaths: new Set(['/dev/sdpv']), mountedMajMins: new Set(['8:99']) };

  it.each([
    { name: 'a partition', d: disk('sdb1', { isPartition: true, parent: 'sdb' }), want: 'is a partition' },
    { name: 'a disk with partitions', d: disk('sdb'), want: 'has partitions' },
    { name: 'an LVM PV', d: disk('sdpv'), want: 'is an LVM physical volume' },
    { name: 'a mounted disk', d: disk('sdm', { majMin: '8:99' }), want: 'is mounted' },
    { name: 'a read-only disk', d: disk('sdr', { isReadOnly: true }), want: 'is read-only' },
    { name: 'a free disk', d: disk('sdz'), want: null },
  ])('$name', ({ d, want }) => {
    const all = [d, disk('sdb1', { isPartition: true, parent: 'sdb' })];
    expect(diskProblem(d, all, usage)).toBe(want);
  });

  it('offers only disks the probe found blank', () => {
    const disks = [disk('sdx'), disk('sdy')];
    expect(blankDisks(disks, new Map([['/dev/sdx', null], ['/dev/sdy', 'ext4']])).map((c) => c.path)).toEqual(['/dev/sdx']);
  });
});

describe('parseClaim', () => {
  it('refuses a corrupt claim file instead of treating the disk as free', () => {
    expect(() => parseClaim('{"volumeId":"v"', '/state/v.json')).toThrow('claim file /state/v.json is not JSON');
    expect(() => parseClaim('{"volumeId":"v","volumeType":"LVM"}', '/state/v.json')).toThrow(/claim file \/state\/v.json is malformed/);
  });
});

describe('capacityOf', () => {
  it('sums free VG space and reports the largest VG as the maximum volume', () => {
    const vgs = [
      { name: 'a', sizeBytes: 10, freeBytes: 3, extentSizeBytes: 1 },
      { name: 'b', sizeBytes: 10, freeBytes: 7, extentSizeBytes: 1 },
    ];
    expect(capacityOf({ kind: 'lvm', vgs, vgName: undefined })).toEqual({ availableBytes: 10, maximumVolumeBytes: 7 });
    expect(capacityOf({ kind: 'lvm', vgs, vgName: 'a' })).toEqual({ availableBytes: 3, maximumVolumeBytes: 3 });
    expect(capacityOf({ kind: 'lvm', vgs, vgName: 'missing' })).toEqual({ availableBytes: 0, maximumVolumeBytes: 0 });
  });
});

describe('buildVolumeContext', () => {
  it('keeps the class parameters, adds placement and node, drops secret references', () => {
    const context = buildVolumeContext(
      { volumeType: 'LVM', 'csi.storage.k8s.io/provisioner-secret-name': 's' },
      { vgName: 'pool', nodeId: 'n1' },
    );
    expect(context).toEqual({ volumeType: 'LVM', vgName: 'pool', 'volume.kubernetes.io/selected-node': 'n1' });
  });
});
