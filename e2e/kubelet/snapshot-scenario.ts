// Issue #17 on the kubelet rung: VolumeSnapshots, restores and clones through the real external-snapshotter
// (snapshot-controller on the host with distributed snapshotting, csi-snapshotter --node-deployment beside our
// plugin in the guest) on the node kubelet-node.test.ts boots: no second VM. A pod writes data into a thick and
// a thin claim; a VolumeSnapshot of each becomes ready; the pod changes the data (the test asks it through a
// downward-API annotation: nothing on the node is written by the test); a second pod gets a claim restored
// from each snapshot and a clone of the thin claim, and shows which data each holds. Then every delete order:
// sources while their snapshots live, snapshots while a restore uses them, restores last, until no LV of the
// scenario is left. The node's own view (lvs, findmnt, the pods' marker files) comes from guest-node.sh's
// reports on the share; the CSI answers from the API's events and the guest's sidecar log.
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject, type V1PersistentVolume, type V1Pod } from '@kubernetes/client-node';
import { expect, it } from 'vitest';
import { applyManifests, installCrds, snapshotCrds, toolPath, waitFor, type Cluster } from '../cluster/index.js';
import { MiB, readOptional, type NodeView } from './node-view.js';
import { TEST_IMAGE } from './oci-image.js';

const SNAPSHOT_GROUP = 'snapshot.storage.k8s.io';
const SNAPSHOT_VERSION = 'v1';
const THIN_POOL = 'thin0';
/** The pool guest-node.sh makes in the node's VG (THIN_POOL=NAME:SIZE): room for the thin LVs' written blocks. */
export const THIN_POOL_ENV = `${THIN_POOL}:192m`;
const THIN_CLASS = 'open-local-lvm-kubelet-thin';
const SNAPSHOT_CLASS = 'open-local-lvm-kubelet';
const PHASE_ANNOTATION = 'openlocal.test/phase';
const WRITER = 'snap-writer';
const READER = 'snap-reader';

/** What the scenario needs from the rung that booted the node (getters: the rung may reboot it). */
export interface SnapshotRung {
  readonly driver: string;
  readonly vg: string;
  /** The rung's thick class (no vgName: the extender chooses the VG). */
  readonly thickClass: string;
  kubeConfig(): KubeConfig;
  namespace(): string;
  shareDir(): string;
  /** Aborted when the guest node ends. */
  signal(): AbortSignal;
  nodeReport(): NodeView;
  ensureNodeUp(): Promise<void>;
  waitForRunning(name: string): Promise<V1Pod>;
}

/** Host side, before the guest boots: the snapshot CRDs (the node's csi-snapshotter waits for them) and snapshot-controller. */
export async function startSnapshotMachinery(cluster: Cluster): Promise<void> {
  await installCrds(cluster.kubeConfig, snapshotCrds());
  await cluster.startProcess({
    name: 'snapshot-controller',
    command: toolPath('snapshot-controller'),
    args: [`--kubeconfig=${cluster.kubeconfigPath}`, '--leader-election=false', '--enable-distributed-snapshotting=true', '--retry-interval-start=1s', '--retry-interval-max=5s', '--v=4'],
  });
}

interface Restored {
  /** The node's LVs before the scenario made any: the same set must be left at the end. */
  lvsBefore: string[];
  thickSourceLv: string;
  thickSnapshotLv: string;
  thinSourceLv: string;
  thinSnapshotLv: string;
  thickContent: string;
  thinContent: string;
  thickRestoreHandle: string;
  thinRestoreLv: string;
  thinCloneLv: string;
  /** The writer's and the reader's: no mount of theirs may be left. */
  podUids: string[];
  report: NodeView;
}

interface ClaimSpec { name: string; storageClassName: string; storage: string; dataSource?: { kind: string; name: string; apiGroup?: string } }

function claim({ name, storageClassName, storage, dataSource }: ClaimSpec): object {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage } }, ...(dataSource === undefined ? {} : { dataSource }) },
  };
}

/**
 * The writer writes "<pod>-<volume>-v1" into each volume's marker, and "-v2" once its phase annotation says 2
 * (the downward-API file kubelet refreshes): the data change between snapshot and restore.
 */
