// SnapshotService decisions against an in-memory LVM (a unit test: the real lvm runs in test-guest/snapshots.test.ts
// and csi-sanity in the guest). Checks what reaches lvm and what is left when a step fails.
import type { LogicalVolume, LvmState } from '@openlocal/lvm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OWNER_TAG } from '../core/driver-info.js';
import { snapshotTags } from '../core/snapshots.js';
import type { HostPort, LvmPort } from '../ports.js';
import { SnapshotService } from './snapshot-service.js';

const MiB = 2 ** 20;
const signal = new AbortController().signal;

function lv(name: string, more: Partial<LogicalVolume> = {}): LogicalVolume {
  return {
    name, vgName: 'vg0', uuid: name, sizeBytes: 64 * MiB, attr: '', tags: [OWNER_TAG], origin: '', poolLv: '', isActive: true, isThinPool: false,
    isThin: false, isSnapshot: false, isHidden: false, stripes: 1, stripeSizeBytes: 0, devicePath: `/dev/vg0/${name}`, ...more,
  };
}

/** An in-memory LvmPort that records every mutation and can be told to fail one method. */
function fakeLvm(lvs: LogicalVolume[], options: { freeBytes?: number; failing?: keyof LvmPort } = {}) {
  const calls: string[] = [];
  const state = (): LvmState => ({
    vgs: [{ name: 'vg0', uuid: 'v', sizeBytes: 1024 * MiB, freeBytes: options.freeBytes ?? 512 * MiB, extentSizeBytes: 4 * MiB, extentCount: 256, freeExtentCount: 128, pvCount: 1, lvCount: lvs.length, tags: [], attr: '' }],
    pvs: [],
    lvs: [...lvs],
  });
  const fail = (method: keyof LvmPort) => {
    if (options.failing === method) throw new Error(`${method} failed (injected)`);
  };
  const port: LvmPort = {
    readState: async () => state(),
    readLv: async (r) => lvs.find((l) => l.name === r.name)!,
    hasDeviceMapper: async () => true,
    createLv: async (r) => {
      calls.push(`createLv ${r.name}`);
      fail('createLv');
      const made = lv(r.name, { sizeBytes: r.sizeBytes, tags: r.tags ?? [] });
      lvs.push(made);
      return made;
    },
    extendLv: async (r) => {
      calls.push(`extendLv ${r.name} ${r.sizeBytes}`);
      fail('extendLv');
      return { ...lvs.find((l) => l.name === r.name)!, sizeBytes: r.sizeBytes };
    },
    removeLv: async (r) => {
      calls.push(`removeLv ${r.name}`);
      lvs.splice(lvs.findIndex((l) => l.name === r.name), 1);
    },
    createSnapshot: async (r) => {
      calls.push(`createSnapshot ${r.name} ${r.sizeBytes}`);
      const made = lv(r.name, { isSnapshot: true, origin: r.originName, sizeBytes: r.sizeBytes, tags: r.tags ?? [] });
      lvs.push(made);
      return made;
    },
    createThinLv: async () => {
      throw new Error('not used');
    },
    createThinSnapshot: async (r) => {
      calls.push(`createThinSnapshot ${r.name} of ${r.originName}`);
      const origin = lvs.find((l) => l.name === r.originName)!;
      // lvm copies the origin's tags onto a thin snapshot: the service must strip them.
      const made = lv(r.name, { isThin: true, isSnapshot: true, origin: r.originName, poolLv: origin.poolLv, sizeBytes: origin.sizeBytes, tags: [...origin.tags, ...(r.tags ?? [])] });
      lvs.push(made);
      return made;
    },
    changeLvTags: async (r) => {
      calls.push(`changeLvTags ${r.name} +${(r.add ?? []).join(',')} -${(r.remove ?? []).join(',')}`);
      const target = lvs.find((l) => l.name === r.name)!;
      target.tags = [...target.tags.filter((t) => !(r.remove ?? []).includes(t)), ...(r.add ?? [])];
    },
  };
  return { port, calls, lvs };
}

