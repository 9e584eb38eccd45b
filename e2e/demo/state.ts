// Reads the cluster state the demo shows (nodes, CRDs, NodeLocalStorage objects) and turns it into tables.
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition, type V1Node } from '@kubernetes/client-node';
import { renderTable } from './table.js';

/** The subset of an NLS the demo prints (the status is the agent's). */
export interface NlsSummary {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly nodeStorageInfo?: {
      readonly phase?: string;
      readonly state?: { readonly type?: string };
      readonly volumeGroups?: readonly {
        readonly name?: string;
        readonly total?: number;
        readonly available?: number;
        readonly allocatable?: number;
        readonly logicalVolumes?: readonly { readonly name?: string }[];
      }[];
      readonly deviceInfo?: readonly unknown[];
    };
  };
}

export interface ClusterState {
  readonly nodes: readonly V1Node[];
  readonly crds: readonly V1CustomResourceDefinition[];
  /** null when the NLS CRD is not installed. */
  readonly nls: readonly NlsSummary[] | null;
}

function conditionStatus(conditions: readonly { type?: string; status?: string }[] | undefined, type: string): string {
  return conditions?.find((condition) => condition.type === type)?.status ?? 'Unknown';
}

/** Pure: the nodes table. */
export function nodesTable(nodes: readonly V1Node[]): string {
  const rows = nodes.map((node) => {
    const labels = node.metadata?.labels ?? {};
    const taints = (node.spec?.taints ?? []).map((taint) => `${taint.key}:${taint.effect}`).join(',') || '-';
    const capacity = node.status?.allocatable ?? {};
    return [
      node.metadata?.name ?? '?', conditionStatus(node.status?.conditions, 'Ready'), taints,
      capacity.cpu ?? '-', capacity.memory ?? '-', capacity.pods ?? '-', labels['topology.kubernetes.io/zone'] ?? '-',
    ];
  });
  return renderTable(['NODE', 'READY', 'TAINTS', 'CPU', 'MEMORY', 'PODS', 'ZONE'], rows);
}

/** Pure: the CRDs table. */
export function crdsTable(crds: readonly V1CustomResourceDefinition[]): string {
  const rows = crds.map((crd) => [
    crd.metadata?.name ?? '?', crd.spec.names.kind, crd.spec.names.shortNames?.join(',') ?? '-', crd.spec.scope,
    crd.spec.versions.filter((version) => version.served).map((version) => version.name).join(','),
    conditionStatus(crd.status?.conditions, 'Established'),
  ]);
  return renderTable(['CRD', 'KIND', 'SHORT', 'SCOPE', 'VERSIONS', 'ESTABLISHED'], rows);
}

/** Pure: bytes as whole MiB when exact (LVM sizes are whole extents), else as bytes. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '?';
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20}Mi` : `${bytes}B`;
}

type VgSummary = NonNullable<NonNullable<NonNullable<NlsSummary['status']>['nodeStorageInfo']>['volumeGroups']>[number];

/** Pure: an NLS's own cells: name, state, phase. */
function nlsCells(item: NlsSummary): string[] {
  const info = item.status?.nodeStorageInfo;
  return [item.metadata?.name ?? '?', info?.state?.type ?? '-', info?.phase ?? '-'];
}

/** Pure: a VG's cells: name, total, used (total minus free), allocatable, LV count. */
function vgCells(vg: VgSummary): string[] {
  const usedBytes = vg.total === undefined || vg.available === undefined ? undefined : vg.total - vg.available;
  return [vg.name ?? '?', formatBytes(vg.total), formatBytes(usedBytes), formatBytes(vg.allocatable), String(vg.logicalVolumes?.length ?? 0)];
}

/**
 * Pure: one row per VG of every NLS, the way `kubectl get nls` shows the node and the status the agent wrote:
 * size, used (total minus free), allocatable to Open-Local and the LVs in it.
 */
export function nlsTable(items: readonly NlsSummary[] | null): string {
  if (items === null) return 'NodeLocalStorage CRD not installed';
  const rows = items.flatMap((item) => {
    const head = nlsCells(item);
    const vgs = item.status?.nodeStorageInfo?.volumeGroups ?? [];
    return vgs.length === 0 ? [[...head, '-', '-', '-', '-', '-']] : vgs.map((vg) => [...head, ...vgCells(vg)]);
  });
  return renderTable(['NLS', 'STATE', 'PHASE', 'VG', 'TOTAL', 'USED', 'ALLOCATABLE', 'LVS'], rows, '(none yet: NLS objects appear once the controller and agents run)');
}

/** Reads nodes, CRDs of csi.aliyun.com and NLS objects. */
export async function readClusterState(kubeConfig: KubeConfig): Promise<ClusterState> {
  const nodes = (await kubeConfig.makeApiClient(CoreV1Api).listNode()).items;
  const allCrds = (await kubeConfig.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition()).items;
  const crds = allCrds.filter((crd) => crd.spec.group === 'csi.aliyun.com');
  const hasNls = crds.some((crd) => crd.metadata?.name === 'nodelocalstorages.csi.aliyun.com');
  const nls = hasNls
    ? ((await kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' })) as { items: NlsSummary[] }).items
    : null;
  return { nodes, crds, nls };
}

/** Pure: the whole state as the demo prints it. */
export function renderState(state: ClusterState): string {
  return [nodesTable(state.nodes), '', crdsTable(state.crds), '', nlsTable(state.nls)].join('\n');
}

/** Pure: one line for periodic reports. */
export function statusLine(state: ClusterState, now: Date): string {
  const ready = state.nodes.filter((node) => conditionStatus(node.status?.conditions, 'Ready') === 'True').length;
  return `${now.toISOString()} nodes Ready ${ready}/${state.nodes.length}, CRDs ${state.crds.length}, NLS ${state.nls?.length ?? 0}`;
}
