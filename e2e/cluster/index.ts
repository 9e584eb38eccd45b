// The e2e harness's public API: a real control plane with simulated nodes, processes with logs, manifests,
// waits and per-test namespaces. See e2e/README.md.
export { startCluster, loadKubeConfig, type Cluster, type ClusterInfo, type ClusterOptions, type ClusterTimings } from './cluster.js';
export { ProcessGroup, type ManagedProcess, type ProcessSpec, type ExitInfo } from './process-group.js';
export { appProcessSpec, resolveAppBin, type AppProcessOptions } from './app-process.js';
export { startScheduler, renderSchedulerConfig, type ExtenderConfig, type SchedulerConfigOptions, type SchedulerOptions } from './scheduler.js';
export { SimulatedNodes, SIMULATED_NODE_LABEL, type SimulatedNodeSpec } from './simulated-nodes.js';
export { applyManifests, deleteManifests, parseManifests, withNamespace, FIELD_MANAGER, type Manifests } from './apply.js';
export { installCrds } from './crds.js';
export { openLocalCrds, openLocalCrdPaths } from './openlocal-crds.js';
export { snapshotCrds, snapshotCrdsDir, snapshotCrdsMissingReason } from './snapshot-crds.js';
export { waitFor, WaitTimeoutError, type PollResult, type WaitOptions } from './wait.js';
export { createTestNamespace, namespaceNameFor, type TestNamespace } from './namespace.js';
export { freePorts } from './free-port.js';
export { probe, waitForHealthy, type ProbeResult, type ProbeTls } from './readiness.js';
export { createRunDir, repoRoot, toolsBinDir } from './paths.js';
export { CONTROL_PLANE_TOOLS, missingTools, missingToolsReason, toolPath, type ToolName } from './tools.js';
export type { Pki } from './pki.js';
export { writeAdminKubeconfig } from './kubeconfig.js';
export {
  startNlsCluster, createNode, deleteNode, applyInitConfig, getNls, waitForNls, readMetric, sumMetric, restartApiServer, type NlsWait,
} from './nls.js';
export { runHelm, type HelmResult } from './helm.js';
export {
  OPEN_LOCAL_VALUES_FILE, OPEN_LOCAL_VG_INCLUDE, installOpenLocalRelease, createOpenLocalClaim, openLocalVgStatus, writeOpenLocalNls,
  type OpenLocalReleaseOptions, type OpenLocalVolume, type OpenLocalClaimOptions, type LvmVgFacts,
} from './open-local-v071.js';
