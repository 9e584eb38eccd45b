// Demo wiring: parse flags, start the cluster with simulated nodes, run the steps, then either stop (--once)
// or keep running with periodic status lines until Ctrl-C / SIGTERM, and always tear down.
import { CONTROL_PLANE_TOOLS, createRunDir, missingToolsReason, startCluster, type Cluster, type SimulatedNodeSpec } from '../cluster/index.js';
import { renderTable } from './table.js';
import { HELP, parseDemoArgs, type DemoConfig } from './cli.js';
import { readClusterState, statusLine } from './state.js';
import { DEMO_STEPS, type DemoContext } from './steps.js';

const ZONES = ['zone-1', 'zone-1', 'zone-2'];
/** A second signal within this window is the same Ctrl-C delivered twice, not a request to force. */
const FORCE_AFTER_MS = 1000;

/** Pure: node-a, node-b, … with a zone label each. */
export function demoNodes(count: number): SimulatedNodeSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `node-${String.fromCharCode(97 + index)}`,
    labels: { 'topology.kubernetes.io/zone': ZONES[index % ZONES.length] ?? 'zone-1' },
  }));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function printCluster(cluster: Cluster, out: (text: string) => void): void {
  const phases = Object.entries(cluster.timings.phasesMs).map(([phase, ms]) => `${phase} ${seconds(ms)}`).join(', ');
  out(`control plane start to ready: ${seconds(cluster.timings.readyMs)} (${phases})`);
  out(`API server ${cluster.apiServerUrl}; kubeconfig ${cluster.kubeconfigPath}`);
  out(`logs in ${cluster.runDir}`);
}

async function keepRunning(context: DemoContext): Promise<void> {
  const { cluster, out, signal, config } = context;
  out('running; press Ctrl-C to stop');
  await new Promise<void>((resolveStop) => {
    // A referenced timer keeps the process alive (the heartbeat timers are unref'd).
    const timer = setInterval(() => {
      readClusterState(cluster.kubeConfig).then(
        (state) => out(`${statusLine(state, new Date())}${cluster.problems().length > 0 ? `; problems: ${cluster.problems().join('; ')}` : ''}`),
        (error: unknown) => out(`status read failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, config.statusIntervalS * 1000);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      resolveStop();
    }, { once: true });
  });
}

async function runDemo(config: DemoConfig, out: (text: string) => void, signal: AbortSignal): Promise<void> {
  const missing = missingToolsReason(CONTROL_PLANE_TOOLS);
  if (missing !== null) throw new Error(missing);
  out(`starting a control plane with ${config.nodes} simulated node(s)…`);
  const cluster = await startCluster({ nodes: demoNodes(config.nodes), runDir: createRunDir('demo') });
  try {
    printCluster(cluster, out);
    out(renderTable(['PROCESS', 'PID', 'LOG'], cluster.processes().map((child) => [child.name, String(child.pid), child.logPath])));
    const context: DemoContext = { config, cluster, out, signal };
    for (const step of DEMO_STEPS) {
      if (signal.aborted) break;
      out(`\n== ${step.title}`);
      await step.run(context);
    }
    if (!config.once && !signal.aborted) await keepRunning(context);
  } finally {
    out('stopping…');
    const { teardownMs } = await cluster.stop();
    out(`teardown: ${seconds(teardownMs)}; logs kept in ${cluster.runDir}`);
  }
}

/** Entry point: argv as node gives it. Resolves with the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const config = parseDemoArgs(argv.slice(2));
  if (config === 'help') {
    out(HELP);
    return 0;
  }
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    // A terminal's Ctrl-C reaches us twice (directly and relayed by tsx): only a later one means "force".
    if (firstSignalAt !== undefined) {
      // Exiting runs the process groups' exit hooks, which SIGKILL our children.
      if (Date.now() - firstSignalAt > FORCE_AFTER_MS) process.exit(130);
      return;
    }
    firstSignalAt = Date.now();
    out(`\n${name}: stopping (press Ctrl-C again after a second to force)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runDemo(config, out, controller.signal);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
