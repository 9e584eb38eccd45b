// Runs INSIDE the e2e/vm QEMU guest (real device-mapper) for hung-disk.test.ts: two VGs, each on a
// device-mapper linear table over a loop (the hung-disk fixture of @openlocal/lvm/testing), our agent reporting
// them to the host's kube-apiserver (share/kubeconfig, 10.0.2.2). Then the table under one VG is suspended, as a
// dead disk hangs: the agent's /readyz must name that VG while its passes go on reporting the healthy one (an LV
// made there during the hang must reach the NLS). The agent is stopped while the disk still hangs, so the NLS the
// host reads afterwards is what a pass wrote during the hang. Always resumes the table and removes everything.
// Writes share/report.json; exit code 0 when the scenario ran (the host judges the results).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHostSandbox } from '@openlocal/lvm/testing';

const share = process.env.OPENLOCAL_GUEST_SHARE ?? '.';
const node = process.env.NODE_NAME ?? 'guest-node';
const HUNG_VG = 'ol-hung-vg';
const OK_VG = 'ol-ok-vg';
const PORT = 9101;
const report = { steps: [] };
const started = performance.now();
const say = (step, extra = {}) => {
  const entry = { step, atMs: Math.round(performance.now() - started), ...extra };
  report.steps.push(entry);
  console.log(`[guest hung-disk] ${JSON.stringify(entry)}`);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readyz() {
  try {
    const response = await fetch(`http://127.0.0.1:${PORT}/readyz`, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: -1, body: String(error) };
  }
}

async function metric(name) {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  return text.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

// Polls `check` every second until it returns a value or `ms` pass; throws naming `what` and the last state.
async function until(what, ms, check) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.done) return last.value;
    await sleep(1000);
  }
  throw new Error(`${what}: not within ${ms} ms; last ${JSON.stringify(last?.observed)}`);
}

const disks = await createHostSandbox([64, 64], { dirPrefix: 'ol-agenthung-', viaDeviceMapper: true });
let agent;
let exitCode = 0;
try {
  const hungTable = disks.devices[0].replace('/dev/mapper/', '');
  await disks.runLvm(['vgcreate', HUNG_VG, disks.devices[0]]);
  await disks.runLvm(['vgcreate', OK_VG, disks.devices[1]]);
  agent = spawn(process.execPath, [
    'packages/agent/dist/main.js', '--nodename', node, '--kubeconfig', join(share, 'kubeconfig'), '--interval', '2',
    '--lvm-system-dir', disks.lvmSystemDir, '--regexp', disks.deviceRegexp, '--path.mount', join(disks.root, 'mnt'),
    '--metrics-host', '127.0.0.1', '--metrics-port', String(PORT), '--disk-probe-timeout', '3', '--command-timeout', '20',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  agent.stdout.on('data', (chunk) => log.push(chunk.toString()));
  agent.stderr.on('data', (chunk) => log.push(chunk.toString()));
  report.agentLog = log;
  report.readyBefore = await until('the agent ready', 90_000, async () => {
    const answer = await readyz();
    return answer.status === 200 ? { done: true, value: answer } : { done: false, observed: answer };
  });
  say('agent ready', { readyz: report.readyBefore });

  await disks.run(['dmsetup', 'suspend', hungTable]);
  say('table suspended', { table: hungTable });
  report.readyHung = await until('/readyz naming the hung VG', 60_000, async () => {
    const answer = await readyz();
    return answer.status === 503 && answer.body.includes(HUNG_VG) ? { done: true, value: answer } : { done: false, observed: answer };
  });
  say('/readyz names the hung VG', { readyz: report.readyHung });

  // An LV made on the healthy VG during the hang: a later pass must report it.
  await disks.runLvm(['lvcreate', '-n', 'made-while-hung', '-L', '8m', '-y', OK_VG]);
  const writesBefore = await metric('openlocal_agent_status_writes_total');
  const passesBefore = await metric('openlocal_agent_discovery_passes_total');
  await until('a status write after the LV was made', 60_000, async () => {
    const writes = await metric('openlocal_agent_status_writes_total');
    return writes > writesBefore ? { done: true, value: writes } : { done: false, observed: { writes, writesBefore } };
  });
  report.passesDuringHang = (await metric('openlocal_agent_discovery_passes_total')) - passesBefore;
  report.readyStillHung = await readyz();
  say('a pass reported the healthy VG during the hang', { passes: report.passesDuringHang, readyz: report.readyStillHung });
} catch (error) {
  report.error = error instanceof Error ? error.stack : String(error);
  say('failed', { error: report.error });
  exitCode = 1;
} finally {
  if (agent !== undefined && agent.exitCode === null) {
    const exited = new Promise((resolve) => agent.once('exit', resolve));
    agent.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (agent.exitCode === null) agent.kill('SIGKILL');
  }
  say('agent stopped while the disk still hangs');
  await disks.cleanup();
  say('table resumed, VGs, tables and loops removed');
  writeFileSync(join(share, 'report.json'), JSON.stringify(report, null, 2));
}
process.exit(exitCode);
