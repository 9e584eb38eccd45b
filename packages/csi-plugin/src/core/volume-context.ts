// The volume_context returned by CreateVolume (it lands in the PV's volumeAttributes): the StorageClass
// parameters plus where the volume went and on which node, with Open-Local's key names.
import { VOLUME_CONTEXT_KEYS } from '@openlocal/crd-types';

/** Keys the provisioner adds that must not be copied (secret references). */
function isCopied(key: string): boolean {
  return !/secret-(name|namespace)$/.test(key);
}

export function buildVolumeContext(
  parameters: Readonly<Record<string, string>>,
  placement: { vgName?: string; device?: string; mountPoint?: string; nodeId: string },
): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) if (isCopied(key)) context[key] = value;
  if (placement.vgName !== undefined) context[VOLUME_CONTEXT_KEYS.vgName] = placement.vgName;
  if (placement.device !== undefined) context[VOLUME_CONTEXT_KEYS.device] = placement.device;
  if (placement.mountPoint !== undefined) context[VOLUME_CONTEXT_KEYS.mountPoint] = placement.mountPoint;
  context[VOLUME_CONTEXT_KEYS.selectedNode] = placement.nodeId;
  return context;
}
