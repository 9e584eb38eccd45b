// @openlocal/lvm: host storage for Open-Local — LVM, block devices, filesystems and mounts.
export {
  CommandTimeoutError,
  createLocalExecutor,
  createNsenterExecutor,
  ExecError,
  type ExecOptions,
  type ExecResult,
  type Executor,
  type LocalExecutorOptions,
} from './executor.js';
export { CommandRegistry, type HungCommand } from './command-registry.js';
export { readProbeArgs, StorageWatch, type HungVg, type StorageHealth, type StorageWatchOptions } from './storage-watch.js';
export { zeroArgs, zeroDevice, type ZeroRequest } from './zero.js';
export { readDeviceIdentity } from './device-identity.js';
export { commandName, observeExecutor, type CommandOutcome, type CommandRecord } from './observed-executor.js';
export { Lvm, type CallOptions, type CreateLvRequest, type LvmOptions } from './lvm.js';
export type { LogicalVolume, LvmState, PhysicalVolume, VolumeGroup } from './types.js';
export { lvDevicePath, parseFullReport, parseLvReport } from './report-parser.js';
export {
  classifyLvmFailure,
  InsufficientSpaceError,
  InvalidArgumentError,
  LVM_ERROR_CODES,
  LvmError,
  type LvmErrorCode,
} from './errors.js';
export { validateDevicePath, validateLvName, validateSizeBytes, validateTag, validateVgName } from './names.js';
export { listBlockDevices, type BlockDevice, type ListBlockDevicesOptions } from './block-devices.js';
export { FILESYSTEM_TYPES, growFilesystem, makeFilesystem, probeFilesystem, type FilesystemType, type FsCallOptions } from './filesystem.js';
export {
  mount,
  mountArgs,
  parseMountInfo,
  readMountInfo,
  statFilesystem,
  unmount,
  validateMountPath,
  type FilesystemStats,
  type MountCallOptions,
  type MountEntry,
  type MountRequest,
} from './mounts.js';
export { KeyedSerializer } from './keyed-serializer.js';
export { HOST_PATHS_ENV, NODE_TOOLS, nodePreflight, parseHostPaths, preflightProblems, type PreflightFacts } from './preflight.js';
