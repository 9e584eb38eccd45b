// Where kubelet puts a pod's cgroup, for both cgroup drivers and every QoS class, under cgroup v2 (the unified
// root) or under cgroup v1's blkio hierarchy (the layout Open-Local v0.7.1 writes to, reference §5.11). Tried in
// order; the first that exists is the pod. Paths are relative to the cgroup mount root (--cgroup-root).

/** Which cgroup interface limits block IO here: v2's io.max, v1's blkio.throttle.* files, or neither. */
export type CgroupLayout = 'v2' | 'v1-blkio' | 'none';

// Kubernetes object UIDs are UUIDs; anything else never reaches a path.
const POD_UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `value` is a pod UID as the API server makes them (lower-case UUID). */
export function isPodUid(value: string): boolean {
  return POD_UID.test(value);
}

/**
 * What the mounted hierarchy offers: a unified (v2) root has `cgroup.controllers`; a v1 (or hybrid) host has
 * a blkio hierarchy at `<root>/blkio`. Hybrid hosts bind the io controller to v1, so blkio wins there.
 */
export function cgroupLayoutOf(facts: { hasUnifiedRoot: boolean; hasBlkioHierarchy: boolean }): CgroupLayout {
  if (facts.hasBlkioHierarchy) return 'v1-blkio';
  return facts.hasUnifiedRoot ? 'v2' : 'none';
}

/** The pod cgroup directories to try, relative to the cgroup root; empty for `none` or a malformed UID. */
export function podCgroupCandidates(podUid: string, layout: CgroupLayout = 'v2'): string[] {
  if (layout === 'none' || !isPodUid(podUid)) return [];
  const underscored = podUid.replace(/-/g, '_');
  const prefix = layout === 'v1-blkio' ? 'blkio/' : '';
  return [
    // systemd driver: Guaranteed pods sit directly in kubepods.slice.
    `kubepods.slice/kubepods-pod${underscored}.slice`,
    `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${underscored}.slice`,
    `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${underscored}.slice`,
    // cgroupfs driver.
    `kubepods/pod${podUid}`,
    `kubepods/burstable/pod${podUid}`,
    `kubepods/besteffort/pod${podUid}`,
  ].map((path) => `${prefix}${path}`);
}
