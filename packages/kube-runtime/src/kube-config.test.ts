// loadKubeConfig reads a kubeconfig file when given a path, and the in-cluster service account otherwise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isInCluster, loadKubeConfig } from './kube-config.js';

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A one-cluster kubeconfig file naming `server`, removed after the test. */
function writeConfig(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kube-config-test-'));
  dirs.push(dir);
  const file = join(dir, 'config');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    `clusters: [{ name: k, cluster: { server: "${server}" } }]`,
    'users: [{ name: u, user: { token: t } }]',
    'contexts: [{ name: c, context: { cluster: k, user: u } }]', '',
  ].join('\n'));
  return file;
}

describe('loadKubeConfig', () => {
  it('reads the file a path names', () => {
    expect(loadKubeConfig(writeConfig('https://10.1.2.3:6443')).getCurrentCluster()?.server).toBe('https://10.1.2.3:6443');
  });

  it('uses the in-cluster service account when the path is empty', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    expect(loadKubeConfig('').getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  });

  it('names the flag and a missing file', () => {
    expect(() => loadKubeConfig('/nonexistent/kubeconfig')).toThrow(/^--kubeconfig "\/nonexistent\/kubeconfig": .*ENOENT/);
  });

  it("uses client-node's default search when asked and the path is empty", () => {
    const file = writeConfig('https://10.4.5.6:6443');
    vi.stubEnv('KUBECONFIG', file);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    expect(loadKubeConfig('', { fallback: 'default' }).getCurrentCluster()?.server).toBe('https://10.4.5.6:6443');
    expect(loadKubeConfig('').getCurrentCluster()?.server).not.toBe('https://10.4.5.6:6443');
  });

  it("replaces the current cluster's server with options.server (the extender's --master)", () => {
    const file = writeConfig('https://10.1.2.3:6443');
    expect(loadKubeConfig(file, { server: 'https://10.9.9.9:443' }).getCurrentCluster()?.server).toBe('https://10.9.9.9:443');
  });
});

describe('isInCluster', () => {
  it.each([
    { name: 'a pod (KUBERNETES_SERVICE_HOST set) is in a cluster', env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, want: true },
    { name: 'a bare process is not', env: {}, want: false },
  ])('$name', ({ env, want }) => {
    expect(isInCluster(env)).toBe(want);
  });
});
