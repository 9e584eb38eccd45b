// What the informers cache of each object (issue #19): the fields core/k8s-shapes.ts declares — all the
// extender reads — plus the identity ListWatch keys its cache by (name, namespace, resourceVersion) and
// Open-Local's own annotations. A PV or claim is then a few hundred bytes instead of kilobytes, and the pods of
// a whole cluster, most without volumes of ours, are kept as names and volume references only.
import { ANNOTATIONS } from '@openlocal/crd-types';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { NlsShape, ObjectMeta, PodShape, PodVolumeShape, PvShape, PvcShape, StorageClassShape, VolumeSnapshotShape } from '../core/k8s-shapes.js';

const OUR_ANNOTATIONS: ReadonlySet<string> = new Set(Object.values(ANNOTATIONS));

type Meta = ObjectMeta & { resourceVersion?: string };

/** name, namespace, uid, resourceVersion and Open-Local's annotations; nothing else of metadata. */
export function projectMeta(meta: Meta | undefined): Meta {
  const kept: Meta = {};
  if (meta?.name !== undefined) kept.name = meta.name;
  if (meta?.namespace !== undefined) kept.namespace = meta.namespace;
  if (meta?.uid !== undefined) kept.uid = meta.uid;
  if (meta?.resourceVersion !== undefined) kept.resourceVersion = meta.resourceVersion;
  const annotations = Object.entries(meta?.annotations ?? {}).filter(([key]) => OUR_ANNOTATIONS.has(key));
  if (annotations.length > 0) kept.annotations = Object.fromEntries(annotations);
  return kept;
}

type Cached<T> = T & KubernetesObject;

export function projectStorageClass(sc: Cached<StorageClassShape>): Cached<StorageClassShape> {
  return { metadata: projectMeta(sc.metadata), provisioner: sc.provisioner, parameters: sc.parameters };
}

export function projectPvc(pvc: Cached<PvcShape>): Cached<PvcShape> {
  const spec = pvc.spec;
  return {
    metadata: projectMeta(pvc.metadata),
    spec: { storageClassName: spec?.storageClassName, volumeName: spec?.volumeName, resources: spec?.resources, dataSource: spec?.dataSource, dataSourceRef: spec?.dataSourceRef },
    status: { phase: pvc.status?.phase },
  };
}

type PvWithPhase = Cached<PvShape> & { status?: { phase?: string } };

export function projectPv(pv: PvWithPhase): PvWithPhase {
  const spec = pv.spec;
  const claimRef = spec?.claimRef === undefined ? undefined : { namespace: spec.claimRef.namespace, name: spec.claimRef.name };
  const csi = spec?.csi === undefined ? undefined : { driver: spec.csi.driver, volumeAttributes: spec.csi.volumeAttributes };
  return {
    metadata: projectMeta(pv.metadata),
    spec: { capacity: spec?.capacity, claimRef, csi, nodeAffinity: spec?.nodeAffinity },
    status: { phase: pv.status?.phase },
  };
}

function projectVolume(volume: PodVolumeShape): PodVolumeShape {
  const kept: PodVolumeShape = { name: volume.name };
  if (volume.persistentVolumeClaim !== undefined) kept.persistentVolumeClaim = { claimName: volume.persistentVolumeClaim.claimName };
  if (volume.csi !== undefined) kept.csi = { driver: volume.csi.driver, volumeAttributes: volume.csi.volumeAttributes };
  if (volume.ephemeral !== undefined) kept.ephemeral = volume.ephemeral;
  return kept;
}

export function projectPod(pod: Cached<PodShape>): Cached<PodShape> {
  return {
    metadata: projectMeta(pod.metadata),
    spec: { nodeName: pod.spec?.nodeName, volumes: pod.spec?.volumes?.map(projectVolume) },
    status: { phase: pod.status?.phase },
  };
}

export function projectNls(nls: Cached<NlsShape>): Cached<NlsShape> {
  const info = nls.status?.nodeStorageInfo;
  // Of the spec only the declared thin pools' ratios (issue #17).
  const vgs = nls.spec?.resourceToBeInited?.vgs?.filter((vg) => (vg.thinPools?.length ?? 0) > 0);
  return {
    metadata: projectMeta(nls.metadata),
    ...(vgs === undefined || vgs.length === 0 ? {} : { spec: { resourceToBeInited: { vgs: vgs.map((vg) => ({ name: vg.name, thinPools: vg.thinPools?.map((p) => ({ name: p.name, overProvisioningRatio: p.overProvisioningRatio })) })) } } }),
    status: {
      nodeStorageInfo: info === undefined ? undefined : {
        deviceInfo: info.deviceInfo,
        volumeGroups: info.volumeGroups?.map((vg) => ({ name: vg.name, allocatable: vg.allocatable, ...(vg.thinPools === undefined ? {} : { thinPools: vg.thinPools }) })),
        mountPoints: info.mountPoints,
      },
      filteredStorageInfo: nls.status?.filteredStorageInfo,
    },
  };
}

/** A VolumeSnapshot: only which claim it was taken of (issue #17). */
export function projectVolumeSnapshot(snapshot: Cached<VolumeSnapshotShape>): Cached<VolumeSnapshotShape> {
  const source = snapshot.spec?.source;
  return { metadata: projectMeta(snapshot.metadata), spec: { source: { persistentVolumeClaimName: source?.persistentVolumeClaimName, volumeSnapshotContentName: source?.volumeSnapshotContentName } } };
}
