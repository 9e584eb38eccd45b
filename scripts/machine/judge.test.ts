import { describe, expect, it } from 'vitest';
import { judgeCommands, machineListPackages, readPackageList, type Provider } from './judge.js';
import type { CommandUse } from './scan.js';

const use = (name: string, kind: CommandUse['kind'] = 'word'): CommandUse => ({ name, file: 'x.sh', line: 3, kind });
const lists = { baseline: new Set(['coreutils', 'mount']), installed: new Set(['lvm2']), machineList: 'apt\tcoreutils\t9\napt\tmount:amd64\t2\n' };

function judge(name: string, provider: Provider | undefined, kind: CommandUse['kind'] = 'word') {
  return judgeCommands({ ...lists, uses: [use(name, kind)], providers: new Map([[name, provider]]) }).problems;
}

describe('judgeCommands', () => {
  it.each([
    { name: 'a baseline package is fine', provider: { kind: 'debian', package: 'coreutils', path: '/usr/bin/cat' } as const, want: [] },
    { name: 'a package setup installs is fine', provider: { kind: 'debian', package: 'lvm2', path: '/usr/sbin/lvm' } as const, want: [] },
    { name: 'npm, built tools and the machine toolchain are fine', provider: { kind: 'npm', path: '/r/node_modules/.bin/tsx' } as const, want: [] },
  ])('$name', ({ provider, want }) => {
    expect(judge('p', provider)).toEqual(want);
  });

  it('names the package a new machine lacks and setup does not install', () => {
    expect(judge('busybox', { kind: 'debian', package: 'busybox-static', path: '/bin/busybox' })).toEqual([
      'busybox (x.sh:3) comes from the Debian package busybox-static, which a new machine does not have and scripts/setup does not install: add busybox-static to scripts/machine/debian-packages.txt',
    ]);
  });

  it('refuses a program no package owns (installed by hand)', () => {
    expect(judge('kubectl', { kind: 'unowned', path: '/usr/local/bin/kubectl' })[0]).toContain('runs /usr/local/bin/kubectl, which no Debian package owns');
  });

  it('refuses a program path that does not exist, and ignores a word that is no program', () => {
    expect(judge('/usr/sbin/nothing', undefined, 'path')[0]).toContain('/usr/sbin/nothing (x.sh:3) does not exist on this machine');
    expect(judge('vg1', undefined)).toEqual([]);
  });

  it('fails when the baseline differs from the machine list, and notes when there is none', () => {
    const drift = judgeCommands({ ...lists, machineList: 'apt\tcoreutils\t9\napt\tzsh\t5\n', uses: [], providers: new Map() });
    expect(drift.problems).toEqual(['scripts/machine/debian-baseline.txt differs from the machine list: new machines also have [zsh] and lack [mount]; update the baseline']);
    const none = judgeCommands({ ...lists, machineList: undefined, uses: [], providers: new Map() });
    expect(none.problems).toEqual([]);
    expect(none.notes[0]).toContain('not compared');
  });
});

describe('package lists', () => {
  it('reads names, dropping comments, blanks and architectures', () => {
    expect([...readPackageList('# c\nlvm2\n\n  qemu-system-x86 # the emulator\n')]).toEqual(['lvm2', 'qemu-system-x86']);
    expect([...machineListPackages('# kinds: go\napt\tlibc6:amd64\t2.36\nnote, no package\tx\n')]).toEqual(['libc6']);
  });
});
