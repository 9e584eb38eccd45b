// The gRPC server on a unix socket: removes a stale socket (never a live one, never any other kind of file),
// binds, tightens the socket to 0600, adds the standard health service, and shuts down gracefully with a deadline.
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { socketPathFromEndpoint } from '../core/endpoint.js';

export interface ServiceEntry {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /** Name reported by the health service, e.g. csi.v1.Node. */
  name: string;
}

export interface RunningServer {
  socketPath: string;
  /** Stops accepting calls, waits up to `graceMs` for running ones, then forces. */
  close(graceMs?: number): Promise<void>;
}


async function removeStaleSocket(path: string): Promise<void> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (info === null) return;
  if (!info.isSocket()) throw new Error(`refusing to replace ${path}: it exists and is not a socket`);
  if (await isAnswering(path)) throw new Error(`refusing to replace ${path}: another process is serving it`);
  await unlink(path);
}

/** Whether something accepts connections on the socket; a socket left by a dead process refuses them. */
function isAnswering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    // A listener too busy to accept within a second is still alive.
    const timer = setTimeout(() => finish(true), 1000);
    const finish = (isAlive: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(isAlive);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function bind(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve()));
  });
}

/** Starts serving `services` on the unix socket of `endpoint`. */
export async function startGrpcServer(options: {
  endpoint: string;
  services: ServiceEntry[];
  logger: Logger;
  /** What the log line says is served; `CSI` unless given. */
  label?: string;
}): Promise<RunningServer> {
  const socketPath = socketPathFromEndpoint(options.endpoint);
  await mkdir(dirname(socketPath), { recursive: true });
  await removeStaleSocket(socketPath);
  const server = new Server();
  const health = new HealthImplementation({ '': 'SERVING' });
  for (const service of options.services) {
    server.addService(service.definition, service.implementation);
    health.setStatus(service.name, 'SERVING');
  }
  health.addToServer(server);
  await bind(server, `unix://${socketPath}`);
  await chmod(socketPath, 0o600);
  options.logger.info({ socketPath, services: options.services.map((s) => s.name) }, `serving ${options.label ?? 'CSI'}`);
  return {
    socketPath,
    close: async (graceMs = 10_000) => {
      for (const service of options.services) health.setStatus(service.name, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          options.logger.warn({ graceMs }, 'calls still running after the grace period; forcing shutdown');
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await unlink(socketPath).catch(() => undefined);
    },
  };
}
