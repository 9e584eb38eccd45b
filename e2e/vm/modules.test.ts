// Module dependency order for the initramfs, and reading `depends=` out of a module's ELF.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultVmCacheDir } from './image.js';
import { dependsOf, moduleNameOfPath, readModinfo, resolveLoadOrder, type KernelModule } from './modules.js';

/** A minimal ELF64 LE object with section headers: null, .shstrtab and .modinfo holding `entries`. */
function fakeModule(entries: string[]): Buffer {
  const shstrtab = Buffer.from('\0.shstrtab\0.modinfo\0');
  const modinfo = Buffer.from(entries.map((e) => `${e}\0`).join(''));
  const shoff = 64 + shstrtab.length + modinfo.length;
  const elf = Buffer.alloc(shoff + 3 * 64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2; // 64-bit
  elf[5] = 1; // little-endian
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(3, 0x3c);
  elf.writeUInt16LE(1, 0x3e);
  shstrtab.copy(elf, 64);
  modinfo.copy(elf, 64 + shstrtab.length);
  const section = (i: number, header: { nameOffset: number; offset: number; size: number }): void => {
    const at = shoff + i * 64;
    elf.writeUInt32LE(header.nameOffset, at);
    elf.writeBigUInt64LE(BigInt(header.offset), at + 0x18);
    elf.writeBigUInt64LE(BigInt(header.size), at + 0x20);
  };
  section(1, { nameOffset: 1, offset: 64, size: shstrtab.length });
  section(2, { nameOffset: 11, offset: 64 + shstrtab.length, size: modinfo.length });
  return elf;
}

const table = (deps: Record<string, string[]>): ((name: string) => KernelModule | undefined) => (name) =>
  deps[name] ? { name, path: `kernel/${name}.ko`, depends: deps[name] } : undefined;

describe('module names', () => {
  it.each([
    { name: 'hyphens become underscores', path: 'kernel/drivers/md/dm-mod.ko', want: 'dm_mod' },
    { name: 'xz-compressed module', path: 'kernel/fs/xfs/xfs.ko.xz', want: 'xfs' },
    { name: 'zstd-compressed module', path: 'kernel/net/9p/9pnet_virtio.ko.zst', want: '9pnet_virtio' },
  ])('$name', ({ path, want }) => {
    expect(moduleNameOfPath(path)).toBe(want);
  });
});

describe('readModinfo', () => {
  it('reads depends= and normalises the names', () => {
    const info = readModinfo(fakeModule(['license=GPL', 'depends=dm-bio-prison,dm-persistent-data,dm-mod', 'name=dm_thin_pool']));
    expect(dependsOf(info)).toEqual(['dm_bio_prison', 'dm_persistent_data', 'dm_mod']);
    expect(info.get('name')).toEqual(['dm_thin_pool']);
  });

  it('an empty depends= means no dependencies', () => {
    expect(dependsOf(readModinfo(fakeModule(['depends=', 'name=loop'])))).toEqual([]);
  });

  it('refuses what is not an ELF64 object (a compressed module)', () => {
    expect(() => readModinfo(Buffer.from('\xfd7zXZ\0 compressed'.padEnd(80, '.')))).toThrow(/not an ELF64/);
  });

  const kernels = existsSync(defaultVmCacheDir()) ? readdirSync(defaultVmCacheDir()).filter((d) => d.startsWith('linux-image-')) : [];
  it.skipIf(kernels.length === 0)('reads the real xfs module of the cached Debian kernel: it needs libcrc32c', () => {
    const elf = readFileSync(join(defaultVmCacheDir(), kernels[0]!, 'modules', 'xfs.ko'));
    expect(dependsOf(readModinfo(elf))).toContain('libcrc32c');
  });
});

describe('resolveLoadOrder', () => {
  const deps = {
    crc32c_generic: [],
    libcrc32c: [],
    dm_mod: [],
    dm_bufio: [],
    dm_persistent_data: ['dm_bufio', 'libcrc32c'],
    dm_thin_pool: ['dm_persistent_data', 'dm_mod'],
    xfs: ['libcrc32c'],
  };

  it.each([
    { name: 'dependencies come before the module, each once', wanted: ['dm_thin_pool', 'xfs'], first: [], want: ['dm_bufio', 'libcrc32c', 'dm_persistent_data', 'dm_mod', 'dm_thin_pool', 'xfs'] },
    { name: 'first modules precede everything', wanted: ['xfs'], first: ['crc32c_generic'], want: ['crc32c_generic', 'libcrc32c', 'xfs'] },
    { name: 'hyphenated names find the module', wanted: ['dm-mod'], first: [], want: ['dm_mod'] },
  ])('$name', ({ wanted, first, want }) => {
    expect(resolveLoadOrder({ wanted, first, lookup: table(deps) }).map((m) => m.name)).toEqual(want);
  });

  it('skips modules built into the kernel', () => {
    const order = resolveLoadOrder({ wanted: ['xfs'], lookup: table(deps), builtin: new Set(['libcrc32c']) });
    expect(order.map((m) => m.name)).toEqual(['xfs']);
  });

  it('names an unknown module and who needs it', () => {
    expect(() => resolveLoadOrder({ wanted: ['ext4'], lookup: table({ ext4: ['jbd2'] }) })).toThrow(/"jbd2" \(needed by ext4\)/);
  });

  it('reports a dependency cycle instead of looping', () => {
    expect(() => resolveLoadOrder({ wanted: ['a'], lookup: table({ a: ['b'], b: ['a'] }) })).toThrow(/cycle through a/);
  });
});
