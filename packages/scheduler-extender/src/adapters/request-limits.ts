// The extender's front door against abuse (issue #16): every request body is read here once, under a size
// limit per request and a budget for all bodies held at once, and no more than a fixed number of requests are
// between arrival and answer. What is over a limit gets its answer at once — 413 for a body too large, 429 for
// too many requests or bytes in flight — and the connection is closed, so the refused bytes are never read.
// The limits follow from what kube-scheduler really sends (docs/hardening.md): one filter or prioritize call
// per scheduling cycle, a pod (at most ~1.5 MiB, etcd's object limit) and the node names of at most 5000
// nodes (~1.3 MiB) — or, when not nodeCacheCapable, their Node objects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestListener } from './fast-lane.js';

export interface RequestLimits {
  /** Largest body of one request (413 above it). */
  maxBodyBytes: number;
  /** Bytes of request bodies held at once, across requests, until each is answered (429 above it). */
  maxBufferedBytes: number;
  /** Requests between arrival and answer (429 above it). */
  maxInFlight: number;
}

/** What kube-scheduler sends with nodeCacheCapable at 5000 nodes is ~3 MiB; the rest is room for Node lists. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxBodyBytes: 32 * 2 ** 20,
  maxBufferedBytes: 128 * 2 ** 20,
  maxInFlight: 64,
};

/** Why a request was refused, for metrics and the log. */
export type Refusal = 'body-too-large' | 'too-many-requests' | 'too-many-bytes';

export interface RequestLimitsOptions {
  limits: RequestLimits;
  next: RequestListener;
  onRefused?: (refusal: Refusal, req: IncomingMessage) => void;
}

const STATUS: Record<Refusal, { status: number; code: string }> = {
  'body-too-large': { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  'too-many-requests': { status: 429, code: 'TOO_MANY_REQUESTS' },
  'too-many-bytes': { status: 429, code: 'TOO_MANY_REQUESTS' },
};

function refuse(res: ServerResponse, refusal: Refusal, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, code } = STATUS[refusal];
  const body = JSON.stringify({ Error: message, code });
  // Close instead of reading the rest of a body nobody wants; the client opens a new connection to retry.
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close', 'Retry-After': '1' });
  res.end(body);
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** Pure: the refusal for a request arriving now, if any. */
export function admission(request: { inFlight: number; declaredBytes: number | undefined; bufferedBytes: number }, limits: RequestLimits): Refusal | undefined {
  if (request.declaredBytes !== undefined && request.declaredBytes > limits.maxBodyBytes) return 'body-too-large';
  if (request.inFlight >= limits.maxInFlight) return 'too-many-requests';
  if (request.declaredBytes !== undefined && request.bufferedBytes + request.declaredBytes > limits.maxBufferedBytes) return 'too-many-bytes';
  return undefined;
}

/**
 * A listener that admits requests under `limits` and hands each one on with its complete body in `req.body`
 * (a Buffer; requests without a body, and compressed ones, go on unread).
 */
export function withRequestLimits(options: RequestLimitsOptions): RequestListener & { stats(): { inFlight: number; bufferedBytes: number } } {
  const { limits, next } = options;
  let inFlight = 0;
  let bufferedBytes = 0;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const declared = declaredLength(req);
    const refusal = admission({ inFlight, declaredBytes: declared, bufferedBytes }, limits);
    if (refusal !== undefined) {
      options.onRefused?.(refusal, req);
      const what = refusal === 'body-too-large' ? `body of ${declared} bytes is over the limit of ${limits.maxBodyBytes}` : `server busy (${inFlight} requests, ${bufferedBytes} body bytes in flight)`;
      refuse(res, refusal, what);
      return;
    }
    inFlight += 1;
    let held = 0;
    let isDone = false;
    const release = (): void => {
      if (isDone) return;
      isDone = true;
      inFlight -= 1;
      bufferedBytes -= held;
      held = 0;
    };
    // 'close' comes after the answer and also when the client goes away first.
    res.once('close', release);
    const hasBody = declared !== undefined ? declared > 0 : req.headers['transfer-encoding'] !== undefined;
    // Compressed bodies are left to express, which inflates them under the same size limit.
    if (!hasBody || req.headers['content-encoding'] !== undefined) {
      next(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let isRefused = false;
    const onData = (chunk: Buffer): void => {
      if (isRefused) return;
      received += chunk.length;
      bufferedBytes += chunk.length;
      held += chunk.length;
      const over: Refusal | undefined = received > limits.maxBodyBytes ? 'body-too-large' : bufferedBytes > limits.maxBufferedBytes ? 'too-many-bytes' : undefined;
      if (over === undefined) {
        chunks.push(chunk);
        return;
      }
      isRefused = true;
      chunks.length = 0;
      options.onRefused?.(over, req);
      refuse(res, over, over === 'body-too-large' ? `body is over the limit of ${limits.maxBodyBytes} bytes` : `server busy (${bufferedBytes} body bytes in flight)`);
      // Stop buffering; the socket closes once the answer is out (Connection: close).
      req.off('data', onData);
    };
    req.on('data', onData);
    // A client that goes away mid-body leaves nothing to answer.
    req.once('error', () => res.destroy());
    req.once('end', () => {
      if (isRefused) return;
      Object.assign(req, { body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks) });
      next(req, res);
    });
  };
  return Object.assign(listener, { stats: () => ({ inFlight, bufferedBytes }) });
}
