// What the kubelet rung's tests read and make, shared by its suites: the node's own view as the guest scripts
// write it on the share (guest-lib.sh's report), the marker container that proves which volume a pod got, and
// the extender's and kubelet's signals the tests wait on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1PersistentVolumeClaimStatus } from '@kubernetes/client-node';
import { TEST_IMAGE } from './oci-image.js';

export const MiB = 2 ** 20;
const RESIZE_CONDITIONS = new Set(['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError']);

export interface LvReport { lv_name: string; vg_name: string; lv_size: string; lv_active: string }
export interface MountReport { target: string; source: string; fstype: string; size: number | string; options: string; children?: MountReport[] }
export type NodeView = { lvs: Map<string, number>; mounts: MountReport[]; markers: Map<string, string> };

export function flatten(mounts: readonly MountReport[]): MountReport[] {
  return mounts.flatMap((m) => [m, ...flatten(m.children ?? [])]);
}

export function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The node's LVs (name -> bytes), mounts under the kubelet dir and pod markers, as the guest last wrote them. */
export function readNodeView(shareDir: string): NodeView {
  const lvsText = readOptional(join(shareDir, 'lvs.json'));
  const mountsText = readOptional(join(shareDir, 'mounts.json'));
  const markers = new Map(Object.entries(JSON.parse(readOptional(join(shareDir, 'markers.json')) ?? '{}') as Record<string, string>));
  const lvs = lvsText === null ? [] : ((JSON.parse(lvsText) as { report: { lv: LvReport[] }[] }).report[0]?.lv ?? []);
  const mounts = mountsText === null ? [] : flatten((JSON.parse(mountsText) as { filesystems: MountReport[] }).filesystems);
  return { lvs: new Map(lvs.map((lv) => [lv.lv_name, Number(lv.lv_size)])), mounts, markers };
}

/** How many requests to `route` the extender answered with 200, from its Prometheus text. */
export function okRequests(metrics: string, route: string): number {
  return metrics.split('\n')
    .filter((l) => l.startsWith('openlocal_extender_request_duration_seconds_count{') && l.includes(`route="${route}"`) && l.includes('status="200"'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/**
 * kubelet has finished a resize: the capacity is the new size and no resize condition or allocated-resource
 * status is left (other conditions, e.g. 1.37's "Unused", are not about resizing).
 */
export function isResizeFinished(status: V1PersistentVolumeClaimStatus, size: string): boolean {
  const resizing = (status.conditions ?? []).filter((c) => RESIZE_CONDITIONS.has(c.type));
  return status.capacity?.['storage'] === size && resizing.length === 0 && Object.keys(status.allocatedResourceStatuses ?? {}).length === 0;
}

/** A container that writes "<pod name>-<boot id>" to <dir>/marker once, then sleeps: proof of which volume it got. */
export function markerContainer(dir: string): object {
  return {
    name: 'app',
    image: TEST_IMAGE,
    imagePullPolicy: 'Never',
    // Written once: after a reboot the file still names the boot that wrote it, unless the volume was lost.
    command: ['/bin/busybox', 'sh', '-c', `[ -f ${dir}/marker ] || echo "$POD_NAME-$(cat /proc/sys/kernel/random/boot_id)" > ${dir}/marker; sync; exec /bin/busybox sleep 2147483647`],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    volumeMounts: [{ name: 'data', mountPath: dir }],
  };
}
