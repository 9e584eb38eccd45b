// Public API of @openlocal/controller: the pure decisions, for tools and tests that want them without the process.
export { planNls, sweepNames, type NlsAction, type NlsPlanInput, type NlsView, type NodeView } from './core/nls-plan.js';
export { parseConfig, type Config } from './cli.js';
