// Fixed facts the Identity, Controller and Node services report: names, topology key, capability lists.

export const DRIVER_NAME = 'local.csi.aliyun.com';
export const TOPOLOGY_KEY = 'kubernetes.io/hostname';
/** LVM tag on every LV this plugin creates, so the agent and DeleteVolume can tell ours from others. */
export const OWNER_TAG = 'local.csi.aliyun.com';
/** Extra tag on LVs of inline ephemeral volumes, removed at unpublish. */
export const EPHEMERAL_TAG = 'local.csi.aliyun.com/ephemeral';
/** Default size of an inline ephemeral volume and of a volume created without a capacity range. */
export const DEFAULT_SIZE_BYTES = 2 ** 30;

export type Mode = 'node' | 'controller';

/**
 * In node mode the controller service runs beside external-provisioner --node-deployment and creates volumes
 * on its own node; in controller mode it only answers expansion (external-resizer) and capacity questions.
 */
export function controllerCapabilities(mode: Mode): string[] {
  return mode === 'node' ? ['CREATE_DELETE_VOLUME', 'GET_CAPACITY', 'EXPAND_VOLUME'] : ['EXPAND_VOLUME'];
}

export const NODE_CAPABILITIES = ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME', 'VOLUME_CONDITION'] as const;
