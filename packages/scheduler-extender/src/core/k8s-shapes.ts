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

export interface PvcShape {
  metadata?: ObjectMeta;
  spec?: { storageClassName?: string; volumeName?: string; resources?: ResourceRequirementsShape };
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

/** The part of a NodeLocalStorage the extender reads (until @openlocal/crd-types' generated type lands). */
export interface NlsShape {
  metadata?: ObjectMeta;
  status?: {
    nodeStorageInfo?: {
      deviceInfo?: { name?: string; mediaType?: string; total?: number | string; readOnly?: boolean }[];
      volumeGroups?: { name?: string; allocatable?: number | string }[];
      mountPoints?: { name?: string; total?: number | string; fsType?: string; device?: string; readOnly?: boolean }[];
    };
    filteredStorageInfo?: { volumeGroups?: string[]; mountPoints?: string[]; devices?: string[] };
  };
}
