// LIST of one resource path as plain JSON, with the kubeconfig's TLS and credentials: what an informer needs,
// without client-node's generated API classes (loading those costs a process ~60 MiB of RSS, issue #19).
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { ApiRequestError, sendApiRequest, statusMessageOf } from './api-request.js';

/** A LIST that the API server refused: `code` is the HTTP status, as client-node's ApiException has it. */
export class ListError extends ApiRequestError {
  constructor(code: number, path: string, detail: string) {
    super(code, path, `LIST ${path}: HTTP ${code}: ${detail}`);
    this.name = 'ListError';
  }
}

/** Removes what no reader here uses from an object before it is cached: metadata.managedFields. */
export function dropManagedFields<T extends KubernetesObject>(object: T): T {
  if (object.metadata?.managedFields !== undefined) delete object.metadata.managedFields;
  return object;
}

/**
 * GETs `path` (e.g. `/api/v1/persistentvolumes`) from the kubeconfig's current cluster and returns the list,
 * each item passed through dropManagedFields. Rejects with a ListError naming the path and status on a non-2xx
 * answer, and with the transport's error when there is no answer.
 */
export async function listObjects<T extends KubernetesObject>(kubeConfig: KubeConfig, path: string): Promise<KubernetesListObject<T>> {
  if (!path.startsWith('/')) throw new Error(`listObjects: path must start with "/", got ${JSON.stringify(path)}`);
  const body = await sendApiRequest(kubeConfig, { method: 'GET', path });
  if (body.status < 200 || body.status > 299) throw new ListError(body.status, path, statusMessageOf(body.text));
  const list = JSON.parse(body.text) as KubernetesListObject<T>;
  for (const item of list.items) dropManagedFields(item);
  return list;
}
