// A simulated node's storage for the agent tests: the project's one loop-device sandbox (@openlocal/lvm/testing:
// loops on sparse files, an LVM view that sees only them, cleanup of all it made) plus the node's name, a mount
// root inside the sandbox and an Lvm bound to its private view. Nodes sharing one kernel see only their own disks.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalExecutor, Lvm, type Executor } from '@openlocal/lvm';
import { createHostSandbox, type HostSandbox } from '@openlocal/lvm/testing';

export { hostSkipReason } from '@openlocal/lvm/testing';

const execFileAsync = promisify(execFile);

export interface NodeSandbox extends HostSandbox {
  readonly name: string;
  /** Where the tests mount filesystems (inside the sandbox, so its cleanup unmounts them). */
  readonly mountRoot: string;
  readonly lvm: Lvm;
  readonly executor: Executor;
}

/** Runs argv (no shell) for test setup; resolves stdout. */
export async function run(argv: readonly string[]): Promise<string> {
  const [command = '', ...args] = argv;
  const { stdout } = await execFileAsync(command, args, { env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } });
  return stdout;
}

/** `loopCount` loops of `loopBytes` (whole MiB) each for node `name`; the caller owns cleanup(). */
export async function createNodeSandbox(name: string, loopCount: number, loopBytes: number): Promise<NodeSandbox> {
  const sandbox = await createHostSandbox(Array.from({ length: loopCount }, () => loopBytes / 2 ** 20), { dirPrefix: `openlocal-${name}-` });
  try {
    const mountRoot = join(sandbox.root, 'mnt');
    await mkdir(mountRoot, { recursive: true });
    const executor = createLocalExecutor({ env: sandbox.env });
    return { ...sandbox, name, mountRoot, executor, lvm: new Lvm({ executor, env: sandbox.env }) };
  } catch (error) {
    await sandbox.cleanup();
    throw error;
  }
}
