// Wiring only: build the adapters from the Config, hand them to the services, serve CSI, then (node mode) offer
// kubelet the registration socket; on SIGTERM/SIGINT withdraw it, stop accepting calls, let running ones
// finish, then exit.
import type { KubeConfig } from '@kubernetes/client-node';
import { isInCluster, loadKubeConfig } from '@openlocal/kube-runtime';
import { CommandRegistry, createLocalExecutor, Lvm, observeExecutor, StorageWatch } from '@openlocal/lvm';
import { pino, type Logger } from 'pino';
import { createAdopter, type Adopter, type AdopterDeps } from './adapters/adopter.js';
import { createClaimStore } from './adapters/claim-store.js';
import { createControllerService } from './adapters/controller-service.js';
import { buildServiceEntries } from './adapters/csi-services.js';
import { createExtenderClient } from './adapters/extender-client.js';
import { startGrpcServer, type RunningServer } from './adapters/grpc-server.js';
import { createHost } from './adapters/host.js';
import { createIdentityService } from './adapters/identity-service.js';
import { createIoThrottle } from './adapters/io-throttle.js';
import { createNodeService } from './adapters/node-service.js';
import { createOpenLocalApi, type OpenLocalApi } from './adapters/open-local-api.js';
import type { CapacitySource } from './adapters/capacity.js';
import { createManagedVgLookup } from './adapters/managed-vg-lookup.js';
import type { ManagedVgLookup } from './core/managed-vgs.js';
import { createCsiMetrics, startMetricsServer, type CsiMetrics } from './adapters/metrics.js';
import { loadCsiProto } from './adapters/proto.js';
import { startRegistrationServer } from './adapters/registration-server.js';
import { createToolCheck } from './adapters/tool-check.js';
import { startSnapshotGrower } from './adapters/snapshot-grower.js';
import { startStorageHealth, type StorageHealthMonitor } from './adapters/storage-health.js';
import { parseConfig, type Config } from './cli.js';
import { planRegistration } from './core/registration.js';
import { VolumeLocks } from './core/volume-locks.js';
import { PLUGIN_VERSION } from './version.js';

/** The running plugin: its CSI socket, where it registered with kubelet (if it did) and its metrics port. */
export interface RunningPlugin extends RunningServer {
  registrationSocketPath: string | undefined;
  /** undefined when --metrics-port is -1. */
  metricsPort: number | undefined;
  /** The disk probes behind /readyz (hung VGs and commands). */
  storageHealth: StorageHealthMonitor;
}

/**
 * Kubelet dials the CSI endpoint right after GetInfo, so this runs only once the CSI socket serves. When it
 * fails, startPlugin closes what it already started before rethrowing.
 */
async function registerWithKubelet(config: Config, deps: { logger: Logger; metrics: CsiMetrics }): Promise<RunningServer | undefined> {
  const plan = planRegistration(config);
  if (!plan.isEnabled) {
    deps.logger.info({ reason: plan.reason }, 'not registering with kubelet');
    return undefined;
  }
  for (const warning of plan.warnings) deps.logger.warn(warning);
  return startRegistrationServer({ socketPath: plan.socketPath, info: plan.info, logger: deps.logger, metrics: deps.metrics });
}

/** --kubeconfig, else the in-cluster service account; undefined for a bare process without either. */
function apiKubeConfig(config: Config): KubeConfig | undefined {
  return config.kubeconfig === '' && !isInCluster() ? undefined : loadKubeConfig(config.kubeconfig);
}

/**
 * The API reads a node plugin makes (Open-Local's PVs, its NLS). Without API access (a bare process in a test)
 * undefined, and the log says what is then `lost`; controller mode needs none.
 */
function nodeApi(config: Config, logger: Logger, lost: string): OpenLocalApi | undefined {
  if (config.mode !== 'node') return undefined;
  const kubeConfig = apiKubeConfig(config);
  if (kubeConfig === undefined) {
    logger.warn(`no --kubeconfig and not in a cluster: ${lost}`);
    return undefined;
  }
  return createOpenLocalApi({ kubeConfig, timeoutMs: ADOPTION_API_TIMEOUT_MS });
}

/** Volumes Open-Local created are adopted through their PVs (#15); without the API only our own volumes are served. */
function createAdoption(config: Config, deps: Omit<AdopterDeps, 'source' | 'nodeId'>): Adopter | undefined {
  const source = nodeApi(config, deps.logger, 'volumes created by Open-Local (untagged LVs) will not be adopted');
  return source === undefined ? undefined : createAdopter({ ...deps, nodeId: config.nodeid, source });
}

/** New LVs only in the VGs this node's NLS manages (issue #16); without the API only --vg-regexp applies. */
function createManagedVgs(config: Config, logger: Logger): ManagedVgLookup | undefined {
  const source = nodeApi(config, logger, 'new LVs may go to any VG --vg-regexp allows, not only those the NLS manages');
  return source === undefined ? undefined : createManagedVgLookup({ source, nodeId: config.nodeid });
}

