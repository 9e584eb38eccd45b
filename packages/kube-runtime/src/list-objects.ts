// LIST of one resource path as plain JSON, with the kubeconfig's TLS and credentials: what an informer needs,
// without client-node's generated API classes (loading those costs a process ~60 MiB of RSS, issue #19).
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';

/** A LIST that the API server refused: `code` is the HTTP status, as client-node's ApiException has it. */
export class ListError extends Error {
  constructor(
    readonly code: number,
    readonly path: string,
    detail: string,
  ) {
    super(`LIST ${path}: HTTP ${code}: ${detail}`);
    this.name = 'ListError';
  }
}

/** Removes what no reader here uses from an object before it is cached: metadata.managedFields. */
export function dropManagedFields<T extends KubernetesObject>(object: T): T {
  if (object.metadata?.managedFields !== undefined) delete object.metadata.managedFields;
  return object;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/**
 * GETs `path` (e.g. `/api/v1/persistentvolumes`) from the kubeconfig's current cluster and returns the list,
 * each item passed through dropManagedFields. Rejects with a ListError naming the path and status on a non-2xx
 * answer, and with the transport's error when there is no answer.
 */
export async function listObjects<T extends KubernetesObject>(kubeConfig: KubeConfig, path: string): Promise<KubernetesListObject<T>> {
  if (!path.startsWith('/')) throw new Error(`listObjects: path must start with "/", got ${JSON.stringify(path)}`);
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('listObjects: the kubeconfig has no current cluster');
  // The server may carry a path prefix (a proxy): the resource path goes after it.
  const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
  const options: RequestOptions & { headers: Record<string, string> } = { method: 'GET', headers: { Accept: 'application/json' } };
  await kubeConfig.applyToHTTPSOptions(options);
  const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, options, (response) => {
      readBody(response).then((text) => resolve({ status: response.statusCode ?? 0, text }), reject);
    });
    request.on('error', reject);
    request.end();
  });
  if (body.status < 200 || body.status > 299) {
    let detail = body.text.slice(0, 300);
    try {
      detail = (JSON.parse(body.text) as { message?: string }).message ?? detail;
    } catch {
      // Not JSON: keep the text.
    }
    throw new ListError(body.status, path, detail);
  }
  const list = JSON.parse(body.text) as KubernetesListObject<T>;
  for (const item of list.items) dropManagedFields(item);
  return list;
}
