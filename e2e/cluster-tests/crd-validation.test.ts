// Proof the cluster is real: kube-apiserver enforces the OpenAPI schema of @openlocal/crd-types' CRDs, rejecting
// a bad NodeLocalStorage with 422 and naming the offending field, and serving the status subresource.
import { randomBytes } from 'node:crypto';
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, expect, it, onTestFinished } from 'vitest';
import { installCrds, loadKubeConfig, openLocalCrds } from '../cluster/index.js';
import { describeCluster } from './harness.js';

const GROUP = 'csi.aliyun.com';
const VERSION = 'v1alpha1';
const PLURAL = 'nodelocalstorages';

interface StatusCause {
  readonly field?: string;
  readonly message?: string;
}

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

function nls(name: string, spec: Record<string, unknown>): object {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'NodeLocalStorage', metadata: { name }, spec };
}

/** Creates the object and returns the API error (fails the test if the create succeeded). */
async function rejection(api: CustomObjectsApi, body: object): Promise<{ code: number; message: string; causes: StatusCause[] }> {
  try {
    await api.createClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, body });
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const status = JSON.parse(String(error.body)) as { message?: string; details?: { causes?: StatusCause[] } };
    return { code: error.code, message: status.message ?? '', causes: status.details?.causes ?? [] };
  }
  throw new Error(`the API server accepted ${JSON.stringify(body)}`);
}

describeCluster('NodeLocalStorage CRD schema in kube-apiserver', (info) => {
  let kubeConfig: KubeConfig;
  let api: CustomObjectsApi;

  beforeAll(async () => {
    kubeConfig = loadKubeConfig(info.kubeconfigPath);
    api = kubeConfig.makeApiClient(CustomObjectsApi);
    const names = await installCrds(kubeConfig, await openLocalCrds());
    expect(names.sort()).toEqual(['nodelocalstorageinitconfigs.csi.aliyun.com', 'nodelocalstorages.csi.aliyun.com']);
  });

  it.each([
    { name: 'an empty spec.nodeName is refused', spec: { nodeName: '' }, field: 'spec.nodeName' },
    { name: 'a numeric spec.nodeName is refused', spec: { nodeName: 42 }, field: 'spec.nodeName' },
    {
      name: 'a VG to initialise without devices is refused',
      spec: { nodeName: 'n1', resourceToBeInited: { vgs: [{ name: 'open-local-pool-0' }] } },
      field: 'spec.resourceToBeInited.vgs[0].devices',
    },
    {
      name: 'a relative mount point path is refused',
      spec: { nodeName: 'n1', resourceToBeInited: { mountpoints: [{ path: 'mnt/disk1', device: '/dev/vdc' }] } },
      field: 'spec.resourceToBeInited.mountpoints[0].path',
    },
    { name: 'an SPDK deviceType over 8 characters is refused', spec: { nodeName: 'n1', spdkConfig: { deviceType: 'toolongtype' } }, field: 'spec.spdkConfig.deviceType' },
    {
      name: 'more than 50 VG include patterns are refused',
      spec: { nodeName: 'n1', listConfig: { vgs: { include: Array.from({ length: 51 }, (_, index) => `vg${index}`) } } },
      field: 'spec.listConfig.vgs.include',
    },
  ])('$name', async ({ spec, field }) => {
    const name = uniqueName('bad');
    const refused = await rejection(api, nls(name, spec));
    expect(refused.code).toBe(422);
    expect(refused.message).toContain(`"${name}" is invalid`);
    expect(refused.causes.map((cause) => cause.field)).toContain(field);
    expect(refused.message).toContain(field);
  });

  it('a valid NodeLocalStorage is stored and its status is written through the status subresource', async () => {
    const name = uniqueName('good');
    const spec = { nodeName: name, listConfig: { vgs: { include: ['open-local-pool-[0-9]+'] } } };
    await api.createClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, body: nls(name, spec) });
    onTestFinished(async () => {
      await api.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name });
    });
    const status = { nodeStorageInfo: { phase: 'Running', state: { type: 'DiskReady', status: 'True' } } };
    const current = (await api.getClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name })) as { metadata: { resourceVersion: string } };
    await api.replaceClusterCustomObjectStatus({
      group: GROUP, version: VERSION, plural: PLURAL, name,
      body: { ...(nls(name, spec) as Record<string, unknown>), metadata: { name, resourceVersion: current.metadata.resourceVersion }, status },
    });
    const stored = (await api.getClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name })) as { spec: unknown; status: unknown };
    expect(stored.spec).toEqual(spec);
    expect(stored.status).toEqual(status);
  });
});
