// Installing CustomResourceDefinitions and waiting until the API server serves them.
import { ApiextensionsV1Api, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { applyManifests, type Manifests } from './apply.js';
import { waitFor } from './wait.js';

function isConditionTrue(crd: V1CustomResourceDefinition, type: string): boolean {
  return (crd.status?.conditions ?? []).some((condition) => condition.type === type && condition.status === 'True');
}

/** Lists the custom resources once: answers 429 "storage is (re)initializing" until the watch cache is ready. */
async function listOnce(objects: CustomObjectsApi, crd: V1CustomResourceDefinition): Promise<void> {
  const version = crd.spec.versions.find((entry) => entry.storage)?.name ?? crd.spec.versions[0]?.name ?? '';
  const target = { group: crd.spec.group, version, plural: crd.spec.names.plural, limit: 1 };
  if (crd.spec.scope === 'Cluster') await objects.listClusterCustomObject(target);
  else await objects.listCustomObjectForAllNamespaces(target);
}

/**
 * Applies CRDs and waits until each is Established with its names accepted and its objects can be listed;
 * returns their names.
 */
export async function installCrds(kubeConfig: KubeConfig, crds: Manifests, options: { readonly timeoutMs?: number } = {}): Promise<string[]> {
  const applied = await applyManifests(kubeConfig, crds);
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const names = applied.map((object) => {
    if (object.kind !== 'CustomResourceDefinition') throw new Error(`installCrds got a ${String(object.kind)}, not a CustomResourceDefinition`);
    return object.metadata?.name ?? '';
  });
  for (const name of names) {
    await waitFor({ what: `CRD ${name} to be Established and listable`, timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 }, async () => {
      const crd = await api.readCustomResourceDefinition({ name });
      if (!isConditionTrue(crd, 'Established') || !isConditionTrue(crd, 'NamesAccepted')) return { done: false, observed: crd.status?.conditions };
      await listOnce(objects, crd);
      return { done: true, value: undefined };
    });
  }
  return names;
}
