// The project's CRD manifests, from @openlocal/crd-types (the one source of truth the chart also uses).
import type { KubernetesObject } from '@kubernetes/client-node';
import { crdManifestPaths, loadCrdManifests } from '@openlocal/crd-types';

/** Where @openlocal/crd-types keeps the CRD YAML files (for messages and for tools that take paths). */
export function openLocalCrdPaths(): string[] {
  return Object.values(crdManifestPaths());
}

/** Every CRD object of the project (NodeLocalStorage, NodeLocalStorageInitConfig), parsed and checked by the package. */
export async function openLocalCrds(options: { signal?: AbortSignal } = {}): Promise<KubernetesObject[]> {
  const manifests = await loadCrdManifests(options);
  return [manifests.nodeLocalStorages, manifests.nodeLocalStorageInitConfigs];
}
