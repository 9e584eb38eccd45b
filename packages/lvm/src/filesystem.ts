// Filesystems on block devices: is it blank, make one, grow one. Formatting refuses any device that already
// carries a signature, so no code path can destroy data by formatting the wrong device.
import { LvmError } from './errors.js';
import type { ExecOptions, Executor } from './executor.js';
import { validateDevicePath } from './names.js';
import { validateMountPath } from './mounts.js';

/** Filesystems we create and grow. */
export type FilesystemType = 'ext4' | 'xfs';

/** Filesystem types accepted by makeFilesystem and growFilesystem. */
export const FILESYSTEM_TYPES: readonly FilesystemType[] = ['ext4', 'xfs'];

export interface FsCallOptions {
  signal?: AbortSignal;
}

function execOptions(options: FsCallOptions): ExecOptions {
  return options.signal ? { signal: options.signal } : {};
}

/**
 * What `blkid` finds on a device by probing it directly (`-p`, no cache): a filesystem type, `LVM2_member`, a
 * partition table as `ptable:<type>`, or null for a blank device.
 */
export async function probeFilesystem(executor: Executor, device: string, options: FsCallOptions = {}): Promise<{ fsType: string | null }> {
  validateDevicePath(device);
  const result = await executor.run(['blkid', '-p', '-o', 'export', device], execOptions(options));
  // blkid exits 2 when it found nothing: the device is blank.
  if (result.exitCode === 2) return { fsType: null };
  if (result.exitCode !== 0) {
    throw new LvmError('DEVICE_NOT_FOUND', `cannot probe ${device}: ${result.stderr.trim() || `blkid exit ${result.exitCode}`}`, {
      argv: ['blkid', device],
      stderr: result.stderr,
      exitCode: result.exitCode,
    });
  }
  return { fsType: signatureOf(result.stdout) };
}

/** The signature `blkid -o export` reports: TYPE, else a partition table, else any USAGE, else none. */
function signatureOf(exported: string): string | null {
  const fields = new Map(exported.split('\n').map((line) => line.split('=', 2) as [string, string]));
  const type = fields.get('TYPE');
  if (type) return type;
  const ptable = fields.get('PTTYPE');
  if (ptable) return `ptable:${ptable}`;
  return fields.get('USAGE') || null;
}

function checkFsType(fsType: unknown): FilesystemType {
  if (!FILESYSTEM_TYPES.includes(fsType as FilesystemType)) {
    throw new LvmError('COMMAND_FAILED', `invalid fsType ${JSON.stringify(fsType)}: must be one of ${FILESYSTEM_TYPES.join(', ')}`);
  }
  return fsType as FilesystemType;
}

/** Formats a blank device. A device with any signature is refused with DEVICE_HAS_FILESYSTEM and left as it is. */
export async function makeFilesystem(
  executor: Executor,
  request: { device: string; fsType: FilesystemType },
  options: FsCallOptions = {},
): Promise<void> {
  const device = validateDevicePath(request.device);
  const fsType = checkFsType(request.fsType);
  const { fsType: existing } = await probeFilesystem(executor, device, options);
  if (existing !== null) {
    throw new LvmError('DEVICE_HAS_FILESYSTEM', `refusing to format ${device}: it already holds ${existing}`);
  }
  // -F only skips mke2fs's "whole disk, proceed?" question; the probe above already proved the device blank.
  // mkfs.xfs without -f refuses an existing filesystem on its own, a second guard.
  const argv = fsType === 'ext4' ? ['mkfs.ext4', '-q', '-F', device] : ['mkfs.xfs', '-q', device];
  const result = await executor.run(argv, execOptions(options));
  if (result.exitCode !== 0) {
    throw new LvmError('COMMAND_FAILED', `${argv[0]} ${device} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, {
      argv,
      stderr: result.stderr,
      exitCode: result.exitCode,
    });
  }
}

/** Grows a mounted filesystem to fill its (already grown) device, online. */
export async function growFilesystem(
  executor: Executor,
  request: { device: string; mountPath: string; fsType: FilesystemType },
  options: FsCallOptions = {},
): Promise<void> {
  const device = validateDevicePath(request.device);
  const mountPath = validateMountPath(request.mountPath);
  const fsType = checkFsType(request.fsType);
  // resize2fs works on the device; xfs_growfs only on a mounted filesystem, by its mount point.
  const argv = fsType === 'ext4' ? ['resize2fs', device] : ['xfs_growfs', mountPath];
  const result = await executor.run(argv, execOptions(options));
  if (result.exitCode !== 0) {
    throw new LvmError('COMMAND_FAILED', `${argv[0]} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, {
      argv,
      stderr: result.stderr,
      exitCode: result.exitCode,
    });
  }
}
