// Kernel module dependencies for the guest initramfs: read each module's `depends=` from its ELF `.modinfo`
// section (what modpost recorded and depmod turns into modules.dep; the Debian package ships no modules.dep)
// and order a wanted set so every module comes after the modules it needs.

/** A module in the kernel tree: its name as the kernel spells it (underscores) and its path in the tree. */
export interface KernelModule {
  name: string;
  path: string;
  depends: string[];
}

/** The kernel's own spelling of a module name: `dm-mod` and `dm_mod` are one module. */
export function normaliseModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** The module name a file in lib/modules carries: `kernel/drivers/md/dm-mod.ko.xz` → `dm_mod`. */
export function moduleNameOfPath(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return normaliseModuleName(base.replace(/\.ko(\.(xz|zst|gz))?$/, ''));
}

/** The NUL-separated `key=value` strings of the `.modinfo` section of an ELF64 little-endian module. */
export function readModinfo(elf: Buffer): Map<string, string[]> {
  const isElf64Le = elf.length >= 64 && elf.readUInt32BE(0) === 0x7f454c46 && elf[4] === 2 && elf[5] === 1;
  if (!isElf64Le) throw new Error('not an ELF64 little-endian object (is the module compressed?)');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const section = (i: number): { nameOffset: number; offset: number; size: number } => {
    const at = shoff + i * shentsize;
    return { nameOffset: elf.readUInt32LE(at), offset: Number(elf.readBigUInt64LE(at + 0x18)), size: Number(elf.readBigUInt64LE(at + 0x20)) };
  };
  const names = section(shstrndx);
  for (let i = 0; i < shnum; i += 1) {
    const s = section(i);
    const nameStart = names.offset + s.nameOffset;
    const name = elf.toString('latin1', nameStart, elf.indexOf(0, nameStart));
    if (name !== '.modinfo') continue;
    const info = new Map<string, string[]>();
    for (const entry of elf.toString('latin1', s.offset, s.offset + s.size).split('\0')) {
      const eq = entry.indexOf('=');
      if (eq <= 0) continue;
      const key = entry.slice(0, eq);
      info.set(key, [...(info.get(key) ?? []), entry.slice(eq + 1)]);
    }
    return info;
  }
  throw new Error('no .modinfo section');
}

/** The modules a module needs loaded first, from its `.modinfo` (`depends=a,b`). */
export function dependsOf(modinfo: Map<string, string[]>): string[] {
  const value = modinfo.get('depends')?.[0] ?? '';
  return value.split(',').filter((d) => d !== '').map(normaliseModuleName);
}

/**
 * The load order for `wanted`: each module after everything it depends on, each once, `first` before all
 * (crc32c_generic must precede libcrc32c: libcrc32c finds crc32c through the crypto API, not a symbol, so
 * `depends=` does not say so). Names in `builtin` are skipped. An unknown module is an error naming it.
 */
export function resolveLoadOrder(request: {
  wanted: readonly string[];
  first?: readonly string[];
  /** The module of this (normalised) name, or undefined when the kernel package has none. */
  lookup: (name: string) => KernelModule | undefined;
  builtin?: ReadonlySet<string>;
}): KernelModule[] {
  const order: KernelModule[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (raw: string, neededBy: string): void => {
    const name = normaliseModuleName(raw);
    if (done.has(name) || request.builtin?.has(name)) return;
    if (visiting.has(name)) throw new Error(`module dependency cycle through ${name}`);
    const module = request.lookup(name);
    if (module === undefined) throw new Error(`kernel module ${JSON.stringify(raw)} (${neededBy}) is neither in the kernel package nor built in`);
    visiting.add(name);
    for (const dep of module.depends) visit(dep, `needed by ${name}`);
    visiting.delete(name);
    done.add(name);
    order.push(module);
  };
  for (const name of request.first ?? []) visit(name, 'loaded first');
  for (const name of request.wanted) visit(name, 'wanted');
  return order;
}
