// The real express app in-process with supertest; the Kubernetes side is injected data.
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { EXTENDER_ERROR_CODES } from '../core/errors.js';
import { Extender, type ExtenderOptions } from '../core/extender.js';
import { MetricObjects } from '../core/metric-objects.js';
import { GI, inlineVolume, nls, pod, pvc, storageClass } from '../test-support/builders.js';
import { createHttpApp } from './http-app.js';
import { HTTP_STATUS_BY_CODE } from './http-errors.js';
import { storagePicture, type PictureNode } from '../core/storage-picture.js';
import { cacheSnapshot, createMetrics } from './metrics.js';

function setUp(isReady = true, extra: Partial<ExtenderOptions> = {}) {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertStorageClass(storageClass('ebs', {}, 'ebs.csi.aws.com'));
  state.upsertPvc(pvc('ns/elsewhere', 'ebs', '5Gi'), 0);
  state.upsertPvc(pvc('ns/bound', 'lvm', '5Gi', { volumeName: 'pv-bound' }), 0);
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertNls(nls('n2', { vgs: { pool: 50 } }), 0);
  state.upsertPvc(pvc('ns/data', 'lvm', '60Gi'), 0);
  state.upsertPod(pod('ns/app', ['ns/data']), 0);
  const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000, ...extra });
  extender.setSynced(isReady);
  const objects = new MetricObjects(PROVISIONER_NAMES);
  const metrics = createMetrics(state, { withDefaultMetrics: false, objects });
  const picture = (): PictureNode[] => storagePicture(cacheSnapshot(state, objects));
  const app = createHttpApp({ extender, state, metrics, logger: pino({ level: 'silent' }), clock: { now: () => 1000 }, version: 'v0.7.1-test', isReady: () => isReady, picture });
  return { app, state };
}

const appPod = pod('ns/app', ['ns/data']);

