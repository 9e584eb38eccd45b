import { describe, expect, it } from 'vitest';
import { CommandRegistry } from './command-registry.js';
import { CommandTimeoutError, type Executor } from './executor.js';
import { StorageWatch } from './storage-watch.js';
import type { LvmState } from './types.js';

const vg = (name: string) => ({ name, uuid: name, sizeBytes: 0, freeBytes: 0, extentSizeBytes: 4 << 20, extentCount: 0, freeExtentCount: 0, pvCount: 1, lvCount: 0, tags: [], attr: '' });
const pv = (name: string, vgName: string) => ({ name, uuid: name, vgName, sizeBytes: 0, freeBytes: 0, devSizeBytes: 0, tags: [] });
const state = (pvs: [string, string][]): LvmState => ({ vgs: [...new Set(pvs.map(([, v]) => v))].map(vg), pvs: pvs.map(([p, v]) => pv(p, v)), lvs: [] }) as unknown as LvmState;

/** A probe executor whose reads of `hungDevice` behave as on a suspended disk: never exit, time out. */
function fakeDisks(registry: CommandRegistry, clock: { ms: number }, hungDevice: string) {
  const started: string[] = [];
  const executor: Executor = {
    run(argv, options) {
      started.push(argv[1] ?? '');
      if (argv[1] !== `if=${hungDevice}`) return Promise.resolve({ stdout: '', stderr: '', exitCode: 0 });
      registry.begin(argv, options?.timeoutMs ?? 0); // never ends, as a process in D state
      clock.ms += (options?.timeoutMs ?? 0) + 1;
      return Promise.reject(new CommandTimeoutError(argv, options?.timeoutMs ?? 0));
    },
  };
  return { executor, started };
}

describe('StorageWatch', () => {
  it('reports the VG whose PV read hangs, not the healthy one, and starts no second probe on the hung disk', async () => {
    const clock = { ms: 0 };
    const registry = new CommandRegistry(() => clock.ms);
    const { executor, started } = fakeDisks(registry, clock, '/dev/mapper/bad');
    let report = state([['/dev/mapper/bad', 'vg-bad'], ['/dev/mapper/good', 'vg-good']]);
    const watch = new StorageWatch({ readState: async () => report, executor, registry, probeTimeoutMs: 100 });
    expect((await watch.check()).hungVgs).toEqual([{ vgName: 'vg-bad', device: '/dev/mapper/bad' }]);
    expect(watch.isVgHung('vg-good')).toBe(false);
    // lvm now skips the suspended PV, so its VG vanishes from the report; the watch still remembers and reports it.
    report = state([['/dev/mapper/good', 'vg-good']]);
    expect((await watch.check()).hungVgs.map((v) => v.vgName)).toEqual(['vg-bad']);
    expect(started.filter((s) => s === 'if=/dev/mapper/bad')).toHaveLength(1);
    expect(watch.notReadyReasons()[0]).toMatch(/volume group vg-bad hangs: .*\/dev\/mapper\/bad did not finish within 100 ms/);
  });

  it('watches only managed VGs and is ready when every read answers', async () => {
    const clock = { ms: 0 };
    const registry = new CommandRegistry(() => clock.ms);
    const { executor, started } = fakeDisks(registry, clock, '/dev/os-disk');
    const watch = new StorageWatch({
      readState: async () => state([['/dev/os-disk', 'system'], ['/dev/vdb', 'open-local-pool-0']]),
      executor, registry, probeTimeoutMs: 100, isManagedVg: (name) => name.startsWith('open-local-'),
    });
    await watch.check();
    expect(watch.notReadyReasons()).toEqual([]);
    expect(started).toEqual(['if=/dev/vdb']);
  });
});
