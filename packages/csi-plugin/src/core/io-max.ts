// cgroup v2 io.max lines for a volume's device. Open-Local v0.7.1 wrote cgroup v1 blkio files with a wrong
// maj:min split (rdev/256); here the kernel's own "major:minor" string from sysfs is used as it is.
import type { IoThrottle } from './parameters.js';

const MAJ_MIN = /^[0-9]+:[0-9]+$/;

/** The line to write to `io.max`, or null when there is nothing to limit. */
export function ioMaxLine(majMin: string, throttle: IoThrottle): string | null {
  if (!MAJ_MIN.test(majMin)) throw new Error(`invalid device number ${JSON.stringify(majMin)}`);
  const parts: string[] = [];
  if (throttle.iops !== undefined) parts.push(`riops=${throttle.iops}`, `wiops=${throttle.iops}`);
  if (throttle.bpsBytes !== undefined) parts.push(`rbps=${throttle.bpsBytes}`, `wbps=${throttle.bpsBytes}`);
  return parts.length === 0 ? null : `${majMin} ${parts.join(' ')}`;
}

/**
 * The pod UID in a kubelet target path: `<kubelet>/pods/<uid>/volumes/...` for filesystems,
 * `<kubelet>/plugins/kubernetes.io/csi/volumeDevices/publish/<vol>/<uid>` for raw block. Found by
 * structure, not by a fixed index (Open-Local bug: broke with a non-default kubelet dir).
 */
export function podUidFromTarget(targetPath: string, kubeletDir: string): string | null {
  const root = kubeletDir.replace(/\/+$/, '');
  if (!targetPath.startsWith(`${root}/`)) return null;
  const parts = targetPath.slice(root.length + 1).split('/');
  if (parts[0] === 'pods' && parts[1]) return parts[1];
  const publish = parts.indexOf('publish');
  if (parts.includes('volumeDevices') && publish >= 0 && parts[publish + 2]) return parts[publish + 2] ?? null;
  return null;
}
