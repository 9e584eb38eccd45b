// Applies planNls to one node (or to all of them in a sweep) against the caches, makes the write it asks for,
// and tells the init config's owner what happened through Events on the NLSC.
import { API_VERSION, NLSC, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import type { Logger } from 'pino';
import type { EventRecorder } from '@openlocal/kube-runtime';
import type { NlsWriter } from '../adapters/nls-api.js';
import { planNls, sweepNames, type NlsView, type NodeView } from '../core/nls-plan.js';
import type { ControllerMetrics } from '../adapters/metrics.js';

/** Read-only view of the informer caches. */
export interface ClusterView {
  node(name: string): NodeView | undefined;
  nls(name: string): NlsView | undefined;
  initConfig(): { readonly name: string; readonly uid?: string; readonly resourceVersion?: string; readonly spec: NodeLocalStorageInitConfigSpec } | undefined;
  nodeNames(): string[];
  nlsNames(): string[];
}

export interface ReconcilerOptions {
  readonly view: ClusterView;
  readonly writer: NlsWriter;
  readonly events: EventRecorder;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  readonly isUpdateEnabled: boolean;
}

export type ReconcileResult = 'created' | 'updated' | 'deleted' | 'unchanged';

export interface SweepResult {
  readonly counts: Readonly<Record<ReconcileResult, number>>;
  readonly failed: ReadonlyMap<string, unknown>;
}

export class NlsReconciler {
  private warnedInvalidVersion: string | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  /** Brings one node's NLS in line; throws when a write fails (the caller retries with backoff). */
  async reconcile(name: string): Promise<ReconcileResult> {
    const { view, writer, logger, metrics } = this.options;
    const initConfig = view.initConfig();
    const action = planNls({ name, node: view.node(name), nls: view.nls(name), initConfig: initConfig?.spec, isUpdateEnabled: this.options.isUpdateEnabled });
    switch (action.kind) {
      case 'none':
        logger.debug({ nls: name, reason: action.reason }, 'nothing to do');
        return 'unchanged';
      case 'invalid-config':
        await this.warnInvalid(action.message);
        return 'unchanged';
      case 'create':
        // A sweep and a per-node key may race to create the same NLS; the loser's 409 is not an error.
        if ((await writer.create(name, action.spec)) === 'exists') return 'unchanged';
        metrics.writes.inc({ verb: 'create' });
        logger.info({ nls: name }, 'created NodeLocalStorage');
        return 'created';
      case 'update':
        await writer.replaceSpec(name, action.spec);
        metrics.writes.inc({ verb: 'update' });
        logger.info({ nls: name }, 'updated NodeLocalStorage spec');
        return 'updated';
      case 'delete':
        await writer.delete(name);
        metrics.writes.inc({ verb: 'delete' });
        logger.info({ nls: name }, 'deleted NodeLocalStorage of a deleted node');
        return 'deleted';
    }
  }

  /** Reconciles every node and NLS; reports `Synced` on the NLSC when something changed or `announce` is set. */
  async sweep(options: { announce: boolean }): Promise<SweepResult> {
    const counts: Record<ReconcileResult, number> = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
    const failed = new Map<string, unknown>();
    const { view } = this.options;
    for (const name of sweepNames(view.nodeNames(), view.nlsNames())) {
      try {
        counts[await this.reconcile(name)] += 1;
      } catch (error) {
        failed.set(name, error);
      }
    }
    const isChanged = counts.created + counts.updated + counts.deleted > 0;
    const initConfig = view.initConfig();
    if (initConfig && failed.size > 0) {
      const [first] = failed;
      await this.event('Warning', 'SyncFailed', `NLSC sync failed for ${failed.size} node(s) (${[...failed.keys()].join(', ')}); first error: ${describe(first?.[1])}`);
    } else if (initConfig && (isChanged || options.announce)) {
      await this.event('Normal', 'Synced', `NLSC synced successfully: created ${counts.created}, updated ${counts.updated}, deleted ${counts.deleted}, unchanged ${counts.unchanged}`);
    }
    return { counts, failed };
  }

  private async warnInvalid(message: string): Promise<void> {
    const version = this.options.view.initConfig()?.resourceVersion ?? '';
    if (this.warnedInvalidVersion === version) return;
    this.warnedInvalidVersion = version;
    this.options.logger.warn({ message }, 'init config is invalid; NLS specs left as they are');
    await this.event('Warning', 'InvalidInitConfig', message);
  }

  private async event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const initConfig = this.options.view.initConfig();
    if (!initConfig) return;
    await this.options.events.record({ target: { apiVersion: API_VERSION, kind: NLSC.kind, name: initConfig.name, uid: initConfig.uid }, type, reason, message });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
