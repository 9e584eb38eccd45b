// Objects and helpers of the extender's cluster suite: NLS with written status (no agent runs yet, so the
// suite writes what an agent would), the StorageClass, pods with claims, and reads of the extender's view.
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';

export const GI = 2 ** 30;
export const STORAGE_CLASS = 'open-local-lvm-e2e';

/** Creates the NLS of `node` with one VG per entry (GiB), and its status as the agent writes it. */
export async function writeNls(kubeConfig: KubeConfig, node: string, vgs: Record<string, number>): Promise<void> {
  const volumeGroups = Object.entries(vgs).map(([name, gi], i) => ({ name, sizeBytes: gi * GI, physicalVolumes: [`/dev/loop${i}`] }));
  await writeNlsVolumeGroups(kubeConfig, node, volumeGroups);
}

/** One VG as an agent would report it from `vgs`: its name, size in bytes and PVs; nothing allocated yet. */
export interface ReportedVg {
  name: string;
  sizeBytes: number;
  physicalVolumes: string[];
}

/** Creates the NLS of `node` with these VGs (all free) in its status, as the agent writes it. */
export async function writeNlsVolumeGroups(kubeConfig: KubeConfig, node: string, vgs: readonly ReportedVg[]): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const ref = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };
  await custom.createClusterCustomObject({ ...ref, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: node }, spec: { nodeName: node } } });
  const volumeGroups = vgs.map((vg) => ({
    name: vg.name,
    physicalVolumes: vg.physicalVolumes,
    logicalVolumes: [],
    total: vg.sizeBytes,
    available: vg.sizeBytes,
    allocatable: vg.sizeBytes,
    condition: 'DiskReady',
  }));
  const status = {
    nodeStorageInfo: { deviceInfo: [], volumeGroups, mountPoints: [], phase: 'Running' },
    filteredStorageInfo: { volumeGroups: vgs.map((vg) => vg.name), devices: [], mountPoints: [] },
  };
  await custom.patchClusterCustomObjectStatus({ ...ref, name: node, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** A whole disk an agent reports; `isOffered` = listed in filteredStorageInfo.devices (a mount point's disk is not). */
export interface ReportedDisk {
  name: string;
  gi: number;
  mediaType: 'ssd' | 'hdd';
  isOffered: boolean;
}

/** Creates the NLS of `node` offering whole disks and ext4 mount points (each on one of the disks), no VG. */
export async function writeNlsDisks(kubeConfig: KubeConfig, node: string, spec: { disks: ReportedDisk[]; mountPoints: { name: string; gi: number; device: string }[] }): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const ref = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };
  await custom.createClusterCustomObject({ ...ref, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: node }, spec: { nodeName: node } } });
  const deviceInfo = spec.disks.map((d) => ({ name: d.name, mediaType: d.mediaType, total: d.gi * GI, readOnly: false, condition: 'DiskReady' }));
  const mountPoints = spec.mountPoints.map((m) => ({ name: m.name, total: m.gi * GI, available: m.gi * GI, fsType: 'ext4', isBind: false, options: ['rw'], device: m.device, readOnly: false, condition: 'DiskReady' }));
  const status = {
    nodeStorageInfo: { deviceInfo, volumeGroups: [], mountPoints, phase: 'Running' },
    filteredStorageInfo: { volumeGroups: [], devices: spec.disks.filter((d) => d.isOffered).map((d) => d.name), mountPoints: spec.mountPoints.map((m) => m.name) },
  };
  await custom.patchClusterCustomObjectStatus({ ...ref, name: node, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** A WaitForFirstConsumer StorageClass of Open-Local's driver with these parameters. */
export function classManifest(name: string, parameters: Record<string, string>): object {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'local.csi.aliyun.com', parameters, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' };
}

export function storageClassManifest(): object {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS },
    provisioner: 'local.csi.aliyun.com',
    parameters: { volumeType: 'LVM' },
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  };
}

/** A pod with one claim per size, for the scheduler `schedulerName`, and its claims. */
export async function createPodWithClaims(kubeConfig: KubeConfig, request: { namespace: string; name: string; sizes: string[]; schedulerName: string; storageClassName?: string }): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, name } = request;
  const claimNames = request.sizes.map((_, i) => `${name}-data-${i}`);
  for (const [i, size] of request.sizes.entries()) {
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { name: claimNames[i] }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: request.storageClassName ?? STORAGE_CLASS, resources: { requests: { storage: size } } } },
    });
  }
  const pod: V1Pod = {
    metadata: { name },
    spec: {
      schedulerName: request.schedulerName,
      nodeSelector: { 'openlocal.e2e/simulated': 'true' },
      containers: [{ name: 'app', image: 'registry.invalid/never-pulled:0' }],
      volumes: claimNames.map((claimName, i) => ({ name: `data-${i}`, persistentVolumeClaim: { claimName } })),
    },
  };
  await core.createNamespacedPod({ namespace, body: pod });
}

/**
 * Where kube-scheduler put the pod's volumes: the `selected-node` annotation of its claims. No provisioner runs
 * in this suite, so PreBind waits on provisioning and the annotation is the scheduler's decision.
 */
export async function selectedNodes(kubeConfig: KubeConfig, namespace: string, podName: string): Promise<(string | undefined)[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
  return claims.items
    .filter((claim) => claim.metadata?.name?.startsWith(`${podName}-data-`))
    .map((claim) => claim.metadata?.annotations?.['volume.kubernetes.io/selected-node']);
}

/** The PodScheduled condition's message once the pod is marked Unschedulable, else undefined. */
export async function unschedulableMessage(kubeConfig: KubeConfig, namespace: string, podName: string): Promise<string | undefined> {
  const pod = await kubeConfig.makeApiClient(CoreV1Api).readNamespacedPod({ namespace, name: podName });
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return condition?.reason === 'Unschedulable' ? (condition.message ?? '') : undefined;
}

interface CacheView {
  nodes: { view: { nodeName: string; volumeGroups: { name: string; capacityBytes: number; usedBytes: number }[] } }[];
}

/** Used bytes per node and VG as the extender reports them on GET /cache. */
export async function extenderUsage(port: number): Promise<Record<string, Record<string, number>>> {
  const response = await fetch(`http://127.0.0.1:${port}/cache`);
  const body = (await response.json()) as CacheView;
  const usage: Record<string, Record<string, number>> = {};
  for (const { view } of body.nodes) usage[view.nodeName] = Object.fromEntries(view.volumeGroups.map((vg) => [vg.name, vg.usedBytes]));
  return usage;
}
