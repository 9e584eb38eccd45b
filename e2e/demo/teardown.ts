// What the demo made and how it goes away: processes (by PID, via the cluster), then each node's VGs, loop
// devices and files (the sandboxes). A forced exit still kills our children and removes our disks, in a
// synchronous 'exit' hook. Afterwards the demo checks for anything of its own left behind and says so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Cluster } from '../cluster/index.js';
import type { NodeDisks } from './node-disks.js';

/** Anything of this run still present after teardown; empty lists when clean. */
export interface Leftovers {
  readonly processes: readonly string[];
  readonly loops: readonly string[];
  readonly vgs: readonly string[];
  readonly mounts: readonly string[];
}

/** Pure: lines of `losetup --list --noheadings -O NAME,BACK-FILE` whose backing file lies under one of `roots`. */
export function loopsUnder(losetupOutput: string, roots: readonly string[]): string[] {
  return losetupOutput.split('\n').map((line) => line.trim()).filter((line) => roots.some((root) => line.includes(`${root}/`)));
}

/** Pure: VG names of `vgs --noheadings -o vg_name` that carry the run's prefix. */
export function vgsWithPrefix(vgsOutput: string, prefix: string): string[] {
  return vgsOutput.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(`${prefix}-`));
}

/** The demo's own resources, in creation order. */
export class DemoResources {
  private readonly disks: NodeDisks[] = [];
  private cluster: Cluster | undefined;
  private readonly onExit = (): void => this.releaseNow();

  constructor(readonly prefix: string) {
    process.on('exit', this.onExit);
  }

  addDisks(disks: NodeDisks): void {
    this.disks.push(disks);
  }

  setCluster(cluster: Cluster): void {
    this.cluster = cluster;
  }

  /** Stops the processes, then removes VGs, loops and files. Returns how long it took. */
  async release(): Promise<number> {
    const started = performance.now();
    await this.cluster?.stop();
    for (const disks of this.disks) await disks.sandbox.cleanup();
    process.off('exit', this.onExit);
    return performance.now() - started;
  }

  /** What is still there: our processes by PID, loops on our files, VGs with our prefix, mounts under our dirs. */
  leftovers(): Leftovers {
    const roots = this.disks.map((disks) => disks.sandbox.root);
    const processes = (this.cluster?.processes() ?? []).filter((child) => isAlive(child.pid)).map((child) => `${child.name} (pid ${child.pid})`);
    const losetup = spawnSync('losetup', ['--list', '--noheadings', '-O', 'NAME,BACK-FILE'], { encoding: 'utf8' }).stdout ?? '';
    const vgs = spawnSync('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } }).stdout ?? '';
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    const mounts = mountinfo.split('\n').map((line) => line.split(' ')[4] ?? '').filter((point) => roots.some((root) => point.startsWith(`${root}/`)));
    return { processes, loops: loopsUnder(losetup, roots), vgs: vgsWithPrefix(vgs, this.prefix), mounts };
  }

  /** Synchronous last resort (process 'exit'): SIGKILL our children by PID, then remove our disks. */
  private releaseNow(): void {
    for (const child of this.cluster?.processes() ?? []) {
      if (child.exitInfo() === undefined) killIfAlive(child.pid);
    }
    for (const disks of this.disks) disks.sandbox.cleanupSync();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // ESRCH: no such process. EPERM would mean alive but not ours, which cannot happen for our own children.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: it ended a moment ago, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Pure: one line saying what was left behind, or that nothing was. */
export function leftoversLine(leftovers: Leftovers): string {
  const parts = Object.entries(leftovers).filter(([, items]) => (items as readonly string[]).length > 0).map(([kind, items]) => `${kind}: ${(items as readonly string[]).join(', ')}`);
  return parts.length === 0 ? 'left behind: nothing (no process, loop device, VG or mount of this run)' : `LEFT BEHIND: ${parts.join('; ')}`;
}
