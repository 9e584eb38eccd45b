// A namespace per test: unique name from the test's name, ready once its default ServiceAccount exists, and
// removed completely afterwards (pods on simulated nodes have no kubelet to confirm deletion, so they are
// deleted with grace period 0).
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from './wait.js';

/** A namespace a test owns; `delete()` waits until it is gone. */
export interface TestNamespace {
  readonly name: string;
  delete(): Promise<void>;
}

/** Pure: a valid, unique-enough namespace name derived from a test name. */
export function namespaceNameFor(testName: string, suffix: string = randomBytes(3).toString('hex')): string {
  const slug = testName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return `t-${slug || 'test'}-${suffix}`;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

async function removeNamespace(core: CoreV1Api, name: string, timeoutMs: number): Promise<void> {
  try {
    await core.deleteNamespace({ name, propagationPolicy: 'Background' });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  await waitFor({ what: `namespace ${name} to be deleted`, timeoutMs, intervalMs: 500 }, async () => {
    // No kubelet will finish pods' graceful deletion; the namespace controller waits for them otherwise.
    const pods = await core.listNamespacedPod({ namespace: name });
    for (const pod of pods.items) {
      await core.deleteNamespacedPod({ name: pod.metadata?.name ?? '', namespace: name, gracePeriodSeconds: 0 }).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
    try {
      const namespace = await core.readNamespace({ name });
      return { done: false, observed: { phase: namespace.status?.phase, conditions: namespace.status?.conditions, pods: pods.items.length } };
    } catch (error) {
      if (isNotFound(error)) return { done: true, value: undefined };
      throw error;
    }
  });
}

/** Creates a namespace for `testName` and waits for its default ServiceAccount (pods need it to be admitted). */
export async function createTestNamespace(
  kubeConfig: KubeConfig,
  testName: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<TestNamespace> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = namespaceNameFor(testName);
  const timeoutMs = options.timeoutMs ?? 60_000;
  await core.createNamespace({ body: { metadata: { name, labels: { 'openlocal.e2e/test-namespace': 'true' } } } });
  const namespace: TestNamespace = { name, delete: () => removeNamespace(core, name, timeoutMs) };
  try {
    await waitFor({ what: `ServiceAccount default in namespace ${name}`, timeoutMs }, async () => {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return { done: true, value: undefined };
    });
  } catch (error) {
    await namespace.delete();
    throw error;
  }
  return namespace;
}
