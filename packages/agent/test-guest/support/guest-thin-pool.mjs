// Runs INSIDE the e2e/vm QEMU guest (real device-mapper, dm-thin-pool) for thin-pool-guest.test.ts (#17): one
// VG on a loop, our agent reporting it to the host's kube-apiserver (share/kubeconfig, 10.0.2.2) from an NLS
// whose spec declares thin pools in that VG. The agent must create the valid pool with lvm (not this script);
// then this script puts a thin LV in it and writes to it, waits two agent passes, and records lvm's
// own report of the pool so the host can compare the NLS with it. Always stops the agent and removes everything.
// In the same boot (#16, a failed VG activation is retried): a second VG on two device-mapper tables with an LV
// spanning both, deactivated, and one table removed before the agent starts, so the agent's activation of that
// VG fails for real (lvm refuses a partial LV). The table is then put back; a later pass must activate the VG.
// Writes share/report.json; exit code 0 when the scenario ran (the host judges the results).
import { createHostSandbox } from '@openlocal/lvm/testing';
import { createReport, metric as agentMetric, runScenario, startAgent, until, sleep } from './guest-agent.mjs';

const VG = process.env.THIN_VG ?? 'ol-thin-vg';
const ACT_VG = process.env.ACT_VG ?? 'ol-act-vg';
const PV_MIB = 16;
const PORT = 9102;
const scenario = createReport('thin-pool');
const { report, say } = scenario;
const metric = (name) => agentMetric(PORT, name);

const disks = await createHostSandbox([160, PV_MIB, PV_MIB], { dirPrefix: 'ol-agentthin-', viaDeviceMapper: true });
const goneTable = disks.devices[2].replace('/dev/mapper/', '');
async function lvs() {
  const { stdout } = await disks.run(['lvm', 'lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_layout,lv_size,pool_lv,data_percent,metadata_percent', VG]);
  return JSON.parse(stdout).report[0].lv;
}

async function lvActive(name) {
  const { stdout } = await disks.run(['lvm', 'lvs', '--reportformat', 'json', '-o', 'lv_name,lv_active', ACT_VG]);
  return JSON.parse(stdout).report[0].lv.find((lv) => lv.lv_name === name)?.lv_active ?? null;
}

let agent;
await runScenario(scenario, {
  agent: () => agent,
  async body() {
    await disks.run(['lvm', 'vgcreate', VG, disks.devices[0]]);
    say('vg created', { device: disks.devices[0] });
    // The VG whose activation must fail once: its LV needs both PVs; inactive, then one PV's table gone.
    await disks.run(['lvm', 'vgcreate', ACT_VG, disks.devices[1], disks.devices[2]]);
    await disks.run(['lvm', 'lvcreate', '--yes', '--name', 'spans', '--extents', '100%FREE', ACT_VG]);
    await disks.run(['lvm', 'vgchange', '--activate', 'n', ACT_VG]);
    await disks.run(['dmsetup', 'remove', goneTable]);
    say('activation VG made, its LV inactive, one PV table removed', { table: goneTable });
    agent = startAgent({ disks, port: PORT, report, extraArgs: ['--command-timeout', '60'] });
    report.activationErrors = await until('the agent to try activating the partial VG and fail', 120_000, async () => {
      const errors = await metric('openlocal_agent_vg_activations_total{result="error"}');
      return errors >= 1 ? { done: true, value: errors } : { done: false, observed: errors };
    });
    report.spansBefore = await lvActive('spans');
    say('activation failed', { errors: report.activationErrors, lvActive: report.spansBefore });
    await disks.run(['dmsetup', 'create', goneTable, '--table', `0 ${(PV_MIB * 2 ** 20) / 512} linear ${disks.loops[2]} 0`]);
    await disks.run(['dmsetup', 'mknodes', goneTable]);
    say('PV table put back');
    report.spansAfter = await until('a later pass to activate the VG', 60_000, async () => {
      const active = await lvActive('spans');
      return active === 'active' ? { done: true, value: active } : { done: false, observed: active };
    });
    report.activationOks = await metric('openlocal_agent_vg_activations_total{result="ok"}');
    say('VG activated by a later pass', { lvActive: report.spansAfter, oks: report.activationOks });
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
    say('VGs, pool, tables and loops removed');
  },
});
