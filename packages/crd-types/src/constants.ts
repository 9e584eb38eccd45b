// Names Open-Local v0.7.1 users already depend on (pkg/types.go, the CRDs, StorageClass parameters); keep them exact.

/** API group of both CRDs. */
export const GROUP = 'csi.aliyun.com';
/** The only served (and storage) version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` of NodeLocalStorage and NodeLocalStorageInitConfig objects. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Kind, plural, singular and short name of NodeLocalStorage (cluster-scoped; object name = node name). */
export const NLS = { kind: 'NodeLocalStorage', listKind: 'NodeLocalStorageList', plural: 'nodelocalstorages', singular: 'nodelocalstorage', shortName: 'nls' } as const;
/** Kind, plural, singular and short name of NodeLocalStorageInitConfig (cluster-scoped). */
export const NLSC = { kind: 'NodeLocalStorageInitConfig', listKind: 'NodeLocalStorageInitConfigList', plural: 'nodelocalstorageinitconfigs', singular: 'nodelocalstorageinitconfig', shortName: 'nlsc' } as const;
/** Name of the NodeLocalStorageInitConfig the controller honours by default (`--initconfig`). */
export const DEFAULT_INIT_CONFIG_NAME = 'open-local';

/** CSI driver (and provisioner) name. */
export const DRIVER_NAME = 'local.csi.aliyun.com';
/** Alibaba-internal legacy provisioner name that Open-Local also accepts on PVs and StorageClasses. */
export const YODA_DRIVER_NAME = 'yodaplugin.csi.alibabacloud.com';
/** Every provisioner name treated as Open-Local's (`ValidProvisionerNames`). */
export const PROVISIONER_NAMES: readonly string[] = [DRIVER_NAME, YODA_DRIVER_NAME];
/** Topology key of every Open-Local volume; the value is the node name. */
export const TOPOLOGY_KEY = 'kubernetes.io/hostname';

/**
 * LVM tags the CSI plugin puts on LVs, read by the plugin and the agent (orphan detection, #16). `owner` marks
 * every LV the plugin creates; `ephemeral` an inline ephemeral volume's LV (a pod owns it, no PV names it);
 * `zeroPending` an LV whose create has not finished zeroing it (a create in flight, or one a retry finishes).
 */
export const LV_TAGS = {
  owner: DRIVER_NAME,
  ephemeral: `${DRIVER_NAME}/ephemeral`,
  zeroPending: `${DRIVER_NAME}/zero-pending`,
} as const;

/** Annotation and label keys (Appendix A of the reference). */
export const ANNOTATIONS = {
  /** On an NLS: JSON `{"<vg>": "100Gi" | "10%"}`, capacity kept out of the scheduler's reach. */
  storageReserved: 'csi.aliyun.com/storage-reserved',
  /** On a PVC: the node kube-scheduler picked (WaitForFirstConsumer). */
  selectedNode: 'volume.kubernetes.io/selected-node',
  /** On a PV: JSON `{"vgName","deviceName","volumeType"}` recording where it was placed. */
  pvAllocated: 'csi.aliyun.com/pv-allocated',
  /** On a Pod: PVC allocations the controller copies onto PVs. */
  podPvcMigrate: 'csi.aliyun.com/pod-pvc-migrate',
  /** On a VolumeSnapshotContent: set to "yes" for an orphan the snapshotter should delete. */
  volumeSnapshotBeingDeleted: 'snapshot.storage.kubernetes.io/volumesnapshot-being-deleted',
  /** Secret reference of a snapshot's deletion credentials (name). */
  deletionSecretName: 'snapshot.storage.kubernetes.io/deletion-secret-name',
  /** Secret reference of a snapshot's deletion credentials (namespace). */
  deletionSecretNamespace: 'snapshot.storage.kubernetes.io/deletion-secret-namespace',
} as const;

/** Labels Open-Local sets. The misspelling is upstream's and part of the contract. */
export const LABELS = {
  /** On a Pod: when the extender last asked for it to be rescheduled. */
  rescheduleTimestamp: 'csi.aliyun.com/reschdule-timestamp',
} as const;

/** NLS condition values (`StorageConditionType`). */
export const CONDITIONS = { diskReady: 'DiskReady', diskFull: 'DiskFull', diskFault: 'DiskFault' } as const;
/** Media types: rotational disks are `hdd`, all others `ssd`. */
export const MEDIA_TYPES = { hdd: 'hdd', ssd: 'ssd' } as const;
/** Volume types usable in the StorageClass `volumeType` parameter (case-sensitive). */
export const VOLUME_TYPES = { lvm: 'LVM', device: 'Device', mountPoint: 'MountPoint' } as const;
/** A StorageClass `volumeType` value. */
export type VolumeType = (typeof VOLUME_TYPES)[keyof typeof VOLUME_TYPES];

