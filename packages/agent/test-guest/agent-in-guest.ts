// The host side every agent guest suite shares: a control plane with Open-Local's CRDs and the node's NLS (as the
// controller would write it), then one QEMU guest running a scenario script from support/ whose agent reports to
// that kube-apiserver (share/kubeconfig, at 10.0.2.2 from the guest), and the scenario's report read back.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP, NLS, VERSION } from '@openlocal/crd-types';
import { createRunDir, installCrds, missingToolsReason, openLocalCrds, repoRoot, startCluster, writeAdminKubeconfig, type Cluster } from '@openlocal/e2e/cluster';
import { guestSkipReason } from '@openlocal/e2e/kubelet';
import { runInGuest, type GuestRunResult } from '@openlocal/e2e/vm';

/** What every scenario script writes to share/report.json (support/guest-agent.mjs `createReport`). */
export interface ScenarioReport {
  error?: string;
  steps: { step: string; atMs: number }[];
  agentLog?: string[];
}

/** Why an agent guest suite cannot run here (no control plane binaries, no QEMU guest), or null. */
export async function agentGuestSkipReason(): Promise<string | null> {
  return missingToolsReason(['etcd', 'kube-apiserver']) ?? (await guestSkipReason());
}

/** A control plane with Open-Local's CRDs and an NLS for `node` with this spec. The caller stops it. */
export async function startClusterWithNls(node: string, spec: Record<string, unknown>): Promise<Cluster> {
  const cluster = await startCluster({ nodes: [], scheduler: false });
  await installCrds(cluster.kubeConfig, await openLocalCrds());
  await cluster.kubeConfig.makeApiClient(CustomObjectsApi).createClusterCustomObject({
    group: GROUP, version: VERSION, plural: NLS.plural,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: NLS.kind, metadata: { name: node }, spec: { nodeName: node, ...spec } },
  });
  return cluster;
}

/** Runs support/`script` in one guest boot against `cluster`; returns the guest's result and the scenario's report. */
export async function runAgentScenario<R extends ScenarioReport>(
  cluster: Cluster,
  options: { label: string; script: string; env: Record<string, string> },
): Promise<{ result: GuestRunResult; report: R }> {
  const outputDir = join(createRunDir(`agent-${options.label}-guest`), 'guest');
  const shareDir = join(outputDir, 'share');
  mkdirSync(shareDir, { recursive: true });
  writeAdminKubeconfig(join(shareDir, 'kubeconfig'), { server: `https://10.0.2.2:${new URL(cluster.apiServerUrl).port}`, pki: cluster.pki, tlsServerName: 'localhost' });
  const result = await runInGuest({
    argv: [process.execPath, join(import.meta.dirname, 'support', options.script)],
    cwd: repoRoot(), env: options.env, network: true, memoryMiB: 1536, timeoutMs: 8 * 60_000, outputDir,
    log: (message) => console.log(`[guest ${options.label}] ${message}`),
  });
  const reportPath = join(shareDir, 'report.json');
  const missing: ScenarioReport = { steps: [], error: `no report (console ${result.consoleLogPath})` };
  const report = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as R) : (missing as R);
  console.log(`[agent:guest] ${options.label} guest ended with ${String(result.exitCode)} after ${Math.round(result.totalMs / 1000)} s; steps ${JSON.stringify(report.steps.map((s) => `${s.step} @${s.atMs} ms`))}`);
  return { result, report };
}
