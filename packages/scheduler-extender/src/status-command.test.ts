// The status command against the real extender app on a loopback port (the Kubernetes side is injected data).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from './adapters/http-app.js';
import { cacheSnapshot, createMetrics } from './adapters/metrics.js';
import { ClusterState } from './core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { Extender } from './core/extender.js';
import { MetricObjects } from './core/metric-objects.js';
import { storagePicture } from './core/storage-picture.js';
import { fetchStatus, parseStatusOptions } from './status-command.js';
import { nls } from './test-support/builders.js';

describe('parseStatusOptions', () => {
  it('defaults to the extender port of the chart and text', () => {
    expect(parseStatusOptions(['node', 'open-local-status'])).toEqual({ url: 'http://127.0.0.1:23000', isHtml: false, timeoutMs: 10_000 });
  });

  it.each([
    { name: 'a URL that is no URL', argv: ['--url', 'extender:23000x'], want: '--url "extender:23000x"' },
    { name: 'a URL of another scheme', argv: ['--url', 'file:///etc/passwd'], want: 'must be http or https' },
    { name: 'a timeout that is no positive whole number', argv: ['--timeout-ms', '-5'], want: '--timeout-ms "-5" must be a positive whole number' },
  ])('refuses $name, naming the flag and value', ({ argv, want }) => {
    expect(() => parseStatusOptions(['node', 'open-local-status', ...argv])).toThrow(want);
  });
});

describe('fetchStatus', () => {
  let server: Server;
  let url = '';

  beforeAll(async () => {
    const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
    state.upsertNls(nls('node-a', { vgs: { pool: 100 } }), 0);
    const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
    const objects = new MetricObjects(PROVISIONER_NAMES);
    const metrics = createMetrics(state, { withDefaultMetrics: false, objects });
    const app = createHttpApp({ extender, state, metrics, logger: pino({ level: 'silent' }), clock: { now: () => 0 }, version: 't', isReady: () => true, picture: () => storagePicture(cacheSnapshot(state, objects)) });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('prints the text picture: the node and a bar for its VG', async () => {
    const text = await fetchStatus({ url, isHtml: false, timeoutMs: 5000 });
    expect(text).toMatch(/^node-a$/m);
    expect(text).toMatch(/VG\s+pool\s+\[\.+\]\s+0%/);
  });

  it('prints the HTML page with --html', async () => {
    expect(await fetchStatus({ url, isHtml: true, timeoutMs: 5000 })).toContain('<html');
  });

  it('names the URL when nothing answers there', async () => {
    await expect(fetchStatus({ url: 'http://127.0.0.1:1', isHtml: false, timeoutMs: 5000 })).rejects.toThrow('cannot reach the extender at http://127.0.0.1:1/status?format=text');
  });
});
