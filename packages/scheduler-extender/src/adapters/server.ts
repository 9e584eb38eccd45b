// The extender's listening server: HTTP, or HTTPS with optional client-certificate verification (kube-scheduler's
// extender tlsConfig), with deadlines for slow clients and a bound on open connections (issue #16).
// With a client CA, the routes that decide placement (/scheduler/*, /cache) need a certificate that CA signed;
// health, readiness, version, metrics, status and the provisioning route stay open, so kubelet probes and
// Prometheus work without one and the CSI plugin's plan requests need none (the provisioning route is guarded
// by the claim rules in core/extender.ts: docs/hardening.md).
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext, TLSSocket } from 'node:tls';
import { ConfigError, type TlsFiles } from '../cli.js';
import type { RequestListener } from './fast-lane.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
}

export interface ServerSettings {
  tls: TlsMaterial | undefined;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

function readPem(flag: string, path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new ConfigError(`${flag}: cannot read ${JSON.stringify(path)} (${reason})`, { cause: error });
  }
  if (!bytes.toString('latin1').includes('-----BEGIN ')) throw new ConfigError(`${flag}: ${JSON.stringify(path)} is not a PEM file`);
  return bytes;
}

/** Reads and checks the TLS files; a ConfigError names the flag and the path of what is wrong. */
export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const cert = readPem('--tls-cert-file', files.certFile);
  const key = readPem('--tls-private-key-file', files.keyFile);
  const ca = files.clientCaFile === undefined ? undefined : readPem('--tls-client-ca-file', files.clientCaFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`--tls-cert-file ${JSON.stringify(files.certFile)} / --tls-private-key-file ${JSON.stringify(files.keyFile)}: not a certificate and its key (${reason})`, { cause: error });
  }
  if (ca !== undefined) {
    try {
      createSecureContext({ ca });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`--tls-client-ca-file: ${JSON.stringify(files.clientCaFile)} holds no usable CA certificate (${reason})`, { cause: error });
    }
  }
  return { cert, key, ca };
}

/** Pure: whether a request to `url` needs a verified client certificate when a client CA is configured. */
export function needsClientCertificate(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path.startsWith('/scheduler/') || path === '/cache';
}

function refuseUnauthenticated(res: ServerResponse, reason: string): void {
  const body = JSON.stringify({ Error: `client certificate required: ${reason}`, code: 'UNAUTHENTICATED' });
  res.writeHead(401, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

/** Refuses requests to the placement routes over connections without a verified client certificate. */
export function withClientCertificates(next: RequestListener, onRefused?: (req: IncomingMessage) => void): RequestListener {
  return (req, res) => {
    const socket = req.socket;
    if (socket instanceof TLSSocket && !socket.authorized && needsClientCertificate(req.url ?? '')) {
      onRefused?.(req);
      refuseUnauthenticated(res, String(socket.authorizationError ?? 'none presented'));
      return;
    }
    next(req, res);
  };
}

/** An HTTP(S) server for `listener` under `settings` (not listening yet). */
export function createExtenderServer(listener: RequestListener, settings: ServerSettings): Server {
  const timeouts = {
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // How often node looks for requests past those deadlines (default 30 s would let slow clients linger).
    connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs),
    keepAliveTimeout: 5000,
  };
  const tls = settings.tls;
  const server: Server =
    tls === undefined
      ? createHttpServer(timeouts, listener)
      : createHttpsServer(
          {
            ...timeouts,
            cert: tls.cert,
            key: tls.key,
            minVersion: 'TLSv1.2',
            handshakeTimeout: settings.headersTimeoutMs,
            ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: false }),
          },
          tls.ca === undefined ? listener : withClientCertificates(listener),
        );
  server.maxConnections = settings.maxConnections;
  // A connection idle before or between requests is closed too, not only one stuck mid-request.
  server.timeout = settings.requestTimeoutMs;
  return server;
}
