// The five informers that feed the cluster state: StorageClass, NLS, PV, PVC and Pod. Nodes are not watched:
// a node without an NLS offers nothing and is refused with that reason. Each informer restarts on its own.
import { CoreV1Api, CustomObjectsApi, StorageV1Api, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { NodeLocalStorage } from '@openlocal/crd-types';
import type { Logger } from 'pino';
import type { ClusterState } from '../core/cluster-state.js';
import type { MetricObjects } from '../core/metric-objects.js';
import { RestartingInformer, type Clock } from './restarting-informer.js';

type Nls = NodeLocalStorage & KubernetesObject;

export interface InformerSetOptions {
  kubeConfig: KubeConfig;
  state: ClusterState;
  /** The PV and pod facts Open-Local's metric families label with. */
  objects: MetricObjects;
  logger: Logger;
  clock: Clock;
  onRestart: (kind: string) => void;
}

/** Builds one informer per kind; `run` resolves `synced` once every kind has listed successfully. */
export function createInformers(options: InformerSetOptions): RestartingInformer<KubernetesObject>[] {
  const { kubeConfig, state, clock, objects } = options;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const now = (): number => clock.now();
  const base = { kubeConfig, logger: options.logger, clock, onRestart: options.onRestart };
  const listNls = async (): Promise<KubernetesListObject<Nls>> =>
    (await custom.listClusterCustomObject({ group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' })) as KubernetesListObject<Nls>;
  const informers = [
    new RestartingInformer({
      ...base,
      kind: 'StorageClass',
      path: '/apis/storage.k8s.io/v1/storageclasses',
      list: () => storage.listStorageClass(),
      handlers: { upsert: (o) => state.upsertStorageClass(o), remove: (o) => state.deleteStorageClass(o) },
    }),
    new RestartingInformer<Nls>({
      ...base,
      kind: 'NodeLocalStorage',
      path: '/apis/csi.aliyun.com/v1alpha1/nodelocalstorages',
      list: listNls,
      handlers: { upsert: (o) => state.upsertNls(o, now()), remove: (o) => state.deleteNls(o) },
    }),
    new RestartingInformer({
      ...base,
      kind: 'PersistentVolume',
      path: '/api/v1/persistentvolumes',
      list: () => core.listPersistentVolume(),
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
    new RestartingInformer({
      ...base,
      kind: 'PersistentVolumeClaim',
      path: '/api/v1/persistentvolumeclaims',
      list: () => core.listPersistentVolumeClaimForAllNamespaces(),
      handlers: { upsert: (o) => state.upsertPvc(o, now()), remove: (o) => state.deletePvc(o) },
    }),
    new RestartingInformer({
      ...base,
      kind: 'Pod',
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces(),
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
  ];
  return informers as unknown as RestartingInformer<KubernetesObject>[];
}
