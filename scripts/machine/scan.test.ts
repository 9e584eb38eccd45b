import { describe, expect, it } from 'vitest';
import { scanShell, scanTypeScript, shellFunctions } from './scan.js';

const names = (uses: { name: string }[]) => uses.map((u) => u.name);

describe('scanShell', () => {
  it.each([
    { name: 'the first word of each simple command', script: 'lvm vgs\nmkfs.ext4 -F x && blkid y | grep z; sleep 1\n', want: ['lvm', 'mkfs.ext4', 'blkid', 'grep', 'sleep'] },
    { name: 'quoted text is not a command', script: 'echo "a; rm -rf b" \'c | d\'\n', want: ['echo'] },
    { name: 'a command substitution inside double quotes is', script: 'x="$(dmsetup version | cut -d: -f2)"\n', want: ['dmsetup', 'cut'] },
    { name: 'arithmetic is not', script: 'n=$((n + 1))\n', want: [] },
    { name: 'env assignments and exec/env prefixes are skipped', script: 'LC_ALL=C exec env FOO=1 lvs --units b\n', want: ['lvs'] },
    { name: 'a comment is not a command', script: '# run mkfs.xfs here\nlosetup -a # then wipefs\n', want: ['losetup'] },
    { name: 'heredoc bodies are data', script: 'cat <<EOF\nqemu-img create\nEOF\ntrue\n', want: ['cat', 'true'] },
    { name: 'keywords lead to the program', script: 'if ! containerd --version; then runc -v; fi\nwhile read -r l; do ctr x; done\n', want: ['containerd', 'runc', 'read', 'ctr'] },
    { name: '`command -v` only asks', script: 'command -v busybox >/dev/null\n', want: [] },
    { name: 'a program given by absolute path', script: '/usr/sbin/lvm version\n', want: ['/usr/sbin/lvm'] },
    { name: "a function's words may be programs", script: 'start() { "$@"; }\nstart containerd containerd --config /etc/c.toml\n', functions: ['start'], want: ['containerd', 'containerd'] },
  ])('$name', ({ script, want, functions }) => {
    expect(names(scanShell('s.sh', script, new Set(functions ?? [])))).toEqual(want);
  });

  it('gives the line of each use, also after quoted text that spans lines', () => {
    const script = "node -e '\n  one\n  two\n' arg\nlvm version\n";
    expect(scanShell('s.sh', script).map((u) => [u.name, u.line])).toEqual([['node', 1], ['lvm', 5]]);
  });

  it('finds the functions a script defines', () => {
    expect(shellFunctions('log() { echo; }\nfunction start_all {\n}\nrun_logged() {\n')).toEqual(['log', 'start_all', 'run_logged']);
  });
});

describe('scanTypeScript', () => {
  it.each([
    { name: 'execFile and spawn programs', source: "execFile('lvm', ['vgs']); spawn('qemu-system-x86_64', args);", want: ['lvm', 'qemu-system-x86_64'] },
    { name: 'a run helper with argv', source: "await run('losetup', ['-a']);", want: ['losetup'] },
    { name: 'a keyed serializer is no program', source: "serializer.run('vg1', async () => 1);", want: [] },
    { name: 'the head of an argv array', source: "const argv = ['wipefs', '--all', dev];", want: ['wipefs'] },
    { name: 'an absolute program path', source: "copyFile('/bin/busybox', to); const cni = '/usr/lib/cni/loopback';", want: ['/bin/busybox', '/usr/lib/cni/loopback'] },
    { name: 'an overridable default', source: "const bin = process.env.OPENLOCAL_QEMU ?? 'qemu-system-x86_64';", want: ['qemu-system-x86_64'] },
    { name: 'other strings are not', source: "const kinds = ['LVM', 'Device']; log('mount the volume'); const p = '/dev/vdb';", want: [] },
  ])('$name', ({ source, want }) => {
    expect(names(scanTypeScript('f.ts', source))).toEqual(want);
  });

  it('marks paths as paths and names as words, with their lines', () => {
    expect(scanTypeScript('f.ts', "\nrun('x', []);\nconst b = '/sbin/y';")).toEqual([
      { name: 'x', file: 'f.ts', line: 2, kind: 'word' },
      { name: '/sbin/y', file: 'f.ts', line: 3, kind: 'path' },
    ]);
  });
});
