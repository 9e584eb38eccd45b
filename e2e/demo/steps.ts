// The demo's steps after the control plane is up, in order: CRDs; controller and agents (NLS with real VGs);
// extender, kube-scheduler and the CSI pieces; a StatefulSet provisioned across the nodes; a pod that cannot
// fit; a deleted claim. Each prints what happened; waits name the log to read when they time out.
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { applyManifests, installCrds, openLocalCrds, waitFor, type Cluster } from '../cluster/index.js';
import type { DemoConfig } from './cli.js';
import { startAgents, startController, startCsi, startExtenderAndScheduler, storagePictureText } from './components.js';
import { NLS_AFTER_DELETE_HEADING, NLS_AFTER_HEADING, NLS_BEFORE_HEADING, PICTURE_HEADING, printLvs, printVgs, waitForNlsMatchingLvm } from './evidence.js';
import { listLvs, type NodeDisks } from './node-disks.js';
import { readClusterState, renderState } from './state.js';
import { renderTable } from './table.js';
import { CLAIM_TEMPLATES, followClaims, NAMESPACE, STATEFUL_SET, statefulSetManifests, TOO_BIG, tooBigManifests, type BoundClaim } from './workload.js';

/** What every step may use. */
export interface DemoContext {
  readonly config: DemoConfig;
  readonly cluster: Cluster;
  readonly nodes: readonly NodeDisks[];
  /** Prefix of this run's VG names. */
  readonly prefix: string;
  /** Writes a line (or block) to the terminal. */
  readonly out: (text: string) => void;
  /** Aborted on Ctrl-C / SIGTERM: long steps should stop early. */
  readonly signal: AbortSignal;
  /** performance.now() when the demo started (cold start). */
  readonly startedAtMs: number;
  /** Claims bound by the StatefulSet step, for the steps after it. */
  bound: BoundClaim[];
  /** The scheduler extender's base URL, once it runs. */
  extenderUrl?: string;
}

export interface DemoStep {
  /** Shown as a heading before the step runs. */
  readonly title: string;
  run(context: DemoContext): Promise<void>;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const applyCrds: DemoStep = {
  title: 'Apply the Open-Local CRDs (from @openlocal/crd-types)',
  run: async ({ cluster, out, signal }) => {
    const names = await installCrds(cluster.kubeConfig, await openLocalCrds({ signal }));
    out(`established: ${names.join(', ')}`);
    out(renderState(await readClusterState(cluster.kubeConfig)));
  },
};

const nlsFromAgents: DemoStep = {
  title: 'Controller and one agent per node: each agent creates its VG from the init config and reports it in its NLS',
  run: async (context) => {
    const { cluster, nodes, prefix, out } = context;
    await startController(cluster, nodes, prefix);
    await startAgents(cluster, nodes);
    const table = await waitForNlsMatchingLvm(context, 'every NLS to report its VG as lvm sees it');
    await printVgs(context);
    out(`\n${NLS_BEFORE_HEADING}`);
    out(table);
  },
};

const schedulingAndCsi: DemoStep = {
  title: 'Scheduler extender behind kube-scheduler; csi-plugin and external-provisioner --node-deployment on every node',
  run: async (context) => {
    const { cluster, nodes, out, signal } = context;
    const { url } = await startExtenderAndScheduler(cluster, nodes, signal);
    context.extenderUrl = url;
    await startCsi(cluster, nodes, url);
    out(renderTable(['PROCESS', 'PID', 'LOG'], cluster.processes().map((child) => [child.name, String(child.pid), child.logPath])));
  },
};

const provision: DemoStep = {
  title: 'A StatefulSet with claims across the nodes (podManagementPolicy Parallel: no kubelet makes pods Ready)',
  run: async (context) => {
    const { cluster, nodes, out, signal, startedAtMs } = context;
    const claimsPerPod = Object.keys(CLAIM_TEMPLATES).length;
    out(`StatefulSet ${NAMESPACE}/${STATEFUL_SET}: ${nodes.length} replicas, one per node, each with claims ${Object.entries(CLAIM_TEMPLATES).map(([n, s]) => `${n} ${s}`).join(' and ')}`);
    await applyManifests(cluster.kubeConfig, statefulSetManifests(nodes.length));
    context.bound = await followClaims(cluster.kubeConfig, {
      count: nodes.length * claimsPerPod, out, signal, timeoutMs: 180_000,
      onFirstBound: () => out(`cold start to first provisioned volume: ${seconds(performance.now() - startedAtMs)}`),
    });
    await printLvs(context);
    out(`\n${NLS_AFTER_HEADING}`);
    out(await waitForNlsMatchingLvm(context, 'every NLS to list the new LVs'));
    if (context.extenderUrl !== undefined) {
      out(`\n${PICTURE_HEADING}`);
      out(await storagePictureText(context.extenderUrl));
    }
  },
};

const tooBig: DemoStep = {
  title: `A pod whose claim (${TOO_BIG.size}) is larger than every VG`,
  run: async ({ cluster, out, signal }) => {
    await applyManifests(cluster.kubeConfig, tooBigManifests());
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const message = await waitFor({ what: `pod ${TOO_BIG.pod} to be reported Unschedulable`, timeoutMs: 60_000, signal }, async () => {
      const pod = await core.readNamespacedPod({ name: TOO_BIG.pod, namespace: NAMESPACE });
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return condition?.reason === 'Unschedulable' ? { done: true, value: condition.message ?? '' } : { done: false, observed: pod.status };
    });
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: TOO_BIG.claim, namespace: NAMESPACE });
    out(`pod ${TOO_BIG.pod} stays Pending (claim ${TOO_BIG.claim} ${claim.status?.phase ?? '?'}); kube-scheduler's reason, from the extender:`);
    out(`  ${message}`);
  },
};

