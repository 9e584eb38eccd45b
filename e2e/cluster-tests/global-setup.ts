// Vitest global setup for e2e:cluster: starts one shared cluster (or explains why the suite is skipped),
// prints start-up and teardown timings, and always tears the cluster down.
import type { TestProject } from 'vitest/node';
import { CONTROL_PLANE_TOOLS, missingToolsReason, startCluster } from '../cluster/index.js';
import { SHARED_NODES } from './context.js';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const reason = missingToolsReason(CONTROL_PLANE_TOOLS);
  if (reason !== null) {
    console.log(`[e2e:cluster] skipping the cluster suite: ${reason}`);
    project.provide('cluster', null);
    project.provide('clusterSkipReason', reason);
    project.provide('simulatedNodes', []);
    return undefined;
  }
  const cluster = await startCluster({ nodes: SHARED_NODES });
  const phases = Object.entries(cluster.timings.phasesMs).map(([phase, ms]) => `${phase} ${seconds(ms)} s`).join(', ');
  console.log(`[e2e:cluster] control plane start to ready: ${seconds(cluster.timings.readyMs)} s (${phases})`);
  console.log(`[e2e:cluster] logs: ${cluster.runDir}`);
  project.provide('cluster', cluster.info());
  project.provide('clusterSkipReason', '');
  project.provide('simulatedNodes', cluster.nodes.names());
  return async () => {
    const problems = cluster.problems();
    const { teardownMs } = await cluster.stop();
    console.log(`[e2e:cluster] teardown: ${seconds(teardownMs)} s`);
    if (problems.length > 0) console.log(`[e2e:cluster] problems during the run (logs in ${cluster.runDir}):\n  ${problems.join('\n  ')}`);
  };
}
