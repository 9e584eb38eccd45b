// A real power cycle: one boot creates and writes ext4, xfs and thin volumes and loses power while they are
// mounted and active (the guest powers off without unmounting); a second boot of a fresh kernel on the same
// disk image finds the LVs inactive, activates them (as the agent does at start), mounts them and reads
// every payload back intact.
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultVmCacheDir, ensureGuestImage, type GuestImage } from '../image.js';
import { runInGuest } from '../run.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const GUEST_SCRIPT = join(REPO_ROOT, 'e2e', 'vm', 'harness-tests', 'power-cycle-guest.ts');
const skipReason = process.getuid?.() !== 0 ? 'building the guest image may need apt-get (root)' : null;
if (skipReason) process.stdout.write(`SKIP vm:harness power cycle: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('volumes across a real power cycle of the guest', () => {
  let image: GuestImage;
  let dir = '';
  let diskFile = '';
  const log = (message: string): void => {
    process.stdout.write(`  [vm] ${message}\n`);
  };

  beforeAll(async () => {
    image = await ensureGuestImage({ cacheDir: defaultVmCacheDir(), log });
    dir = await mkdtemp(join(tmpdir(), 'vm-power-cycle-'));
    diskFile = join(dir, 'disk.raw');
    const handle = await open(diskFile, 'w');
    await handle.truncate(1024 * 1024 * 1024);
    await handle.close();
  }, 600_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every byte written before the power was cut, and the LVs come back inactive until activated', async () => {
    const guestRun = (phase: string, outputDir: string): ReturnType<typeof runInGuest> =>
      runInGuest({
        image,
        argv: [process.execPath, '--import', 'tsx', GUEST_SCRIPT, phase],
        cwd: REPO_ROOT,
        disks: [{ file: diskFile }],
        timeoutMs: 300_000,
        outputDir,
        log,
      });
    const first = await guestRun('write', join(dir, 'boot1'));
    expect(first.exitCode, `boot 1 console: ${first.consoleLogPath}`).toBe(0);
    const written: unknown = JSON.parse(await readFile(join(first.shareDir, 'written.json'), 'utf8'));

    // The second boot reads the hashes from its own share: put them there before booting.
    await mkdir(join(dir, 'boot2', 'share'), { recursive: true });
    await writeFile(join(dir, 'boot2', 'share', 'written.json'), JSON.stringify(written));
    const second = await guestRun('verify', join(dir, 'boot2'));
    expect(second.exitCode, `boot 2 console: ${second.consoleLogPath}`).toBe(0);
    const verified = JSON.parse(await readFile(join(second.shareDir, 'verified.json'), 'utf8')) as {
      lvsAfterBoot: { name: string; isActive: boolean }[];
      isEveryPayloadIntact: boolean;
      read: Record<string, string>;
    };
    expect(verified.lvsAfterBoot).toEqual([
      { name: 'pool', isActive: false },
      { name: 'vol-ext4', isActive: false },
      { name: 'vol-thin', isActive: false },
      { name: 'vol-xfs', isActive: false },
    ]);
    expect(verified.read).toEqual(written);
    expect(verified.isEveryPayloadIntact).toBe(true);
  }, 700_000);
});