function service(lvm: LvmPort, host: Partial<HostPort> = {}) {
  return new SnapshotService({ lvm, host: host as HostPort, nodeId: 'node-a', vgRegexp: /^vg0$/, logger: pino({ level: 'silent' }), now: () => 1_700_000_000 });
}

describe('SnapshotService', () => {
  it('takes a read-only snapshot of a thick volume with the class size capped at the volume, tagged with what later calls need', async () => {
    const { port, calls, lvs } = fakeLvm([lv('pv-a')]);
    const snapshot = await service(port).createSnapshot({ name: 'snapshot-1', source_volume_id: 'pv-a', parameters: {}, secrets: {} }, signal);
    expect(snapshot).toMatchObject({ snapshot_id: 'snap-1', source_volume_id: 'pv-a', size_bytes: String(64 * MiB), ready_to_use: true, creation_time: { seconds: '1700000000' } });
    expect(calls).toEqual([`createSnapshot snap-1 ${64 * MiB}`]);
    expect(lvs.find((l) => l.name === 'snap-1')?.tags).not.toContain(OWNER_TAG);
  });

  it('refuses a thick snapshot the VG cannot hold, creating nothing', async () => {
    const { port, calls } = fakeLvm([lv('pv-a')], { freeBytes: 8 * MiB });
    await expect(service(port).createSnapshot({ name: 's', source_volume_id: 'pv-a', parameters: { 'csi.aliyun.com/snapshot-initial-size': '16Mi' }, secrets: {} }, signal)).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringContaining('volume group vg0 has 8388608 bytes free'),
    });
    expect(calls).toEqual([]);
  });

  it('strips the origin tags lvm copies onto a thin snapshot, so it never reads as a volume', async () => {
    const { port, lvs } = fakeLvm([lv('pool', { isThinPool: true, tags: [], dataPercent: 10 }), lv('pv-t', { isThin: true, poolLv: 'pool' })]);
    await service(port).createSnapshot({ name: 'st', source_volume_id: 'pv-t', parameters: {}, secrets: {} }, signal);
    const tags = lvs.find((l) => l.name === 'st')?.tags ?? [];
    expect(tags).not.toContain(OWNER_TAG);
    expect(tags).toEqual(expect.arrayContaining(snapshotTags({ name: 'st', sourceVolumeId: 'pv-t', sizeBytes: 64 * MiB, createdSeconds: 1_700_000_000 })));
  });

  it('removes a thin restore again when growing it fails (no half-made LV)', async () => {
    const base = [lv('pool', { isThinPool: true, tags: [], dataPercent: 10 }), lv('pv-t', { isThin: true, poolLv: 'pool' })];
    const { port, calls, lvs } = fakeLvm(base, { failing: 'extendLv' });
    const spec = { volumeType: 'LVM' as const, vgName: 'vg0', isStriping: false, throttle: {}, fsType: 'ext4' as const, thinPool: 'pool' };
    await expect(service(port).createFromSource({ name: 'pv-big', spec, requiredBytes: 128 * MiB, limitBytes: 0, source: { volume: { volume_id: 'pv-t' } } }, signal)).rejects.toThrow(/extendLv failed/);
    expect(calls).toEqual(['createThinSnapshot pv-big of pv-t', 'extendLv pv-big 134217728', 'removeLv pv-big']);
    expect(lvs.map((l) => l.name)).toEqual(['pool', 'pv-t']);
  });

  it('removes a thick clone again when the copy fails', async () => {
    const { port, calls, lvs } = fakeLvm([lv('pv-a')]);
    const host = { copyDevice: async () => Promise.reject(new Error('dd failed (injected)')) };
    const spec = { volumeType: 'LVM' as const, vgName: undefined, isStriping: false, throttle: {}, fsType: 'ext4' as const };
    await expect(service(port, host).createFromSource({ name: 'pv-c', spec, requiredBytes: 0, limitBytes: 0, source: { volume: { volume_id: 'pv-a' } } }, signal)).rejects.toThrow(/dd failed/);
    expect(calls).toEqual(['createLv pv-c', 'removeLv pv-c']);
    expect(lvs.map((l) => l.name)).toEqual(['pv-a']);
  });

  it('a read-only restore only tags the snapshot; deleting the snapshot while it is in use is FAILED_PRECONDITION', async () => {
    const snap = lv('snap-1', { isSnapshot: true, origin: 'pv-a', sizeBytes: 16 * MiB, tags: snapshotTags({ name: 'snap-1', sourceVolumeId: 'pv-a', sizeBytes: 64 * MiB, createdSeconds: 1 }) });
    const { port, calls } = fakeLvm([lv('pv-a'), snap]);
    const svc = service(port);
    const spec = { volumeType: 'LVM' as const, vgName: undefined, isStriping: false, throttle: {}, fsType: 'ext4' as const };
    const made = await svc.createFromSource({ name: 'pv-ro', spec, requiredBytes: 64 * MiB, limitBytes: 0, source: { snapshot: { snapshot_id: 'snap-1' } } }, signal);
    expect(made).toEqual({ volumeId: 'pv-ro', sizeBytes: 64 * MiB, vgName: 'vg0', readOnlySnapshotId: 'snap-1' });
    expect(calls).toEqual(['changeLvTags snap-1 +local.csi.aliyun.com/restore=pv-ro -']);
    await expect(svc.deleteSnapshot({ snapshot_id: 'snap-1', secrets: {} }, signal)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('pv-ro') });
    // A retried CreateVolume finds the same restore and changes nothing.
    await svc.createFromSource({ name: 'pv-ro', spec, requiredBytes: 64 * MiB, limitBytes: 0, source: { snapshot: { snapshot_id: 'snap-1' } } }, signal);
    expect(calls).toHaveLength(1);
  });

  it('says a Device volume has no snapshots instead of calling it missing', async () => {
    const { port } = fakeLvm([]);
    const claims = { get: async (id: string) => (id === 'pv-disk' ? { volumeId: id, volumeType: 'Device' as const, path: '/dev/sdb', sizeBytes: 1, mediaType: 'hdd' as const } : null) };
    const svc = new SnapshotService({ lvm: port, host: {} as HostPort, claims: claims as never, nodeId: 'node-a', vgRegexp: /^vg0$/, logger: pino({ level: 'silent' }) });
    await expect(svc.createSnapshot({ name: 's', source_volume_id: 'pv-disk', parameters: {}, secrets: {} }, signal)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'invalid source_volume_id "pv-disk": a Device volume (/dev/sdb) has no snapshots; only LVM volumes do',
    });
    await expect(svc.createSnapshot({ name: 's', source_volume_id: 'pv-gone', parameters: {}, secrets: {} }, signal)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a Device class with a missing source is NOT_FOUND (as csi-sanity asks); with an existing one, the class is refused', async () => {
    const { port } = fakeLvm([lv('pv-a')]);
    const spec = { volumeType: 'Device' as const, mediaType: 'hdd' as const, fsType: 'ext4' as const };
    const create = (source: { volume?: { volume_id: string }; snapshot?: { snapshot_id: string } }): Promise<unknown> =>
      service(port).createFromSource({ name: 'pv-d', spec, requiredBytes: 0, limitBytes: 0, source: source as never }, signal);
    await expect(create({ volume: { volume_id: 'pv-gone' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(create({ snapshot: { snapshot_id: 'snap-gone' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(create({ volume: { volume_id: 'pv-a' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('parameters["volumeType"] "Device"') });
  });

  it('refuses a restore into another VG than the source, naming vgName', async () => {
    const { port } = fakeLvm([lv('pv-a')]);
    const spec = { volumeType: 'LVM' as const, vgName: 'vg-other', isStriping: false, throttle: {}, fsType: 'ext4' as const };
    await expect(service(port).createFromSource({ name: 'pv-c', spec, requiredBytes: 0, limitBytes: 0, source: { volume: { volume_id: 'pv-a' } } }, signal)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('parameters["vgName"] "vg-other"'),
    });
  });
});
