// The demo's steps after the cluster is up, in order. Later issues add theirs here (start the controller, the
// agents with loop-backed VGs per node, the extender, CSI plugins and sidecars; provision a volume).
import type { Cluster } from '../cluster/index.js';
import { installCrds, openLocalCrds } from '../cluster/index.js';
import type { DemoConfig } from './cli.js';
import { readClusterState, renderState } from './state.js';

/** What every step may use. */
export interface DemoContext {
  readonly config: DemoConfig;
  readonly cluster: Cluster;
  /** Writes a line (or block) to the terminal. */
  readonly out: (text: string) => void;
  /** Aborted on Ctrl-C / SIGTERM: long steps should stop early. */
  readonly signal: AbortSignal;
}

export interface DemoStep {
  /** Shown as a heading before the step runs. */
  readonly title: string;
  run(context: DemoContext): Promise<void>;
}

const applyCrds: DemoStep = {
  title: 'Apply the Open-Local CRDs (from @openlocal/crd-types)',
  run: async ({ cluster, out, signal }) => {
    const names = await installCrds(cluster.kubeConfig, await openLocalCrds({ signal }));
    out(`established: ${names.join(', ')}`);
  },
};

const printState: DemoStep = {
  title: 'Cluster state',
  run: async ({ cluster, out }) => out(renderState(await readClusterState(cluster.kubeConfig))),
};

/** The steps in order. */
export const DEMO_STEPS: readonly DemoStep[] = [applyCrds, printState];
