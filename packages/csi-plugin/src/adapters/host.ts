// HostPort on a real node: @openlocal/lvm's block-device, filesystem and mount functions bound to one
// executor, plus the few file operations the node service needs. Everything runs as argv, never a shell.
import { mkdir, open, readdir, readFile, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  growFilesystem,
  listBlockDevices,
  makeFilesystem,
  mount,
  probeFilesystem,
  readDeviceIdentity,
  readMountInfo,
  statFilesystem,
  unmount,
  validateDevicePath,
  zeroDevice,
  type Executor,
} from '@openlocal/lvm';
import { CsiError } from '../core/errors.js';
import { zeroDeadlineMs } from '../core/zeroing.js';
import type { HostPort, MountPointInfo } from '../ports.js';

export interface HostOptions {
  executor: Executor;
  sysfsRoot: string;
  /** Disks that may be handed out whole (matched against the kernel name, e.g. `sdb`). */
  deviceRegexp: RegExp;
  /** Directory whose direct child mount points are MountPoint volumes (Open-Local's --path.mount). */
  mountDir: string;
  mountInfoPath?: string;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readSysfs(path: string): Promise<string | null> {
  return readFile(path, 'utf8').then(
    (text) => text.trim(),
    (error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    },
  );
}

export function createHost(options: HostOptions): HostPort {
  const { executor } = options;
  const signalOf = (o?: { signal?: AbortSignal }) => (o?.signal ? { signal: o.signal } : {});

  async function rotational(majMin: string): Promise<boolean> {
    const base = join(options.sysfsRoot, 'dev', 'block', majMin);
    const own = await readSysfs(join(base, 'queue', 'rotational'));
    const value = own ?? (await readSysfs(join(base, '..', 'queue', 'rotational')));
    return value === '1';
  }

  async function blockInfo(path: string): Promise<{ sizeBytes: number; majMin: string } | null> {
    const info = await stat(path).catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    if (info === null || !info.isBlockDevice()) return null;
    // rdev packs major/minor the Linux way (see makedev(3)); the naive /256 split is Open-Local bug 13.
    const major = Number((BigInt(info.rdev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(info.rdev) & 0xffn) | ((BigInt(info.rdev) >> 12n) & 0xfff00n));
    const majMin = `${major}:${minor}`;
    const sectors = await readSysfs(join(options.sysfsRoot, 'dev', 'block', majMin, 'size'));
    return { sizeBytes: sectors === null ? 0 : Number(sectors) * 512, majMin };
  }

  return {
    listBlockDevices: () => listBlockDevices({ sysfsRoot: options.sysfsRoot, nameRegexp: options.deviceRegexp }),
    async listMountPoints(): Promise<MountPointInfo[]> {
      const root = options.mountDir.replace(/\/+$/, '');
      const entries = (await readMountInfo(options.mountInfoPath)).filter((e) => e.mountPoint.startsWith(`${root}/`) && !e.mountPoint.slice(root.length + 1).includes('/'));
      const result: MountPointInfo[] = [];
      for (const entry of entries) {
        const stats = await statFilesystem(entry.mountPoint);
        result.push({ path: entry.mountPoint, sizeBytes: stats.totalBytes, mediaType: (await rotational(entry.majMin)) ? 'hdd' : 'ssd' });
      }
      return result;
    },
    probeFilesystem: async (device, o) => (await probeFilesystem(executor, device, signalOf(o))).fsType,
    makeFilesystem: (device, fsType, o) => makeFilesystem(executor, { device, fsType }, signalOf(o)),
    growFilesystem: (request, o) => growFilesystem(executor, request, signalOf(o)),
    mount: (request, o) => mount(executor, request, signalOf(o)),
    unmount: (target, o) => unmount(executor, target, signalOf(o)),
    mountInfo: () => readMountInfo(options.mountInfoPath),
    statFilesystem: (path) => statFilesystem(path),
    blockDeviceInfo: (path) => blockInfo(path),
    deviceIdentity: (device) => readDeviceIdentity({ sysfsRoot: options.sysfsRoot, devicePath: device }),
    zeroDevice: (device, o = {}) =>
      zeroDevice(
        executor,
        { device, ...(o.offsetBytes === undefined ? {} : { offsetBytes: o.offsetBytes }), ...(o.lengthBytes === undefined ? {} : { lengthBytes: o.lengthBytes }) },
        o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
      ),
    async wipeDevice(device, o) {
      validateDevicePath(device);
      const argv = ['wipefs', '--all', '--', device];
      const result = await executor.run(argv, signalOf(o));
      if (result.exitCode !== 0) throw new CsiError('INTERNAL', `wipefs ${device} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    },
    async copyDevice(request, o) {
      validateDevicePath(request.source, 'source');
      validateDevicePath(request.target, 'target');
      // conv=fsync: the copy is on disk before CreateVolume answers; 4 MiB blocks keep the syscall count low.
      const argv = ['dd', `if=${request.source}`, `of=${request.target}`, 'bs=4M', 'conv=fsync', 'status=none'];
      // A whole-volume copy takes as long as the volume is large: it gets a size-scaled deadline, not the default.
      const sizeBytes = (await blockInfo(request.source))?.sizeBytes ?? 0;
      const result = await executor.run(argv, { ...signalOf(o), timeoutMs: zeroDeadlineMs(sizeBytes) });
      if (result.exitCode !== 0) throw new CsiError('INTERNAL', `copying ${request.source} to ${request.target} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    },
    async emptyDirectory(path) {
      for (const name of await readdir(path)) await rm(join(path, name), { recursive: true, force: true });
    },
    ensureDirectory: async (path) => {
      await mkdir(path, { recursive: true, mode: 0o750 });
    },
    async ensureFile(path) {
      await mkdir(dirname(path), { recursive: true, mode: 0o750 });
      const handle = await open(path, 'a', 0o640);
      await handle.close();
    },
    async removePath(path) {
      const info = await stat(path).catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
      if (info === null) return;
      await (info.isDirectory() ? rmdir(path) : unlink(path));
    },
    pathExists: (path) => stat(path).then(() => true, (error: unknown) => (isMissing(error) ? false : Promise.reject(error))),
  };
}
