// IO limits through cgroup v2 io.max on the pod's cgroup. Where the pod cgroup or io.max is missing (cgroup
// v1 hosts, no io controller) nothing is written and the outcome says why; publishing still succeeds.
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ioMaxLine, podUidFromTarget } from '../core/io-max.js';
import { podCgroupCandidates } from '../core/pod-cgroup.js';
import type { ThrottlePort } from '../ports.js';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export function createIoThrottle(options: { cgroupRoot: string; kubeletDir: string }): ThrottlePort {
  return {
    async apply(request) {
      const line = ioMaxLine(request.majMin, request.throttle);
      if (line === null) return 'no limits requested';
      const podUid = podUidFromTarget(request.targetPath, options.kubeletDir);
      if (podUid === null) return `not applied: no pod UID in target path ${request.targetPath}`;
      for (const relative of podCgroupCandidates(podUid)) {
        const file = join(options.cgroupRoot, relative, 'io.max');
        if (!(await exists(file))) continue;
        await writeFile(file, `${line}\n`);
        return `wrote "${line}" to ${file}`;
      }
      return `not applied: no cgroup v2 io.max for pod ${podUid} under ${options.cgroupRoot} (cgroup v1 host or io controller disabled)`;
    },
  };
}
