// Child processes with a log file each, stopped by PID (SIGTERM, then SIGKILL after a grace period). A group
// stops its processes in reverse start order and, as a last resort, SIGKILLs them when this Node process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** How a child ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What to start: argv only, never a shell string. */
export interface ProcessSpec {
  /** Short name, also the log file name: lower-case letters, digits, dashes and dots. */
  readonly name: string;
  /** Absolute path of the executable (or `process.execPath` for our own Node apps). */
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment on top of this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** How long SIGTERM may take before SIGKILL (default 5000 ms). */
  readonly stopGraceMs?: number;
}

/** A running (or ended) child that this group started. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Resolves when the child has ended, however that happened. */
  readonly exited: Promise<ExitInfo>;
  /** The exit, once it happened. */
  exitInfo(): ExitInfo | undefined;
  /** The last `lines` lines of its log (stdout and stderr interleaved). */
  tailLog(lines?: number): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves with the exit. Safe to call twice. */
  stop(): Promise<ExitInfo>;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{0,62}$/;
const DEFAULT_STOP_GRACE_MS = 5000;

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}

function tailFile(path: string, lines: number): string {
  const text = readFileSync(path, 'utf8');
  return text.split('\n').slice(-lines - 1).join('\n');
}

function delay(ms: number): Promise<'timeout'> {
  return new Promise((resolveDelay) => setTimeout(() => resolveDelay('timeout'), ms).unref());
}

class ChildHandle implements ManagedProcess {
  readonly exited: Promise<ExitInfo>;
  private exit: ExitInfo | undefined;
  private stopping: Promise<ExitInfo> | undefined;

  constructor(
    readonly name: string,
    readonly logPath: string,
    private readonly child: ChildProcess & { pid: number },
    private readonly stopGraceMs: number,
  ) {
    // After a successful spawn, 'error' only reports a failed kill; note it in the log rather than crash.
    child.on('error', (error) => appendFileSync(logPath, `# harness: ${error.message}\n`));
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  exitInfo(): ExitInfo | undefined {
    return this.exit;
  }

  tailLog(lines = 30): string {
    return tailFile(this.logPath, lines);
  }

  stop(): Promise<ExitInfo> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  /** True once someone called stop(). */
  isStopRequested(): boolean {
    return this.stopping !== undefined;
  }

  /** Synchronous last resort for process 'exit': no waiting is possible there. */
  killNow(): void {
    if (this.exit === undefined) this.signal('SIGKILL');
  }

  private async terminate(): Promise<ExitInfo> {
    if (this.exit !== undefined) return this.exit;
    this.signal('SIGTERM');
    if ((await Promise.race([this.exited, delay(this.stopGraceMs)])) === 'timeout') this.signal('SIGKILL');
    return this.exited;
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      // By PID of the child we spawned (never a process group or a name).
      process.kill(this.child.pid, signal);
    } catch (error) {
      // ESRCH: it ended between our check and the signal; the 'exit' event still arrives.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/**
 * Processes started for one purpose (a cluster, a test's sidecars), each logging to `<logDir>/<name>.log`.
 */
export class ProcessGroup {
  private readonly children: ChildHandle[] = [];
  private readonly onExit = (): void => {
    for (const child of this.children) child.killNow();
  };

  constructor(readonly logDir: string) {
    process.on('exit', this.onExit);
  }

  /** Starts one child; throws if it cannot be spawned (e.g. the binary is missing). */
  async start(spec: ProcessSpec): Promise<ManagedProcess> {
    if (!NAME_PATTERN.test(spec.name)) {
      throw new Error(`process name must match ${String(NAME_PATTERN)}, got ${JSON.stringify(spec.name)}`);
    }
    const logPath = join(this.logDir, `${spec.name}.log`);
    const fd = openSync(logPath, 'a');
    writeSync(fd, `# ${new Date().toISOString()} argv: ${JSON.stringify([spec.command, ...spec.args])}\n`);
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', fd, fd],
        // Own process group: a terminal's Ctrl-C reaches only us, and we stop children in order by PID.
        detached: true,
      });
      await new Promise<void>((resolveSpawn, reject) => {
        child.once('spawn', resolveSpawn);
        child.once('error', (error) => reject(new Error(`cannot start ${spec.name} (${spec.command})`, { cause: error })));
      });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(fd);
    }
    const handle = new ChildHandle(spec.name, logPath, child as ChildProcess & { pid: number }, spec.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    this.children.push(handle);
    return handle;
  }

  /** The children started so far, in start order. */
  list(): readonly ManagedProcess[] {
    return this.children;
  }

  /** Children that ended although nobody asked them to stop, with how they ended. */
  unexpectedExits(): string[] {
    return this.children.flatMap((child) => {
      const exit = child.exitInfo();
      return exit && !child.isStopRequested() ? [`${child.name} (pid ${child.pid}) ended with ${describeExit(exit)}; log ${child.logPath}`] : [];
    });
  }

  /** Stops every child in reverse start order and detaches the exit hook. */
  async stopAll(): Promise<void> {
    for (const child of [...this.children].reverse()) await child.stop();
    process.off('exit', this.onExit);
  }
}

export { describeExit };
