// The demo's evidence from the nodes themselves: what real `lvm vgs` / `lvm lvs` say in each node's own LVM
// view, and a wait until every NLS (written by the agents) agrees with it. The CI check compares these tables
// with the NLS rows and the bound claims, so their headings and columns are part of the output contract.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, NLS, VERSION } from '@openlocal/crd-types';
import { waitFor } from '../cluster/index.js';
import { listLvs, listVgs, type NodeDisks } from './node-disks.js';
import { formatBytes, nlsTable, type NlsSummary } from './state.js';
import { renderTable } from './table.js';

/** Headings the CI check looks for (each table follows its heading, up to the next blank line). */
export const VGS_HEADING = '`lvm vgs` in each node\'s own LVM view:';
export const LVS_HEADING = '`lvm lvs` in each node\'s own LVM view:';
export const NLS_BEFORE_HEADING = 'VG use before any claim (NLS status, as `kubectl get nls` would list it per VG):';
export const NLS_AFTER_HEADING = 'VG use after (NLS status once the agents saw the new LVs):';
export const NLS_AFTER_DELETE_HEADING = 'VG use after the delete:';
/** Followed by the output of the `open-local-status` command against the demo's extender. */
export const PICTURE_HEADING = 'The storage picture without Grafana (`open-local-status --url <extender>`: the extender\'s read-only GET /status):';

interface Evidence {
  readonly cluster: { readonly kubeConfig: KubeConfig };
  readonly nodes: readonly NodeDisks[];
  readonly out: (text: string) => void;
  readonly signal: AbortSignal;
}

/** Prints each node's VGs as lvm reports them. */
export async function printVgs({ nodes, out }: Evidence): Promise<void> {
  const rows = (await Promise.all(nodes.map(async (node) => (await listVgs(node)).map((vg) => [node.nodeName, vg.name, formatBytes(vg.sizeBytes), node.sandbox.lvmSystemDir]))));
  out(`\n${VGS_HEADING}`);
  out(renderTable(['NODE', 'VG', 'VSIZE', 'LVM_SYSTEM_DIR'], rows.flat()));
}

/** Prints each node's LVs as lvm reports them. */
export async function printLvs({ nodes, out }: Evidence): Promise<void> {
  const rows = (await Promise.all(nodes.map(async (node) => (await listLvs(node)).map((lv) => [node.nodeName, lv.name, lv.vgName, formatBytes(lv.sizeBytes)]))));
  out(`\n${LVS_HEADING}`);
  out(renderTable(['NODE', 'LV', 'VG', 'LSIZE'], rows.flat()));
}

async function listNls(kubeConfig: KubeConfig): Promise<NlsSummary[]> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return ((await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural })) as { items: NlsSummary[] }).items;
}

/** Pure: does the NLS of `node` report exactly lvm's VG size and LV names for the node's VG? */
export function nlsAgreesWithLvm(nls: NlsSummary | undefined, lvm: { vgName: string; vgSizeBytes: number | undefined; lvNames: readonly string[] }): boolean {
  const vg = nls?.status?.nodeStorageInfo?.volumeGroups?.find((group) => group.name === lvm.vgName);
  if (vg === undefined || vg.total !== lvm.vgSizeBytes) return false;
  const reported = (vg.logicalVolumes ?? []).map((lv) => lv.name ?? '').sort();
  return JSON.stringify(reported) === JSON.stringify([...lvm.lvNames].sort());
}

/** Waits until every node's NLS agrees with its lvm (the agents rescan every 2 s); returns the NLS table. */
export async function waitForNlsMatchingLvm(evidence: Evidence, what: string): Promise<string> {
  return waitFor({ what: `${what} (agent logs: agent-<node>.log in the run dir)`, timeoutMs: 90_000, intervalMs: 500, signal: evidence.signal }, async () => {
    const items = await listNls(evidence.cluster.kubeConfig);
    const disagreeing: string[] = [];
    for (const node of evidence.nodes) {
      const [vgs, lvs] = await Promise.all([listVgs(node), listLvs(node)]);
      const lvm = { vgName: node.vgName, vgSizeBytes: vgs.find((vg) => vg.name === node.vgName)?.sizeBytes, lvNames: lvs.map((lv) => lv.name) };
      if (!nlsAgreesWithLvm(items.find((item) => item.metadata?.name === node.nodeName), lvm)) disagreeing.push(node.nodeName);
    }
    return disagreeing.length === 0 ? { done: true, value: nlsTable(items) } : { done: false, observed: { disagreeing, nls: nlsTable(items) } };
  });
}