function writerPod(): object {
  const script = [
    'for v in thick thin; do [ -f /$v/marker ] || echo "$POD_NAME-$v-v1" > /$v/marker; done; sync',
    `until grep -q '${PHASE_ANNOTATION}="2"' /info/annotations 2>/dev/null; do sleep 1; done`,
    'for v in thick thin; do echo "$POD_NAME-$v-v2" > /$v/marker; done; sync',
    'exec /bin/busybox sleep 2147483647',
  ].join('\n');
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: WRITER, annotations: { [PHASE_ANNOTATION]: '1' } },
    spec: {
      hostNetwork: true,
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'app', image: TEST_IMAGE, imagePullPolicy: 'Never',
        command: ['/bin/busybox', 'sh', '-c', script],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        volumeMounts: [{ name: 'thick', mountPath: '/thick' }, { name: 'thin', mountPath: '/thin' }, { name: 'info', mountPath: '/info' }],
      }],
      volumes: [
        { name: 'thick', persistentVolumeClaim: { claimName: 'snap-src-thick' } },
        { name: 'thin', persistentVolumeClaim: { claimName: 'snap-src-thin' } },
        { name: 'info', downwardAPI: { items: [{ path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } }] } },
      ],
    },
  };
}

/**
 * The reader mounts the three restored/cloned claims. It writes nothing to the read-only thick restore; into
 * each thin one it writes the marker it found with "-rw" appended (once): the old text proves which data the
 * volume holds, the suffix that it is writable.
 */
function readerPod(): object {
  const script = [
    'for v in thin-restore thin-clone; do [ -f /$v/.rw ] || { echo "$(cat /$v/marker)-rw" > /$v/marker.new && mv /$v/marker.new /$v/marker && touch /$v/.rw; }; done; sync',
    'exec /bin/busybox sleep 2147483647',
  ].join('\n');
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: READER },
    spec: {
      hostNetwork: true,
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'app', image: TEST_IMAGE, imagePullPolicy: 'Never',
        command: ['/bin/busybox', 'sh', '-c', script],
        volumeMounts: [{ name: 'thick-restore', mountPath: '/thick-restore' }, { name: 'thin-restore', mountPath: '/thin-restore' }, { name: 'thin-clone', mountPath: '/thin-clone' }],
      }],
      volumes: [
        { name: 'thick-restore', persistentVolumeClaim: { claimName: 'snap-restore-thick' } },
        { name: 'thin-restore', persistentVolumeClaim: { claimName: 'snap-restore-thin' } },
        { name: 'thin-clone', persistentVolumeClaim: { claimName: 'snap-clone-thin' } },
      ],
    },
  };
}

