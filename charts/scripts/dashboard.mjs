// Writes charts/open-local/dashboards/open-local.json, the Grafana dashboard the chart ships (issue #18):
// Open-Local v0.7.1's panels and `nodename` variable (uid TyLZG5Ynk, so existing links keep working), then our
// panels. Panels are listed here as data so the JSON stays consistent; `--check` fails when the file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'open-local', 'dashboards', 'open-local.json');
const N = 'nodename=~"$nodename"';
const GiB = '1024^3';

/** [title, type, width, height, targets[[expr, legend]], unit] */
const PANELS = [
  // Open-Local v0.7.1's panels (reference §7), same queries.
  ['Number of PV', 'stat', 6, 6, [[`sum(local_allocated_num{${N}})`, '']], 'none'],
  ['VG Information', 'timeseries', 18, 6, [[`local_volume_group_used{${N}}`, '{{vgname}} - Used'], [`local_volume_group_total{${N}}`, '{{vgname}} - Total']], 'bytes'],
  ['Block Device Information', 'table', 12, 6, [
    [`sum(local_device_available{${N}})by(name,type)/${GiB}`, 'available GiB'], [`sum(local_device_total{${N}})by(name,type)/${GiB}`, 'total GiB'], [`sum(local_device_bind{${N}})by(name)`, 'bind'],
  ], 'none'],
  ['MountPoint Information', 'table', 12, 6, [
    [`sum(local_mount_point_available{${N}})by(name,type)/${GiB}`, 'available GiB'], [`sum(local_mount_point_total{${N}})by(name,type)/${GiB}`, 'total GiB'], [`sum(local_mount_point_bind{${N}})by(name)`, 'bind'],
  ], 'none'],
  ['PV Information', 'table', 24, 8, [[`sum(local_local_pv{${N}})by(pv_name,pv_type,pvc_name,pvc_ns,storage_name,status)/${GiB}`, 'GiB']], 'none'],
  // Ours.
  ['VG size, allocatable and used per node (agent)', 'timeseries', 12, 8, [
    [`openlocal_agent_vg_total_bytes{${N}}`, '{{nodename}}/{{vg}} size'],
    [`openlocal_agent_vg_allocatable_bytes{${N}}`, '{{nodename}}/{{vg}} allocatable'],
    [`openlocal_agent_vg_total_bytes{${N}} - openlocal_agent_vg_available_bytes{${N}}`, '{{nodename}}/{{vg}} used by LVs'],
  ], 'bytes'],
  ['VG charged / allocatable per node (scheduler view)', 'timeseries', 12, 8, [[`local_volume_group_used{${N}} / (local_volume_group_total{${N}} > 0)`, '{{nodename}}/{{vgname}}']], 'percentunit'],
  ['Thin pool data used', 'timeseries', 12, 8, [[`openlocal_agent_thin_pool_data_used_ratio{${N}}`, '{{nodename}}/{{vg}}/{{pool}}']], 'percentunit'],
  ['Volumes per node', 'timeseries', 12, 8, [[`count by (nodename) (local_local_pv{${N}})`, '{{nodename}} PVs'], [`sum by (nodename) (openlocal_extender_planned_claims{${N}})`, '{{nodename}} planned']], 'none'],
  ['CSI calls per second by method and code', 'timeseries', 12, 8, [['sum by (method, code) (rate(openlocal_csi_requests_total[5m]))', '{{method}} {{code}}']], 'reqps'],
  ['CSI errors (not OK) in the last hour', 'table', 12, 8, [['sum by (method, code) (increase(openlocal_csi_requests_total{code!="OK"}[1h]))', '{{method}} {{code}}']], 'none'],
  ['CSI latency p95 by method', 'timeseries', 12, 8, [['histogram_quantile(0.95, sum by (le, method) (rate(openlocal_csi_request_duration_seconds_bucket[5m])))', '{{method}}']], 's'],
  ['Extender filter and score latency p99', 'timeseries', 12, 8, [['histogram_quantile(0.99, sum by (le, route) (rate(openlocal_extender_request_duration_seconds_bucket{route=~"/scheduler/.*"}[5m])))', '{{route}}']], 's'],
  ['Extender answers by route and status', 'timeseries', 12, 8, [['sum by (route, status) (rate(openlocal_extender_request_duration_seconds_count[5m]))', '{{route}} {{status}}']], 'reqps'],
  ['Controller leader', 'stat', 6, 6, [['sum(openlocal_controller_is_leader)', 'leaders']], 'none'],
  ['Node command latency p95 (lvm, mkfs, mount)', 'timeseries', 9, 6, [['histogram_quantile(0.95, sum by (le, command) (rate(openlocal_command_duration_seconds_bucket[5m])))', '{{command}}']], 's'],
  ['Node command failures in the last hour', 'table', 9, 6, [['sum by (command, outcome) (increase(openlocal_command_failures_total[1h]))', '{{command}} {{outcome}}']], 'none'],
  // LVs of ours no PV names, past the agent's orphan grace (#16); alert OpenLocalOrphanedVolumes.
  ['Orphaned LVs (no PV names them)', 'table', 6, 6, [
    ['sum by (nodename, vg) (openlocal_agent_orphan_lvs{nodename=~"$nodename"})', '{{nodename}}/{{vg}} LVs'],
    ['sum by (nodename, vg) (openlocal_agent_orphan_lv_bytes{nodename=~"$nodename"})', '{{nodename}}/{{vg}} bytes'],
  ], 'none'],
];

function panel([title, type, w, h, targets, unit], index, position) {
  return {
    id: index + 1,
    title,
    type,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { x: position.x, y: position.y, w, h },
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: type === 'table' ? { showHeader: true } : {},
    targets: targets.map(([expr, legendFormat], t) => ({
      refId: String.fromCharCode(65 + t), expr, legendFormat, ...(type === 'table' ? { format: 'table', instant: true } : {}),
    })),
  };
}

function layout() {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return PANELS.map((spec, index) => {
    const [, , w, h] = spec;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const result = panel(spec, index, { x, y });
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return result;
  });
}

const dashboard = {
  uid: 'TyLZG5Ynk',
  title: 'Open-Local',
  tags: ['open-local', 'storage'],
  refresh: '5s',
  schemaVersion: 39,
  time: { from: 'now-1h', to: 'now' },
  templating: {
    list: [
      { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source' },
      {
        name: 'nodename', type: 'query', label: 'node', datasource: { type: 'prometheus', uid: '${datasource}' },
        query: 'label_values(local_allocated_num, nodename)', definition: 'label_values(local_allocated_num, nodename)',
        multi: true, includeAll: true, allValue: '.*', refresh: 2, current: {},
      },
    ],
  },
  panels: layout(),
};

const text = `${JSON.stringify(dashboard, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(OUT, 'utf8') !== text) {
    console.error(`${OUT} differs from charts/scripts/dashboard.mjs: run node charts/scripts/dashboard.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
}
