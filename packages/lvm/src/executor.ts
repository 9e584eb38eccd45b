// The one way @openlocal/lvm runs programs: an argv array handed to an injected Executor. No shell is ever
// involved, so no name can be interpreted as shell syntax.
import { spawn } from 'node:child_process';
import type { CommandRegistry } from './command-registry.js';

/** What a finished command returned. A non-zero exit code is a result, not an exception. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Per-call options. `signal` kills the child when aborted (TopoLVM #1163: a stuck lvm must not outlive its caller). */
export interface ExecOptions {
  signal?: AbortSignal;
  /** Extra environment for this call, merged over the executor's own. */
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed. Without it stdin is empty, so prompts answer "no". */
  stdin?: string;
  timeoutMs?: number;
}

/** Runs one program given as argv (`argv[0]` is the program). Implementations never use a shell. */
export interface Executor {
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** Thrown when the program could not be started at all (not found, aborted, timed out). */
export class ExecError extends Error {
  constructor(
    message: string,
    readonly argv: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecError';
  }
}

/**
 * Thrown when a command outlived its deadline. The caller gets this at the deadline (plus a short grace for
 * the kill to land) even when the process cannot die: one in uninterruptible sleep on a hung disk ignores
 * SIGKILL, and waiting for its exit would block the caller for as long as the disk hangs.
 */
export class CommandTimeoutError extends ExecError {
  constructor(
    argv: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`${argv[0] ?? 'command'} did not finish within ${timeoutMs} ms (killed; a process stuck on a hung disk may outlive the kill)`, argv);
    this.name = 'CommandTimeoutError';
  }
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** How long after the deadline's SIGKILL we still wait for the exit before giving up on the process. */
const KILL_GRACE_MS = 1000;

/** Options of the local executor. */
export interface LocalExecutorOptions {
  env?: Record<string, string>;
  /** Deadline for calls that set no `timeoutMs` of their own; without it such calls have none. */
  defaultTimeoutMs?: number;
  /** Told of every start and exit, so health endpoints can list commands that hang. */
  registry?: CommandRegistry;
}

/**
 * Runs programs on this host. `LC_ALL=C` keeps lvm's messages in the English our error classifier knows, and
 * `LVM_SUPPRESS_FD_WARNINGS` stops "File descriptor N leaked" noise from inherited descriptors.
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): Executor {
  const baseEnv = { ...options.env };
  const { registry, defaultTimeoutMs } = options;
  return {
    run(argv, callOptions = {}) {
      const [program, ...args] = argv;
      if (program === undefined || program === '') {
        return Promise.reject(new ExecError('empty argv', argv));
      }
      const env = {
        ...process.env,
        LC_ALL: 'C',
        LVM_SUPPRESS_FD_WARNINGS: '1',
        ...baseEnv,
        ...callOptions.env,
      };
      const timeoutMs = callOptions.timeoutMs ?? defaultTimeoutMs;
      return new Promise<ExecResult>((resolvePromise, rejectPromise) => {
        const child = spawn(program, args, {
          env,
          shell: false,
          stdio: ['pipe', 'pipe', 'pipe'],
          signal: callOptions.signal,
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
        });
        const finished = registry?.begin(argv, timeoutMs ?? Number.POSITIVE_INFINITY);
        child.on('exit', () => finished?.());
        // The promise settles once, by exit, by error or by the deadline, whichever comes first.
        const deadline = timeoutMs === undefined ? undefined : setTimeout(() => rejectPromise(new CommandTimeoutError(argv, timeoutMs)), timeoutMs + KILL_GRACE_MS);
        deadline?.unref();
        const resolve = (result: ExecResult) => {
          clearTimeout(deadline);
          resolvePromise(result);
        };
        const reject = (error: Error) => {
          clearTimeout(deadline);
          rejectPromise(error);
        };
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let outBytes = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          outBytes += chunk.length;
          if (outBytes <= MAX_OUTPUT_BYTES) out.push(chunk);
        });
        child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', (cause) => {
          if (child.pid === undefined) finished?.(); // never started: no exit event will come
          reject(new ExecError(`cannot run ${program}: ${cause.message}`, argv, { cause }));
        });
        child.on('close', (code, signal) => {
          if (code === null && timeoutMs !== undefined && signal === 'SIGKILL' && !callOptions.signal?.aborted) {
            reject(new CommandTimeoutError(argv, timeoutMs));
            return;
          }
          if (code === null) {
            reject(new ExecError(`${program} was killed by ${signal ?? 'a signal'}`, argv));
            return;
          }
          resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code });
        });
        child.stdin.on('error', () => undefined); // the child may exit before reading stdin; its exit code tells.
        child.stdin.end(callOptions.stdin ?? '');
      });
    },
  };
}

/**
 * Runs programs in the host's namespaces from inside a container (the agent and CSI plugin DaemonSets), by
 * prefixing `nsenter` as argv, never as a shell string.
 */
export function createNsenterExecutor(options: { targetPid?: number; inner?: Executor } = {}): Executor {
  const targetPid = options.targetPid ?? 1;
  if (!Number.isSafeInteger(targetPid) || targetPid < 1) {
    throw new RangeError(`targetPid must be a positive integer, got ${String(targetPid)}`);
  }
  const inner = options.inner ?? createLocalExecutor();
  const prefix = ['nsenter', `--target=${targetPid}`, '--mount', '--ipc', '--net', '--uts', '--'];
  return { run: (argv, callOptions) => inner.run([...prefix, ...argv], callOptions) };
}
