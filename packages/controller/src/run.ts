// Wiring only: flags → adapters → controller and leader election; HTTP endpoints; ordered graceful shutdown
// (stop leading and let in-flight reconciles finish, release the lease, stop informers, close HTTP).
import { pino } from 'pino';
import { createEventRecorder, createLeaseStore, LeaderElector, loadKubeConfig, startHttpServer, systemClock } from '@openlocal/kube-runtime';
import { createClusterLists } from './adapters/cluster-lists.js';
import { createNlsWriter } from './adapters/nls-api.js';
import { parseConfig } from './cli.js';
import { NlsController } from './services/controller.js';
import { createControllerMetrics } from './adapters/metrics.js';
import { createNodeLossApi } from './adapters/node-loss-api.js';
import { NodeLossRecovery } from './services/node-loss.js';

export async function run(argv: readonly string[]): Promise<void> {
  const config = parseConfig(argv);
  const logger = pino({ level: config.logLevel, base: { component: 'open-local-controller', identity: config.leaderElectIdentity } });
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const clock = systemClock;
  const metrics = createControllerMetrics();
  const controller = new NlsController({
    kubeConfig, clock, logger, metrics,
    lists: createClusterLists(kubeConfig),
    writer: createNlsWriter(kubeConfig),
    events: createEventRecorder(kubeConfig, { component: 'open-local-controller', instance: config.leaderElectIdentity, clock, logger }),
    initConfigName: config.initconfig, workers: config.workers, resyncPeriodMs: config.resyncPeriod,
    isUpdateEnabled: config.updateNls, retry: { baseMs: 200, maxMs: 60_000 },
  });
  const recovery = config.nodeLossRecovery
    ? new NodeLossRecovery({ api: createNodeLossApi(kubeConfig), clock, logger, graceMs: config.nodeLossGrace, intervalMs: config.nodeLossInterval })
    : undefined;
  // The leader's work: the NLS control loop, and node-loss recovery when enabled.
  const lead = (signal: AbortSignal): Promise<void> => Promise.all([controller.lead(signal), recovery?.run(signal)]).then(() => undefined);
  const http = await startHttpServer({ host: config.httpHost, port: config.httpPort, registry: metrics.registry, notReadyReasons: () => controller.notReadyReasons() });
  logger.info({ port: http.port }, 'serving /healthz, /readyz and /metrics');
  controller.start();

  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      stop.abort();
    });
  }
  let leading: Promise<void> = Promise.resolve();
  const endLeading = async (): Promise<void> => {
    metrics.isLeader.set(0);
    const giveUp = new AbortController();
    const timedOut = clock.sleep(config.shutdownTimeout, giveUp.signal).then((elapsed) => {
      if (elapsed) logger.warn('in-flight reconciles did not finish in time');
    });
    await Promise.race([leading, timedOut]);
    giveUp.abort();
  };
  if (config.leaderElect) {
    const elector = new LeaderElector({
      store: createLeaseStore(kubeConfig, { name: config.leaderElectLeaseName, namespace: config.leaderElectLeaseNamespace }),
      clock, logger, identity: config.leaderElectIdentity,
      leaseDurationMs: config.leaderElectLeaseDuration, renewPeriodMs: config.leaderElectRenewPeriod, retryPeriodMs: config.leaderElectRetryPeriod,
      onStartedLeading: (signal) => {
        metrics.isLeader.set(1);
        leading = lead(signal);
      },
      onStoppedLeading: endLeading,
    });
    await elector.run(stop.signal);
  } else {
    metrics.isLeader.set(1);
    leading = lead(stop.signal);
    await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
    await endLeading();
  }
  controller.shutDown();
  await http.close();
  logger.info('stopped');
}
