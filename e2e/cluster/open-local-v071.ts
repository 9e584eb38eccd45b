// The API state a running Open-Local v0.7.1 leaves (reference §1.3, §2.3, §5.3, §6), built from the reference's
// facts for the upgrade tests of every rung (#15): its chart's lasting objects as a helm release made from its
// users' values file, its claims and PVs as external-provisioner v2.2.2 binds them, and its NLS. The node side (its
// VG and untagged LVs) is made by each rung with real lvm; the pure VG row here turns that lvm output into the
// NLS status Open-Local's agent writes.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1PersistentVolume } from '@kubernetes/client-node';
import { runHelm, type HelmResult } from './helm.js';
import { openLocalCrdPaths } from './openlocal-crds.js';
import { repoRoot } from './paths.js';

const DRIVER = 'local.csi.aliyun.com';

/** Open-Local v0.7.1's values.yaml as its users have it (reference §6.1), shared with the chart's template test. */
export const OPEN_LOCAL_VALUES_FILE = join(repoRoot(), 'charts', 'test', 'fixtures', 'open-local-v0.7.1-values.yaml');

/** The VG patterns of Open-Local's NLSC `listConfig.vgs.include` (its chart's nlsc.yaml). */
export const OPEN_LOCAL_VG_INCLUDE: readonly string[] = ['open-local-pool-[0-9]+', 'yoda-pool[0-9]+', 'ackdistro-pool'];

/**
 * The API objects of Open-Local v0.7.1's chart that outlive it and that our chart takes over (reference §6.2):
 * the CSIDriver (agent.yaml), the NLSC (nlsc.yaml) and the four StorageClasses (storage-class.yaml), rendered
 * from the same values keys. Its workloads, accounts and init job are left out: nothing here runs them, and their
 * names differ from ours, so helm deletes them at the upgrade. Its VolumeSnapshotClass is left out (no snapshot
 * CRDs before our chart).
 */
const OPEN_LOCAL_TEMPLATES = `apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: {{ .Values.driver }}
spec:
  attachRequired: false
  podInfoOnMount: true
  volumeLifecycleModes: [Persistent, Ephemeral]
---
apiVersion: csi.aliyun.com/v1alpha1
kind: NodeLocalStorageInitConfig
metadata:
  name: {{ .Values.name }}
spec:
  globalConfig:
    listConfig:
      vgs:
        include:
          - "{{ .Values.name }}-pool-[0-9]+"
          - "yoda-pool[0-9]+"
          - ackdistro-pool
    {{- if .Values.agent.device }}
    resourceToBeInited:
      vgs:
        - devices: [{{ .Values.agent.device }}]
          name: {{ .Values.name }}-pool-0
    {{- end }}
{{- range $key, $params := dict "lvm" "LVM ext4" "lvm_xfs" "LVM xfs" "device_hdd" "Device ext4 hdd" "device_ssd" "Device ext4 ssd" }}
{{- $p := splitList " " $params }}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {{ (index $.Values.storageclass $key).name }}
provisioner: {{ $.Values.driver }}
parameters:
  volumeType: {{ index $p 0 }}
  csi.storage.k8s.io/fstype: {{ index $p 1 }}
  {{- if eq (len $p) 3 }}
  mediaType: {{ index $p 2 }}
  {{- end }}
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: {{ eq (index $p 0) "LVM" }}
{{- end }}
`;

export interface OpenLocalReleaseOptions {
  readonly kubeconfigPath: string;
  /** Private directory: helm's home and the rendered chart go under it. */
  readonly workDir: string;
  /** Release name; Open-Local's docs install it as `open-local` in kube-system. */
  readonly release?: string;
  /** Values files after Open-Local's own (OPEN_LOCAL_VALUES_FILE), e.g. the node's own disk for agent.device. */
  readonly extraValuesFiles?: readonly string[];
}

/**
 * Installs Open-Local's chart objects as a helm release with its users' values file; helm's result, not thrown.
 * Its crds/ holds the NLS and NLSC CRDs, which are ours (the compatibility contract keeps them identical), so helm
 * creates them when they are missing, as Open-Local's chart did.
 */
