// What the demo asks of the cluster: a StatefulSet whose claims land across the nodes, a pod too large for any
// node, and the removal of one replica's claims. Manifests are pure; the watcher prints claims as they move.
import { CoreV1Api, type KubeConfig, type KubernetesObject, type V1PersistentVolume, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { TOPOLOGY_KEY } from '@openlocal/crd-types';
import { STORAGE_CLASS } from './components.js';

export const NAMESPACE = 'demo';
export const STATEFUL_SET = 'web';
/** Claim templates of each replica: name → size. */
export const CLAIM_TEMPLATES = { data: '256Mi', wal: '64Mi' } as const;
export const TOO_BIG = { pod: 'too-big', claim: 'huge', size: '4Gi' } as const;
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const IMAGE = 'registry.invalid/never-pulled:0';

/** Pure: the namespace and a StatefulSet of `replicas` pods, one per node, each with the claim templates. */
export function statefulSetManifests(replicas: number): KubernetesObject[] {
  const labels = { app: STATEFUL_SET };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: STATEFUL_SET, namespace: NAMESPACE },
      spec: {
        replicas, serviceName: STATEFUL_SET, selector: { matchLabels: labels },
        // No kubelet runs, so no pod becomes Ready: Parallel creates them all at once instead of one by one.
        podManagementPolicy: 'Parallel',
        template: {
          metadata: { labels },
          spec: {
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: TOPOLOGY_KEY }] } },
            containers: [{ name: 'app', image: IMAGE, volumeMounts: Object.keys(CLAIM_TEMPLATES).map((name) => ({ name, mountPath: `/${name}` })) }],
          },
        },
        volumeClaimTemplates: Object.entries(CLAIM_TEMPLATES).map(([name, storage]) => ({
          metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, resources: { requests: { storage } } },
        })),
      },
    } as KubernetesObject,
  ];
}

/** Pure: a claim larger than every VG and a pod that uses it. */
export function tooBigManifests(): KubernetesObject[] {
  return [
    {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: TOO_BIG.claim, namespace: NAMESPACE },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, resources: { requests: { storage: TOO_BIG.size } } },
    } as KubernetesObject,
    {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: TOO_BIG.pod, namespace: NAMESPACE },
      spec: { containers: [{ name: 'app', image: IMAGE }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: TOO_BIG.claim } }] },
    } as KubernetesObject,
  ];
}

/** A claim that is bound, with what backs it. */
export interface BoundClaim {
  readonly claim: string;
  readonly nodeName: string;
  readonly pvName: string;
  /** The LV's name (the PV's CSI volume handle). */
  readonly lvName: string;
  readonly vgName: string;
  readonly size: string;
}

/** Where a claim stands: placed on a node (the scheduler's selected-node), and bound to a PV. */
interface ClaimStage {
  readonly placed?: string;
  readonly bound?: BoundClaim;
}

/** Pure: what backs a bound claim, read from its PV (the LV is the CSI volume handle). */
export function boundClaim(claimName: string, nodeName: string, pv: V1PersistentVolume): BoundClaim {
  const csi = pv.spec?.csi;
  const attribute = (key: string): string => csi?.volumeAttributes?.[key] ?? '?';
  return {
    claim: claimName, nodeName, pvName: pv.metadata?.name ?? '?', lvName: csi?.volumeHandle ?? '?', vgName: attribute('vgName'),
    size: pv.spec?.capacity?.storage ?? '?',
  };
}

/** Pure: where a claim stands now, given its PV once it is bound. */
export function claimStage(claim: V1PersistentVolumeClaim, pv: V1PersistentVolume | undefined): ClaimStage {
  const placed = claim.metadata?.annotations?.[SELECTED_NODE];
  if (claim.status?.phase !== 'Bound' || pv === undefined) return { placed };
  return { placed, bound: boundClaim(claim.metadata?.name ?? '?', placed ?? '?', pv) };
}

/** Pure: the line printed when a claim is bound. The CI check reads it: keep `claim X Bound: … LV L in VG V on node N`. */
export function boundLine(bound: BoundClaim): string {
  return `claim ${bound.claim} Bound: PV ${bound.pvName} = LV ${bound.lvName} in VG ${bound.vgName} on node ${bound.nodeName} (${bound.size})`;
}

/** Pure: the lines a change of stage prints (placement, binding), each once. */
export function stageLines(name: string, before: ClaimStage, now: ClaimStage): string[] {
  const lines: string[] = [];
  if (now.placed && !before.placed) lines.push(`claim ${name} → node ${now.placed} (kube-scheduler asked the extender)`);
  if (now.bound && !before.bound) lines.push(boundLine(now.bound));
  return lines;
}

interface FollowOptions {
  readonly count: number;
  readonly out: (line: string) => void;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Runs once, when the first claim is bound. */
  readonly onFirstBound: () => void;
}

async function readStages(core: CoreV1Api): Promise<Map<string, ClaimStage>> {
  const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE })).items.filter((c) => c.metadata?.name !== TOO_BIG.claim);
  const stages = new Map<string, ClaimStage>();
  for (const claim of claims) {
    const volumeName = claim.spec?.volumeName;
    stages.set(claim.metadata?.name ?? '?', claimStage(claim, volumeName ? await core.readPersistentVolume({ name: volumeName }) : undefined));
  }
  return stages;
}

/** Polls the demo's claims until `count` are Bound, printing each placement and binding as it happens. */
export async function followClaims(kubeConfig: KubeConfig, options: FollowOptions): Promise<BoundClaim[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const started = performance.now();
  const seen = new Map<string, ClaimStage>();
  const boundSoFar = (): BoundClaim[] => [...seen.values()].flatMap((stage) => (stage.bound ? [stage.bound] : []));
  while (performance.now() - started < options.timeoutMs) {
    options.signal.throwIfAborted();
    const stamp = `+${((performance.now() - started) / 1000).toFixed(1)}s`.padStart(7);
    for (const [name, now] of await readStages(core)) {
      const before = seen.get(name) ?? {};
      const isFirstBound = now.bound !== undefined && boundSoFar().length === 0;
      for (const line of stageLines(name, before, now)) options.out(`${stamp}  ${line}`);
      seen.set(name, { placed: now.placed ?? before.placed, bound: now.bound ?? before.bound });
      if (isFirstBound) options.onFirstBound();
    }
    if (boundSoFar().length >= options.count) return boundSoFar();
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 250));
  }
  throw new Error(`only ${boundSoFar().length} of ${options.count} claims were bound after ${options.timeoutMs / 1000} s (provisioner logs: csi-provisioner-<node>.log in the run dir)`);
}
