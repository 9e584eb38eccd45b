// Issue #18, the thin-pool part: the host has no device-mapper, so the chart's thin-pool panel and alert are
// checked in the QEMU guest (real device-mapper), where a real thin pool is filled past the alert's threshold.
// Our agent there reports it to the host's kube-apiserver and exports it; a real Prometheus (the host's Debian
// binary, run in the guest, with the chart's rules) scrapes the agent. Checked against lvm's own report of the
// pool: the panel's query returns the pool with lvm's data use, the size gauge equals lvm's size, the alert is
// pending, every rule evaluates; and once the pool is removed its series are gone (no stuck value).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, NLS, VERSION } from '@openlocal/crd-types';
import { createRunDir, installCrds, missingToolsReason, openLocalCrds, repoRoot, startCluster, writeAdminKubeconfig, type Cluster } from '../cluster/index.js';
import { guestSkipReason } from '../kubelet/skip.js';
import { prometheusConfig, prometheusSkipReason, renderChartMonitoring, ruleFileOf } from '../observability/prometheus.js';
import { GUEST_SHARE_PATH, runInGuest, type GuestRunResult } from '../vm/run.js';

const NODE = 'thin-node';
const VG = 'olthinvg';
const ALERT = 'OpenLocalThinPoolNearlyFull';
const POOL_PANEL = 'Thin pool data used';

const hostSkip = [prometheusSkipReason(), missingToolsReason(['etcd', 'kube-apiserver', 'kube-controller-manager', 'helm'])].find((r) => r !== null) ?? null;
const skipReason = hostSkip ?? (await guestSkipReason());
if (skipReason !== null) console.log(`[e2e:observability] skipping the thin-pool guest test: ${skipReason}`);

interface Answer { expr: string; result?: { metric: Record<string, string>; value: [number, string] }[]; error?: string }
interface Rule { name: string; type: string; health: string; lastError?: string; alerts?: { labels: Record<string, string>; state: string }[] }
interface Answers { waitedMs: number; answers: Answer[]; rules: Rule[] }
interface LvRow { lv_name: string; vg_name: string; lv_size: string; data_percent: string; lv_attr: string }

