// NodeLocalStorage status → what the node offers: crd-types' nlsToNodeOffer, the one rule the extender and the
// CSI plugin's GetCapacity share (issue #14).
import { nlsToNodeOffer } from '@openlocal/crd-types';
import type { NlsShape } from './k8s-shapes.js';
import type { NodeStorage } from './types.js';

export interface DecodedNodeStorage {
  storage: NodeStorage;
  /** Why some entries were left out, naming the field and value. */
  problems: string[];
}

/** Decodes one NLS. Only names listed in `status.filteredStorageInfo` are offered, as in Open-Local. */
export function nlsToNodeStorage(nls: NlsShape): DecodedNodeStorage {
  const { offer, problems } = nlsToNodeOffer(nls);
  return { storage: offer, problems };
}
