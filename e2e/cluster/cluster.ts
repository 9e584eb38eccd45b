// Starts and stops a whole harness cluster: PKI, etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and simulated nodes, on loopback with random ports and a private temp dir; logs under a run dir that stays.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from './apiserver.js';
import { startControllerManager } from './controller-manager.js';
import { startEtcd } from './etcd.js';
import { freePorts } from './free-port.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import { createRunDir } from './paths.js';
import { generatePki, type Pki } from './pki.js';
import { ProcessGroup, type ManagedProcess, type ProcessSpec } from './process-group.js';
import { startScheduler, type SchedulerConfigOptions } from './scheduler.js';
import { SimulatedNodes, type SimulatedNodeSpec } from './simulated-nodes.js';

/** Everything another process needs to use a running cluster (plain data, JSON-safe). */
export interface ClusterInfo {
  readonly kubeconfigPath: string;
  readonly apiServerUrl: string;
  /** Logs of every process; kept after teardown. */
  readonly runDir: string;
  /** Private scratch directory (certificates, etcd data, configs); removed at teardown. */
  readonly workDir: string;
  readonly pki: Pki;
}

export interface ClusterOptions {
  /** Simulated nodes to create once the API server is ready. */
  readonly nodes?: readonly SimulatedNodeSpec[];
  /** The default kube-scheduler's profile and extenders, or false for none. */
  readonly scheduler?: Omit<SchedulerConfigOptions, 'kubeconfigPath'> | false;
  /** Log directory; default a fresh one from createRunDir('cluster'). */
  readonly runDir?: string;
  /** Deadline for each component to become healthy (default 90 s: a cold 2-core machine is slow). */
  readonly componentTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /**
   * kube-controller-manager's --node-monitor-grace-period in seconds (default 20, upstream 50): a node whose
   * heartbeats stop is tainted unreachable this long after the last one, quick enough for tests to observe.
   */
  readonly nodeMonitorGracePeriodS?: number;
  readonly apiServerExtraArgs?: readonly string[];
  /**
   * Where the control plane's ports come from (default: asked from the kernel). Tests of the port-race retry pass
   * one that hands out a port already taken.
   */
  readonly freePorts?: (count: number) => Promise<number[]>;
}

/**
 * Ports are asked from the kernel and bound by the components a moment later; a harness running beside this one
 * (scripts/lib.sh beside_start) can take one in between. A start that failed only because a port was taken is
 * tried again with new ports, at most this many times in all; every other failure is final.
 */
const START_ATTEMPTS = 3;

export function isPortTakenFailure(error: unknown): boolean {
  return error instanceof Error && /address already in use/i.test(error.message);
}

/** Milliseconds each start-up phase took, and the total to a ready cluster. */
export interface ClusterTimings {
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly readyMs: number;
}

export interface Cluster extends ClusterInfo {
  readonly kubeConfig: KubeConfig;
  readonly nodes: SimulatedNodes;
  readonly timings: ClusterTimings;
  /** Plain data for other processes (vitest workers, app processes). */
  info(): ClusterInfo;
  /** Starts one more kube-scheduler (another profile name, e.g. with an extender); stopped with the cluster. */
  startScheduler(options: Omit<SchedulerConfigOptions, 'kubeconfigPath'>): Promise<ManagedProcess>;
  /** Starts any process (our apps, CSI sidecars) with its log in the run dir; stopped with the cluster. */
  startProcess(spec: ProcessSpec): Promise<ManagedProcess>;
  /** Every process the cluster started so far, in start order. */
  processes(): readonly ManagedProcess[];
  /** Problems seen so far: processes that ended on their own, failed heartbeats. Empty when healthy. */
  problems(): string[];
  /** Stops every process (reverse order, by PID) and removes the work dir. Safe to call twice. */
  stop(): Promise<{ teardownMs: number }>;
}

/** Loads a kubeconfig file into a client-node KubeConfig. */
export function loadKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

class PhaseClock {
  readonly phasesMs: Record<string, number> = {};
  private readonly startedAt = performance.now();
  private last = this.startedAt;

  mark(phase: string): void {
    const now = performance.now();
    this.phasesMs[phase] = Math.round(now - this.last);
    this.last = now;
  }

  totalMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }
}

