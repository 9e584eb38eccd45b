// Builds, once, what the guest boots: Debian's generic kernel (resolved through linux-image-amd64) and a small
// initramfs of busybox, the kernel modules for device-mapper, filesystems, virtio and 9p, and our /init.
// Everything lands in $OPENLOCAL_CACHE/vm and later runs reuse it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNewcArchive, type CpioEntry } from './cpio.js';
import { runHost, runHostText } from './host-exec.js';
import { dependsOf, moduleNameOfPath, readModinfo, resolveLoadOrder, type KernelModule } from './modules.js';

/** What the guest needs loaded; their dependencies are added from each module's `depends=`. */
export const WANTED_MODULES: readonly string[] = [
  'virtio_pci', 'virtio_blk', 'virtio_console', '9pnet_virtio', '9p', 'overlay',
  'dm_mod', 'dm_snapshot', 'dm_thin_pool', 'dm_bufio', 'dm_persistent_data', 'dm_bio_prison',
  'loop', 'ext4', 'xfs', 'virtio_net',
];
/** Loaded before everything: libcrc32c, ext4 and xfs reach crc32c through the crypto API, not a symbol. */
export const FIRST_MODULES: readonly string[] = ['crc32c_generic'];

export interface GuestImage {
  kernelPackage: string;
  kernelPath: string;
  initrdPath: string;
  /** Module names in load order. */
  modules: string[];
}

export interface ImageOptions {
  cacheDir: string;
  log: (message: string) => void;
  signal?: AbortSignal;
}

const here = dirname(fileURLToPath(import.meta.url));
const KERNEL_PACKAGE_RE = /^linux-image-[0-9][A-Za-z0-9.+-]*-amd64$/;

/**
 * The cache for VM artefacts: $OPENLOCAL_CACHE/vm, with scripts/lib.sh's default for OPENLOCAL_CACHE
 * (~/.cache/open-local-ts, which <repo>/.cache links to) so a fresh clone reuses the built kernel.
 */
export function defaultVmCacheDir(): string {
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(process.env.OPENLOCAL_CACHE ?? join(cacheHome, 'open-local-ts'), 'vm');
}

/** QEMU cannot run on this machine at all (not installable, not startable): callers skip with this reason. */
export class QemuUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QemuUnavailableError';
  }
}

async function isDebianPackageInstalled(name: string): Promise<boolean> {
  const status = await runHostText(['dpkg-query', '-W', '-f=${Status}', name]).catch(() => '');
  return status.trim() === 'install ok installed';
}

