// Installing CustomResourceDefinitions and waiting until the API server serves them.
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyManifests, type Manifests } from './apply.js';
import { waitFor } from './wait.js';

/** Applies CRDs and waits until each is Established with its names accepted; returns their names. */
export async function installCrds(kubeConfig: KubeConfig, crds: Manifests, options: { readonly timeoutMs?: number } = {}): Promise<string[]> {
  const applied = await applyManifests(kubeConfig, crds);
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const names = applied.map((object) => {
    if (object.kind !== 'CustomResourceDefinition') throw new Error(`installCrds got a ${String(object.kind)}, not a CustomResourceDefinition`);
    return object.metadata?.name ?? '';
  });
  for (const name of names) {
    await waitFor({ what: `CRD ${name} to be Established`, timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 }, async () => {
      const crd = await api.readCustomResourceDefinition({ name });
      const conditions = crd.status?.conditions ?? [];
      const isTrue = (type: string): boolean => conditions.some((condition) => condition.type === type && condition.status === 'True');
      return isTrue('Established') && isTrue('NamesAccepted') ? { done: true, value: undefined } : { done: false, observed: conditions };
    });
  }
  return names;
}
