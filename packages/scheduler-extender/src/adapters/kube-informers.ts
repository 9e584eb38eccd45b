// The informers that feed the cluster state: StorageClass, NLS, PV, PVC, Pod and (optional) VolumeSnapshot. Nodes are not watched:
// a node without an NLS offers nothing and is refused with that reason. Each informer restarts on its own.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Informer, type Clock } from '@openlocal/kube-runtime';
import type { Logger } from 'pino';
import type { ClusterState } from '../core/cluster-state.js';
import type { NlsShape, VolumeSnapshotShape } from '../core/k8s-shapes.js';
import type { MetricObjects } from '../core/metric-objects.js';
import { projectNls, projectPod, projectPv, projectPvc, projectStorageClass, projectVolumeSnapshot } from './projections.js';

/** An NLS as the cache keeps it: the part the extender reads (projections.ts). */
type Nls = NlsShape & KubernetesObject;

export interface InformerSetOptions {
  kubeConfig: KubeConfig;
  state: ClusterState;
  /** The PV and pod facts Open-Local's metric families label with. */
  objects: MetricObjects;
  logger: Logger;
  clock: Clock;
  onRestart: (kind: string) => void;
  /** Called once, when every kind has listed successfully. */
  onSynced: () => void;
}

interface InformerHandlers<T> {
  upsert(object: T): void;
  remove(object: T): void;
}

interface KindSpec<T extends KubernetesObject> {
  kind: string;
  /**
   * Listed (kube-runtime's default: plain JSON in pages of 500, projected page by page) and watched: no generated
   * API classes in the process, and no 20,000-object LIST held whole (issue #19).
   */
  path: string;
  /** What the cache keeps of each object: the fields the core reads (projections.ts). */
  project: (object: T) => T;
  handlers: InformerHandlers<T>;
  /**
   * Not waited for before the extender answers: VolumeSnapshots (issue #17) exist only where the snapshot CRDs
   * are installed; until listed, a restored claim is refused with "not known yet" and nothing else waits.
   */
  isOptional?: boolean;
}

const BACKOFF = { baseMs: 500, maxMs: 30_000 };

/** Builds one informer per kind (kube-runtime's, restarting with backoff); `onSynced` fires once all have listed. */
export function createInformers(options: InformerSetOptions): Informer<KubernetesObject>[] {
  const { kubeConfig, state, clock, objects } = options;
  const now = (): number => clock.now();
  let unsynced = 0; // set to the informer count below, before any can start
  const informer = <T extends KubernetesObject>(spec: KindSpec<T>): Informer<KubernetesObject> => {
    const created = new Informer<T>({
      name: spec.kind, path: spec.path, project: spec.project, kubeConfig, logger: options.logger, clock, backoff: BACKOFF,
      onRestart: () => options.onRestart(spec.kind),
      onSynced: () => {
        if (spec.isOptional === true) return;
        unsynced -= 1;
        if (unsynced === 0) options.onSynced();
      },
    });
    created.on('add', (o) => spec.handlers.upsert(o));
    created.on('update', (o) => spec.handlers.upsert(o));
    created.on('delete', (o) => spec.handlers.remove(o));
    return created as unknown as Informer<KubernetesObject>;
  };
  const informers = [
    informer({
      kind: 'StorageClass',
      path: '/apis/storage.k8s.io/v1/storageclasses',
      project: projectStorageClass,
      handlers: { upsert: (o) => state.upsertStorageClass(o), remove: (o) => state.deleteStorageClass(o) },
    }),
    informer<Nls>({
      kind: 'NodeLocalStorage',
      path: '/apis/csi.aliyun.com/v1alpha1/nodelocalstorages',
      project: projectNls,
      handlers: { upsert: (o) => state.upsertNls(o, now()), remove: (o) => state.deleteNls(o) },
    }),
    informer({
      kind: 'PersistentVolume',
      path: '/api/v1/persistentvolumes',
      project: projectPv,
      handlers: {
        upsert: (o) => {
          state.upsertPv(o, now());
          objects.upsertPv(o);
        },
        remove: (o) => {
          state.deletePv(o, now());
          objects.deletePv(o);
        },
      },
    }),
    informer({
      kind: 'PersistentVolumeClaim',
      path: '/api/v1/persistentvolumeclaims',
      project: projectPvc,
      handlers: { upsert: (o) => state.upsertPvc(o, now()), remove: (o) => state.deletePvc(o) },
    }),
    informer({
      kind: 'Pod',
      path: '/api/v1/pods',
      project: projectPod,
      handlers: {
        upsert: (o) => {
          state.upsertPod(o, now());
          objects.upsertPod(o);
        },
        remove: (o) => {
          state.deletePod(o, now());
          objects.deletePod(o);
        },
      },
    }),
    informer<VolumeSnapshotShape & KubernetesObject>({
      kind: 'VolumeSnapshot',
      path: '/apis/snapshot.storage.k8s.io/v1/volumesnapshots',
      project: projectVolumeSnapshot,
      handlers: { upsert: (o) => state.upsertVolumeSnapshot(o), remove: (o) => state.deleteVolumeSnapshot(o) },
      isOptional: true,
    }),
  ];
  unsynced = informers.length - 1; // every kind but the optional VolumeSnapshot
  return informers;
}
