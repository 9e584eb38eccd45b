// The agent's writes to its own NodeLocalStorage: status only, through the status subresource, replacing it
// whole with a JSON patch so that no stale field survives and spec/metadata are never sent.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, NLS, VERSION, type NodeLocalStorageStatus } from '@openlocal/crd-types';
import { withDeadline } from '@openlocal/kube-runtime';

/** Deadline of one status write: a pass must not wait for an API server that stopped answering. */
const WRITE_TIMEOUT_MS = 30_000;

export interface NlsStatusWriter {
  writeStatus(name: string, status: NodeLocalStorageStatus): Promise<void>;
}

export function createNlsStatusWriter(kubeConfig: KubeConfig): NlsStatusWriter {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    async writeStatus(name, status) {
      const body = [{ op: 'add', path: '/status', value: status }];
      await withDeadline(`patch NodeLocalStorage ${name} status`, WRITE_TIMEOUT_MS, api.patchClusterCustomObjectStatus({ group: GROUP, version: VERSION, plural: NLS.plural, name, body }));
    },
  };
}
