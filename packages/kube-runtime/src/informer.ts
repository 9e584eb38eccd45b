// A cache of one resource kind fed by LIST+WATCH (client-node's ListWatch), made to survive API server outages:
// client-node stops an informer for good after any error and resolves start() even when the first LIST
// fails, so this wrapper restarts it with capped exponential backoff and reports when the first LIST landed.
// Cached objects lose metadata.managedFields (nothing here reads them; they are a large share of each object).
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';
import { dropManagedFields, listObjects } from './list-objects.js';

export interface InformerOptions<T extends KubernetesObject> {
  /** For logs and metrics, e.g. `nodes`. */
  readonly name: string;
  readonly kubeConfig: KubeConfig;
  /** The watch path, e.g. `/api/v1/nodes`. */
  readonly path: string;
  /**
   * The LIST; default: listObjects of `path` (with `fieldSelector`) in pages of 500, each item slimmed (managedFields
   * dropped, `project` applied) as its page arrives, so the whole list never exists as full objects (issue #19).
   */
  readonly list?: () => Promise<KubernetesListObject<T>>;
  readonly fieldSelector?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff: BackoffPolicy;
  readonly onRestart?: () => void;
  /** Called once, when the first LIST has filled the cache. */
  readonly onSynced?: () => void;
  /**
   * What the cache keeps of each listed or watched object (after managedFields are dropped): a reader that
   * needs a few fields of a large kind keeps those, plus the metadata ListWatch keys its cache by (name,
   * namespace, resourceVersion). Default: the object as it came.
   */
  readonly project?: (object: T) => T;
}

type Handler<T> = (object: T) => void;

/** Items per LIST request of the default list (client-go's reflector uses the same). */
const LIST_PAGE_SIZE = 500;

const OBJECT_PHASES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/** client-node's Watch, slimming each object (not ERROR or BOOKMARK payloads) before the cache keeps it (#19). */
class SlimWatch extends Watch {
  constructor(
    kubeConfig: KubeConfig,
    private readonly slim: (object: KubernetesObject) => KubernetesObject,
  ) {
    super(kubeConfig);
  }

  override watch(...[path, queryParams, callback, done]: Parameters<Watch['watch']>): ReturnType<Watch['watch']> {
    return super.watch(path, queryParams, (phase, object: unknown, watchObject?: unknown) => {
      const isObject = typeof object === 'object' && object !== null && OBJECT_PHASES.has(phase);
      callback(phase, isObject ? this.slim(object as KubernetesObject) : object, watchObject);
    }, done);
  }
}

export class Informer<T extends KubernetesObject> {
  private readonly listWatch: ListWatch<T>;
  private readonly stop = new AbortController();
  private synced = false;
  private failures = 0;

  constructor(private readonly options: InformerOptions<T>) {
    const project = options.project ?? ((object: T): T => object);
    const slim = (object: T): T => project(dropManagedFields(object));
    const list = async (): Promise<KubernetesListObject<T>> => {
      let result: KubernetesListObject<T>;
      if (options.list === undefined) {
        const { fieldSelector } = options;
        result = await listObjects<T>(options.kubeConfig, options.path, { pageSize: LIST_PAGE_SIZE, map: project, ...(fieldSelector === undefined ? {} : { fieldSelector }) });
      } else {
        result = await options.list();
        result.items = result.items.map(slim);
      }
      this.failures = 0;
      // ListWatch fills its cache right after this resolves; mark synced after that has happened.
      setImmediate(() => {
        if (this.synced) return;
        this.synced = true;
        options.onSynced?.();
      });
      return result;
    };
    this.listWatch = new ListWatch<T>(options.path, new SlimWatch(options.kubeConfig, (object) => slim(object as T)), list, false, undefined, options.fieldSelector);
    this.listWatch.on('error', (error: unknown) => this.restartLater(error));
  }

  on(event: 'add' | 'update' | 'delete', handler: Handler<T>): void {
    this.listWatch.on(event, handler);
  }

  /** True once the first LIST has filled the cache (stays true across restarts: the cache is kept). */
  get hasSynced(): boolean {
    return this.synced;
  }

  get name(): string {
    return this.options.name;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.listWatch.get(name, namespace);
  }

  list(): T[] {
    return [...this.listWatch.list()];
  }

  start(): void {
    this.startListWatch();
  }

  /** Starts, and stops when `signal` aborts; resolves then (for a run loop that waits on it). */
  async run(signal: AbortSignal): Promise<void> {
    this.start();
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    this.shutDown();
  }

  // Some failures reject start() instead of reaching the 'error' callback; both mean "restart".
  private startListWatch(): void {
    this.listWatch.start().catch((error: unknown) => this.restartLater(error));
  }

  shutDown(): void {
    this.stop.abort();
    void this.listWatch.stop();
  }

  private restartLater(error: unknown): void {
    if (this.stop.signal.aborted) return;
    this.failures += 1;
    const delayMs = backoffDelayMs(this.failures, this.options.backoff);
    this.options.logger.warn({ informer: this.options.name, err: error, retryInMs: delayMs }, 'list/watch failed; restarting');
    this.options.onRestart?.();
    void this.options.clock.sleep(delayMs, this.stop.signal).then((elapsed) => {
      if (elapsed) this.startListWatch();
    });
  }
}
