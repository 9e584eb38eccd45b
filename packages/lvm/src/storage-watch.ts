// Notices disks that hang. Each check reads one 4 KiB block straight from every PV of the managed VGs (O_DIRECT,
// so no page cache answers for the disk) under a short deadline. A PV whose read does not finish marks its VG
// hung; while that read is still stuck in the kernel no second one is started, so a dead disk costs one
// process, not one per check. PVs are remembered from earlier reports, because lvm skips a suspended device
// and its VG then vanishes from the report exactly when it matters.
import type { CommandRegistry, HungCommand } from './command-registry.js';
import { CommandTimeoutError, type Executor } from './executor.js';
import { validateDevicePath } from './names.js';
import type { LvmState } from './types.js';

/** A VG one of whose PVs did not answer a read within the deadline. */
export interface HungVg {
  vgName: string;
  device: string;
}

export interface StorageHealth {
  hungVgs: HungVg[];
  /** Commands (lvm, mkfs, mount, the probes themselves) still running after their deadline. */
  hungCommands: HungCommand[];
}

export interface StorageWatchOptions {
  readState: () => Promise<LvmState>;
  executor: Executor;
  /** The registry the executor reports to: how a probe still stuck from an earlier check is recognised. */
  registry: CommandRegistry;
  probeTimeoutMs: number;
  /** VGs to watch (the ones the node manages); default all. */
  isManagedVg?: (vgName: string) => boolean;
}

/** Pure: the argv of one read probe. */
export function readProbeArgs(device: string): string[] {
  return ['dd', `if=${device}`, 'of=/dev/null', 'bs=4096', 'count=1', 'iflag=direct', 'status=none'];
}

export class StorageWatch {
  private readonly pvsByVg = new Map<string, string[]>();
  private last: StorageHealth = { hungVgs: [], hungCommands: [] };

  constructor(private readonly options: StorageWatchOptions) {}

  /** Re-reads the PV list (when lvm answers), probes every PV and returns what hangs. */
  async check(): Promise<StorageHealth> {
    await this.options.readState().then(
      (state) => this.remember(state),
      () => undefined, // a failed or hung report shows in hungCommands; the remembered PVs are probed anyway
    );
    const devices = [...new Set([...this.pvsByVg.values()].flat())];
    const verdicts = await Promise.all(devices.map(async (device) => [device, await this.isHung(device)] as const));
    const hungDevices = new Set(verdicts.filter(([, hung]) => hung).map(([device]) => device));
    const hungVgs: HungVg[] = [];
    for (const [vgName, pvs] of this.pvsByVg) {
      const device = pvs.find((pv) => hungDevices.has(pv));
      if (device !== undefined) hungVgs.push({ vgName, device });
    }
    this.last = { hungVgs, hungCommands: this.options.registry.hung() };
    return this.last;
  }

  /** The result of the last check. */
  get health(): StorageHealth {
    return this.last;
  }

  isVgHung(vgName: string): boolean {
    return this.last.hungVgs.some((vg) => vg.vgName === vgName);
  }

  /** Lines for /readyz: empty when nothing hangs. */
  notReadyReasons(): string[] {
    const limit = this.options.probeTimeoutMs;
    return [
      ...this.last.hungVgs.map((vg) => `volume group ${vg.vgName} hangs: a 4 KiB read of its PV ${vg.device} did not finish within ${limit} ms`),
      ...this.last.hungCommands.map((c) => `command ${c.command} has been running for ${c.runningSeconds} s, past its deadline (${c.argv.join(' ')})`),
    ];
  }

  private remember(state: LvmState): void {
    const isManaged = this.options.isManagedVg ?? (() => true);
    for (const vg of state.vgs) {
      if (!isManaged(vg.name)) continue;
      const pvs = state.pvs.filter((pv) => pv.vgName === vg.name).map((pv) => pv.name);
      if (pvs.length > 0) this.pvsByVg.set(vg.name, pvs);
    }
  }

  private async isHung(device: string): Promise<boolean> {
    const argv = readProbeArgs(device);
    const isStillStuck = this.options.registry.hung().some((c) => c.argv.length === argv.length && c.argv.every((part, i) => part === argv[i]));
    if (isStillStuck) return true;
    try {
      validateDevicePath(device);
      await this.options.executor.run(argv, { timeoutMs: this.options.probeTimeoutMs });
      return false; // an error exit (device gone, I/O error) is a failure, not a hang
    } catch (error) {
      return error instanceof CommandTimeoutError;
    }
  }
}