const deleteClaims: DemoStep = {
  title: 'Scale the StatefulSet down by one and delete that replica\'s claims: the LVs go and the VG table follows',
  run: async (context) => {
    const { cluster, nodes, out, signal } = context;
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const last = `${STATEFUL_SET}-${nodes.length - 1}`;
    await cluster.kubeConfig.makeApiClient(AppsV1Api).patchNamespacedStatefulSet(
      { name: STATEFUL_SET, namespace: NAMESPACE, body: { spec: { replicas: nodes.length - 1 } } }, MERGE_PATCH,
    );
    // No kubelet confirms the pod's end, so delete it at once, as kubectl delete --force would.
    await core.deleteNamespacedPod({ name: last, namespace: NAMESPACE, gracePeriodSeconds: 0 }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 404) throw error;
    });
    const doomed = context.bound.filter((claim) => claim.claim.endsWith(`-${last}`));
    for (const claim of doomed) {
      await core.deleteNamespacedPersistentVolumeClaim({ name: claim.claim, namespace: NAMESPACE });
      out(`deleted claim ${claim.claim} (LV ${claim.lvName} in VG ${claim.vgName} on ${claim.nodeName})`);
    }
    await waitFor({ what: `the LVs of ${last}'s claims to leave lvm (the node's provisioner calls DeleteVolume)`, timeoutMs: 90_000, intervalMs: 500, signal }, async () => {
      const lvs = (await Promise.all(nodes.map(listLvs))).flat().map((lv) => lv.name);
      const left = doomed.filter((claim) => lvs.includes(claim.lvName)).map((claim) => claim.lvName);
      return left.length === 0 ? { done: true, value: true } : { done: false, observed: left };
    });
    context.bound = context.bound.filter((claim) => !doomed.includes(claim));
    await printLvs(context);
    out(`\n${NLS_AFTER_DELETE_HEADING}`);
    out(await waitForNlsMatchingLvm(context, 'every NLS to drop the deleted LVs'));
  },
};

/** The steps in order. */
export const DEMO_STEPS: readonly DemoStep[] = [applyCrds, nlsFromAgents, schedulingAndCsi, provision, tooBig, deleteClaims];
