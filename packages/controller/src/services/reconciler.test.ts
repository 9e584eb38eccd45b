import type { NodeLocalStorageInitConfigSpec, NodeLocalStorageSpec } from '@openlocal/crd-types';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventRecord, EventRecorder } from '@openlocal/kube-runtime';
import type { NlsWriter } from '../adapters/nls-api.js';
import type { NlsView, NodeView } from '../core/nls-plan.js';
import { createControllerMetrics } from '../adapters/metrics.js';
import { NlsReconciler, type ClusterView } from './reconciler.js';

/** In-memory cluster state and recorded writes: a unit-test double of the caches and the API. */
class FakeCluster implements ClusterView, NlsWriter, EventRecorder {
  nodes = new Map<string, NodeView>();
  objects = new Map<string, NlsView>();
  config: NodeLocalStorageInitConfigSpec | undefined = { globalConfig: { listConfig: { vgs: { include: ['pool'] } } } };
  writes: string[] = [];
  events: EventRecord[] = [];
  failingNames = new Set<string>();

  node = (name: string) => this.nodes.get(name);
  nls = (name: string) => this.objects.get(name);
  initConfig = () => (this.config ? { name: 'open-local', uid: 'u1', resourceVersion: '1', spec: this.config } : undefined);
  nodeNames = () => [...this.nodes.keys()];
  nlsNames = () => [...this.objects.keys()];

  private write(verb: string, name: string, spec?: NodeLocalStorageSpec): Promise<void> {
    if (this.failingNames.has(name)) return Promise.reject(new Error(`injected failure for ${name}`));
    this.writes.push(`${verb} ${name}`);
    if (spec) this.objects.set(name, { name, spec, isDeleting: false });
    else this.objects.delete(name);
    return Promise.resolve();
  }
  create = async (name: string, spec: NodeLocalStorageSpec): Promise<'created' | 'exists'> => {
    if (this.objects.has(name)) return 'exists';
    await this.write('create', name, spec);
    return 'created';
  };
  replaceSpec = (name: string, spec: NodeLocalStorageSpec) => this.write('update', name, spec);
  delete = (name: string) => this.write('delete', name);
  record = (event: EventRecord) => {
    this.events.push(event);
    return Promise.resolve();
  };
}

function setUp(): { cluster: FakeCluster; reconciler: NlsReconciler } {
  const cluster = new FakeCluster();
  const reconciler = new NlsReconciler({
    view: cluster, writer: cluster, events: cluster, metrics: createControllerMetrics(), logger: pino({ level: 'silent' }), isUpdateEnabled: true,
  });
  return { cluster, reconciler };
}

describe('NlsReconciler.sweep', () => {
  it('creates missing NLS, deletes orphans and says Synced on the NLSC', async () => {
    const { cluster, reconciler } = setUp();
    cluster.nodes.set('a', { name: 'a', labels: {} });
    cluster.objects.set('gone', { name: 'gone', spec: { nodeName: 'gone' }, isDeleting: false });
    const result = await reconciler.sweep({ announce: false });
    expect(cluster.writes).toEqual(['create a', 'delete gone']);
    expect(result.counts).toEqual({ created: 1, updated: 0, deleted: 1, unchanged: 0 });
    expect(cluster.events.map((e) => [e.type, e.reason, e.target.kind, e.target.name])).toEqual([['Normal', 'Synced', 'NodeLocalStorageInitConfig', 'open-local']]);
  });

  it('makes no write and no event when everything is up to date', async () => {
    const { cluster, reconciler } = setUp();
    cluster.nodes.set('a', { name: 'a', labels: {} });
    await reconciler.sweep({ announce: false });
    cluster.writes = [];
    cluster.events = [];
    await reconciler.sweep({ announce: false });
    expect(cluster.writes).toEqual([]);
    expect(cluster.events).toEqual([]);
  });

  it('reports failed nodes with a Warning naming them and goes on with the others', async () => {
    const { cluster, reconciler } = setUp();
    cluster.nodes.set('a', { name: 'a', labels: {} });
    cluster.nodes.set('b', { name: 'b', labels: {} });
    cluster.failingNames.add('a');
    const result = await reconciler.sweep({ announce: false });
    expect([...result.failed.keys()]).toEqual(['a']);
    expect(cluster.writes).toEqual(['create b']);
    expect(cluster.events[0]).toMatchObject({ type: 'Warning', reason: 'SyncFailed' });
    expect(cluster.events[0]?.message).toContain('injected failure for a');
  });

  it('counts a create that lost a race (409) as unchanged, not as an error', async () => {
    const { cluster, reconciler } = setUp();
    cluster.nodes.set('a', { name: 'a', labels: {} });
    const view = { ...cluster, nls: () => undefined };
    const racing = new NlsReconciler({ view, writer: cluster, events: cluster, metrics: createControllerMetrics(), logger: pino({ level: 'silent' }), isUpdateEnabled: true });
    await reconciler.reconcile('a');
    expect(await racing.reconcile('a')).toBe('unchanged');
    expect(cluster.writes).toEqual(['create a']);
  });

  it('warns once per init config version about an invalid selector and writes nothing', async () => {
    const { cluster, reconciler } = setUp();
    cluster.nodes.set('a', { name: 'a', labels: {} });
    cluster.config = { nodesConfig: [{ selector: { matchExpressions: [{ key: 'k', operator: 'Bogus' as 'In' }] } }] };
    await reconciler.sweep({ announce: false });
    await reconciler.sweep({ announce: false });
    expect(cluster.writes).toEqual([]);
    expect(cluster.events.filter((e) => e.reason === 'InvalidInitConfig')).toHaveLength(1);
  });
});
