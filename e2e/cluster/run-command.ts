// Runs a short command to completion with an argv array (no shell) and returns its stdout.
import { execFile } from 'node:child_process';

/** A command that ended badly, with its argv and stderr. */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    options: { cause: unknown },
  ) {
    super(`${JSON.stringify(argv)} failed: ${stderr.trim() || String(options.cause)}`, options);
    this.name = 'CommandError';
  }
}

export function runCommand(argv: readonly [string, ...string[]], options: { signal?: AbortSignal } = {}): Promise<string> {
  const [command, ...args] = argv;
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { signal: options.signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new CommandError(argv, stderr, { cause: error }));
      else resolveRun(stdout);
    });
  });
}
