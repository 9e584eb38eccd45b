// NodeLocalStorageInitConfig → one node's NodeLocalStorage spec (Open-Local's controller updateNLSSpec).
import type { NodeLocalStorageSpec } from './generated/nodelocalstorage.js';
import type { NodeLocalStorageInitConfigSpec } from './generated/nodelocalstorageinitconfig.js';
import { type Labels, matchesLabelSelector } from './label-selector.js';

/** The node a spec is computed for. */
export interface NodeIdentity {
  /** Node name; becomes `spec.nodeName` (and the NLS name). */
  name: string;
  /** The node's labels. */
  labels?: Labels;
}

type Blocks = Pick<NodeLocalStorageSpec, 'spdkConfig' | 'listConfig' | 'resourceToBeInited'>;

function copyBlocks(source: Blocks): Blocks {
  // Copies, so a caller mutating the result never edits the init config it came from.
  const blocks: Blocks = {};
  if (source.spdkConfig !== undefined) blocks.spdkConfig = structuredClone(source.spdkConfig);
  if (source.listConfig !== undefined) blocks.listConfig = structuredClone(source.listConfig);
  if (source.resourceToBeInited !== undefined) blocks.resourceToBeInited = structuredClone(source.resourceToBeInited);
  return blocks;
}

/**
 * Computes a node's NLS spec: `globalConfig`'s spdkConfig, listConfig and resourceToBeInited, then, for each
 * `nodesConfig` entry in order whose selector matches the node's labels, that entry's three blocks replace
 * them wholesale (a block the entry leaves out becomes absent; no field-level merge), so the last match wins.
 * An entry without a selector matches no node; an empty selector `{}` matches every node.
 * @throws {InvalidSelectorError} naming `spec.nodesConfig[i].selector...` when a selector is malformed
 */
export function initConfigToNodeSpec(config: NodeLocalStorageInitConfigSpec | undefined, node: NodeIdentity): NodeLocalStorageSpec {
  const labels = node.labels ?? {};
  let blocks: Blocks = config?.globalConfig ?? {};
  (config?.nodesConfig ?? []).forEach((entry, index) => {
    if (matchesLabelSelector(entry.selector, labels, `spec.nodesConfig[${index}].selector`)) blocks = entry;
  });
  return { nodeName: node.name, ...copyBlocks(blocks) };
}
