// The published package works: `npm pack`, install the tarball into an empty project, import it by name, load
// the CRD manifests from the installed crds/ (the path must hold from dist/), and type-check a consumer.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { consumerLock, type LockEntry } from './support/offline-lock.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(packageDir, '..', '..');
let workDir: string | undefined;

afterAll(async () => {
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

const CONSUMER_SCRIPT = `
const m = await import('@openlocal/crd-types');
const crds = await m.loadCrdManifests();
const bad = m.validateNodeLocalStorage({ spec: { resourceToBeInited: { mountpoints: [{ path: 'rel', device: '/dev/vdb' }] } } });
console.log(JSON.stringify({
  names: [crds.nodeLocalStorages.metadata.name, crds.nodeLocalStorageInitConfigs.metadata.name],
  path: m.crdManifestPaths().nodeLocalStorages.includes('node_modules/@openlocal/crd-types/crds/'),
  issue: bad.ok ? null : bad.issues[0].path,
  bytes: m.parseQuantityBytes('10Gi'),
  driver: m.DRIVER_NAME,
}));
`;

const CONSUMER_TS = `
import { type NodeLocalStorage, initConfigToNodeSpec, validateNodeLocalStorage } from '@openlocal/crd-types';
const result = validateNodeLocalStorage({});
export const nls: NodeLocalStorage | undefined = result.ok ? result.value : undefined;
export const nodeName: string | undefined = initConfigToNodeSpec(undefined, { name: 'n1' }).nodeName;
export const allocatable: number | undefined = nls?.status?.nodeStorageInfo?.volumeGroups?.[0]?.allocatable;
`;

// The test packs the dist/ that scripts/setup built rather than rebuilding it: tsup empties dist/ first, and other
// packages' tests running at the same time import @openlocal/crd-types through it. So check dist/ is current:
// same value exports as src/index.ts and the same schemas as the CRD YAML compiled into src/generated.
async function expectFreshBuild(): Promise<void> {
  const distEntry = join(packageDir, 'dist', 'index.js');
  const built = await stat(distEntry).catch(() => undefined);
  expect(built, 'dist/index.js is missing: run `npm run build -w @openlocal/crd-types`').toBeDefined();
  const dist = (await import(pathToFileURL(distEntry).href)) as Record<string, unknown>;
  const src = (await import('../src/index.js')) as Record<string, unknown>;
  const stale = 'dist/ is stale: run `npm run build -w @openlocal/crd-types`';
  expect(Object.keys(dist).sort(), stale).toEqual(Object.keys(src).sort());
  expect(dist.nodeLocalStorageSchema, stale).toEqual(src.nodeLocalStorageSchema);
  expect(dist.nodeLocalStorageInitConfigSchema, stale).toEqual(src.nodeLocalStorageInitConfigSchema);
}

describe('npm pack of @openlocal/crd-types', () => {
  it('installs, imports by name, finds its CRDs and type-checks a consumer', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'openlocal-crd-types-pack-'));
    await expectFreshBuild();
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: packageDir });
    const [{ name, version, filename, integrity, files }] = JSON.parse(stdout) as [{ name: string; version: string; filename: string; integrity: string; files: Array<{ path: string }> }];
    expect(files.map((f) => f.path).sort()).toEqual(expect.arrayContaining(['README.md', 'crds/nodelocalstorageinitconfigs.yaml', 'crds/nodelocalstorages.yaml', 'dist/index.d.ts', 'dist/index.js']));

    const consumer = join(workDir, 'consumer');
    await mkdir(consumer);
    const tarball = { relativePath: `../${filename}`, integrity };
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [name]: `file:${tarball.relativePath}` } }));
    // Offline from what `npm ci` cached: a lock cut from the workspace's own (see support/offline-lock.ts).
    const workspaceLock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    await writeFile(join(consumer, 'package-lock.json'), JSON.stringify(consumerLock({ workspaceLock, workspacePath: 'packages/crd-types', name, version, tarball })));
    await run('npm', ['ci', '--no-audit', '--no-fund', '--offline'], { cwd: consumer });

    const imported = await run(process.execPath, ['--input-type=module', '-e', CONSUMER_SCRIPT], { cwd: consumer });
    expect(JSON.parse(imported.stdout)).toEqual({
      names: ['nodelocalstorages.csi.aliyun.com', 'nodelocalstorageinitconfigs.csi.aliyun.com'],
      path: true,
      issue: 'spec.resourceToBeInited.mountpoints[0].path',
      bytes: 10 * 1024 ** 3,
      driver: 'local.csi.aliyun.com',
    });

    await writeFile(join(consumer, 'use.ts'), CONSUMER_TS);
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
    await run(tsc, ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(repoRoot, 'node_modules', '@types'), 'use.ts'], { cwd: consumer });
  }, 180_000);
});
