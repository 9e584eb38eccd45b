// Runs INSIDE the e2e/vm QEMU guest (real device-mapper) for hung-disk.test.ts: two VGs, each on a
// device-mapper linear table over a loop (the hung-disk fixture of @openlocal/lvm/testing), our agent reporting
// them to the host's kube-apiserver (share/kubeconfig, 10.0.2.2). Then the table under one VG is suspended, as a
// dead disk hangs: the agent's /readyz must name that VG while its passes go on reporting the healthy one (an LV
// made there during the hang must reach the NLS). The agent is stopped while the disk still hangs, so the NLS the
// host reads afterwards is what a pass wrote during the hang. Always resumes the table and removes everything.
// Writes share/report.json; exit code 0 when the scenario ran (the host judges the results).
import { createHostSandbox } from '@openlocal/lvm/testing';
import { createReport, metric as agentMetric, runScenario, startAgent, until } from './guest-agent.mjs';

const HUNG_VG = 'ol-hung-vg';
const OK_VG = 'ol-ok-vg';
const PORT = 9101;
const scenario = createReport('hung-disk');
const { report, say } = scenario;
const metric = (name) => agentMetric(PORT, name);

async function readyz() {
  try {
    const response = await fetch(`http://127.0.0.1:${PORT}/readyz`, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: -1, body: String(error) };
  }
}

const disks = await createHostSandbox([64, 64], { dirPrefix: 'ol-agenthung-', viaDeviceMapper: true });
let agent;
await runScenario(scenario, {
  agent: () => agent,
  async body() {
    const hungTable = disks.devices[0].replace('/dev/mapper/', '');
    await disks.runLvm(['vgcreate', HUNG_VG, disks.devices[0]]);
    await disks.runLvm(['vgcreate', OK_VG, disks.devices[1]]);
    agent = startAgent({ disks, port: PORT, report, extraArgs: ['--disk-probe-timeout', '3', '--command-timeout', '20'] });
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
  },
  async cleanup() {
    say('agent stopped while the disk still hangs');
    await disks.cleanup();
    say('table resumed, VGs, tables and loops removed');
  },
});
