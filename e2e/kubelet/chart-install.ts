// The chart (charts/open-local) on the harness cluster: helm install/upgrade/uninstall with values given as an
// object (written to a values file, so regexes and commas need no --set escaping), and a kube-scheduler started
// with the scheduler configuration the chart ships. Reusable by any rung that installs the chart (e.g. an
// upgrade from Open-Local's values: pass its values file in valuesFiles).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { freePorts, repoRoot, runHelm, toolPath, waitForHealthy, type Cluster, type HelmResult, type ManagedProcess } from '../cluster/index.js';

export const CHART_DIR = join(repoRoot(), 'charts', 'open-local');

export interface ChartRelease {
  readonly cluster: Cluster;
  readonly release: string;
  readonly namespace: string;
  /** Private directory for helm's home and the values files. */
  readonly workDir: string;
}

/** Runs helm against the release's cluster; throws with helm's stderr when it fails. */
export async function helmOn(target: ChartRelease, args: readonly string[], options: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<HelmResult> {
  const result = await runHelm([...args, '--kubeconfig', target.cluster.kubeconfigPath], { home: join(target.workDir, 'helm-home'), timeoutMs: options.timeoutMs ?? 300_000 });
  if (result.exitCode !== 0 && options.allowFailure !== true) throw new Error(`helm ${args.slice(0, 2).join(' ')} failed (${result.exitCode}): ${result.stderr.trim()}`);
  return result;
}

let valuesFileCount = 0;

/**
 * `helm upgrade --install` of the chart with `values` (a nested object, last) over `valuesFiles` (first), so a
 * first call installs and later calls upgrade. Extra helm flags (e.g. --reuse-values, --wait) in `flags`.
 */
export async function applyChart(target: ChartRelease, values: object, options: { valuesFiles?: readonly string[]; flags?: readonly string[] } = {}): Promise<HelmResult> {
  mkdirSync(target.workDir, { recursive: true });
  valuesFileCount += 1;
  const valuesPath = join(target.workDir, `values-${valuesFileCount}.yaml`);
  writeFileSync(valuesPath, stringify(values));
  return helmOn(target, [
    'upgrade', '--install', target.release, CHART_DIR, '--namespace', target.namespace, '--create-namespace',
    ...(options.valuesFiles ?? []).flatMap((file) => ['--values', file]), '--values', valuesPath, ...(options.flags ?? []),
  ]);
}

/**
 * Starts kube-scheduler with the KubeSchedulerConfiguration the installed chart ships (ConfigMap
 * <name>-scheduler-config), changing only what is local to this machine: the kubeconfig path, and no leader
 * election (no other scheduler runs). Stopped with the cluster.
 */
export async function startSchedulerFromChart(target: ChartRelease, chartName = 'open-local'): Promise<{ process: ManagedProcess; config: Record<string, unknown> }> {
  const configMap = await target.cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: `${chartName}-scheduler-config`, namespace: target.namespace });
  const config = parse(configMap.data?.['kube-scheduler-config.yaml'] ?? '') as Record<string, unknown>;
  const path = join(target.workDir, 'kube-scheduler-config.yaml');
  writeFileSync(path, stringify({ ...config, clientConnection: { kubeconfig: target.cluster.kubeconfigPath }, leaderElection: { leaderElect: false } }));
  const [port] = (await freePorts(1)) as [number];
  const process = await target.cluster.startProcess({
    name: 'kube-scheduler-chart-config', command: toolPath('kube-scheduler'),
    args: [`--config=${path}`, '--bind-address=127.0.0.1', `--secure-port=${port}`, `--tls-cert-file=${target.cluster.pki.servingCert}`, `--tls-private-key-file=${target.cluster.pki.servingKey}`, '--v=2'],
  });
  await waitForHealthy({ process, url: `https://127.0.0.1:${port}/readyz`, tls: { ca: readFileSync(target.cluster.pki.caCert, 'utf8') }, timeoutMs: 60_000 });
  return { process, config };
}
