// The extender's HTTP surface (Open-Local's routes): decode and validate, call the core, encode. Every error
// goes through toServiceError once, so bad input is a 400 with a message and never takes the process down.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ClusterState } from '../core/cluster-state.js';
import { ExtenderError } from '../core/errors.js';
import type { Extender } from '../core/extender.js';
import type { PodShape } from '../core/k8s-shapes.js';
import { statusPageHtml } from '../core/status-page.js';
import { pictureToText, type PictureNode } from '../core/storage-picture.js';
import { zodErrorToMessage, type ExtenderFilterResult } from '../core/wire.js';
import { decodeExtenderBody, HostPriorityEncoder, NodeNamesMemo, type ExtenderBody } from './extender-body.js';
import { createFastLane, passThroughAnswer, writeJson, type RequestListener } from './fast-lane.js';
import { HTTP_STATUS_BY_CODE, toServiceError } from './http-errors.js';
import type { ExtenderMetrics } from './metrics.js';
import { DEFAULT_REQUEST_LIMITS, withRequestLimits, type RequestLimits } from './request-limits.js';

export interface HttpAppOptions {
  extender: Extender;
  state: ClusterState;
  metrics: ExtenderMetrics;
  logger: Logger;
  clock: { now(): number };
  version: string;
  isReady: () => boolean;
  /** The storage picture for GET /status (HTML, or text with ?format=text); without it the route is 404. */
  picture?: () => PictureNode[];
  /** Largest accepted body; a full NodeList of 5000 nodes is tens of MB. Overrides limits.maxBodyBytes. */
  bodyLimitBytes?: number;
  /** Bounds on bodies and requests in flight (request-limits.ts); DEFAULT_REQUEST_LIMITS when absent. */
  limits?: Partial<RequestLimits>;
  /**
   * How long a filter for a pod the informer has not delivered yet waits for it before refusing (kube-scheduler
   * may ask a moment before the extender's watch brings the pod); default 1000 ms.
   */
  podWaitMs?: number;
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const schedulingRequest = z.object({
  namespace: z.string().regex(DNS_NAME, 'must be a DNS name'),
  name: z.string().regex(DNS_NAME, 'must be a DNS name'),
  nodeName: z.string({ error: 'query parameter nodeName is required' }).regex(DNS_NAME, 'must be a DNS name'),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ExtenderError('INVALID_ARGUMENT', zodErrorToMessage(result.error));
  return result.data;
}

function filterSummary(pod: PodShape, result: ExtenderFilterResult): Record<string, unknown> {
  const passing = result.NodeNames?.length ?? result.Nodes?.items.length;
  return { pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`, passing, failed: Object.keys(result.FailedNodes).length };
}

const DEFAULT_POD_WAIT_MS = 1000;
const POD_POLL_MS = 20;

/** Waits until the informer has delivered `pod` (or `ms` passed): kube-scheduler may ask a moment first. */
async function awaitPod(extender: Extender, pod: PodShape, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (extender.isAwaitingPod(pod) && performance.now() < deadline) await sleep(POD_POLL_MS);
}

/** The request listener of the extender's HTTP server: request limits, then the fast lane, then express. */
export function createHttpApp(options: HttpAppOptions): RequestListener {
  const { extender, metrics, logger } = options;
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
  if (options.bodyLimitBytes !== undefined) limits.maxBodyBytes = options.bodyLimitBytes;
  const bodyLimitBytes = limits.maxBodyBytes;
  const decoded = new WeakMap<IncomingMessage, ExtenderBody>();
  const nodeNames = new NodeNamesMemo();
  const app = createExpressApp(options, { bodyLimitBytes, decoded, nodeNames });
  const lane = createFastLane({ extender, metrics, logger, bodyLimitBytes, decoded, nodeNames, next: (req, res) => app(req, res) });
  return withRequestLimits({
    limits,
    next: lane,
    onRefused: (reason, req) => {
      metrics.requestsRefused.inc({ reason });
      logger.warn({ reason, method: req.method, path: req.url, remote: req.socket.remoteAddress }, 'request refused by limits');
    },
  });
}

function createExpressApp(
  options: HttpAppOptions,
  shared: { bodyLimitBytes: number; decoded: WeakMap<IncomingMessage, ExtenderBody>; nodeNames: NodeNamesMemo },
): express.Express {
  const { extender, state, metrics, clock } = options;
  const decode = (req: Request): ExtenderBody => shared.decoded.get(req) ?? decodeExtenderBody(req.body, shared.nodeNames);
  const priorities = new HostPriorityEncoder();
  const app = express();
  // Read once: building debug objects per request costs time on the hot path even when pino drops them.
  const isDebug = options.logger.isLevelEnabled('debug');
  app.disable('x-powered-by');
  // ETags hash every response body: ~0.2 ms per 5000-name answer that no client ever revalidates.
  app.set('etag', false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.requestDuration.startTimer();
    res.on('finish', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const seconds = end({ route, status: String(res.statusCode) });
      if (isDebug) options.logger.debug({ method: req.method, path: req.path, status: res.statusCode, ms: seconds * 1000 }, 'request');
    });
    next();
  });
  // Raw bytes: the extender routes read kube-scheduler's usual shape without decoding the node names.
  // The fast lane may have read the body already; body-parser then leaves req.body as it is.
  app.use(express.raw({ limit: shared.bodyLimitBytes, type: () => true }));

  const podWaitMs = options.podWaitMs ?? DEFAULT_POD_WAIT_MS;
  app.post('/scheduler/predicates', async (req, res) => {
    const body = decode(req);
    const passThrough = passThroughAnswer(extender, '/scheduler/predicates', body);
    if (passThrough !== undefined) {
      writeJson(res, passThrough);
      return;
    }
    if (extender.isAwaitingPod(body.pod)) await awaitPod(extender, body.pod, podWaitMs);
    const result = extender.filter(body.args(), clock.now());
    if (isDebug) options.logger.debug(filterSummary(body.pod, result), 'filter');
    res.json(result);
  });
  app.post('/scheduler/priorities', (req, res) => {
    const body = decode(req);
    const passThrough = passThroughAnswer(extender, '/scheduler/priorities', body);
    if (passThrough !== undefined) {
      writeJson(res, passThrough);
      return;
    }
    writeJson(res, [priorities.encode(extender.prioritize(body.args(), clock.now()))]);
  });
  app.post('/apis/scheduling/:namespace/persistentvolumeclaims/:name', (req, res) => {
    const request = parse(schedulingRequest, { ...req.params, nodeName: req.query['nodeName'] });
    res.json(extender.provisioningPlan(request, clock.now()));
  });
  const cache = (req: Request, res: Response): void => {
    const nodeName = typeof req.query['nodeName'] === 'string' ? req.query['nodeName'] : undefined;
    if (nodeName !== undefined && !state.ledger.hasNode(nodeName)) throw new ExtenderError('NOT_FOUND', `${nodeName} is not found`);
    res.json(state.snapshot(nodeName));
  };
  app.get('/cache', cache);
  app.post('/cache', cache);
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/status', (req, res) => {
    if (options.picture === undefined) throw new ExtenderError('NOT_FOUND', 'no storage picture in this server');
    const nodes = options.picture();
    if (req.query['format'] === 'text') res.type('text/plain').send(`${pictureToText(nodes)}\n`);
    else res.type('text/html').send(statusPageHtml(nodes, new Date(clock.now()).toISOString()));
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', synced: options.isReady() });
  });
  app.get('/readyz', (_req, res) => {
    res.status(options.isReady() ? 200 : 503).json({ synced: options.isReady() });
  });
  app.get('/version', (_req, res) => {
    res.type('text/plain').send(options.version);
  });
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new ExtenderError('NOT_FOUND', `no route ${req.method} ${req.path}`));
  });
  // express recognises an error handler by its four parameters.
  // eslint-disable-next-line max-params
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const serviceError = toServiceError(error);
    const status = HTTP_STATUS_BY_CODE[serviceError.code];
    const log = { err: serviceError, method: req.method, path: req.path, status };
    if (status >= 500) options.logger.error(log, 'request failed');
    else options.logger.warn(log, 'request refused');
    res.status(status).json({ Error: serviceError.message, code: serviceError.code });
  });
  return app;
}
