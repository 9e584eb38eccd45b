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

export interface ListOptions<T> {
  /**
   * Items per request (`limit`, then `continue` until the server has sent all): the API server's paged LIST,
   * as client-go's reflector does (500). A 20,000-item list then never sits in memory as one JSON text and one
   * parsed array of whole objects (issue #19). Default: one request for everything.
   */
  pageSize?: number;
  /** Applied to each item of a page (after dropManagedFields) before the next page is asked for. */
  map?: (item: T) => T;
  fieldSelector?: string;
}

interface ListPage<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

function pagePath(path: string, options: Pick<ListOptions<unknown>, 'pageSize' | 'fieldSelector'>, token: string | undefined): string {
  const query = new URLSearchParams();
  if (options.pageSize !== undefined) query.set('limit', String(options.pageSize));
  if (token !== undefined) query.set('continue', token);
  if (options.fieldSelector !== undefined) query.set('fieldSelector', options.fieldSelector);
  const text = query.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

/**
 * GETs `path` (e.g. `/api/v1/persistentvolumes`) from the kubeconfig's current cluster and returns the list,
 * each item passed through dropManagedFields and `options.map`, in pages of `options.pageSize`. The list's
 * metadata is the last page's (every page of one LIST carries the snapshot's resourceVersion). Rejects with a
 * ListError naming the path and status on a non-2xx answer, and with the transport's error when there is none.
 */
export async function listObjects<T extends KubernetesObject>(kubeConfig: KubeConfig, path: string, options: ListOptions<T> = {}): Promise<KubernetesListObject<T>> {
  checkListRequest(path, options.pageSize);
  const slim = (item: T): T => (options.map === undefined ? dropManagedFields(item) : options.map(dropManagedFields(item)));
  const items: T[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await listPage<T>(kubeConfig, path, pagePath(path, options, token));
    for (const item of page.items) items.push(slim(item));
    token = page.metadata?.continue || undefined;
    if (token === undefined) {
      const metadata = { ...page.metadata };
      delete metadata.continue;
      return { ...page, metadata, items } as KubernetesListObject<T>;
    }
  }
}

function checkListRequest(path: string, pageSize: number | undefined): void {
  if (!path.startsWith('/')) throw new Error(`listObjects: path must start with "/", got ${JSON.stringify(path)}`);
  if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1)) {
    throw new Error(`listObjects: pageSize must be a positive integer, got ${JSON.stringify(pageSize)}`);
  }
}

async function listPage<T>(kubeConfig: KubeConfig, path: string, pageUrl: string): Promise<ListPage<T>> {
  const body = await sendApiRequest(kubeConfig, { method: 'GET', path: pageUrl });
  if (body.status < 200 || body.status > 299) throw new ListError(body.status, path, statusMessageOf(body.text));
  return JSON.parse(body.text) as ListPage<T>;
}