export async function installOpenLocalRelease(options: OpenLocalReleaseOptions): Promise<HelmResult> {
  const chartDir = join(options.workDir, 'open-local-v0.7.1');
  await mkdir(join(chartDir, 'templates'), { recursive: true });
  await mkdir(join(chartDir, 'crds'), { recursive: true });
  for (const path of openLocalCrdPaths()) await copyFile(path, join(chartDir, 'crds', basename(path)));
  await writeFile(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: open-local\nversion: v0.7.1\nappVersion: v0.7.1\n');
  await writeFile(join(chartDir, 'templates', 'open-local.yaml'), OPEN_LOCAL_TEMPLATES);
  const valuesFiles = [OPEN_LOCAL_VALUES_FILE, ...(options.extraValuesFiles ?? [])];
  return runHelm(
    ['install', options.release ?? 'open-local', chartDir, '--namespace', 'kube-system', ...valuesFiles.flatMap((file) => ['--values', file]), '--kubeconfig', options.kubeconfigPath],
    { home: join(options.workDir, 'helm-home'), timeoutMs: 180_000 },
  );
}

/** One volume Open-Local provisioned: its claim and the attributes its CreateVolume returned (§5.3). */
export interface OpenLocalVolume {
  readonly claim: string;
  readonly storageClassName: string;
  readonly sizeBytes: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly fsType: string;
}

export interface OpenLocalClaimOptions {
  readonly namespace: string;
  readonly node: string;
  /** Default `local-<claim uid>`, external-provisioner's name with Open-Local's `volume_name_prefix`. */
  readonly pvName?: string;
  /** The PV's volumeHandle; default the PV name (Open-Local's volume id is the PV name). */
  readonly handle?: string;
}

/** A PVC then its PV, bound as external-provisioner v2.2.2 and kube-controller-manager leave them (§5.3, §5.7). */
export async function createOpenLocalClaim(kubeConfig: KubeConfig, volume: OpenLocalVolume, options: OpenLocalClaimOptions): Promise<V1PersistentVolume> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, node } = options;
  const pvc = await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: {
        name: volume.claim,
        annotations: {
          'volume.kubernetes.io/selected-node': node,
          'volume.beta.kubernetes.io/storage-provisioner': DRIVER,
          'volume.kubernetes.io/storage-provisioner': DRIVER,
        },
      },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: volume.storageClassName, resources: { requests: { storage: String(volume.sizeBytes) } } },
    },
  });
  const pvName = options.pvName ?? `local-${pvc.metadata?.uid ?? ''}`;
  const attributes = {
    ...volume.attributes,
    'csi.storage.k8s.io/pv/name': pvName,
    'csi.storage.k8s.io/pvc/name': volume.claim,
    'csi.storage.k8s.io/pvc/namespace': namespace,
    'volume.kubernetes.io/selected-node': node,
    'storage.kubernetes.io/csiProvisionerIdentity': '1681984751412-8081-local.csi.aliyun.com',
  };
  return core.createPersistentVolume({
    body: {
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': DRIVER } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: String(volume.sizeBytes) },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: volume.claim, uid: pvc.metadata?.uid ?? '' },
        csi: { driver: DRIVER, volumeHandle: options.handle ?? pvName, fsType: volume.fsType, volumeAttributes: attributes },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: volume.storageClassName,
        volumeMode: 'Filesystem',
      },
    },
  });
}

export interface LvmVgFacts {
  readonly name: string;
  readonly sizeBytes: number;
  readonly freeBytes: number;
  readonly physicalVolumes: readonly string[];
  readonly lvs: readonly { readonly name: string; readonly sizeBytes: number }[];
}

/** A VG row of the NLS status as Open-Local's agent writes it (§2.3), from what lvm reports. */
export function openLocalVgStatus(vg: LvmVgFacts): Record<string, unknown> {
  const logicalVolumes = vg.lvs.map((lv) => ({ name: lv.name, vgname: vg.name, total: lv.sizeBytes, condition: 'DiskReady' }));
  // allocatable = total − the LVs that are not Open-Local's (names starting with `local` or `csi-`, §1.8).
  const foreignBytes = vg.lvs.filter((lv) => !lv.name.startsWith('local') && !lv.name.startsWith('csi-')).reduce((sum, lv) => sum + lv.sizeBytes, 0);
  return { name: vg.name, physicalVolumes: [...vg.physicalVolumes], logicalVolumes, total: vg.sizeBytes, available: vg.freeBytes, allocatable: vg.sizeBytes - foreignBytes, condition: 'DiskReady' };
}

/**
 * The node's NLS as Open-Local's controller (spec, created when missing) and agent (status) write it (§1.3, §2.3).
 * `status` is the agent's whole status; its `filteredStorageInfo` gets the agent's accepted update stamp.
 */
export async function writeOpenLocalNls(kubeConfig: KubeConfig, node: string, nls: { spec: Record<string, unknown>; status: { filteredStorageInfo: Record<string, unknown>; nodeStorageInfo: Record<string, unknown> } }): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const target = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages', name: node };
  const existing = await custom.getClusterCustomObject(target).catch(() => undefined);
  if (existing === undefined) {
    await custom.createClusterCustomObject({ ...target, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: node }, spec: { nodeName: node, ...nls.spec } } });
  }
  const now = new Date().toISOString();
  const current = (await custom.getClusterCustomObject(target)) as { metadata: object };
  const nodeStorageInfo = { phase: 'Running', state: { type: 'DiskReady', status: 'True', lastHeartbeatTime: now }, ...nls.status.nodeStorageInfo };
  const filteredStorageInfo = { ...nls.status.filteredStorageInfo, updateStatusInfo: { lastUpdateTime: now, updateStatus: 'accepted' } };
  await custom.replaceClusterCustomObjectStatus({ ...target, body: { ...current, status: { nodeStorageInfo, filteredStorageInfo } } });
}
