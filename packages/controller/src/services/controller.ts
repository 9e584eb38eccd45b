// The NLS control loop: three informer caches (Node, NLS, NLSC) feed a keyed work queue; while this replica
// leads, workers drain it through the reconciler and a periodic sweep catches anything missed.
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { GROUP, NLS, NLSC, VERSION } from '@openlocal/crd-types';
import type { Logger } from 'pino';
import type { EventRecorder } from '@openlocal/kube-runtime';
import { Informer, WorkQueue } from '@openlocal/kube-runtime';
import type { ClusterLists, NlscObject, NlsObject } from '../adapters/cluster-lists.js';
import type { NlsWriter } from '../adapters/nls-api.js';
import type { Clock } from '@openlocal/kube-runtime';
import type { BackoffPolicy } from '@openlocal/kube-runtime';
import type { ControllerMetrics } from '../adapters/metrics.js';
import { NlsReconciler, type ClusterView } from './reconciler.js';

/** The work-queue key of a full sweep; node names cannot contain '*'. */
const SWEEP = '*';

export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly lists: ClusterLists;
  readonly writer: NlsWriter;
  readonly events: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ControllerMetrics;
  readonly initConfigName: string;
  readonly workers: number;
  readonly resyncPeriodMs: number;
  readonly isUpdateEnabled: boolean;
  readonly retry: BackoffPolicy;
}

export class NlsController {
  private readonly nodes: Informer<V1Node>;
  private readonly nlss: Informer<NlsObject>;
  private readonly nlscs: Informer<NlscObject>;
  private readonly reconciler: NlsReconciler;
  private readonly nodeLabels = new Map<string, string>();
  private readonly nlsGenerations = new Map<string, number | undefined>();
  private queue: WorkQueue | undefined;
  private isAnnouncePending = true;

  constructor(private readonly options: ControllerOptions) {
    const { kubeConfig, clock, logger, metrics, lists } = options;
    const common = { kubeConfig, clock, logger, backoff: options.retry };
    const restarts = (name: string) => () => metrics.informerRestarts.inc({ informer: name });
    this.nodes = new Informer<V1Node>({ ...common, name: 'nodes', path: '/api/v1/nodes', list: () => lists.nodes(), onRestart: restarts('nodes') });
    this.nlss = new Informer<NlsObject>({ ...common, name: 'nodelocalstorages', path: `/apis/${GROUP}/${VERSION}/${NLS.plural}`, list: () => lists.nodeLocalStorages(), onRestart: restarts('nodelocalstorages') });
    this.nlscs = new Informer<NlscObject>({
      ...common, name: 'nodelocalstorageinitconfigs', path: `/apis/${GROUP}/${VERSION}/${NLSC.plural}`,
      list: () => lists.initConfigs(), onRestart: restarts('nodelocalstorageinitconfigs'),
    });
    this.reconciler = new NlsReconciler({ view: this.view(), writer: options.writer, events: options.events, metrics, logger, isUpdateEnabled: options.isUpdateEnabled });
    this.registerHandlers();
  }

  start(): void {
    for (const informer of [this.nodes, this.nlss, this.nlscs]) informer.start();
  }

  shutDown(): void {
    this.queue?.shutDown();
    for (const informer of [this.nodes, this.nlss, this.nlscs]) informer.shutDown();
  }

  notReadyReasons(): string[] {
    return [this.nodes, this.nlss, this.nlscs].filter((i) => !i.hasSynced).map((i) => `informer ${i.name} has not listed yet`);
  }

  /** Does the work while `signal` is not aborted (i.e. while this replica leads); resolves when workers stop. */
  async lead(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.options;
    while (this.notReadyReasons().length > 0) if (!(await clock.sleep(100, signal))) return;
    const queue = new WorkQueue({ clock, retry: this.options.retry });
    this.queue = queue;
    signal.addEventListener('abort', () => queue.shutDown(), { once: true });
    this.isAnnouncePending = true;
    queue.add(SWEEP);
    const resync = (async () => {
      while (await clock.sleep(this.options.resyncPeriodMs, signal)) queue.add(SWEEP);
    })();
    const workers = Array.from({ length: this.options.workers }, () => this.work(queue));
    await Promise.all([resync, ...workers]);
    if (this.queue === queue) this.queue = undefined;
    logger.info('workers stopped');
  }

