// Runs INSIDE the e2e/vm QEMU guest (real device-mapper, dm-thin-pool) for thin-pool-guest.test.ts (#17): one
// VG on a loop, our agent reporting it to the host's kube-apiserver (share/kubeconfig, 10.0.2.2) from an NLS
// whose spec declares thin pools in that VG. The agent must create the valid pool with lvm (not this script);
// then this script puts a thin LV in it and writes to it, waits two agent passes, and records lvm's
// own report of the pool so the host can compare the NLS with it. Always stops the agent and removes everything.
// Writes share/report.json; exit code 0 when the scenario ran (the host judges the results).
import { createHostSandbox } from '@openlocal/lvm/testing';
import { createReport, metric as agentMetric, runScenario, startAgent, until, sleep } from './guest-agent.mjs';

const VG = process.env.THIN_VG ?? 'ol-thin-vg';
const PORT = 9102;
const scenario = createReport('thin-pool');
const { report, say } = scenario;
const metric = (name) => agentMetric(PORT, name);

const disks = await createHostSandbox([160], { dirPrefix: 'ol-agentthin-' });
async function lvs() {
  const { stdout } = await disks.run(['lvm', 'lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_layout,lv_size,pool_lv,data_percent,metadata_percent', VG]);
  return JSON.parse(stdout).report[0].lv;
}

let agent;
await runScenario(scenario, {
  agent: () => agent,
  async body() {
    await disks.run(['lvm', 'vgcreate', VG, disks.devices[0]]);
    say('vg created', { device: disks.devices[0] });
    agent = startAgent({ disks, port: PORT, report, extraArgs: ['--command-timeout', '60'] });
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
  },
  async cleanup() {
    say('agent stopped');
    await disks.cleanup();
    say('VG, pool and loop removed');
  },
});
