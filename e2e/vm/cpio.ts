// A writer for the cpio "newc" format the kernel unpacks as its initramfs, so building the guest's initramfs
// needs no cpio binary on the host (Debian's minimal images lack it).

/** One archive member. Paths are relative (`bin/busybox`); parents must come before their children. */
export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`cpio field out of range: ${value}`);
  return value.toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function member(ino: number, fields: { path: string; mode: number; data: Buffer; rdev?: [number, number] }): Buffer[] {
  const name = Buffer.from(`${fields.path}\0`, 'utf8');
  const [rdevMajor, rdevMinor] = fields.rdev ?? [0, 0];
  const nlink = (fields.mode & S_IFDIR) === S_IFDIR ? 2 : 1;
  const header = ['070701', ino, fields.mode, 0, 0, nlink, 0, fields.data.length, 0, 0, rdevMajor, rdevMinor, name.length, 0]
    .map((v) => (typeof v === 'string' ? v : hex8(v)))
    .join('');
  return [Buffer.from(header, 'ascii'), name, pad4(110 + name.length), fields.data, pad4(fields.data.length)];
}

function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').some((part) => part === '' || part === '..')) {
    throw new Error(`invalid cpio path ${JSON.stringify(path)}: must be relative, without empty or '..' parts`);
  }
}

/** The whole archive, members in the given order, closed by the `TRAILER!!!` member. */
export function buildNewcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, index) => {
    checkPath(entry.path);
    const ino = index + 1;
    switch (entry.kind) {
      case 'dir':
        parts.push(...member(ino, { path: entry.path, mode: S_IFDIR | (entry.mode ?? 0o755), data: Buffer.alloc(0) }));
        break;
      case 'file':
        parts.push(...member(ino, { path: entry.path, mode: S_IFREG | (entry.mode ?? 0o644), data: entry.data }));
        break;
      case 'symlink':
        parts.push(...member(ino, { path: entry.path, mode: S_IFLNK | 0o777, data: Buffer.from(entry.target, 'utf8') }));
        break;
      case 'chardev':
        parts.push(...member(ino, { path: entry.path, mode: S_IFCHR | (entry.mode ?? 0o600), data: Buffer.alloc(0), rdev: [entry.major, entry.minor] }));
        break;
    }
  });
  parts.push(...member(0, { path: 'TRAILER!!!', mode: 0, data: Buffer.alloc(0) }));
  return Buffer.concat(parts);
}
