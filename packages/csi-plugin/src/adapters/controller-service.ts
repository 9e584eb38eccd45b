// The CSI Controller service. In node mode it runs beside external-provisioner --node-deployment and acts on
// its own node's storage; in controller mode (beside external-resizer) it only answers expansion.
import type { Logger } from 'pino';
import type { ManagedVgLookup } from '../core/managed-vgs.js';
import { parseCapacityRange } from '../core/capacity-range.js';
import { CsiError, missingField } from '../core/errors.js';
import { TOPOLOGY_KEY, VOLUME_CONTEXT_KEYS } from '@openlocal/crd-types';
import { controllerCapabilities, type Mode } from '../core/driver-info.js';
import { validateVolumeId } from '../core/names.js';
import { parseVolumeSpec } from '../core/parameters.js';
import { buildVolumeContext } from '../core/volume-context.js';
import { capabilityProblem, validateCapabilities } from '../core/volume-capability.js';
import type { ControllerExpandVolumeRequest__Output } from '../generated/csi/v1/ControllerExpandVolumeRequest.js';
import type { ControllerExpandVolumeResponse } from '../generated/csi/v1/ControllerExpandVolumeResponse.js';
import type { ControllerGetCapabilitiesResponse } from '../generated/csi/v1/ControllerGetCapabilitiesResponse.js';
import type { CreateVolumeRequest__Output } from '../generated/csi/v1/CreateVolumeRequest.js';
import type { CreateVolumeResponse } from '../generated/csi/v1/CreateVolumeResponse.js';
import type { CreateSnapshotRequest__Output } from '../generated/csi/v1/CreateSnapshotRequest.js';
import type { CreateSnapshotResponse } from '../generated/csi/v1/CreateSnapshotResponse.js';
import type { DeleteSnapshotRequest__Output } from '../generated/csi/v1/DeleteSnapshotRequest.js';
import type { DeleteSnapshotResponse } from '../generated/csi/v1/DeleteSnapshotResponse.js';
import type { ListSnapshotsRequest__Output } from '../generated/csi/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse } from '../generated/csi/v1/ListSnapshotsResponse.js';
import type { DeleteVolumeRequest__Output } from '../generated/csi/v1/DeleteVolumeRequest.js';
import type { DeleteVolumeResponse } from '../generated/csi/v1/DeleteVolumeResponse.js';
import type { GetCapacityRequest__Output } from '../generated/csi/v1/GetCapacityRequest.js';
import type { GetCapacityResponse } from '../generated/csi/v1/GetCapacityResponse.js';
import type { TopologyRequirement__Output } from '../generated/csi/v1/TopologyRequirement.js';
import type { ValidateVolumeCapabilitiesRequest__Output } from '../generated/csi/v1/ValidateVolumeCapabilitiesRequest.js';
import type { ValidateVolumeCapabilitiesResponse } from '../generated/csi/v1/ValidateVolumeCapabilitiesResponse.js';
import type { ClaimStore, HostPort, LvmPort, PlanSource } from '../ports.js';
import { computeCapacity, type CapacitySource } from './capacity.js';
import { SnapshotService } from './snapshot-service.js';
import { deleteVolume } from './volume-deleter.js';
import { VolumeCreator, type VgHealth } from './volume-creator.js';
import type { Adopter } from './adopter.js';
import { requireVolume, sizeOf } from './volume-locator.js';

export interface ControllerDeps {
  mode: Mode;
  nodeId: string;
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  plans?: PlanSource | undefined;
  vgRegexp: RegExp;
  /** Open-Local's volumes through their PVs (#15); absent without API access. */
  adopter?: Adopter | undefined;
  /** Which VGs hang (a dead disk), from the disk probes; absent = none known. */
  health?: VgHealth | undefined;
  /** The VGs this node's NLS manages (issue #16); absent without API access. */
  managedVgs?: ManagedVgLookup | undefined;
  /** The NLS and PVs behind GetCapacity (issue #14); absent without API access (free VG space is answered). */
  capacitySource?: CapacitySource | undefined;
  logger: Logger;
}

