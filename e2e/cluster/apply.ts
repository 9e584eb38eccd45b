// Applying manifests (YAML text or objects) with server-side apply, the way `kubectl apply --server-side` does.
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** The field manager our harness applies as. */
export const FIELD_MANAGER = 'openlocal-e2e';

/** Manifests in any of the forms tests write them. */
export type Manifests = string | KubernetesObject | readonly (string | KubernetesObject)[];

function checkHeader(object: unknown, where: string): KubernetesObject {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new Error(`${where}: a manifest must be a mapping, got ${JSON.stringify(object)}`);
  }
  const candidate = object as KubernetesObject;
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof candidate[field] !== 'string' || candidate[field] === '') {
      throw new Error(`${where}: ${field} must be a non-empty string, got ${JSON.stringify(candidate[field])}`);
    }
  }
  if (typeof candidate.metadata?.name !== 'string' || candidate.metadata.name === '') {
    throw new Error(`${where}: metadata.name must be a non-empty string, got ${JSON.stringify(candidate.metadata?.name)}`);
  }
  return candidate;
}

/** Pure: YAML (one or more documents) or objects to a list of checked objects; empty documents are skipped. */
export function parseManifests(manifests: Manifests): KubernetesObject[] {
  const items = Array.isArray(manifests) ? (manifests as readonly (string | KubernetesObject)[]) : [manifests as string | KubernetesObject];
  return items.flatMap((item, itemIndex) => {
    if (typeof item !== 'string') return [checkHeader(item, `manifest ${itemIndex}`)];
    return parseAllDocuments(item).flatMap((document, documentIndex) => {
      const where = `manifest ${itemIndex} document ${documentIndex}`;
      if (document.errors.length > 0) throw new Error(`${where}: invalid YAML: ${document.errors[0]?.message ?? ''}`);
      const value: unknown = document.toJS();
      return value === null || value === undefined ? [] : [checkHeader(value, where)];
    });
  });
}

/** A copy of a KubeConfig whose current context defaults to `namespace` (for namespaced objects without one). */
export function withNamespace(kubeConfig: KubeConfig, namespace: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.clusters,
    users: kubeConfig.users,
    contexts: kubeConfig.contexts.map((context) => (context.name === kubeConfig.currentContext ? { ...context, namespace } : context)),
    currentContext: kubeConfig.currentContext,
  });
  return copy;
}

/**
 * Server-side applies each object in order and returns what the API server stored. With `namespace`,
 * namespaced objects that name none land there; cluster-scoped objects are unaffected.
 */
export async function applyManifests(
  kubeConfig: KubeConfig,
  manifests: Manifests,
  options: { readonly namespace?: string } = {},
): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(options.namespace ? withNamespace(kubeConfig, options.namespace) : kubeConfig);
  const applied: KubernetesObject[] = [];
  for (const object of parseManifests(manifests)) {
    applied.push(await client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply));
  }
  return applied;
}

/** Deletes each object (missing ones are fine); does not wait for finalizers. */
export async function deleteManifests(
  kubeConfig: KubeConfig,
  manifests: Manifests,
  options: { readonly namespace?: string } = {},
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(options.namespace ? withNamespace(kubeConfig, options.namespace) : kubeConfig);
  for (const object of parseManifests(manifests).reverse()) {
    try {
      await client.delete(object);
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }
}
