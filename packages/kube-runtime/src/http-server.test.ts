// The operations server on a real loopback socket: health, readiness with its reasons, and the registry's text.
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { listenHttpServer, startHttpServer, type RunningHttpServer } from './http-server.js';

const running: RunningHttpServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function serve(notReadyReasons?: () => string[]): Promise<{ base: string; registry: Registry }> {
  const registry = new Registry();
  new Counter({ name: 'openlocal_test_total', help: 'a test counter', registers: [registry] }).inc(3);
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, registry, ...(notReadyReasons ? { notReadyReasons } : {}) });
  running.push(server);
  expect(server.port).toBeGreaterThan(0);
  return { base: `http://127.0.0.1:${server.port}`, registry };
}

describe('startHttpServer', () => {
  it('answers /healthz with ok and serves the registry at /metrics', async () => {
    const { base, registry } = await serve();
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain(registry.contentType.split(';')[0]);
    expect(await metrics.text()).toContain('openlocal_test_total 3');
  });

  it('answers /readyz 503 with every reason until there are none', async () => {
    let reasons = ['informer nodes has not synced', 'not leading'];
    const { base } = await serve(() => reasons);
    const notReady = await fetch(`${base}/readyz`);
    expect([notReady.status, await notReady.text()]).toEqual([503, 'informer nodes has not synced\nnot leading\n']);
    reasons = [];
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ok\n']);
  });

  it('is always ready without a readiness function, and 404s other paths', async () => {
    const { base } = await serve();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('refuses a port that is taken instead of hanging', async () => {
    const first = await startHttpServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
    running.push(first);
    await expect(startHttpServer({ host: '127.0.0.1', port: first.port, registry: new Registry() })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('listenHttpServer', () => {
  it("serves a caller's own server on a free port and closes it with a keep-alive connection still open", async () => {
    const server = createServer((_req, res) => res.end('mine\n'));
    const listening = await listenHttpServer(server, { host: '127.0.0.1', port: 0 });
    const answer = await fetch(`http://127.0.0.1:${listening.port}/`, { headers: { connection: 'keep-alive' } });
    expect(await answer.text()).toBe('mine\n');
    await listening.close();
    expect(server.listening).toBe(false);
  });

  it('rejects with the listen error of a taken port', async () => {
    const first = await listenHttpServer(createServer(), { host: '127.0.0.1', port: 0 });
    running.push(first);
    await expect(listenHttpServer(createServer(), { host: '127.0.0.1', port: first.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
