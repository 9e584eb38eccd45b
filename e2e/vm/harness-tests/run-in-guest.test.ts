// The harness against real QEMU: a guest boots, runs argv with our env and disks, and hands back its exit code
// and files; a hung guest is killed at the deadline with its console log kept; a missing qemu is reported as
// "cannot run", which callers turn into a skip.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultVmCacheDir, ensureGuestImage, QemuUnavailableError, type GuestImage } from '../image.js';
import { runInGuest } from '../run.js';

const MiB = 1024 * 1024;
const skipReason = process.getuid?.() !== 0 ? 'building the guest image may need apt-get (root)' : null;
if (skipReason) process.stdout.write(`SKIP vm:harness: ${skipReason}\n`);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: no such process
  }
}

describe.skipIf(skipReason !== null)('runInGuest with real QEMU', () => {
  let image: GuestImage;
  let outputRoot = '';
  const log = (message: string): void => {
    process.stdout.write(`  [vm] ${message}\n`);
  };

  beforeAll(async () => {
    image = await ensureGuestImage({ cacheDir: defaultVmCacheDir(), log });
    outputRoot = await mkdtemp(join(tmpdir(), 'vm-harness-'));
  }, 600_000);

  afterAll(async () => {
    await rm(outputRoot, { recursive: true, force: true });
  });

  it('runs argv with env and cwd, sees device-mapper and the sized disks, returns the exit code and shared files', async () => {
    const result = await runInGuest({
      image,
      argv: ['/bin/bash', '-c', 'pwd > "$OPENLOCAL_GUEST_SHARE/pwd"; echo "$GREETING" > "$OPENLOCAL_GUEST_SHARE/env";'
        + ' for d in ${OPENLOCAL_GUEST_DISKS//,/ }; do blockdev --getsize64 "$d"; done > "$OPENLOCAL_GUEST_SHARE/disks";'
        + ' grep -c device-mapper /proc/misc > "$OPENLOCAL_GUEST_SHARE/dm"; exit 7'],
      cwd: '/usr/share',
      env: { GREETING: 'hello guest' },
      disks: [{ sizeBytes: 64 * MiB }, { sizeBytes: 96 * MiB }],
      timeoutMs: 240_000,
      outputDir: join(outputRoot, 'ok'),
      log,
    });
    expect(result).toMatchObject({ exitCode: 7, isTimedOut: false });
    const shared = async (name: string): Promise<string> => (await readFile(join(result.shareDir, name), 'utf8')).trim();
    expect(await shared('pwd')).toBe('/usr/share');
    expect(await shared('env')).toBe('hello guest');
    expect((await shared('disks')).split('\n')).toEqual([String(64 * MiB), String(96 * MiB)]);
    expect(await shared('dm')).toBe('1');
    expect(result.readyMs).toBeGreaterThan(result.rootReadyMs ?? Infinity);
    expect(await readFile(result.consoleLogPath, 'utf8')).toContain('exit code 7');
    expect(isRunning(result.qemuPid!)).toBe(false);
  }, 300_000);

  it('kills a hung guest at the deadline and keeps its console log', async () => {
    // The guest boots or sleeps far past the 20 s deadline, so only the kill can end this run.
    const result = await runInGuest({
      image,
      argv: ['/bin/sleep', '1000'],
      timeoutMs: 20_000,
      outputDir: join(outputRoot, 'hung'),
      log,
    });
    expect(result).toMatchObject({ exitCode: null, isTimedOut: true });
    expect(result.totalMs).toBeGreaterThanOrEqual(20_000);
    expect(result.totalMs).toBeLessThan(35_000);
    expect((await readFile(result.consoleLogPath, 'utf8')).length).toBeGreaterThan(0);
    expect(isRunning(result.qemuPid!)).toBe(false);
  }, 60_000);

  it('reports a qemu that cannot start as QemuUnavailableError and leaves no disk images behind', async () => {
    const before = process.env.OPENLOCAL_QEMU;
    process.env.OPENLOCAL_QEMU = '/nonexistent/qemu-system-x86_64';
    try {
      await expect(runInGuest({ image, argv: ['true'], disks: [{ sizeBytes: 8 * MiB }], outputDir: join(outputRoot, 'noqemu'), log })).rejects.toBeInstanceOf(
        QemuUnavailableError,
      );
    } finally {
      if (before === undefined) delete process.env.OPENLOCAL_QEMU;
      else process.env.OPENLOCAL_QEMU = before;
    }
    expect(existsSync(join(outputRoot, 'noqemu', 'share', 'job.json'))).toBe(true);
  });

  it('refuses a bad request before booting, naming the field', async () => {
    await expect(runInGuest({ image, argv: ['true'], disks: [{ sizeBytes: 1000 }] })).rejects.toThrow(/disks\[0\]\.sizeBytes .* got 1000/);
  });
});
