// Zeroing a block device (or a range of it) so a new volume never shows bytes an earlier volume left on the
// same extents. `blkdiscard --zeroout` asks the kernel for BLKZEROOUT: the device's write-zeroes offload where
// it has one, written zero pages where it has not; the result reads as zeros either way.
import { LvmError } from './errors.js';
import type { Executor } from './executor.js';
import { validateDevicePath } from './names.js';

export interface ZeroRequest {
  device: string;
  /** Start of the range in bytes (default 0); a multiple of 512. */
  offsetBytes?: number;
  /** Length of the range in bytes (default: to the end of the device); a multiple of 512. */
  lengthBytes?: number;
}

/** Pure: the argv that zeroes the range. */
export function zeroArgs(request: ZeroRequest): string[] {
  const range = [
    ...(request.offsetBytes === undefined ? [] : ['--offset', String(request.offsetBytes)]),
    ...(request.lengthBytes === undefined ? [] : ['--length', String(request.lengthBytes)]),
  ];
  // blkdiscard (util-linux >= 2.36) opens the device O_EXCL and refuses one that is mounted ("Device or resource
  // busy"). A grown LV's new tail is zeroed while its filesystem is mounted (online grow, #15's guest test hit
  // this) and the filesystem does not reach that range until it is grown, so a range past the start skips the
  // check; zeroing from byte 0 keeps it, as a guard against wiping a device someone uses.
  const force = (request.offsetBytes ?? 0) > 0 ? ['--force'] : [];
  return ['blkdiscard', '--zeroout', ...force, ...range, '--', request.device];
}

function checkSectors(field: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0 || value % 512 !== 0)) {
    throw new LvmError('INVALID_SIZE', `invalid ${field} ${String(value)}: must be a non-negative multiple of 512`);
  }
}

/** Zeroes a device or a range of it; throws COMMAND_FAILED with blkdiscard's message when it cannot. */
export async function zeroDevice(executor: Executor, request: ZeroRequest, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  validateDevicePath(request.device);
  checkSectors('offsetBytes', request.offsetBytes);
  checkSectors('lengthBytes', request.lengthBytes);
  const argv = zeroArgs(request);
  const result = await executor.run(argv, { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  if (result.exitCode !== 0) {
    throw new LvmError('COMMAND_FAILED', `cannot zero ${request.device}: ${result.stderr.trim() || `blkdiscard exit ${result.exitCode}`}`, { argv, stderr: result.stderr, exitCode: result.exitCode });
  }
}
