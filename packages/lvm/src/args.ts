// Pure argv builders for every lvm command we run. Callers validate names first; these only assemble argv.

/** Columns asked of `lvm fullreport`, per sub-report. Fewer columns = less JSON to parse at 200+ LVs. */
export const REPORT_COLUMNS = {
  vg: ['vg_name', 'vg_uuid', 'vg_size', 'vg_free', 'vg_extent_size', 'vg_extent_count', 'vg_free_count', 'pv_count', 'lv_count', 'vg_tags', 'vg_attr'],
  pv: ['pv_name', 'pv_uuid', 'vg_name', 'pv_size', 'pv_free', 'dev_size', 'pv_tags'],
  lv: ['lv_name', 'vg_name', 'lv_uuid', 'lv_size', 'lv_attr', 'lv_tags', 'origin', 'pool_lv', 'data_percent', 'metadata_percent', 'snap_percent', 'lv_active', 'lv_role', 'lv_layout'],
  seg: ['lv_uuid', 'segtype', 'stripes', 'stripe_size'],
  pvseg: ['pvseg_start'],
} as const;

const COMMON = ['--reportformat', 'json', '--units', 'b', '--nosuffix'];

/**
 * One process for the whole state: `lvm fullreport` prints every VG with its PVs, LVs and segments, plus PVs in
 * no VG, in one JSON document. Open-Local spends several processes per VG and per LV for the same facts.
 */
export function fullReportArgs(): string[] {
  const argv = ['lvm', 'fullreport', ...COMMON];
  for (const [report, columns] of Object.entries(REPORT_COLUMNS)) {
    argv.push('--configreport', report, '-o', columns.join(','));
  }
  return argv;
}

/** `lvs` for one LV, in the same columns as the full report's `lv` sub-report (after create/extend). */
export function lvReportArgs(vgName: string, lvName: string): string[] {
  return ['lvm', 'lvs', ...COMMON, '-o', [...REPORT_COLUMNS.lv, 'stripes', 'stripe_size'].join(','), `${vgName}/${lvName}`];
}

/** Without device-mapper lvm can only write metadata: no activation, no zeroing of the new LV's start. */
export function noDeviceMapperArgs(hasDeviceMapper: boolean): string[] {
  return hasDeviceMapper ? [] : ['--driverloaded', 'n', '--activate', 'n', '--zero', 'n'];
}

const SECTOR_BYTES = 512;

/** lvm takes byte sizes only in whole 512-byte sectors; it then rounds up to whole extents itself. */
export function sizeArg(sizeBytes: number): string {
  return `${Math.ceil(sizeBytes / SECTOR_BYTES) * SECTOR_BYTES}b`;
}

function tagArgs(tags: readonly string[] = []): string[] {
  return tags.flatMap((tag) => ['--addtag', tag]);
}

export function pvcreateArgs(device: string): string[] {
  return ['lvm', 'pvcreate', device];
}

export function vgcreateArgs(request: { name: string; devices: readonly string[]; tags?: readonly string[] }): string[] {
  return ['lvm', 'vgcreate', ...tagArgs(request.tags), request.name, ...request.devices];
}

export function vgActivateArgs(name: string): string[] {
  return ['lvm', 'vgchange', '--activate', 'y', name];
}

export function vgDeactivateArgs(name: string): string[] {
  return ['lvm', 'vgchange', '--activate', 'n', name];
}

export function vgremoveArgs(name: string): string[] {
  return ['lvm', 'vgremove', '--force', name];
}

export interface LvcreateArgsRequest {
  vgName: string;
  name: string;
  sizeBytes: number;
  tags?: readonly string[];
  stripes?: number;
  stripeSizeBytes?: number;
  hasDeviceMapper: boolean;
}

/** Linear or striped LV. Sizes are bytes with the `b` unit; lvm rounds them up to whole extents. */
export function lvcreateArgs(request: LvcreateArgsRequest): string[] {
  const argv = ['lvm', 'lvcreate', '--yes', '--name', request.name, '--size', sizeArg(request.sizeBytes), ...tagArgs(request.tags)];
  if (request.stripes !== undefined && request.stripes > 1) {
    argv.push('--stripes', String(request.stripes));
    if (request.stripeSizeBytes !== undefined) argv.push('--stripesize', `${request.stripeSizeBytes / 1024}k`);
  }
  argv.push(...noDeviceMapperArgs(request.hasDeviceMapper), request.vgName);
  return argv;
}

export function lvextendArgs(request: { vgName: string; name: string; sizeBytes: number; hasDeviceMapper: boolean }): string[] {
  const dm = request.hasDeviceMapper ? [] : ['--driverloaded', 'n'];
  return ['lvm', 'lvextend', '--size', sizeArg(request.sizeBytes), ...dm, `${request.vgName}/${request.name}`];
}

export function lvremoveArgs(request: { vgName: string; name: string; hasDeviceMapper: boolean }): string[] {
  const dm = request.hasDeviceMapper ? [] : ['--driverloaded', 'n'];
  return ['lvm', 'lvremove', '--yes', ...dm, `${request.vgName}/${request.name}`];
}

export function lvActivateArgs(request: { vgName: string; name: string; isActive: boolean }): string[] {
  return ['lvm', 'lvchange', '--activate', request.isActive ? 'y' : 'n', `${request.vgName}/${request.name}`];
}

export function snapshotArgs(request: { vgName: string; originName: string; name: string; sizeBytes: number; tags?: readonly string[] }): string[] {
  return ['lvm', 'lvcreate', '--yes', '--snapshot', '--name', request.name, '--size', sizeArg(request.sizeBytes), ...tagArgs(request.tags), `${request.vgName}/${request.originName}`];
}

export function thinPoolArgs(request: { vgName: string; name: string; sizeBytes: number; tags?: readonly string[] }): string[] {
  return ['lvm', 'lvcreate', '--yes', '--type', 'thin-pool', '--name', request.name, '--size', sizeArg(request.sizeBytes), ...tagArgs(request.tags), request.vgName];
}

export function thinLvArgs(request: { vgName: string; poolName: string; name: string; virtualSizeBytes: number; tags?: readonly string[] }): string[] {
  return ['lvm', 'lvcreate', '--yes', '--type', 'thin', '--name', request.name, '--virtualsize', sizeArg(request.virtualSizeBytes), '--thinpool', request.poolName, ...tagArgs(request.tags), request.vgName];
}

/** A thin snapshot needs no size: it shares the pool. `--setactivationskip n` makes it activate like any LV. */
export function thinSnapshotArgs(request: { vgName: string; originName: string; name: string; tags?: readonly string[] }): string[] {
  return ['lvm', 'lvcreate', '--yes', '--snapshot', '--setactivationskip', 'n', '--name', request.name, ...tagArgs(request.tags), `${request.vgName}/${request.originName}`];
}

/** Adds and removes LV tags in one metadata update (no device-mapper needed: tags live in the metadata only). */
export function lvTagArgs(request: { vgName: string; name: string; add?: readonly string[]; remove?: readonly string[] }): string[] {
  const del = (request.remove ?? []).flatMap((tag) => ['--deltag', tag]);
  return ['lvm', 'lvchange', ...tagArgs(request.add), ...del, `${request.vgName}/${request.name}`];
}
