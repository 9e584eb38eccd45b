// Proof the simulated nodes are kept alive for real: kube-controller-manager's node lifecycle controller taints
// a node whose heartbeats stopped, while the heartbeating shared nodes stay Ready and untainted.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { expect, onTestFinished } from 'vitest';
import { SimulatedNodes, waitFor } from '../cluster/index.js';
import { clusterTest, describeCluster, simulatedNodes } from './harness.js';

function readyStatus(node: V1Node): string | undefined {
  return node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status;
}

describeCluster('simulated nodes and the node lifecycle controller', () => {
  clusterTest('a node whose heartbeats stop is tainted unreachable while heartbeating nodes stay Ready', async ({ kubeConfig }) => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const name = `silent-${randomBytes(3).toString('hex')}`;
    const silent = new SimulatedNodes(kubeConfig);
    // Not labelled as a shared simulated node, so no other test's pods can land on it.
    await silent.add([{ name, labels: { 'openlocal.e2e/simulated': 'silent' } }]);
    onTestFinished(async () => {
      await core.deleteNode({ name });
    });
    await silent.stop();
    const stoppedAt = Date.now();

    const tainted = await waitFor({ what: `node ${name} to be tainted node.kubernetes.io/unreachable`, timeoutMs: 120_000, intervalMs: 1000 }, async () => {
      const node = await core.readNode({ name });
      const isUnreachable = (node.spec?.taints ?? []).some((taint) => taint.key === 'node.kubernetes.io/unreachable');
      return isUnreachable ? { done: true, value: node } : { done: false, observed: { taints: node.spec?.taints, ready: readyStatus(node) } };
    });
    console.log(`[e2e:cluster] node ${name} tainted unreachable ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after its last heartbeat`);
    expect(readyStatus(tainted)).toBe('Unknown');

    for (const nodeName of simulatedNodes) {
      const node = await core.readNode({ name: nodeName });
      expect({ node: nodeName, ready: readyStatus(node), taints: node.spec?.taints ?? [] }).toEqual({ node: nodeName, ready: 'True', taints: [] });
    }
  });
});
