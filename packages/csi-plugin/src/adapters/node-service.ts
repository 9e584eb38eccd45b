// The CSI Node service: validate, find the volume on this node, then stage / publish / expand / report.
import type { Logger } from 'pino';
import type { ManagedVgLookup } from '../core/managed-vgs.js';
import { parseCapacityRange } from '../core/capacity-range.js';
import { TOPOLOGY_KEY, VOLUME_CONTEXT_KEYS } from '@openlocal/crd-types';
import { NODE_CAPABILITIES } from '../core/driver-info.js';
import { missingField } from '../core/errors.js';
import { validatePathInside } from '../core/kubelet-path.js';
import { validateVolumeId } from '../core/names.js';
import { toAccessKind } from '../core/volume-capability.js';
import type { NodeExpandVolumeRequest__Output } from '../generated/csi/v1/NodeExpandVolumeRequest.js';
import type { NodeExpandVolumeResponse } from '../generated/csi/v1/NodeExpandVolumeResponse.js';
import type { NodeGetCapabilitiesResponse } from '../generated/csi/v1/NodeGetCapabilitiesResponse.js';
import type { NodeGetInfoResponse } from '../generated/csi/v1/NodeGetInfoResponse.js';
import type { NodeGetVolumeStatsRequest__Output } from '../generated/csi/v1/NodeGetVolumeStatsRequest.js';
import type { NodeGetVolumeStatsResponse } from '../generated/csi/v1/NodeGetVolumeStatsResponse.js';
import type { NodePublishVolumeRequest__Output } from '../generated/csi/v1/NodePublishVolumeRequest.js';
import type { NodePublishVolumeResponse } from '../generated/csi/v1/NodePublishVolumeResponse.js';
import type { NodeStageVolumeRequest__Output } from '../generated/csi/v1/NodeStageVolumeRequest.js';
import type { NodeStageVolumeResponse } from '../generated/csi/v1/NodeStageVolumeResponse.js';
import type { NodeUnpublishVolumeRequest__Output } from '../generated/csi/v1/NodeUnpublishVolumeRequest.js';
import type { NodeUnpublishVolumeResponse } from '../generated/csi/v1/NodeUnpublishVolumeResponse.js';
import type { NodeUnstageVolumeRequest__Output } from '../generated/csi/v1/NodeUnstageVolumeRequest.js';
import type { NodeUnstageVolumeResponse } from '../generated/csi/v1/NodeUnstageVolumeResponse.js';
import type { ClaimStore, HostPort, LvmPort, ThrottlePort } from '../ports.js';
import { expandOnNode, volumeStats } from './node-expand.js';
import { publishEphemeral, publishVolume, unpublishVolume } from './node-publish.js';
import { stageVolume, unmountAll } from './node-stage.js';
import type { Adopter } from './adopter.js';
import { requireVolume } from './volume-locator.js';

export interface NodeDeps {
  nodeId: string;
  kubeletDir: string;
  maxVolumesPerNode: number;
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  throttle: ThrottlePort;
  vgRegexp: RegExp;
  /** Open-Local's volumes through their PVs (#15); absent without API access. */
  adopter?: Adopter | undefined;
  /** The VGs this node's NLS manages (issue #16); absent without API access. */
  managedVgs?: ManagedVgLookup | undefined;
  logger: Logger;
}

export function createNodeService(deps: NodeDeps) {
  const locator = { lvm: deps.lvm, claims: deps.claims, vgRegexp: deps.vgRegexp, adopter: deps.adopter };
  const inside = (path: string, field: string) => validatePathInside(path, deps.kubeletDir, field);

  return {
    async NodeStageVolume(request: NodeStageVolumeRequest__Output, signal: AbortSignal): Promise<NodeStageVolumeResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      const stagingPath = inside(request.staging_target_path, 'staging_target_path');
      if (request.volume_capability === null) throw missingField('volume_capability');
      const volume = await requireVolume(locator, volumeId, signal);
      const access = toAccessKind(request.volume_capability, volume.volumeType, 'volume_capability');
      const isFsTypeExplicit = (request.volume_capability.mount?.fs_type ?? '') !== '';
      await stageVolume(deps, { volumeId, volume, stagingPath, access, isFsTypeExplicit, signal });
      return {};
    },

    async NodeUnstageVolume(request: NodeUnstageVolumeRequest__Output, signal: AbortSignal): Promise<NodeUnstageVolumeResponse> {
      validateVolumeId(request.volume_id, 'volume_id');
      const stagingPath = inside(request.staging_target_path, 'staging_target_path');
      await unmountAll(deps.host, stagingPath, signal);
      return {};
    },

    async NodePublishVolume(request: NodePublishVolumeRequest__Output, signal: AbortSignal): Promise<NodePublishVolumeResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      const targetPath = inside(request.target_path, 'target_path');
      if (request.volume_capability === null) throw missingField('volume_capability');
      const stagingPath = request.staging_target_path === '' ? '' : inside(request.staging_target_path, 'staging_target_path');
      const common = { volumeId, targetPath, isReadOnly: request.readonly, volumeContext: request.volume_context, signal };
      if (request.volume_context[VOLUME_CONTEXT_KEYS.ephemeral] === 'true') {
        await publishEphemeral(deps, { ...common, access: toAccessKind(request.volume_capability, 'LVM', 'volume_capability') });
        return {};
      }
      const volume = await requireVolume(locator, volumeId, signal);
      const access = toAccessKind(request.volume_capability, volume.volumeType, 'volume_capability');
      await publishVolume(deps, { ...common, volume, stagingPath, access });
      return {};
    },

    async NodeUnpublishVolume(request: NodeUnpublishVolumeRequest__Output, signal: AbortSignal): Promise<NodeUnpublishVolumeResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      const targetPath = inside(request.target_path, 'target_path');
      await unpublishVolume(deps, { volumeId, targetPath, signal });
      return {};
    },

    async NodeGetVolumeStats(request: NodeGetVolumeStatsRequest__Output, signal: AbortSignal): Promise<NodeGetVolumeStatsResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      if (request.volume_path === '') throw missingField('volume_path');
      const volume = await requireVolume(locator, volumeId, signal);
      return volumeStats(deps, { volumeId, volume, volumePath: request.volume_path });
    },

    async NodeExpandVolume(request: NodeExpandVolumeRequest__Output, signal: AbortSignal): Promise<NodeExpandVolumeResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      if (request.volume_path === '') throw missingField('volume_path');
      const volume = await requireVolume({ ...locator, purpose: 'expand' }, volumeId, signal);
      const volumePath = inside(request.volume_path, 'volume_path');
      const size = parseCapacityRange(request.capacity_range, 'capacity_range');
      const sizeBytes = await expandOnNode(deps, { volumeId, volume, volumePath, size, signal });
      return { capacity_bytes: String(sizeBytes) };
    },

    async NodeGetCapabilities(): Promise<NodeGetCapabilitiesResponse> {
      return { capabilities: NODE_CAPABILITIES.map((type) => ({ rpc: { type } })) };
    },

    async NodeGetInfo(): Promise<NodeGetInfoResponse> {
      return {
        node_id: deps.nodeId,
        max_volumes_per_node: String(deps.maxVolumesPerNode),
        accessible_topology: { segments: { [TOPOLOGY_KEY]: deps.nodeId } },
      };
    },
  };
}

export type NodeService = ReturnType<typeof createNodeService>;
