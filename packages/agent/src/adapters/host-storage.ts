// Reads the node's storage in one pass: LVM state in one lvm process, block devices from sysfs, mount points
// under --path.mount from mountinfo + statfs; and the facts resourceToBeInited needs about named devices.
import { readdir, stat } from 'node:fs/promises';
import { listBlockDevices, probeFilesystem, readMountInfo, statFilesystem, validateDevicePath, type Executor, type Lvm } from '@openlocal/lvm';
import { mountPointsUnder } from '../core/mount-points.js';
import type { DeviceFacts } from '../core/init-plan.js';
import type { DiscoveredMountPoint, Discovery } from '../core/node-storage.js';

export interface HostStorageOptions {
  /** Lvm, or what shares its report with the disk probes (RecentLvmState). */
  readonly lvm: Pick<Lvm, 'readState'>;
  readonly executor: Executor;
  readonly sysfsRoot: string;
  readonly deviceRegexp: RegExp;
  readonly mountRoot: string;
  /** mountinfo of the mount namespace the agent mounts in (default /proc/self/mountinfo). */
  readonly mountInfoPath?: string;
}

async function childNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    // A missing --path.mount means "no mount points" (v0.7.1 aborted the whole pass instead).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** What the agent reads from the node (the HostStorage adapter; a fake in unit tests). */
export interface StorageReader {
  discover(signal?: AbortSignal): Promise<Discovery>;
  mountedPaths(): Promise<Set<string>>;
  deviceFacts(devices: readonly string[], signal?: AbortSignal): Promise<Map<string, DeviceFacts>>;
}

export class HostStorage implements StorageReader {
  constructor(private readonly options: HostStorageOptions) {}

  async discover(signal?: AbortSignal): Promise<Discovery> {
    const { lvm, sysfsRoot, deviceRegexp } = this.options;
    const [state, devices, mountPoints] = await Promise.all([
      lvm.readState(signal ? { signal } : {}),
      listBlockDevices({ sysfsRoot, nameRegexp: deviceRegexp }),
      this.mountPoints(),
    ]);
    return { lvm: state, devices, mountPoints };
  }

  /** Paths currently mounted (for mount-point initialisation). */
  async mountedPaths(): Promise<Set<string>> {
    return new Set((await readMountInfo(this.options.mountInfoPath)).map((m) => m.mountPoint));
  }

  /** Whether each device exists as a block device and which signature blkid finds on it. */
  async deviceFacts(devices: readonly string[], signal?: AbortSignal): Promise<Map<string, DeviceFacts>> {
    const facts = new Map<string, DeviceFacts>();
    for (const device of new Set(devices)) {
      // A malformed path is never probed (the plan refuses it by field); it must not abort the pass either.
      const isValid = ((): boolean => {
        try {
          validateDevicePath(device);
          return true;
        } catch {
          return false;
        }
      })();
      const isBlock = isValid && (await stat(device).then((s) => s.isBlockDevice(), () => false));
      if (!isBlock) {
        facts.set(device, { exists: false, signature: null });
        continue;
      }
      const { fsType } = await probeFilesystem(this.options.executor, device, signal ? { signal } : {});
      facts.set(device, { exists: true, signature: fsType });
    }
    return facts;
  }

  private async mountPoints(): Promise<DiscoveredMountPoint[]> {
    const { mountRoot } = this.options;
    const children = await childNames(mountRoot);
    if (children.length === 0) return [];
    const entries = mountPointsUnder(mountRoot, children, await readMountInfo(this.options.mountInfoPath));
    return Promise.all(entries.map(async (entry) => {
      const stats = await statFilesystem(entry.mountPoint);
      return { path: entry.mountPoint, device: entry.source, fsType: entry.fsType, options: entry.options, totalBytes: stats.totalBytes, availableBytes: stats.availableBytes };
    }));
  }
}
