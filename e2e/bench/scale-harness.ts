// The scale harness (issue #19): fills a running harness cluster with N nodes' NodeLocalStorage (several VGs
// each, with their LVs listed as an agent reports them), and M local PVs of our driver bound to their claims,
// in bulk and in parallel; removes them again. Reused by the extender memory/restart benchmark and the
// scheduling-throughput benchmark. Every object carries the label `openlocal.bench/scale=<runId>`, so clearing
// touches only what this run created. Node objects are the cluster's SimulatedNodes (the caller's choice).
// The Open-Local CRDs must be installed first (installCrds(kubeConfig, await openLocalCrds()) from e2e/cluster).
import type { KubeConfig } from '@kubernetes/client-node';
import { CoreV1Api, CustomObjectsApi, StorageV1Api } from '@kubernetes/client-node';
import { copyFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { dirname, join } from 'node:path';
import { resolveAppBin } from '../cluster/index.js';
import { ANNOTATIONS, DRIVER_NAME, TOPOLOGY_KEY } from '@openlocal/crd-types';

export const SCALE_LABEL = 'openlocal.bench/scale';
const GI = 2 ** 30;
const NLS = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' } as const;

export interface ScaleSpec {
  /** Label value and name prefix of every object, [a-z0-9-], e.g. `s1`. */
  readonly runId: string;
  readonly nodes: number;
  readonly vgsPerNode: number;
  /** Bound PVs (and their claims), spread round-robin over the nodes and their VGs. */
  readonly pvs: number;
  /** Namespace of the claims; created if missing. */
  readonly namespace: string;
  /** The StorageClass the claims name (created by populateScale, provisioner = our driver). */
  readonly storageClassName: string;
  /** Requests in flight at once (default 24). */
  readonly concurrency?: number;
}

export function nodeName(spec: Pick<ScaleSpec, 'runId'>, index: number): string {
  return `${spec.runId}-node-${index}`;
}

export function vgName(index: number): string {
  return `vg${index}`;
}

const PV_GI = 10;
const VG_GI = 1000;

/** Which node and VG the i-th PV sits on: round-robin over nodes, then over each node's VGs. */
export function pvPlacement(spec: ScaleSpec, index: number): { node: number; vg: number } {
  const node = index % spec.nodes;
  return { node, vg: Math.floor(index / spec.nodes) % spec.vgsPerNode };
}

/** Pure: the NLS an agent would report for node `index`, its VGs listing the bench's LVs. */
export function scaleNls(spec: ScaleSpec, index: number): { metadata: Record<string, unknown>; spec: Record<string, unknown>; status: Record<string, unknown> } {
  const name = nodeName(spec, index);
  const perNode = Math.ceil(spec.pvs / spec.nodes);
  const volumeGroups = Array.from({ length: spec.vgsPerNode }, (_, vg) => {
    const lvs: { name: string; vgname: string; total: number; readOnly: boolean; condition: string }[] = [];
    for (let k = 0; k < perNode; k += 1) {
      const pvIndex = k * spec.nodes + index;
      if (pvIndex < spec.pvs && pvPlacement(spec, pvIndex).vg === vg) lvs.push({ name: pvName(spec, pvIndex), vgname: vgName(vg), total: PV_GI * GI, readOnly: false, condition: 'DiskReady' });
    }
    const used = lvs.length * PV_GI * GI;
    return { name: vgName(vg), physicalVolumes: [`/dev/vd${String.fromCharCode(98 + vg)}`], logicalVolumes: lvs, total: VG_GI * GI, available: VG_GI * GI - used, allocatable: VG_GI * GI, condition: 'DiskReady' };
  });
  return {
    metadata: { name, labels: { [SCALE_LABEL]: spec.runId } },
    spec: { nodeName: name, listConfig: { vgs: { include: ['vg[0-9]+'] } }, resourceToBeInited: { vgs: [] } },
    status: {
      nodeStorageInfo: { volumeGroups, deviceInfo: [], mountPoints: [], phase: 'Running', state: { type: 'DiskReady', status: 'True' } },
      filteredStorageInfo: { volumeGroups: volumeGroups.map((vg) => vg.name), devices: [], mountPoints: [] },
    },
  };
}

export function pvName(spec: Pick<ScaleSpec, 'runId'>, index: number): string {
  return `${spec.runId}-pv-${index}`;
}

export function claimName(spec: Pick<ScaleSpec, 'runId'>, index: number): string {
  return `${spec.runId}-claim-${index}`;
}

/** Pure: the i-th PV, as the external-provisioner creates it for our driver, pre-bound to its claim. */
export function scalePv(spec: ScaleSpec, index: number): Record<string, unknown> {
  const { node, vg } = pvPlacement(spec, index);
  return {
    metadata: { name: pvName(spec, index), labels: { [SCALE_LABEL]: spec.runId }, annotations: { 'pv.kubernetes.io/provisioned-by': DRIVER_NAME } },
    spec: {
      capacity: { storage: `${PV_GI}Gi` },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: spec.storageClassName,
      volumeMode: 'Filesystem',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: spec.namespace, name: claimName(spec, index) },
      csi: { driver: DRIVER_NAME, volumeHandle: pvName(spec, index), fsType: 'ext4', volumeAttributes: { volumeType: 'LVM', vgName: vgName(vg), 'csi.storage.k8s.io/pvc/name': claimName(spec, index), 'csi.storage.k8s.io/pvc/namespace': spec.namespace } },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: TOPOLOGY_KEY, operator: 'In', values: [nodeName(spec, node)] }] }] } },
    },
  };
}

