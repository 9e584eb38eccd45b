// Public API of @openlocal/agent: the pure decisions, for tools and tests that want them without the process.
export { buildNodeStorageInfo, type Discovery, type DiscoveredMountPoint } from './core/node-storage.js';
export { vgAllocatableBytes, isOurLv, type AllocatableInput } from './core/allocatable.js';
export { composeStatus, decideStatusWrite, withoutTimestamps } from './core/agent-status.js';
export { planVgInit, planMountInit, type VgInitStep, type MountInitStep, type DeviceFacts } from './core/init-plan.js';
export { parseConfig, type Config } from './cli.js';
