// What the global setup hands to test files through vitest's provide/inject.
import type { ClusterInfo } from '../cluster/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared cluster, or null when it could not be started for a printed reason (missing binaries). */
    cluster: ClusterInfo | null;
    /** Why the suite is skipped; empty when the cluster runs. */
    clusterSkipReason: string;
    /** Names of the simulated nodes the global setup created. */
    simulatedNodes: string[];
  }
}

/** The simulated nodes every cluster test can rely on. */
export const SHARED_NODES = [
  { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-1' } },
  { name: 'node-b', labels: { 'topology.kubernetes.io/zone': 'zone-1' } },
  { name: 'node-c', labels: { 'topology.kubernetes.io/zone': 'zone-2' } },
] as const;
