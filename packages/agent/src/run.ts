// Wiring only: flags → adapters (Kubernetes, lvm, host) → the agent loop; HTTP endpoints; graceful shutdown
// (finish the running pass, stop the watch, close HTTP).
import { CommandRegistry, createLocalExecutor, Lvm, observeExecutor, StorageWatch } from '@openlocal/lvm';
import { pino } from 'pino';
import { createEventRecorder, loadKubeConfig } from '@openlocal/kube-runtime';
import { HostStorage } from './adapters/host-storage.js';
import { startHttpServer } from '@openlocal/kube-runtime';
import { createNlsStatusWriter } from './adapters/nls-api.js';
import { OwnNlsInformer } from './adapters/own-nls.js';
import { Agent, nlsEventTarget } from './services/agent.js';
import { parseConfig } from './cli.js';
import { systemClock } from '@openlocal/kube-runtime';
import { EventSink } from './services/event-sink.js';
import { createAgentMetrics } from './adapters/metrics.js';
import { ResourceInitializer } from './adapters/resource-initializer.js';
import { RecentLvmState } from './adapters/recent-lvm-state.js';
import { createOrphanDetection } from './services/orphan-keeper.js';

export async function run(argv: readonly string[]): Promise<void> {
  const config = parseConfig(argv, process.env);
  const logger = pino({ level: config.logLevel, base: { component: 'open-local-agent', node: config.nodename } });
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const clock = systemClock;
  const metrics = createAgentMetrics(config.nodename);
  const lvmEnv: Record<string, string> = { LVM_SUPPRESS_FD_WARNINGS: '1', ...(config.lvmSystemDir === '' ? {} : { LVM_SYSTEM_DIR: config.lvmSystemDir }) };
  // Every command has a deadline, and lvm skips suspended devices, so one hung disk cannot stall the passes.
  const commandTimeoutMs = config.commandTimeout * 1000;
  const registry = new CommandRegistry(() => performance.now());
  const local = createLocalExecutor({ env: lvmEnv, registry, defaultTimeoutMs: commandTimeoutMs });
  const executor = observeExecutor(local, { observe: metrics.observeCommand, now: () => performance.now() });
  const lvm = new Lvm({ executor, env: lvmEnv, ignoreSuspendedDevices: true, commandTimeoutMs });
  // The probes reuse the pass's lvm report while it is at most two intervals old (one report per interval, #19).
  const recentState = new RecentLvmState({ lvm, maxAgeMs: 2 * config.interval * 1000, now: () => performance.now() });
  const watch = new StorageWatch({ readState: () => recentState.readRecent(), executor, registry, probeTimeoutMs: config.diskProbeTimeout * 1000 });
  const probes = setInterval(() => void watch.check().catch((error: unknown) => logger.warn({ err: error }, 'disk probe failed')), config.interval * 1000);
  probes.unref();
  const host = new HostStorage({ lvm: recentState, executor, sysfsRoot: config.sysfs, deviceRegexp: config.regexp, mountRoot: config.mount });
  const source = new OwnNlsInformer({ kubeConfig, nodeName: config.nodename, clock, logger, onRestart: () => metrics.informerRestarts.inc({ informer: 'nodelocalstorage' }) });
  const recorder = createEventRecorder(kubeConfig, { component: 'open-local-agent', instance: config.nodename, clock, logger });
  const events = new EventSink(recorder, () => nlsEventTarget(config.nodename, source.current()));
  const orphans = createOrphanDetection({
    nodeName: config.nodename, kubeConfig, lvm, clock, logger, registry: metrics.registry, flags: config,
    onRestart: () => metrics.informerRestarts.inc({ informer: 'persistentvolumes' }),
  });
  const agent = new Agent({
    nodeName: config.nodename, lvm, host, source, events, clock, logger, metrics,
    initializer: new ResourceInitializer({ lvm, executor, host, events, logger }),
    writer: createNlsStatusWriter(kubeConfig),
    lvNamePrefix: config.lvname, intervalMs: config.interval * 1000, heartbeatMs: config.heartbeatInterval * 1000,
    ...(orphans === undefined ? {} : { orphans: orphans.keeper }),
  });
  const http = await startHttpServer({
    host: config.metricsHost, port: config.metricsPort, registry: metrics.registry,
    notReadyReasons: () => [...(source.hasSynced ? [] : ['the NodeLocalStorage watch has not listed yet']), ...(agent.isReady ? [] : ['no status written yet']), ...watch.notReadyReasons()],
  });
  logger.info({ port: http.port }, 'serving /healthz, /readyz and /metrics');
  source.start();
  orphans?.pvs.start();

  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      stop.abort();
    });
  }
  await agent.run(stop.signal);
  clearInterval(probes);
  source.shutDown();
  orphans?.pvs.shutDown();
  await http.close();
  logger.info('stopped');
}
