// Issue #18 on the cluster rung: a real Prometheus (Debian's 2.42) scrapes every Open-Local component of a
// running cluster with provisioned volumes (the demo's parts: loop-backed VGs per simulated node, controller,
// agents, extender behind kube-scheduler, CSI plugin + external-provisioner per node). Checked: promtool accepts
// the chart's rules; every rule and every dashboard query evaluates without error and returns the series it is
// meant to show, compared with the real state (VG sizes lvm reports, NLS allocatable, the PVs that exist);
// then bad input: an NLS recreated without status, an agent that disappears, and an API-server outage.
import { CoreV1Api, CustomObjectsApi, type V1PersistentVolume } from '@kubernetes/client-node';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunDir, freePorts, missingToolsReason, startCluster, waitFor, type Cluster, type ManagedProcess } from '../cluster/index.js';
import { demoNodes } from '../demo/run.js';
import { createNodeDisks, demoPrefix, listVgs, type NodeDisks } from '../demo/node-disks.js';
import { MACHINE, preflightProblems } from '../demo/preflight.js';
import { DEMO_STEPS, type DemoContext } from '../demo/steps.js';
import { DemoResources } from '../demo/teardown.js';
import { agentSpec } from '../demo/components.js';
import {
  CHROMIUM, PROMETHEUS, PrometheusClient, prometheusConfig, renderChartMonitoring, renderPage, prometheusSkipReason, promtoolCheckRules, readLog, ruleFileOf, servedPort, type Sample, type ScrapeJob,
} from '../observability/prometheus.js';

const skipReasons = [...preflightProblems(MACHINE), prometheusSkipReason(), missingToolsReason(['helm'])].filter((r): r is string => r !== null);
if (skipReasons.length > 0) console.log(`[e2e:observability] skipping: ${skipReasons.join('; ')}`);

const NODE_COUNT = 2;
/** The demo's steps up to and including the provisioned StatefulSet. */
const STEPS = DEMO_STEPS.slice(0, 4);

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

interface Rig {
  cluster: Cluster;
  nodes: NodeDisks[];
  prometheus: PrometheusClient;
  jobs: ScrapeJob[];
  dashboard: Dashboard;
  ruleFile: string;
  runDir: string;
}

/** The jobs and targets, from the ports the apps log (the CSI plugins listen on a port of their own choice). */
async function scrapeJobs(cluster: Cluster): Promise<ScrapeJob[]> {
  const byPrefix = (prefix: string): ManagedProcess[] => cluster.processes().filter((p) => p.name.startsWith(prefix));
  const target = async (process: ManagedProcess, message: string, node: string): Promise<{ address: string; node: string }> => {
    const port = await waitFor({ what: `${process.name} to log its port (${process.logPath})`, timeoutMs: 30_000 }, async () => {
      const found = servedPort(readLog(process.logPath), message);
      return found === undefined ? { done: false, observed: 'no port yet' } : { done: true, value: found };
    });
    return { address: `127.0.0.1:${port}`, node };
  };
  return [
    { job: 'open-local-agent', targets: await Promise.all(byPrefix('agent-').map((p) => target(p, 'serving', p.name.slice('agent-'.length)))) },
    { job: 'open-local-csi-node', targets: await Promise.all(byPrefix('csi-plugin-').map((p) => target(p, 'serving', p.name.slice('csi-plugin-'.length)))) },
    { job: 'open-local-controller', targets: await Promise.all(byPrefix('controller').map((p) => target(p, 'serving', 'controller'))) },
    { job: 'open-local-scheduler-extender', targets: await Promise.all(byPrefix('scheduler-extender').map((p) => target(p, 'listening', 'extender'))) },
  ];
}

/** The chart's PrometheusRule (as a rule file) and dashboard, rendered by the real helm. */
function chartMonitoring(): { rules: string; dashboard: Dashboard } {
  const { prometheusRule, dashboardJson } = renderChartMonitoring();
  return { rules: ruleFileOf(prometheusRule), dashboard: JSON.parse(dashboardJson) as Dashboard };
}

/** Pure: a dashboard query as Grafana would send it with "All" nodes selected. */
function expand(expr: string): string {
  return expr.replaceAll('$nodename', '.*');
}