  private async work(queue: WorkQueue): Promise<void> {
    const { logger, metrics } = this.options;
    for (let key = await queue.next(); key !== undefined; key = await queue.next()) {
      try {
        if (key === SWEEP) await this.sweep(queue);
        else metrics.reconciles.inc({ result: (await this.reconciler.reconcile(key)) === 'unchanged' ? 'unchanged' : 'changed' });
        queue.forget(key);
      } catch (error) {
        metrics.reconciles.inc({ result: 'error' });
        const retryInMs = queue.addRateLimited(key);
        logger.warn({ err: error, key, retryInMs }, 'reconcile failed; will retry');
      } finally {
        queue.done(key);
        metrics.queueDepth.set(queue.length);
      }
    }
  }

  private async sweep(queue: WorkQueue): Promise<void> {
    const announce = this.isAnnouncePending;
    this.isAnnouncePending = false;
    const result = await this.reconciler.sweep({ announce });
    for (const [name, error] of result.failed) {
      const retryInMs = queue.addRateLimited(name);
      this.options.logger.warn({ err: error, key: name, retryInMs }, 'reconcile in sweep failed; will retry');
    }
    this.options.logger.info({ ...result.counts, failed: result.failed.size }, 'sweep done');
  }

  private enqueue(key: string): void {
    this.queue?.add(key);
  }

  private registerHandlers(): void {
    const labelsKey = (node: V1Node): string => JSON.stringify(Object.entries(node.metadata?.labels ?? {}).sort());
    this.nodes.on('add', (node) => this.onNode(node, labelsKey(node)));
    this.nodes.on('update', (node) => this.onNode(node, labelsKey(node)));
    this.nodes.on('delete', (node) => {
      this.nodeLabels.delete(node.metadata?.name ?? '');
      this.enqueue(node.metadata?.name ?? '');
    });
    const onNls = (nls: NlsObject, isDelete: boolean): void => {
      if (this.isSpecEvent(nls, isDelete)) this.enqueue(nls.metadata?.name ?? '');
    };
    this.nlss.on('add', (nls) => onNls(nls, false));
    this.nlss.on('update', (nls) => onNls(nls, false));
    this.nlss.on('delete', (nls) => onNls(nls, true));
    const onNlsc = (nlsc: NlscObject): void => {
      if (nlsc.metadata?.name !== this.options.initConfigName) return;
      this.isAnnouncePending = true;
      this.enqueue(SWEEP);
    };
    for (const event of ['add', 'update', 'delete'] as const) this.nlscs.on(event, onNlsc);
  }

  /** Status writes (the agent's heartbeats) do not bump metadata.generation: only spec edits, adds and deletes count. */
  private isSpecEvent(nls: NlsObject, isDelete: boolean): boolean {
    const name = nls.metadata?.name ?? '';
    if (isDelete) {
      this.nlsGenerations.delete(name);
      return true;
    }
    const generation = nls.metadata?.generation;
    const isKnown = this.nlsGenerations.has(name) && this.nlsGenerations.get(name) === generation;
    this.nlsGenerations.set(name, generation);
    return !isKnown || Boolean(nls.metadata?.deletionTimestamp);
  }

  private onNode(node: V1Node, labels: string): void {
    const name = node.metadata?.name ?? '';
    if (this.nodeLabels.get(name) === labels) return;
    this.nodeLabels.set(name, labels);
    this.enqueue(name);
  }

  private view(): ClusterView {
    return {
      node: (name) => {
        const node = this.nodes.get(name);
        return node ? { name, labels: node.metadata?.labels ?? {} } : undefined;
      },
      nls: (name) => {
        const nls = this.nlss.get(name);
        return nls ? { name, spec: nls.spec, isDeleting: Boolean(nls.metadata?.deletionTimestamp) } : undefined;
      },
      initConfig: () => {
        const nlsc = this.nlscs.get(this.options.initConfigName);
        if (!nlsc) return undefined;
        return { name: this.options.initConfigName, uid: nlsc.metadata?.uid, resourceVersion: nlsc.metadata?.resourceVersion, spec: nlsc.spec ?? {} };
      },
      nodeNames: () => this.nodes.list().map((n) => n.metadata?.name ?? '').filter((n) => n !== ''),
      nlsNames: () => {
        const names = this.nlss.list().map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
        this.options.metrics.nlsCount.set(names.length);
        return names;
      },
    };
  }
}
