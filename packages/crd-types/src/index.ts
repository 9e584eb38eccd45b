// Public API of @openlocal/crd-types: the Open-Local CRD types, manifests, validators, constants and pure helpers.

export type { ObjectMeta } from './object-meta.js';
export type {
  NodeLocalStorage,
  NodeLocalStorageSpec,
  NodeLocalStorageStatus,
  SpdkConfig,
  ListConfig,
  FilterList,
  ResourceToBeInited,
  VgToBeInited,
  MountPointToBeInited,
  NodeStorageInfo,
  DeviceInfo,
  VolumeGroup,
  LogicalVolume,
  MountPoint,
  StorageState,
  FilteredStorageInfo,
  UpdateStatusInfo,
  MediaType,
  StorageConditionType,
  StoragePhase,
  ConditionStatus,
  UpdateStatus,
} from './generated/nodelocalstorage.js';
export type {
  NodeLocalStorageInitConfig,
  NodeLocalStorageInitConfigSpec,
  GlobalConfig,
  NodeConfig,
  LabelSelector,
  LabelSelectorRequirement,
  LabelSelectorOperator,
} from './generated/nodelocalstorageinitconfig.js';
