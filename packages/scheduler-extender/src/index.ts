// Public API of the scheduler extender package: the pure decision core and the HTTP app, for e2e suites and
// benchmarks that drive the real server in-process. The binary is src/main.ts.
export { ClusterState, type ClusterStateOptions, type Plan } from './core/cluster-state.js';
export { Extender, type ExtenderOptions } from './core/extender.js';
export { ExtenderError, type ExtenderErrorCode } from './core/errors.js';
export type { BindingInfo, ExtenderArgs, ExtenderFilterResult, HostPriority } from './core/wire.js';
export type { Strategy, AntiAffinityWeights } from './core/types.js';
export { createHttpApp, type HttpAppOptions } from './adapters/http-app.js';
export { createMetrics } from './adapters/metrics.js';
export { parseConfig, type Config } from './cli.js';