/** Installs the Debian packages the harness runs (qemu, busybox-static) when missing; `apt-get update` once. */
export async function ensureHostPackages(options: ImageOptions): Promise<void> {
  const missing: string[] = [];
  for (const name of ['qemu-system-x86', 'busybox-static']) if (!(await isDebianPackageInstalled(name))) missing.push(name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new QemuUnavailableError(`Debian packages ${missing.join(', ')} are missing and installing them needs root`);
  const stamp = join(dirname(options.cacheDir), '.apt-updated');
  if (!existsSync(stamp)) {
    options.log('apt-get update');
    await runHost(['apt-get', 'update', '-qq'], { signal: options.signal });
    await mkdir(dirname(stamp), { recursive: true });
    await writeFile(stamp, '');
  }
  options.log(`apt-get install ${missing.join(' ')}`);
  await runHost(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    signal: options.signal,
  }).catch((cause: unknown) => {
    throw new QemuUnavailableError(`cannot install ${missing.join(', ')}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
}

/** The kernel package linux-image-amd64 depends on now (e.g. linux-image-6.1.0-56-amd64), from apt-cache. */
export async function resolveKernelPackage(signal?: AbortSignal): Promise<string> {
  const text = await runHostText(['apt-cache', 'depends', 'linux-image-amd64'], { signal });
  const found = /Depends:\s*(linux-image-\S+)/.exec(text)?.[1];
  if (found === undefined || !KERNEL_PACKAGE_RE.test(found)) {
    throw new Error(`cannot resolve the kernel package: apt-cache depends linux-image-amd64 printed ${JSON.stringify(text.trim())}`);
  }
  return found;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function readModuleElf(path: string): Promise<Buffer> {
  if (path.endsWith('.ko')) return readFile(path);
  if (path.endsWith('.ko.xz')) return runHost(['xz', '-dc', path]);
  if (path.endsWith('.ko.zst')) return runHost(['zstd', '-dcq', path]);
  throw new Error(`unsupported module file ${path}`);
}

/** Downloads and unpacks the kernel package into work/root; returns the kernel version (lib/modules/<version>). */
async function unpackKernelDeb(kernelPackage: string, work: string, options: ImageOptions): Promise<string> {
  options.log(`apt-get download ${kernelPackage}`);
  await runHost(['apt-get', 'download', '-q', kernelPackage], { cwd: work, signal: options.signal });
  const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
  if (deb === undefined) throw new Error(`apt-get download ${kernelPackage} left no .deb`);
  options.log(`dpkg-deb -x ${deb}`);
  await runHost(['dpkg-deb', '-x', join(work, deb), join(work, 'root')], { signal: options.signal });
  const [version] = await readdir(join(work, 'root', 'lib', 'modules'));
  if (version === undefined) throw new Error(`${deb} has no lib/modules`);
  return version;
}

/**
 * The modules to load, in order, with their (decompressed) ELF images. Only the ELFs reachable from the wanted
 * set are read (~30 of ~4000 modules), so the dependency lookup can stay synchronous.
 */
async function collectModules(moduleRoot: string): Promise<{ order: KernelModule[]; elves: Map<string, Buffer> }> {
  const byName = new Map((await listFiles(join(moduleRoot, 'kernel'))).map((p) => [moduleNameOfPath(p), p]));
  const builtinText = await readFile(join(moduleRoot, 'modules.builtin'), 'utf8');
  const builtin = new Set(builtinText.split('\n').filter(Boolean).map(moduleNameOfPath));
  const elves = new Map<string, Buffer>();
  const pending = [...FIRST_MODULES, ...WANTED_MODULES];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const path = byName.get(name);
    if (path === undefined || elves.has(name)) continue; // unknown names are reported by resolveLoadOrder
    const elf = await readModuleElf(path);
    elves.set(name, elf);
    pending.push(...dependsOf(readModinfo(elf)));
  }
  const lookup = (name: string): KernelModule | undefined => {
    const elf = elves.get(name);
    const path = byName.get(name);
    return elf && path ? { name, path: relative(moduleRoot, path), depends: dependsOf(readModinfo(elf)) } : undefined;
  };
  return { order: resolveLoadOrder({ wanted: WANTED_MODULES, first: FIRST_MODULES, lookup, builtin }), elves };
}

/** Extracts vmlinuz and the wanted modules (with dependencies, decompressed) from the kernel .deb. */
async function extractKernel(kernelPackage: string, kernelDir: string, options: ImageOptions): Promise<void> {
  const work = await mkdtemp(join(options.cacheDir, 'extract-'));
  try {
    const version = await unpackKernelDeb(kernelPackage, work, options);
    const { order, elves } = await collectModules(join(work, 'root', 'lib', 'modules', version));
    const staging = `${kernelDir}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(join(staging, 'modules'), { recursive: true });
    await copyFile(join(work, 'root', 'boot', `vmlinuz-${version}`), join(staging, 'vmlinuz'));
    for (const m of order) await writeFile(join(staging, 'modules', `${m.name}.ko`), elves.get(m.name)!);
    await writeFile(join(staging, 'modules.order'), `${order.map((m) => m.name).join('\n')}\n`);
    await rm(kernelDir, { recursive: true, force: true });
    await rename(staging, kernelDir);
    options.log(`kernel ${version}: ${order.length} modules (${order.map((m) => m.name).join(' ')})`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildInitrd(request: { kernelPackage: string; kernelDir: string; moduleNames: string[] }, options: ImageOptions): Promise<string> {
  const { kernelPackage, kernelDir, moduleNames } = request;
  const init = await readFile(join(here, 'init.sh'));
  const busybox = await readFile('/bin/busybox');
  const modules = await Promise.all(moduleNames.map(async (name) => ({ name, data: await readFile(join(kernelDir, 'modules', `${name}.ko`)) })));
  // Named by content (not by path: the cache is reached through a symlink too), so editing init.sh rebuilds it.
  const hash = createHash('sha256').update(init).update(busybox).update(kernelPackage);
  for (const m of modules) hash.update(m.name).update(m.data);
  const initrdPath = join(options.cacheDir, `initrd-${hash.digest('hex').slice(0, 16)}.cpio`);
  if (existsSync(initrdPath)) return initrdPath;
  options.log(`building initramfs ${initrdPath}`);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'etc', 'lib', 'lib/modules', 'mnt', 'proc', 'run', 'sys', 'tmp'].map((path) => ({ kind: 'dir' as const, path })),
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
    { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: 'init', data: init, mode: 0o755 },
    { kind: 'file', path: 'etc/modules.order', data: Buffer.from(`${moduleNames.join('\n')}\n`) },
    ...modules.map((m) => ({ kind: 'file' as const, path: `lib/modules/${m.name}.ko`, data: m.data })),
  ];
  const staging = `${initrdPath}.tmp`;
  await writeFile(staging, buildNewcArchive(entries));
  await rename(staging, initrdPath);
  // Older images are stale (qemu reads the initramfs whole at start, so a running guest does not need its file).
  for (const old of await readdir(options.cacheDir)) {
    if (/^initrd-[0-9a-f]{16}\.cpio$/.test(old) && join(options.cacheDir, old) !== initrdPath) await rm(join(options.cacheDir, old), { force: true });
  }
  return initrdPath;
}

const LOCK_STALE_MS = 15 * 60_000;

/**
 * Runs `build` holding the cache's build lock (a directory: mkdir is atomic), so two runs starting together
 * (two stages, a developer and CI) do not build into the same staging paths. A lock older than 15 minutes
 * is left over from a killed build and is taken over.
 */
async function withBuildLock<T>(options: ImageOptions, build: () => Promise<T>): Promise<T> {
  const lock = join(options.cacheDir, '.build-lock');
  let hasWaited = false;
  for (;;) {
    const isTaken = await mkdir(lock).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return false;
    });
    if (isTaken) break;
    const ageMs = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()));
    if (ageMs > LOCK_STALE_MS) {
      options.log(`taking over a stale build lock (${Math.round(ageMs / 1000)} s old): ${lock}`);
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (!hasWaited) options.log(`waiting for another build of the guest image (${lock})`);
    hasWaited = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  try {
    return await build();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Ensures qemu, busybox, the kernel and the initramfs exist (building what is missing) and returns their paths. */
export async function ensureGuestImage(options: ImageOptions): Promise<GuestImage> {
  await mkdir(options.cacheDir, { recursive: true });
  return withBuildLock(options, () => buildGuestImage(options));
}

async function buildGuestImage(options: ImageOptions): Promise<GuestImage> {
  await ensureHostPackages(options);
  const kernelPackage = await resolveKernelPackage(options.signal).catch(async (error: unknown) => {
    // A fresh machine may have no package lists yet: fetch them once and ask again.
    if (process.getuid?.() !== 0) throw error;
    options.log(`apt-cache cannot resolve linux-image-amd64 (${error instanceof Error ? error.message : String(error)}); apt-get update`);
    await runHost(['apt-get', 'update', '-qq'], { signal: options.signal });
    return resolveKernelPackage(options.signal);
  });
  const kernelDir = join(options.cacheDir, kernelPackage);
  // The wanted list is stamped next to the extracted modules, so adding a module to it re-extracts.
  const wantedStamp = [...FIRST_MODULES, ...WANTED_MODULES].join(' ');
  const stampPath = join(kernelDir, 'wanted-modules');
  const isExtracted = existsSync(join(kernelDir, 'modules.order')) && (await readFile(stampPath, 'utf8').catch(() => '')) === wantedStamp;
  if (!isExtracted) {
    await extractKernel(kernelPackage, kernelDir, options);
    await writeFile(stampPath, wantedStamp);
  }
  const modules = (await readFile(join(kernelDir, 'modules.order'), 'utf8')).split('\n').filter(Boolean);
  const initrdPath = await buildInitrd({ kernelPackage, kernelDir, moduleNames: modules }, options);
  return { kernelPackage, kernelPath: join(kernelDir, 'vmlinuz'), initrdPath, modules };
}
