// The one way @openlocal/lvm runs programs: an argv array handed to an injected Executor. No shell is ever
// involved, so no name can be interpreted as shell syntax.
import { spawn } from 'node:child_process';

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

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs programs on this host. `LC_ALL=C` keeps lvm's messages in the English our error classifier knows, and
 * `LVM_SUPPRESS_FD_WARNINGS` stops "File descriptor N leaked" noise from inherited descriptors.
 */
export function createLocalExecutor(options: { env?: Record<string, string> } = {}): Executor {
  const baseEnv = { ...options.env };
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
      return new Promise<ExecResult>((resolve, reject) => {
        const child = spawn(program, args, {
          env,
          shell: false,
          stdio: ['pipe', 'pipe', 'pipe'],
          signal: callOptions.signal,
          timeout: callOptions.timeoutMs,
          killSignal: 'SIGKILL',
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let outBytes = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          outBytes += chunk.length;
          if (outBytes <= MAX_OUTPUT_BYTES) out.push(chunk);
        });
        child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', (cause) => reject(new ExecError(`cannot run ${program}: ${cause.message}`, argv, { cause })));
        child.on('close', (code, signal) => {
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
