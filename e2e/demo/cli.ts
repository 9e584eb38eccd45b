// The demo's command line: flags to a validated config, and the help text.
import { parseArgs } from 'node:util';

export interface DemoConfig {
  /** Start, print the state once, tear down and exit (for tests and CI). */
  readonly once: boolean;
  /** How many simulated nodes to start. */
  readonly nodes: number;
  /** Seconds between the one-line status reports while running. */
  readonly statusIntervalS: number;
}

export const HELP = `Usage: scripts/demo [--once] [--nodes N] [--status-interval S]

Starts a local Kubernetes control plane (upstream etcd, kube-apiserver, kube-controller-manager and
kube-scheduler built by scripts/build-tools) with simulated nodes, applies the Open-Local CRDs and prints
the cluster state. Keeps running until Ctrl-C (or SIGTERM), then stops every process it started.

Options:
  --once                 start, print the state, tear down and exit 0 (default: keep running)
  --nodes N              number of simulated nodes, 1..10 (default 3)
  --status-interval S    seconds between one-line status reports while running, 5..3600 (default 30)
  -h, --help             show this help

Logs of every process go to $OPENLOCAL_RUN_DIR/e2e/demo-* if set, else e2e/.runs/demo-*.
`;

function integerFlag(name: string, raw: string | undefined, fallback: number, range: [number, number]): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < range[0] || value > range[1]) {
    throw new Error(`--${name} must be an integer from ${range[0]} to ${range[1]}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Parses argv (without node and script); returns 'help' when help was asked. Throws naming a bad flag. */
export function parseDemoArgs(argv: readonly string[]): DemoConfig | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      once: { type: 'boolean', default: false },
      nodes: { type: 'string' },
      'status-interval': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  return {
    once: values.once,
    nodes: integerFlag('nodes', values.nodes, 3, [1, 10]),
    statusIntervalS: integerFlag('status-interval', values['status-interval'], 30, [5, 3600]),
  };
}
