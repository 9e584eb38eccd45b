// What the agent reports to Prometheus about its node's storage, derived from one pass: per VG its size, free
// and allocatable bytes (from the status it writes) and per thin pool its size and data use (from lvm), each
// labelled with the node so a dashboard can show capacity per node and VG without relabelling.
import type { NodeStorageInfo } from '@openlocal/crd-types';
import type { LogicalVolume } from '@openlocal/lvm';

export interface VgSeries {
  vg: string;
  totalBytes: number;
  availableBytes: number;
  allocatableBytes: number;
  lvCount: number;
}

export interface ThinPoolSeries {
  vg: string;
  pool: string;
  sizeBytes: number;
  /** 0..1; undefined when lvm did not report data use (an inactive pool on a host without device-mapper). */
  dataUsedRatio: number | undefined;
}

export interface StorageSeries {
  vgs: VgSeries[];
  devices: { device: string; sizeBytes: number }[];
  thinPools: ThinPoolSeries[];
}

/** Pure: the series of one pass. VGs come from the status (what the scheduler sees), thin pools from lvm. */
export function storageSeries(info: NodeStorageInfo, lvs: readonly LogicalVolume[]): StorageSeries {
  return {
    vgs: (info.volumeGroups ?? []).map((vg) => ({
      vg: vg.name, totalBytes: vg.total, availableBytes: vg.available, allocatableBytes: vg.allocatable, lvCount: vg.logicalVolumes?.length ?? 0,
    })),
    devices: (info.deviceInfo ?? []).flatMap((d) => (d.name === undefined ? [] : [{ device: d.name, sizeBytes: d.total }])),
    thinPools: lvs.filter((lv) => lv.isThinPool).map((lv) => ({
      vg: lv.vgName, pool: lv.name, sizeBytes: lv.sizeBytes, dataUsedRatio: lv.dataPercent === undefined ? undefined : lv.dataPercent / 100,
    })),
  };
}
