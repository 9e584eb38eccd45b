// What the demo needs from the machine, checked before it starts anything: root, loop devices, the storage
// commands, the pinned upstream binaries and our built apps. Each problem comes with how to fix it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { missingToolsReason, resolveAppBin, type ToolName } from '../cluster/index.js';

/** Upstream binaries the demo runs (scripts/build-tools builds them). */
export const DEMO_TOOLS: readonly ToolName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'csi-provisioner'];
/** Our apps the demo runs as processes (scripts/setup builds them). */
export const DEMO_APPS = ['@openlocal/controller', '@openlocal/agent', '@openlocal/scheduler-extender', '@openlocal/csi-plugin'] as const;
const STORAGE_COMMANDS = ['losetup', 'lvm', 'blkid', 'mkfs.ext4', 'wipefs'] as const;

/** What the checks look at; the defaults read this machine. */
export interface PreflightProbe {
  readonly uid: () => number | undefined;
  readonly hasPath: (path: string) => boolean;
  readonly hasCommand: (name: string) => boolean;
  /** Can a loop device be set up (`losetup --find` answers with a free device)? null when yes, else why not. */
  readonly loopProblem: () => string | null;
  readonly missingTools: (names: readonly ToolName[]) => string | null;
  /** null when the app's built entry point exists, else why not. */
  readonly appProblem: (packageName: string) => string | null;
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }).status === 0;
}

function loopProblem(): string | null {
  const result = spawnSync('losetup', ['--find'], { encoding: 'utf8' });
  if (result.error) return `losetup cannot run: ${result.error.message}`;
  return result.status === 0 ? null : `losetup --find failed: ${(result.stderr || result.stdout).trim()}`;
}

function appProblem(packageName: string): string | null {
  try {
    resolveAppBin(packageName);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The real machine. */
export const MACHINE: PreflightProbe = {
  uid: () => process.getuid?.(),
  hasPath: existsSync,
  hasCommand,
  loopProblem,
  missingTools: (names) => missingToolsReason(names),
  appProblem,
};

/** Every reason the demo cannot run here, each with its fix; empty when it can. Checks in the order a user fixes them. */
export function preflightProblems(probe: PreflightProbe): string[] {
  if (probe.uid() !== 0) {
    return ['not running as root: the simulated nodes need loop devices, lvm and mount. Run it as root: sudo bash scripts/demo'];
  }
  const problems: string[] = [];
  const missingCommands = STORAGE_COMMANDS.filter((name) => !probe.hasCommand(name));
  if (missingCommands.length > 0) {
    problems.push(`missing ${missingCommands.join(', ')}: run scripts/setup (installs lvm2, util-linux, e2fsprogs)`);
  }
  if (!probe.hasPath('/dev/loop-control')) {
    problems.push('no loop devices (/dev/loop-control is missing): load the loop module (modprobe loop) or, in a container, run it privileged with /dev/loop* available');
  } else if (!missingCommands.includes('losetup')) {
    const loop = probe.loopProblem();
    if (loop !== null) problems.push(`no free loop device (${loop}): detach unused ones (losetup -D removes all, so check losetup -a first) or run it privileged`);
  }
  const tools = probe.missingTools(DEMO_TOOLS);
  if (tools !== null) problems.push(tools);
  for (const app of DEMO_APPS) {
    const problem = probe.appProblem(app);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}
