// The filter route waits a moment for a pod the informer has not delivered yet (kube-scheduler and the
// extender watch the same pods; either may see a new one first), and refuses one that never arrives.
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../core/cluster-state.js';
import { Extender } from '../core/extender.js';
import { MetricObjects } from '../core/metric-objects.js';
import { nls, pod, pvc, storageClass } from '../test-support/builders.js';
import { createHttpApp } from './http-app.js';
import { createMetrics } from './metrics.js';

function setUp(podWaitMs: number) {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertPvc(pvc('ns/data', 'lvm', '10Gi'), 0);
  const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
  extender.setSynced(true);
  const metrics = createMetrics(state, { withDefaultMetrics: false, objects: new MetricObjects(PROVISIONER_NAMES) });
  const app = createHttpApp({ extender, state, metrics, logger: pino({ level: 'silent' }), clock: { now: () => 0 }, version: 'test', isReady: () => true, podWaitMs });
  return { app, state };
}

const web = pod('ns/web', ['ns/data']);

describe('filter of a pod the informer has not delivered yet', () => {
  it('waits for the pod and then plans it', async () => {
    const { app, state } = setUp(5000);
    setTimeout(() => state.upsertPod(web, 0), 150);
    const res = await request(app).post('/scheduler/predicates').send({ Pod: web, NodeNames: ['n1'] });
    expect(res.body).toMatchObject({ NodeNames: ['n1'], FailedNodes: {} });
    expect(state.planOf('ns/data')).toMatchObject({ node: 'n1', source: 'filter' });
  });

  it('refuses a pod that does not arrive within the wait, naming it', async () => {
    const { app, state } = setUp(100);
    const res = await request(app).post('/scheduler/predicates').send({ Pod: web, NodeNames: ['n1'] });
    expect(res.body.NodeNames).toEqual([]);
    expect(res.body.FailedNodes.n1).toContain("pod ns/web (uid uid-ns/web) is not in the extender's cache of the API");
    expect(state.planOf('ns/data')).toBeUndefined();
  });
});
