// Host integration: the real lvm 2.03 on loop devices (metadata only: this host kernel has no device-mapper,
// so LVs are created with --driverloaded n; the QEMU guest suite covers activation, mkfs on LVs, snapshots).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, Lvm, LvmError, InsufficientSpaceError, type LvmState } from '../src/index.js';
import { createLvmSandbox, hostSkipReason, runIn, uniqueName, type LvmSandbox } from './support/sandbox.js';

const MiB = 1024 * 1024;
const skipReason = await hostSkipReason();
if (skipReason) process.stdout.write(`SKIP lvm host tests: ${skipReason}\n`);

/** What `lvs`/`vgs` say, parsed independently of our report parser (plain columns, not JSON). */
async function lvsTable(sandbox: LvmSandbox): Promise<Map<string, number>> {
  const { stdout } = await runIn(sandbox, ['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '--separator', '|', '-o', 'vg_name,lv_name,lv_size']);
  const table = new Map<string, number>();
  for (const line of stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [vg, lv, size] = line.split('|');
    table.set(`${vg}/${lv}`, Number(size));
  }
  return table;
}

async function vgFreeBytes(sandbox: LvmSandbox, vg: string): Promise<number> {
  const { stdout } = await runIn(sandbox, ['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_free', vg]);
  return Number(stdout.trim());
}

function lvTable(state: LvmState): Map<string, number> {
  return new Map(state.lvs.map((lv) => [`${lv.vgName}/${lv.name}`, lv.sizeBytes]));
}

describe.skipIf(skipReason !== null)('Lvm on real loop devices', () => {
  let sandbox: LvmSandbox;
  let lvm: Lvm;
  let vg: string;

  beforeAll(async () => {
    sandbox = await createLvmSandbox(3, 128 * MiB);
    lvm = new Lvm({ executor: createLocalExecutor({ env: sandbox.env }) });
    vg = uniqueName('olhost');
    await lvm.createVg({ name: vg, devices: [sandbox.loops[0]!.path, sandbox.loops[1]!.path], tags: ['openlocal'] });
  });

  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it('detects whether the kernel has device-mapper, as /proc/misc says', async () => {
    // /dev/mapper/control can exist without the driver (installing lvm2 creates the node), so the kernel's own
    // list of misc devices is the independent witness here.
    const misc = await import('node:fs/promises').then((fs) => fs.readFile('/proc/misc', 'utf8'));
    expect(await lvm.hasDeviceMapper()).toBe(/\bdevice-mapper\b/.test(misc));
  });

  it('creates, extends and removes LVs, and readState agrees with lvs at every step', async () => {
    const a = await lvm.createLv({ vgName: vg, name: 'local-a', sizeBytes: 10 * MiB, tags: ['openlocal'] });
    expect(a.sizeBytes).toBe(12 * MiB); // three 4 MiB extents
    await lvm.createLv({ vgName: vg, name: 'local-b', sizeBytes: 8 * MiB, stripes: 2 });
    expect(lvTable(await lvm.readState())).toEqual(await lvsTable(sandbox));

    const grown = await lvm.extendLv({ vgName: vg, name: 'local-a', sizeBytes: 40 * MiB });
    expect(grown.sizeBytes).toBe(40 * MiB);
    expect(lvTable(await lvm.readState())).toEqual(await lvsTable(sandbox));

    await lvm.removeLv({ vgName: vg, name: 'local-b' });
    const state = await lvm.readState();
    expect(lvTable(state)).toEqual(await lvsTable(sandbox));
    expect(state.lvs.map((lv) => lv.name)).toEqual(['local-a']);
    expect(state.vgs.find((v) => v.name === vg)?.freeBytes).toBe(await vgFreeBytes(sandbox, vg));
  });

  it('reads the striped layout and tags back', async () => {
    await lvm.createLv({ vgName: vg, name: 'local-striped', sizeBytes: 16 * MiB, stripes: 2, tags: ['pvc.ns=default'] });
    const lv = (await lvm.readState()).lvs.find((l) => l.name === 'local-striped');
    expect(lv).toMatchObject({ stripes: 2, tags: ['pvc.ns=default'], sizeBytes: 16 * MiB });
    await lvm.removeLv({ vgName: vg, name: 'local-striped' });
  });

  it('sees the PV in no VG and the VG tags', async () => {
    await lvm.createPv(sandbox.loops[2]!.path);
    const state = await lvm.readState();
    expect(state.pvs.find((pv) => pv.name === sandbox.loops[2]!.path)?.vgName).toBe('');
    expect(state.vgs.find((v) => v.name === vg)?.tags).toEqual(['openlocal']);
  });

  it('20 concurrent creates on one VG all succeed, serialised, and fill it exactly', async () => {
    const before = await vgFreeBytes(sandbox, vg);
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => lvm.createLv({ vgName: vg, name: `local-c${i}`, sizeBytes: 4 * MiB })),
    );
    expect(created).toHaveLength(20);
    expect(await vgFreeBytes(sandbox, vg)).toBe(before - 20 * 4 * MiB);
    for (let i = 0; i < 20; i += 1) await lvm.removeLv({ vgName: vg, name: `local-c${i}` });
  });

  describe('bad input: a typed error and nothing changes', () => {
    it.each([
      { name: 'VG name with a space', call: () => lvm.createLv({ vgName: 'a b', name: 'x', sizeBytes: MiB }), code: 'INVALID_NAME' },
      { name: 'VG name with ;', call: () => lvm.createVg({ name: 'x;reboot', devices: [sandbox.loops[2]!.path] }), code: 'INVALID_NAME' },
      { name: 'LV name ..', call: () => lvm.createLv({ vgName: vg, name: '..', sizeBytes: MiB }), code: 'INVALID_NAME' },
      { name: 'LV name with a leading -', call: () => lvm.createLv({ vgName: vg, name: '-n', sizeBytes: MiB }), code: 'INVALID_NAME' },
      { name: 'zero size', call: () => lvm.createLv({ vgName: vg, name: 'zero', sizeBytes: 0 }), code: 'INVALID_SIZE' },
      { name: 'negative size', call: () => lvm.createLv({ vgName: vg, name: 'neg', sizeBytes: -4 * MiB }), code: 'INVALID_SIZE' },
      { name: 'a missing VG', call: () => lvm.createLv({ vgName: uniqueName('missing'), name: 'x', sizeBytes: 4 * MiB }), code: 'VG_NOT_FOUND' },
      { name: 'more than the VG holds', call: () => lvm.createLv({ vgName: vg, name: 'huge', sizeBytes: 10 * 1024 * MiB }), code: 'INSUFFICIENT_SPACE' },
      { name: 'an LV name that exists', call: () => lvm.createLv({ vgName: vg, name: 'local-a', sizeBytes: 4 * MiB }), code: 'ALREADY_EXISTS' },
      { name: 'a device already in another VG', call: () => lvm.createVg({ name: uniqueName('other'), devices: [sandbox.loops[0]!.path] }), code: 'DEVICE_IN_OTHER_VG' },
      { name: 'pvcreate on a PV of another VG', call: () => lvm.createPv(sandbox.loops[1]!.path), code: 'DEVICE_IN_OTHER_VG' },
      { name: 'removing a missing LV', call: () => lvm.removeLv({ vgName: vg, name: 'nothere' }), code: 'LV_NOT_FOUND' },
      { name: 'a VG name that exists', call: () => lvm.createVg({ name: vg, devices: [sandbox.loops[2]!.path] }), code: 'ALREADY_EXISTS' },
    ])('$name', async ({ call, code }) => {
      const before = await lvm.readState();
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LvmError);
      expect((error as LvmError).code).toBe(code);
      if (code === 'INSUFFICIENT_SPACE') expect(error).toBeInstanceOf(InsufficientSpaceError);
      expect(await lvm.readState()).toEqual(before);
    });
  });
});
