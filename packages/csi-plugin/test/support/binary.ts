// The plugin as a child process started the way the DaemonSet starts it (src/main.ts through run.ts, under
// tsx), with its output kept for assertions and a way to wait for a socket it serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PluginProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startBinary(flags: string[]): PluginProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...flags], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits until `path` is a socket and the log says `logged` (the server is listening, not only bound). */
export async function waitForSocket(path: string, plugin: PluginProcess, logged = 'serving CSI'): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const info = await stat(path).catch(() => null);
    if (info?.isSocket() && plugin.output().includes(logged)) return;
    if (plugin.child.exitCode !== null) throw new Error(`plugin exited early: ${plugin.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`socket ${path} never appeared: ${plugin.output()}`);
}

/** SIGKILLs the child if it is still running (test cleanup after a failure); only the child we started. */
export async function killBinary(plugin: PluginProcess | undefined): Promise<void> {
  if (plugin && plugin.child.exitCode === null && plugin.child.pid !== undefined) {
    process.kill(plugin.child.pid, 'SIGKILL');
    await plugin.exited;
  }
}