async function startPrometheus(cluster: Cluster, setup: { jobs: ScrapeJob[]; runDir: string; rules: string }): Promise<PrometheusClient> {
  const { jobs, runDir, rules } = setup;
  const dir = join(runDir, 'prometheus');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const ruleFile = join(dir, 'open-local.rules.yaml');
  writeFileSync(ruleFile, rules);
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(jobs, ruleFile));
  const [port] = (await freePorts(1)) as [number];
  await cluster.startProcess({
    name: 'prometheus', command: PROMETHEUS,
    args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
  });
  const client = new PrometheusClient(`http://127.0.0.1:${port}`);
  const expected = jobs.reduce((sum, job) => sum + job.targets.length, 0);
  await waitFor({ what: `Prometheus to scrape all ${expected} targets`, timeoutMs: 60_000, intervalMs: 1000 }, async () => {
    const targets = await client.targets();
    const up = targets.filter((t) => t.health === 'up').length;
    return up === expected ? { done: true, value: true } : { done: false, observed: targets.map((t) => `${t.labels['job']} ${t.health} ${t.lastError}`) };
  });
  // rate() needs two samples in its window, histogram_quantile a rate: a few scrapes past the first.
  await new Promise((resolveWait) => setTimeout(resolveWait, 8_000));
  return client;
}

async function ourPvs(cluster: Cluster): Promise<V1PersistentVolume[]> {
  const pvs = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listPersistentVolume()).items;
  return pvs.filter((pv) => pv.spec?.csi?.driver === 'local.csi.aliyun.com');
}

interface NlsItem {
  metadata?: { name?: string };
  status?: { nodeStorageInfo?: { volumeGroups?: { name: string; allocatable: number; total: number }[] } };
}

