// Informer against a small in-process HTTP server that answers list and watch like the API server (a fake, so
// this is a unit test): a failing list is retried with growing backoff, sync is reported once the list
// succeeds, and a watch that breaks later restarts the informer instead of leaving it dead. (These tests came
// with the scheduler extender's own restarting informer, which this one replaced.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { Informer, type InformerOptions } from './informer.js';

interface Script {
  listStatuses: number[];
  watchStatuses: number[];
}

function podJson(name: string, resourceVersion: string): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: name, resourceVersion } };
}

function startApi(script: Script): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const isWatch = (req.url ?? '').includes('watch=true');
    requests.push(isWatch ? 'watch' : 'list');
    const status = (isWatch ? script.watchStatuses.shift() : script.listStatuses.shift()) ?? 200;
    res.setHeader('Content-Type', 'application/json');
    if (status !== 200) {
      res.statusCode = status;
      res.end(JSON.stringify({ kind: 'Status', code: status, message: 'scripted failure' }));
      return;
    }
    if (!isWatch) {
      res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [podJson('a', '10')] }));
      return;
    }
    // A watch that delivers one event and then stays open until the test ends.
    res.write(`${JSON.stringify({ type: 'ADDED', object: podJson('b', '11') })}\n`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, requests })));
}

function kubeConfigFor(port: number): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kubeConfig;
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

// A pod informer against the scripted server on `port`; `options` sets the clock, backoff and callbacks.
function podInformer(port: number, options: Pick<InformerOptions<V1Pod>, 'clock' | 'backoff' | 'onRestart' | 'onSynced'>): Informer<V1Pod> {
  const kubeConfig = kubeConfigFor(port);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return new Informer<V1Pod>({ name: 'pods', path: '/api/v1/pods', list: () => core.listPodForAllNamespaces(), kubeConfig, logger: pino({ level: 'silent' }), ...options });
}

describe('Informer', () => {
  it('retries a failing list with doubling backoff, then syncs and delivers list and watch objects', async () => {
    const api = await startApi({ listStatuses: [500, 500, 200], watchStatuses: [] });
    servers.push(api.server);
    const delays: number[] = [];
    const clock: Clock = {
      now: () => 0,
      sleep: async (ms) => {
        delays.push(ms);
        return true;
      },
    };
    const seen: string[] = [];
    let restarts = 0;
    let syncedAfter = -1;
    const informer = podInformer(api.port, {
      clock,
      backoff: { baseMs: 100, maxMs: 150 },
      onRestart: () => (restarts += 1),
      onSynced: () => (syncedAfter = api.requests.length),
    });
    informer.on('add', (pod) => seen.push(pod.metadata?.name ?? ''));
    informer.on('update', (pod) => seen.push(pod.metadata?.name ?? ''));
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(['a', 'b']);
    expect(delays).toEqual([100, 150]);
    expect(restarts).toBe(2);
    expect(syncedAfter).toBeGreaterThanOrEqual(3);
    expect(informer.hasSynced).toBe(true);
    stop.abort();
    api.server.closeAllConnections();
    await running;
  });

  it('restarts after the watch fails instead of staying stopped', async () => {
    const api = await startApi({ listStatuses: [], watchStatuses: [500] });
    servers.push(api.server);
    const informer = podInformer(api.port, { clock: { now: () => 0, sleep: async () => true }, backoff: { baseMs: 1, maxMs: 1 } });
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    // list, failed watch, then (after the restart) a second watch that stays open.
    await expect.poll(() => api.requests, { timeout: 5000 }).toEqual(['list', 'watch', 'watch']);
    stop.abort();
    api.server.closeAllConnections();
    await running;
  });
});
