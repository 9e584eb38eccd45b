// Start-up checks of a node container (agent, node-mode CSI plugin): the storage tools are on PATH and the host's
// paths lvm needs are mounted in. Each problem names what is missing and what to do, so a pod that cannot work
// logs why and exits instead of failing later on its first lvm call. The decision is pure (preflightProblems);
// nodePreflight gathers the facts from the file system.
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The commands the node apps run, with the Debian package that ships each. */
export const NODE_TOOLS: readonly { command: string; debianPackage: string }[] = [
  { command: 'lvm', debianPackage: 'lvm2' },
  { command: 'mkfs.ext4', debianPackage: 'e2fsprogs' },
  { command: 'resize2fs', debianPackage: 'e2fsprogs' },
  { command: 'mkfs.xfs', debianPackage: 'xfsprogs' },
  { command: 'xfs_growfs', debianPackage: 'xfsprogs' },
  { command: 'blkid', debianPackage: 'util-linux' },
  { command: 'wipefs', debianPackage: 'util-linux' },
  { command: 'mount', debianPackage: 'mount' },
  { command: 'umount', debianPackage: 'mount' },
];

/** The environment variable that turns the checks on and lists the host paths that must be mounted in. */
export const HOST_PATHS_ENV = 'OPENLOCAL_HOST_PATHS';

export interface PreflightFacts {
  /** Commands of NODE_TOOLS not found on PATH. */
  readonly missingCommands: readonly string[];
  /** Each required host path: whether it exists and is a mount point in this mount namespace. */
  readonly hostPaths: readonly { path: string; exists: boolean; mounted: boolean }[];
  /** Disks the kernel lists in /sys/block (loop, ram and zram left out) and which of them /dev has a node for. */
  readonly sysBlock: readonly string[];
  readonly devNodes: readonly string[];
}

/** Pure: the host paths a comma-separated list names, refusing anything but absolute, plain paths. */
export function parseHostPaths(value: string): string[] {
  const paths = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const path of paths) {
    if (!/^\/[A-Za-z0-9._/-]*$/.test(path) || path.split('/').includes('..')) throw new Error(`${HOST_PATHS_ENV} must list absolute paths separated by commas, got "${path}"`);
  }
  return paths;
}

/** Pure: one line per problem, empty when the container can do its work. */
export function preflightProblems(facts: PreflightFacts): string[] {
  const problems: string[] = [];
  if (facts.missingCommands.length > 0) {
    const packages = [...new Set(NODE_TOOLS.filter((t) => facts.missingCommands.includes(t.command)).map((t) => t.debianPackage))];
    problems.push(`storage tools missing on PATH: ${facts.missingCommands.join(', ')} (Debian packages ${packages.join(', ')}); this image or node lacks them — use the node images scripts/images builds`);
  }
  for (const host of facts.hostPaths) {
    if (host.path === '/dev') {
      const reachable = facts.sysBlock.length === 0 || facts.sysBlock.some((name) => facts.devNodes.includes(name));
      if (!reachable) problems.push(`/dev does not show the host's disks (/sys/block lists ${facts.sysBlock.join(', ')} but /dev has none of them): mount the host's /dev into the container (hostPath /dev)`);
      continue;
    }
    if (!host.exists) problems.push(`${host.path} is missing: mount the host's ${host.path} into the container (hostPath ${host.path})`);
    else if (!host.mounted) problems.push(`${host.path} is the container's own, not the host's: mount the host's ${host.path} into the container (hostPath ${host.path}), or lvm's state there is not shared with the host`);
  }
  return problems;
}

/** Mount points of this process's mount namespace, from /proc/self/mountinfo (octal escapes decoded). */
function mountPoints(mountinfo: string): Set<string> {
  return new Set(mountinfo.split('\n').filter(Boolean).map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)))));
}

function onPath(command: string, pathVariable: string): boolean {
  return pathVariable.split(delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * When OPENLOCAL_HOST_PATHS is set (the chart sets it on its node containers), checks the storage tools and
 * those host paths and throws one error naming every problem. Without it (host processes, tests) it does nothing.
 */
export function nodePreflight(env: NodeJS.ProcessEnv = process.env): void {
  const listed = env[HOST_PATHS_ENV];
  if (listed === undefined || listed.trim() === '') return;
  const paths = parseHostPaths(listed);
  const mounts = mountPoints(readFileSync('/proc/self/mountinfo', 'utf8'));
  const sysBlock = existsSync('/sys/block') ? readdirSync('/sys/block').filter((n) => !/^(loop|ram|zram)\d*$/.test(n)) : [];
  const problems = preflightProblems({
    missingCommands: NODE_TOOLS.map((t) => t.command).filter((c) => !onPath(c, env['PATH'] ?? '')),
    hostPaths: paths.map((path) => ({ path, exists: existsSync(path), mounted: mounts.has(path) })),
    sysBlock,
    devNodes: sysBlock.filter((name) => existsSync(join('/dev', name))),
  });
  if (problems.length > 0) throw new Error(`this container cannot manage the node's storage: ${problems.join('; ')}`);
}
