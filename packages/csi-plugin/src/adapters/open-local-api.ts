// The Kubernetes reads behind adoption (#15) and the upgrade check: Open-Local's PVs, NLS objects and node names.
// Read-only; every call has a deadline so a hung API server fails the CSI call instead of holding its lock.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { decodeOpenLocalPv, GROUP, NLS, VERSION, type NodeLocalStorage, type OpenLocalPv } from '@openlocal/crd-types';
import { DeadlineExceededError, httpStatusOf, withDeadline } from '@openlocal/kube-runtime';
import { CsiError } from '../core/errors.js';
import type { AdoptionSource } from '../ports.js';

export interface OpenLocalApi extends AdoptionSource {
  listNls(): Promise<NodeLocalStorage[]>;
  listNodeNames(): Promise<string[]>;
}

/** The API call within its deadline; a missed deadline is UNAVAILABLE, which the caller may retry. */
async function timedCall<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  try {
    return await withDeadline(what, timeoutMs, work);
  } catch (error) {
    if (!(error instanceof DeadlineExceededError)) throw error;
    throw new CsiError('UNAVAILABLE', `${what}: no answer from the API server within ${timeoutMs} ms`, { cause: error });
  }
}

export function createOpenLocalApi(options: { kubeConfig: KubeConfig; timeoutMs: number }): OpenLocalApi {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
  const timed = <T>(what: string, work: Promise<T>) => timedCall(what, options.timeoutMs, work);
  return {
    async listOpenLocalPvs() {
      const list = await timed('list persistentvolumes', core.listPersistentVolume());
      return list.items.map((pv) => decodeOpenLocalPv(pv)).filter((pv): pv is OpenLocalPv => pv !== undefined);
    },
    async getNls(nodeName) {
      try {
        return (await timed(`get nls ${nodeName}`, custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: nodeName }))) as NodeLocalStorage;
      } catch (error) {
        if (httpStatusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async listNls() {
      const list = (await timed('list nls', custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural }))) as { items?: NodeLocalStorage[] };
      return list.items ?? [];
    },
    async listNodeNames() {
      const list = await timed('list nodes', core.listNode());
      return list.items.map((node) => node.metadata?.name ?? '');
    },
  };
}
