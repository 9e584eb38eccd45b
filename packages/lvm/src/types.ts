// The typed view of LVM state that readState() returns. Byte counts are safe integers, parsed once here.

/** A volume group. */
export interface VolumeGroup {
  name: string;
  uuid: string;
  sizeBytes: number;
  freeBytes: number;
  extentSizeBytes: number;
  extentCount: number;
  freeExtentCount: number;
  pvCount: number;
  lvCount: number;
  tags: string[];
  attr: string;
}

/** A physical volume; `vgName` is '' for a PV that belongs to no VG. */
export interface PhysicalVolume {
  name: string;
  uuid: string;
  vgName: string;
  sizeBytes: number;
  freeBytes: number;
  deviceSizeBytes: number;
  tags: string[];
}

/** A logical volume. `isActive` is false on hosts without device-mapper, where nothing can be active. */
export interface LogicalVolume {
  name: string;
  vgName: string;
  uuid: string;
  sizeBytes: number;
  attr: string;
  tags: string[];
  /** Origin LV of a snapshot, '' otherwise. */
  origin: string;
  /** Thin pool of a thin LV, '' otherwise. */
  poolLv: string;
  /** Percent of a thin pool or thin LV's data used; undefined when lvm does not report it. */
  dataPercent?: number;
  /** Percent of a thin pool's metadata used (a full metadata area stops the pool like full data); undefined otherwise. */
  metadataPercent?: number;
  /** Percent of a classic snapshot's space used; undefined when lvm does not report it. */
  snapPercent?: number;
  isActive: boolean;
  isThinPool: boolean;
  isThin: boolean;
  isSnapshot: boolean;
  /** lvm's hidden sub-volumes (thin pool data/metadata, mirror images); their space shows in their parent. */
  isHidden: boolean;
  stripes: number;
  stripeSizeBytes: number;
  /** `/dev/<vg>/<lv>`; the node exists only while the LV is active. */
  devicePath: string;
}

/** Everything lvm knows about VGs, PVs and LVs at one moment. */
export interface LvmState {
  vgs: VolumeGroup[];
  pvs: PhysicalVolume[];
  lvs: LogicalVolume[];
}
