// The LVM port: reads all state in one process and performs validated, serialised mutations.
import * as args from './args.js';
import { classifyLvmFailure, InsufficientSpaceError, LvmError } from './errors.js';
import { ExecError, type ExecOptions, type ExecResult, type Executor } from './executor.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { validateDevicePath, validateLvName, validateSizeBytes, validateTag, validateVgName } from './names.js';
import { parseFullReport, parseLvReport } from './report-parser.js';
import type { LogicalVolume, LvmState } from './types.js';

/** Options for every call: an AbortSignal that kills the running lvm process. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface CreateLvRequest {
  vgName: string;
  name: string;
  sizeBytes: number;
  tags?: string[];
  /** Stripe across this many PVs (Open-Local's `lvmType: striping`). */
  stripes?: number;
  stripeSizeBytes?: number;
}

export interface LvmOptions {
  executor: Executor;
  /** Environment for every lvm call, e.g. `LVM_SYSTEM_DIR` to give a simulated node its own device filter. */
  env?: Record<string, string>;
  /** Skip detection: tell whether the kernel has device-mapper. */
  hasDeviceMapper?: boolean;
  /** Deadline of each lvm and dmsetup process; without it the executor's own default (if any) applies. */
  commandTimeoutMs?: number;
  /**
   * Pass `--config devices/ignore_suspended_devices=1` to every lvm command, so a suspended or hung
   * device-mapper device under one VG does not make lvm's device scan (and so every command on every VG of the
   * node) block in uninterruptible sleep. The apps turn it on; it is off by default only so recorded fixtures
   * keep their exact argv.
   */
  ignoreSuspendedDevices?: boolean;
}

const IGNORE_SUSPENDED = ['--config', 'devices/ignore_suspended_devices=1'];
/** After a failed device-mapper probe, ask again on the next call after this long (one bad moment is not forever). */
const DEVICE_MAPPER_RETRY_MS = 30_000;

/**
 * LVM on one host. Every name is validated before it reaches argv; failures become LvmError with a code.
 * Mutations on one VG run one at a time; reads do not wait for them.
 */
export class Lvm {
  private readonly executor: Executor;
  private readonly env: Record<string, string>;
  private readonly serializer = new KeyedSerializer();
  private deviceMapper: Promise<boolean> | undefined;
  private readonly commandTimeoutMs: number | undefined;
  private readonly ignoreSuspendedDevices: boolean;
  private readonly isDeviceMapperFixed: boolean;

  constructor(options: LvmOptions) {
    this.executor = options.executor;
    this.env = { ...options.env };
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.ignoreSuspendedDevices = options.ignoreSuspendedDevices ?? false;
    this.isDeviceMapperFixed = options.hasDeviceMapper !== undefined;
    if (options.hasDeviceMapper !== undefined) this.deviceMapper = Promise.resolve(options.hasDeviceMapper);
  }

  /** All VGs, PVs (also those in no VG) and LVs, from a single `lvm fullreport` process. */
  async readState(options: CallOptions = {}): Promise<LvmState> {
    const result = await this.exec(args.fullReportArgs(), options);
    return parseFullReport(result.stdout);
  }

  /**
   * Whether the kernel has device-mapper (`dmsetup version` reaches the driver). Without it LVs are created as
   * metadata only and cannot be activated, formatted or mounted. A yes is remembered; a no is asked again after
   * 30 s. A probe that could not run or timed out is no answer: the call rejects with an ExecError (so nothing is
   * done as if device-mapper were missing, such as an LV created unzeroed) and the next call asks again, so one
   * bad moment does not change behaviour until restart.
   */
  hasDeviceMapper(options: CallOptions = {}): Promise<boolean> {
    if (this.deviceMapper !== undefined) return this.deviceMapper;
    const argv = ['dmsetup', 'version'];
    const answer = this.executor.run(argv, this.execOptions(options)).then(
      (r) => r.exitCode === 0 && /Driver version/.test(r.stdout),
      (error: unknown) => {
        throw new ExecError(`the device-mapper probe (dmsetup version) could not run: ${error instanceof Error ? error.message : String(error)}`, argv, { cause: error });
      },
    );
    this.deviceMapper = answer;
    answer.then(
      (yes) => {
        if (!yes && !this.isDeviceMapperFixed) setTimeout(() => this.forgetDeviceMapper(answer), DEVICE_MAPPER_RETRY_MS).unref();
      },
      () => this.forgetDeviceMapper(answer),
    );
    return answer;
  }