function requireNodeMode(mode: Mode, method: string): void {
  if (mode !== 'node') throw new CsiError('UNSUPPORTED', `${method} is served by the node-mode plugin (external-provisioner --node-deployment), not the controller`);
}

/** Spec: a requisite topology that does not include this node cannot be satisfied here. */
function checkTopology(requirement: TopologyRequirement__Output | null, nodeId: string): void {
  const requisite = requirement?.requisite ?? [];
  if (requisite.length === 0) return;
  if (!requisite.some((t) => t.segments[TOPOLOGY_KEY] === nodeId)) {
    throw new CsiError('NO_SPACE', `accessibility_requirements.requisite does not include ${TOPOLOGY_KEY}=${nodeId}; this plugin only provisions on its own node`);
  }
}

export function createControllerService(deps: ControllerDeps) {
  const creator = new VolumeCreator(deps);
  const snapshots = new SnapshotService(deps);
  const locator = { lvm: deps.lvm, claims: deps.claims, vgRegexp: deps.vgRegexp, adopter: deps.adopter };

  return {
    async CreateVolume(request: CreateVolumeRequest__Output, signal: AbortSignal): Promise<CreateVolumeResponse> {
      const name = validateVolumeId(request.name, 'name');
      if (request.volume_capabilities.length === 0) throw missingField('volume_capabilities');
      const spec = parseVolumeSpec(request.parameters, 'parameters');
      validateCapabilities(request.volume_capabilities, spec.volumeType, 'volume_capabilities');
      const size = parseCapacityRange(request.capacity_range, 'capacity_range');
      requireNodeMode(deps.mode, 'CreateVolume');
      checkTopology(request.accessibility_requirements, deps.nodeId);
      if (request.volume_content_source !== null) {
        const source = request.volume_content_source;
        const made = await snapshots.createFromSource({ name, spec, requiredBytes: size?.requiredBytes ?? 0, limitBytes: size?.limitBytes ?? 0, source }, signal);
        const readOnly: Record<string, string> = made.readOnlySnapshotId === undefined ? {} : { [VOLUME_CONTEXT_KEYS.readonly]: 'true', [VOLUME_CONTEXT_KEYS.snapshotId]: made.readOnlySnapshotId };
        return {
          volume: {
            volume_id: made.volumeId,
            capacity_bytes: String(made.sizeBytes),
            volume_context: { ...buildVolumeContext(request.parameters, { vgName: made.vgName, nodeId: deps.nodeId }), ...readOnly },
            accessible_topology: [{ segments: { [TOPOLOGY_KEY]: deps.nodeId } }],
            content_source: source,
          },
        };
      }
      const pvcName = request.parameters[VOLUME_CONTEXT_KEYS.pvcName];
      const pvcNamespace = request.parameters[VOLUME_CONTEXT_KEYS.pvcNamespace];
      const pvc = pvcName && pvcNamespace ? { name: pvcName, namespace: pvcNamespace } : undefined;
      const created = await creator.create({ name, spec, size, pvc, signal });
      const { sizeBytes, volumeId, ...placement } = created;
      return {
        volume: {
          volume_id: volumeId,
          capacity_bytes: String(sizeBytes),
          volume_context: buildVolumeContext(request.parameters, { ...placement, nodeId: deps.nodeId }),
          accessible_topology: [{ segments: { [TOPOLOGY_KEY]: deps.nodeId } }],
        },
      };
    },

    async DeleteVolume(request: DeleteVolumeRequest__Output, signal: AbortSignal): Promise<DeleteVolumeResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      requireNodeMode(deps.mode, 'DeleteVolume');
      await deleteVolume({ ...deps, volumeId, signal });
      return {};
    },

    async ControllerExpandVolume(request: ControllerExpandVolumeRequest__Output, signal: AbortSignal): Promise<ControllerExpandVolumeResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      const size = parseCapacityRange(request.capacity_range, 'capacity_range');
      if (size === null) throw missingField('capacity_range');
      // The central plugin cannot see node storage: the node grows the LV in NodeExpandVolume.
      if (deps.mode === 'controller') return { capacity_bytes: String(size.requiredBytes), node_expansion_required: true };
      const volume = await requireVolume({ ...locator, purpose: 'expand' }, volumeId, signal);
      if (volume.volumeType === 'LVM') {
        if (volume.isReadOnly === true) {
          throw new CsiError('FAILED_PRECONDITION', `volume ${volumeId} is the read-only snapshot ${volume.lv.name} and cannot grow; restore into a thin class for a writable, growable copy`);
        }
        // A thin LV grows its virtual size only: the pool, not the VG's free space, holds its data.
        if (volume.lv.isThin) return { capacity_bytes: String(Math.max(size.requiredBytes, volume.lv.sizeBytes)), node_expansion_required: true };
        const state = await deps.lvm.readState({ signal });
        const free = state.vgs.find((vg) => vg.name === volume.lv.vgName)?.freeBytes ?? 0;
        const growth = size.requiredBytes - volume.lv.sizeBytes;
        if (growth > free) throw new CsiError('NO_SPACE', `volume group ${volume.lv.vgName} has ${free} bytes free, growing ${volumeId} needs ${growth}`);
        return { capacity_bytes: String(Math.max(size.requiredBytes, volume.lv.sizeBytes)), node_expansion_required: true };
      }
      const current = sizeOf(volume);
      if (size.requiredBytes > current) {
        throw new CsiError('OUT_OF_RANGE', `${volume.volumeType} volume ${volumeId} is a whole ${volume.claim.path} of ${current} bytes and cannot grow to ${size.requiredBytes}`);
      }
      return { capacity_bytes: String(current), node_expansion_required: false };
    },

    async ValidateVolumeCapabilities(request: ValidateVolumeCapabilitiesRequest__Output, signal: AbortSignal): Promise<ValidateVolumeCapabilitiesResponse> {
      const volumeId = validateVolumeId(request.volume_id, 'volume_id');
      if (request.volume_capabilities.length === 0) throw missingField('volume_capabilities');
      requireNodeMode(deps.mode, 'ValidateVolumeCapabilities');
      const volume = await requireVolume(locator, volumeId, signal);
      const problems = request.volume_capabilities.map((c) => capabilityProblem(c, volume.volumeType)).filter((p) => p !== null);
      if (problems.length > 0) return { message: problems.join('; ') };
      return {
        confirmed: {
          volume_context: request.volume_context,
          volume_capabilities: request.volume_capabilities,
          parameters: request.parameters,
          mutable_parameters: request.mutable_parameters,
        },
      };
    },

    async GetCapacity(request: GetCapacityRequest__Output, signal: AbortSignal): Promise<GetCapacityResponse> {
      requireNodeMode(deps.mode, 'GetCapacity');
      const topologyNode = request.accessible_topology?.segments[TOPOLOGY_KEY];
      if (topologyNode !== undefined && topologyNode !== deps.nodeId) return { available_capacity: '0' };
      const capacity = await computeCapacity({ ...deps, parameters: request.parameters, signal });
      return { available_capacity: String(capacity.availableBytes), maximum_volume_size: { value: String(capacity.maximumVolumeBytes) } };
    },

    async CreateSnapshot(request: CreateSnapshotRequest__Output, signal: AbortSignal): Promise<CreateSnapshotResponse> {
      requireNodeMode(deps.mode, 'CreateSnapshot');
      return { snapshot: await snapshots.createSnapshot(request, signal) };
    },

    async DeleteSnapshot(request: DeleteSnapshotRequest__Output, signal: AbortSignal): Promise<DeleteSnapshotResponse> {
      requireNodeMode(deps.mode, 'DeleteSnapshot');
      await snapshots.deleteSnapshot(request, signal);
      return {};
    },

    async ListSnapshots(request: ListSnapshotsRequest__Output, signal: AbortSignal): Promise<ListSnapshotsResponse> {
      requireNodeMode(deps.mode, 'ListSnapshots');
      return snapshots.listSnapshots(request, signal);
    },

    async ControllerGetCapabilities(): Promise<ControllerGetCapabilitiesResponse> {
      return { capabilities: controllerCapabilities(deps.mode).map((type) => ({ rpc: { type: type as 'CREATE_DELETE_VOLUME' } })) };
    },
  };
}

export type ControllerService = ReturnType<typeof createControllerService>;