/**
 * Starts a cluster; on any failure stops what it started and throws, naming the log directory. A start that lost
 * a port to another process is retried with new ports (START_ATTEMPTS), each attempt with its own log directory.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  for (let attempt = 1; ; attempt++) {
    const runDir = options.runDir === undefined ? undefined : attempt === 1 ? options.runDir : `${options.runDir}-attempt-${attempt}`;
    if (attempt > 1 && runDir !== undefined) mkdirSync(runDir, { recursive: true });
    try {
      return await startClusterOnce({ ...options, runDir });
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !isPortTakenFailure(error)) throw error;
      console.warn(`[e2e:cluster] start attempt ${attempt} lost a port to another process, trying again with new ports: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

async function startClusterOnce(options: ClusterOptions): Promise<Cluster> {
  const runDir = options.runDir ?? createRunDir('cluster');
  const workDir = mkdtempSync(join(tmpdir(), 'openlocal-e2e-'));
  const group = new ProcessGroup(runDir);
  // If this process exits without stop() (a forced exit), still remove keys and etcd data.
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  process.on('exit', removeWorkDir);
  const onFailure: (() => Promise<void>)[] = [() => Promise.resolve(void process.off('exit', removeWorkDir))];
  try {
    return await bootControlPlane({ options, runDir, workDir, group, onFailure, removeWorkDir });
  } catch (error) {
    for (const undo of onFailure) await undo();
    await group.stopAll();
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`cluster start failed (logs in ${runDir}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

interface BootInput {
  readonly options: ClusterOptions;
  readonly runDir: string;
  readonly workDir: string;
  readonly group: ProcessGroup;
  /** Undo steps for what is not a process (the heartbeat timer, the exit hook). */
  readonly onFailure: (() => Promise<void>)[];
  /** The exit hook that removes the work dir; stop() detaches it. */
  readonly removeWorkDir: () => void;
}

/** What a booted control plane consists of, before it is wrapped as a Cluster. */
interface Booted {
  readonly info: ClusterInfo;
  readonly kubeConfig: KubeConfig;
  readonly nodes: SimulatedNodes;
  readonly timings: ClusterTimings;
  readonly timeoutMs: number;
}

async function bootControlPlane(input: BootInput): Promise<Cluster> {
  const { options, runDir, workDir, group } = input;
  const timeoutMs = options.componentTimeoutMs ?? 90_000;
  const clock = new PhaseClock();
  const [etcdClient, etcdPeer, apiPort, kcmPort, schedulerPort] = (await (options.freePorts ?? freePorts)(5)) as [number, number, number, number, number];
  const pki = await generatePki(workDir);
  clock.mark('pki');
  const etcd = await startEtcd(group, { dataDir: join(workDir, 'etcd'), clientPort: etcdClient, peerPort: etcdPeer, timeoutMs });
  clock.mark('etcd');
  const apiServer = await startApiServer(group, {
    etcdUrl: etcd.url, securePort: apiPort, pki, workDir, timeoutMs, extraArgs: options.apiServerExtraArgs,
  });
  clock.mark('kube-apiserver');
  const kubeconfigPath = writeAdminKubeconfig(join(workDir, 'admin.kubeconfig'), { server: apiServer.url, pki });
  const kubeConfig = loadKubeConfig(kubeconfigPath);
  const nodes = new SimulatedNodes(kubeConfig, {
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    log: (line) => appendFileSync(join(runDir, 'simulated-nodes.log'), `${line}\n`),
  });
  input.onFailure.push(() => nodes.stop());
  const schedulerConfig = options.scheduler;
  await Promise.all([
    startControllerManager(group, {
      kubeconfigPath, securePort: kcmPort, pki, timeoutMs, nodeMonitorGracePeriodS: options.nodeMonitorGracePeriodS ?? 20,
    }),
    schedulerConfig === false
      ? Promise.resolve()
      : startScheduler(group, { ...schedulerConfig, kubeconfigPath, securePort: schedulerPort, pki, workDir, timeoutMs }),
    nodes.add(options.nodes ?? []),
  ]);
  clock.mark('controller-manager, scheduler, nodes');
  const info: ClusterInfo = { kubeconfigPath, apiServerUrl: apiServer.url, runDir, workDir, pki };
  return assembleCluster(input, { info, kubeConfig, nodes, timeoutMs, timings: { phasesMs: clock.phasesMs, readyMs: clock.totalMs() } });
}

function assembleCluster(input: BootInput, booted: Booted): Cluster {
  const { group } = input;
  const { info, nodes, timeoutMs } = booted;
  let stopped: Promise<{ teardownMs: number }> | undefined;
  return {
    ...info,
    kubeConfig: booted.kubeConfig,
    nodes,
    timings: booted.timings,
    info: () => info,
    startScheduler: async (schedulerOptions) => {
      const [port] = (await freePorts(1)) as [number];
      return startScheduler(group, {
        ...schedulerOptions, kubeconfigPath: info.kubeconfigPath, securePort: port, pki: info.pki, workDir: info.workDir, timeoutMs,
      });
    },
    startProcess: (spec) => group.start(spec),
    processes: () => group.list(),
    problems: () => [...group.unexpectedExits(), ...nodes.heartbeatErrors()],
    stop: () => {
      stopped ??= (async () => {
        const startedAt = performance.now();
        await nodes.stop();
        await group.stopAll();
        input.removeWorkDir();
        process.off('exit', input.removeWorkDir);
        return { teardownMs: Math.round(performance.now() - startedAt) };
      })();
      return stopped;
    },
  };
}
