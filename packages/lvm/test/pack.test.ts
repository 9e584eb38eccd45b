// The published package works: `npm pack`, install the tarball into an empty project, import both entry
// points by name, and type-check a consumer against the shipped declarations.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(packageDir, '..', '..');
let workDir: string | undefined;

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm pack of @openlocal/lvm', () => {
  it('installs and imports by name, with types', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'openlocal-pack-'));
    await run('npx', ['tsup'], { cwd: packageDir });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: packageDir });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    const consumer = join(workDir, 'consumer');
    await run('mkdir', ['-p', consumer]);
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(workDir, filename)], { cwd: consumer });
    const script = [
      "const m = await import('@openlocal/lvm');",
      "const t = await import('@openlocal/lvm/testing');",
      "console.log(JSON.stringify([typeof m.Lvm, typeof m.createLocalExecutor, typeof m.parseMountInfo, typeof t.createReplayExecutor, m.LVM_ERROR_CODES.length]));",
    ].join('\n');
    const imported = await run('node', ['--input-type=module', '-e', script], { cwd: consumer });
    expect(JSON.parse(imported.stdout)).toEqual(['function', 'function', 'function', 'function', 13]);

    await writeFile(
      join(consumer, 'use.ts'),
      "import { Lvm, createLocalExecutor, type LvmState } from '@openlocal/lvm';\nconst lvm = new Lvm({ executor: createLocalExecutor() });\nexport const read: Promise<LvmState> = lvm.readState();\n",
    );
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
    await run(tsc, ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(repoRoot, 'node_modules', '@types'), 'use.ts'], { cwd: consumer });
  }, 120_000);
});
