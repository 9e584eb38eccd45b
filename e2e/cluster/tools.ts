// The upstream binaries the cluster needs, looked up in the tools cache that scripts/build-tools fills.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { toolsBinDir } from './paths.js';

/** Binaries a control plane needs. */
export const CONTROL_PLANE_TOOLS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type ToolName =
  | (typeof CONTROL_PLANE_TOOLS)[number]
  | 'kubelet'
  | 'csi-provisioner'
  | 'csi-resizer'
  | 'csi-snapshotter'
  | 'snapshot-controller'
  | 'csi-node-driver-registrar'
  | 'csi-sanity'
  | 'helm';

/** Absolute path of a tool in the cache (whether or not it exists). */
export function toolPath(name: ToolName, binDir: string = toolsBinDir()): string {
  return join(binDir, name);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // Missing or not executable: both mean "not built yet", which the caller reports.
    return false;
  }
}

/** Names of the given tools that are missing or not executable in `binDir`. */
export function missingTools(names: readonly ToolName[], binDir: string = toolsBinDir()): ToolName[] {
  return names.filter((name) => !isExecutable(toolPath(name, binDir)));
}

/** A one-line reason to print when tools are missing, telling how to build them; null when all exist. */
export function missingToolsReason(names: readonly ToolName[], binDir: string = toolsBinDir()): string | null {
  const missing = missingTools(names, binDir);
  if (missing.length === 0) return null;
  return `missing ${missing.join(', ')} in ${binDir}: run scripts/build-tools (builds the pinned upstream binaries)`;
}
