// A client-node ListWatch that does not stay dead: client-node 1.4 informers stop for good after a list or
// watch error, so this one restarts them with exponential backoff and says when the first full list landed.
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface InformerHandlers<T> {
  upsert(object: T): void;
  remove(object: T): void;
}

export interface RestartingInformerOptions<T extends KubernetesObject> {
  kind: string;
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  kubeConfig: KubeConfig;
  handlers: InformerHandlers<T>;
  logger: Logger;
  clock: Clock;
  backoff?: { initialMs: number; maxMs: number };
  /** Counts restarts, for metrics. */
  onRestart?: (kind: string) => void;
}

export class RestartingInformer<T extends KubernetesObject> {
  private readonly informer: ListWatch<T>;
  private errorCount = 0;
  private wakeOnError: (() => void) | undefined;
  private isSyncedFlag = false;

  constructor(private readonly options: RestartingInformerOptions<T>) {
    this.informer = new ListWatch(options.path, new Watch(options.kubeConfig), options.list, false);
    this.informer.on('add', (object) => options.handlers.upsert(object));
    this.informer.on('update', (object) => options.handlers.upsert(object));
    this.informer.on('delete', (object) => options.handlers.remove(object));
    this.informer.on('error', (error: unknown) => {
      this.errorCount += 1;
      options.logger.warn({ kind: options.kind, err: error }, 'informer stopped; restarting with backoff');
      this.wakeOnError?.();
    });
  }

  get isSynced(): boolean {
    return this.isSyncedFlag;
  }

  /** Runs until `signal` aborts; `onSynced` is called once, after the first list that succeeded. */
  async run(signal: AbortSignal, onSynced: () => void): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let delayMs = initialMs;
    while (!signal.aborted) {
      const errorsBefore = this.errorCount;
      const stopped = new Promise<void>((resolve) => {
        this.wakeOnError = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      try {
        await this.informer.start();
      } catch (error) {
        // Some failures reject start() instead of reaching the 'error' callback; both mean "restart".
        this.errorCount += 1;
        this.options.logger.warn({ kind: this.options.kind, err: error }, 'informer start failed; restarting with backoff');
      }
      if (this.errorCount === errorsBefore) {
        if (!this.isSyncedFlag) {
          this.isSyncedFlag = true;
          onSynced();
        }
        delayMs = initialMs;
        await stopped;
      }
      if (signal.aborted) break;
      this.options.onRestart?.(this.options.kind);
      await this.options.clock.sleep(delayMs, signal);
      delayMs = Math.min(maxMs, delayMs * 2);
    }
    await this.informer.stop();
  }
}
