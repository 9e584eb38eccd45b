// loadKubeConfig reads a kubeconfig file when given a path, and the in-cluster service account otherwise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadKubeConfig } from './kube-config.js';

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadKubeConfig', () => {
  it('reads the file a path names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-config-test-'));
    dirs.push(dir);
    const file = join(dir, 'config');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters: [{ name: k, cluster: { server: "https://10.1.2.3:6443" } }]',
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: c, context: { cluster: k, user: u } }]', '',
    ].join('\n'));
    expect(loadKubeConfig(file).getCurrentCluster()?.server).toBe('https://10.1.2.3:6443');
  });

  it('uses the in-cluster service account when the path is empty', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    expect(loadKubeConfig('').getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  });

  it('names a missing file', () => {
    expect(() => loadKubeConfig('/nonexistent/kubeconfig')).toThrow(/nonexistent\/kubeconfig/);
  });
});
