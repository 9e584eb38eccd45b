// Fixed facts the Identity, Controller and Node services report: LV tags, default size, capability lists.
// The driver name and topology key are @openlocal/crd-types' DRIVER_NAME and TOPOLOGY_KEY.
import { EPHEMERAL_DEFAULT_SIZE, LV_TAGS, parseQuantityBytes } from '@openlocal/crd-types';

/** LVM tag on every LV this plugin creates, so the agent and DeleteVolume can tell ours from others. */
export const OWNER_TAG = LV_TAGS.owner;
/** Extra tag on LVs of inline ephemeral volumes, removed at unpublish. */
export const EPHEMERAL_TAG = LV_TAGS.ephemeral;
/** Size of a volume created without a capacity range: the inline ephemeral default. */
export const DEFAULT_SIZE_BYTES = parseQuantityBytes(EPHEMERAL_DEFAULT_SIZE);

export type Mode = 'node' | 'controller';

/**
 * In node mode the controller service runs beside external-provisioner --node-deployment and creates volumes
 * on its own node, and beside csi-snapshotter --node-deployment takes, lists and deletes snapshots of its own
 * volumes and restores or clones them; in controller mode it only answers expansion (external-resizer) and
 * capacity questions.
 */
export function controllerCapabilities(mode: Mode): string[] {
  return mode === 'node'
    ? ['CREATE_DELETE_VOLUME', 'GET_CAPACITY', 'EXPAND_VOLUME', 'CREATE_DELETE_SNAPSHOT', 'LIST_SNAPSHOTS', 'CLONE_VOLUME']
    : ['EXPAND_VOLUME'];
}

export const NODE_CAPABILITIES = ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME', 'VOLUME_CONDITION'] as const;
