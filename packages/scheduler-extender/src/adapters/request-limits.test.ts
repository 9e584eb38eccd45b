import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { admission, withRequestLimits, type Refusal, type RequestLimits } from './request-limits.js';

const LIMITS: RequestLimits = { maxBodyBytes: 1000, maxBufferedBytes: 2500, maxInFlight: 3 };

describe('admission', () => {
  it.each([
    { name: 'a small body', inFlight: 0, declaredBytes: 10, bufferedBytes: 0, want: undefined },
    { name: 'no body', inFlight: 2, declaredBytes: undefined, bufferedBytes: 2500, want: undefined },
    { name: 'exactly the body limit', inFlight: 0, declaredBytes: 1000, bufferedBytes: 0, want: undefined },
    { name: 'one byte over the body limit', inFlight: 0, declaredBytes: 1001, bufferedBytes: 0, want: 'body-too-large' },
    { name: 'too large wins over too many', inFlight: 3, declaredBytes: 5000, bufferedBytes: 0, want: 'body-too-large' },
    { name: 'the in-flight limit reached', inFlight: 3, declaredBytes: 10, bufferedBytes: 0, want: 'too-many-requests' },
    { name: 'the byte budget exceeded', inFlight: 1, declaredBytes: 1000, bufferedBytes: 1501, want: 'too-many-bytes' },
    { name: 'the byte budget filled exactly', inFlight: 1, declaredBytes: 1000, bufferedBytes: 1500, want: undefined },
  ])('$name', ({ inFlight, declaredBytes, bufferedBytes, want }) => {
    expect(admission({ inFlight, declaredBytes, bufferedBytes }, LIMITS)).toBe(want);
  });
});

interface Served {
  port: number;
  refusals: Refusal[];
  /** Requests that reached the inner listener, with their body sizes; each waits for release(). */
  seen: { url: string; bodyBytes: number | undefined }[];
  release(): void;
  stats(): { inFlight: number; bufferedBytes: number };
}

async function serve(limits: RequestLimits, options: { isHolding?: boolean } = {}): Promise<Served> {
  const refusals: Refusal[] = [];
  const seen: Served['seen'] = [];
  const held: ServerResponse[] = [];
  const answer = (res: ServerResponse): void => {
    res.end('ok');
  };
  const listener = withRequestLimits({
    limits,
    onRefused: (refusal) => refusals.push(refusal),
    next: (req: IncomingMessage & { body?: unknown }, res) => {
      seen.push({ url: req.url ?? '', bodyBytes: Buffer.isBuffer(req.body) ? req.body.length : undefined });
      if (options.isHolding) held.push(res);
      else answer(res);
    },
  });
  const server: Server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, refusals, seen, release: () => held.splice(0).forEach(answer), stats: () => listener.stats() };
}

function post(port: number, path: string, body: Buffer, headers: Record<string, string | number> = { 'Content-Length': body.length }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('withRequestLimits', () => {
  it('hands a body under the limit on, read completely', async () => {
    const served = await serve(LIMITS);
    expect(await post(served.port, '/a', Buffer.alloc(1000, 'x'))).toEqual({ status: 200, text: 'ok' });
    expect(served.seen).toEqual([{ url: '/a', bodyBytes: 1000 }]);
    expect(served.stats()).toEqual({ inFlight: 0, bufferedBytes: 0 });
  });

  it('refuses a declared body over the limit with 413 without handing it on', async () => {
    const served = await serve(LIMITS);
    const answer = await post(served.port, '/a', Buffer.alloc(1001, 'x'));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ Error: 'body of 1001 bytes is over the limit of 1000', code: 'PAYLOAD_TOO_LARGE' });
    expect(served.seen).toEqual([]);
    expect(served.refusals).toEqual(['body-too-large']);
  });

  it('refuses a chunked body once it grows over the limit, and releases what it held', async () => {
    const served = await serve(LIMITS);
    const answer = await post(served.port, '/a', Buffer.alloc(5000, 'x'), { 'Transfer-Encoding': 'chunked' }).catch((error: unknown) => ({ status: -1, text: String(error) }));
    // The answer may race the rest of the upload; either the 413 arrives or the connection is cut.
    if (answer.status !== -1) expect(answer.status).toBe(413);
    expect(served.seen).toEqual([]);
    expect(served.refusals).toEqual(['body-too-large']);
    await expect.poll(() => served.stats()).toEqual({ inFlight: 0, bufferedBytes: 0 });
  });

  it('answers 429 beyond the in-flight limit and admits again once answers go out', async () => {
    const served = await serve(LIMITS, { isHolding: true });
    const first = [1, 2, 3].map(() => post(served.port, '/a', Buffer.from('{}')));
    await expect.poll(() => served.seen.length).toBe(3);
    const refused = await post(served.port, '/a', Buffer.from('{}'));
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    served.release();
    expect((await Promise.all(first)).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(served.stats()).toEqual({ inFlight: 0, bufferedBytes: 0 });
    const again = post(served.port, '/a', Buffer.from('{}'));
    await expect.poll(() => served.seen.length).toBe(4);
    served.release();
    expect((await again).status).toBe(200);
    expect(served.refusals).toEqual(['too-many-requests']);
  });

  it('answers 429 when the bodies held at once would pass the byte budget', async () => {
    const served = await serve(LIMITS, { isHolding: true });
    const first = [post(served.port, '/a', Buffer.alloc(1000)), post(served.port, '/b', Buffer.alloc(1000))];
    await expect.poll(() => served.stats().bufferedBytes).toBe(2000);
    expect((await post(served.port, '/c', Buffer.alloc(600))).status).toBe(429);
    // A small body still fits the budget.
    const small = post(served.port, '/d', Buffer.alloc(400));
    await expect.poll(() => served.seen.length).toBe(3);
    served.release();
    expect((await Promise.all([...first, small])).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(served.refusals).toEqual(['too-many-bytes']);
    expect(served.stats()).toEqual({ inFlight: 0, bufferedBytes: 0 });
  });
});
