// A real Prometheus (Debian's 2.42) for the observability suite: its config from the components' metrics
// ports (jobs named as the chart's ServiceMonitors name them), the chart's rules extracted from the rendered
// PrometheusRule, promtool, and a small client of the HTTP API.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot, toolPath } from '../cluster/index.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Why Prometheus cannot run here, or null. */
export function prometheusSkipReason(): string | null {
  const missing = [PROMETHEUS, PROMTOOL].filter((path) => !existsSync(path));
  return missing.length === 0 ? null : `${missing.join(', ')} missing: install Debian's prometheus (scripts/setup does)`;
}

/** One scrape job: the chart's job name and host:port targets, each with its node (or component) as `node`. */
export interface ScrapeJob {
  readonly job: string;
  readonly targets: readonly { readonly address: string; readonly node: string }[];
}

/** Pure: prometheus.yml with fast intervals (the suite cannot wait minutes) and the rule file. */
export function prometheusConfig(jobs: readonly ScrapeJob[], ruleFile: string): string {
  return stringify({
    global: { scrape_interval: '2s', evaluation_interval: '2s', scrape_timeout: '1s' },
    rule_files: [ruleFile],
    scrape_configs: jobs.map((job) => ({
      job_name: job.job,
      static_configs: job.targets.map((target) => ({ targets: [target.address], labels: { node: target.node } })),
    })),
  });
}

/** Pure: the rule file (`groups:`) in a rendered PrometheusRule object. */
export function ruleFileOf(prometheusRule: { spec?: { groups?: unknown[] } }): string {
  return stringify({ groups: prometheusRule.spec?.groups ?? [] });
}

/** Pure: the port a pino log says the app serves on (`"port":N` on a line whose msg starts with the given text). */
export function servedPort(log: string, messageStart: string): number | undefined {
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; port?: unknown };
    if (entry.msg?.startsWith(messageStart) === true && typeof entry.port === 'number') return entry.port;
  }
  return undefined;
}

export function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The Kubernetes version the harness runs; helm template defaults to an old one. */
const KUBE_VERSION = '1.37.2';

/**
 * `helm template` of charts/open-local with monitoring on: the PrometheusRule object and the dashboard JSON of
 * the Grafana ConfigMap. helm's state lives in a temporary home, removed afterwards.
 */
export function renderChartMonitoring(): { prometheusRule: { spec?: { groups?: unknown[] } }; dashboardJson: string } {
  const home = mkdtempSync(join(tmpdir(), 'olobs-helm-'));
  try {
    const env = { ...process.env, HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache'), HELM_DATA_HOME: join(home, 'data') };
    const args = ['template', 'open-local', join(repoRoot(), 'charts', 'open-local'), '--kube-version', KUBE_VERSION, '--set', 'monitor.enabled=true', '--set', 'monitor.rules.enabled=true'];
    const result = spawnSync(toolPath('helm'), args, { encoding: 'utf8', env, maxBuffer: 32 * 2 ** 20 });
    if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    const objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> } | null);
    const prometheusRule = objects.find((o) => o?.kind === 'PrometheusRule');
    const dashboardJson = objects.find((o) => o?.kind === 'ConfigMap' && o.metadata?.name === 'open-local-dashboard')?.data?.['open-local.json'];
    if (prometheusRule == null || dashboardJson === undefined) throw new Error('the chart rendered no PrometheusRule or dashboard ConfigMap');
    return { prometheusRule: prometheusRule as { spec?: { groups?: unknown[] } }, dashboardJson };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** promtool check rules <file>: exit code and output. */
export function promtoolCheckRules(path: string): { exitCode: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'rules', path], { encoding: 'utf8' });
  return { exitCode: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/** The query API of one Prometheus. */
export class PrometheusClient {
  constructor(readonly baseUrl: string) {}

  private async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data?: unknown; error?: string; errorType?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.errorType ?? ''} ${body.error ?? response.status}`);
    return body.data;
  }

  /** An instant query; throws on a query error (bad syntax, evaluation failure). */
  async query(expr: string): Promise<Sample[]> {
    const data = (await this.get(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    if (data.resultType !== 'vector') throw new Error(`${expr}: result type ${data.resultType}, expected vector`);
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  async targets(): Promise<{ labels: Record<string, string>; health: string; lastError: string }[]> {
    return ((await this.get('/api/v1/targets?state=active')) as { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }).activeTargets;
  }

  async rules(): Promise<{ name: string; type: string; health: string; lastError?: string; query: string; state?: string; alerts?: { labels: Record<string, string>; state: string }[] }[]> {
    const data = (await this.get('/api/v1/rules')) as { groups: { rules: { name: string; type: string; health: string; lastError?: string; query: string; state?: string; alerts?: { labels: Record<string, string>; state: string }[] }[] }[] };
    return data.groups.flatMap((group) => group.rules);
  }
}

export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium's flags for a one-shot render (no network beyond the page, a fresh profile). */
function chromiumArgs(userDataDir: string): string[] {
  return [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${userDataDir}`,
  ];
}

/**
 * Renders `url` twice with headless Chromium: a PNG screenshot at `pngPath`, and the DOM after rendering
 * (returned). Each run gets a new profile directory, removed afterwards.
 */
export function renderPage(url: string, pngPath: string): { dom: string; screenshotExitCode: number | null; output: string } {
  const profile = mkdtempSync(join(tmpdir(), 'olobs-chromium-'));
  try {
    const shot = spawnSync(CHROMIUM, [...chromiumArgs(join(profile, 'a')), `--screenshot=${pngPath}`, '--window-size=1280,900', url], { encoding: 'utf8', timeout: 60_000 });
    const dom = spawnSync(CHROMIUM, [...chromiumArgs(join(profile, 'b')), '--dump-dom', url], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 2 ** 20 });
    return { dom: dom.stdout, screenshotExitCode: shot.status, output: `${shot.stderr}${dom.stderr}` };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
