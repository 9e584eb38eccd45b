// Public API of @openlocal/csi-plugin: start the plugin in-process (tests, embedding) and its typed protocol.
export { parseConfig, type Config } from './cli.js';
export { startPlugin, run, type RunningPlugin } from './run.js';
export { loadCsiProto, loadRegistrationProto, csiProtoPath, LOADER_OPTIONS } from './adapters/proto.js';
export { GRPC_STATUS_BY_CODE, toServiceError } from './adapters/service-error.js';
export { OWNER_TAG, EPHEMERAL_TAG } from './core/driver-info.js';
export type { ProtoGrpcType } from './generated/csi.js';
export type { ProtoGrpcType as RegistrationProtoGrpcType } from './generated/pluginregistration.js';