/** Registers the scenario's tests inside the rung's describe block (after its own tests). */
export function snapshotScenario(rung: SnapshotRung): void {
  let restored: Restored | undefined;
  // The scenario's clock starts at its first step (the rung's boot and earlier tests are not in it).
  let started: number | undefined;

  async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
    const at = performance.now();
    started ??= at;
    const value = await run();
    console.log(`[snapshots] ${what}: ${((performance.now() - at) / 1000).toFixed(1)} s (scenario +${((performance.now() - (started ?? at)) / 1000).toFixed(0)} s)`);
    return value;
  }

  const wait = <T>(what: string, timeoutMs: number, poll: () => Promise<{ done: true; value: T } | { done: false; observed: unknown }>): Promise<T> =>
    waitFor({ what, timeoutMs, intervalMs: 2000, signal: rung.signal() }, poll);

  const core = (): CoreV1Api => rung.kubeConfig().makeApiClient(CoreV1Api);
  const custom = (): CustomObjectsApi => rung.kubeConfig().makeApiClient(CustomObjectsApi);

  async function boundPv(claimName: string): Promise<V1PersistentVolume> {
    const pvc = await core().readNamespacedPersistentVolumeClaim({ name: claimName, namespace: rung.namespace() });
    return core().readPersistentVolume({ name: pvc.spec?.volumeName ?? '' });
  }

  /**
   * Claims first, the pod once the API serves them all: a pod created with its claims in one batch was seen
   * waiting ~40 s for kube-scheduler's next attempt when its first found a claim missing.
   */
  async function applyClaimsThenPod(claims: object[], pod: object): Promise<void> {
    const namespace = rung.namespace();
    await applyManifests(rung.kubeConfig(), claims as KubernetesObject[], { namespace });
    await wait('the claims served by the API', 30_000, async () => {
      const list = await core().listNamespacedPersistentVolumeClaim({ namespace });
      const names = new Set(list.items.map((c) => c.metadata?.name));
      const missing = claims.map((c) => (c as { metadata: { name: string } }).metadata.name).filter((n) => !names.has(n));
      return missing.length === 0 ? { done: true, value: true } : { done: false, observed: missing };
    });
    await applyManifests(rung.kubeConfig(), [pod] as KubernetesObject[], { namespace });
  }

  /** The marker a pod's volume shows on the node, found by the pod's uid and the volume's PV. */
  function markerOf(report: NodeView, pod: V1Pod, pvName: string): string | undefined {
    return report.markers.get(`/var/lib/kubelet/pods/${pod.metadata?.uid}/volumes/kubernetes.io~csi/${pvName}/mount/marker`);
  }

  async function readySnapshot(name: string): Promise<{ content: string; handle: string }> {
    return wait(`VolumeSnapshot ${name} readyToUse`, 180_000, async () => {
      const snapshot = (await custom().getNamespacedCustomObject({ group: SNAPSHOT_GROUP, version: SNAPSHOT_VERSION, namespace: rung.namespace(), plural: 'volumesnapshots', name })) as { status?: { readyToUse?: boolean; boundVolumeSnapshotContentName?: string; error?: unknown } };
      const contentName = snapshot.status?.boundVolumeSnapshotContentName;
      if (snapshot.status?.readyToUse !== true || contentName === undefined) return { done: false, observed: snapshot.status ?? 'no status yet' };
      const content = (await custom().getClusterCustomObject({ group: SNAPSHOT_GROUP, version: SNAPSHOT_VERSION, plural: 'volumesnapshotcontents', name: contentName })) as { status?: { snapshotHandle?: string } };
      const handle = content.status?.snapshotHandle;
      return handle === undefined ? { done: false, observed: content.status } : { done: true, value: { content: contentName, handle } };
    });
  }

  async function eventsFor(name: string): Promise<{ reason: string; message: string }[]> {
    const list = await core().listEventForAllNamespaces({ fieldSelector: `involvedObject.name=${name}` });
    return list.items.map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
  }

  async function contentGone(name: string): Promise<boolean> {
    return custom().getClusterCustomObject({ group: SNAPSHOT_GROUP, version: SNAPSHOT_VERSION, plural: 'volumesnapshotcontents', name }).then(() => false, () => true);
  }

  async function podGone(name: string): Promise<void> {
    await core().deleteNamespacedPod({ name, namespace: rung.namespace() }).catch(() => undefined);
    await wait(`pod ${name} gone (kubelet unpublished and unstaged its volumes)`, 180_000, async () => {
      const gone = await core().readNamespacedPod({ name, namespace: rung.namespace() }).then(() => false, () => true);
      return gone ? { done: true, value: true } : { done: false, observed: 'still there' };
    });
  }

  /** The data proof: snapshots taken and ready, data changed, restores and the clone mounted in a second pod. */
  async function ensureRestored(): Promise<Restored> {
    await rung.ensureNodeUp();
    if (restored !== undefined) return restored;
    const namespace = rung.namespace();
    const kubeConfig = rung.kubeConfig();
    const lvsBefore = await step('thin pool in the node VG', () => wait(`thin pool ${rung.vg}/${THIN_POOL} on the node`, 120_000, async () => {
      const lvs = rung.nodeReport().lvs;
      return lvs.has(THIN_POOL) ? { done: true, value: [...lvs.keys()].sort() } : { done: false, observed: [...lvs.keys()] };
    }));
    const classes: object[] = [
      {
        apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: THIN_CLASS }, provisioner: rung.driver,
        volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', allowVolumeExpansion: true,
        parameters: { volumeType: 'LVM', vgName: rung.vg, thinPool: THIN_POOL, 'csi.storage.k8s.io/fstype': 'ext4' },
      },
      {
        // Open-Local's VolumeSnapshotClass parameters (a read-only snapshot with 32Mi of change space).
        apiVersion: `${SNAPSHOT_GROUP}/${SNAPSHOT_VERSION}`, kind: 'VolumeSnapshotClass', metadata: { name: SNAPSHOT_CLASS }, driver: rung.driver, deletionPolicy: 'Delete',
        parameters: { 'csi.aliyun.com/readonly': 'true', 'csi.aliyun.com/snapshot-initial-size': '32Mi', 'csi.aliyun.com/snapshot-expansion-threshold': '50%', 'csi.aliyun.com/snapshot-expansion-size': '16Mi' },
      },
    ];
    await applyManifests(kubeConfig, classes as KubernetesObject[]);

    const writer = await step('writer pod Running with a thick and a thin claim', async () => {
      await applyClaimsThenPod([claim({ name: 'snap-src-thick', storageClassName: rung.thickClass, storage: '64Mi' }), claim({ name: 'snap-src-thin', storageClassName: THIN_CLASS, storage: '64Mi' })], writerPod());
      return rung.waitForRunning(WRITER);
    });
    const thickPv = await boundPv('snap-src-thick');
    const thinPv = await boundPv('snap-src-thin');
    const thickSourceLv = thickPv.spec?.csi?.volumeHandle ?? '';
    const thinSourceLv = thinPv.spec?.csi?.volumeHandle ?? '';
    await step('the node shows the v1 data in both volumes', () => wait('markers v1 on the node', 60_000, async () => {
      const r = rung.nodeReport();
      const seen = [markerOf(r, writer, thickPv.metadata?.name ?? ''), markerOf(r, writer, thinPv.metadata?.name ?? '')];
      return seen[0] === `${WRITER}-thick-v1` && seen[1] === `${WRITER}-thin-v1` ? { done: true, value: true } : { done: false, observed: seen };
    }));

    const snapshots = await step('VolumeSnapshots of both claims ready (snapshot-controller + csi-snapshotter + CreateSnapshot)', async () => {
      await applyManifests(kubeConfig, ['thick', 'thin'].map((kind) => ({
        apiVersion: `${SNAPSHOT_GROUP}/${SNAPSHOT_VERSION}`, kind: 'VolumeSnapshot', metadata: { name: `snap-${kind}` },
        spec: { volumeSnapshotClassName: SNAPSHOT_CLASS, source: { persistentVolumeClaimName: `snap-src-${kind}` } },
      })) as KubernetesObject[], { namespace });
      return { thick: await readySnapshot('snap-thick'), thin: await readySnapshot('snap-thin') };
    });
    // Each snapshot is an LV on the node: the thick one a copy-on-write snapshot with its change space.
    const afterSnapshots = await wait('the node reporting both snapshot LVs', 30_000, async () => {
      const lvs = rung.nodeReport().lvs;
      return lvs.has(snapshots.thick.handle) && lvs.has(snapshots.thin.handle) ? { done: true, value: lvs } : { done: false, observed: [...lvs.keys()] };
    });
    expect(afterSnapshots.get(snapshots.thick.handle)).toBe(32 * MiB);
    expect(afterSnapshots.get(snapshots.thin.handle)).toBe(64 * MiB);

    await step('the writer changes the data (v2) after the snapshots', async () => {
      await core().patchNamespacedPod(
        { name: WRITER, namespace, body: { metadata: { annotations: { [PHASE_ANNOTATION]: '2' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await wait('markers v2 on the node', 120_000, async () => {
        const r = rung.nodeReport();
        const seen = [markerOf(r, writer, thickPv.metadata?.name ?? ''), markerOf(r, writer, thinPv.metadata?.name ?? '')];
        return seen[0] === `${WRITER}-thick-v2` && seen[1] === `${WRITER}-thin-v2` ? { done: true, value: true } : { done: false, observed: seen };
      });
    });

    const reader = await step('reader pod Running with the thick restore, a larger thin restore and a thin clone', async () => {
      const snapshotSource = (name: string) => ({ apiGroup: SNAPSHOT_GROUP, kind: 'VolumeSnapshot', name });
      await applyClaimsThenPod([
        claim({ name: 'snap-restore-thick', storageClassName: rung.thickClass, storage: '64Mi', dataSource: snapshotSource('snap-thick') }),
        claim({ name: 'snap-restore-thin', storageClassName: THIN_CLASS, storage: '96Mi', dataSource: snapshotSource('snap-thin') }),
        claim({ name: 'snap-clone-thin', storageClassName: THIN_CLASS, storage: '64Mi', dataSource: { kind: 'PersistentVolumeClaim', name: 'snap-src-thin' } }),
      ], readerPod());
      return rung.waitForRunning(READER);
    });
    const thickRestorePv = await boundPv('snap-restore-thick');
    const thinRestorePv = await boundPv('snap-restore-thin');
    const clonePv = await boundPv('snap-clone-thin');
    const report = await step('the node shows the reader\'s markers', () => wait('the reader\'s markers on the node', 60_000, async () => {
      const r = rung.nodeReport();
      const seen = [thickRestorePv, thinRestorePv, clonePv].map((pv) => markerOf(r, reader, pv.metadata?.name ?? ''));
      return seen.every((m) => m !== undefined) && seen.slice(1).every((m) => m?.endsWith('-rw')) ? { done: true, value: r } : { done: false, observed: seen };
    }));
    restored = {
      lvsBefore, thickSourceLv, thinSourceLv, report,
      thickSnapshotLv: snapshots.thick.handle, thinSnapshotLv: snapshots.thin.handle,
      thickContent: snapshots.thick.content, thinContent: snapshots.thin.content,
      thickRestoreHandle: thickRestorePv.spec?.csi?.volumeHandle ?? '',
      thinRestoreLv: thinRestorePv.spec?.csi?.volumeHandle ?? '',
      thinCloneLv: clonePv.spec?.csi?.volumeHandle ?? '',
      podUids: [writer.metadata?.uid ?? '', reader.metadata?.uid ?? ''],
    };
    return restored;
  }

  it('snapshots through external-snapshotter: a restore shows the data from before the snapshot (thick: read-only; thin: writable, larger), a thin clone is writable', async () => {
    const r = await ensureRestored();
    const core = rung.kubeConfig().makeApiClient(CoreV1Api);
    const namespace = rung.namespace();
    const reader = await core.readNamespacedPod({ name: READER, namespace });
    const writer = await core.readNamespacedPod({ name: WRITER, namespace });
    const pvOf = async (claimName: string) => (await boundPv(claimName)).metadata?.name ?? '';
    const [thickRestorePv, thinRestorePv, clonePv, thickPv, thinPv] = await Promise.all(['snap-restore-thick', 'snap-restore-thin', 'snap-clone-thin', 'snap-src-thick', 'snap-src-thin'].map(pvOf)) as [string, string, string, string, string];
    // The restores hold the data of the snapshot's moment (v1), not the source's current v2; the clone was
    // made after the change (v2). The thin ones took the reader's write ("-rw"); the thick one is the snapshot.
    expect(markerOf(r.report, reader, thickRestorePv)).toBe(`${WRITER}-thick-v1`);
    expect(markerOf(r.report, reader, thinRestorePv)).toBe(`${WRITER}-thin-v1-rw`);
    expect(markerOf(r.report, reader, clonePv)).toBe(`${WRITER}-thin-v2-rw`);
    // The sources still hold what the writer wrote last: nothing the reader wrote reached them.
    expect(markerOf(r.report, writer, thickPv)).toBe(`${WRITER}-thick-v2`);
    expect(markerOf(r.report, writer, thinPv)).toBe(`${WRITER}-thin-v2`);
    // The thick restore is the snapshot itself (no LV of its own), published read-only.
    expect(r.report.lvs.has(r.thickRestoreHandle)).toBe(false);
    expect(r.report.lvs.has(r.thickSnapshotLv)).toBe(true);
    const thickMount = r.report.mounts.find((m) => m.target === `/var/lib/kubelet/pods/${reader.metadata?.uid}/volumes/kubernetes.io~csi/${thickRestorePv}/mount`);
    expect(thickMount?.options.split(',')).toContain('ro');
    // The thin restore is a new LV of the requested, larger size; the clone one of the source's size.
    expect(r.report.lvs.get(r.thinRestoreLv)).toBe(96 * MiB);
    expect(r.report.lvs.get(r.thinCloneLv)).toBe(64 * MiB);
    expect(reader.spec?.nodeName).toBe(writer.spec?.nodeName);
  });

  it('deletes in every order: sources while snapshots live, snapshots while a restore uses them, restores last; no LV is left', async () => {
    const r = await ensureRestored();
    const namespace = rung.namespace();
    const thickSourcePv = (await boundPv('snap-src-thick')).metadata?.name ?? '';
    await step('writer pod deleted', () => podGone(WRITER));

    await step('source claims deleted while their snapshots live', async () => {
      await core().deleteNamespacedPersistentVolumeClaim({ name: 'snap-src-thick', namespace });
      await core().deleteNamespacedPersistentVolumeClaim({ name: 'snap-src-thin', namespace });
      // Thin: the source goes, its snapshot and clone live on. Thick: DeleteVolume answers FAILED_PRECONDITION
      // naming the snapshot (lvm would take it with the origin), so the LV stays and the PV waits.
      await wait(`thin source LV ${r.thinSourceLv} removed`, 120_000, async () => {
        const lvs = rung.nodeReport().lvs;
        return lvs.has(r.thinSourceLv) ? { done: false, observed: [...lvs.keys()] } : { done: true, value: true };
      });
      const refusal = await wait(`VolumeFailedDelete event on PV ${thickSourcePv}`, 120_000, async () => {
        const found = (await eventsFor(thickSourcePv)).find((e) => e.reason === 'VolumeFailedDelete');
        return found ? { done: true, value: found.message } : { done: false, observed: await eventsFor(thickSourcePv) };
      });
      expect(refusal).toContain('FailedPrecondition');
      expect(refusal).toContain(r.thickSnapshotLv);
    });
    let lvs = rung.nodeReport().lvs;
    expect(lvs.has(r.thickSourceLv)).toBe(true);
    expect(lvs.has(r.thinSnapshotLv)).toBe(true);
    expect(lvs.get(r.thinCloneLv)).toBe(64 * MiB);

    await step('VolumeSnapshots deleted while the reader uses their restores', async () => {
      for (const name of ['snap-thick', 'snap-thin']) {
        await custom().deleteNamespacedCustomObject({ group: SNAPSHOT_GROUP, version: SNAPSHOT_VERSION, namespace, plural: 'volumesnapshots', name });
      }
      // Thin: the restore is a snapshot of the snapshot, independent of it: the snapshot goes.
      await wait(`thin snapshot LV ${r.thinSnapshotLv} and its content removed`, 120_000, async () => {
        const gone = !rung.nodeReport().lvs.has(r.thinSnapshotLv) && (await contentGone(r.thinContent));
        return gone ? { done: true, value: true } : { done: false, observed: [...rung.nodeReport().lvs.keys()] };
      });
      // Thick: the read-only restore IS the snapshot: DeleteSnapshot answers FAILED_PRECONDITION naming it.
      const log = join(rung.shareDir(), 'logs', 'csi-snapshotter.log');
      const answer = await wait(`csi-snapshotter's DeleteSnapshot refusal for ${r.thickSnapshotLv}`, 120_000, async () => {
        const line = (readOptional(log) ?? '').split('\n').find((l) => l.includes('FailedPrecondition') && l.includes(r.thickSnapshotLv));
        const events = await eventsFor(r.thickContent);
        return line !== undefined && events.some((e) => e.reason === 'SnapshotDeleteError') ? { done: true, value: line } : { done: false, observed: { line, events } };
      });
      expect(answer).toContain('in use');
      expect(answer).toContain(r.thickRestoreHandle);
    });
    // Nothing lost: the snapshot, its origin and the data the reader sees are all still there.
    lvs = rung.nodeReport().lvs;
    expect(lvs.has(r.thickSnapshotLv)).toBe(true);
    expect(lvs.has(r.thickSourceLv)).toBe(true);
    expect(await contentGone(r.thickContent)).toBe(false);

    await step('reader pod and the restored and cloned claims deleted; the refused deletes then complete', async () => {
      await podGone(READER);
      for (const name of ['snap-restore-thick', 'snap-restore-thin', 'snap-clone-thin']) {
        await core().deleteNamespacedPersistentVolumeClaim({ name, namespace });
      }
      // The read-only restore's delete keeps the snapshot; the retried DeleteSnapshot then removes it, and the
      // retried DeleteVolume its origin.
      const ours = [r.thickSourceLv, r.thickSnapshotLv, r.thinRestoreLv, r.thinCloneLv];
      await wait('every LV of the scenario removed, its VolumeSnapshotContents and PVs gone', 240_000, async () => {
        const left = ours.filter((lv) => rung.nodeReport().lvs.has(lv));
        const contents = await contentGone(r.thickContent) ? [] : [r.thickContent];
        const pvs = (await core().listPersistentVolume()).items.filter((pv) => (pv.spec?.claimRef?.name ?? '').startsWith('snap-')).map((pv) => pv.metadata?.name);
        return left.length + contents.length + pvs.length === 0 ? { done: true, value: true } : { done: false, observed: { left, contents, pvs } };
      });
    });
    const after = rung.nodeReport();
    expect([...after.lvs.keys()].sort()).toEqual(r.lvsBefore);
    expect(after.mounts.filter((m) => r.podUids.some((uid) => m.target.includes(`/pods/${uid}/`)))).toEqual([]);
    const snapshotsLeft = (await custom().listNamespacedCustomObject({ group: SNAPSHOT_GROUP, version: SNAPSHOT_VERSION, namespace, plural: 'volumesnapshots' })) as { items: unknown[] };
    expect(snapshotsLeft.items).toEqual([]);
  });
}