/** Pure: the i-th claim, naming its PV and carrying the selected-node annotation the scheduler left. */
export function scaleClaim(spec: ScaleSpec, index: number): Record<string, unknown> {
  const { node } = pvPlacement(spec, index);
  return {
    metadata: {
      name: claimName(spec, index),
      namespace: spec.namespace,
      labels: { [SCALE_LABEL]: spec.runId },
      annotations: { [ANNOTATIONS.selectedNode]: nodeName(spec, node), 'pv.kubernetes.io/bind-completed': 'yes' },
    },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: spec.storageClassName, volumeName: pvName(spec, index), resources: { requests: { storage: `${PV_GI}Gi` } } },
  };
}

/** Checks a spec; throws naming the field and value. */
export function validateScaleSpec(spec: ScaleSpec): void {
  if (!/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/.test(spec.runId)) throw new Error(`scale runId must be a short DNS label, got ${JSON.stringify(spec.runId)}`);
  for (const field of ['nodes', 'vgsPerNode', 'pvs'] as const) {
    const value = spec[field];
    const min = field === 'pvs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min || value > 200_000) throw new Error(`scale ${field} must be an integer from ${min} to 200000, got ${JSON.stringify(value)}`);
  }
  if (spec.vgsPerNode > 20) throw new Error(`scale vgsPerNode must be at most 20, got ${spec.vgsPerNode}`);
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; rejects on the first failure. */
export async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<unknown>, onProgress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
      done += 1;
      if (onProgress !== undefined && done % 2000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
}

export interface PopulateTimings {
  nlsMs: number;
  pvsMs: number;
  claimsMs: number;
}

interface Answer {
  status: number;
  json: { metadata?: { resourceVersion?: string }; message?: string } | undefined;
}

/**
 * Writes JSON over keep-alive connections with the kubeconfig's credentials: client-node opens a new TLS
 * connection per request, which made bulk creation CPU-bound on both ends.
 */
class BulkWriter {
  private constructor(
    private readonly server: string,
    private readonly options: RequestOptions & { headers: Record<string, string> },
    private readonly agent: Agent,
  ) {}

  static async create(kubeConfig: KubeConfig, sockets: number): Promise<BulkWriter> {
    const server = kubeConfig.getCurrentCluster()?.server;
    if (server === undefined) throw new Error('scale harness: the kubeconfig has no current cluster');
    const options: RequestOptions & { headers: Record<string, string> } = { headers: { 'Content-Type': 'application/json', Accept: 'application/json' } };
    await kubeConfig.applyToHTTPSOptions(options);
    const agent = new Agent({ keepAlive: true, maxSockets: sockets, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized });
    return new BulkWriter(server.replace(/\/+$/, ''), options, agent);
  }

  send(method: 'POST' | 'PUT' | 'GET', path: string, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest(`${this.server}${path}`, { ...this.options, method, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Answer['json'];
          try {
            json = JSON.parse(text) as Answer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, json });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** Like send, but a 409 (already exists) counts as done; any other failure throws naming the path. */
  async ensure(method: 'POST' | 'PUT', path: string, body: unknown): Promise<Answer> {
    const answer = await this.send(method, path, body);
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 409) return answer;
    throw new Error(`scale harness: ${method} ${path}: HTTP ${answer.status}: ${answer.json?.message ?? ''}`);
  }

  close(): void {
    this.agent.destroy();
  }
}

const NLS_PATH = `/apis/${NLS.group}/${NLS.version}/${NLS.plural}`;

/**
 * Creates the StorageClass, namespace, NLS (with status), PVs and claims. Objects that already exist are kept
 * (a rerun after an interrupted one fills the gaps). Prints progress through `log`.
 */
export async function populateScale(kubeConfig: KubeConfig, spec: ScaleSpec, log: (line: string) => void = () => undefined): Promise<PopulateTimings> {
  validateScaleSpec(spec);
  const concurrency = spec.concurrency ?? 24;
  const writer = await BulkWriter.create(kubeConfig, concurrency);
  try {
    const labels = { [SCALE_LABEL]: spec.runId };
    await writer.ensure('POST', '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: spec.storageClassName, labels }, provisioner: DRIVER_NAME, parameters: { volumeType: 'LVM' }, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' });
    await writer.ensure('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: spec.namespace, labels } });

    let started = performance.now();
    const apiVersion = `${NLS.group}/${NLS.version}`;
    await inParallel(spec.nodes, concurrency, async (i) => {
      const object = scaleNls(spec, i);
      let created = await writer.ensure('POST', NLS_PATH, { apiVersion, kind: 'NodeLocalStorage', metadata: object.metadata, spec: object.spec });
      if (created.status === 409) created = await writer.send('GET', `${NLS_PATH}/${nodeName(spec, i)}`);
      // The status subresource takes a whole object with the resourceVersion it replaces.
      const metadata = { ...object.metadata, resourceVersion: created.json?.metadata?.resourceVersion };
      await writer.ensure('PUT', `${NLS_PATH}/${nodeName(spec, i)}/status`, { apiVersion, kind: 'NodeLocalStorage', ...object, metadata });
    }, (done) => log(`  nls ${done}/${spec.nodes}`));
    const nlsMs = performance.now() - started;
    log(`  ${spec.nodes} NLS with status in ${(nlsMs / 1000).toFixed(1)} s`);

    started = performance.now();
    await inParallel(spec.pvs, concurrency, (i) => writer.ensure('POST', '/api/v1/persistentvolumes', { apiVersion: 'v1', kind: 'PersistentVolume', ...scalePv(spec, i) }), (done) => log(`  pvs ${done}/${spec.pvs}`));
    const pvsMs = performance.now() - started;
    log(`  ${spec.pvs} PVs in ${(pvsMs / 1000).toFixed(1)} s`);

    started = performance.now();
    const claimsPath = `/api/v1/namespaces/${spec.namespace}/persistentvolumeclaims`;
    await inParallel(spec.pvs, concurrency, (i) => writer.ensure('POST', claimsPath, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...scaleClaim(spec, i) }), (done) => log(`  claims ${done}/${spec.pvs}`));
    const claimsMs = performance.now() - started;
    log(`  ${spec.pvs} claims in ${(claimsMs / 1000).toFixed(1)} s`);
    return { nlsMs, pvsMs, claimsMs };
  } finally {
    writer.close();
  }
}

/** Deletes every object labelled with the run's id (claims, then PVs, NLS, namespace, StorageClass). */
export async function clearScale(kubeConfig: KubeConfig, spec: Pick<ScaleSpec, 'runId' | 'namespace' | 'storageClassName'>): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const labelSelector = `${SCALE_LABEL}=${spec.runId}`;
  const ignoreMissing = (error: unknown): void => {
    if ((error as { code?: number }).code !== 404) throw error;
  };
  await core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace: spec.namespace, labelSelector }).catch(ignoreMissing);
  await core.deleteCollectionPersistentVolume({ labelSelector });
  await custom.deleteCollectionClusterCustomObject({ ...NLS, labelSelector });
  await core.deleteNamespace({ name: spec.namespace }).catch(ignoreMissing);
  await storage.deleteStorageClass({ name: spec.storageClassName }).catch(ignoreMissing);
}

/**
 * A copy of the extender's built bundle beside its package (so a rebuild during a long benchmark cannot pull
 * it away mid-run); `remove` deletes the copy.
 */
export function pinExtenderBuild(): { bin: string; remove: () => void } {
  const built = resolveAppBin('@openlocal/scheduler-extender');
  const bin = join(dirname(dirname(built)), `.bench-main-${process.pid}.js`);
  copyFileSync(built, bin);
  return { bin, remove: () => rmSync(bin, { force: true }) };
}
