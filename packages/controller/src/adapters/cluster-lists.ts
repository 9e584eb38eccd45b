// The LIST calls behind the controller's three informers (Node, NLS, NLSC), so the control loop in services/
// touches the API only through them and kube-runtime's Informer.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject, type V1Node } from '@kubernetes/client-node';
import { GROUP, NLS, NLSC, VERSION, type NodeLocalStorage, type NodeLocalStorageInitConfig } from '@openlocal/crd-types';

export type NlsObject = NodeLocalStorage & KubernetesObject;
export type NlscObject = NodeLocalStorageInitConfig & KubernetesObject;

export interface ClusterLists {
  nodes(): Promise<KubernetesListObject<V1Node>>;
  nodeLocalStorages(): Promise<KubernetesListObject<NlsObject>>;
  initConfigs(): Promise<KubernetesListObject<NlscObject>>;
}

export function createClusterLists(kubeConfig: KubeConfig): ClusterLists {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const listCustom = async <T extends KubernetesObject>(plural: string): Promise<KubernetesListObject<T>> =>
    (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })) as KubernetesListObject<T>;
  return {
    nodes: () => core.listNode(),
    nodeLocalStorages: () => listCustom<NlsObject>(NLS.plural),
    initConfigs: () => listCustom<NlscObject>(NLSC.plural),
  };
}