async function listNls(cluster: Cluster): Promise<NlsItem[]> {
  const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  return ((await custom.listClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' })) as { items: NlsItem[] }).items;
}

function keyed(samples: readonly Sample[], ...labels: string[]): Record<string, number> {
  return Object.fromEntries(samples.map((s) => [labels.map((l) => s.metric[l] ?? '').join('/'), s.value]));
}

describe.skipIf(skipReasons.length > 0)('Prometheus scraping a running Open-Local cluster', () => {
  let rig: Rig;
  const prefix = demoPrefix(process.pid).replace('oldemo', 'olobs');
  const resources = new DemoResources(prefix);
  const transcript: string[] = [];
  /** Processes a test stopped itself (and replaced): not counted as ended on their own. */
  const stoppedOnPurpose = new Set<string>();

  beforeAll(async () => {
    const runDir = createRunDir('observability');
    const specs = demoNodes(NODE_COUNT);
    const nodes = await createNodeDisks(specs.map((s) => s.name), { prefix, onCreated: (disks) => resources.addDisks(disks) });
    const cluster = await startCluster({ nodes: specs, scheduler: false, runDir, apiServerExtraArgs: ['--endpoint-reconciler-type=none'] });
    resources.setCluster(cluster);
    const context: DemoContext = {
      config: { once: true, nodes: NODE_COUNT, statusIntervalS: 5 }, cluster, nodes, prefix, out: (text) => void transcript.push(text),
      signal: new AbortController().signal, startedAtMs: performance.now(), bound: [],
    };
    for (const step of STEPS) await step.run(context);
    const jobs = await scrapeJobs(cluster);
    const { rules, dashboard } = chartMonitoring();
    const prometheus = await startPrometheus(cluster, { jobs, runDir, rules });
    rig = { cluster, nodes, prometheus, jobs, dashboard, ruleFile: join(runDir, 'prometheus', 'open-local.rules.yaml'), runDir };
    console.log(`[e2e:observability] cluster and Prometheus up; logs in ${runDir}`);
  });

  afterAll(async () => {
    writeFileSync(join(rig?.runDir ?? createRunDir('observability-teardown'), 'transcript.log'), transcript.join('\n'));
    await resources.release();
    const leftovers = resources.leftovers();
    expect(leftovers).toEqual({ processes: [], loops: [], vgs: [], mounts: [] });
  });

  it('promtool check rules accepts the chart\'s rules', () => {
    const result = promtoolCheckRules(rig.ruleFile);
    expect(result.output).toMatch(/SUCCESS: 11 rules found/);
    expect(result.exitCode).toBe(0);
  });

  it('scrapes every component: one agent and one CSI plugin per node, the controller and the extender', async () => {
    const targets = await rig.prometheus.targets();
    const byJob = (job: string): string[] => targets.filter((t) => t.labels['job'] === job && t.health === 'up').map((t) => t.labels['node'] ?? '').sort();
    const names = rig.nodes.map((n) => n.nodeName).sort();
    expect(byJob('open-local-agent')).toEqual(names);
    expect(byJob('open-local-csi-node')).toEqual(names);
    expect(byJob('open-local-controller')).toEqual(['controller']);
    expect(byJob('open-local-scheduler-extender')).toEqual(['extender']);
  });

  it('evaluates every rule without error, and no alert fires on the healthy cluster', async () => {
    const rules = await waitFor({ what: 'every rule to have been evaluated', timeoutMs: 20_000, intervalMs: 1000 }, async () => {
      const all = await rig.prometheus.rules();
      return all.length === 11 && all.every((r) => r.health === 'ok') ? { done: true, value: all } : { done: false, observed: all.map((r) => `${r.name} ${r.health} ${r.lastError ?? ''}`) };
    });
    expect(rules.filter((r) => r.lastError)).toEqual([]);
    expect(rules.filter((r) => r.type === 'alerting' && r.state !== 'inactive').map((r) => r.name)).toEqual([]);
  });

  it('the recording rule gives one charged/allocatable ratio per node VG, equal to the PV bytes over the NLS allocatable', async () => {
    const [ratios, nls, pvs] = await Promise.all([rig.prometheus.query('openlocal:volume_group_used:ratio'), listNls(rig.cluster), ourPvs(rig.cluster)]);
    const want: Record<string, number> = {};
    for (const node of rig.nodes) {
      const allocatable = nls.find((n) => n.metadata?.name === node.nodeName)?.status?.nodeStorageInfo?.volumeGroups?.find((vg) => vg.name === node.vgName)?.allocatable ?? 0;
      const pvBytes = pvs.filter((pv) => pv.spec?.csi?.volumeAttributes?.['vgName'] === node.vgName).reduce((sum, pv) => sum + Number.parseInt(String(pv.spec?.capacity?.['storage'] ?? '0').replace('Mi', ''), 10) * 2 ** 20, 0);
      want[`${node.nodeName}/${node.vgName}`] = pvBytes / allocatable;
    }
    const got = keyed(ratios, 'nodename', 'vgname');
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [key, value] of Object.entries(want)) expect(got[key]).toBeCloseTo(value, 6);
  });

  it('each alert\'s measure evaluates and covers what it watches (agents, CSI plugins, extender, leader)', async () => {
    const nodes = rig.nodes.map((n) => n.nodeName).sort();
    expect(Object.keys(keyed(await rig.prometheus.query('time() - openlocal_agent_last_pass_timestamp_seconds'), 'nodename')).sort()).toEqual(nodes);
    expect((await rig.prometheus.query('up{job="open-local-agent"}')).map((s) => s.value)).toEqual(nodes.map(() => 1));
    expect((await rig.prometheus.query('up{job="open-local-scheduler-extender"}')).map((s) => s.value)).toEqual([1]);
    expect((await rig.prometheus.query('(sum(openlocal_controller_is_leader) or vector(0))')).map((s) => s.value)).toEqual([1]);
    expect((await rig.prometheus.query('sum by (job) (openlocal_csi_requests_total)')).map((s) => s.metric['job'])).toEqual(['open-local-csi-node']);
    const filter = await rig.prometheus.query('histogram_quantile(0.99, sum by (route, le) (rate(openlocal_extender_request_duration_seconds_bucket{route=~"/scheduler/.*"}[10m])))');
    // kube-scheduler skips prioritize when one node passes the filter: the quantiles cover the routes it called.
    const called = await rig.prometheus.query('sum by (route) (openlocal_extender_request_duration_seconds_count{route=~"/scheduler/.*"}) > 0');
    expect(filter.map((s) => s.metric['route']).sort()).toEqual(called.map((s) => s.metric['route']).sort());
    expect(filter.map((s) => s.metric['route'])).toContain('/scheduler/predicates');
    // OpenLocalOrphanedVolumes: one series per node VG, 0 on the healthy cluster (its orphan is made below).
    expect(keyed(await rig.prometheus.query('sum by (nodename, vg) (openlocal_agent_orphan_lvs)'), 'nodename', 'vg')).toEqual(Object.fromEntries(rig.nodes.map((n) => [`${n.nodeName}/${n.vgName}`, 0])));
  });

  it('reports each VG as the agents see it: size equal to `lvm vgs` on the node, allocatable equal to the NLS', async () => {
    const [size, allocatable, nls] = await Promise.all([
      rig.prometheus.query('openlocal_agent_vg_total_bytes'), rig.prometheus.query('local_volume_group_total'), listNls(rig.cluster),
    ]);
    for (const node of rig.nodes) {
      const lvmSize = (await listVgs(node)).find((vg) => vg.name === node.vgName)?.sizeBytes;
      const nlsVg = nls.find((n) => n.metadata?.name === node.nodeName)?.status?.nodeStorageInfo?.volumeGroups?.find((vg) => vg.name === node.vgName);
      expect(keyed(size, 'nodename', 'vg')[`${node.nodeName}/${node.vgName}`]).toBe(lvmSize);
      expect(keyed(allocatable, 'nodename', 'vgname')[`${node.nodeName}/${node.vgName}`]).toBe(nlsVg?.allocatable);
    }
  });

  it('lists exactly the PVs that exist in local_local_pv, each with its claim, node, VG and size', async () => {
    const [series, pvs] = await Promise.all([rig.prometheus.query('local_local_pv'), ourPvs(rig.cluster)]);
    expect(pvs.length).toBe(NODE_COUNT * 2);
    const got = series.map((s) => `${s.metric['pv_name']} ${s.metric['pvc_ns']}/${s.metric['pvc_name']} ${s.metric['storage_name']} ${s.metric['status']} ${s.value}`).sort();
    const want = pvs.map((pv) => {
      const mib = Number.parseInt(String(pv.spec?.capacity?.['storage'] ?? '0'), 10);
      return `${pv.metadata?.name} ${pv.spec?.claimRef?.namespace}/${pv.spec?.claimRef?.name} ${pv.spec?.csi?.volumeAttributes?.['vgName']} ${pv.status?.phase} ${mib * 2 ** 20}`;
    }).sort();
    expect(got).toEqual(want);
  });

  it('evaluates every dashboard query; each panel returns its series (empty only where the cluster has none)', async () => {
    // No thin pools (the host has no device-mapper), devices or mount points offered here; no failures.
    const mayBeEmpty = new Set(['Block Device Information', 'MountPoint Information', 'Thin pool data used', 'CSI errors (not OK) in the last hour', 'Node command failures in the last hour']);
    const empty: string[] = [];
    for (const panel of rig.dashboard.panels) {
      const results = await Promise.all(panel.targets.map((t) => rig.prometheus.query(expand(t.expr))));
      if (results.every((r) => r.length === 0)) empty.push(panel.title);
    }
    expect(empty.filter((title) => !mayBeEmpty.has(title))).toEqual([]);
    expect(rig.dashboard.panels.length).toBeGreaterThanOrEqual(17);
  });

  it('the CSI error and command failure panels show exactly what the components count', async () => {
    const csiErrors = await rig.prometheus.query('sum by (method, code) (openlocal_csi_requests_total{code!="OK"})');
    const panel = await rig.prometheus.query('sum by (method, code) (increase(openlocal_csi_requests_total{code!="OK"}[1h]))');
    expect(panel.map((s) => `${s.metric['method']} ${s.metric['code']}`).sort()).toEqual(csiErrors.map((s) => `${s.metric['method']} ${s.metric['code']}`).sort());
    const commands = await rig.prometheus.query('sum by (command) (openlocal_command_duration_seconds_count)');
    expect(commands.map((s) => s.metric['command'])).toEqual(expect.arrayContaining(['lvm lvcreate']));
  });

  it.skipIf(!existsSync(CHROMIUM))('the extender\'s status page, rendered by headless Chromium, shows every node\'s VG with its bar and claims', async () => {
    const extender = rig.jobs.find((j) => j.job === 'open-local-scheduler-extender')?.targets[0]?.address ?? '';
    const pngPath = join(rig.runDir, 'status-page.png');
    const { dom, screenshotExitCode, output } = renderPage(`http://${extender}/status`, pngPath);
    expect(screenshotExitCode, output).toBe(0);
    // A real PNG (signature) of a rendered page, not an empty file.
    expect(readFileSync(pngPath).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(pngPath).size).toBeGreaterThan(10_000);
    console.log(`[e2e:observability] status page screenshot: ${pngPath}`);
    const pvs = await ourPvs(rig.cluster);
    for (const node of rig.nodes) {
      expect(dom).toContain(`<h2>${node.nodeName}</h2>`);
      expect(dom).toContain(`<td>${node.vgName}</td>`);
    }
    for (const pv of pvs) expect(dom).toContain(`${pv.spec?.claimRef?.namespace}/${pv.spec?.claimRef?.name}`);
    expect(dom).not.toContain('<script');
    const text = await (await fetch(`http://${extender}/status?format=text`)).text();
    writeFileSync(join(rig.runDir, 'status.txt'), text);
    console.log(`[e2e:observability] GET /status?format=text:\n${text}`);
    for (const node of rig.nodes) expect(text).toMatch(new RegExp(`VG\\s+${node.vgName}\\s+\\[[#.]{30}\\]`));
  });

  it('a real orphan (an LV of ours no PV names) shows in the orphan panel, on the NLS and as a pending OpenLocalOrphanedVolumes', async () => {
    // The first node's agent is restarted with a 3 s orphan grace (the default, 600 s, is longer than the suite)
    // on the port Prometheus scrapes; the LV is made in that node's own LVM view with the plugin's owner tag.
    const node = rig.nodes[0] as NodeDisks;
    const target = rig.jobs.find((j) => j.job === 'open-local-agent')?.targets.find((t) => t.node === node.nodeName);
    const port = Number(target?.address.split(':')[1]);
    const old = rig.cluster.processes().find((p) => p.name === `agent-${node.nodeName}`);
    await old?.stop();
    stoppedOnPurpose.add(`agent-${node.nodeName}`);
    await rig.cluster.startProcess({ ...agentSpec(rig.cluster, node, { port, extraArgs: ['--orphan-grace', '3'] }), name: `agent-${node.nodeName}-orphans` });
    const lv = 'orphan-obs';
    await node.sandbox.runLvm(['lvcreate', '--yes', '--name', lv, '--size', '8m', '--addtag', 'local.csi.aliyun.com', '--driverloaded', 'n', '--activate', 'n', '--zero', 'n', node.vgName]);
    try {
      const lvmBytes = Number((await node.sandbox.runLvm(['lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_size', `${node.vgName}/${lv}`])).trim());
      const key = `${node.nodeName}/${node.vgName}`;
      const alert = await waitFor({ what: 'OpenLocalOrphanedVolumes pending for the orphan', timeoutMs: 60_000, intervalMs: 1000 }, async () => {
        const rule = (await rig.prometheus.rules()).find((r) => r.name === 'OpenLocalOrphanedVolumes');
        const alerts = rule?.alerts ?? [];
        return alerts.length > 0 ? { done: true, value: alerts } : { done: false, observed: rule };
      });
      expect(alert.map((a) => `${a.labels['nodename']}/${a.labels['vg']} ${a.state}`)).toEqual([`${key} pending`]);
      const panel = rig.dashboard.panels.find((p) => p.title === 'Orphaned LVs (no PV names them)');
      const [count, bytes] = await Promise.all((panel?.targets ?? []).map((t) => rig.prometheus.query(expand(t.expr))));
      const others = Object.fromEntries(rig.nodes.slice(1).map((n) => [`${n.nodeName}/${n.vgName}`, 0]));
      expect(keyed(count ?? [], 'nodename', 'vg')).toEqual({ [key]: 1, ...others });
      expect(keyed(bytes ?? [], 'nodename', 'vg')).toEqual({ [key]: lvmBytes, ...others });
      const custom = rig.cluster.kubeConfig.makeApiClient(CustomObjectsApi);
      const nls = (await custom.getClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages', name: node.nodeName })) as { status?: { orphanedLogicalVolumes?: { name: string; vgName: string; total: number }[] } };
      expect(nls.status?.orphanedLogicalVolumes?.map((o) => ({ name: o.name, vgName: o.vgName, total: o.total }))).toEqual([{ name: lv, vgName: node.vgName, total: lvmBytes }]);
    } finally {
      await node.sandbox.runLvm(['lvremove', '--yes', '--driverloaded', 'n', `${node.vgName}/${lv}`]);
    }
    await waitFor({ what: 'the orphan series back to 0 and the alert gone once the LV is removed', timeoutMs: 30_000, intervalMs: 1000 }, async () => {
      const count = keyed(await rig.prometheus.query(`openlocal_agent_orphan_lvs{nodename="${node.nodeName}"}`), 'vg')[node.vgName];
      const alerts = (await rig.prometheus.rules()).find((r) => r.name === 'OpenLocalOrphanedVolumes')?.alerts ?? [];
      return count === 0 && alerts.length === 0 ? { done: true, value: true } : { done: false, observed: { count, alerts } };
    });
  });

  it('an NLS recreated without status: the node stays with no VG series and no scrape fails', async () => {
    const last = rig.nodes[rig.nodes.length - 1] as NodeDisks;
    const agent = rig.cluster.processes().find((p) => p.name === `agent-${last.nodeName}`);
    await agent?.stop();
    const custom = rig.cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    await custom.deleteClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages', name: last.nodeName });
    // The controller recreates the NLS from the init config; with the agent gone, nobody writes its status.
    await waitFor({ what: `the controller to recreate ${last.nodeName}'s NLS without status`, timeoutMs: 60_000 }, async () => {
      const nls = (await listNls(rig.cluster)).find((n) => n.metadata?.name === last.nodeName);
      return nls !== undefined && nls.status?.nodeStorageInfo === undefined ? { done: true, value: true } : { done: false, observed: nls?.status };
    });
    await waitFor({ what: `${last.nodeName}'s VG series to leave the extender's families and the agent's target to be down`, timeoutMs: 30_000, intervalMs: 1000 }, async () => {
      const vgs = await rig.prometheus.query(`local_volume_group_total{nodename="${last.nodeName}"}`);
      const agentSeries = await rig.prometheus.query(`openlocal_agent_vg_total_bytes{nodename="${last.nodeName}"}`);
      const up = await rig.prometheus.query(`up{job="open-local-agent", node="${last.nodeName}"}`);
      const isDone = vgs.length === 0 && agentSeries.length === 0 && up[0]?.value === 0;
      return isDone ? { done: true, value: true } : { done: false, observed: { vgs, agentSeries, up } };
    });
    const allocated = await rig.prometheus.query(`local_allocated_num{nodename="${last.nodeName}"}`);
    expect(allocated.map((s) => s.value)).toEqual([2]);
    const alert = await waitFor({ what: 'OpenLocalAgentDown to be pending for the stopped agent', timeoutMs: 20_000, intervalMs: 1000 }, async () => {
      const rule = (await rig.prometheus.rules()).find((r) => r.name === 'OpenLocalAgentDown');
      const pending = (rule?.alerts ?? []).filter((a) => a.labels['node'] === last.nodeName);
      return pending.length > 0 ? { done: true, value: pending } : { done: false, observed: rule };
    });
    expect(alert.map((a) => a.state)).toEqual(['pending']);
    const healthy = (await rig.prometheus.targets()).filter((t) => !(t.labels['job'] === 'open-local-agent' && t.labels['node'] === last.nodeName));
    expect(healthy.filter((t) => t.health !== 'up').map((t) => `${t.labels['job']} ${t.lastError}`)).toEqual([]);
  });

  it('during an API-server outage every component still answers scrapes and the extender serves its last cache', async () => {
    const before = keyed(await rig.prometheus.query('local_volume_group_total'), 'nodename', 'vgname');
    const apiServer = rig.cluster.processes().find((p) => p.name === 'kube-apiserver');
    expect(apiServer, 'the harness runs kube-apiserver as a process').toBeDefined();
    await apiServer?.stop();
    // Ten scrape intervals without an API server.
    await new Promise((resolveWait) => setTimeout(resolveWait, 20_000));
    const down = (await rig.prometheus.targets()).filter((t) => t.health !== 'up').map((t) => `${t.labels['job']}/${t.labels['node']}`);
    const stoppedAgent = `open-local-agent/${rig.nodes[rig.nodes.length - 1]?.nodeName ?? ''}`;
    expect(down).toEqual([stoppedAgent]);
    expect(keyed(await rig.prometheus.query('local_volume_group_total'), 'nodename', 'vgname')).toEqual(before);
    const ours = rig.cluster.processes().filter((p) => /^(agent-|csi-plugin-|controller|scheduler-extender)/.test(p.name) && p.name !== `agent-${rig.nodes[rig.nodes.length - 1]?.nodeName ?? ''}` && !stoppedOnPurpose.has(p.name));
    expect(ours.filter((p) => p.exitInfo() !== undefined).map((p) => p.name)).toEqual([]);
  });
});
