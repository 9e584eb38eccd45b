// Prometheus families for the commands an app runs on the node (lvm, mkfs, mount): one histogram of wall time
// and one counter of failures, fed by @openlocal/lvm's observeExecutor. Shared by the agent and the CSI plugin.
import { Counter, Histogram, type Registry } from 'prom-client';

/** What observeExecutor reports; restated structurally so this package does not depend on @openlocal/lvm. */
export interface ObservedCommand {
  command: string;
  durationSeconds: number;
  outcome: 'ok' | 'exit-nonzero' | 'not-run';
}

/** Registers openlocal_command_duration_seconds and openlocal_command_failures_total; returns the observer. */
export function createCommandMetrics(registry: Registry): (record: ObservedCommand) => void {
  const registers = [registry];
  const duration = new Histogram({
    name: 'openlocal_command_duration_seconds',
    help: 'Wall time of commands run on the node (lvm subcommands, mkfs, mount), by command and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const failures = new Counter({
    name: 'openlocal_command_failures_total',
    help: 'Commands that exited non-zero or could not run, by command and outcome',
    labelNames: ['command', 'outcome'] as const,
    registers,
  });
  return (record) => {
    duration.observe({ command: record.command, outcome: record.outcome }, record.durationSeconds);
    if (record.outcome !== 'ok') failures.inc({ command: record.command, outcome: record.outcome });
  };
}
