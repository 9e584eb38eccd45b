// IO limits on the pod that owns a publish target: cgroup v2 io.max, or cgroup v1's blkio.throttle.* files (as
// Open-Local v0.7.1 writes them), whichever hierarchy is mounted at --cgroup-root. Where neither is there, or the
// pod's cgroup or the interface file is missing, or the kernel refuses the write, nothing is limited and the
// outcome says why (the plugin logs it as a warning); publishing still succeeds: the volume works, unlimited.
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { podUidFromTarget, throttleWrites, type ThrottleWrite } from '../core/io-max.js';
import { cgroupLayoutOf, isPodUid, podCgroupCandidates, type CgroupLayout } from '../core/pod-cgroup.js';
import type { ThrottleOutcome, ThrottlePort } from '../ports.js';

type ThrottleRequest = Parameters<ThrottlePort['apply']>[0];

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

const LAYOUT_NAMES: Record<CgroupLayout, string> = { v2: 'cgroup v2 io.max', 'v1-blkio': 'cgroup v1 blkio', none: 'no IO cgroup' };

/** The hierarchy mounted at the root: a v2 root has cgroup.controllers, v1 a blkio hierarchy with throttling. */
export async function detectCgroupLayout(cgroupRoot: string): Promise<CgroupLayout> {
  return cgroupLayoutOf({
    hasUnifiedRoot: await exists(join(cgroupRoot, 'cgroup.controllers')),
    hasBlkioHierarchy: await exists(join(cgroupRoot, 'blkio', 'blkio.throttle.read_bps_device')),
  });
}

async function writeAll(dir: string, writes: readonly ThrottleWrite[]): Promise<ThrottleOutcome> {
  for (const write of writes) {
    const file = join(dir, write.file);
    try {
      await writeFile(file, `${write.line}\n`);
    } catch (error) {
      return { isApplied: false, detail: `not applied: writing "${write.line}" to ${file} failed: ${(error as Error).message}` };
    }
  }
  return { isApplied: true, detail: `wrote ${writes.map((w) => `"${w.line}" to ${w.file}`).join(', ')} in ${dir}` };
}

/** The writes for this layout and request, or the outcome when there is nothing to write. */
function planWrites(root: string, layout: CgroupLayout, request: ThrottleRequest): ThrottleWrite[] | ThrottleOutcome {
  if (layout === 'none') return { isApplied: false, detail: `not applied: neither a cgroup v2 root (cgroup.controllers) nor a cgroup v1 blkio hierarchy (blkio/) under --cgroup-root ${root}` };
  try {
    const writes = throttleWrites(layout, request.majMin, request.throttle);
    return writes.length === 0 ? { isApplied: true, detail: 'no limits requested' } : writes;
  } catch (error) {
    return { isApplied: false, detail: `not applied: ${(error as Error).message}` };
  }
}

/** The first of the pod's candidate cgroup directories that has the interface file. */
async function findPodCgroup(request: { root: string; podUid: string; layout: CgroupLayout; file: string }): Promise<string | undefined> {
  for (const relative of podCgroupCandidates(request.podUid, request.layout)) {
    const dir = join(request.root, relative);
    if (await exists(join(dir, request.file))) return dir;
  }
  return undefined;
}

export function createIoThrottle(options: { cgroupRoot: string; kubeletDir: string }): ThrottlePort {
  const root = options.cgroupRoot;
  return {
    async apply(request) {
      const layout = await detectCgroupLayout(root);
      const planned = planWrites(root, layout, request);
      if (!Array.isArray(planned)) return planned;
      const writes = planned;
      const podUid = podUidFromTarget(request.targetPath, options.kubeletDir);
      if (podUid === null || !isPodUid(podUid)) return { isApplied: false, detail: `not applied: no pod UID in target path ${request.targetPath}` };
      const dir = await findPodCgroup({ root, podUid, layout, file: writes[0]?.file ?? '' });
      if (dir !== undefined) return writeAll(dir, writes);
      const why = layout === 'v2' ? 'the pod cgroup is missing or its parents do not enable the io controller' : 'the pod cgroup is missing from the blkio hierarchy';
      return { isApplied: false, detail: `not applied (${LAYOUT_NAMES[layout]}): no ${writes[0]?.file} for pod ${podUid} under ${root}: ${why}` };
    },
  };
}
