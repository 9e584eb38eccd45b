import { describe, expect, it } from 'vitest';
import { loadFixture, recordingsOf } from '../test/support/fixtures.js';
import { InsufficientSpaceError, LvmError } from './errors.js';
import { Lvm } from './lvm.js';
import { createReplayExecutor } from './testing.js';

const MiB = 1024 * 1024;

function replayLvm(fixtureName: string) {
  const executor = createReplayExecutor(loadFixture(fixtureName).recordings);
  return { lvm: new Lvm({ executor, hasDeviceMapper: false }), executor };
}

describe('Lvm against recorded real lvm runs', () => {
  it('readState spawns exactly one lvm process', async () => {
    const { lvm, executor } = replayLvm('state-one-vg');
    const state = await lvm.readState();
    expect(executor.calls).toHaveLength(1);
    expect(executor.calls[0]?.slice(0, 2)).toEqual(['lvm', 'fullreport']);
    expect(state.lvs.map((lv) => lv.name).sort()).toEqual(['local-pv1', 'striped1']);
  });

  it('createLv returns the LV as lvm rounded it (5 MiB + 1 byte becomes two 4 MiB extents)', async () => {
    const { lvm } = replayLvm('state-two-vgs');
    await lvm.createVg({ name: 'fixvg-a', devices: [recordingsOf(loadFixture('state-two-vgs'), 'lvm', 'vgcreate')[0]!.argv.at(-1)!] });
    await lvm.createVg({ name: 'fixvg-b', devices: [recordingsOf(loadFixture('state-two-vgs'), 'lvm', 'vgcreate')[1]!.argv.at(-1)!] });
    const lv = await lvm.createLv({ vgName: 'fixvg-b', name: 'odd', sizeBytes: 5 * MiB + 1 });
    expect(lv).toMatchObject({ name: 'odd', vgName: 'fixvg-b', sizeBytes: 8 * MiB });
    const grown = await lvm.extendLv({ vgName: 'fixvg-b', name: 'odd', sizeBytes: 30 * MiB });
    expect(grown.sizeBytes).toBe(32 * MiB);
  });

  it('maps a too-large create to InsufficientSpaceError naming the VG and the request', async () => {
    const fixture = loadFixture('errors');
    const huge = recordingsOf(fixture, 'lvm', 'lvcreate').filter((r) => r.argv.includes('huge'));
    const lvm = new Lvm({ executor: createReplayExecutor(huge), hasDeviceMapper: false });
    const error = await lvm.createLv({ vgName: 'fixvg', name: 'huge', sizeBytes: 10 * 1024 * MiB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientSpaceError);
    expect(error).toMatchObject({ code: 'INSUFFICIENT_SPACE', vgName: 'fixvg', requestedBytes: 10 * 1024 * MiB });
  });

  it('maps a create in a missing VG to VG_NOT_FOUND', async () => {
    const fixture = loadFixture('errors');
    const lvm = new Lvm({ executor: createReplayExecutor(recordingsOf(fixture, 'lvm', 'lvcreate')), hasDeviceMapper: false });
    await expect(lvm.createLv({ vgName: 'novg', name: 'x', sizeBytes: 8 * MiB })).rejects.toMatchObject({ code: 'VG_NOT_FOUND' });
  });
});

describe('Lvm refuses bad input before running anything', () => {
  it.each([
    { name: 'VG name with a space', call: (l: Lvm) => l.createLv({ vgName: 'my vg', name: 'a', sizeBytes: MiB }), field: 'vgName' },
    { name: 'VG name with ;', call: (l: Lvm) => l.createLv({ vgName: 'vg;rm', name: 'a', sizeBytes: MiB }), field: 'vgName' },
    { name: 'VG name ..', call: (l: Lvm) => l.createVg({ name: '..', devices: ['/dev/sdb'] }), field: 'vgName' },
    { name: 'LV name with a leading -', call: (l: Lvm) => l.createLv({ vgName: 'vg', name: '-rf', sizeBytes: MiB }), field: 'lvName' },
    { name: 'LV name reserved by lvm', call: (l: Lvm) => l.createLv({ vgName: 'vg', name: 'pool_tmeta', sizeBytes: MiB }), field: 'lvName' },
    { name: 'a tag with a space', call: (l: Lvm) => l.changeLvTags({ vgName: 'vg', name: 'a', add: ['x y'] }), field: 'add[0]' },
    { name: 'zero size', call: (l: Lvm) => l.createLv({ vgName: 'vg', name: 'a', sizeBytes: 0 }), field: 'sizeBytes' },
    { name: 'negative size', call: (l: Lvm) => l.createLv({ vgName: 'vg', name: 'a', sizeBytes: -MiB }), field: 'sizeBytes' },
    { name: 'fractional size', call: (l: Lvm) => l.createLv({ vgName: 'vg', name: 'a', sizeBytes: 1.5 }), field: 'sizeBytes' },
    { name: 'device outside /dev', call: (l: Lvm) => l.createVg({ name: 'vg', devices: ['/etc/passwd'] }), field: 'devices[0]' },
    { name: 'device with ..', call: (l: Lvm) => l.createPv('/dev/../etc/shadow'), field: 'device' },
    { name: 'tag with a space', call: (l: Lvm) => l.createLv({ vgName: 'vg', name: 'a', sizeBytes: MiB, tags: ['a b'] }), field: 'tags[0]' },
  ])('$name', async ({ call, field }) => {
    const executor = createReplayExecutor([]);
    const lvm = new Lvm({ executor, hasDeviceMapper: false });
    const error = await call(lvm).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LvmError);
    expect(error).toMatchObject({ field });
    expect(executor.calls).toEqual([]);
  });

  it('a VG with no devices is refused', async () => {
    const executor = createReplayExecutor([]);
    await expect(new Lvm({ executor, hasDeviceMapper: false }).createVg({ name: 'vg', devices: [] })).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
    expect(executor.calls).toEqual([]);
  });

  it.each([
    { name: 'snapshot', call: (l: Lvm) => l.createSnapshot({ vgName: 'vg', originName: 'a', name: 's', sizeBytes: MiB }) },
    { name: 'thin pool', call: (l: Lvm) => l.createThinPool({ vgName: 'vg', name: 'pool', sizeBytes: MiB }) },
    { name: 'VG activation', call: (l: Lvm) => l.activateVg('vg') },
  ])('$name says NO_DEVICE_MAPPER where the kernel has none', async ({ call }) => {
    const executor = createReplayExecutor([]);
    await expect(call(new Lvm({ executor, hasDeviceMapper: false }))).rejects.toMatchObject({ code: 'NO_DEVICE_MAPPER' });
    expect(executor.calls).toEqual([]);
  });
});

describe('hasDeviceMapper', () => {
  it('is false when dmsetup cannot reach the driver, and asked only once', async () => {
    const executor = createReplayExecutor([
      { argv: ['dmsetup', 'version'], result: { exitCode: 1, stdout: 'Library version:   1.02.185 (2022-05-18)\n', stderr: '/dev/mapper/control: open failed: No such device\n' } },
    ]);
    const lvm = new Lvm({ executor });
    expect(await lvm.hasDeviceMapper()).toBe(false);
    expect(await lvm.hasDeviceMapper()).toBe(false);
    expect(executor.calls).toHaveLength(1);
  });
});
