// Benchmark (issue #19): end-to-end scheduling throughput with the real kube-scheduler on the scale harness's
// cluster (N Ready nodes with NLS, M bound PVs). In one run, for each mode — `extender` (our extender behind
// kube-scheduler), `capacity` (CSIStorageCapacity, issue #14: kube-scheduler's own volume binding, no extender)
// and `none` (no storage-aware scheduling: the ceiling) — it creates a stream of pods with one
// local claim each and a stream of pods without volumes, as fast as the client can, and prints pods/s and the
// per-pod latency p50/p99. A pod without volumes counts as scheduled when spec.nodeName is set; a pod with a
// claim when kube-scheduler writes the claim's volume.kubernetes.io/selected-node (its decision: no provisioner
// runs here, so the pod then waits in PreBind for a PV that never comes). Run under the heavy lock:
//   flock /tmp/openlocal-heavy.lock npx tsx e2e/bench/scheduling-throughput.ts [--nodes 5000] [--pvs 20000]
//     [--pods 300] [--modes extender,capacity,none]
// Capacity mode: for its streams the CSIDriver says storageCapacity: true and every node has a CSIStorageCapacity
// for the class, with the figures the node plugins' GetCapacity answers (crd-types' classCapacityOf over the same
// NLS and PVs). The bench writes them itself: running a provisioner per simulated node would measure this
// machine, not kube-scheduler; their refresh cost (one GetCapacity per node and class per poll) is not in the row.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CoreV1Api, StorageV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { ANNOTATIONS, classCapacityOf, decodeOpenLocalPv, DRIVER_NAME, nlsToNodeOffer, parseStorageClassParameters, TOPOLOGY_KEY, type OpenLocalPv, type PvLike } from '@openlocal/crd-types';
import { parse, stringify } from 'yaml';
import { CONTROL_PLANE_TOOLS, freePorts, installCrds, missingToolsReason, openLocalCrds, startCluster, toolPath, waitForHealthy, type Cluster } from '../cluster/index.js';
import { renderSchedulerConfig, schedulerArgs, type ExtenderConfig } from '../cluster/scheduler.js';
import { nodeObject } from '../cluster/simulated-nodes.js';
import { renderTable } from '../demo/table.js';
import { inParallel, nodeName, pinExtenderBuild, populateScale, SCALE_LABEL, scaleNls, scalePv, type ScaleSpec } from './scale-harness.js';
import { integerFlag } from './flags.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pvs: { type: 'string', default: '20000' },
    pods: { type: 'string', default: '300' },
    modes: { type: 'string', default: 'extender,capacity,none' },
  },
});
const nodes = Number(values.nodes);
const pvs = Number(values.pvs);
const pods = integerFlag('pods', values.pods, [1, 5000]);
const modes = values.modes.split(',');
for (const mode of modes) if (!['extender', 'capacity', 'none'].includes(mode)) throw new Error(`--modes: each mode is extender, capacity or none, got ${JSON.stringify(mode)}`);
const missing = missingToolsReason(CONTROL_PLANE_TOOLS);
if (missing !== null) throw new Error(missing);

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();
const NAMESPACE = 'scale';
const spec: ScaleSpec = { runId: 'scale', nodes, vgsPerNode: 2, pvs, namespace: NAMESPACE, storageClassName: 'scale-lvm' };

/** A kube-scheduler for one profile, with a client QPS high enough that the API client is not the limit. */
async function startBenchScheduler(cluster: Cluster, schedulerName: string, extenders: ExtenderConfig[]): Promise<void> {
  const [securePort] = (await freePorts(1)) as [number];
  const config = parse(renderSchedulerConfig({ kubeconfigPath: cluster.kubeconfigPath, schedulerName, extenders })) as { clientConnection: Record<string, unknown> };
  config.clientConnection = { ...config.clientConnection, qps: 1000, burst: 1000 };
  const configPath = join(cluster.workDir, `bench-${schedulerName}.yaml`);
  writeFileSync(configPath, stringify(config));
  const child = await cluster.startProcess({ name: `kube-scheduler-${schedulerName}`, command: toolPath('kube-scheduler'), args: schedulerArgs({ configPath, securePort, pki: cluster.pki, verbosity: 1 }) });
  await waitForHealthy({ process: child, url: `https://127.0.0.1:${securePort}/readyz`, tls: { ca: readFileSync(cluster.pki.caCert, 'utf8') }, timeoutMs: 120_000 });
}

