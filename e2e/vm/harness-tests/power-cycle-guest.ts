// Guest side of the power-cycle test (run inside the QEMU guest by power-cycle.test.ts, twice, on the same
// disk image). `write`: a VG with ext4, xfs and thin volumes, mounted, written, synced, and then the power
// goes (no unmount, no deactivation). `verify`, in a fresh boot: the LVs are there but inactive, activation
// and mounting (journal replay included) give back every byte. Results go to the share as JSON.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalExecutor, Lvm, makeFilesystem, mount, type FilesystemType } from '@openlocal/lvm';

const MiB = 1024 * 1024;
const VG = 'olpower';
const VOLUMES: { name: string; fsType: FilesystemType; sizeBytes: number; isThin: boolean }[] = [
  { name: 'vol-ext4', fsType: 'ext4', sizeBytes: 96 * MiB, isThin: false },
  { name: 'vol-xfs', fsType: 'xfs', sizeBytes: 320 * MiB, isThin: false },
  { name: 'vol-thin', fsType: 'ext4', sizeBytes: 256 * MiB, isThin: true },
];
const share = process.env.OPENLOCAL_GUEST_SHARE ?? '';
const executor = createLocalExecutor();
const lvm = new Lvm({ executor });
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function mountVolume(name: string, fsType: FilesystemType): Promise<string> {
  const target = join('/mnt', name);
  await mkdir(target, { recursive: true });
  await mount(executor, { source: `/dev/${VG}/${name}`, target, fsType });
  return target;
}

async function write(disk: string): Promise<void> {
  await lvm.createVg({ name: VG, devices: [disk] });
  await lvm.createThinPool({ vgName: VG, name: 'pool', sizeBytes: 128 * MiB });
  const hashes: Record<string, string> = {};
  for (const v of VOLUMES) {
    if (v.isThin) await lvm.createThinLv({ vgName: VG, poolName: 'pool', name: v.name, virtualSizeBytes: v.sizeBytes });
    else await lvm.createLv({ vgName: VG, name: v.name, sizeBytes: v.sizeBytes });
    await makeFilesystem(executor, { device: `/dev/${VG}/${v.name}`, fsType: v.fsType });
    const data = randomBytes(2 * MiB);
    await writeFile(join(await mountVolume(v.name, v.fsType), 'payload.bin'), data);
    hashes[v.name] = sha256(data);
  }
  // Flushed to the disk image, but left mounted and active: the power cut comes next.
  await executor.run(['sync']);
  await writeFile(join(share, 'written.json'), JSON.stringify(hashes));
}

async function verify(): Promise<boolean> {
  const written = JSON.parse(await readFile(join(share, 'written.json'), 'utf8')) as Record<string, string>;
  const afterBoot = (await lvm.readState()).lvs.filter((lv) => lv.vgName === VG);
  await lvm.activateVg(VG);
  const read: Record<string, string> = {};
  for (const v of VOLUMES) read[v.name] = sha256(await readFile(join(await mountVolume(v.name, v.fsType), 'payload.bin')));
  const result = {
    lvsAfterBoot: afterBoot.map((lv) => ({ name: lv.name, isActive: lv.isActive })).sort((a, b) => a.name.localeCompare(b.name)),
    isEveryPayloadIntact: VOLUMES.every((v) => read[v.name] === written[v.name]),
    read,
    written,
  };
  await writeFile(join(share, 'verified.json'), JSON.stringify(result, null, 2));
  return result.isEveryPayloadIntact;
}

async function main(phase: string | undefined): Promise<number> {
  // This formats /dev/vda: only ever inside our guest (its /init writes the marker on a fresh tmpfs).
  if (!existsSync('/run/openlocal/guest') || share === '') throw new Error('refusing to run outside the e2e/vm guest');
  const disk = (process.env.OPENLOCAL_GUEST_DISKS ?? '').split(',')[0] ?? '';
  if (!/^\/dev\/vd[a-z]$/.test(disk)) throw new Error(`no guest disk in OPENLOCAL_GUEST_DISKS (${JSON.stringify(disk)})`);
  if (phase === 'write') {
    await write(disk);
    return 0;
  }
  if (phase === 'verify') return (await verify()) ? 0 : 1;
  throw new Error(`phase must be write or verify, got ${JSON.stringify(phase)}`);
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`power-cycle guest ${process.argv[2] ?? ''} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
