// The narrow shapes of the Kubernetes objects the core reads. client-node's V1 models and plain JSON both fit,
// so adapters pass informer objects straight in and tests write only the fields that matter.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  annotations?: Record<string, string>;
}

export interface StorageClassShape {
  metadata?: ObjectMeta;
  provisioner?: string;
  parameters?: Record<string, string>;
}

export interface ResourceRequirementsShape {
  requests?: Record<string, unknown>;
  limits?: Record<string, unknown>;
}

/** A claim's `dataSource`/`dataSourceRef`: a VolumeSnapshot to restore or a claim to clone (issue #17). */
export interface DataSourceShape {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

export interface PvcShape {
  metadata?: ObjectMeta;
  spec?: { storageClassName?: string; volumeName?: string; resources?: ResourceRequirementsShape; dataSource?: DataSourceShape; dataSourceRef?: DataSourceShape };
  status?: { phase?: string };
}

export interface NodeSelectorTermShape {
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

export interface PvShape {
  metadata?: ObjectMeta;
  spec?: {
    capacity?: Record<string, unknown>;
    claimRef?: { namespace?: string; name?: string };
    csi?: { driver?: string; volumeAttributes?: Record<string, string> };
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTermShape[] } };
  };
}

export interface PodVolumeShape {
  name?: string;
  persistentVolumeClaim?: { claimName?: string };
  csi?: { driver?: string; volumeAttributes?: Record<string, string> };
  ephemeral?: {
    volumeClaimTemplate?: { spec?: { storageClassName?: string; resources?: ResourceRequirementsShape } };
  };
}

export interface PodShape {
  metadata?: ObjectMeta;
  spec?: { nodeName?: string; volumes?: PodVolumeShape[] };
  status?: { phase?: string };
}

/** The part of a VolumeSnapshot (snapshot.storage.k8s.io/v1) the extender reads: which claim it was taken of. */
export interface VolumeSnapshotShape {
  metadata?: ObjectMeta;
  spec?: { source?: { persistentVolumeClaimName?: string; volumeSnapshotContentName?: string } };
}

export interface ThinPoolShape {
  name?: string;
  total?: number | string;
  virtualUsed?: number | string;
  dataPercent?: number;
}

/** The part of a NodeLocalStorage the extender reads (until @openlocal/crd-types' generated type lands). */
export interface NlsShape {
  metadata?: ObjectMeta;
  /** Only the declared thin pools' over-provisioning ratios are read from the spec. */
  spec?: { resourceToBeInited?: { vgs?: { name?: string; thinPools?: { name?: string; overProvisioningRatio?: number }[] }[] } };
  status?: {
    nodeStorageInfo?: {
      deviceInfo?: { name?: string; mediaType?: string; total?: number | string; readOnly?: boolean }[];
      volumeGroups?: { name?: string; allocatable?: number | string; thinPools?: ThinPoolShape[] }[];
      mountPoints?: { name?: string; total?: number | string; fsType?: string; device?: string; readOnly?: boolean }[];
    };
    filteredStorageInfo?: { volumeGroups?: string[]; mountPoints?: string[]; devices?: string[] };
  };
}
