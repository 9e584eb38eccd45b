// Prometheus metrics of the CSI calls (count and latency per method and gRPC code), of the commands run on the
// node (openlocal_command_*) and of kubelet's registration verdicts, and the HTTP server that serves them with
// /healthz (kube-runtime's operations server). The registry is created per plugin, never global.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createCommandMetrics, startHttpServer, type ObservedCommand, type RunningHttpServer } from '@openlocal/kube-runtime';

export interface CsiMetrics {
  registry: Registry;
  /** Records one finished call; `code` is the gRPC status name (OK, INVALID_ARGUMENT, ...). */
  observe(method: string, code: string, seconds: number): void;
  /** Records one NotifyRegistrationStatus from kubelet. */
  observeRegistration(isRegistered: boolean): void;
  /** Records one command run on the node (lvm, mkfs, mount): openlocal_command_*. */
  observeCommand(record: ObservedCommand): void;
}

export function createCsiMetrics(): CsiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const total = new Counter({ name: 'openlocal_csi_requests_total', help: 'CSI calls by method and gRPC code', labelNames: ['method', 'code'], registers: [registry] });
  const duration = new Histogram({
    name: 'openlocal_csi_request_duration_seconds',
    help: 'CSI call latency by method and gRPC code',
    labelNames: ['method', 'code'],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers: [registry],
  });
  const verdicts = new Counter({
    name: 'openlocal_csi_kubelet_registration_total',
    help: 'NotifyRegistrationStatus calls from kubelet by result (registered or failed)',
    labelNames: ['result'],
    registers: [registry],
  });
  const registered = new Gauge({ name: 'openlocal_csi_kubelet_registered', help: '1 when kubelet last reported the driver registered, else 0', registers: [registry] });
  const observeCommand = createCommandMetrics(registry);
  return {
    registry,
    observeCommand,
    observe(method, code, seconds) {
      total.inc({ method, code });
      duration.observe({ method, code }, seconds);
    },
    observeRegistration(isRegistered) {
      verdicts.inc({ result: isRegistered ? 'registered' : 'failed' });
      registered.set(isRegistered ? 1 : 0);
    },
  };
}

export type MetricsServer = RunningHttpServer;

/** Serves GET /metrics, /healthz and /readyz on host:port (port 0 = any free port) through kube-runtime's server. */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  metrics: CsiMetrics;
  logger: Logger;
  /** Why /readyz answers 503 (hung disks and commands); empty = ready. */
  notReadyReasons?: () => string[];
}): Promise<MetricsServer> {
  const server = await startHttpServer({
    host: options.host,
    port: options.port,
    registry: options.metrics.registry,
    ...(options.notReadyReasons ? { notReadyReasons: options.notReadyReasons } : {}),
  });
  options.logger.info({ host: options.host, port: server.port }, 'serving /metrics and /healthz');
  return server;
}
