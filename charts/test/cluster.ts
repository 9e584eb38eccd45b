// Helpers for the install test on the e2e harness: ServiceAccount kubeconfigs, access reviews, reading objects and CRDs.
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiextensionsV1Api, AuthorizationV1Api, CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { waitFor } from '../../e2e/cluster/index.js';
import { CHART_DIR, type RenderedObject } from './helm.js';

/** One access question for a ServiceAccount, in SubjectAccessReview terms. */
export interface AccessCheck {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Asks the API server's authorizer whether `system:serviceaccount:<namespace>:<account>` may do `check`. */
export async function canServiceAccount(kubeConfig: KubeConfig, account: { namespace: string; name: string }, check: AccessCheck): Promise<boolean> {
  const review = await kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${account.namespace}:${account.name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'],
        resourceAttributes: {
          verb: check.verb, resource: check.resource, group: check.group ?? '', subresource: check.subresource ?? '',
          namespace: check.namespace ?? '', name: check.name ?? '',
        },
      },
    },
  });
  return review.status?.allowed === true;
}

/**
 * Writes a kubeconfig that authenticates as a ServiceAccount with a bound token from the TokenRequest API, so a
 * process started with it has exactly that account's permissions. With `boundNode` the token is bound to that
 * Node and carries its name, as the tokens of a node's pods do (what the chart's nodeScope policies read).
 * Returns its path.
 */
export async function writeServiceAccountKubeconfig(
  kubeConfig: KubeConfig,
  target: { namespace: string; name: string; server: string; caPem: string; dir: string; boundNode?: string },
): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const boundObjectRef = target.boundNode === undefined
    ? undefined
    : { kind: 'Node', apiVersion: 'v1', name: target.boundNode, uid: (await core.readNode({ name: target.boundNode })).metadata?.uid };
  const token = await core.createNamespacedServiceAccountToken({
    namespace: target.namespace, name: target.name, body: { spec: { audiences: [], expirationSeconds: 3600, boundObjectRef } },
  });
  const path = join(target.dir, `${target.name}.kubeconfig`);
  writeFileSync(path, stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'harness', cluster: { server: target.server, 'certificate-authority-data': Buffer.from(target.caPem).toString('base64') } }],
    users: [{ name: target.name, user: { token: token.status?.token ?? '' } }],
    contexts: [{ name: 'sa', context: { cluster: 'harness', user: target.name, namespace: target.namespace } }],
    'current-context': 'sa',
  }), { mode: 0o600 });
  return path;
}

/** Whether an object of the rendered manifest exists in the API (404 = no). */
export async function objectExists(kubeConfig: KubeConfig, object: RenderedObject): Promise<boolean> {
  try {
    await kubeConfig.makeApiClient(KubernetesObjectApi).read({
      apiVersion: object.apiVersion, kind: object.kind,
      metadata: { name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) },
    });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

/** Names of the CRDs the chart ships in crds/. */
export function manifestCrdNames(): string[] {
  const dir = join(CHART_DIR, 'crds');
  return readdirSync(dir).filter((n) => n.endsWith('.yaml')).map((n) => (parse(readFileSync(join(dir, n), 'utf8')) as { metadata: { name: string } }).metadata.name).sort();
}

export async function crdExists(kubeConfig: KubeConfig, name: string): Promise<boolean> {
  try {
    await kubeConfig.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

/** An LVM_SYSTEM_DIR whose lvm.conf accepts no device, so our apps read (and could touch) nothing on this machine. */
export function writeEmptyLvmView(workDir: string): string {
  const dir = join(workDir, 'lvm');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lvm.conf'), [
    'devices {', '  global_filter = [ "r|.*|" ]', '  filter = [ "r|.*|" ]', '  use_devicesfile = 0', '  obtain_device_list_from_udev = 0', '}',
    'activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }', 'backup { backup = 0 archive = 0 }', '',
  ].join('\n'));
  return dir;
}

/** Waits until a process log matches (upstream sidecars report readiness only in their logs). */
export async function waitForLog(path: string, pattern: RegExp): Promise<void> {
  await waitFor({ what: `${pattern} in ${path}`, timeoutMs: 30_000, intervalMs: 200 }, () => {
    const text = readFileSync(path, 'utf8');
    return Promise.resolve(pattern.test(text) ? { done: true, value: undefined } : { done: false, observed: text.split('\n').slice(-3).join(' | ') });
  });
}

/** The agent runs real lvm commands (against an empty device filter): it needs root and lvm. */
export function agentSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to run lvm';
  try {
    accessSync('/usr/sbin/lvm', constants.X_OK);
    return null;
  } catch {
    return 'lvm is not installed at /usr/sbin/lvm (scripts/setup installs lvm2)';
  }
}
