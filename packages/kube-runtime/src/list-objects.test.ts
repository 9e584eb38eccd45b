// listObjects, patchObject and the informer's managedFields dropping, against a small in-process HTTP server that answers
// like the API server (a fake, so a unit test): the path and credentials sent, items returned without
// managedFields, a refusal named by path and status, and cached list and watch objects without managedFields.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer } from './informer.js';
import { ApiRequestError, patchObject, sendApiRequest } from './api-request.js';
import { ListError, listObjects } from './list-objects.js';

const MANAGED = [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];

function pod(name: string, resourceVersion: string): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: name, resourceVersion, managedFields: MANAGED }, spec: { nodeName: 'n1' } };
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

function startApi(answer: (url: string) => { status: number; body: string; keepOpen?: boolean }): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, body, keepOpen } = answer(req.url ?? '');
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      if (keepOpen === true) res.write(body);
      else res.end(body);
    });
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, seen })));
}

function kubeConfigFor(server: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kubeConfig;
}

describe('listObjects', () => {
  it('GETs the path under the server (prefix kept) with the credentials, and returns items without managedFields', async () => {
    const api = await startApi(() => ({ status: 200, body: JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '7' }, items: [pod('a', '5'), pod('b', '7')] }) }));
    const list = await listObjects<V1Pod>(kubeConfigFor(`http://127.0.0.1:${api.port}/prefix/`), '/api/v1/pods');
    expect(api.seen.map((s) => s.url)).toEqual(['/prefix/api/v1/pods']);
    expect(api.seen[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(list.metadata?.resourceVersion).toBe('7');
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['a', 'b']);
    expect(list.items.map((item) => item.metadata?.managedFields)).toEqual([undefined, undefined]);
    expect(list.items[0]?.spec?.nodeName).toBe('n1');
  });

  it('rejects a refusal with a ListError naming the path, the status and the server message', async () => {
    const api = await startApi(() => ({ status: 403, body: JSON.stringify({ kind: 'Status', code: 403, message: 'pods is forbidden: User "u" cannot list' }) }));
    const failure = listObjects(kubeConfigFor(`http://127.0.0.1:${api.port}`), '/api/v1/pods');
    await expect(failure).rejects.toBeInstanceOf(ListError);
    await expect(failure).rejects.toMatchObject({ code: 403, message: 'LIST /api/v1/pods: HTTP 403: pods is forbidden: User "u" cannot list' });
  });

  it('asks in pages of pageSize until the server sends no continue token, mapping each item, with the last page\'s resourceVersion', async () => {
    const pages: Record<string, { items: object[]; next?: string }> = { '': { items: [pod('a', '5'), pod('b', '5')], next: 'tok 1' }, 'tok 1': { items: [pod('c', '5')] } };
    const api = await startApi((url) => {
      const token = new URL(url, 'http://x').searchParams.get('continue') ?? '';
      const page = pages[token] ?? { items: [] };
      return { status: 200, body: JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '5', ...(page.next === undefined ? {} : { continue: page.next }) }, items: page.items }) };
    });
    const mapped: (string | undefined)[] = [];
    const list = await listObjects<V1Pod>(kubeConfigFor(`http://127.0.0.1:${api.port}`), '/api/v1/pods', {
      pageSize: 2,
      fieldSelector: 'spec.nodeName=n1',
      map: (item) => {
        mapped.push(item.metadata?.managedFields === undefined ? item.metadata?.name : 'still has managedFields');
        return { metadata: { name: item.metadata?.name } };
      },
    });
    expect(api.seen.map((s) => s.url)).toEqual(['/api/v1/pods?limit=2&fieldSelector=spec.nodeName%3Dn1', '/api/v1/pods?limit=2&continue=tok+1&fieldSelector=spec.nodeName%3Dn1']);
    expect(mapped).toEqual(['a', 'b', 'c']);
    expect(list.items).toEqual([{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }, { metadata: { name: 'c' } }]);
    expect(list.metadata).toEqual({ resourceVersion: '5' });
  });

  it('refuses a page size that is not a positive integer, naming it', async () => {
    await expect(listObjects(kubeConfigFor('http://127.0.0.1:1'), '/api/v1/pods', { pageSize: 0 })).rejects.toThrow('listObjects: pageSize must be a positive integer, got 0');
  });

  it('refuses a path without a leading slash, naming it', async () => {
    await expect(listObjects(kubeConfigFor('http://127.0.0.1:1'), 'api/v1/pods')).rejects.toThrow('listObjects: path must start with "/", got "api/v1/pods"');
  });
});

