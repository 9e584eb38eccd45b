// Where an app's API credentials come from: the kubeconfig file its --kubeconfig flag names, or, when the flag is
// empty, the pod's in-cluster service account (as Open-Local's agent and controller do).
import { KubeConfig } from '@kubernetes/client-node';

/** A KubeConfig from the file at `path`, or from the in-cluster service account when `path` is empty. */
export function loadKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path === '') kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(path);
  return kubeConfig;
}
