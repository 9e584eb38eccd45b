// An Executor that reports every command it runs (name, wall time, outcome) to a callback, so apps can count
// and time lvm, mkfs and mount without this library depending on a metrics client (issue #18).
import type { Executor } from './executor.js';

/** How one command ended: exit 0, a non-zero exit, or not run to an exit code at all (not found, killed, aborted). */
export type CommandOutcome = 'ok' | 'exit-nonzero' | 'not-run';

/** One finished command as the observer sees it. */
export interface CommandRecord {
  /** A low-cardinality name: `lvm lvcreate` for lvm subcommands, the program's base name otherwise. */
  command: string;
  durationSeconds: number;
  outcome: CommandOutcome;
}

/** lvm tools whose first argument names the operation (`lvm lvs`); the rest are named by their program. */
const SUBCOMMAND_PROGRAMS = new Set(['lvm']);
const NSENTER = 'nsenter';

/**
 * Pure: the command name of an argv for metrics: `lvm lvcreate`, `mkfs.ext4`, `mount`. An nsenter prefix is
 * skipped (everything up to `--`), so the host-namespace executor reports the real program.
 */
export function commandName(argv: readonly string[]): string {
  let rest = argv;
  if (baseName(rest[0] ?? '') === NSENTER) {
    const separator = rest.indexOf('--');
    rest = separator < 0 ? rest : rest.slice(separator + 1);
  }
  const program = baseName(rest[0] ?? '');
  const sub = rest[1];
  return SUBCOMMAND_PROGRAMS.has(program) && sub !== undefined && /^[a-z]+$/.test(sub) ? `${program} ${sub}` : program || 'unknown';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Wraps `inner` so that `observe` sees each finished command. The result or error of `inner` is passed on
 * unchanged; an observer that throws is the caller's bug and does not change the command's outcome.
 */
export function observeExecutor(inner: Executor, options: { observe: (record: CommandRecord) => void; now: () => number }): Executor {
  const { observe, now } = options;
  return {
    async run(argv, callOptions) {
      const startedMs = now();
      const report = (outcome: CommandOutcome): void => {
        observe({ command: commandName(argv), durationSeconds: Math.max(0, now() - startedMs) / 1000, outcome });
      };
      try {
        const result = await inner.run(argv, callOptions);
        report(result.exitCode === 0 ? 'ok' : 'exit-nonzero');
        return result;
      } catch (error) {
        report('not-run');
        throw error;
      }
    },
  };
}
