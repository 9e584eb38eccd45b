// Runs the pinned helm binary (built by scripts/build-tools) on the chart and parses what it renders.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { missingToolsReason, runHelm as runHarnessHelm, type HelmResult } from '../../e2e/cluster/index.js';

export type { HelmResult };

export const CHART_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'open-local');
export const REPO_ROOT = resolve(CHART_DIR, '..', '..');
/** The Kubernetes version the harness runs (tools/versions.env); helm template defaults to an old one. */
export const KUBE_VERSION = '1.37.2';

/** Why helm cannot run here, or null. */
export function helmSkipReason(): string | null {
  return missingToolsReason(['helm']);
}

/** helm's config, cache and data directories for this test process (never the user's ~/.config/helm). */
const HELM_HOME = join(tmpdir(), `openlocal-chart-helm-${process.pid}`);

/** Removes this process's helm home (call from afterAll). */
export function removeHelmHome(): void {
  rmSync(HELM_HOME, { recursive: true, force: true });
}

/** Runs helm with an argv (no shell), with its state under a per-process temporary home. */
export function runHelm(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<HelmResult> {
  return runHarnessHelm(args, { home: HELM_HOME, ...options });
}

/** A rendered Kubernetes object, loosely typed: tests read fields by path and compare values. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** Pure: the objects of a multi-document YAML stream (empty documents dropped); throws on a YAML error. */
export function parseObjects(text: string): RenderedObject[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`rendered YAML does not parse: ${document.errors[0]?.message ?? ''}`);
    const value = document.toJS() as RenderedObject | null;
    return value === null ? [] : [value];
  });
}

/** `helm template` of the chart with `--set` pairs (and `--include-crds`); throws with helm's stderr on failure. */
export async function renderChart(sets: readonly string[] = [], extraArgs: readonly string[] = []): Promise<RenderedObject[]> {
  const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', KUBE_VERSION, ...sets.flatMap((s) => ['--set', s]), ...extraArgs]);
  if (result.exitCode !== 0) throw new Error(`helm template failed (${result.exitCode}): ${result.stderr}`);
  return parseObjects(result.stdout);
}

/** The one object of a kind and name; throws listing what exists when it is missing. */
export function findObject(objects: readonly RenderedObject[], kind: string, name: string): RenderedObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; rendered: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: unknown }[];
  readonly volumeMounts?: { name: string; mountPath: string; mountPropagation?: string }[];
}

export interface PodSpec {
  readonly serviceAccountName: string;
  readonly containers: Container[];
  readonly volumes?: { name: string; hostPath?: { path: string }; emptyDir?: unknown }[];
  readonly [key: string]: unknown;
}

/** The pod template's spec of a DaemonSet or Deployment. */
export function podSpecOf(object: RenderedObject): PodSpec {
  const spec = object.spec as { template?: { spec?: PodSpec } } | undefined;
  const pod = spec?.template?.spec;
  if (!pod) throw new Error(`${object.kind}/${object.metadata.name} has no pod template`);
  return pod;
}

export function containerOf(object: RenderedObject, name: string): Container {
  const container = podSpecOf(object).containers.find((c) => c.name === name);
  if (!container) throw new Error(`${object.kind}/${object.metadata.name} has no container ${name}`);
  return container;
}
