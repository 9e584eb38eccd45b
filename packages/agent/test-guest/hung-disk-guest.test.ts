// The agent under a hung disk, where device-mapper is real (#16): in the e2e/vm QEMU guest, two VGs sit on
// device-mapper tables (the hung-disk fixture of @openlocal/lvm/testing) and our agent reports them to this
// host's kube-apiserver. The table under one VG is suspended (`dmsetup suspend`: reads block as on a dead disk).
// The agent's /readyz must name the hung VG and not the healthy one, while its passes go on reporting the
// healthy VG: an LV made there during the hang reaches the NLS. One guest boot (support/guest-hung-disk.mjs).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, NLS, VERSION, type NodeLocalStorage } from '@openlocal/crd-types';
import type { Cluster } from '@openlocal/e2e/cluster';
import type { GuestRunResult } from '@openlocal/e2e/vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentGuestSkipReason, runAgentScenario, startClusterWithNls, type ScenarioReport } from './agent-in-guest.js';

const NODE = 'hung-guest-node';
const HUNG_VG = 'ol-hung-vg';
const OK_VG = 'ol-ok-vg';

const skipReason = await agentGuestSkipReason();
if (skipReason !== null) console.log(`[agent:guest] skipping the hung-disk guest test: ${skipReason}`);

interface Answer { status: number; body: string }
interface Report extends ScenarioReport {
  readyBefore?: Answer;
  readyHung?: Answer;
  readyStillHung?: Answer;
  passesDuringHang?: number;
}

describe.skipIf(skipReason !== null)('the agent with a hung disk under one VG (QEMU guest, suspended device-mapper table)', () => {
  let cluster: Cluster;
  let result: GuestRunResult;
  let report: Report;

  beforeAll(async () => {
    // The node's NLS as the controller writes it: both VGs are managed.
    cluster = await startClusterWithNls(NODE, { listConfig: { vgs: { include: ['ol-(hung|ok)-vg'] } } });
    ({ result, report } = await runAgentScenario<Report>(cluster, { label: 'hung-disk', script: 'guest-hung-disk.mjs', env: { NODE_NAME: NODE } }));
  }, 10 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('the guest ran the whole scenario (and always resumed and removed the table)', () => {
    expect(report.error, `agent log: ${(report.agentLog ?? []).join('').slice(-3000)}`).toBeUndefined();
    expect(result.exitCode, `console ${result.consoleLogPath}`).toBe(0);
    expect(report.steps.map((s) => s.step).at(-1)).toBe('table resumed, VGs, tables and loops removed');
  });

  it('/readyz was ready before, and names the hung VG and its PV (not the healthy VG) while the disk hangs', () => {
    expect(report.readyBefore).toEqual({ status: 200, body: 'ok\n' });
    for (const answer of [report.readyHung, report.readyStillHung]) {
      expect(answer?.status).toBe(503);
      expect(answer?.body).toMatch(new RegExp(`volume group ${HUNG_VG} hangs: a 4 KiB read of its PV /dev/mapper/\\S+ did not finish`));
      expect(answer?.body).not.toContain(OK_VG);
    }
  });

  it('passes during the hang went on: the NLS reports the healthy VG with the LV made while the other hung', async () => {
    expect(report.passesDuringHang).toBeGreaterThanOrEqual(1);
    const nls = (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: NODE })) as NodeLocalStorage;
    const ok = nls.status?.nodeStorageInfo?.volumeGroups?.find((vg) => vg.name === OK_VG);
    expect(ok?.logicalVolumes?.map((lv) => lv.name)).toContain('made-while-hung');
    expect(nls.status?.filteredStorageInfo?.volumeGroups).toContain(OK_VG);
  });
});
