// Simulated nodes: Node objects with labels and capacity, kept Ready the way a kubelet does it (status
// conditions plus a coordination Lease in kube-node-lease renewed every few seconds), so the node lifecycle
// controller leaves them untainted and kube-scheduler places pods on them. No kubelet runs: pods bound to them
// stay Pending, which is all the storage flows (scheduling, provisioning, binding) need.
import { CoordinationV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Node, type V1NodeCondition } from '@kubernetes/client-node';

/** One node to simulate. */
export interface SimulatedNodeSpec {
  /** Node name (DNS subdomain); also its `kubernetes.io/hostname` label. */
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Resource quantities; defaults: cpu 8, memory 32Gi, pods 110, ephemeral-storage 100Gi. */
  readonly capacity?: Readonly<Record<string, string>>;
}

/** Label every simulated node carries, so tests and the demo can select them. */
export const SIMULATED_NODE_LABEL = 'openlocal.e2e/simulated';

const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEFAULT_CAPACITY = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
const LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Lease times are MicroTime: the API server insists on exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/** Pure: the status conditions of a node healthy since `since`, reported at `now`. */
export function healthyConditions(now: Date, since: Date = now): V1NodeCondition[] {
  const condition = (type: string, status: string, reason: string): V1NodeCondition => ({
    type, status, reason, message: 'simulated by the openlocal e2e harness', lastHeartbeatTime: now, lastTransitionTime: since,
  });
  return [
    condition('Ready', 'True', 'KubeletReady'),
    condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
  ];
}

/** Pure: the Node object for a spec (status included; the API server keeps status given at create). */
export function nodeObject(spec: SimulatedNodeSpec, now: Date): V1Node {
  if (!NODE_NAME.test(spec.name) || spec.name.length > 253) {
    throw new Error(`simulated node name must be a DNS subdomain, got ${JSON.stringify(spec.name)}`);
  }
  const capacity = { ...DEFAULT_CAPACITY, ...spec.capacity };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        [SIMULATED_NODE_LABEL]: 'true',
        ...spec.labels,
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: healthyConditions(now),
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: spec.name },
      ],
      nodeInfo: {
        architecture: 'amd64', bootID: '', containerRuntimeVersion: 'simulated://0', kernelVersion: '', kubeProxyVersion: '',
        kubeletVersion: 'v0.0.0-simulated', machineID: '', operatingSystem: 'linux', osImage: 'simulated', systemUUID: '',
      },
    },
  };
}

/** Keeps a set of simulated nodes alive until stopped. */
export class SimulatedNodes {
  private readonly core: CoreV1Api;
  private readonly coordination: CoordinationV1Api;
  /** Node name → when it became Ready (its conditions' lastTransitionTime). */
  private readonly nodes = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> = Promise.resolve();
  private readonly errors: string[] = [];

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: { readonly heartbeatIntervalMs?: number; readonly log?: (line: string) => void } = {},
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  /** Creates the Node objects and their Leases and starts heartbeating them. */
  async add(specs: readonly SimulatedNodeSpec[]): Promise<void> {
    const now = new Date();
    const bodies = specs.map((spec) => nodeObject(spec, now));
    for (const body of bodies) {
      const name = body.metadata?.name ?? '';
      const created = await this.core.createNode({ body });
      // A Lease owned by its Node, as the kubelet makes it, so garbage collection removes it with the Node.
      await this.coordination.createNamespacedLease({
        namespace: LEASE_NAMESPACE,
        body: {
          metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: created.metadata?.uid ?? '' }] },
          spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS },
        },
      });
      this.nodes.set(name, now);
      await this.beat(name, now);
    }
    this.timer ??= setInterval(() => {
      this.tick = this.tick.then(() => this.beatAll());
    }, this.options.heartbeatIntervalMs ?? 5000);
    this.timer.unref();
  }

  /** Names of the nodes being kept alive. */
  names(): string[] {
    return [...this.nodes.keys()];
  }

  /** Heartbeat failures so far (each also went to the log). */
  heartbeatErrors(): readonly string[] {
    return this.errors;
  }

  /** Stops heartbeating; with `deleteNodes`, also deletes the Node objects (their Leases go by GC). */
  async stop(options: { deleteNodes?: boolean } = {}): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.tick;
    if (options.deleteNodes) {
      for (const name of this.nodes.keys()) await this.core.deleteNode({ name });
    }
    this.nodes.clear();
  }

  private async beatAll(): Promise<void> {
    const now = new Date();
    await Promise.all(this.names().map((name) => this.beat(name, now)));
  }

  private async beat(name: string, now: Date): Promise<void> {
    try {
      await this.coordination.patchNamespacedLease(
        { name, namespace: LEASE_NAMESPACE, body: { spec: { renewTime: microTime(now), holderIdentity: name } } },
        MERGE_PATCH,
      );
      const conditions = healthyConditions(now, this.nodes.get(name));
      await this.core.patchNodeStatus({ name, body: { status: { conditions } } }, MERGE_PATCH);
    } catch (error) {
      // A missed beat is survivable (the grace period is 40 s or more); record it and try again next tick.
      const line = `${now.toISOString()} heartbeat of node ${name} failed: ${error instanceof Error ? error.message : String(error)}`;
      this.errors.push(line);
      this.options.log?.(line);
    }
  }
}
