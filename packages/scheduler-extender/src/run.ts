// Wiring only: flags → logger, kube client, state, extender, informers, HTTP server; SIGTERM/SIGINT stop the
// server, then the informers. The extender answers "not synced" until every informer has listed once.
import { KubeConfig } from '@kubernetes/client-node';
import type { Server } from 'node:http';
import { systemClock } from '@openlocal/kube-runtime';
import { pino } from 'pino';
import { createHttpApp } from './adapters/http-app.js';
import { createInformers } from './adapters/kube-informers.js';
import { cacheSnapshot, createMetrics } from './adapters/metrics.js';
import { createExtenderServer, readTlsMaterial, type TlsMaterial } from './adapters/server.js';
import { parseConfig, type Config } from './cli.js';
import { ClusterState } from './core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { Extender } from './core/extender.js';
import { MetricObjects } from './core/metric-objects.js';
import { storagePicture } from './core/storage-picture.js';
import { VERSION } from './version.js';

const EXPIRY_SWEEP_MS = 5_000;

function loadKubeConfig(config: Config): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig !== undefined) kubeConfig.loadFromFile(config.kubeconfig);
  else kubeConfig.loadFromDefault();
  if (config.master !== undefined) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster !== null) kubeConfig.clusters = kubeConfig.clusters.map((c) => (c.name === cluster.name ? { ...c, server: config.master ?? c.server } : c));
  }
  return kubeConfig;
}

function listen(listener: ReturnType<typeof createHttpApp>, config: Config, tls: TlsMaterial | undefined): Promise<Server> {
  const { headersTimeoutMs, requestTimeoutMs, maxConnections } = config;
  return new Promise((resolve, reject) => {
    const server = createExtenderServer(listener, { tls, headersTimeoutMs, requestTimeoutMs, maxConnections });
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export async function run(argv: readonly string[]): Promise<void> {
  const config = parseConfig(argv);
  // Bad certificate paths stop the start here, before anything runs, with the flag and the path named.
  const tls = config.tls === undefined ? undefined : readTlsMaterial(config.tls);
  const logger = pino({ level: config.logLevel, base: { component: 'scheduler-extender' } });
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: config.strategy, reservationTtlMs: config.reservationTtlMs });
  const { strategy, antiAffinity, isChoosingNode, reservationTtlMs } = config;
  const extender = new Extender({ state, strategy, antiAffinity, isChoosingNode, reservationTtlMs });
  const objects = new MetricObjects(PROVISIONER_NAMES);
  const metrics = createMetrics(state, { withDefaultMetrics: true, objects });
  const stop = new AbortController();
  let isSynced = false;
  const informers = createInformers({
    kubeConfig: loadKubeConfig(config),
    state,
    objects,
    logger,
    clock: systemClock,
    onRestart: (kind) => metrics.informerRestarts.inc({ kind }),
    onSynced: () => {
      isSynced = true;
      // Plans are re-derived in one canonical order so a restarted extender decides as the old one would.
      state.rebuildPlans(systemClock.now());
      extender.setSynced(true);
      logger.info({ counts: state.counts() }, 'cache synced');
    },
  });
  const running = informers.map((informer) => informer.run(stop.signal));
  const app = createHttpApp({ extender, state, metrics, logger, clock: systemClock, version: VERSION, isReady: () => isSynced,
    limits: config.limits, podWaitMs: config.podWaitMs,
    picture: () => storagePicture(cacheSnapshot(state, objects)),
  });
  const server = await listen(app, config, tls);
  logger.info({ port: config.port, host: config.host, strategy: config.strategy, chooseNode: config.isChoosingNode, tls: config.tls !== undefined, clientCa: config.tls?.clientCaFile !== undefined }, 'listening');
  const sweep = setInterval(() => state.expire(systemClock.now()), EXPIRY_SWEEP_MS);
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    clearInterval(sweep);
    server.close();
    server.closeAllConnections();
    stop.abort();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await Promise.all(running);
  logger.info('stopped');
}
