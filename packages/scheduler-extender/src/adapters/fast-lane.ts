// The way in for every request: kube-scheduler's filter and prioritize calls for pods with nothing of ours are
// answered here with node:http alone, before express (which costs ~0.1 ms of CPU per request by itself — a
// tenth of the 1 ms budget of issue #7). Everything else, and anything unusual, goes on to the express app
// with the body already read, so error answers and metrics stay in one place.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Extender } from '../core/extender.js';
import { decodeQuickly, EMPTY_PRIORITIES, passThroughFilterAnswer, type ExtenderBody, type NodeNamesMemo } from './extender-body.js';
import type { ExtenderMetrics } from './metrics.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastLaneOptions {
  extender: Extender;
  metrics: ExtenderMetrics;
  logger: Logger;
  bodyLimitBytes: number;
  /** Where every request the fast lane does not answer goes; `req.body` holds the bytes when it read them. */
  next: RequestListener;
  /** Bodies the fast lane decoded but did not answer, so the express route need not decode them again. */
  decoded: WeakMap<IncomingMessage, ExtenderBody>;
  /** The decoded NodeNames list shared with the express routes (one entry; extender-body.ts). */
  nodeNames: NodeNamesMemo;
}

const ROUTES = new Set(['/scheduler/predicates', '/scheduler/priorities']);

/** Only plain POSTs of a known length on the two routes: chunked, compressed or odd requests take express. */
function isFastRoute(req: IncomingMessage, bodyLimitBytes: number): boolean {
  if (req.method !== 'POST' || !ROUTES.has(req.url ?? '') || req.headers['content-encoding'] !== undefined) return false;
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 && length <= bodyLimitBytes;
}

/** A JSON answer from prepared chunks, with its length (no chunked encoding). */
export function writeJson(res: ServerResponse, chunks: readonly Buffer[]): void {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', length);
  // node corks the socket at the first write, so the chunks leave together.
  for (const chunk of chunks) res.write(chunk);
  res.end();
}

/**
 * The pass-through answer for `route`, or undefined when the extender has to look at the nodes. Shared with
 * the express routes, which see the requests this lane leaves alone (chunked, compressed, with a query).
 */
export function passThroughAnswer(extender: Extender, route: string, body: ExtenderBody): readonly Buffer[] | undefined {
  if (body.rawNodeNames === undefined) return undefined;
  if (route === '/scheduler/predicates') return extender.isFilterPassThrough(body.pod) ? passThroughFilterAnswer(body.rawNodeNames) : undefined;
  return extender.isPrioritizeEmpty(body.pod) ? EMPTY_PRIORITIES : undefined;
}

export function createFastLane(options: FastLaneOptions): RequestListener {
  const { extender, metrics, logger } = options;
  const isDebug = logger.isLevelEnabled('debug');
  const answer = (req: IncomingMessage & { body?: unknown }, res: ServerResponse, startedMs: number): void => {
    const body = req.body as Buffer;
    const decoded = decodeQuickly(body, options.nodeNames);
    const route = req.url ?? '';
    const chunks = decoded === undefined ? undefined : passThroughAnswer(extender, route, decoded);
    if (chunks === undefined) {
      if (decoded !== undefined) options.decoded.set(req, decoded);
      options.next(req, res);
      return;
    }
    res.once('finish', () => {
      const seconds = (performance.now() - startedMs) / 1000;
      metrics.requestDuration.observe({ route, status: String(res.statusCode) }, seconds);
      if (isDebug) logger.debug({ method: req.method, path: route, status: res.statusCode, ms: seconds * 1000 }, 'request');
    });
    writeJson(res, chunks);
  };
  const answerSafely = (req: IncomingMessage, res: ServerResponse, startedMs: number): void => {
    try {
      answer(req, res, startedMs);
    } catch (error) {
      // Never take the process down from here: express answers the request again and maps the error.
      logger.warn({ err: error, path: req.url }, 'fast lane failed, handing the request to express');
      if (res.headersSent) res.destroy();
      else options.next(req, res);
    }
  };
  return (req, res) => {
    if (!isFastRoute(req, options.bodyLimitBytes)) {
      options.next(req, res);
      return;
    }
    const startedMs = performance.now();
    // Read already by the request limits (request-limits.ts), which is how the server runs.
    if (Buffer.isBuffer((req as { body?: unknown }).body)) {
      answerSafely(req, res, startedMs);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A client that goes away mid-body leaves nothing to answer.
    req.once('error', () => res.destroy());
    req.once('end', () => {
      // express finds the bytes here; body-parser leaves a body that was read completely alone.
      Object.assign(req, { body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks) });
      answerSafely(req, res, startedMs);
    });
  };
}
