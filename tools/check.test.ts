// Checks the pinned upstream tools built by scripts/build-tools: each runs from $OPENLOCAL_CACHE/tools/bin and
// reports the version tools/versions.env pins; etcd really serves; build-tools rejects bad input and skips
// what is already built.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');
const cacheDir = process.env.OPENLOCAL_CACHE ?? join(repoRoot, '.cache');
const binDir = join(cacheDir, 'tools', 'bin');
const buildTools = join(repoRoot, 'scripts', 'build-tools');

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv (no shell) and resolves with its exit code and output, also when it exits non-zero. */
function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((done, fail) => {
    execFile(file, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        fail(error);
        return;
      }
      done({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** tools/versions.env as a map; the format is KEY=value lines and # comments. */
function parseVersions(text: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(\S+)$/.exec(line.trim());
    if (match?.[1] && match[2]) versions.set(match[1], match[2]);
  }
  return versions;
}

const versions = parseVersions(await readFile(join(import.meta.dirname, 'versions.env'), 'utf8'));
function pinned(key: string): string {
  const version = versions.get(key);
  if (!version) throw new Error(`tools/versions.env has no ${key}`);
  return version;
}

interface ToolCase {
  readonly binary: string;
  readonly tool: string;
  readonly key: string;
  readonly args: readonly string[];
  readonly expected: (version: string) => string;
  readonly optional?: boolean;
}

const kubeVersion = (v: string): string => `Kubernetes ${v}`;
const cases: readonly ToolCase[] = [
  { binary: 'kube-apiserver', tool: 'kubernetes', key: 'KUBERNETES_VERSION', args: ['--version'], expected: kubeVersion },
  { binary: 'kube-controller-manager', tool: 'kubernetes', key: 'KUBERNETES_VERSION', args: ['--version'], expected: kubeVersion },
  { binary: 'kube-scheduler', tool: 'kubernetes', key: 'KUBERNETES_VERSION', args: ['--version'], expected: kubeVersion },
  { binary: 'kubelet', tool: 'kubernetes', key: 'KUBERNETES_VERSION', args: ['--version'], expected: kubeVersion },
  { binary: 'etcd', tool: 'etcd', key: 'ETCD_VERSION', args: ['--version'], expected: (v) => `etcd Version: ${v.slice(1)}` },
  { binary: 'csi-sanity', tool: 'csi-sanity', key: 'CSI_TEST_VERSION', args: ['-version'], expected: (v) => `Version = ${v}` },
  { binary: 'csi-provisioner', tool: 'external-provisioner', key: 'EXTERNAL_PROVISIONER_VERSION', args: ['--version'], expected: (v) => v },
  { binary: 'csi-resizer', tool: 'external-resizer', key: 'EXTERNAL_RESIZER_VERSION', args: ['--version'], expected: (v) => v },
  { binary: 'csi-snapshotter', tool: 'external-snapshotter', key: 'EXTERNAL_SNAPSHOTTER_VERSION', args: ['--version'], expected: (v) => v },
  { binary: 'snapshot-controller', tool: 'external-snapshotter', key: 'EXTERNAL_SNAPSHOTTER_VERSION', args: ['--version'], expected: (v) => v },
  {
    binary: 'csi-node-driver-registrar',
    tool: 'node-driver-registrar',
    key: 'NODE_DRIVER_REGISTRAR_VERSION',
    args: ['--version'],
    expected: (v) => v,
    optional: true,
  },
  { binary: 'helm', tool: 'helm', key: 'HELM_VERSION', args: ['version', '--short'], expected: (v) => v },
];

async function linkTarget(binary: string): Promise<string | null> {
  try {
    return await readlink(join(binDir, binary));
  } catch {
    return null;
  }
}

// An optional tool the module proxy does not serve is skipped by build-tools (with a warning); say so here.
const missingOptional = new Set<string>();
for (const c of cases) {
  if (c.optional && (await linkTarget(c.binary)) === null) {
    missingOptional.add(c.binary);
    process.stdout.write(`SKIP ${c.binary}: optional tool not built (${c.tool} ${pinned(c.key)} is not on the module proxy)\n`);
  }
}
const builtCases = cases.filter((c) => !missingOptional.has(c.binary));

describe('pinned tools in the cache', () => {
  it.each(builtCases)('bin/$binary links to the pinned $tool directory', async ({ binary, tool, key }) => {
    expect(await linkTarget(binary)).toBe(`../${tool}-${pinned(key)}/${binary}`);
  });

  it.each(builtCases)('$binary $args reports the pinned version', async ({ binary, key, args, expected }) => {
    const result = await run(join(binDir, binary), args);
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(expected(pinned(key)));
  });

  for (const binary of missingOptional) {
    it.skip(`${binary} (optional; its pinned version is not on the module proxy, so build-tools skipped it)`, () => {});
  }

  it('csi-sanity --help lists the endpoint flag and the test focus flag', async () => {
    const result = await run(join(binDir, 'csi-sanity'), ['--help']);
    const text = `${result.stdout}${result.stderr}`;
    expect(text).toContain('-csi.endpoint');
    expect(text).toContain('-ginkgo.focus');
  });

  it('helm version runs from the cache and names its Go build', async () => {
    const result = await run(join(binDir, 'helm'), ['version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Version:"${pinned('HELM_VERSION')}"`);
    expect(result.stdout).toMatch(/GoVersion:"go1\.\d+/);
  });

  it('the multi-call kubernetes binary refuses a component it does not contain, naming it', async () => {
    const kube = join(cacheDir, 'tools', `kubernetes-${pinned('KUBERNETES_VERSION')}`, 'kube');
    const result = await run(kube, ['kube-proxy', '--version']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown component "kube-proxy"');
    expect(result.stderr).toContain('kube-apiserver');
  });

  it('the multi-call kubernetes binary also runs a component named by its first argument', async () => {
    const kube = join(cacheDir, 'tools', `kubernetes-${pinned('KUBERNETES_VERSION')}`, 'kube');
    const result = await run(kube, ['kube-scheduler', '--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(kubeVersion(pinned('KUBERNETES_VERSION')));
  });
});

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return await response.json();
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${lastError})`);
}

describe('etcd from the cache', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('serves a healthy single-member cluster on loopback', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'openlocal-etcd-check-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const child = spawn(
      join(binDir, 'etcd'),
      [
        '--name=check',
        `--data-dir=${join(dataDir, 'data')}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=check=${peerUrl}`,
      ],
      { stdio: 'ignore' },
    );
    cleanups.push(async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    });
    expect(await waitForHealth(`${clientUrl}/health`, child, 30_000)).toMatchObject({ health: 'true' });
  });
});

describe('scripts/build-tools', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function versionsFile(text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'openlocal-versions-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'versions.env'), text);
    return join(dir, 'versions.env');
  }

  it.each([
    { line: 'KUBERNETES_VERSION=1.37.2', why: 'a version without its v' },
    { line: 'HELM_VERSION=v3.22.0; rm -rf /', why: 'trailing shell' },
    { line: 'helm_version=v3.22.0', why: 'a lower-case key' },
  ])('rejects $why in versions.env, naming the line and the value', async ({ line }) => {
    const file = await versionsFile(`# comment\n${line}\n`);
    const result = await run(buildTools, ['--list'], { ...process.env, OPENLOCAL_TOOLS_VERSIONS: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file} line 2`);
    expect(result.stderr).toContain(`'${line}'`);
  });

  it('rejects a versions file that lacks a pinned tool, naming the key', async () => {
    const file = await versionsFile('KUBERNETES_VERSION=v1.37.2\n');
    const result = await run(buildTools, ['--list'], { ...process.env, OPENLOCAL_TOOLS_VERSIONS: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ETCD_VERSION is not set/);
  });

  it('rejects an unknown tool name, listing the known ones', async () => {
    const result = await run(buildTools, ['kube-proxy']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown tool 'kube-proxy'");
    expect(result.stderr).toContain('csi-sanity');
  });

  it('a warm run skips every tool already built for its pinned version', async () => {
    const result = await run(buildTools, []);
    expect(result.code, result.stderr).toBe(0);
    for (const tool of new Set(builtCases.map((c) => c.tool))) {
      const key = cases.find((c) => c.tool === tool)?.key ?? '';
      expect(result.stdout).toContain(`${tool} ${pinned(key)}: already built, skipping`);
      expect(result.stdout).not.toContain(`${tool} ${pinned(key)}: building`);
    }
    expect(result.stdout).toMatch(/build-tools: total [\d.]+ s/);
  });
});
