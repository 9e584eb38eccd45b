// Test support for this package's host tests, in the shape they were written against: a thin view of the one
// loop-device sandbox the project has (src/host-sandbox.ts, published as '@openlocal/lvm/testing'), so tests see
// and touch nothing but the loops and VGs they created, even with other VGs present.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHostSandbox } from '../../src/host-sandbox.js';

export { hostSkipReason } from '../../src/host-sandbox.js';

const run = promisify(execFile);
const MiB = 2 ** 20;

export interface LoopDevice {
  path: string;
  file: string;
}

export interface LvmSandbox {
  dir: string;
  loops: LoopDevice[];
  /** Environment that gives lvm the private view. */
  env: Record<string, string>;
  /** Removes every VG on the loops, detaches them and removes the files. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Creates `count` sparse loop devices of `sizeBytes` (whole MiB) and an lvm.conf that sees only them. */
export async function createLvmSandbox(count: number, sizeBytes = 256 * MiB): Promise<LvmSandbox> {
  const sandbox = await createHostSandbox(Array.from({ length: count }, () => Math.ceil(sizeBytes / MiB)), { dirPrefix: 'openlocal-lvm-' });
  return {
    dir: sandbox.root,
    // createHostSandbox backs loop i with <root>/disk<i>.img.
    loops: sandbox.loops.map((path, index) => ({ path, file: join(sandbox.root, `disk${index}.img`) })),
    env: sandbox.env,
    cleanup: () => sandbox.cleanup(),
  };
}

/** Runs a command with the sandbox's environment (for test setup outside the code under test). */
export async function runIn(sandbox: LvmSandbox, argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const [program, ...args] = argv;
  return run(program!, args, { env: { ...process.env, ...sandbox.env } });
}

/** A process-unique name for VGs and LVs, so parallel or repeated runs never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid}x${Math.floor(Math.random() * 1e6)}`;
}
