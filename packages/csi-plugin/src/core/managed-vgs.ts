// Pod authors stay inside their storage (issue #16): a VG name that comes from a user — an inline ephemeral
// volume's vgName, a StorageClass's vgName, the extender's plan — may only name a VG the node's NodeLocalStorage
// manages (status.filteredStorageInfo.volumeGroups, what the agent publishes), never another VG of the node
// such as the OS's. Best fit chooses among managed VGs only. Pure: the lookup sits behind ManagedVgLookup.
import { CsiError, InvalidFieldError } from './errors.js';

/** What the node's NLS says about managed VGs. */
export type ManagedVgs =
  /** The NLS of the node and the VG names its status lists as managed. */
  | { kind: 'nls'; nodeId: string; names: readonly string[] }
  /** The API answered, but there is no NLS for this node: nothing is managed yet. */
  | { kind: 'no-nls'; nodeId: string }
  /** No API access (a bare process in a test): only --vg-regexp applies. */
  | { kind: 'unchecked' };

/** Where ManagedVgs come from (the node's NLS through the API). */
export interface ManagedVgLookup {
  managedVgs(signal: AbortSignal): Promise<ManagedVgs>;
}

function managedList(managed: Extract<ManagedVgs, { kind: 'nls' }>): string {
  return managed.names.length === 0 ? 'none' : managed.names.join(', ');
}

/** Pure: the VGs of `vgs` a new volume may go to. */
export function onlyManagedVgs<T extends { name: string }>(vgs: readonly T[], managed: ManagedVgs): T[] {
  if (managed.kind === 'unchecked') return [...vgs];
  if (managed.kind === 'no-nls') return [];
  const names = new Set(managed.names);
  return vgs.filter((vg) => names.has(vg.name));
}

/**
 * Pure: refuses `vgName` (from request field `field`) unless the node's NLS manages it. INVALID_ARGUMENT names the
 * field, the VG and what is managed; no NLS at all is FAILED_PRECONDITION (the agent has not reported yet).
 */
export function requireManagedVg(vgName: string, field: string, managed: ManagedVgs): void {
  if (managed.kind === 'unchecked') return;
  if (managed.kind === 'no-nls') {
    throw new CsiError('FAILED_PRECONDITION', `${field} ${JSON.stringify(vgName)}: node ${managed.nodeId} has no NodeLocalStorage, so no volume group is managed there yet`);
  }
  if (!managed.names.includes(vgName)) {
    throw new InvalidFieldError(field, vgName, `volume group is not managed by the NodeLocalStorage of node ${managed.nodeId} (managed: ${managedList(managed)})`);
  }
}