describe.skipIf(skipReason !== null)('thin pools, seen by Prometheus through our agent in the QEMU guest', () => {
  let cluster: Cluster;
  let runDir: string;
  let result: GuestRunResult;
  let share: string;
  let panelExprs: string[];
  const read = <T>(name: string): T => JSON.parse(readFileSync(join(share, name), 'utf8')) as T;

  beforeAll(async () => {
    runDir = createRunDir('observability-thin');
    cluster = await startCluster({ runDir, scheduler: false });
    await installCrds(cluster.kubeConfig, await openLocalCrds());
    // The node's NLS, as the controller would write it: the agent reports the VG it lists.
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    await custom.createClusterCustomObject({
      group: GROUP, version: VERSION, plural: NLS.plural,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: NLS.kind, metadata: { name: NODE }, spec: { nodeName: NODE, listConfig: { vgs: { include: [VG] } } } },
    });
    const { prometheusRule, dashboardJson } = renderChartMonitoring();
    const dashboard = JSON.parse(dashboardJson) as { panels: { title: string; targets: { expr: string }[] }[] };
    const poolPanel = dashboard.panels.find((p) => p.title === POOL_PANEL);
    expect(poolPanel, `the dashboard has a "${POOL_PANEL}" panel`).toBeDefined();
    panelExprs = (poolPanel?.targets ?? []).map((t) => t.expr.replaceAll('$nodename', '.*'));
    const outputDir = join(runDir, 'guest');
    share = join(outputDir, 'share');
    mkdirSync(share, { recursive: true });
    const apiPort = new URL(cluster.apiServerUrl).port;
    writeAdminKubeconfig(join(share, 'kubeconfig'), { server: `https://10.0.2.2:${apiPort}`, pki: cluster.pki, tlsServerName: 'localhost' });
    writeFileSync(join(share, 'open-local.rules.yaml'), ruleFileOf(prometheusRule));
    writeFileSync(join(share, 'prometheus.yml'), prometheusConfig([{ job: 'open-local-agent', targets: [{ address: '127.0.0.1:9101', node: NODE }] }], `${GUEST_SHARE_PATH}/open-local.rules.yaml`));
    const queries = [...panelExprs, 'openlocal_agent_thin_pool_size_bytes', 'openlocal_agent_thin_pool_data_used_ratio'];
    writeFileSync(join(share, 'queries.json'), JSON.stringify({ queries, probe: 'openlocal_agent_thin_pool_data_used_ratio', alert: ALERT }));
    const disk = join(runDir, 'disk0.raw');
    writeFileSync(disk, '');
    truncateSync(disk, 256 * 2 ** 20);
    try {
      result = await runInGuest({
        argv: ['/bin/bash', join(repoRoot(), 'e2e', 'observability', 'guest-thin-pool.sh')],
        cwd: repoRoot(), env: { NODE_NAME: NODE, VG_NAME: VG }, disks: [{ file: disk }], network: true, memoryMiB: 2048,
        timeoutMs: 12 * 60_000, outputDir, log: (message) => console.log(`[guest thin-pool] ${message}`),
      });
    } finally {
      rmSync(disk, { force: true });
    }
    console.log(`[e2e:observability] thin-pool guest ended with ${result.exitCode} after ${Math.round(result.totalMs / 1000)} s; logs in ${outputDir}`);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('the guest ran the whole scenario', () => {
    const failed = existsSync(join(share, 'failed')) ? readFileSync(join(share, 'failed'), 'utf8') : '';
    expect(failed, `guest logs in ${join(share, 'logs')}`).toBe('');
    expect(result.exitCode, `console ${result.consoleLogPath}`).toBe(0);
  });

  it(`the "${POOL_PANEL}" panel and the size gauge show the pool as lvm reports it`, () => {
    const lvs = read<{ report: { lv: LvRow[] }[] }>('lvs.json').report[0]?.lv ?? [];
    const pool = lvs.find((lv) => lv.lv_name === 'pool0');
    expect(pool?.lv_attr.startsWith('t')).toBe(true);
    const dataRatio = Number(pool?.data_percent) / 100;
    expect(dataRatio).toBeGreaterThan(0.8);
    const { answers } = read<Answers>('present.json');
    expect(answers.filter((a) => a.error !== undefined)).toEqual([]);
    for (const expr of panelExprs) {
      const series = answers.find((a) => a.expr === expr)?.result ?? [];
      expect(series.map((s) => `${s.metric['nodename']} ${s.metric['vg']} ${s.metric['pool']}`), expr).toEqual([`${NODE} ${VG} pool0`]);
      expect(Number(series[0]?.value[1])).toBeCloseTo(dataRatio, 3);
    }
    const size = answers.find((a) => a.expr === 'openlocal_agent_thin_pool_size_bytes')?.result ?? [];
    expect(size.map((s) => Number(s.value[1]))).toEqual([Number(pool?.lv_size)]);
  });

  it(`every rule evaluates, and ${ALERT} is pending for the pool past the threshold`, () => {
    const { rules } = read<Answers>('present.json');
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name} ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
    const alerts = rules.find((r) => r.name === ALERT)?.alerts ?? [];
    expect(alerts.map((a) => `${a.labels['vg']}/${a.labels['pool']} ${a.state}`)).toEqual([`${VG}/pool0 pending`]);
  });

  it('once the pool is removed, its series and alert are gone (not stuck at the last value)', () => {
    const { answers, rules } = read<Answers>('absent.json');
    for (const answer of answers) expect(answer.result ?? [], answer.expr).toEqual([]);
    expect(rules.find((r) => r.name === ALERT)?.alerts ?? []).toEqual([]);
  });

  it('the agent reported the VG on the node\'s NLS through the host\'s API server', async () => {
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const nls = (await custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name: NODE })) as { status?: { nodeStorageInfo?: { volumeGroups?: { name: string }[] } } };
    expect(nls.status?.nodeStorageInfo?.volumeGroups?.map((vg) => vg.name)).toEqual([VG]);
  });
});
