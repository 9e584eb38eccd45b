// Kubelet plugin registration (pluginregistration v1) on `<registration-dir>/<driver>-reg.sock`: answers
// kubelet's GetInfo with where the CSI socket is, and records kubelet's verdict. This is the whole job of the
// node-driver-registrar sidecar, which the plugin therefore does not need.
import type { Logger } from 'pino';
import { readRegistrationStatus, type RegistrationInfo } from '../core/registration.js';
import { VolumeLocks } from '../core/volume-locks.js';
import type { PluginInfo } from '../generated/pluginregistration/PluginInfo.js';
import type { RegistrationStatus__Output } from '../generated/pluginregistration/RegistrationStatus.js';
import type { RegistrationStatusResponse } from '../generated/pluginregistration/RegistrationStatusResponse.js';
import { startGrpcServer, type RunningServer } from './grpc-server.js';
import type { CsiMetrics } from './metrics.js';
import { loadRegistrationProto } from './proto.js';
import { wrapUnary } from './request-wrapper.js';

export interface RegistrationDeps {
  info: RegistrationInfo;
  logger: Logger;
  metrics?: CsiMetrics | undefined;
}

/** The two handlers of the Registration service. */
export function createRegistrationService(deps: RegistrationDeps) {
  return {
    async GetInfo(): Promise<PluginInfo> {
      return deps.info;
    },
    async NotifyRegistrationStatus(status: RegistrationStatus__Output): Promise<RegistrationStatusResponse> {
      const outcome = readRegistrationStatus(status);
      deps.metrics?.observeRegistration(outcome.isRegistered);
      // node-driver-registrar exits here so its container restarts; we stay up: kubelet retries on its own
      // (the socket is still in its desired state) and the CSI socket keeps serving running volumes.
      if (outcome.isRegistered) deps.logger.info({ driver: deps.info.name, endpoint: deps.info.endpoint }, 'kubelet registered the driver');
      else deps.logger.warn({ driver: deps.info.name, endpoint: deps.info.endpoint, kubeletError: outcome.reason }, `kubelet refused to register the driver: ${outcome.reason}`);
      return {};
    },
  };
}

/** Serves the Registration service on `socketPath`; start it only once the CSI socket answers. */
export async function startRegistrationServer(options: RegistrationDeps & { socketPath: string }): Promise<RunningServer> {
  const handlers = createRegistrationService(options);
  const context = { logger: options.logger, locks: new VolumeLocks() };
  return startGrpcServer({
    endpoint: `unix://${options.socketPath}`,
    label: 'kubelet registration',
    logger: options.logger,
    services: [
      {
        name: 'pluginregistration.Registration',
        definition: loadRegistrationProto().pluginregistration.Registration.service,
        implementation: {
          // Kubelet re-sends GetInfo every 10 s to watch the connection: debug level, not info.
          GetInfo: wrapUnary(handlers.GetInfo, { ...context, method: 'GetInfo', isQuiet: true }),
          NotifyRegistrationStatus: wrapUnary(handlers.NotifyRegistrationStatus, { ...context, method: 'NotifyRegistrationStatus' }),
        },
      },
    ],
  });
}
