// Block devices from sysfs, as Open-Local's agent reads them: disks whose kernel name matches a regexp, and
// their partitions. Sizes come from `size` (always 512-byte sectors, whatever the logical block size).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A whole disk or a partition. Partitions inherit the disk's rotational flag and media type. */
export interface BlockDevice {
  /** Device node path, e.g. `/dev/sdb1`. */
  path: string;
  kernelName: string;
  sizeBytes: number;
  isRotational: boolean;
  mediaType: 'hdd' | 'ssd';
  isReadOnly: boolean;
  isPartition: boolean;
  /** Kernel name of the disk a partition belongs to. */
  parent?: string;
  /** `major:minor`, e.g. `8:17`, used for cgroup io.max. */
  majMin: string;
}

export interface ListBlockDevicesOptions {
  /** sysfs mount point (Open-Local's `--path.sysfs`); `/sys` by default. */
  sysfsRoot?: string;
  /** Which disks to list, matched against the kernel name (`sdb`); every disk when absent. */
  nameRegexp?: RegExp;
}

const SECTOR_BYTES = 512;

async function readTrimmed(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

async function readSizeBytes(dir: string): Promise<number> {
  const sectors = Number(await readTrimmed(join(dir, 'size')));
  return Number.isSafeInteger(sectors) ? sectors * SECTOR_BYTES : 0;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function readPartitions(diskDir: string, disk: BlockDevice): Promise<BlockDevice[]> {
  const entries = await readdir(diskDir);
  const partitions: BlockDevice[] = [];
  for (const entry of entries.filter((e) => e.startsWith(disk.kernelName)).sort()) {
    const dir = join(diskDir, entry);
    if (!(await isDirectory(dir))) continue;
    const hasPartitionFile = await stat(join(dir, 'partition')).then(
      () => true,
      () => false,
    );
    if (!hasPartitionFile) continue;
    partitions.push({
      ...disk,
      path: `/dev/${entry}`,
      kernelName: entry,
      sizeBytes: await readSizeBytes(dir),
      isReadOnly: (await readTrimmed(join(dir, 'ro'))) === '1',
      isPartition: true,
      parent: disk.kernelName,
      majMin: await readTrimmed(join(dir, 'dev')),
    });
  }
  return partitions;
}

/** Lists matching disks and their partitions (partitions first, then the disk, as Open-Local orders them). */
export async function listBlockDevices(options: ListBlockDevicesOptions = {}): Promise<BlockDevice[]> {
  const blockDir = join(options.sysfsRoot ?? '/sys', 'block');
  const names = (await readdir(blockDir)).sort();
  const devices: BlockDevice[] = [];
  for (const name of names) {
    if (options.nameRegexp !== undefined && !options.nameRegexp.test(name)) continue;
    const dir = join(blockDir, name);
    const isRotational = (await readTrimmed(join(dir, 'queue', 'rotational')).catch(() => '0')) === '1';
    const disk: BlockDevice = {
      path: `/dev/${name}`,
      kernelName: name,
      sizeBytes: await readSizeBytes(dir),
      isRotational,
      mediaType: isRotational ? 'hdd' : 'ssd',
      isReadOnly: (await readTrimmed(join(dir, 'ro')).catch(() => '0')) === '1',
      isPartition: false,
      majMin: await readTrimmed(join(dir, 'dev')),
    };
    devices.push(...(await readPartitions(dir, disk)), disk);
  }
  return devices;
}
