// Demo wiring: parse flags, check the machine, give each simulated node loop-backed disks, start the control
// plane, run the steps, then either stop (--once) or keep a live status view until Ctrl-C / SIGTERM, and always
// tear down what this run made (processes by PID, its VGs, loops and files) and say whether anything is left.
import { createRunDir, startCluster, type Cluster, type SimulatedNodeSpec } from '../cluster/index.js';
import { HELP, parseDemoArgs, type DemoConfig } from './cli.js';
import { createNodeDisks, demoPrefix, type NodeDisks } from './node-disks.js';
import { MACHINE, preflightProblems } from './preflight.js';
import { exploreHint, readStatus, renderStatus } from './status-view.js';
import { DEMO_STEPS, type DemoContext } from './steps.js';
import { renderTable } from './table.js';
import { DemoResources, leftoversLine } from './teardown.js';

const ZONES = ['zone-1', 'zone-1', 'zone-2'];
/** A second signal within this window is the same Ctrl-C delivered twice, not a request to force. */
const FORCE_AFTER_MS = 1000;
/** Exit code when the machine cannot run the demo (nothing was started). */
const EXIT_PREFLIGHT = 2;

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
  out(`API server ${cluster.apiServerUrl}`);
  out(`kubeconfig ${cluster.kubeconfigPath}`);
  out(`logs in ${cluster.runDir}`);
}

function printDisks(nodes: readonly NodeDisks[], out: (text: string) => void): void {
  out(renderTable(['NODE', 'LOOP DEVICES', 'VG THE AGENT WILL CREATE', 'LVM VIEW (LVM_SYSTEM_DIR)'], nodes.map((node) => [
    node.nodeName, node.sandbox.loops.join(','), node.vgName, node.sandbox.lvmSystemDir,
  ])));
}

async function showStatus(context: DemoContext): Promise<void> {
  const { cluster, out } = context;
  try {
    const snapshot = await readStatus(cluster, context.startedAtMs);
    // On a terminal, redraw in place; in a log (CI, a pipe), append.
    if (process.stdout.isTTY && !context.config.once) process.stdout.write('\x1b[2J\x1b[H');
    out(renderStatus(snapshot, exploreHint(cluster)));
  } catch (error) {
    out(`status read failed: ${error instanceof Error ? error.message : String(error)}; problems: ${cluster.problems().join('; ') || 'none'}`);
  }
}

async function keepRunning(context: DemoContext): Promise<void> {
  const { out, signal, config } = context;
  out(`\nrunning; the status below refreshes every ${config.statusIntervalS} s. Press Ctrl-C to stop and clean up.`);
  await new Promise<void>((resolveStop) => {
    // A referenced timer keeps the process alive (the heartbeat timers are unref'd).
    const timer = setInterval(() => void showStatus(context), config.statusIntervalS * 1000);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      resolveStop();
    }, { once: true });
  });
}

async function runSteps(context: DemoContext): Promise<void> {
  for (const step of DEMO_STEPS) {
    if (context.signal.aborted) return;
    context.out(`\n== ${step.title}`);
    await step.run(context);
  }
  context.out('\n== Status');
  await showStatus(context);
  if (!context.config.once && !context.signal.aborted) await keepRunning(context);
}

/** Runs the demo; resolves true when teardown left nothing behind. */
async function runDemo(config: DemoConfig, out: (text: string) => void, signal: AbortSignal): Promise<boolean> {
  const startedAtMs = performance.now();
  const prefix = demoPrefix(process.pid);
  const resources = new DemoResources(prefix);
  let cluster: Cluster | undefined;
  let isClean = false;
  try {
    const specs = demoNodes(config.nodes);
    out(`== Disks: loop devices on sparse files, one LVM view per simulated node (VG prefix ${prefix})`);
    const nodes = await createNodeDisks(specs.map((spec) => spec.name), { prefix, onCreated: (disks) => resources.addDisks(disks) });
    printDisks(nodes, out);
    out(`\n== Control plane with ${config.nodes} simulated node(s)`);
    // kube-apiserver 1.37 refuses a loopback advertise address with the default endpoint reconciler.
    cluster = await startCluster({ nodes: specs, scheduler: false, runDir: createRunDir('demo'), apiServerExtraArgs: ['--endpoint-reconciler-type=none'] });
    resources.setCluster(cluster);
    printCluster(cluster, out);
    await runSteps({ config, cluster, nodes, prefix, out, signal, startedAtMs, bound: [] });
  } catch (error) {
    if (cluster && cluster.problems().length > 0) out(`components that died:\n  ${cluster.problems().join('\n  ')}`);
    throw error;
  } finally {
    out('\nstopping…');
    const teardownMs = await resources.release();
    out(`teardown: ${seconds(teardownMs)}${cluster ? `; logs kept in ${cluster.runDir}` : ''}`);
    const leftovers = resources.leftovers();
    out(leftoversLine(leftovers));
    isClean = Object.values(leftovers).every((items: readonly string[]) => items.length === 0);
  }
  return isClean;
}

/** Entry point: argv as node gives it. Resolves with the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const config = parseDemoArgs(argv.slice(2));
  if (config === 'help') {
    out(HELP);
    return 0;
  }
  const problems = preflightProblems(MACHINE);
  if (problems.length > 0) {
    process.stderr.write(`demo cannot run on this machine (nothing was started):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return EXIT_PREFLIGHT;
  }
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    // A terminal's Ctrl-C reaches us twice (directly and relayed by tsx): only a later one means "force".
    if (firstSignalAt !== undefined) {
      // Exiting runs the exit hooks, which SIGKILL our children and remove our VGs, loops and files.
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
    return (await runDemo(config, out, controller.signal)) ? 0 : 1;
  } catch (error) {
    // Stopped by Ctrl-C / SIGTERM in the middle of a step: teardown ran; not a failure of the demo.
    if (controller.signal.aborted) return 130;
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
