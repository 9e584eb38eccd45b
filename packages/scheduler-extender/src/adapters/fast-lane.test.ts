// The fast lane on a real loopback server: it answers only plain pass-through requests, hands everything else to
// express with the same result, records metrics, and survives clients that vanish and code that throws.
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClusterState } from '../core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { Extender } from '../core/extender.js';
import { MetricObjects } from '../core/metric-objects.js';
import type { PodShape } from '../core/k8s-shapes.js';
import { nls, pod, pvc, storageClass } from '../test-support/builders.js';
import { createHttpApp } from './http-app.js';
import { createMetrics } from './metrics.js';

/** An extender whose pass-through check fails, as a bug would: the server must still answer. */
class BrokenExtender extends Extender {
  override isFilterPassThrough(_pod: PodShape): boolean {
    throw new Error('broken pass-through check');
  }
}

async function serve(options: { isBroken?: boolean; bodyLimitBytes?: number } = {}): Promise<{ server: Server; port: number; logs: string[]; state: ClusterState }> {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertPvc(pvc('ns/data', 'lvm', '10Gi'), 0);
  const extenderOptions = { state, strategy: 'binpack' as const, antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 };
  const extender = options.isBroken ? new BrokenExtender(extenderOptions) : new Extender(extenderOptions);
  extender.setSynced(true);
  const metrics = createMetrics(state, { withDefaultMetrics: false, objects: new MetricObjects(PROVISIONER_NAMES) });
  const logs: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(line) });
  const listener = createHttpApp({ extender, state, metrics, logger, clock: { now: () => 0 }, version: 'test', isReady: () => true, bodyLimitBytes: options.bodyLimitBytes });
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port, logs, state };
}

const WEB = JSON.stringify({ Pod: pod('ns/web', []), Nodes: null, NodeNames: ['n2', 'n1'] });
const PASSING = '{"Nodes":null,"NodeNames":["n2","n1"],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}';

/** A POST with exactly these headers and body pieces (a chunked body when there is no Content-Length). */
function post(port: number, { path, body, headers }: { path: string; body: Buffer; headers: Record<string, string | number> }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.write(body.subarray(0, 10));
    req.end(body.subarray(10));
  });
}

describe('fast lane', () => {
  it.each<{ name: string; path: string; body: Buffer; headers: Record<string, string | number> }>([
    { name: 'a plain request (the fast lane)', path: '/scheduler/predicates', body: Buffer.from(WEB), headers: { 'content-length': Buffer.byteLength(WEB) } },
    { name: 'a chunked body (express)', path: '/scheduler/predicates', body: Buffer.from(WEB), headers: { 'transfer-encoding': 'chunked' } },
    { name: 'a gzip body (express inflates it)', path: '/scheduler/predicates', body: gzipSync(WEB), headers: { 'content-encoding': 'gzip', 'content-length': gzipSync(WEB).length } },
    { name: 'a query string (express)', path: '/scheduler/predicates?x=1', body: Buffer.from(WEB), headers: { 'content-length': Buffer.byteLength(WEB) } },
  ])('$name gets the same pass-through answer', async ({ path, body, headers }) => {
    const { port } = await serve();
    const res = await post(port, { path, body, headers: { 'content-type': 'application/json', ...headers } });
    expect(res).toEqual({ status: 200, text: PASSING });
  });

  it('counts its answers in the request-duration histogram under the route', async () => {
    const { server } = await serve();
    await request(server).post('/scheduler/predicates').set('Content-Type', 'application/json').send(WEB);
    await request(server).post('/scheduler/priorities').set('Content-Type', 'application/json').send(WEB);
    const text = (await request(server).get('/metrics')).text;
    expect(text).toContain('openlocal_extender_request_duration_seconds_count{route="/scheduler/predicates",status="200"} 1');
    expect(text).toContain('openlocal_extender_request_duration_seconds_count{route="/scheduler/priorities",status="200"} 1');
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const { server } = await serve({ bodyLimitBytes: 64 });
    const res = await request(server).post('/scheduler/predicates').set('Content-Type', 'application/json').send(WEB);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(res.body.Error).toContain(`body of ${WEB.length} bytes is over the limit of 64`);
  });

  it('a client that leaves mid-body does not disturb the server', async () => {
    const { server, port } = await serve();
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST /scheduler/predicates HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${WEB.length}\r\n\r\n${WEB.slice(0, 20)}`);
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await request(server).post('/scheduler/predicates').set('Content-Type', 'application/json').send(WEB)).text).toBe(PASSING);
  });

  it('a failure inside the fast lane is answered by express as a 500, and the server goes on', async () => {
    const { server, logs } = await serve({ isBroken: true });
    const res = await request(server).post('/scheduler/predicates').set('Content-Type', 'application/json').send(WEB);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ Error: 'broken pass-through check', code: 'INTERNAL' });
    // Both met the request: the fast lane first (it took the plain request), then express.
    expect(logs.map((line) => JSON.parse(line).msg)).toEqual(['fast lane failed, handing the request to express', 'request failed']);
    expect((await request(server).post('/scheduler/priorities').set('Content-Type', 'application/json').send(WEB)).text).toBe('[]');
  });

  it('a pod with our claim goes through express to the full filter', async () => {
    const { server, state } = await serve();
    state.upsertPod(pod('ns/app', ['ns/data']), 0);
    const body = JSON.stringify({ Pod: pod('ns/app', ['ns/data']), Nodes: null, NodeNames: ['n2', 'n1'] });
    const res = await request(server).post('/scheduler/predicates').set('Content-Type', 'application/json').send(body);
    expect(res.body).toMatchObject({ NodeNames: ['n1'], FailedNodes: { n2: 'no local storage information (NodeLocalStorage) for node n2' } });
  });
});
