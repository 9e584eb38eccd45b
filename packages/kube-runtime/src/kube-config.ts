// Where an app's API credentials come from: the kubeconfig file its --kubeconfig flag names, or, when the flag is
// empty, the pod's in-cluster service account (as Open-Local's agent and controller do) or client-node's default
// search (the extender's and the upgrade check's documented fallback). One loader for every app.
import { KubeConfig } from '@kubernetes/client-node';

/** How loadKubeConfig fills in what the flag leaves open. */
export interface KubeConfigOptions {
  /**
   * Without a path: `'in-cluster'` (default) reads the pod's service account; `'default'` is client-node's
   * search ($KUBECONFIG, ~/.kube/config, then in-cluster).
   */
  readonly fallback?: 'in-cluster' | 'default';
  /** Replaces the current cluster's server URL (the extender's --master, as Open-Local's). */
  readonly server?: string;
}

function withServer(kubeConfig: KubeConfig, server: string): void {
  const current = kubeConfig.getCurrentCluster();
  if (current === null) return;
  kubeConfig.clusters = kubeConfig.clusters.map((cluster) => (cluster.name === current.name ? { ...cluster, server } : cluster));
}

/**
 * A KubeConfig from the file at `path`, or from `options.fallback` when `path` is empty. A file that cannot be
 * read or parsed throws an error naming --kubeconfig and the path.
 */
export function loadKubeConfig(path: string, options: KubeConfigOptions = {}): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (path !== '') kubeConfig.loadFromFile(path);
    else if (options.fallback === 'default') kubeConfig.loadFromDefault();
    else kubeConfig.loadFromCluster();
  } catch (error) {
    throw new Error(`--kubeconfig ${JSON.stringify(path)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (options.server !== undefined) withServer(kubeConfig, options.server);
  return kubeConfig;
}

/** Whether an app without --kubeconfig runs in a pod and so has the in-cluster service account to fall back on. */
export function isInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['KUBERNETES_SERVICE_HOST'] !== undefined;
}
