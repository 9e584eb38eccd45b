// The LVM half of the Open-Local upgrade (#15) where device-mapper is real: in the e2e/vm QEMU guest, Open-Local
// v0.7.1's own steps make an untagged LV with a filesystem and data (support/open-local-guest-steps.mjs); the PV
// and NLS it left are on the host's real kube-apiserver; our csi-plugin in the guest reads them and stages,
// publishes, grows online and deletes that LV, on the same data. The host rung (open-local-upgrade.test.ts)
// covers the rest of the upgrade without device-mapper.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunDir, createTestNamespace, installCrds, missingToolsReason, openLocalCrds, repoRoot, startCluster, writeAdminKubeconfig, type Cluster } from '@openlocal/e2e/cluster';
import { guestSkipReason } from '@openlocal/e2e/kubelet';
import { runInGuest, type GuestRunResult } from '@openlocal/e2e/vm';

const MiB = 2 ** 20;
const NODE = 'guest-node';
const VG = 'open-local-pool-0';

const skipReason = missingToolsReason(['etcd', 'kube-apiserver']) ?? (await guestSkipReason());
if (skipReason !== null) console.warn(`skipping the Open-Local upgrade guest test: ${skipReason}`);

interface CallResult {
  ok: boolean;
  code?: number;
  details?: string;
  value?: Record<string, unknown>;
}

interface GuestReport {
  openLocalLvs: string;
  steps: Record<'stage' | 'publish' | 'expand' | 'unpublish' | 'unstage' | 'delete', CallResult>;
  dataAfterPublish: string | null;
  dataAfterGrow: string;
  fsBytesBefore: number;
  fsBytesAfter: number;
  lvsAfterGrow: string;
  lvsAfterDelete: string;
  error?: string;
}

describe.skipIf(skipReason !== null)('an Open-Local LV after the upgrade, with device-mapper (QEMU guest)', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let pvName = '';
  let result: GuestRunResult;
  let report: GuestReport;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: [] });
    kubeConfig = cluster.kubeConfig;
    await installCrds(kubeConfig, await openLocalCrds());
    const namespace = await createTestNamespace(kubeConfig, 'open-local-upgrade-guest');
    // The NLS Open-Local's controller and agent left for the node (§1.3): the pool VG is managed.
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const target = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };
    const nls = (await custom.createClusterCustomObject({
      ...target,
      body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: NODE }, spec: { nodeName: NODE, listConfig: { vgs: { include: ['open-local-pool-[0-9]+'] } } } },
    })) as object;
    const now = new Date().toISOString();
    await custom.replaceClusterCustomObjectStatus({
      ...target,
      name: NODE,
      body: { ...nls, status: { filteredStorageInfo: { volumeGroups: [VG], updateStatusInfo: { lastUpdateTime: now, updateStatus: 'accepted' } } } },
    });
    // The claim and its PV as external-provisioner v2.2.2 left them for Open-Local's CreateVolume (§5.3).
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const pvc = await core.createNamespacedPersistentVolumeClaim({
      namespace: namespace.name,
      body: { metadata: { name: 'data', annotations: { 'volume.kubernetes.io/selected-node': NODE } }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'open-local-lvm', resources: { requests: { storage: '64Mi' } } } },
    });
    pvName = `local-${pvc.metadata?.uid ?? ''}`;
    await core.createPersistentVolume({
      body: {
        metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': 'local.csi.aliyun.com' } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          capacity: { storage: '64Mi' },
          claimRef: { namespace: namespace.name, name: 'data', uid: pvc.metadata?.uid ?? '' },
          csi: {
            driver: 'local.csi.aliyun.com',
            volumeHandle: pvName,
            fsType: 'ext4',
            volumeAttributes: { volumeType: 'LVM', vgName: VG, 'csi.storage.k8s.io/pv/name': pvName, 'csi.storage.k8s.io/pvc/name': 'data', 'csi.storage.k8s.io/pvc/namespace': namespace.name, 'volume.kubernetes.io/selected-node': NODE },
          },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [NODE] }] }] } },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: 'open-local-lvm',
        },
      },
    });
    const outputDir = join(createRunDir('open-local-upgrade-guest'), 'guest');
    const shareDir = join(outputDir, 'share');
    mkdirSync(shareDir, { recursive: true });
    writeAdminKubeconfig(join(shareDir, 'kubeconfig'), { server: `https://10.0.2.2:${new URL(cluster.apiServerUrl).port}`, pki: cluster.pki, tlsServerName: 'localhost' });
    result = await runInGuest({
      argv: [process.execPath, join(import.meta.dirname, 'support', 'open-local-guest-steps.mjs')],
      cwd: repoRoot(),
      env: { VG_NAME: VG, PV_NAME: pvName, NODE_NAME: NODE },
      disks: [{ sizeBytes: 512 * MiB }],
      network: true,
      memoryMiB: 1536,
      timeoutMs: 8 * 60_000,
      outputDir,
      log: (message) => console.log(`[guest] ${message}`),
    });
    console.log(`guest console ${result.consoleLogPath}; plugin log ${join(result.shareDir, 'csi-plugin.log')}`);
    report = JSON.parse(readFileSync(join(result.shareDir, 'report.json'), 'utf8')) as GuestReport;
    console.log(`guest report:\n${JSON.stringify(report, null, 2)}`);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('Open-Local made an untagged LV of the claim size', () => {
    expect(result.exitCode).toBe(0);
    expect(report.openLocalLvs).toBe(`${pvName};${64 * MiB};`);
  });

  it('our plugin stages and publishes it with the data Open-Local left, without reformatting', () => {
    expect(report.error).toBeUndefined();
    expect(report.steps.stage).toMatchObject({ ok: true });
    expect(report.steps.publish).toMatchObject({ ok: true });
    expect(report.dataAfterPublish).toBe('written under Open-Local\n');
  });

  it('grows it online when the PV grows (NodeExpandVolume: lvextend, resize2fs), data intact', () => {
    expect(report.steps.expand).toMatchObject({ ok: true, value: { capacity_bytes: String(128 * MiB) } });
    expect(report.lvsAfterGrow).toBe(`${pvName};${128 * MiB};`);
    expect(report.fsBytesAfter).toBeGreaterThan(report.fsBytesBefore + 48 * MiB);
    expect(report.dataAfterGrow).toBe('written under Open-Local\n');
  });

  it('unpublishes, unstages and deletes it: the LV is gone', () => {
    expect(report.steps.unpublish).toMatchObject({ ok: true });
    expect(report.steps.unstage).toMatchObject({ ok: true });
    expect(report.steps.delete).toMatchObject({ ok: true });
    expect(report.lvsAfterDelete).toBe('');
  });
});