/**
 * GetCapacity's view (issue #14): this node's NLS allocatable minus the Open-Local PVs on it, read through the
 * API; without it GetCapacity answers free VG space.
 */
function createCapacitySource(config: Config, logger: Logger): CapacitySource | undefined {
  return nodeApi(config, logger, 'GetCapacity answers free VG space, not NLS allocatable minus provisioned PVs');
}

const ADOPTION_API_TIMEOUT_MS = 10_000;

/** Builds every part and starts serving; the returned server is what a test stops. */
/** How often a node looks for read-only snapshots past their expansion threshold (Open-Local's agent: each discovery). */
const SNAPSHOT_GROWTH_INTERVAL_MS = 30_000;

export async function startPlugin(config: Config, logger: Logger): Promise<RunningPlugin> {
  const metrics = createCsiMetrics();
  const env: Record<string, string> = { LC_ALL: 'C', LVM_SUPPRESS_FD_WARNINGS: '1', ...(config.lvmSystemDir ? { LVM_SYSTEM_DIR: config.lvmSystemDir } : {}) };
  const registry = new CommandRegistry(() => performance.now());
  const local = createLocalExecutor({ env, registry, defaultTimeoutMs: config.commandTimeoutMs });
  const executor = observeExecutor(local, { observe: metrics.observeCommand, now: () => performance.now() });
  const lvm = new Lvm({ executor, env, ignoreSuspendedDevices: true, commandTimeoutMs: config.commandTimeoutMs });
  const watch = new StorageWatch({ readState: () => lvm.readState(), executor, registry, probeTimeoutMs: config.diskProbeTimeoutMs, isManagedVg: (name) => config.vgRegexp.test(name) });
  const storageHealth = startStorageHealth({ watch, intervalMs: config.mode === 'node' ? config.diskProbeIntervalMs : 0, registry: metrics.registry, logger });
  const metricsServer =
    config.metricsPort < 0
      ? undefined
      : await startMetricsServer({ host: config.metricsHost, port: config.metricsPort, metrics, logger, notReadyReasons: () => storageHealth.notReadyReasons() });
  const host = createHost({ executor, sysfsRoot: config.sysfs, deviceRegexp: config.deviceRegexp, mountDir: config.mountDir });
  const claims = createClaimStore(config.stateDir);
  const plans = config.extenderUrl === '' ? undefined : createExtenderClient({ baseUrl: config.extenderUrl, timeoutMs: config.extenderTimeoutMs });
  const adopter = createAdoption(config, { lvm, host, claims, vgRegexp: config.vgRegexp, logger });
  const managedVgs = createManagedVgs(config, logger);
  const common = { nodeId: config.nodeid, lvm, host, claims, vgRegexp: config.vgRegexp, adopter, health: storageHealth, managedVgs, logger };
  const identity = createIdentityService({ mode: config.mode, version: PLUGIN_VERSION, tools: createToolCheck(executor, env) });
  const controller = createControllerService({ ...common, mode: config.mode, plans, capacitySource: createCapacitySource(config, logger) });
  const node =
    config.mode === 'node'
      ? createNodeService({
          ...common,
          kubeletDir: config.kubeletDir,
          maxVolumesPerNode: config.maxVolumesPerNode,
          throttle: createIoThrottle({ cgroupRoot: config.cgroupRoot, kubeletDir: config.kubeletDir }),
        })
      : undefined;
  // Read-only snapshots grow before they fill (their class's threshold and step, recorded on the LV).
  const grower = startSnapshotGrower({ lvm, vgRegexp: config.vgRegexp, logger, intervalMs: config.mode === 'node' ? SNAPSHOT_GROWTH_INTERVAL_MS : 0 });
  const services = buildServiceEntries({ proto: loadCsiProto(), identity, controller, node, logger, locks: new VolumeLocks(), metrics });
  const server = await startGrpcServer({ endpoint: config.endpoint, services, logger });
  const registration = await registerWithKubelet(config, { logger, metrics }).catch(async (error: unknown) => {
    await server.close(0);
    await metricsServer?.close();
    storageHealth.stop();
    grower.stop();
    throw error;
  });
  return {
    socketPath: server.socketPath,
    registrationSocketPath: registration?.socketPath,
    metricsPort: metricsServer?.port,
    storageHealth,
    close: async (graceMs) => {
      storageHealth.stop();
      grower.stop();
      // Removing the registration socket first makes kubelet deregister before the CSI socket goes away.
      await registration?.close(graceMs);
      await server.close(graceMs);
      await metricsServer?.close();
    },
  };
}

/** The process entry: flags, logger, server, signals. */
export async function run(argv: readonly string[]): Promise<void> {
  const config = parseConfig(argv);
  const logger = pino({ level: config.logLevel, base: { app: 'csi-plugin', mode: config.mode, node: config.nodeid } });
  logger.info({ config: { ...config, deviceRegexp: String(config.deviceRegexp), vgRegexp: String(config.vgRegexp) }, version: PLUGIN_VERSION }, 'starting');
  const server = await startPlugin(config, logger);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      void server.close(config.shutdownGraceMs).then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('stopped');
}