  private forgetDeviceMapper(answer: Promise<boolean>): void {
    if (this.deviceMapper === answer) this.deviceMapper = undefined;
  }

  /** Initialises a device as a PV. Refused by lvm (DEVICE_HAS_FILESYSTEM) if it carries a signature. */
  async createPv(device: string, options: CallOptions = {}): Promise<void> {
    validateDevicePath(device);
    await this.exec(args.pvcreateArgs(device), options);
  }

  /** Creates a VG from devices (made PVs first when they are not yet). */
  async createVg(request: { name: string; devices: string[]; tags?: string[] }, options: CallOptions = {}): Promise<void> {
    const name = validateVgName(request.name);
    if (request.devices.length === 0) throw new LvmError('DEVICE_NOT_FOUND', `volume group ${name} needs at least one device`);
    request.devices.forEach((d, i) => validateDevicePath(d, `devices[${i}]`));
    request.tags?.forEach((t, i) => validateTag(t, `tags[${i}]`));
    await this.serializer.run(name, () => this.exec(args.vgcreateArgs({ name, devices: request.devices, tags: request.tags ?? [] }), options));
  }

  /** Activates every LV of a VG (after a reboot). Needs device-mapper. */
  async activateVg(name: string, options: CallOptions = {}): Promise<void> {
    validateVgName(name);
    await this.requireDeviceMapper(`activate volume group ${name}`, options);
    await this.serializer.run(name, () => this.exec(args.vgActivateArgs(name), options));
  }

  /** Deactivates every LV of a VG (as before a power-off). Needs device-mapper. */
  async deactivateVg(name: string, options: CallOptions = {}): Promise<void> {
    validateVgName(name);
    await this.requireDeviceMapper(`deactivate volume group ${name}`, options);
    await this.serializer.run(name, () => this.exec(args.vgDeactivateArgs(name), options));
  }

  /** Removes a VG and every LV in it. For tests and decommissioning; the apps never call it. */
  async removeVg(name: string, options: CallOptions = {}): Promise<void> {
    validateVgName(name);
    await this.serializer.run(name, () => this.exec(args.vgremoveArgs(name), options));
  }

  /** Creates a linear or striped LV; the size is rounded up to whole extents by lvm. Returns the LV as created. */
  async createLv(request: CreateLvRequest, options: CallOptions = {}): Promise<LogicalVolume> {
    const vgName = validateVgName(request.vgName);
    const name = validateLvName(request.name);
    const sizeBytes = validateSizeBytes(request.sizeBytes);
    request.tags?.forEach((t, i) => validateTag(t, `tags[${i}]`));
    if (request.stripes !== undefined && (!Number.isSafeInteger(request.stripes) || request.stripes < 1)) {
      throw new LvmError('INVALID_SIZE', `invalid stripes ${String(request.stripes)}: must be a positive whole number`);
    }
    const hasDeviceMapper = await this.hasDeviceMapper(options);
    return this.serializer.run(vgName, async () => {
      await this.exec(args.lvcreateArgs({ ...request, vgName, name, sizeBytes, hasDeviceMapper }), options).catch((e: unknown) => {
        throw this.refineSpaceError(e, vgName, sizeBytes);
      });
      return this.readLvUnlocked(vgName, name, options);
    });
  }

