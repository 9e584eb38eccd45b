// What `open-local-upgrade-check` reports (#15): every Open-Local PV judged by the same adoption rule the plugin
// applies, with the node facts taken from the API (the node's NLS lists its VGs and LVs as the agent saw them).
import { formatBytes, managedStorageOf, nodeLvsOf, planAdoption, type AdoptionPlan, type NodeLocalStorage, type OpenLocalPv } from '@openlocal/crd-types';

export interface UpgradeFacts {
  pvs: readonly OpenLocalPv[];
  nodeNames: readonly string[];
  nls: readonly NodeLocalStorage[];
}

export interface UpgradeRow {
  pv: string;
  claim: string;
  node: string;
  volumeType: string;
  /** Where the data is: `vg/lv`, a disk or a mount point. */
  storage: string;
  size: string;
  isAdopted: boolean;
  /** `adopted` or the reason it will not work. */
  result: string;
}

export interface UpgradeReport {
  rows: UpgradeRow[];
  adopted: number;
  broken: number;
}

function storageOf(pv: OpenLocalPv): string {
  switch (pv.volumeType) {
    case 'LVM':
      return `${pv.vgName ?? '?'}/${pv.volumeHandle}`;
    case 'Device':
      return pv.device ?? '?';
    case 'MountPoint':
      return pv.mountPoint ?? '?';
    default:
      return '?';
  }
}

function resultOf(plan: AdoptionPlan): string {
  switch (plan.action) {
    case 'adopt-lv':
      return `adopted: untagged LV of ${formatBytes(plan.lvSizeBytes)} used as it is`;
    case 'record-claim':
      return `adopted: its claim of ${plan.path} is recorded at first use, nothing is formatted`;
    case 'refuse':
      return `WILL NOT WORK: ${plan.reason}`;
  }
}

/** Judges every PV; rows sorted by node, then PV name. */
export function buildUpgradeReport(facts: UpgradeFacts): UpgradeReport {
  const rows = facts.pvs.map((pv): UpgradeRow => {
    const node = pv.node ?? '';
    const nls = facts.nls.find((candidate) => candidate.metadata?.name === node);
    const plan = planAdoption({ pv, nodeName: node, isNodePresent: facts.nodeNames.includes(node), managed: managedStorageOf(nls), lvs: nodeLvsOf(nls), allPvs: facts.pvs, purpose: 'use' });
    return {
      pv: pv.name,
      claim: pv.claim ?? '-',
      node: node || '-',
      volumeType: pv.volumeType || '-',
      storage: storageOf(pv),
      size: pv.capacityText ?? '-',
      isAdopted: plan.action !== 'refuse',
      result: resultOf(plan),
    };
  });
  rows.sort((a, b) => a.node.localeCompare(b.node) || a.pv.localeCompare(b.pv));
  const adopted = rows.filter((row) => row.isAdopted).length;
  return { rows, adopted, broken: rows.length - adopted };
}

const COLUMNS: readonly (readonly [keyof UpgradeRow, string])[] = [
  ['pv', 'PV'],
  ['claim', 'CLAIM'],
  ['node', 'NODE'],
  ['volumeType', 'TYPE'],
  ['storage', 'STORAGE'],
  ['size', 'SIZE'],
  ['result', 'RESULT'],
];

/** The report as a terminal table with a closing verdict line. */
export function formatUpgradeReport(report: UpgradeReport): string {
  const cells = [COLUMNS.map(([, title]) => title), ...report.rows.map((row) => COLUMNS.map(([key]) => String(row[key])))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  const lines = cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  const verdict =
    report.rows.length === 0
      ? 'No Open-Local PVs: nothing to adopt.'
      : report.broken === 0
        ? `All ${report.rows.length} Open-Local PV(s) will be adopted.`
        : `${report.broken} of ${report.rows.length} Open-Local PV(s) will not work after the upgrade; fix them first (docs/migrating-from-open-local.md).`;
  return `${lines.join('\n')}\n\n${verdict}\n`;
}