describe('POST /scheduler/predicates', () => {
  it('answers ExtenderFilterResult with capitalised keys and the reason per failed node', async () => {
    const res = await request(setUp().app).post('/scheduler/predicates').send({ Pod: appPod, NodeNames: ['n1', 'n2'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      Nodes: null,
      NodeNames: ['n1'],
      FailedNodes: { n2: 'Insufficient LVM storage on node n2, vg is pool, pvc requested 60Gi, vg used 0, vg capacity 50Gi' },
      FailedAndUnresolvableNodes: {},
      Error: '',
    });
  });

  it('reserves the chosen node so the next pod sees it full', async () => {
    const { app, state } = setUp();
    state.upsertPvc(pvc('ns/more', 'lvm', '60Gi'), 0);
    state.upsertPod(pod('ns/other', ['ns/more']), 0);
    await request(app).post('/scheduler/predicates').send({ Pod: appPod, NodeNames: ['n1', 'n2'] });
    const res = await request(app).post('/scheduler/predicates').send({ Pod: pod('ns/other', ['ns/more']), NodeNames: ['n1', 'n2'] });
    expect(res.body.NodeNames).toEqual([]);
    expect(res.body.FailedNodes.n1).toContain('vg used 60Gi');
  });

  it('accepts a full Nodes list and echoes the passing Node objects', async () => {
    const items = [{ metadata: { name: 'n1', uid: 'a' }, status: { capacity: { cpu: '2' } } }, { metadata: { name: 'n2' } }];
    const res = await request(setUp().app).post('/scheduler/predicates').send({ Pod: appPod, Nodes: { apiVersion: 'v1', kind: 'NodeList', items } });
    expect(res.status).toBe(200);
    expect(res.body.Nodes).toEqual({ apiVersion: 'v1', kind: 'NodeList', items: [items[0]] });
  });
});

describe('GET /status', () => {
  it('serves the storage picture as a read-only HTML page with a bar per VG', async () => {
    const res = await request(setUp().app).get('/status');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<h2>n1</h2>');
    expect(res.text).toContain('<h2>n2</h2>');
    expect(res.text).toContain('0 / 100Gi');
  });

  it('serves the same picture as text bars with ?format=text', async () => {
    const res = await request(setUp().app).get('/status?format=text');
    expect(res.text.split('\n')[0]).toBe('n1');
    expect(res.text).toMatch(/VG\s+pool\s+\[\.{30}\]\s+0% 0 \/ 100Gi/);
  });

  it('does not accept writes', async () => {
    expect((await request(setUp().app).post('/status')).status).toBe(404);
  });
});

describe('Open-Local metric families on /metrics', () => {
  it('reports local_volume_group_total per node and VG from the NLS allocatable', async () => {
    const res = await request(setUp().app).get('/metrics');
    expect(res.text).toContain(`local_volume_group_total{nodename="n1",vgname="pool"} ${100 * 2 ** 30}`);
    expect(res.text).toContain('local_allocated_num{nodename="n2"} 0');
  });
});

describe('bad input never crashes the server', () => {
  it.each([
    { name: 'malformed JSON', path: '/scheduler/predicates', body: '{"Pod": ', want: 'malformed request body' },
    { name: 'a JSON array', path: '/scheduler/priorities', body: '[1,2]', want: 'request body must be a JSON object' },
    { name: 'no Pod', path: '/scheduler/predicates', body: '{"NodeNames":["n1"]}', want: 'Pod' },
    { name: 'neither NodeNames nor Nodes', path: '/scheduler/predicates', body: JSON.stringify({ Pod: appPod }), want: 'one of NodeNames (nodeCacheCapable: true) or Nodes is required' },
    { name: 'a volume name of the wrong type', path: '/scheduler/priorities', body: JSON.stringify({ Pod: { metadata: { name: 'p' }, spec: { volumes: [{ name: 7 }] } }, NodeNames: [] }), want: 'Pod.spec.volumes.0.name' },
    { name: 'an empty node name', path: '/scheduler/predicates', body: JSON.stringify({ Pod: appPod, NodeNames: [''] }), want: 'NodeNames: must be an array of non-empty node names' },
    { name: 'scheduling without nodeName', path: '/apis/scheduling/ns/persistentvolumeclaims/data', body: '{}', want: 'query parameter nodeName is required' },
    { name: 'scheduling with a bad namespace', path: '/apis/scheduling/NS_BAD/persistentvolumeclaims/data?nodeName=n1', body: '{}', want: 'namespace: must be a DNS name' },
  ])('$name → 400 with a message', async ({ path, body, want }) => {
    const { app } = setUp();
    const res = await request(app).post(path).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_ARGUMENT');
    expect(res.body.Error).toContain(want);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('maps every error code to an HTTP status', () => {
    expect(Object.keys(HTTP_STATUS_BY_CODE).sort()).toEqual([...EXTENDER_ERROR_CODES].sort());
  });

  it('an unknown route is a 404, not a crash', async () => {
    const res = await request(setUp().app).get('/scheduler/bind');
    expect(res.status).toBe(404);
  });
});

describe('POST /scheduler/priorities', () => {
  it('answers a HostPriorityList', async () => {
    const res = await request(setUp().app).post('/scheduler/priorities').send({ Pod: appPod, NodeNames: ['n1', 'n2'] });
    expect(res.body).toEqual([
      { Host: 'n1', Score: 6 },
      { Host: 'n2', Score: 0 },
    ]);
  });
});

describe('POST /apis/scheduling/:namespace/persistentvolumeclaims/:name', () => {
  it.each([
    { name: 'plans the claim on the node', path: '/apis/scheduling/ns/persistentvolumeclaims/data?nodeName=n1', status: 200, want: { node: 'n1', vgName: 'pool', volumeType: 'LVM', persistentVolumeClaim: 'ns/data', requestedBytes: 60 * GI } },
    { name: 'no room is 507 with the reason', path: '/apis/scheduling/ns/persistentvolumeclaims/data?nodeName=n2', status: 507, want: { code: 'RESOURCE_EXHAUSTED' } },
    { name: 'an unknown claim is 404', path: '/apis/scheduling/ns/persistentvolumeclaims/nope?nodeName=n1', status: 404, want: { code: 'NOT_FOUND' } },
  ])('$name', async ({ path, status, want }) => {
    const res = await request(setUp().app).post(path);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(want);
  });

  it('is 503 until the cache is synced', async () => {
    const res = await request(setUp(false).app).post('/apis/scheduling/ns/persistentvolumeclaims/data?nodeName=n1');
    expect(res.status).toBe(503);
  });
});

describe('debug and operations routes', () => {
  it('GET /cache shows nodes and plans; an unknown node is 404', async () => {
    const { app } = setUp();
    const res = await request(app).get('/cache?nodeName=n1');
    expect(res.body.nodes[0].view.volumeGroups).toEqual([{ name: 'pool', capacityBytes: 100 * GI, usedBytes: 0 }]);
    expect((await request(app).get('/cache?nodeName=zz')).status).toBe(404);
  });

  it('GET /metrics has latency histograms, cache sizes and VG gauges', async () => {
    const { app } = setUp();
    await request(app).post('/scheduler/predicates').send({ Pod: appPod, NodeNames: ['n1'] });
    const text = (await request(app).get('/metrics')).text;
    expect(text).toContain('openlocal_extender_request_duration_seconds_count{route="/scheduler/predicates",status="200"} 1');
    expect(text).toContain('openlocal_extender_cache_objects{kind="nodes"} 2');
    expect(text).toContain(`local_volume_group_used{nodename="n1",vgname="pool"} ${60 * GI}`);
  });

  it.each([
    { name: 'healthz is 200', path: '/healthz', ready: false, status: 200 },
    { name: 'readyz is 503 before sync', path: '/readyz', ready: false, status: 503 },
    { name: 'readyz is 200 after sync', path: '/readyz', ready: true, status: 200 },
  ])('$name', async ({ path, ready, status }) => {
    expect((await request(setUp(ready).app).get(path)).status).toBe(status);
  });

  it('GET /version is the version text', async () => {
    expect((await request(setUp().app).get('/version')).text).toBe('v0.7.1-test');
  });
});

// kube-scheduler's nodeCacheCapable body, which takes the quick read; an extra top-level key sends the same
// arguments down the general path (JSON.parse + schema), whose answers the quick read must match byte for byte.
const NAMES = ['n2', 'n1', 'ghost'];
const schedulerBody = (p: unknown, names: unknown = NAMES): string => `{"Pod":${JSON.stringify(p)},"Nodes":null,"NodeNames":${JSON.stringify(names)}}`;
const generalBody = (p: unknown): string => JSON.stringify({ Pod: p, Nodes: null, NodeNames: NAMES, Extra: 1 });
const tokenVolume = { name: 'kube-api-access-x1', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } };

async function post(app: ReturnType<typeof setUp>['app'], path: string, body: string) {
  return request(app).post(path).set('Content-Type', 'application/json').send(body);
}

describe('pods without volumes of ours: answered from the request bytes', () => {
  it.each([
    { name: 'a pod without volumes', pod: pod('ns/web', []) },
    { name: 'a pod with only the service-account token volume', pod: { ...pod('ns/web', []), spec: { volumes: [tokenVolume] } } },
    { name: "a pod whose claim is another driver's", pod: pod('ns/web', ['ns/elsewhere']) },
    { name: 'a pod whose claim is already bound', pod: pod('ns/web', ['ns/bound']) },
    { name: "a pod with another driver's inline volume", pod: pod('ns/web', [], [inlineVolume('scratch', { size: '1Gi' }, 'other.csi.example.com')]) },
  ])('$name passes every candidate, in order, as the general path does', async ({ pod: p }) => {
    const want = '{"Nodes":null,"NodeNames":["n2","n1","ghost"],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}';
    const quick = await post(setUp().app, '/scheduler/predicates', schedulerBody(p));
    expect(quick.status).toBe(200);
    expect(quick.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(quick.text).toBe(want);
    expect((await post(setUp().app, '/scheduler/predicates', generalBody(p))).text).toBe(want);
    const priorities = await post(setUp().app, '/scheduler/priorities', schedulerBody(p));
    expect(priorities.text).toBe('[]');
    expect((await post(setUp().app, '/scheduler/priorities', generalBody(p))).text).toBe('[]');
  });

  it('echoes the names exactly as sent, whitespace and all, and they still parse to the input', async () => {
    const body = `{"Pod":${JSON.stringify(pod('ns/web', []))},"Nodes":null,"NodeNames":[ "n2",\n"n1" ]}`;
    const res = await post(setUp().app, '/scheduler/predicates', body);
    expect(res.text).toBe('{"Nodes":null,"NodeNames":[ "n2",\n"n1" ],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}');
    expect(res.body.NodeNames).toEqual(['n2', 'n1']);
  });

  it.each([
    { name: 'a pod with our claim gets the chosen node and the reasons', pod: appPod, isReady: true, want: { NodeNames: ['n1'], failed: ['ghost', 'n2'] } },
    { name: 'a pod with our claim before the sync fails every node', pod: appPod, isReady: false, want: { NodeNames: [], failed: ['ghost', 'n1', 'n2'] } },
    { name: 'a claim not yet in the cache fails every node', pod: pod('ns/app', ['ns/unknown']), isReady: true, want: { NodeNames: [], failed: ['ghost', 'n1', 'n2'] } },
  ])('$name (the quick read does not pass it through)', async ({ pod: p, isReady, want }) => {
    const quick = await post(setUp(isReady).app, '/scheduler/predicates', schedulerBody(p));
    expect({ NodeNames: quick.body.NodeNames, failed: Object.keys(quick.body.FailedNodes).sort() }).toEqual(want);
    expect(quick.text).toBe((await post(setUp(isReady).app, '/scheduler/predicates', generalBody(p))).text);
    const scores = await post(setUp(isReady).app, '/scheduler/priorities', schedulerBody(p));
    expect(scores.text).toBe((await post(setUp(isReady).app, '/scheduler/priorities', generalBody(p))).text);
  });

  it('with anti-affinity weights a pod without volumes is still scored per node', async () => {
    const setUpWeighted = () => setUp(true, { antiAffinity: { MountPoint: 5 } });
    const res = await post(setUpWeighted().app, '/scheduler/priorities', schedulerBody(pod('ns/web', []), ['n1', 'n2']));
    expect(res.body).toEqual([
      { Host: 'n1', Score: 5 },
      { Host: 'n2', Score: 5 },
    ]);
  });

  it('a full Nodes list (nodeCacheCapable: false) is echoed unchanged for a pod without volumes', async () => {
    const nodes = { apiVersion: 'v1', kind: 'NodeList', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'n2', labels: { z: '1' } } }, { metadata: { name: 'n1' } }] };
    const res = await post(setUp().app, '/scheduler/predicates', JSON.stringify({ Pod: pod('ns/web', []), Nodes: nodes }));
    expect(res.body).toEqual({ Nodes: nodes, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: '' });
  });

  it.each([
    { name: 'garbage after a valid body', path: '/scheduler/predicates', body: `${schedulerBody(pod('ns/web', []))}]`, want: 'malformed request body' },
    { name: 'a truncated node list', path: '/scheduler/predicates', body: schedulerBody(pod('ns/web', [])).slice(0, -5), want: 'malformed request body' },
    { name: 'an empty body', path: '/scheduler/predicates', body: '', want: 'request body must be a JSON object' },
    { name: 'NodeNames not an array', path: '/scheduler/predicates', body: schedulerBody(pod('ns/web', []), 'n1'), want: 'NodeNames: must be an array of non-empty node names' },
    { name: 'a number among the NodeNames', path: '/scheduler/priorities', body: schedulerBody(pod('ns/web', []), ['n1', 7]), want: 'NodeNames: must be an array of non-empty node names' },
    { name: 'a Pod without metadata.name', path: '/scheduler/predicates', body: schedulerBody({ metadata: {} }), want: 'Pod.metadata.name' },
    { name: 'a Pod that is a string', path: '/scheduler/priorities', body: schedulerBody('web'), want: 'Pod' },
    { name: 'volumes that are not an array', path: '/scheduler/predicates', body: schedulerBody({ metadata: { name: 'p' }, spec: { volumes: {} } }), want: 'Pod.spec.volumes' },
    { name: 'a duplicate NodeNames whose last value is bad', path: '/scheduler/predicates', body: `{"Pod":{"metadata":{"name":"p"}},"NodeNames":["n1"],"NodeNames":[""]}`, want: 'NodeNames: must be an array' },
    { name: 'Nodes items without names', path: '/scheduler/predicates', body: `{"Pod":{"metadata":{"name":"p"}},"Nodes":{"items":[{}]}}`, want: 'Nodes.items: must be an array of Nodes' },
  ])('$name → 400 naming the problem', async ({ path, body, want }) => {
    const { app } = setUp();
    const res = await post(app, path, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_ARGUMENT');
    expect(res.body.Error).toContain(want);
    expect((await post(app, path, schedulerBody(pod('ns/web', [])))).status).toBe(200);
  });
});