  /** Grows an LV to `sizeBytes` (a total, not a delta). Growing to the current size is a no-op. */
  async extendLv(request: { vgName: string; name: string; sizeBytes: number }, options: CallOptions = {}): Promise<LogicalVolume> {
    const vgName = validateVgName(request.vgName);
    const name = validateLvName(request.name);
    const sizeBytes = validateSizeBytes(request.sizeBytes);
    const hasDeviceMapper = await this.hasDeviceMapper(options);
    return this.serializer.run(vgName, async () => {
      const current = await this.readLvUnlocked(vgName, name, options);
      if (current.sizeBytes >= sizeBytes) return current;
      await this.exec(args.lvextendArgs({ vgName, name, sizeBytes, hasDeviceMapper }), options).catch((e: unknown) => {
        throw this.refineSpaceError(e, vgName, sizeBytes - current.sizeBytes);
      });
      return this.readLvUnlocked(vgName, name, options);
    });
  }

  /** Removes an LV. Throws LV_NOT_FOUND when it does not exist (callers that want idempotence check the code). */
  async removeLv(request: { vgName: string; name: string }, options: CallOptions = {}): Promise<void> {
    const vgName = validateVgName(request.vgName);
    const name = validateLvName(request.name);
    const hasDeviceMapper = await this.hasDeviceMapper(options);
    await this.serializer.run(vgName, () => this.exec(args.lvremoveArgs({ vgName, name, hasDeviceMapper }), options));
  }

  /** Reads one LV. Throws LV_NOT_FOUND or VG_NOT_FOUND. */
  async readLv(request: { vgName: string; name: string }, options: CallOptions = {}): Promise<LogicalVolume> {
    return this.readLvUnlocked(validateVgName(request.vgName), validateLvName(request.name), options);
  }

  /** Activates or deactivates one LV. Needs device-mapper. */
  async setLvActive(request: { vgName: string; name: string; isActive: boolean }, options: CallOptions = {}): Promise<void> {
    const vgName = validateVgName(request.vgName);
    const name = validateLvName(request.name);
    await this.requireDeviceMapper(`change activation of ${vgName}/${name}`, options);
    await this.serializer.run(vgName, () => this.exec(args.lvActivateArgs({ vgName, name, isActive: request.isActive }), options));
  }

  /**
   * Adds and removes tags of one LV in a single metadata update. Removing a tag the LV does not carry and adding
   * one it already carries are no-ops, so a retried call is harmless.
   */
  async changeLvTags(request: { vgName: string; name: string; add?: string[]; remove?: string[] }, options: CallOptions = {}): Promise<void> {
    const vgName = validateVgName(request.vgName);
    const name = validateLvName(request.name);
    request.add?.forEach((t, i) => validateTag(t, `add[${i}]`));
    request.remove?.forEach((t, i) => validateTag(t, `remove[${i}]`));
    if ((request.add ?? []).length === 0 && (request.remove ?? []).length === 0) return;
    await this.serializer.run(vgName, () => this.exec(args.lvTagArgs({ ...request, vgName, name }), options));
  }

  /** A classic (copy-on-write) snapshot of `originName` with `sizeBytes` of change space. Needs device-mapper. */
  async createSnapshot(
    request: { vgName: string; originName: string; name: string; sizeBytes: number; tags?: string[] },
    options: CallOptions = {},
  ): Promise<LogicalVolume> {
    const vgName = validateVgName(request.vgName);
    validateLvName(request.originName, 'originName');
    const name = validateLvName(request.name);
    validateSizeBytes(request.sizeBytes);
    request.tags?.forEach((t, i) => validateTag(t, `tags[${i}]`));
    await this.requireDeviceMapper(`snapshot ${vgName}/${request.originName}`, options);
    return this.mutateAndRead({ vgName, name, argv: args.snapshotArgs(request) }, options);
  }

  /** A thin pool of `sizeBytes`. Needs device-mapper (dm-thin-pool). */
  async createThinPool(request: { vgName: string; name: string; sizeBytes: number; tags?: string[] }, options: CallOptions = {}): Promise<LogicalVolume> {
    const vgName = validateVgName(request.vgName);
    const name = validateLvName(request.name);
    validateSizeBytes(request.sizeBytes);
    request.tags?.forEach((t, i) => validateTag(t, `tags[${i}]`));
    await this.requireDeviceMapper(`create thin pool ${vgName}/${name}`, options);
    return this.mutateAndRead({ vgName, name, argv: args.thinPoolArgs(request) }, options);
  }

