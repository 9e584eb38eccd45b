// The managed-VG lookup behind core/managed-vgs.ts: this node's NLS through the API (status.filteredStorageInfo,
// decoded by crd-types' managedStorageOf). Read on each use — volume creation is rare and the rule must follow
// the NLS as the agent changes it; the API client's deadline bounds each read.
import { managedStorageOf } from '@openlocal/crd-types';
import type { ManagedVgLookup, ManagedVgs } from '../core/managed-vgs.js';
import type { AdoptionSource } from '../ports.js';

export function createManagedVgLookup(options: { source: Pick<AdoptionSource, 'getNls'>; nodeId: string }): ManagedVgLookup {
  return {
    async managedVgs(signal): Promise<ManagedVgs> {
      const managed = managedStorageOf(await options.source.getNls(options.nodeId, { signal }));
      return managed === undefined ? { kind: 'no-nls', nodeId: options.nodeId } : { kind: 'nls', nodeId: options.nodeId, names: managed.vgNames };
    },
  };
}

