// Proof the cluster is real: kube-scheduler's VolumeBinding plugin places a StatefulSet's pods on simulated
// nodes and marks their WaitForFirstConsumer claims with the chosen node; once a volume exists for a claim (the
// test creates it, as external-provisioner would) kube-controller-manager binds it and the scheduler binds the pod.
import { AppsV1Api, CoreV1Api, StorageV1Api, type KubeConfig, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { expect, onTestFinished } from 'vitest';
import { applyManifests, waitFor } from '../cluster/index.js';
import { clusterTest, describeCluster, simulatedNodes } from './harness.js';

const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const REPLICAS = 3;

/** As YAML text, the way users write it (applyManifests takes text or objects). */
function storageClass(name: string): string {
  return `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ${name}
# Our CSI driver's name; nothing provisions it in this test.
provisioner: local.csi.aliyun.com
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
parameters:
  volumeType: LVM
  vgName: open-local-pool-0
`;
}

function statefulSet(storageClassName: string): object {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web' },
    spec: {
      replicas: REPLICAS,
      serviceName: 'web',
      // Pods on simulated nodes never become Ready; OrderedReady would wait for web-0 forever.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { 'openlocal.e2e/simulated': 'true' },
          containers: [{ name: 'app', image: 'registry.invalid/never-pulled:0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
}

/** The PV a provisioner would create for a claim on its selected node. */
function volumeFor(claim: V1PersistentVolumeClaim, node: string, storageClassName: string): object {
  const pvName = `pv-${claim.metadata?.uid ?? ''}`;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: pvName },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName,
      csi: { driver: 'local.csi.aliyun.com', volumeHandle: pvName, fsType: 'ext4' },
      claimRef: { namespace: claim.metadata?.namespace, name: claim.metadata?.name, uid: claim.metadata?.uid },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}

async function claimsWithSelectedNode(kubeConfig: KubeConfig, namespace: string): Promise<V1PersistentVolumeClaim[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return waitFor({ what: `${REPLICAS} claims in ${namespace} annotated ${SELECTED_NODE}`, timeoutMs: 60_000 }, async () => {
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    const marked = claims.filter((claim) => claim.metadata?.annotations?.[SELECTED_NODE]);
    if (marked.length === REPLICAS) return { done: true, value: marked };
    return { done: false, observed: claims.map((claim) => ({ name: claim.metadata?.name, annotations: claim.metadata?.annotations, phase: claim.status?.phase })) };
  });
}

describeCluster('StatefulSet on a WaitForFirstConsumer StorageClass', () => {
  clusterTest('kube-scheduler picks simulated nodes for every claim, and binds the pods once volumes exist', async ({ kubeConfig, namespace }) => {
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const className = `wffc-${namespace}`;
    await applyManifests(kubeConfig, storageClass(className));
    onTestFinished(async () => {
      await storage.deleteStorageClass({ name: className });
    });
    expect((await storage.readStorageClass({ name: className })).volumeBindingMode).toBe('WaitForFirstConsumer');
    await applyManifests(kubeConfig, statefulSet(className), { namespace });
    const set = await kubeConfig.makeApiClient(AppsV1Api).readNamespacedStatefulSet({ name: 'web', namespace });
    expect(set.spec?.podManagementPolicy).toBe('Parallel');

    const claims = await claimsWithSelectedNode(kubeConfig, namespace);
    const chosen = claims.map((claim) => claim.metadata?.annotations?.[SELECTED_NODE] ?? '');
    for (const node of chosen) expect(simulatedNodes).toContain(node);
    expect(claims.map((claim) => claim.metadata?.name).sort()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);

    // Play external-provisioner's part: one PV per claim on the node the scheduler chose.
    const volumes = claims.map((claim, index) => volumeFor(claim, chosen[index] ?? '', className));
    await applyManifests(kubeConfig, volumes);
    onTestFinished(async () => {
      for (const claim of claims) await core.deletePersistentVolume({ name: `pv-${claim.metadata?.uid ?? ''}` });
    });
    const placement = await waitFor({ what: `pods web-0..2 in ${namespace} bound to their claims' nodes`, timeoutMs: 60_000 }, async () => {
      const pods = (await core.listNamespacedPod({ namespace })).items;
      const claimPhases = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((claim) => claim.status?.phase);
      const nodeOf = Object.fromEntries(pods.map((pod) => [pod.metadata?.name, pod.spec?.nodeName]));
      const isDone = pods.length === REPLICAS && pods.every((pod) => pod.spec?.nodeName) && claimPhases.every((phase) => phase === 'Bound');
      return isDone ? { done: true, value: nodeOf } : { done: false, observed: { nodeOf, claimPhases } };
    });
    claims.forEach((claim, index) => {
      const podName = (claim.metadata?.name ?? '').replace(/^data-/, '');
      expect(placement[podName]).toBe(chosen[index]);
    });
  });
});
