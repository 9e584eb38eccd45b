// Test support for the device-mapper tests that run inside the QEMU guest (e2e/vm): the guard that keeps them
// off any other machine, disk claims, a timing executor for the per-operation table, and cleanup of a VG.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Executor } from '@openlocal/lvm';

const run = promisify(execFile);

/** Written by the guest's /init on its fresh /run tmpfs: no other machine has it. */
const GUEST_MARKER = '/run/openlocal/guest';

/**
 * Why these tests cannot run here, or null inside our guest. They format and wipe /dev/vd*, so besides
 * device-mapper they demand the marker only our guest's /init writes: on a cloud VM /dev/vda is the root disk.
 */
export async function guestSkipReason(): Promise<string | null> {
  if (!existsSync(GUEST_MARKER)) {
    return `not inside the e2e/vm QEMU guest (no ${GUEST_MARKER}); run them with: npx tsx e2e/vm/cli.ts vitest`;
  }
  const misc = await readFile('/proc/misc', 'utf8').catch(() => '');
  if (!existsSync('/dev/mapper/control') || !/\bdevice-mapper\b/.test(misc)) return 'the guest kernel has no device-mapper';
  if (guestDisks().length === 0) return 'the guest has no disks (OPENLOCAL_GUEST_DISKS is empty)';
  return null;
}

/** The guest's virtio disks, as the harness lists them. */
export function guestDisks(): string[] {
  return (process.env.OPENLOCAL_GUEST_DISKS ?? '').split(',').filter((d) => /^\/dev\/vd[a-z]$/.test(d));
}

/** Takes a disk no other test file has taken (test files may run in separate processes). */
export async function claimDisk(): Promise<string> {
  await mkdir('/run/openlocal/claims', { recursive: true });
  for (const disk of guestDisks()) {
    const claimed = await mkdir(join('/run/openlocal/claims', disk.slice(5))).then(
      () => true,
      () => false,
    );
    if (claimed) return disk;
  }
  throw new Error(`every guest disk is taken (${guestDisks().join(', ')}); give the guest more disks`);
}

function lvcreateName(argv: readonly string[], type: string | undefined): string {
  if (type !== undefined) return `lvm lvcreate --type ${type}`;
  if (argv.includes('--snapshot')) return 'lvm lvcreate --snapshot';
  return argv.includes('--stripes') ? 'lvm lvcreate --stripes' : 'lvm lvcreate';
}

/** A short label for the per-operation table: `lvm lvcreate --snapshot`, `mkfs.xfs`, `resize2fs`... */
export function operationName(argv: readonly string[]): string {
  const [program = '', sub = ''] = argv;
  if (program !== 'lvm') return program.slice(program.lastIndexOf('/') + 1);
  const valueOf = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  if (sub === 'lvcreate') return lvcreateName(argv, valueOf('--type'));
  if (sub === 'vgchange' || sub === 'lvchange') return `lvm ${sub} --activate ${valueOf('--activate') ?? '?'}`;
  return `lvm ${sub}`;
}

export interface OpTime {
  op: string;
  ms: number;
}

/** Wraps an executor and records how long each command took. */
export function createTimingExecutor(inner: Executor, times: OpTime[]): Executor {
  return {
    async run(argv, options) {
      const started = performance.now();
      try {
        return await inner.run(argv, options);
      } finally {
        times.push({ op: operationName(argv), ms: performance.now() - started });
      }
    },
  };
}

/** Puts this file's times on the guest's share, where the harness sums them into one table. */
export async function saveOpTimes(file: string, times: readonly OpTime[]): Promise<void> {
  const share = process.env.OPENLOCAL_GUEST_SHARE;
  if (share === undefined || times.length === 0) return;
  await mkdir(join(share, 'op-times'), { recursive: true });
  await writeFile(join(share, 'op-times', `${file}.json`), JSON.stringify(times));
}

/** Runs a command for test setup or inspection; rejects with its stderr on failure. */
export async function sh(argv: string[]): Promise<string> {
  const [program, ...args] = argv;
  const { stdout } = await run(program!, args, { env: { ...process.env, LC_ALL: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' } });
  return stdout;
}

/** Removes a VG we created and wipes its disk, so a later file can claim a clean one. Never throws. */
export async function removeVgAndWipe(vgName: string, disk: string): Promise<void> {
  await run('lvm', ['vgchange', '--activate', 'n', vgName]).catch(() => undefined);
  await run('lvm', ['vgremove', '--force', '--force', vgName]).catch(() => undefined);
  await run('lvm', ['pvremove', '--force', '--force', '--yes', disk]).catch(() => undefined);
  await run('wipefs', ['--all', '--quiet', disk]).catch(() => undefined);
}

/** Size of a block device in bytes, from the kernel (not from lvm's metadata). */
export async function blockDeviceBytes(device: string): Promise<number> {
  return Number((await sh(['blockdev', '--getsize64', device])).trim());
}
