// The Open-Local v0.7.1 upgrade on the kubelet rung (#15), host side, for chart-pods.test.ts: the API state Open-Local
// leaves (its release, a bound claim and PV, later its NLS from what lvm reported in the guest), the guest's part
// (open-local-node.sh, run by guest-chart.sh before kubelet starts), the app pod that reads the data and prints df,
// and the read-only check command.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  createOpenLocalClaim, installOpenLocalRelease, OPEN_LOCAL_VG_INCLUDE, openLocalVgStatus, resolveAppBin, writeOpenLocalNls,
} from '../cluster/index.js';
import { MiB, readOptional } from './node-view.js';
import { TEST_IMAGE } from './oci-image.js';

/**
 * Open-Local's VG on the node: open-local-pool-1 on the guest's third disk, made with vgcreate and picked up by
 * Open-Local's listConfig (open-local-pool-[0-9]+). Not pool-0: the chart's agent.device makes pool-0 on the
 * rung's blank disk, which the chart suite proves the agent pod creates.
 */
export const OPEN_LOCAL_VG = 'open-local-pool-1';
export const OPEN_LOCAL_DISK = '/dev/vdc';
/** 128 MiB: 124 MiB of extents, so once the 64 MiB volume is in it no other 64 MiB claim fits there. */
export const OPEN_LOCAL_DISK_BYTES = 128 * MiB;
export const OPEN_LOCAL_CLAIM = 'data-open-local';
const LV_MIB = 64;

export interface OpenLocalState {
  readonly pvName: string;
  /** What Open-Local's pod wrote into the volume (its `marker` file). */
  readonly data: string;
  /** The guest environment that makes guest-chart.sh run open-local-node.sh before kubelet. */
  readonly guestEnv: Record<string, string>;
}

/**
 * The API as Open-Local v0.7.1 left it, before our chart: its release (Open-Local's values file; agent.device
 * emptied, since its VG was made by hand on another disk) and a bound 64 MiB claim of open-local-lvm whose PV names
 * the LV the guest will make. The data goes onto the share for the guest.
 */
export async function createOpenLocalApiState(options: { kubeConfig: KubeConfig; kubeconfigPath: string; workDir: string; shareDir: string; namespace: string; node: string }): Promise<OpenLocalState> {
  mkdirSync(options.workDir, { recursive: true });
  const override = join(options.workDir, 'open-local-node-values.yaml');
  writeFileSync(override, 'agent:\n  device: ""\n');
  const installed = await installOpenLocalRelease({ kubeconfigPath: options.kubeconfigPath, workDir: options.workDir, extraValuesFiles: [override] });
  if (installed.exitCode !== 0) throw new Error(`helm install of Open-Local's release failed (${installed.exitCode}): ${installed.stderr.trim()}`);
  const pv = await createOpenLocalClaim(
    options.kubeConfig,
    { claim: OPEN_LOCAL_CLAIM, storageClassName: 'open-local-lvm', sizeBytes: LV_MIB * MiB, fsType: 'ext4', attributes: { volumeType: 'LVM', vgName: OPEN_LOCAL_VG, 'csi.storage.k8s.io/fstype': 'ext4' } },
    { namespace: options.namespace, node: options.node },
  );
  const pvName = pv.metadata?.name ?? '';
  const data = `written-by-open-local-v071-${randomBytes(8).toString('hex')}`;
  writeFileSync(join(options.shareDir, 'open-local-data'), `${data}\n`);
  const guestEnv = { OPEN_LOCAL_VG, OPEN_LOCAL_DISK, OPEN_LOCAL_LV: pvName, OPEN_LOCAL_LV_MIB: String(LV_MIB) };
  return { pvName, data, guestEnv };
}

interface LvRow { lv_name: string; lv_size: string; lv_tags: string }
interface VgRow { vg_name: string; vg_size: string; vg_free: string }

/** What lvm reported in the guest about Open-Local's VG, once open-local-node.sh is done; null before. */
export function readOpenLocalNode(shareDir: string): { vg: VgRow; lvs: LvRow[] } | null {
  const vgs = readOptional(join(shareDir, 'open-local-vgs.json'));
  const lvs = readOptional(join(shareDir, 'open-local-lvs.json'));
  if (vgs === null || lvs === null) return null;
  const vg = (JSON.parse(vgs) as { report: { vg: VgRow[] }[] }).report[0]?.vg[0];
  if (vg === undefined) throw new Error(`open-local-vgs.json lists no VG: ${vgs}`);
  return { vg, lvs: (JSON.parse(lvs) as { report: { lv: LvRow[] }[] }).report[0]?.lv ?? [] };
}

/** The NLS Open-Local's controller and agent left for the node: its listConfig, and its agent's report of the VG. */
export async function writeOpenLocalNodeNls(kubeConfig: KubeConfig, node: string, facts: { vg: VgRow; lvs: LvRow[] }): Promise<void> {
  const vg = openLocalVgStatus({
    name: facts.vg.vg_name, sizeBytes: Number(facts.vg.vg_size), freeBytes: Number(facts.vg.vg_free), physicalVolumes: [OPEN_LOCAL_DISK],
    lvs: facts.lvs.map((lv) => ({ name: lv.lv_name, sizeBytes: Number(lv.lv_size) })),
  });
  await writeOpenLocalNls(kubeConfig, node, {
    spec: { listConfig: { vgs: { include: OPEN_LOCAL_VG_INCLUDE } } },
    status: { nodeStorageInfo: { volumeGroups: [vg] }, filteredStorageInfo: { volumeGroups: [facts.vg.vg_name] } },
  });
}

/**
 * The app that used Open-Local's claim, restarted after the upgrade: it prints the data Open-Local's pod left
 * (`data: ...`), then the volume's size as df sees it inside the pod, again whenever it changes (`df: ...`).
 */
export function openLocalAppPod(name: string): object {
  const script = 'echo "data: $(cat /data/marker)"; last=; while :; do now=$(df -Pk /data | tail -n 1); [ "$now" = "$last" ] || echo "df: $now"; last=$now; sleep 2; done';
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      hostNetwork: true, terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'Never', command: ['/bin/busybox', 'sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: OPEN_LOCAL_CLAIM } }],
    },
  };
}

/** What the app pod printed so far (kubelet's CRI log, copied to the share at each node report): data and df sizes. */
export function readAppOutput(shareDir: string, pod: { namespace: string; name: string; uid: string }): { data: string | null; dfBytes: number[] } {
  const text = readOptional(join(shareDir, 'logs', 'pods', `${pod.namespace}_${pod.name}_${pod.uid}`, 'app', '0.log')) ?? '';
  // CRI log lines: "<time> stdout F <message>".
  const messages = text.split('\n').map((line) => /^\S+ stdout [FP] (.*)$/.exec(line)?.[1]).filter((m): m is string => m !== undefined);
  const data = messages.find((m) => m.startsWith('data: '))?.slice('data: '.length) ?? null;
  // df -Pk: "<filesystem> <1024-blocks> <used> <available> <capacity> <mounted on>".
  const dfBytes = messages.filter((m) => m.startsWith('df: ')).map((m) => Number(m.split(/\s+/)[2]) * 1024);
  return { data, dfBytes };
}

/** Runs `open-local-upgrade-check` (the csi-plugin package's bin) against the cluster; never throws on exit 1. */
export function runUpgradeCheck(kubeconfigPath: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = resolveAppBin('@openlocal/csi-plugin', 'open-local-upgrade-check');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--kubeconfig', kubeconfigPath], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}
