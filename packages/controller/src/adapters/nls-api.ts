// Writes of NodeLocalStorage objects. The spec is replaced with a JSON patch on /spec only, so the agent's
// status (a subresource) and metadata such as the storage-reserved annotation are never sent back stale.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, GROUP, NLS, VERSION, type NodeLocalStorageSpec } from '@openlocal/crd-types';
import { httpStatusOf } from '@openlocal/kube-runtime';

/** The NLS writes the controller makes. */
export interface NlsWriter {
  /** Resolves 'exists' when another writer created it first (409); the watch brings it into the cache. */
  create(name: string, spec: NodeLocalStorageSpec): Promise<'created' | 'exists'>;
  replaceSpec(name: string, spec: NodeLocalStorageSpec): Promise<void>;
  /** Already gone counts as deleted. */
  delete(name: string): Promise<void>;
}

export function createNlsWriter(kubeConfig: KubeConfig): NlsWriter {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const target = { group: GROUP, version: VERSION, plural: NLS.plural };
  return {
    async create(name, spec) {
      try {
        await api.createClusterCustomObject({ ...target, body: { apiVersion: API_VERSION, kind: NLS.kind, metadata: { name }, spec } });
        return 'created';
      } catch (error) {
        if (httpStatusOf(error) === 409) return 'exists';
        throw error;
      }
    },
    async replaceSpec(name, spec) {
      // JSON patch (client-node's default for custom objects): `add` replaces /spec whole, creating it if absent.
      await api.patchClusterCustomObject({ ...target, name, body: [{ op: 'add', path: '/spec', value: spec }] });
    },
    async delete(name) {
      try {
        await api.deleteClusterCustomObject({ ...target, name });
      } catch (error) {
        if (httpStatusOf(error) !== 404) throw error;
      }
    },
  };
}
