// A disk holding a containerd root with our images already imported, so the guest node mounts it at
// /var/lib/containerd instead of running `ctr images import` under software emulation (about 5 minutes for the
// chart's images there; seconds natively here). Made with the machine's own containerd (the same binary the guest
// runs, through its 9p root) on a loop-mounted ext4 file, cached in the tool cache by the images' digests; each
// guest boot gets a copy, so the cached disk is never written by a guest.
import { createHash } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../cluster/index.js';

const run = promisify(execFile);
const DISK_BYTES = 3 * 2 ** 30;
/** Disks kept in the cache (each holds ~750 MB of image blocks; every change of an app's bundle makes a new one). */
const KEPT_DISKS = 2;

/** containerd config for the import: only what importing and unpacking need (no CRI, no other snapshotters). */
function importConfig(root: string, state: string, socket: string): string {
  return [
    'version = 2',
    `root = "${root}"`,
    `state = "${state}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
    '[grpc]',
    `  address = "${socket}"`,
    '',
  ].join('\n');
}

/**
 * The cached disk for these archives (built when missing). `archives` are OCI archives; their bytes key the
 * cache together with the containerd version.
 */
export async function ensureContainerdDisk(request: { archives: readonly string[]; cacheDir: string; log: (line: string) => void }): Promise<string> {
  const version = (await run('containerd', ['--version'])).stdout.trim();
  const hash = createHash('sha256').update(version);
  for (const archive of [...request.archives].sort()) hash.update(basename(archive)).update(createHash('sha256').update(await readFile(archive)).digest('hex'));
  const key = hash.digest('hex').slice(0, 20);
  const disk = join(request.cacheDir, 'containerd-disks', `${key}.ext4`);
  if (existsSync(disk)) {
    const now = new Date();
    await utimes(disk, now, now); // most recently used: the last one pruning removes
    return disk;
  }
  const started = Date.now();
  await mkdir(join(request.cacheDir, 'containerd-disks'), { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'openlocal-ctrdisk-'));
  const partial = `${disk}.partial-${process.pid}`;
  const mnt = join(work, 'mnt');
  let mounted = false;
  let containerd: ReturnType<typeof spawn> | undefined;
  try {
    await writeFile(partial, '');
    await run('truncate', ['--size', String(DISK_BYTES), partial]);
    await run('mkfs.ext4', ['-q', '-F', '-L', 'containerd', partial]);
    await mkdir(mnt);
    await run('mount', ['-o', 'loop', partial, mnt]);
    mounted = true;
    const socket = join(work, 'containerd.sock');
    await writeFile(join(work, 'config.toml'), importConfig(mnt, join(work, 'state'), socket));
    containerd = spawn('containerd', ['--config', join(work, 'config.toml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    containerd.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    await waitFor({ what: 'containerd socket for the image disk', timeoutMs: 30_000, intervalMs: 200 }, () => Promise.resolve(existsSync(socket) ? { done: true, value: true } : { done: false, observed: stderr.split('\n').slice(-3).join(' | ') }));
    for (const archive of request.archives) {
      await run('ctr', ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', archive], { maxBuffer: 16 * 1024 * 1024 }).catch((error: { stderr?: string }) => {
        throw new Error(`ctr images import ${archive} failed: ${error.stderr ?? String(error)}`);
      });
    }
    await stop(containerd);
    containerd = undefined;
    await run('umount', [mnt]);
    mounted = false;
    await rename(partial, disk);
    request.log(`containerd disk with ${request.archives.length} images made in ${((Date.now() - started) / 1000).toFixed(1)} s: ${disk}`);
    await pruneDisks(join(request.cacheDir, 'containerd-disks'), request.log);
    return disk;
  } finally {
    if (containerd !== undefined) await stop(containerd);
    if (mounted) await run('umount', [mnt]).catch(() => run('umount', ['-l', mnt]));
    await rm(work, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/** Removes all but the KEPT_DISKS most recently used disks (finished ones only: `<key>.ext4`). */
async function pruneDisks(dir: string, log: (line: string) => void): Promise<void> {
  const disks = await Promise.all((await readdir(dir)).filter((name) => /^[0-9a-f]{20}\.ext4$/.test(name))
    .map(async (name) => ({ name, mtimeMs: (await stat(join(dir, name))).mtimeMs })));
  for (const old of disks.sort((a, b) => b.mtimeMs - a.mtimeMs).slice(KEPT_DISKS)) {
    await rm(join(dir, old.name), { force: true });
    log(`removed the old containerd disk ${old.name} (the cache keeps the ${KEPT_DISKS} most recently used)`);
  }
}

/** A private copy of the cached disk for one guest boot (sparse: only the written blocks are copied). */
export async function copyContainerdDisk(disk: string, target: string): Promise<void> {
  await run('cp', ['--sparse=always', disk, target]);
}

/** Ends the containerd this module started (by its PID) and waits for it. */
async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
