// The CSI Identity service. Probe checks that the tools the node path needs actually run.
import { CsiError } from '../core/errors.js';
import { DRIVER_NAME } from '@openlocal/crd-types';
import type { Mode } from '../core/driver-info.js';
import type { GetPluginCapabilitiesResponse } from '../generated/csi/v1/GetPluginCapabilitiesResponse.js';
import type { PluginCapability } from '../generated/csi/v1/PluginCapability.js';
import type { GetPluginInfoResponse } from '../generated/csi/v1/GetPluginInfoResponse.js';
import type { ProbeResponse } from '../generated/csi/v1/ProbeResponse.js';

const PLUGIN_CAPABILITIES: PluginCapability[] = [
  { service: { type: 'CONTROLLER_SERVICE' } },
  { service: { type: 'VOLUME_ACCESSIBILITY_CONSTRAINTS' } },
  { volume_expansion: { type: 'ONLINE' } },
];

export interface ToolCheck {
  /** Names of required tools that are missing or fail to run. */
  missingTools(signal: AbortSignal): Promise<string[]>;
}

export function createIdentityService(deps: { mode: Mode; version: string; tools: ToolCheck }) {
  return {
    async GetPluginInfo(): Promise<GetPluginInfoResponse> {
      return { name: DRIVER_NAME, vendor_version: deps.version, manifest: { mode: deps.mode } };
    },
    async GetPluginCapabilities(): Promise<GetPluginCapabilitiesResponse> {
      return { capabilities: PLUGIN_CAPABILITIES };
    },
    async Probe(_request: unknown, signal: AbortSignal): Promise<ProbeResponse> {
      if (deps.mode === 'controller') return { ready: { value: true } };
      const missing = await deps.tools.missingTools(signal);
      if (missing.length > 0) throw new CsiError('FAILED_PRECONDITION', `not ready: these tools are missing or fail: ${missing.join(', ')}`);
      return { ready: { value: true } };
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
