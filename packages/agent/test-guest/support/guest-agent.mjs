// What every agent scenario run INSIDE the e2e/vm QEMU guest shares (hung-disk, thin-pool): the step log the
// host reads from share/report.json, polling with a named deadline, the agent's metrics, and starting and
// stopping our agent against the host's kube-apiserver (share/kubeconfig, 10.0.2.2) over a sandbox's disks.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const share = process.env.OPENLOCAL_GUEST_SHARE ?? '.';
export const node = process.env.NODE_NAME ?? 'guest-node';
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The scenario's report (steps with their time since start) and `say`, which records and prints one step. */
export function createReport(label) {
  const report = { steps: [] };
  const started = performance.now();
  const say = (step, extra = {}) => {
    const entry = { step, atMs: Math.round(performance.now() - started), ...extra };
    report.steps.push(entry);
    console.log(`[guest ${label}] ${JSON.stringify(entry)}`);
  };
  const save = () => writeFileSync(join(share, 'report.json'), JSON.stringify(report, null, 2));
  return { report, say, save };
}

/** Polls `check` every second until it returns { done: true, value } or `ms` pass; throws naming `what` and the last state. */
export async function until(what, ms, check) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
    } catch (error) {
      last = { done: false, observed: String(error) };
    }
    if (last.done) return last.value;
    await sleep(1000);
  }
  throw new Error(`${what}: not within ${ms} ms; last ${JSON.stringify(last?.observed)}`);
}

/** The sum of every series of metric `name` on the agent's metrics port. */
export async function metric(port, name) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  return text.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/**
 * Starts the built agent for this guest's node over the sandbox's disks (its own LVM view), metrics on 127.0.0.1:`port`,
 * a pass every 2 s, with `extraArgs`; its output is collected into `report.agentLog` for the host to show on failure.
 */
export function startAgent({ disks, port, report, extraArgs = [] }) {
  const agent = spawn(process.execPath, [
    'packages/agent/dist/main.js', '--nodename', node, '--kubeconfig', join(share, 'kubeconfig'), '--interval', '2',
    '--lvm-system-dir', disks.lvmSystemDir, '--regexp', disks.deviceRegexp, '--path.mount', join(disks.root, 'mnt'),
    '--metrics-host', '127.0.0.1', '--metrics-port', String(port), ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  agent.stdout.on('data', (chunk) => log.push(chunk.toString()));
  agent.stderr.on('data', (chunk) => log.push(chunk.toString()));
  report.agentLog = log;
  return agent;
}

/** SIGTERM, up to 15 s for a clean exit, then SIGKILL. Safe to call with no agent or one already gone. */
export async function stopAgent(agent) {
  if (agent === undefined || agent.exitCode !== null) return;
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  agent.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (agent.exitCode === null) agent.kill('SIGKILL');
}

/**
 * Runs a scenario's `body`; a throw is recorded as the report's error (the host shows it) and exit code 1. Then
 * always: the agent stopped, `cleanup` (which says its own steps), the report saved, and the process ends.
 */
export async function runScenario({ report, say, save }, { body, agent, cleanup }) {
  let exitCode = 0;
  try {
    await body();
  } catch (error) {
    report.error = error instanceof Error ? error.stack : String(error);
    say('failed', { error: report.error });
    exitCode = 1;
  } finally {
    await stopAgent(agent());
    await cleanup();
    save();
  }
  process.exit(exitCode);
}
