// What the plugin tells kubelet's plugin watcher (pluginregistration v1) and where it listens for it: the
// registration socket path, the PluginInfo answer, and kubelet's verdict read back. Pure data, no I/O.
import { posix } from 'node:path';
import type { Mode } from './driver-info.js';

/** PluginInfo.type kubelet expects from a CSI driver (pluginregistration.CSIPlugin). */
export const CSI_PLUGIN_TYPE = 'CSIPlugin';
/** Kubelet takes the highest 1.x it finds; node-driver-registrar reports exactly this. */
export const SUPPORTED_CSI_VERSIONS: readonly string[] = ['1.0.0'];
/** Linux sun_path holds 108 bytes including the terminating NUL; a longer path cannot be bound at all. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** The PluginInfo message (field names as the proto spells them). */
export interface RegistrationInfo {
  type: string;
  name: string;
  endpoint: string;
  supported_versions: string[];
}

export interface RegistrationSettings {
  mode: Mode;
  driver: string;
  /** '' when registration is turned off. */
  registrationDir: string;
  /** The CSI socket as kubelet sees it. */
  kubeletRegistrationPath: string;
  kubeletDir: string;
}

export type RegistrationPlan =
  | { isEnabled: false; reason: string }
  | { isEnabled: true; socketPath: string; info: RegistrationInfo; warnings: string[] };

/** `<dir>/<driver>-reg.sock`, the name node-driver-registrar uses, so either can replace the other. */
export function registrationSocketPath(registrationDir: string, driver: string): string {
  return posix.join(registrationDir, `${driver}-reg.sock`);
}

/** Why a socket path cannot be bound, or null when it can. */
export function socketPathProblem(path: string): string | null {
  const bytes = new TextEncoder().encode(path).length;
  if (bytes > MAX_SOCKET_PATH_BYTES) return `the socket path ${JSON.stringify(path)} is ${bytes} bytes; unix sockets allow at most ${MAX_SOCKET_PATH_BYTES}`;
  return null;
}

function isInside(path: string, dir: string): boolean {
  const root = posix.normalize(dir).replace(/\/+$/, '');
  return posix.normalize(path).startsWith(`${root}/`);
}

/** Decides whether to register with kubelet and with what; the caller has validated the paths. */
export function planRegistration(settings: RegistrationSettings): RegistrationPlan {
  if (settings.mode !== 'node') return { isEnabled: false, reason: 'controller mode: kubelet never calls the controller plugin' };
  if (settings.registrationDir === '') return { isEnabled: false, reason: '--registration-dir is off (an external node-driver-registrar must register the driver)' };
  const endpoint = posix.normalize(settings.kubeletRegistrationPath);
  const warnings = isInside(endpoint, settings.kubeletDir)
    ? []
    : [`kubelet will dial ${endpoint}, which is outside --kubelet-dir ${settings.kubeletDir}; when the plugin runs in a container, set --kubelet-registration-path to the CSI socket's path on the host`];
  return {
    isEnabled: true,
    socketPath: registrationSocketPath(settings.registrationDir, settings.driver),
    info: { type: CSI_PLUGIN_TYPE, name: settings.driver, endpoint, supported_versions: [...SUPPORTED_CSI_VERSIONS] },
    warnings,
  };
}

/** Kubelet's NotifyRegistrationStatus read as an outcome; an empty error on failure still gets a reason. */
export function readRegistrationStatus(status: { plugin_registered: boolean; error: string }): { isRegistered: true } | { isRegistered: false; reason: string } {
  if (status.plugin_registered) return { isRegistered: true };
  return { isRegistered: false, reason: status.error === '' ? 'kubelet sent no reason' : status.error };
}
