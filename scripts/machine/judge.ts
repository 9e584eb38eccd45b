// The verdict of the fresh-machine check, from what was scanned and resolved: pure, so its rules are tested
// without a machine (judge.test.ts).
import type { CommandUse } from './scan.js';

/** What provides a program on this machine. */
export type Provider =
  | { kind: 'debian'; package: string; path: string }
  | { kind: 'npm' | 'built' | 'machine' | 'unowned'; path: string };

export interface Verdict {
  problems: string[];
  notes: string[];
  /** One line a program: name, provider, first use. */
  table: string[];
}

/** Package names of a list file: one a line, `#` comments, blank lines ignored. */
export function readPackageList(text: string): Set<string> {
  return new Set(text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter((line) => line !== ''));
}

/** The Debian package names of the workplace's machine list (`apt<TAB>name[:arch]<TAB>version` lines). */
export function machineListPackages(text: string): Set<string> {
  return new Set(text.split('\n').filter((line) => line.startsWith('apt\t')).map((line) => (line.split('\t')[1] ?? '').replace(/:.*/, '')));
}

function where(use: CommandUse): string {
  return `${use.file}:${use.line}`;
}

function problemOf(first: CommandUse, provider: Provider | undefined, lists: { baseline: Set<string>; installed: Set<string> }): string | undefined {
  const { name } = first;
  if (provider === undefined) {
    return first.kind === 'path' ? `${name} (${where(first)}) does not exist on this machine: add the Debian package that provides it to scripts/machine/debian-packages.txt` : undefined;
  }
  switch (provider.kind) {
    case 'debian':
      if (lists.baseline.has(provider.package) || lists.installed.has(provider.package)) return undefined;
      return `${name} (${where(first)}) comes from the Debian package ${provider.package}, which a new machine does not have and scripts/setup does not install: add ${provider.package} to scripts/machine/debian-packages.txt`;
    case 'unowned':
      return `${name} (${where(first)}) runs ${provider.path}, which no Debian package owns and neither npm ci nor scripts/build-tools provides: installed by hand?`;
    case 'npm':
    case 'built':
    case 'machine':
      return undefined;
  }
}

function describe(provider: Provider | undefined): string {
  if (provider === undefined) return 'not a program here';
  return provider.kind === 'debian' ? `debian ${provider.package}` : `${provider.kind} ${provider.path}`;
}

/** Judges every program the scan found, and the baseline list against the machine's own list when given. */
export function judgeCommands(input: {
  uses: readonly CommandUse[];
  providers: ReadonlyMap<string, Provider | undefined>;
  baseline: Set<string>;
  installed: Set<string>;
  machineList: string | undefined;
}): Verdict {
  const firstUse = new Map<string, CommandUse>();
  // A path use is the stricter one: keep it as the name's witness when there is one.
  for (const use of input.uses) if (!firstUse.has(use.name) || (use.kind === 'path' && firstUse.get(use.name)?.kind !== 'path')) firstUse.set(use.name, use);
  const problems: string[] = [];
  const table: string[] = [];
  for (const [name, first] of [...firstUse].sort(([a], [b]) => a.localeCompare(b))) {
    const provider = input.providers.get(name);
    const problem = problemOf(first, provider, input);
    if (problem !== undefined) problems.push(problem);
    if (provider !== undefined || first.kind === 'path') table.push(`${name.padEnd(28)} ${describe(provider).padEnd(44)} ${where(first)}`);
  }
  const notes: string[] = [];
  if (input.machineList === undefined) notes.push('the workplace machine list (.library/env/packages/installed-go.txt) is not beside the checkout: debian-baseline.txt not compared');
  else {
    const machine = machineListPackages(input.machineList);
    const added = [...machine].filter((p) => !input.baseline.has(p));
    const dropped = [...input.baseline].filter((p) => !machine.has(p));
    if (added.length + dropped.length > 0) problems.push(`scripts/machine/debian-baseline.txt differs from the machine list: new machines also have [${added.join(', ')}] and lack [${dropped.join(', ')}]; update the baseline`);
  }
  return { problems, notes, table };
}