/** The fields the streams look at. */
interface Watched {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string };
}

/** Resolves with each name's time (performance.now()) once `isDone` holds for it, for `names`. */
async function watchUntil(kubeConfig: KubeConfig, path: string, names: Set<string>, isDone: (object: Watched) => boolean): Promise<{ seen: Map<string, number>; stop: () => void; done: Promise<void> }> {
  const seen = new Map<string, number>();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const controller = await new Watch(kubeConfig).watch(path, { labelSelector: `${SCALE_LABEL}=stream` }, (_phase, object: Watched) => {
    const name = String(object.metadata?.name ?? '');
    if (names.has(name) && !seen.has(name) && isDone(object)) {
      seen.set(name, performance.now());
      if (seen.size === names.size) finish();
    }
  }, () => undefined);
  return { seen, stop: () => controller.abort(), done };
}

/**
 * Capacity mode on: the CSIDriver with storageCapacity: true and one CSIStorageCapacity per node for the class,
 * valued by classCapacityOf as each node's GetCapacity would answer. Returns how to turn it off again (the other
 * modes' streams run without any CSIDriver, as before).
 */
async function enableCapacityMode(cluster: Cluster): Promise<() => Promise<void>> {
  const started = performance.now();
  const storageClass = parseStorageClassParameters({ volumeType: 'LVM' });
  if (!storageClass.ok || storageClass.value.volumeType !== 'LVM') throw new Error('the bench class parameters do not parse');
  const pvsByNode = new Map<string, OpenLocalPv[]>();
  for (let j = 0; j < pvs; j += 1) {
    const pv = decodeOpenLocalPv(scalePv(spec, j) as PvLike);
    if (pv?.node === undefined) continue;
    const list = pvsByNode.get(pv.node) ?? [];
    list.push(pv);
    pvsByNode.set(pv.node, list);
  }
  const storage = cluster.kubeConfig.makeApiClient(StorageV1Api);
  await storage.createCSIDriver({ body: { metadata: { name: DRIVER_NAME }, spec: { attachRequired: false, podInfoOnMount: true, storageCapacity: true } } });
  await inParallel(nodes, 24, async (i) => {
    const name = nodeName(spec, i);
    const capacity = classCapacityOf({ offer: nlsToNodeOffer(scaleNls(spec, i)).offer, pvs: pvsByNode.get(name) ?? [], storageClass: storageClass.value });
    await storage.createNamespacedCSIStorageCapacity({
      namespace: NAMESPACE,
      body: {
        metadata: { generateName: 'capacity-', labels: { [SCALE_LABEL]: 'capacity' } },
        storageClassName: spec.storageClassName,
        nodeTopology: { matchLabels: { [TOPOLOGY_KEY]: name } },
        capacity: String(capacity.availableBytes),
        maximumVolumeSize: String(capacity.maximumVolumeBytes),
      },
    });
  }, (done) => log(`  CSIStorageCapacity ${done}/${nodes}`));
  log(`  capacity mode: CSIDriver storageCapacity and ${nodes} CSIStorageCapacity objects in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    await storage.deleteCSIDriver({ name: DRIVER_NAME });
    await storage.deleteCollectionNamespacedCSIStorageCapacity({ namespace: NAMESPACE, labelSelector: `${SCALE_LABEL}=capacity` });
  };
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? Number.NaN;

async function stream(cluster: Cluster, mode: string, withClaims: boolean): Promise<string[]> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const prefix = `${mode}-${withClaims ? 'claim' : 'plain'}`;
  const names = Array.from({ length: pods }, (_, i) => `${prefix}-${i}`);
  const labels = { [SCALE_LABEL]: 'stream' };
  if (withClaims) {
    await inParallel(pods, 24, (i) => core.createNamespacedPersistentVolumeClaim({ namespace: NAMESPACE, body: { metadata: { name: names[i], labels }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: spec.storageClassName, resources: { requests: { storage: '1Gi' } } } } }));
  }
  const watched = withClaims
    ? await watchUntil(cluster.kubeConfig, `/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims`, new Set(names), (o) => typeof o.metadata?.annotations?.[ANNOTATIONS.selectedNode] === 'string')
    : await watchUntil(cluster.kubeConfig, `/api/v1/namespaces/${NAMESPACE}/pods`, new Set(names), (o) => typeof o.spec?.nodeName === 'string' && o.spec.nodeName !== '');
  const created = new Map<string, number>();
  const started = performance.now();
  await inParallel(pods, 24, async (i) => {
    const name = names[i] ?? '';
    created.set(name, performance.now());
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name, labels },
        spec: {
          schedulerName: `bench-${mode}`,
          containers: [{ name: 'app', image: 'registry.invalid/app:1', resources: { requests: { cpu: '1m', memory: '1Mi' } } }],
          ...(withClaims ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: name } }] } : {}),
        },
      },
    });
  });
  const timedOut = await Promise.race([watched.done.then(() => false), sleep(300_000).then(() => true)]);
  watched.stop();
  const latencies = names.flatMap((name) => {
    const end = watched.seen.get(name);
    const begin = created.get(name);
    return end === undefined || begin === undefined ? [] : [end - begin];
  });
  const last = Math.max(...watched.seen.values());
  const perSecond = (watched.seen.size / ((last - started) / 1000)).toFixed(1);
  const row = [mode, withClaims ? '1 local claim' : 'no volumes', `${watched.seen.size}/${pods}${timedOut ? ' (timed out)' : ''}`, perSecond, percentile(latencies, 50).toFixed(0), percentile(latencies, 99).toFixed(0), uptime().replace(/^.*load average: /, '')];
  log(`  ${row.join('  ')}`);
  // Force-delete: no kubelet confirms a graceful delete on simulated nodes.
  await core.deleteCollectionNamespacedPod({ namespace: NAMESPACE, labelSelector: `${SCALE_LABEL}=stream`, gracePeriodSeconds: 0 });
  return row;
}

log(`machine before: ${uptime()}`);
// Nodes get no heartbeats here (5000 would load the machine): a long grace period keeps them untainted.
const pinned = pinExtenderBuild();
const cluster = await startCluster({ nodes: [], scheduler: false, nodeMonitorGracePeriodS: 3600 });
const rows: string[][] = [];
try {
  log(`cluster ready in ${(cluster.timings.readyMs / 1000).toFixed(1)} s (logs ${cluster.runDir})`);
  await installCrds(cluster.kubeConfig, await openLocalCrds());
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const now = new Date();
  let started = performance.now();
  await inParallel(nodes, 24, (i) => core.createNode({ body: nodeObject({ name: nodeName(spec, i) }, now) }), (done) => log(`  nodes ${done}/${nodes}`));
  log(`  ${nodes} Ready nodes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await populateScale(cluster.kubeConfig, spec, log);
  const [extenderPort] = (await freePorts(1)) as [number];
  started = performance.now();
  const extenderArgs = ['--kubeconfig', cluster.kubeconfigPath, '--port', String(extenderPort), '--host', '127.0.0.1', '--log-level', 'warn'];
  const extender = await cluster.startProcess({ name: 'extender', command: process.execPath, args: [pinned.bin, ...extenderArgs] });
  await waitForHealthy({ process: extender, url: `http://127.0.0.1:${extenderPort}/readyz`, timeoutMs: 300_000 });
  log(`  extender ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const extenderConfig: ExtenderConfig = { urlPrefix: `http://127.0.0.1:${extenderPort}/scheduler`, filterVerb: 'predicates', prioritizeVerb: 'priorities', weight: 1, nodeCacheCapable: true, httpTimeout: '30s' };
  for (const mode of modes) await startBenchScheduler(cluster, `bench-${mode}`, mode === 'extender' ? [extenderConfig] : []);
  await sleep(5000);
  log(`streams of ${pods} pods (MODE, PODS, SCHEDULED, PODS/s, p50 ms, p99 ms, LOAD):`);
  for (const mode of modes) {
    const disable = mode === 'capacity' ? await enableCapacityMode(cluster) : undefined;
    // The scheduler's informers see the CSIDriver and CSIStorageCapacity objects before the stream starts.
    if (disable !== undefined) await sleep(3000);
    for (const withClaims of [true, false]) rows.push(await stream(cluster, mode, withClaims));
    await disable?.();
  }
} finally {
  pinned.remove();
  const { teardownMs } = await cluster.stop();
  log(`cluster stopped in ${(teardownMs / 1000).toFixed(1)} s`);
}
log(`\n${nodes} nodes, ${pvs} bound PVs; ${pods} pods per stream, created by 24 parallel clients:`);
log(renderTable(['MODE', 'PODS', 'SCHEDULED', 'PODS/s', 'p50 ms', 'p99 ms', 'LOAD 1/5/15'], rows));
// Open watch connections and keep-alive sockets would hold the process; the run is over.
process.exit(0);
