// The agent creates and reports thin pools where device-mapper is real (#17): in the e2e/vm QEMU guest, one VG
// on a loop, and an NLS (on this host's kube-apiserver) whose spec declares two thin pools in it — one valid,
// one larger than the VG. The agent must create the valid one with lvm and report it in the NLS status with
// lvm's own numbers (size, virtual size handed out, data use after a thin LV was written), and refuse the other
// with a Warning event naming the field and value, creating nothing. In the same boot (#16): a managed VG whose
// activation fails for real (a PV's device-mapper table is missing at start, so lvm refuses its partial LV) must be
// activated by a later pass once the PV is back, without an agent restart. One guest boot (support/guest-thin-pool.mjs).
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, NLS, VERSION, type NodeLocalStorage } from '@openlocal/crd-types';
import type { Cluster } from '@openlocal/e2e/cluster';
import type { GuestRunResult } from '@openlocal/e2e/vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentGuestSkipReason, runAgentScenario, startClusterWithNls, type ScenarioReport } from './agent-in-guest.js';

const NODE = 'thin-guest-node';
const VG = 'ol-thin-vg';
const ACT_VG = 'ol-act-vg';
const MIB = 2 ** 20;

const skipReason = await agentGuestSkipReason();
if (skipReason !== null) console.log(`[agent:guest] skipping the thin-pool guest test: ${skipReason}`);

interface LvRow { lv_name: string; lv_layout: string; lv_size: string; pool_lv: string; data_percent: string; metadata_percent: string }
interface Report extends ScenarioReport {
  poolMade?: LvRow;
  lvs?: LvRow[];
  activationErrors?: number;
  spansBefore?: string | null;
  spansAfter?: string;
  activationOks?: number;
}

describe.skipIf(skipReason !== null)('the agent creates declared thin pools and reports them (QEMU guest, dm-thin-pool)', () => {
  let cluster: Cluster;
  let result: GuestRunResult;
  let report: Report;

  beforeAll(async () => {
    // The VG exists when the agent starts (the guest script makes it), so its devices are not looked at.
    const thinPools = [{ name: 'thin0', size: '32Mi', overProvisioningRatio: 4 }, { name: 'huge', size: '1Gi' }];
    cluster = await startClusterWithNls(NODE, { listConfig: { vgs: { include: [VG, ACT_VG] } }, resourceToBeInited: { vgs: [{ name: VG, devices: ['/dev/vdz'], thinPools }] } });
    ({ result, report } = await runAgentScenario<Report>(cluster, { label: 'thin-pool', script: 'guest-thin-pool.mjs', env: { NODE_NAME: NODE, THIN_VG: VG, ACT_VG } }));
  }, 10 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('the guest ran the whole scenario: the agent made the declared pool (and everything was removed)', () => {
    expect(report.error, `agent log: ${(report.agentLog ?? []).join('').slice(-3000)}`).toBeUndefined();
    expect(result.exitCode, `console ${result.consoleLogPath}`).toBe(0);
    expect(Number(report.poolMade?.lv_size)).toBe(32 * MIB);
    expect(report.steps.map((s) => s.step).at(-1)).toBe('VGs, pool, tables and loops removed');
  });

  it('a VG activation that failed for real (a PV missing) is retried by a later pass once the PV is back', async () => {
    expect(report.activationErrors).toBeGreaterThanOrEqual(1);
    expect(report.spansBefore).toBe(''); // lvm's lv_active is empty for an inactive LV: the failed try left it so
    expect(report.spansAfter).toBe('active');
    expect(report.activationOks).toBeGreaterThanOrEqual(2); // the thin VG at start, then this one
    const events = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'default' });
    const failed = events.items.filter((e) => e.reason === 'ActivateVGFailed' && e.involvedObject.name === NODE);
    expect(failed.map((e) => e.message).join('\n')).toMatch(new RegExp(`^activating volume group ${ACT_VG} failed: `, 'm'));
  });

  it('the NLS reports the pool as lvm does: size, virtual size handed out, data and metadata use', async () => {
    const nls = (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: NODE })) as NodeLocalStorage;
    const pool = report.lvs?.find((lv) => lv.lv_name === 'thin0');
    const dataPercent = Number(pool?.data_percent);
    expect(dataPercent).toBeGreaterThan(0); // 8 MiB of random data written into a 32 MiB pool
    const metadataPercent = Number(pool?.metadata_percent);
    expect(metadataPercent).toBeGreaterThan(0); // the mappings of those 8 MiB
    const vg = nls.status?.nodeStorageInfo?.volumeGroups?.find((v) => v.name === VG);
    expect(vg?.thinPools).toEqual([{ name: 'thin0', total: Number(pool?.lv_size), virtualUsed: 64 * MIB, dataPercent, metadataPercent }]);
    expect(report.lvs?.map((lv) => lv.lv_name).sort()).toEqual(['data1', 'thin0']); // `huge` was never made
  });

  it('the pool larger than the VG was refused with a Warning event naming the field and value', async () => {
    const events = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'default' });
    const refused = events.items.filter((e) => e.reason === 'CreateThinPoolFailed' && e.involvedObject.name === NODE);
    // Sent again only when the message changes: the VG's free bytes fell when thin0 was made.
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const event of refused) {
      expect(event.message).toMatch(new RegExp(`^refused to create thin pool ${VG}/huge: spec\\.resourceToBeInited\\.vgs\\[0\\]\\.thinPools\\[1\\]\\.size "1Gi" \\(1073741824 bytes\\) is more than the \\d+ bytes free in volume group ${VG}; nothing was changed$`));
    }
    expect(refused[0]?.type).toBe('Warning');
  });
});
