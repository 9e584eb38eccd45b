// The operations endpoints of every app: /healthz (the process serves), /readyz (caches synced) and /metrics
// (Prometheus). The agent, the controller and the CSI plugin serve theirs through this one server; the extender's
// own API server listens through listenHttpServer.
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Registry } from 'prom-client';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Reasons the process is not ready; empty when ready. Without it /readyz always answers ok. */
  readonly notReadyReasons?: () => string[];
}

export interface RunningHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const reasons = options.notReadyReasons?.() ?? [];
    res.status(reasons.length === 0 ? 200 : 503).type('text/plain').send(reasons.length === 0 ? 'ok\n' : `${reasons.join('\n')}\n`);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  return listenHttpServer(createServer(app), options);
}

/**
 * Starts `server` listening on `host:port` (port 0 picks a free one) and resolves once it does, or rejects with the
 * listen error (EADDRINUSE, EACCES). The extender listens through this with its own TLS server; close() stops
 * accepting and drops idle keep-alive connections, so a stopping app is not held open by them.
 */
export async function listenHttpServer(server: Server, options: { readonly host: string; readonly port: number }): Promise<RunningHttpServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
