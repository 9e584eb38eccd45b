// Parses lvm's JSON reports (`--reportformat json --units b --nosuffix`) into typed state. lvm prints every value
// as a JSON string, and '' for "not applicable"; both are handled here and nowhere else.
import { LvmError } from './errors.js';
import type { LogicalVolume, LvmState, PhysicalVolume, VolumeGroup } from './types.js';

type Row = Record<string, unknown>;

function fail(message: string, cause?: unknown): never {
  throw new LvmError('COMMAND_FAILED', `unexpected lvm report: ${message}`, cause === undefined ? {} : { cause });
}

function text(row: Row, key: string): string {
  const value = row[key];
  if (value === undefined) return '';
  if (typeof value !== 'string') fail(`field ${key} is ${JSON.stringify(value)}, not a string`);
  return value;
}

function integer(row: Row, key: string): number {
  const raw = text(row, key);
  const value = Number(raw);
  if (raw === '' || !Number.isSafeInteger(value)) fail(`field ${key} is ${JSON.stringify(raw)}, not a whole number`);
  return value;
}

function optionalInteger(row: Row, key: string): number {
  return text(row, key) === '' ? 0 : integer(row, key);
}

function percent(row: Row, key: string): number | undefined {
  const raw = text(row, key);
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) fail(`field ${key} is ${JSON.stringify(raw)}, not a number`);
  return value;
}

function tags(row: Row, key: string): string[] {
  const raw = text(row, key);
  return raw === '' ? [] : raw.split(',');
}

function rows(section: unknown, key: string): Row[] {
  if (section === undefined) return [];
  if (!Array.isArray(section) || !section.every((r) => typeof r === 'object' && r !== null)) fail(`${key} is not a list of objects`);
  return section as Row[];
}

function parseDocument(stdout: string): Row[] {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (cause) {
    fail('output is not JSON', cause);
  }
  const report = (doc as { report?: unknown } | null)?.report;
  if (!Array.isArray(report)) fail('no "report" list');
  return report as Row[];
}

function toVolumeGroup(row: Row): VolumeGroup {
  return {
    name: text(row, 'vg_name'),
    uuid: text(row, 'vg_uuid'),
    sizeBytes: integer(row, 'vg_size'),
    freeBytes: integer(row, 'vg_free'),
    extentSizeBytes: integer(row, 'vg_extent_size'),
    extentCount: integer(row, 'vg_extent_count'),
    freeExtentCount: integer(row, 'vg_free_count'),
    pvCount: integer(row, 'pv_count'),
    lvCount: integer(row, 'lv_count'),
    tags: tags(row, 'vg_tags'),
    attr: text(row, 'vg_attr'),
  };
}

function toPhysicalVolume(row: Row): PhysicalVolume {
  return {
    name: text(row, 'pv_name'),
    uuid: text(row, 'pv_uuid'),
    vgName: text(row, 'vg_name'),
    sizeBytes: integer(row, 'pv_size'),
    freeBytes: integer(row, 'pv_free'),
    deviceSizeBytes: optionalInteger(row, 'dev_size'),
    tags: tags(row, 'pv_tags'),
  };
}

interface SegmentInfo {
  stripes: number;
  stripeSizeBytes: number;
}

/** Hidden sub-LVs are printed in brackets by some lvm commands ("[pool_tdata]"); we use the bare name. */
function bareName(name: string): string {
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
}

function toLogicalVolume(row: Row, segment: SegmentInfo | undefined): LogicalVolume {
  const name = bareName(text(row, 'lv_name'));
  const vgName = text(row, 'vg_name');
  const attr = text(row, 'lv_attr');
  const layout = text(row, 'lv_layout').split(',');
  const role = text(row, 'lv_role').split(',');
  const lv: LogicalVolume = {
    name,
    vgName,
    uuid: text(row, 'lv_uuid'),
    sizeBytes: integer(row, 'lv_size'),
    attr,
    tags: tags(row, 'lv_tags'),
    origin: text(row, 'origin'),
    poolLv: text(row, 'pool_lv'),
    isActive: text(row, 'lv_active') === 'active',
    isThinPool: layout.includes('pool') && layout.includes('thin'),
    isThin: layout.includes('thin') && !layout.includes('pool'),
    isSnapshot: role.includes('snapshot'),
    isHidden: role.includes('private'),
    stripes: segment?.stripes ?? (row['stripes'] === undefined ? 1 : optionalInteger(row, 'stripes')),
    stripeSizeBytes: segment?.stripeSizeBytes ?? optionalInteger(row, 'stripe_size'),
    devicePath: lvDevicePath(vgName, name),
  };
  const dataPercent = percent(row, 'data_percent');
  const metadataPercent = percent(row, 'metadata_percent');
  const snapPercent = percent(row, 'snap_percent');
  if (dataPercent !== undefined) lv.dataPercent = dataPercent;
  if (metadataPercent !== undefined) lv.metadataPercent = metadataPercent;
  if (snapPercent !== undefined) lv.snapPercent = snapPercent;
  return lv;
}

/** The device node of an LV; it exists only while the LV is active. */
export function lvDevicePath(vgName: string, lvName: string): string {
  return `/dev/${vgName}/${lvName}`;
}

/** Parses the output of `lvm fullreport` (see fullReportArgs) into all VGs, PVs (also those in no VG) and LVs. */
export function parseFullReport(stdout: string): LvmState {
  const state: LvmState = { vgs: [], pvs: [], lvs: [] };
  for (const entry of parseDocument(stdout)) {
    const vgs = rows(entry['vg'], 'vg').map(toVolumeGroup);
    const vgName = vgs[0]?.name ?? '';
    state.vgs.push(...vgs);
    // A PV's vg_name is only printed when asked; the enclosing VG entry is the authority.
    state.pvs.push(...rows(entry['pv'], 'pv').map((row) => ({ ...toPhysicalVolume(row), vgName })));
    const segments = new Map<string, SegmentInfo>();
    for (const seg of rows(entry['seg'], 'seg')) {
      const uuid = text(seg, 'lv_uuid');
      const stripes = optionalInteger(seg, 'stripes');
      // An LV's first segment decides; striped LVs have one segment per allocation, all with the same stripes.
      if (!segments.has(uuid)) segments.set(uuid, { stripes: Math.max(stripes, 1), stripeSizeBytes: optionalInteger(seg, 'stripe_size') });
    }
    for (const row of rows(entry['lv'], 'lv')) {
      const lv = toLogicalVolume({ vg_name: vgName, ...row }, segments.get(text(row, 'lv_uuid')));
      state.lvs.push(lv);
    }
  }
  return state;
}

/** Parses `lvs` output for one or more LVs (see lvReportArgs). */
export function parseLvReport(stdout: string): LogicalVolume[] {
  return parseDocument(stdout).flatMap((entry) => rows(entry['lv'], 'lv').map((row) => toLogicalVolume(row, undefined)));
}
