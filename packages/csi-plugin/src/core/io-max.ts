// What to write into a pod's cgroup to limit IO on one device: cgroup v2 `io.max` takes one line with every key;
// cgroup v1 blkio (what Open-Local v0.7.1 writes, reference §5.11) has one file per direction and unit, each
// taking "MAJ:MIN value". Open-Local split st_rdev as rdev/256 and rdev%256 (wrong for large numbers, §9 #13);
// here the kernel's own "major:minor" from sysfs is used, and checked, as it is.
import type { IoThrottle } from './parameters.js';
import type { CgroupLayout } from './pod-cgroup.js';

// Linux device numbers: 12-bit major, 20-bit minor (include/linux/kdev_t.h), decimal without leading zeros.
const MAJ_MIN = /^(0|[1-9][0-9]{0,3}):(0|[1-9][0-9]{0,6})$/;
const MAX_MAJOR = 2 ** 12 - 1;
const MAX_MINOR = 2 ** 20 - 1;

/** One write into the pod's cgroup directory: the interface file and the line for it. */
export interface ThrottleWrite {
  file: string;
  line: string;
}

/** Throws unless `majMin` is a device number the kernel could have given (e.g. "253:4"). */
export function checkMajMin(majMin: string): void {
  const match = MAJ_MIN.exec(majMin);
  if (match === null || Number(match[1]) > MAX_MAJOR || Number(match[2]) > MAX_MINOR) {
    throw new Error(`invalid device number ${JSON.stringify(majMin)}: want MAJOR:MINOR as the kernel prints it (e.g. 253:4)`);
  }
}

function checkLimit(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new Error(`invalid ${field} limit ${value}: want a positive whole number`);
}

/** Every file write that sets `throttle` on device `majMin` for the layout; empty when nothing is limited. */
export function throttleWrites(layout: CgroupLayout, majMin: string, throttle: IoThrottle): ThrottleWrite[] {
  checkMajMin(majMin);
  checkLimit('iops', throttle.iops);
  checkLimit('bps', throttle.bpsBytes);
  const { iops, bpsBytes } = throttle;
  switch (layout) {
    case 'v2': {
      const parts: string[] = [];
      if (iops !== undefined) parts.push(`riops=${iops}`, `wiops=${iops}`);
      if (bpsBytes !== undefined) parts.push(`rbps=${bpsBytes}`, `wbps=${bpsBytes}`);
      return parts.length === 0 ? [] : [{ file: 'io.max', line: `${majMin} ${parts.join(' ')}` }];
    }
    case 'v1-blkio': {
      const writes: ThrottleWrite[] = [];
      for (const direction of ['read', 'write']) {
        if (iops !== undefined) writes.push({ file: `blkio.throttle.${direction}_iops_device`, line: `${majMin} ${iops}` });
        if (bpsBytes !== undefined) writes.push({ file: `blkio.throttle.${direction}_bps_device`, line: `${majMin} ${bpsBytes}` });
      }
      return writes;
    }
    case 'none':
      return [];
  }
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
