// Test-side helpers: the shared cluster from the global setup, a per-test namespace fixture, and a describe
// that skips with the printed reason when the cluster could not run.
import { describe, inject, test } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, loadKubeConfig, type ClusterInfo } from '../cluster/index.js';
import './context.js';

/** The shared cluster's data (null when skipped). */
export const clusterInfo: ClusterInfo | null = inject('cluster');
/** Names of the simulated nodes, e.g. ['node-a', 'node-b', 'node-c']. */
export const simulatedNodes: readonly string[] = inject('simulatedNodes');

/** `describe` that runs only with a cluster; otherwise the suite is skipped and the reason printed. */
export function describeCluster(name: string, body: (info: ClusterInfo) => void): void {
  const info = clusterInfo;
  if (info === null) {
    const reason = inject('clusterSkipReason');
    console.log(`[e2e:cluster] skip "${name}": ${reason}`);
    describe.skip(name, () => {
      test.skip(`needs the control-plane binaries: ${reason}`, () => undefined);
    });
    return;
  }
  describe(name, () => body(info));
}

interface ClusterFixtures {
  /** Admin client configuration for the shared cluster. */
  kubeConfig: KubeConfig;
  /** A fresh namespace for this test, deleted (and waited for) afterwards. */
  namespace: string;
}

/** `test` with the cluster fixtures; on failure it prints where the cluster's logs are. */
export const clusterTest = test.extend<ClusterFixtures>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from this pattern.
  kubeConfig: async ({}, use) => {
    if (clusterInfo === null) throw new Error('no cluster: use describeCluster so the suite skips');
    await use(loadKubeConfig(clusterInfo.kubeconfigPath));
  },
  namespace: async ({ kubeConfig, task, onTestFailed }, use) => {
    onTestFailed(() => console.log(`[e2e:cluster] "${task.name}" failed; cluster logs in ${clusterInfo?.runDir ?? '?'}`));
    const namespace = await createTestNamespace(kubeConfig, task.name);
    try {
      await use(namespace.name);
    } finally {
      await namespace.delete();
    }
  },
});
