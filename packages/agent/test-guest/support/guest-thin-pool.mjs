// Runs INSIDE the e2e/vm QEMU guest (real device-mapper, dm-thin-pool) for thin-pool-guest.test.ts (#17): one
// VG on a loop, our agent reporting it to the host's kube-apiserver (share/kubeconfig, 10.0.2.2) from an NLS
// whose spec declares thin pools in that VG. The agent must create the valid pool with lvm (not this script);
// then this script puts a thin LV in it and writes to it, waits two agent passes, and records lvm's
// own report of the pool so the host can compare the NLS with it. Always stops the agent and removes everything.
// Writes share/report.json; exit code 0 when the scenario ran (the host judges the results).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHostSandbox } from '@openlocal/lvm/testing';

const share = process.env.OPENLOCAL_GUEST_SHARE ?? '.';
const node = process.env.NODE_NAME ?? 'guest-node';
const VG = process.env.THIN_VG ?? 'ol-thin-vg';
const PORT = 9102;
const report = { steps: [] };
const started = performance.now();
const say = (step, extra = {}) => {
  const entry = { step, atMs: Math.round(performance.now() - started), ...extra };
  report.steps.push(entry);
  console.log(`[guest thin-pool] ${JSON.stringify(entry)}`);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function metric(name) {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  return text.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

async function until(what, ms, check) {
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

const disks = await createHostSandbox([160], { dirPrefix: 'ol-agentthin-' });
async function lvs() {
  const { stdout } = await disks.run(['lvm', 'lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_layout,lv_size,pool_lv,data_percent,metadata_percent', VG]);
  return JSON.parse(stdout).report[0].lv;
}

let agent;
let exitCode = 0;
try {
  await disks.run(['lvm', 'vgcreate', VG, disks.devices[0]]);
  say('vg created', { device: disks.devices[0] });
  agent = spawn(process.execPath, [
    'packages/agent/dist/main.js', '--nodename', node, '--kubeconfig', join(share, 'kubeconfig'), '--interval', '2',
    '--lvm-system-dir', disks.lvmSystemDir, '--regexp', disks.deviceRegexp, '--path.mount', join(disks.root, 'mnt'),
    '--metrics-host', '127.0.0.1', '--metrics-port', String(PORT), '--command-timeout', '60',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  agent.stdout.on('data', (chunk) => log.push(chunk.toString()));
  agent.stderr.on('data', (chunk) => log.push(chunk.toString()));
  report.agentLog = log;
  report.poolMade = await until('the agent to create thin pool thin0', 120_000, async () => {
    const rows = await lvs();
    const pool = rows.find((lv) => lv.lv_name === 'thin0');
    return pool?.lv_layout.includes('pool') ? { done: true, value: pool } : { done: false, observed: rows };
  });
  say('agent created the pool', { pool: report.poolMade });
  await disks.run(['lvm', 'lvcreate', '--yes', '--type', 'thin', '--name', 'data1', '--virtualsize', '64m', '--thinpool', 'thin0', VG]);
  await disks.run(['dd', 'if=/dev/urandom', `of=/dev/${VG}/data1`, 'bs=1M', 'count=8', 'oflag=direct', 'status=none']);
  // Two full passes after the write: the second started after the data use settled, and a pass writes the
  // status when it changed (so no wait for a write that an earlier pass may already have made).
  const passes = await metric('openlocal_agent_discovery_passes_total');
  await until('two more discovery passes', 60_000, async () => {
    const now = await metric('openlocal_agent_discovery_passes_total');
    return now >= passes + 2 ? { done: true, value: now } : { done: false, observed: { now, passes } };
  });
  await sleep(1000);
  report.lvs = await lvs();
  say('thin LV written and reported', { lvs: report.lvs });
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
  say('agent stopped');
  await disks.cleanup();
  say('VG, pool and loop removed');
  writeFileSync(join(share, 'report.json'), JSON.stringify(report, null, 2));
}
process.exit(exitCode);
