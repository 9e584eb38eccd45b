// Registers the Identity, Controller and Node handlers with grpc-js through the one request wrapper. Calls
// that name a volume take its lock; unimplemented methods fall through to grpc-js's UNIMPLEMENTED.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { VolumeLocks } from '../core/volume-locks.js';
import type { ProtoGrpcType } from '../generated/csi.js';
import type { ControllerService } from './controller-service.js';
import type { ServiceEntry } from './grpc-server.js';
import type { IdentityService } from './identity-service.js';
import type { CsiMetrics } from './metrics.js';
import type { NodeService } from './node-service.js';
import { wrapUnary, type Handler } from './request-wrapper.js';

type AnyHandlers = Record<string, Handler<never, unknown>>;

/** Which request field names the volume, per method (CreateVolume uses the requested name). */
const LOCK_FIELD: Readonly<Record<string, 'name' | 'volume_id' | 'snapshot_id'>> = {
  CreateVolume: 'name',
  DeleteVolume: 'volume_id',
  ControllerExpandVolume: 'volume_id',
  NodeStageVolume: 'volume_id',
  NodeUnstageVolume: 'volume_id',
  NodePublishVolume: 'volume_id',
  NodeUnpublishVolume: 'volume_id',
  NodeExpandVolume: 'volume_id',
  CreateSnapshot: 'name',
  DeleteSnapshot: 'snapshot_id',
};

const QUIET = new Set(['Probe', 'GetPluginInfo', 'GetPluginCapabilities', 'ControllerGetCapabilities', 'NodeGetCapabilities', 'NodeGetInfo', 'NodeGetVolumeStats', 'GetCapacity']);

function implement(handlers: AnyHandlers, context: { logger: Logger; locks: VolumeLocks; metrics?: CsiMetrics | undefined }): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    const field = LOCK_FIELD[method];
    implementation[method] = wrapUnary<Record<string, unknown>, unknown>(handler as Handler<Record<string, unknown>, unknown>, {
      method,
      logger: context.logger,
      locks: context.locks,
      metrics: context.metrics,
      isQuiet: QUIET.has(method),
      ...(field === undefined ? {} : { lockKey: (request: Record<string, unknown>) => String(request[field] ?? '') }),
    });
  }
  return implementation;
}

export function buildServiceEntries(options: {
  proto: ProtoGrpcType;
  identity: IdentityService;
  controller: ControllerService;
  node?: NodeService | undefined;
  logger: Logger;
  locks: VolumeLocks;
  metrics?: CsiMetrics | undefined;
}): ServiceEntry[] {
  const v1 = options.proto.csi.v1;
  const context = { logger: options.logger, locks: options.locks, metrics: options.metrics };
  const entries: ServiceEntry[] = [
    { name: 'csi.v1.Identity', definition: v1.Identity.service, implementation: implement(options.identity as unknown as AnyHandlers, context) },
    { name: 'csi.v1.Controller', definition: v1.Controller.service, implementation: implement(options.controller as unknown as AnyHandlers, context) },
  ];
  if (options.node !== undefined) {
    entries.push({ name: 'csi.v1.Node', definition: v1.Node.service, implementation: implement(options.node as unknown as AnyHandlers, context) });
  }
  return entries;
}
