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
  OrphanedLogicalVolume,
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

export {
  GROUP,
  VERSION,
  API_VERSION,
  NLS,
  NLSC,
  DEFAULT_INIT_CONFIG_NAME,
  DRIVER_NAME,
  YODA_DRIVER_NAME,
  PROVISIONER_NAMES,
  TOPOLOGY_KEY,
  LV_TAGS,
  ANNOTATIONS,
  LABELS,
  CONDITIONS,
  MEDIA_TYPES,
  VOLUME_TYPES,
  type VolumeType,
  STORAGE_CLASS_PARAMS,
  LVM_TYPES,
  DEFAULT_FS_TYPE,
  AGENT_DEFAULTS,
  DEFAULT_EXTENDER_PORT,
  VOLUME_CONTEXT_KEYS,
  EPHEMERAL_DEFAULT_SIZE,
  SNAPSHOT_CLASS_PARAMS,
  SNAPSHOT_DEFAULTS,
  NAME_PREFIXES,
  EVENT_REASONS,
} from './constants.js';
export {
  CrdTypesError,
  type CrdTypesErrorCode,
  CrdValidationError,
  type ValidationIssue,
  InvalidPatternError,
  InvalidSelectorError,
  InvalidQuantityError,
  InvalidReservationError,
} from './errors.js';
export {
  validateNodeLocalStorage,
  validateNodeLocalStorageInitConfig,
  parseNodeLocalStorage,
  parseNodeLocalStorageInitConfig,
  type ValidationResult,
} from './validate.js';
export { loadCrdManifests, crdManifestPaths, type CrdManifest } from './crd-manifests.js';
export { nodeLocalStorageSchema, nodeLocalStorageInitConfigSchema } from './generated/schemas.js';
export { compileGoRegexp, isWholeMatch, type GoRegexp } from './go-regexp.js';
export { filterNames, filterStorageInfo, type FilterOutcome, type FilteredNames } from './list-filter.js';
export { matchesLabelSelector, type Labels } from './label-selector.js';
export { initConfigToNodeSpec, type NodeIdentity } from './init-config-merge.js';
export { parseQuantityBytes, parseQuantityValueBytes, quantityValueBytesOrUndefined, parseLegacySizeBytes, formatBytes, formatBinaryBytes } from './quantity.js';
export {
  parseStorageClassParameters,
  parseInlineVolumeAttributes,
  parseIoThrottle,
  isVolumeGroupName,
  fsTypeOf,
  UNSUPPORTED_FS_TYPE,
  type StorageClassSpec,
  type InlineVolumeSpec,
  type IoThrottle,
  type VolumeMediaType,
  type VolumeFsType,
  type ParameterIssue,
  type ParameterResult,
} from './storage-class-parameters.js';
export { parseSnapshotClassParameters, type SnapshotClassSpec } from './snapshot-class-parameters.js';
export { STORAGE_CLASS_PARAMETER_CASES, INLINE_VOLUME_ATTRIBUTE_CASES, type ParameterCase } from './parameter-cases.js';
export {
  parseStorageReserved,
  parseReservation,
  reservedBytes,
  applyReserved,
  allocatableWithReserve,
  type Reservation,
  type StorageReserve,
  type VgCapacity,
} from './storage-reserved.js';
export {
  assignVolumeGroups,
  prepareVgClaims,
  vgSearchNote,
  VG_ASSIGNMENT_LIMITS,
  type VgAssignment,
  type VgAssignmentFailure,
  type VgClaim,
  type VgRoom,
  type VgSearchExtent,
  type VgStrategy,
  type PreparedVgClaims,
} from './vg-assignment.js';
export { decodeOpenLocalPv, type OpenLocalPv, type PvLike } from './open-local-pv.js';
export {
  nlsToNodeOffer,
  MOUNT_POINT_FS_TYPES,
  type NodeOffer,
  type NlsOfferShape,
  type OfferedVolumeGroup,
  type OfferedResource,
} from './node-offer.js';
export { classCapacityOf, type ClassCapacity, type CapacityClass } from './class-capacity.js';
export {
  planAdoption,
  managedStorageOf,
  nodeLvsOf,
  type AdoptionInput,
  type AdoptionPlan,
  type AdoptionProblem,
  type AdoptionPurpose,
  type ManagedStorage,
  type NodeLv,
} from './adoption.js';
