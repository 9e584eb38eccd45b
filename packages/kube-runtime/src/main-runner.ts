// How every app's process ends, in one place: 0 once run() has shut everything down, commander's own code for
// --help/--version (it has printed them), and 1 with one line naming the app for anything else — including an
// unhandled rejection or uncaught exception anywhere in the process (installFatalHandlers).

/** What runMain touches of the process; tests pass their own. */
export interface MainProcess {
  argv: readonly string[];
  exit(code: number): void;
  writeError(text: string): void;
  /** Registers the process-wide last resort for errors no code caught. */
  onFatal(listener: (kind: FatalKind, error: unknown) => void): void;
}

export type FatalKind = 'unhandled rejection' | 'uncaught exception';

const nodeProcess: MainProcess = {
  argv: process.argv,
  exit: (code) => process.exit(code),
  writeError: (text) => void process.stderr.write(text),
  onFatal: (listener) => {
    process.on('unhandledRejection', (reason) => listener('unhandled rejection', reason));
    process.on('uncaughtException', (error) => listener('uncaught exception', error));
  },
};

/** Commander's --help, --version and usage errors carry `code: 'commander.*'` and their exit code. */
function commanderExitCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || !String(error.code).startsWith('commander.')) return undefined;
  return 'exitCode' in error && typeof error.exitCode === 'number' ? error.exitCode : 1;
}

/**
 * The one fatal handler of every app: an error nothing caught means a bug whose effects are unknown (a lock
 * never released, a loop stopped), so the app prints it with its stack, naming itself, and exits 1 for
 * Kubernetes to restart it from the API's and the node's state, rather than run on half-broken.
 */
export function installFatalHandlers(name: string, host: MainProcess = nodeProcess): void {
  host.onFatal((kind, error) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    host.writeError(`${name}: fatal ${kind}: ${detail}\n`);
    host.exit(1);
  });
}

/**
 * Runs an app's `run(argv)` under installFatalHandlers and ends the process: explicitly with 0 once it resolves,
 * since idle keep-alive sockets must not hold a stopped app; with the error printed once as `<name>: <message>`
 * and 1 otherwise.
 */
export async function runMain(name: string, run: (argv: readonly string[]) => Promise<void>, host: MainProcess = nodeProcess): Promise<void> {
  installFatalHandlers(name, host);
  try {
    await run(host.argv);
    host.exit(0);
  } catch (error) {
    const commanderCode = commanderExitCode(error);
    if (commanderCode === undefined) host.writeError(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    host.exit(commanderCode ?? 1);
  }
}
