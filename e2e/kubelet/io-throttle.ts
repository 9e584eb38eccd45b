// IO throttling on the kubelet rung (#15): the StorageClass parameters iops and bps, and the limits read back
// from the pod's own cgroup as the guest's kernel shows them (guest-lib.sh's report_throttle writes them on the
// share), on the LV's device number as LVM reports it — cgroup v2 io.max, or cgroup v1 blkio.throttle.* on the
// cgroup v1 node. Nothing here writes a cgroup: the plugin did, through NodePublishVolume called by kubelet.
import { join } from 'node:path';
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { expect, it } from 'vitest';
import { applyManifests, waitFor } from '../cluster/index.js';
import { markerContainer, readOptional, type LvReport } from './node-view.js';
import type { SnapshotRung } from './snapshot-scenario.js';

/** The class parameters the rung's LVM class carries: 150 IO/s and 2 MiB/s each way. */
export const THROTTLE_PARAMETERS = { iops: '150', bps: '2Mi' } as const;
const IOPS = 150;
const BPS_BYTES = 2 * 1024 * 1024;

/** What the kernel shows in the pod's io.max for the LV: the kernel's own order of keys. */
export function ioMaxLineFor(majMin: string): string {
  return `${majMin} rbps=${BPS_BYTES} wbps=${BPS_BYTES} riops=${IOPS} wiops=${IOPS}`;
}

/** What each cgroup v1 blkio.throttle file of the pod shows for the LV. */
export function blkioLinesFor(majMin: string): Record<string, string> {
  return {
    'blkio.throttle.read_iops_device': `${majMin} ${IOPS}`,
    'blkio.throttle.write_iops_device': `${majMin} ${IOPS}`,
    'blkio.throttle.read_bps_device': `${majMin} ${BPS_BYTES}`,
    'blkio.throttle.write_bps_device': `${majMin} ${BPS_BYTES}`,
  };
}

/** The pod's throttle files (file name -> lines) and the LV's "major:minor", as the node last reported them. */
export interface PodThrottleView {
  majMin: string | undefined;
  files: Map<string, string[]>;
}

export function readPodThrottle(shareDir: string, request: { podUid: string; lvName: string }): PodThrottleView {
  // lvs.json (guest-lib.sh's report) carries each LV's kernel device number, -1 while inactive.
  const devices = JSON.parse(readOptional(join(shareDir, 'lvs.json')) ?? '{"report":[{"lv":[]}]}') as { report: { lv: (LvReport & { lv_kernel_major?: string; lv_kernel_minor?: string })[] }[] };
  const lv = devices.report[0]?.lv.find((l) => l.lv_name === request.lvName);
  const majMin = lv?.lv_kernel_major === undefined || lv.lv_kernel_major === '-1' ? undefined : `${lv.lv_kernel_major}:${lv.lv_kernel_minor}`;
  const throttle = JSON.parse(readOptional(join(shareDir, 'throttle.json')) ?? '{}') as Record<string, string>;
  const files = new Map<string, string[]>();
  for (const [path, text] of Object.entries(throttle)) {
    const parts = path.split('/');
    if (parts.at(-2) !== `pod${request.podUid}`) continue;
    files.set(parts.at(-1) ?? '', text.split(';').filter((line) => line !== ''));
  }
  return { majMin, files };
}

/** Waits until the node reports the LV's device number and `file` in the pod's cgroup with a line for it. */
export async function waitForPodThrottle(request: { shareDir: string; podUid: string; lvName: string; file: string; signal: AbortSignal }): Promise<PodThrottleView & { majMin: string }> {
  return waitFor({ what: `${request.file} of pod ${request.podUid} limiting LV ${request.lvName}`, timeoutMs: 60_000, intervalMs: 1000, signal: request.signal }, async () => {
    const view = readPodThrottle(request.shareDir, request);
    const { majMin } = view;
    const hasLine = majMin !== undefined && (view.files.get(request.file) ?? []).some((line) => line.startsWith(`${majMin} `));
    return hasLine ? { done: true, value: { ...view, majMin } } : { done: false, observed: { majMin, files: Object.fromEntries(view.files) } };
  });
}

/** What the cgroup v1 test needs from the rung (kubelet-node.test.ts): the snapshot scenario's getters, and more. */
export interface CgroupV1Rung extends Pick<SnapshotRung, 'kubeConfig' | 'namespace' | 'shareDir' | 'signal' | 'nodeReport' | 'waitForRunning'> {
  readonly storageClass: string;
  /** Powers the node off and boots it again on the same disk with the cgroup v1 layout (the pod waits for it). */
  rebootOnCgroupV1(): Promise<void>;
}

/**
 * The same node booted with cgroup v1 hierarchies (kubelet with failCgroupV1: false): a pod with a claim of the
 * throttled class gets Open-Local's four blkio.throttle files set in its blkio cgroup; then pod and claim go.
 */
export function throttleOnCgroupV1(rung: CgroupV1Rung): void {
  it('limits a pod\'s IO on a cgroup v1 node through its blkio.throttle files, as Open-Local does', async () => {
    const started = performance.now();
    await rung.rebootOnCgroupV1();
    const core = rung.kubeConfig().makeApiClient(CoreV1Api);
    const namespace = rung.namespace();
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'throttled-v1' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: rung.storageClass, resources: { requests: { storage: '32Mi' } } } };
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'throttled-v1' },
      spec: { hostNetwork: true, terminationGracePeriodSeconds: 1, containers: [markerContainer('/data')], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'throttled-v1' } }] },
    };
    await applyManifests(rung.kubeConfig(), [claim, pod] as KubernetesObject[], { namespace });
    const running = await rung.waitForRunning('throttled-v1');
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'throttled-v1', namespace });
    const lvName = bound.spec?.volumeName ?? '';
    const view = await waitForPodThrottle({ shareDir: rung.shareDir(), podUid: running.metadata?.uid ?? '', lvName, file: 'blkio.throttle.read_iops_device', signal: rung.signal() });
    // The node really is cgroup v1: no io.max anywhere for this pod, all four blkio files hold the limits.
    expect(view.files.has('io.max')).toBe(false);
    for (const [file, line] of Object.entries(blkioLinesFor(view.majMin))) expect(view.files.get(file), file).toContain(line);
    console.log(`cgroup v1 limits read back ${((performance.now() - started) / 1000).toFixed(1)} s after the power-off request`);
    await core.deleteNamespacedPod({ name: 'throttled-v1', namespace });
    await waitFor({ what: 'pod throttled-v1 gone', timeoutMs: 180_000, intervalMs: 2000, signal: rung.signal() }, async () => {
      const gone = await core.readNamespacedPod({ name: 'throttled-v1', namespace }).then(() => false, () => true);
      return gone ? { done: true, value: true } : { done: false, observed: 'still there' };
    });
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'throttled-v1', namespace });
    await waitFor({ what: `LV ${lvName} removed on the cgroup v1 node`, timeoutMs: 180_000, intervalMs: 2000, signal: rung.signal() }, async () => {
      const lvs = rung.nodeReport().lvs;
      return lvs.has(lvName) ? { done: false, observed: [...lvs.keys()] } : { done: true, value: true };
    });
    console.log(`cgroup v1 test took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}
