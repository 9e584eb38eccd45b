// Wiring only: flags → logger, kube client, state, extender, informers, HTTP server; SIGTERM/SIGINT stop the
// server, then the informers. The extender answers "not synced" until every informer has listed once.
import { listenHttpServer, loadKubeConfig, systemClock } from '@openlocal/kube-runtime';
import { pino } from 'pino';
import { ClaimRescuer, apiClaimAnnotationWriter, rescueIntervalMs } from './adapters/claim-rescuer.js';
import { createHttpApp } from './adapters/http-app.js';
import { createInformers } from './adapters/kube-informers.js';
import { cacheSnapshot, createMetrics } from './adapters/metrics.js';
import { createExtenderServer, readTlsMaterial } from './adapters/server.js';
import { parseConfig } from './cli.js';
import { ClusterState } from './core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { Extender } from './core/extender.js';
import { MetricObjects } from './core/metric-objects.js';
import { storagePicture } from './core/storage-picture.js';
import { VERSION } from './version.js';

const EXPIRY_SWEEP_MS = 5_000;

export async function run(argv: readonly string[]): Promise<void> {
  const config = parseConfig(argv);
  // Bad certificate paths stop the start here, before anything runs, with the flag and the path named.
  const tls = config.tls === undefined ? undefined : readTlsMaterial(config.tls);
  const logger = pino({ level: config.logLevel, base: { component: 'scheduler-extender' } });
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: config.strategy, reservationTtlMs: config.reservationTtlMs });
  const { strategy, antiAffinity, isChoosingNode, reservationTtlMs, isPreferringStoragelessNodes } = config;
  const extender = new Extender({ state, strategy, antiAffinity, isChoosingNode, reservationTtlMs, isPreferringStoragelessNodes });
  const objects = new MetricObjects(PROVISIONER_NAMES);
  const metrics = createMetrics(state, { withDefaultMetrics: true, objects });
  const stop = new AbortController();
  let isSynced = false;
  const kubeConfig = loadKubeConfig(config.kubeconfig ?? '', { fallback: 'default', ...(config.master === undefined ? {} : { server: config.master }) });
  const informers = createInformers({
    kubeConfig,
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
  const { headersTimeoutMs, requestTimeoutMs, maxConnections } = config;
  const server = await listenHttpServer(createExtenderServer(app, { tls, headersTimeoutMs, requestTimeoutMs, maxConnections }), config);
  logger.info({ port: config.port, host: config.host, strategy: config.strategy, chooseNode: config.isChoosingNode, tls: config.tls !== undefined, clientCa: config.tls?.clientCaFile !== undefined }, 'listening');
  const sweep = setInterval(() => state.expire(systemClock.now()), EXPIRY_SWEEP_MS);
  const rescuer = new ClaimRescuer({ source: state, strategy, writer: apiClaimAnnotationWriter(kubeConfig), logger, graceMs: config.rescueAfterMs });
  const rescueSweep = config.rescueAfterMs > 0 ? setInterval(() => void (isSynced ? rescuer.sweep(systemClock.now()) : undefined), rescueIntervalMs(config.rescueAfterMs)) : undefined;
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    clearInterval(sweep);
    clearInterval(rescueSweep);
    void server.close();
    stop.abort();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await Promise.all(running);
  logger.info('stopped');
}
