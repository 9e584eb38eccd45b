// One plain-JSON request to the API server with the kubeconfig's TLS and credentials, over node:http(s): what
// listObjects and the few writes of a lean daemon need, without client-node's generated API classes (the
// extender's bundle lost ~3 MB of code and its process ~10 MiB of RSS when its one PATCH stopped using
// CoreV1Api, issue #19).
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** A request the API server refused: `code` is the HTTP status, as client-node's ApiException has it. */
export class ApiRequestError extends Error {
  constructor(
    readonly code: number,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export interface ApiRequest {
  method: 'GET' | 'PATCH';
  /** Starts with "/", e.g. `/api/v1/namespaces/ns/persistentvolumeclaims/c`. */
  path: string;
  /** Sent as JSON with `contentType`. */
  body?: unknown;
  contentType?: 'application/json-patch+json' | 'application/merge-patch+json';
  /**
   * How long the server may stay silent (no connection, no bytes) before the request is abandoned with an error
   * naming the path; default API_REQUEST_IDLE_TIMEOUT_MS. Nothing a daemon asks may wait forever (issue #16).
   */
  idleTimeoutMs?: number;
}

/** A page of 500 objects comes in well under this even from a loaded API server; a hung one never does. */
export const API_REQUEST_IDLE_TIMEOUT_MS = 60_000;

export interface ApiAnswer {
  status: number;
  text: string;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** The server's own message from a Status body, else the start of the text. */
export function statusMessageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON (a proxy's page): the text itself says what happened.
  }
  return text.slice(0, 300);
}

/**
 * Sends `request` to the kubeconfig's current cluster (a server path prefix is kept) and resolves with the status
 * and body text whatever the status; rejects with the transport's error when there is no answer.
 */
export async function sendApiRequest(kubeConfig: KubeConfig, request: ApiRequest): Promise<ApiAnswer> {
  if (!request.path.startsWith('/')) throw new Error(`api request: path must start with "/", got ${JSON.stringify(request.path)}`);
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('api request: the kubeconfig has no current cluster');
  const url = new URL(`${server.replace(/\/+$/, '')}${request.path}`);
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (payload !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
  const options: RequestOptions & { headers: Record<string, string> } = { method: request.method, headers };
  await kubeConfig.applyToHTTPSOptions(options);
  return new Promise<ApiAnswer>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(url, options, (response) => {
      readBody(response).then((text) => resolve({ status: response.statusCode ?? 0, text }), reject);
    });
    const idleTimeoutMs = request.idleTimeoutMs ?? API_REQUEST_IDLE_TIMEOUT_MS;
    // Destroying the request rejects through 'error', and also stops a response that went silent mid-body.
    outgoing.setTimeout(idleTimeoutMs, () => {
      outgoing.destroy(new Error(`${request.method} ${request.path}: no answer from the API server for ${idleTimeoutMs} ms`));
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

export interface PatchRequest {
  /** The object's path, e.g. `/api/v1/namespaces/ns/persistentvolumeclaims/c`. */
  path: string;
  patch: unknown;
  /** Default: a JSON patch. */
  contentType?: ApiRequest['contentType'];
}

/**
 * PATCHes the object at `path` with `patch` and resolves with the object the server returned; rejects with an
 * ApiRequestError naming the path, status and server message on a non-2xx answer.
 */
export async function patchObject<T>(kubeConfig: KubeConfig, { path, patch, contentType = 'application/json-patch+json' }: PatchRequest): Promise<T> {
  const answer = await sendApiRequest(kubeConfig, { method: 'PATCH', path, body: patch, contentType });
  if (answer.status < 200 || answer.status > 299) {
    throw new ApiRequestError(answer.status, path, `PATCH ${path}: HTTP ${answer.status}: ${statusMessageOf(answer.text)}`);
  }
  return JSON.parse(answer.text) as T;
}
