// What each simulated node's own lvm view and its NLS say, in the shapes the invariants take.
import type { KubeConfig } from '@kubernetes/client-node';
import { getNls } from '../cluster/index.js';
import type { NodeDisks } from '../demo/node-disks.js';
import type { NlsView, NodeLv, NodeVg } from './invariants.js';

function rows(stdout: string): string[][] {
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '').map((line) => line.split('|').map((cell) => cell.trim()));
}

function bytes(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isSafeInteger(n)) throw new Error(`lvm reported ${what} ${JSON.stringify(value)}`);
  return n;
}

/** The node's LVs with their tags (real `lvm lvs` in the node's LVM view). */
export async function nodeLvs(node: NodeDisks): Promise<NodeLv[]> {
  const { stdout } = await node.sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '--separator', '|', '-o', 'lv_name,vg_name,lv_size,lv_tags']);
  return rows(stdout).map(([name = '', vgName = '', size, tags = '']) => ({
    node: node.nodeName, vgName, name, sizeBytes: bytes(size, `size of ${name}`), tags: tags === '' ? [] : tags.split(','),
  }));
}

/** The node's VGs (real `lvm vgs`). */
export async function nodeVgs(node: NodeDisks): Promise<NodeVg[]> {
  const { stdout } = await node.sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '--separator', '|', '-o', 'vg_name,vg_size,vg_free']);
  return rows(stdout).map(([name = '', size, free]) => ({ node: node.nodeName, name, sizeBytes: bytes(size, `size of ${name}`), freeBytes: bytes(free, `free of ${name}`) }));
}

/** The node's NLS status: VG figures, LV names per VG, and the orphans it reports. */
export async function nlsView(kubeConfig: KubeConfig, nodeName: string): Promise<NlsView> {
  const status = (await getNls(kubeConfig, nodeName))?.status;
  return {
    node: nodeName,
    vgs: (status?.nodeStorageInfo?.volumeGroups ?? []).map((vg) => ({ name: vg.name, total: vg.total, available: vg.available, lvNames: (vg.logicalVolumes ?? []).map((lv) => lv.name) })),
    orphans: (status?.orphanedLogicalVolumes ?? []).map((orphan) => orphan.name),
  };
}
