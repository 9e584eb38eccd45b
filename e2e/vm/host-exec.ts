// Running host programs for the VM harness: argv only (never a shell), output captured, failures as errors
// that carry the argv and stderr.
import { execFile } from 'node:child_process';

export interface HostExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
}

/** Thrown when a host program exits non-zero or cannot start. */
export class HostExecError extends Error {
  readonly argv: readonly string[];
  readonly stderr: string;

  constructor(message: string, failure: { argv: readonly string[]; stderr: string; cause?: unknown }) {
    super(message, { cause: failure.cause });
    this.name = 'HostExecError';
    this.argv = failure.argv;
    this.stderr = failure.stderr;
  }
}

/** Runs argv and resolves with its stdout; rejects with HostExecError naming the command and its stderr. */
export function runHost(argv: readonly string[], options: HostExecOptions = {}): Promise<Buffer> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new HostExecError('empty argv', { argv, stderr: '' }));
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, LC_ALL: 'C', ...options.env },
        encoding: 'buffer',
        maxBuffer: 512 * 1024 * 1024,
        signal: options.signal,
      },
      (error, stdout, stderr) => {
        if (error) {
          const text = stderr.toString('utf8').trim();
          reject(new HostExecError(`${argv.join(' ')} failed: ${text || error.message}`, { argv, stderr: text, cause: error }));
          return;
        }
        resolve(stdout);
      },
    );
  });
}

/** runHost, decoded as UTF-8 text. */
export async function runHostText(argv: readonly string[], options: HostExecOptions = {}): Promise<string> {
  return (await runHost(argv, options)).toString('utf8');
}
