// Node-loss recovery while leading (opt-in, --node-loss-grace): every interval, look at Nodes, our PVs and claims,
// keep the missing-since clock, and carry out planNodeLoss's actions, logging each. One failed call ends the
// pass; the next pass plans again from fresh state.
import type { Clock } from '@openlocal/kube-runtime';
import type { Logger } from 'pino';
import type { NodeLossApi } from '../adapters/node-loss-api.js';
import { nodesReferenced, ourStorageClasses, planNodeLoss, trackMissingNodes, type NodeLossAction } from '../core/node-loss.js';

export interface NodeLossOptions {
  api: NodeLossApi;
  clock: Clock;
  logger: Logger;
  graceMs: number;
  intervalMs: number;
  /** Counts the actions taken, by kind. */
  onAction?: (action: NodeLossAction) => void;
}

export class NodeLossRecovery {
  private missingSince = new Map<string, number>();

  constructor(private readonly options: NodeLossOptions) {}

  /** One look and the actions it calls for; returns what was done. */
  async pass(): Promise<NodeLossAction[]> {
    const { api, clock, logger, graceMs } = this.options;
    const snapshot = await api.snapshot();
    const ourClasses = ourStorageClasses(snapshot.classes);
    const nowMs = clock.now();
    const referenced = nodesReferenced(snapshot.pvs, snapshot.claims, ourClasses);
    const previous = this.missingSince;
    this.missingSince = trackMissingNodes(previous, { existing: snapshot.nodes, referenced, nowMs });
    for (const node of this.missingSince.keys()) {
      if (!previous.has(node)) logger.warn({ node, graceMs }, 'node of local volumes is gone; its claims are deleted if it stays gone past the grace');
    }
    const actions = planNodeLoss({ ...snapshot, ourClasses, missingSince: this.missingSince, nowMs, graceMs });
    for (const action of actions) await this.act(action);
    return actions;
  }

  private async act(action: NodeLossAction): Promise<void> {
    const { api, logger } = this.options;
    if (action.kind === 'delete-claim') await api.deleteClaim(action.namespace, action.name);
    else if (action.kind === 'release-pv') await api.releasePv(action.name);
    else await api.deletePv(action.name);
    logger.info({ ...action }, `node-loss recovery: ${action.kind}`);
    this.options.onAction?.(action);
  }

  /** Passes every interval until the signal aborts; a failed pass is logged and retried at the next one. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger, intervalMs } = this.options;
    do {
      await this.pass().catch((error: unknown) => logger.warn({ err: error }, 'node-loss recovery pass failed; retried at the next one'));
    } while (await clock.sleep(intervalMs, signal));
  }
}