/** StorageClass parameter keys. */
export const STORAGE_CLASS_PARAMS = {
  volumeType: 'volumeType',
  vgName: 'vgName',
  mediaType: 'mediaType',
  fsType: 'csi.storage.k8s.io/fstype',
  lvmType: 'lvmType',
  iops: 'iops',
  bps: 'bps',
  /** LVM: the thin pool (in `vgName`) whose thin LVs this class hands out; absent means thick LVs. */
  thinPool: 'thinPool',
  /** LVM with thinPool: the pool's virtual sizes may add up to this many times its size (TopoLVM's overprovision-ratio). */
  overProvisioningRatio: 'overProvisioningRatio',
  /** Open-Local's SPDK volumes (a bool string): only false is supported. */
  spdk: 'spdk',
  /** Open-Local's Kata direct volumes (a bool string, passed on in the volume context): only false is supported. */
  direct: 'direct',
} as const;
/** `lvmType` values; `linear` is the default. */
export const LVM_TYPES = { linear: 'linear', striping: 'striping' } as const;
/** Filesystem used when the StorageClass names none. */
export const DEFAULT_FS_TYPE = 'ext4';

/** Agent defaults, identical to Open-Local's flags. */
export const AGENT_DEFAULTS = {
  /** `--lvname`: LVs whose name starts with this (or `csi-`) are Open-Local's. */
  lvNamePrefix: 'local',
  /** Ephemeral inline volumes are named `csi-<hash>` by kubelet; they are Open-Local's too. */
  ephemeralLvNamePrefix: 'csi-',
  /** `--regexp`: which `/sys/block` entries are reported as devices. */
  deviceRegexp: '^(s|v|xv)d[a-z]+$',
  /** `--interval`, in seconds. */
  intervalSeconds: 60,
  /** `--path.mount`: parent directory of MountPoint volumes. */
  mountPath: '/mnt/open-local',
  /** `--path.sysfs`. */
  sysfsPath: '/sys',
} as const;

/** Scheduler extender port of the stock kube-scheduler configuration. */
export const DEFAULT_EXTENDER_PORT = 23000;

/** Keys of a volume's CSI volume context (and of inline ephemeral volume attributes). */
export const VOLUME_CONTEXT_KEYS = {
  volumeType: 'volumeType',
  vgName: 'vgName',
  lvmType: 'lvmType',
  iops: 'iops',
  bps: 'bps',
  /** Device volumes: the whole disk the volume took (the key is the volumeType value, as upstream writes it). */
  device: 'Device',
  /** MountPoint volumes: the mount point the volume took. */
  mountPoint: 'MountPoint',
  /** The node the volume was created on. */
  selectedNode: 'volume.kubernetes.io/selected-node',
  /** Inline ephemeral volumes: requested size (default {@link EPHEMERAL_DEFAULT_SIZE}). */
  size: 'size',
  /** "true" ⇒ kata direct volume. */
  direct: 'direct',
  spdk: 'spdk',
  snapshotId: 'csi.aliyun.com/snapshot-id',
  sourceVolumeId: 'csi.aliyun.com/source-volume-id',
  readonly: 'csi.aliyun.com/readonly',
  pvName: 'csi.storage.k8s.io/pv/name',
  pvcName: 'csi.storage.k8s.io/pvc/name',
  pvcNamespace: 'csi.storage.k8s.io/pvc/namespace',
  ephemeral: 'csi.storage.k8s.io/ephemeral',
} as const;
/** Size of an inline ephemeral volume that names none. */
export const EPHEMERAL_DEFAULT_SIZE = '1Gi';

/** VolumeSnapshotClass parameter keys. */
export const SNAPSHOT_CLASS_PARAMS = {
  /** "true" ⇒ read-only LVM copy-on-write snapshot. */
  readonly: 'csi.aliyun.com/readonly',
  initialSize: 'csi.aliyun.com/snapshot-initial-size',
  expansionThreshold: 'csi.aliyun.com/snapshot-expansion-threshold',
  expansionSize: 'csi.aliyun.com/snapshot-expansion-size',
  secretName: 'csi.storage.k8s.io/snapshotter-secret-name',
  secretNamespace: 'csi.storage.k8s.io/snapshotter-secret-namespace',
} as const;
/**
 * Open-Local's snapshot class defaults, and the thin-pool data use (percent) from which new thin volumes,
 * restores and clones are refused: the CSI plugin and the scheduler extender apply the same line (issue #17).
 */
export const SNAPSHOT_DEFAULTS = { initialSize: '4Gi', expansionThreshold: '50%', expansionSize: '1Gi', thinPoolFullPercent: 95 } as const;

/** Name prefixes: PV/LV names are `local-<PVC UID>`, snapshots `snap-<VolumeSnapshot UID>`. */
export const NAME_PREFIXES = { volume: 'local', snapshot: 'snap', snapshotContent: 'snapcontent' } as const;

/** Event reasons users may filter on. */
export const EVENT_REASONS = {
  /** Warning on an NLS: the agent could not create a VG from resourceToBeInited. */
  createVgFailed: 'CreateVGFailed',
  /** Normal on the NLSC: the controller synced every node's NLS. */
  synced: 'Synced',
} as const;
