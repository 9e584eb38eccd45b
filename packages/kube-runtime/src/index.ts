// @openlocal/kube-runtime: the small runtime pieces every Open-Local app needs — an injectable clock, retry
// backoff, informers that restart after errors, a keyed work queue, Lease leader election, an Event recorder,
// the metrics/health HTTP server, API error helpers, JSON comparison for "write only on change" and runMain
// with the one fatal handler.
export { httpStatusOf } from './api-errors.js';
export { backoffDelayMs, type BackoffPolicy } from './backoff.js';
export { createCommandMetrics, type ObservedCommand } from './command-metrics.js';
export { systemClock, type Clock } from './clock.js';
export { createEventRecorder, type EventRecord, type EventRecorder, type EventTarget } from './event-recorder.js';
export { listenHttpServer, startHttpServer, type HttpServerOptions, type RunningHttpServer } from './http-server.js';
export { Informer, type InformerOptions } from './informer.js';
export { isInCluster, loadKubeConfig, type KubeConfigOptions } from './kube-config.js';
export { ApiRequestError, patchObject, type PatchRequest } from './api-request.js';
export { dropManagedFields, listObjects, ListError } from './list-objects.js';
export { installFatalHandlers, runMain, type FatalKind, type MainProcess } from './main-runner.js';
export { isSameJson } from './same-json.js';
export { DeadlineExceededError, withDeadline } from './deadline.js';
export { LeaderElector, type LeaderElectorOptions, type LeaseStore } from './leader-elector.js';
export { decideLease, releasedRecord, type LeaseDecision, type LeaseDecisionInput, type LeaseRecord, type ObservedLease } from './core/lease-decision.js';
export { createLeaseStore } from './lease-store.js';
export { WorkQueue, type WorkQueueOptions } from './work-queue.js';