describe('patchObject', () => {
  const path = '/api/v1/namespaces/ns/persistentvolumeclaims/c';
  const patch = [{ op: 'remove', path: '/metadata/annotations/a' }];

  it('PATCHes the path under the server with the credentials, the patch as JSON and its content type, and returns the object', async () => {
    const api = await startApi(() => ({ status: 200, body: JSON.stringify({ kind: 'PersistentVolumeClaim', metadata: { name: 'c', resourceVersion: '9' } }) }));
    const patched = await patchObject<{ metadata: { resourceVersion: string } }>(kubeConfigFor(`http://127.0.0.1:${api.port}/prefix`), { path, patch });
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([`PATCH /prefix${path}`]);
    expect(api.seen[0]?.headers['content-type']).toBe('application/json-patch+json');
    expect(api.seen[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(JSON.parse(api.seen[0]?.body ?? '')).toEqual(patch);
    expect(patched.metadata.resourceVersion).toBe('9');
  });

  it('sends a merge patch with its own content type', async () => {
    const api = await startApi(() => ({ status: 200, body: '{}' }));
    await patchObject(kubeConfigFor(`http://127.0.0.1:${api.port}`), { path, patch: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    expect(api.seen[0]?.headers['content-type']).toBe('application/merge-patch+json');
  });

  it.each([
    { name: 'a Status refusal carries the server message', body: JSON.stringify({ kind: 'Status', code: 422, message: 'the server rejected our request due to an error in our request' }), want: 'the server rejected our request due to an error in our request' },
    { name: 'a text answer (a proxy) carries its text', body: 'upstream unavailable', want: 'upstream unavailable' },
  ])('$name, with the status as code, naming the path', async ({ body, want }) => {
    const api = await startApi(() => ({ status: 422, body }));
    const failure = patchObject(kubeConfigFor(`http://127.0.0.1:${api.port}`), { path, patch });
    await expect(failure).rejects.toBeInstanceOf(ApiRequestError);
    await expect(failure).rejects.toMatchObject({ code: 422, path, message: `PATCH ${path}: HTTP 422: ${want}` });
  });

  it('refuses a path without a leading slash, naming it', async () => {
    await expect(patchObject(kubeConfigFor('http://127.0.0.1:1'), { path: 'api/v1/x', patch })).rejects.toThrow('api request: path must start with "/", got "api/v1/x"');
  });
});

describe('sendApiRequest deadline', () => {
  it.each([
    { name: 'a server that never answers', reply: undefined },
    { name: 'a server that goes silent mid-body', reply: '{"items": [' },
  ])('abandons $name after its idle timeout, naming the method and the path', async ({ reply }) => {
    const server = createServer((_req, res) => {
      if (reply !== undefined) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(reply);
      }
    });
    servers.push(server);
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    const answer = sendApiRequest(kubeConfigFor(`http://127.0.0.1:${port}`), { method: 'GET', path: '/api/v1/pods', idleTimeoutMs: 200 });
    await expect(answer).rejects.toThrow('GET /api/v1/pods: no answer from the API server for 200 ms');
  });
});

describe('Informer keeps objects without managedFields', () => {
  it('drops them from listed and from watched objects before handlers and the cache see them', async () => {
    const api = await startApi((url) =>
      url.includes('watch=true')
        ? { status: 200, body: `${JSON.stringify({ type: 'ADDED', object: pod('b', '11') })}\n`, keepOpen: true }
        : { status: 200, body: JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '10' }, items: [pod('a', '10')] }) },
    );
    const kubeConfig = kubeConfigFor(`http://127.0.0.1:${api.port}`);
    const informer = new Informer<V1Pod>({
      name: 'pods',
      path: '/api/v1/pods',
      // A list that keeps managedFields (like client-node's typed calls): the informer drops them itself.
      list: async () => ({ metadata: { resourceVersion: '10' }, items: [pod('a', '10') as V1Pod] }),
      kubeConfig,
      logger: pino({ level: 'silent' }),
      clock: { now: () => 0, sleep: async () => true },
      backoff: { baseMs: 1, maxMs: 1 },
    });
    const handled: unknown[] = [];
    informer.on('add', (object) => handled.push(object.metadata?.managedFields));
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    await expect.poll(() => informer.list().map((object) => object.metadata?.name).sort(), { timeout: 5000 }).toEqual(['a', 'b']);
    expect(informer.list().map((object) => object.metadata?.managedFields)).toEqual([undefined, undefined]);
    expect(handled).toEqual([undefined, undefined]);
    stop.abort();
    await running;
  });

  it('keeps only what `project` returns of listed (its own paged LIST) and watched objects', async () => {
    const api = await startApi((url) =>
      url.includes('watch=true')
        ? { status: 200, body: `${JSON.stringify({ type: 'ADDED', object: pod('b', '11') })}\n`, keepOpen: true }
        : { status: 200, body: JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '10' }, items: [pod('a', '10')] }) },
    );
    const kubeConfig = kubeConfigFor(`http://127.0.0.1:${api.port}`);
    const informer = new Informer<V1Pod>({
      name: 'pods',
      path: '/api/v1/pods',
      kubeConfig,
      logger: pino({ level: 'silent' }),
      clock: { now: () => 0, sleep: async () => true },
      backoff: { baseMs: 1, maxMs: 1 },
      project: (object) => ({ metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace, resourceVersion: object.metadata?.resourceVersion } }),
    });
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    await expect.poll(() => informer.list().map((object) => object.metadata?.name).sort(), { timeout: 5000 }).toEqual(['a', 'b']);
    expect(api.seen[0]?.url).toBe('/api/v1/pods?limit=500');
    expect(informer.list().map((object) => object.spec)).toEqual([undefined, undefined]);
    expect(informer.get('b', 'ns')?.metadata).toEqual({ name: 'b', namespace: 'ns', resourceVersion: '11' });
    stop.abort();
    await running;
  });
});
