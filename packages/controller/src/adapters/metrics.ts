// The controller's Prometheus metrics, in a registry of its own (no global default registry).
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface ControllerMetrics {
  readonly registry: Registry;
  readonly isLeader: Gauge;
  readonly writes: Counter<'verb'>;
  readonly reconciles: Counter<'result'>;
  readonly queueDepth: Gauge;
  readonly informerRestarts: Counter<'informer'>;
  readonly nlsCount: Gauge;
}

export function createControllerMetrics(): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    isLeader: new Gauge({ name: 'openlocal_controller_is_leader', help: '1 while this replica holds the leader lease', registers: [registry] }),
    writes: new Counter({ name: 'openlocal_controller_nls_writes_total', help: 'NodeLocalStorage writes by verb (create, update, delete)', labelNames: ['verb'], registers: [registry] }),
    reconciles: new Counter({ name: 'openlocal_controller_reconciles_total', help: 'Reconciles of one node by result (changed, unchanged, error)', labelNames: ['result'], registers: [registry] }),
    queueDepth: new Gauge({ name: 'openlocal_controller_queue_depth', help: 'Keys waiting in the work queue', registers: [registry] }),
    informerRestarts: new Counter({ name: 'openlocal_controller_informer_restarts_total', help: 'List/watch restarts after errors', labelNames: ['informer'], registers: [registry] }),
    nlsCount: new Gauge({ name: 'openlocal_controller_nodelocalstorages', help: 'NodeLocalStorage objects in the cache', registers: [registry] }),
  };
}
