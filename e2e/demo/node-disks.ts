// The simulated nodes' disks: per node, sparse loop devices with an LVM view of their own (the sandbox from
// @openlocal/lvm/testing), and the name of the VG the node's agent will create on them. VG names carry a
// prefix unique to this demo run, so teardown (and anyone checking `vgs`) can tell them apart.
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';

/** One simulated node's storage. */
export interface NodeDisks {
  readonly nodeName: string;
  /** The VG the agent creates from {@link sandbox}'s loops (init config `resourceToBeInited`). */
  readonly vgName: string;
  readonly sandbox: HostSandbox;
}

/** Loop sizes in MiB by node index (cycled): different VG sizes make placement visible. */
const LOOP_SIZES_MIB: readonly (readonly number[])[] = [[1024, 512], [1024], [768]];

/** Pure: the prefix of every VG (and temp dir) this run creates, e.g. `oldemo4821`. */
export function demoPrefix(pid: number): string {
  return `oldemo${pid}`;
}

/** Pure: the loop sizes of the node at `index`. */
export function loopSizesMiB(index: number): readonly number[] {
  return LOOP_SIZES_MIB[index % LOOP_SIZES_MIB.length] ?? [512];
}

/**
 * Creates each node's loops and LVM view. On failure, cleans up what was made and rethrows; the caller owns
 * the cleanup of what it gets back (and `onCreated` sees each sandbox at once, so a signal mid-way loses none).
 */
export async function createNodeDisks(
  nodeNames: readonly string[],
  options: { readonly prefix: string; readonly onCreated: (disks: NodeDisks) => void },
): Promise<NodeDisks[]> {
  const created: NodeDisks[] = [];
  for (const [index, nodeName] of nodeNames.entries()) {
    const sandbox = await createHostSandbox(loopSizesMiB(index), { dirPrefix: `${options.prefix}-${nodeName}-` });
    const disks = { nodeName, vgName: `${options.prefix}-${nodeName}`, sandbox };
    created.push(disks);
    options.onCreated(disks);
  }
  return created;
}

/** One row of `lvm lvs` or `lvm vgs` in bytes. */
export interface LvmRow {
  readonly name: string;
  readonly vgName: string;
  readonly sizeBytes: number;
}

/** Pure: rows of `lvs|vgs --noheadings --units b --nosuffix -o <name>,vg_name,<size>`; throws on a bad number. */
export function parseLvmRows(stdout: string): LvmRow[] {
  return stdout.split('\n').map((line) => line.trim().split(/\s+/)).filter((cells) => cells.length === 3).map(([name = '', vgName = '', size = '']) => {
    const sizeBytes = Number(size);
    if (!Number.isSafeInteger(sizeBytes)) throw new Error(`lvm reported size ${JSON.stringify(size)} for ${name}`);
    return { name, vgName, sizeBytes };
  });
}

/** The node's LVs as its own LVM view reports them (real `lvm lvs`). */
export async function listLvs(disks: NodeDisks): Promise<LvmRow[]> {
  const { stdout } = await disks.sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_size']);
  return parseLvmRows(stdout);
}

/** The node's VGs as its own LVM view reports them (real `lvm vgs`; name, VG name again, size). */
export async function listVgs(disks: NodeDisks): Promise<LvmRow[]> {
  const { stdout } = await disks.sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_name,vg_size']);
  return parseLvmRows(stdout);
}
