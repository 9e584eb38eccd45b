// The demo's command line: flags to a validated config, and the help text.
import { parseArgs } from 'node:util';

export interface DemoConfig {
  /** Run every step, print the status once, tear down and exit (for tests and CI). */
  readonly once: boolean;
  /** How many simulated nodes to start. */
  readonly nodes: number;
  /** Seconds between status refreshes while running. */
  readonly statusIntervalS: number;
}

export const HELP = `Usage: scripts/demo [--once] [--nodes N] [--status-interval S]

Runs Open-Local on this machine with simulated nodes and shows it at work:
  1. gives each simulated node its own loop devices (sparse files) and a private LVM view;
  2. starts a local control plane (upstream etcd, kube-apiserver, kube-controller-manager, kube-scheduler
     built by scripts/build-tools) and applies the Open-Local CRDs;
  3. starts the controller, which writes each node's NodeLocalStorage from an init config, and one agent per
     node, which creates the node's VG on its loops and reports it (VG sizes as lvm sees them);
  4. starts the scheduler extender behind kube-scheduler, and per node a csi-plugin with an
     external-provisioner --node-deployment;
  5. creates a StatefulSet with claims across the nodes and prints, as it happens, the node each claim went
     to and the LV that backs it, with \`lvm lvs\` and each VG's use before and after;
  6. shows a pod too large for every node staying Pending with the extender's reason, and deletes a
     replica's claims so the LVs and the VG table follow;
  7. keeps a live status view (components, VG use, claims) until Ctrl-C, then stops every process it
     started, removes its VGs, detaches its loop devices and says whether anything was left behind.
Cold start to the first provisioned volume is printed. The host kernel has no device-mapper, so LVs are
created in LVM metadata only (not activated): nothing is mounted and no pod runs (there is no kubelet).

Needs root, loop devices, lvm2 (scripts/setup) and the pinned binaries (scripts/build-tools); scripts/demo
runs both first, and the demo says what is missing before it starts anything.

Options:
  --once                 do all of the above, print the status once, tear down and exit (for CI);
                         exit 1 if anything of the run was left behind
  --nodes N              number of simulated nodes, 1..10 (default 3)
  --status-interval S    seconds between status refreshes while running, 2..3600 (default 10)
  -h, --help             show this help

Exit codes: 0 done, 1 failed or left something behind, 2 the machine cannot run it, 130 stopped mid-way.
Logs of every process go to $OPENLOCAL_RUN_DIR/e2e/demo-* if set, else e2e/.runs/demo-*; the status view
names any component that died, with its log.
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
    statusIntervalS: integerFlag('status-interval', values['status-interval'], 10, [2, 3600]),
  };
}
