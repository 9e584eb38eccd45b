// The fresh-machine check (#11): every external command the project's scripts, tests and apps run must come
// from a Debian package a new machine has (debian-baseline.txt), one scripts/setup installs
// (debian-packages.txt), npm ci (node_modules/.bin) or scripts/build-tools; a program installed by hand on the
// machine that ran the suite fails here instead of on the next new machine.
//
//   npx tsx scripts/machine/check.ts [--verbose]     exit 0 when every command is provided, 1 otherwise
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';
import { judgeCommands, readPackageList, type Provider } from './judge.js';
import { scanShell, scanTypeScript, shellFunctions, type CommandUse } from './scan.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.cache', '.runs', '.nx', 'generated', 'coverage']);
const SCRIPT_EXTENSIONS = /\.(?:ts|mts|mjs|js)$/;

/** Every file of the checkout the scan reads: TypeScript/JavaScript, *.sh and extensionless bash scripts. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    if (!entry.isFile()) return [];
    if (SCRIPT_EXTENSIONS.test(entry.name) || entry.name.endsWith('.sh')) return [path];
    if (entry.name.includes('.')) return [];
    const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
    return /^#!.*\bbash\b/.test(firstLine) ? [path] : [];
  });
}

/** Where a name runs from on this machine (PATH, plus the sbin directories root has), or undefined. */
function resolveProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  const candidates = name.startsWith('/') ? [name] : dirs.filter((d) => d !== '').map((d) => join(d, name));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  });
}

/** The Debian package owning each path (dpkg -S, asked once for all; usrmerge aliases tried too). */
function debianOwners(paths: readonly string[]): Map<string, string> {
  const aliases = paths.flatMap((p) => [p, p.startsWith('/usr/') ? p.slice(4) : `/usr${p}`]);
  let out = '';
  try {
    out = execFileSync('dpkg', ['-S', ...aliases], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // dpkg -S exits 1 when any one path is unowned; what it found is still on stdout.
    out = String((error as { stdout?: unknown }).stdout ?? '');
  }
  const owners = new Map<string, string>();
  for (const line of out.split('\n')) {
    const match = /^([^:]+(?::[a-z0-9]+)?(?:, [^:]+)*): (\/\S+)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined || line.startsWith('diversion')) continue;
    const pkg = (match[1].split(', ')[0] as string).replace(/:[a-z0-9]+$/, '');
    const path = match[2];
    owners.set(path, pkg);
    owners.set(path.startsWith('/usr/') ? path.slice(4) : `/usr${path}`, pkg);
  }
  return owners;
}

function providerOf(path: string, owners: Map<string, string>): Provider {
  const real = realpathSync(path);
  const pkg = owners.get(path) ?? owners.get(real);
  if (pkg !== undefined) return { kind: 'debian', package: pkg, path };
  // npm ci links dependencies' and workspaces' bins (a workspace bin resolves into packages/*/dist).
  if (path.startsWith(join(repoRoot, 'node_modules')) || real.startsWith(join(repoRoot, 'node_modules'))) return { kind: 'npm', path };
  if (real.startsWith('/usr/local/go/')) return { kind: 'machine', path };
  if (real.includes('/open-local-ts/tools/')) return { kind: 'built', path };
  return { kind: 'unowned', path };
}

function main(): number {
  const isVerbose = process.argv.includes('--verbose');
  // The check's own tests hold made-up programs as fixtures of the scanner.
  const files = sourceFiles(repoRoot).filter((f) => !(f.startsWith(import.meta.dirname) && f.endsWith('.test.ts')));
  const shellFiles = files.filter((f) => !SCRIPT_EXTENSIONS.test(f));
  const functions = new Set(shellFiles.flatMap((f) => shellFunctions(readFileSync(f, 'utf8'))));
  const uses: CommandUse[] = files.flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    const rel = relative(repoRoot, f);
    return SCRIPT_EXTENSIONS.test(f) ? scanTypeScript(rel, text) : scanShell(rel, text, functions);
  });
  const resolved = new Map<string, string | undefined>([...new Set(uses.map((u) => u.name))].map((name) => [name, resolveProgram(name)]));
  const found = [...resolved.values()].filter((p): p is string => p !== undefined);
  const owners = debianOwners([...new Set([...found, ...found.map((p) => realpathSync(p))])]);
  const providers = new Map([...resolved].map(([name, path]) => [name, path === undefined ? undefined : providerOf(path, owners)]));

  const machineList = join(repoRoot, '..', '.library', 'env', 'packages', 'installed-go.txt');
  const verdict = judgeCommands({
    uses,
    providers,
    baseline: readPackageList(readFileSync(join(import.meta.dirname, 'debian-baseline.txt'), 'utf8')),
    installed: readPackageList(readFileSync(join(import.meta.dirname, 'debian-packages.txt'), 'utf8')),
    machineList: existsSync(machineList) ? readFileSync(machineList, 'utf8') : undefined,
  });
  for (const line of isVerbose ? verdict.table : []) console.log(line);
  for (const note of verdict.notes) console.log(`note: ${note}`);
  for (const problem of verdict.problems) console.log(`FAIL: ${problem}`);
  console.log(`machine check: ${uses.length} command uses in ${files.length} files, ${providers.size} names, ${verdict.problems.length} problems`);
  return verdict.problems.length === 0 ? 0 : 1;
}

process.exit(main());
