// Mounts: parse /proc/self/mountinfo, mount / bind / unmount through the executor, and statfs. Paths and
// options are validated before they reach argv.
import { readFile, statfs } from 'node:fs/promises';
import { InvalidArgumentError, LvmError } from './errors.js';
import type { ExecOptions, Executor } from './executor.js';

/** One line of /proc/<pid>/mountinfo (proc(5)). Octal escapes such as `\040` are decoded. */
export interface MountEntry {
  mountId: number;
  parentId: number;
  majMin: string;
  root: string;
  mountPoint: string;
  options: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

export interface MountCallOptions {
  signal?: AbortSignal;
}

const OPTION = /^[A-Za-z0-9_][A-Za-z0-9_=.,:/+@-]*$/;

function decodeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses mountinfo text. Malformed lines are skipped: the kernel writes this file, a bad line is not ours to fix. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    if (before.length < 6 || after.length < 3) continue;
    const [mountId, parentId, majMin, root, mountPoint, options] = before as [string, string, string, string, string, string];
    const [fsType, source, superOptions] = after as [string, string, string];
    entries.push({
      mountId: Number(mountId),
      parentId: Number(parentId),
      majMin,
      root: decodeOctal(root),
      mountPoint: decodeOctal(mountPoint),
      options: options.split(','),
      fsType,
      source: decodeOctal(source),
      superOptions: superOptions.split(','),
    });
  }
  return entries;
}

/** Reads and parses a mountinfo file (this process's by default). */
export async function readMountInfo(path = '/proc/self/mountinfo'): Promise<MountEntry[]> {
  return parseMountInfo(await readFile(path, 'utf8'));
}

/** An absolute path with no `.`/`..` components, NUL or newline; never starting with '-'. */
export function validateMountPath(path: unknown, field = 'path'): string {
  if (typeof path !== 'string' || !path.startsWith('/') || /[\0\n]/.test(path)) {
    throw new InvalidArgumentError('INVALID_NAME', { field, value: path, reason: 'must be an absolute path' });
  }
  if (path.split('/').some((part) => part === '.' || part === '..')) {
    throw new InvalidArgumentError('INVALID_NAME', { field, value: path, reason: 'must not contain . or .. components' });
  }
  return path;
}

function validateOptions(options: readonly string[]): void {
  options.forEach((option, i) => {
    if (!OPTION.test(option)) throw new InvalidArgumentError('INVALID_NAME', { field: `options[${i}]`, value: option, reason: 'not a mount option' });
  });
}

export interface MountRequest {
  source: string;
  target: string;
  fsType?: string;
  options?: string[];
  bind?: boolean;
  readOnly?: boolean;
}

/** Builds the argv for a mount (pure). A read-only bind mount needs a second, remount call: see mount(). */
export function mountArgs(request: MountRequest): string[] {
  const options = [...new Set([...(request.options ?? []), ...(request.readOnly ? ['ro'] : [])])];
  const argv = ['mount'];
  if (request.bind) argv.push('--bind');
  else if (request.fsType !== undefined) argv.push('-t', request.fsType);
  if (options.length > 0) argv.push('-o', options.join(','));
  argv.push('--', request.source, request.target);
  return argv;
}

async function runMount(executor: Executor, argv: string[], options: ExecOptions): Promise<void> {
  const result = await executor.run(argv, options);
  if (result.exitCode !== 0) {
    const code = /busy/i.test(result.stderr) ? 'DEVICE_BUSY' : /does not exist|No such file/i.test(result.stderr) ? 'DEVICE_NOT_FOUND' : 'COMMAND_FAILED';
    throw new LvmError(code, `${argv.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, {
      argv,
      stderr: result.stderr,
      exitCode: result.exitCode,
    });
  }
}

/** Mounts a device or bind-mounts a path. A read-only bind is made read-only by a remount, as the kernel requires. */
export async function mount(executor: Executor, request: MountRequest, options: MountCallOptions = {}): Promise<void> {
  validateMountPath(request.source, 'source');
  validateMountPath(request.target, 'target');
  validateOptions(request.options ?? []);
  if (request.fsType !== undefined && !/^[a-z0-9]+$/.test(request.fsType)) {
    throw new InvalidArgumentError('INVALID_NAME', { field: 'fsType', value: request.fsType, reason: 'not a filesystem type' });
  }
  const execOptions: ExecOptions = options.signal ? { signal: options.signal } : {};
  await runMount(executor, mountArgs(request), execOptions);
  if (request.bind && request.readOnly) {
    await runMount(executor, ['mount', '-o', 'remount,bind,ro', '--', request.target], execOptions);
  }
}

/** Unmounts `target`. A target that is not mounted, or does not exist, counts as unmounted (idempotent). */
export async function unmount(executor: Executor, target: string, options: MountCallOptions = {}): Promise<void> {
  validateMountPath(target, 'target');
  const argv = ['umount', '--', target];
  const result = await executor.run(argv, options.signal ? { signal: options.signal } : {});
  if (result.exitCode === 0 || /not mounted|no mount point specified|No such file or directory/i.test(result.stderr)) return;
  const code = /busy/i.test(result.stderr) ? 'DEVICE_BUSY' : 'COMMAND_FAILED';
  throw new LvmError(code, `umount ${target} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, {
    argv,
    stderr: result.stderr,
    exitCode: result.exitCode,
  });
}

/** Space and inodes of the filesystem holding `path`, as `df` would show them. */
export interface FilesystemStats {
  totalBytes: number;
  availableBytes: number;
  usedBytes: number;
  totalInodes: number;
  freeInodes: number;
  usedInodes: number;
}

/** statfs(2) of `path`. */
export async function statFilesystem(path: string): Promise<FilesystemStats> {
  const s = await statfs(validateMountPath(path));
  return {
    totalBytes: s.blocks * s.bsize,
    availableBytes: s.bavail * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    totalInodes: s.files,
    freeInodes: s.ffree,
    usedInodes: s.files - s.ffree,
  };
}