  /** A thin LV of `virtualSizeBytes` in `poolName`. Needs device-mapper. */
  async createThinLv(
    request: { vgName: string; poolName: string; name: string; virtualSizeBytes: number; tags?: string[] },
    options: CallOptions = {},
  ): Promise<LogicalVolume> {
    const vgName = validateVgName(request.vgName);
    validateLvName(request.poolName, 'poolName');
    const name = validateLvName(request.name);
    validateSizeBytes(request.virtualSizeBytes, 'virtualSizeBytes');
    request.tags?.forEach((t, i) => validateTag(t, `tags[${i}]`));
    await this.requireDeviceMapper(`create thin volume ${vgName}/${name}`, options);
    return this.mutateAndRead({ vgName, name, argv: args.thinLvArgs(request) }, options);
  }

  /** A thin snapshot of a thin LV (shares the pool; no size). Needs device-mapper. */
  async createThinSnapshot(
    request: { vgName: string; originName: string; name: string; tags?: string[] },
    options: CallOptions = {},
  ): Promise<LogicalVolume> {
    const vgName = validateVgName(request.vgName);
    validateLvName(request.originName, 'originName');
    const name = validateLvName(request.name);
    request.tags?.forEach((t, i) => validateTag(t, `tags[${i}]`));
    await this.requireDeviceMapper(`snapshot ${vgName}/${request.originName}`, options);
    return this.mutateAndRead({ vgName, name, argv: args.thinSnapshotArgs(request) }, options);
  }

  private mutateAndRead(target: { vgName: string; name: string; argv: string[] }, options: CallOptions): Promise<LogicalVolume> {
    const { vgName, name, argv } = target;
    return this.serializer.run(vgName, async () => {
      await this.exec(argv, options);
      return this.readLvUnlocked(vgName, name, options);
    });
  }

  private async readLvUnlocked(vgName: string, name: string, options: CallOptions): Promise<LogicalVolume> {
    const result = await this.exec(args.lvReportArgs(vgName, name), options);
    const lv = parseLvReport(result.stdout).find((candidate) => candidate.name === name);
    if (lv === undefined) throw new LvmError('LV_NOT_FOUND', `logical volume ${vgName}/${name} not found`);
    return lv;
  }

  private async requireDeviceMapper(what: string, options: CallOptions): Promise<void> {
    if (!(await this.hasDeviceMapper(options))) {
      throw new LvmError('NO_DEVICE_MAPPER', `cannot ${what}: this kernel has no device-mapper (dmsetup version fails)`);
    }
  }

  private refineSpaceError(error: unknown, vgName: string, requestedBytes: number): unknown {
    if (error instanceof LvmError && error.code === 'INSUFFICIENT_SPACE') {
      const details = { ...(error.argv ? { argv: error.argv } : {}), ...(error.stderr ? { stderr: error.stderr } : {}) };
      return new InsufficientSpaceError({ vgName, requestedBytes }, details);
    }
    return error;
  }

  private execOptions(options: CallOptions): ExecOptions {
    return { env: this.env, ...(options.signal ? { signal: options.signal } : {}), ...(this.commandTimeoutMs === undefined ? {} : { timeoutMs: this.commandTimeoutMs }) };
  }

  private async exec(argv: string[], options: CallOptions): Promise<ExecResult> {
    const [program, sub, ...rest] = argv;
    const full = this.ignoreSuspendedDevices && program === 'lvm' && sub !== undefined ? [program, sub, ...IGNORE_SUSPENDED, ...rest] : argv;
    const result = await this.executor.run(full, this.execOptions(options));
    if (result.exitCode !== 0) throw classifyLvmFailure(argv, result);
    return result;
  }
}
