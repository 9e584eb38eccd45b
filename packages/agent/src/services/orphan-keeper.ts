// Orphan detection between passes (#16): remembers since when each LV of ours has gone unnamed by any PV,
// reports the ones past the grace (NLS status and gauges), and, only when removal is on, removes the ones due —
// after reading lvm and the PVs again from the API right before, so an LV a PV names now is never removed.
import type { OrphanedLogicalVolume } from '@openlocal/crd-types';
import type { Clock } from '@openlocal/kube-runtime';
import type { Lvm, LvmState } from '@openlocal/lvm';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { KubeConfig } from '@kubernetes/client-node';
import { PvHandleInformer, type PvHandleSource } from '../adapters/pv-handles.js';
import { notOrphanReason, orphansToStatus, orphanTotalsByVg, reviewOrphans, type Orphan, type OrphanPolicy } from '../core/orphans.js';

export interface OrphanKeeperOptions {
  readonly nodeName: string;
  readonly pvs: PvHandleSource;
  readonly lvm: Pick<Lvm, 'readState' | 'removeLv'>;
  readonly policy: OrphanPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
}

export class OrphanKeeper {
  private firstSeenMs = new Map<string, number>();
  private due: Orphan[] = [];
  private managedVgs: readonly string[] = [];
  private readonly count: Gauge<'nodename' | 'vg'>;
  private readonly bytes: Gauge<'nodename' | 'vg'>;
  private readonly removals: Counter<'nodename' | 'result'>;

  constructor(private readonly options: OrphanKeeperOptions) {
    const registers = [options.registry];
    const labelNames = ['nodename', 'vg'] as const;
    this.count = new Gauge({ name: 'openlocal_agent_orphan_lvs', help: 'LVs of this driver in the VG that no PV names, past the orphan grace', labelNames, registers });
    this.bytes = new Gauge({ name: 'openlocal_agent_orphan_lv_bytes', help: 'Bytes of the VG held by orphaned LVs', labelNames, registers });
    this.removals = new Counter({ name: 'openlocal_agent_orphan_removals_total', help: 'Orphan removals: removed, or kept because the check right before found a reason', labelNames: ['nodename', 'result'], registers });
  }

  /**
   * Reviews this pass's lvm state: returns the NLS status entries (undefined until the PV watch has listed once:
   * without it every LV would look unnamed) and sets the gauges.
   */
  review(state: LvmState, managedVgs: readonly string[]): OrphanedLogicalVolume[] | undefined {
    const { pvs, policy, nodeName } = this.options;
    if (!pvs.hasSynced) return undefined;
    const review = reviewOrphans({ lvs: state.lvs, managedVgs, pvVolumeHandles: pvs.cachedHandles(), firstSeenMs: this.firstSeenMs, nowMs: this.options.clock.now(), policy });
    this.firstSeenMs = review.firstSeenMs;
    this.due = review.dueForRemoval;
    this.managedVgs = managedVgs;
    this.count.reset();
    this.bytes.reset();
    for (const [vg, total] of orphanTotalsByVg(review.orphans, managedVgs)) {
      this.count.set({ nodename: nodeName, vg }, total.count);
      this.bytes.set({ nodename: nodeName, vg }, total.bytes);
    }
    return orphansToStatus(review.orphans);
  }

  /**
   * Removes the orphans the last review found due, each only if it still is one by lvm's state and the API's PVs
   * read now. Returns true when something was removed (the caller rediscovers). A failure keeps the LV for the
   * next pass.
   */
  async removeDue(signal?: AbortSignal): Promise<boolean> {
    if (this.due.length === 0) return false;
    const due = this.due;
    this.due = [];
    try {
      return await this.removeEach(due, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      // The API or lvm could not be read (or lvremove failed): nothing unchecked is removed; the next review retries.
      this.options.logger.warn({ err: error, orphans: due.map((o) => `${o.vgName}/${o.name}`) }, 'orphan removal postponed');
      return true;
    }
  }

  private async removeEach(due: readonly Orphan[], signal: AbortSignal | undefined): Promise<boolean> {
    const [state, handles] = await Promise.all([this.options.lvm.readState({ signal }), this.options.pvs.freshHandles(signal)]);
    const managed = new Set(this.managedVgs);
    let isAnyRemoved = false;
    for (const orphan of due) {
      const lv = state.lvs.find((l) => l.vgName === orphan.vgName && l.name === orphan.name);
      const reason = lv === undefined ? 'it is gone' : notOrphanReason(lv, managed, handles);
      if (reason !== null) {
        this.firstSeenMs.delete(`${orphan.vgName}/${orphan.name}`);
        this.removals.inc({ nodename: this.options.nodeName, result: 'kept' });
        this.options.logger.info({ vg: orphan.vgName, lv: orphan.name, reason }, 'orphan not removed: the check before removal found a reason');
        continue;
      }
      await this.options.lvm.removeLv({ vgName: orphan.vgName, name: orphan.name }, { signal });
      this.firstSeenMs.delete(`${orphan.vgName}/${orphan.name}`);
      this.removals.inc({ nodename: this.options.nodeName, result: 'removed' });
      this.options.logger.warn({ vg: orphan.vgName, lv: orphan.name, sizeBytes: orphan.sizeBytes, since: new Date(orphan.sinceMs).toISOString() }, 'removed orphaned LV: no PV has named it since then');
      isAnyRemoved = true;
    }
    return isAnyRemoved;
  }
}

/** The PV watch and the keeper, wired from the flags; undefined when detection is off (`--orphan-grace 0`). */
export function createOrphanDetection(options: Omit<OrphanKeeperOptions, 'pvs' | 'policy'> & {
  readonly kubeConfig: KubeConfig;
  readonly flags: { readonly orphanGrace: number; readonly orphanRemoval: boolean; readonly orphanRemovalGrace: number };
  readonly onRestart: () => void;
}): { keeper: OrphanKeeper; pvs: PvHandleInformer } | undefined {
  const { flags } = options;
  if (flags.orphanGrace === 0) return undefined;
  const pvs = new PvHandleInformer({ kubeConfig: options.kubeConfig, clock: options.clock, logger: options.logger, onRestart: options.onRestart });
  const policy = { graceMs: flags.orphanGrace * 1000, removalGraceMs: flags.orphanRemoval ? flags.orphanRemovalGrace * 1000 : undefined };
  return { pvs, keeper: new OrphanKeeper({ ...options, pvs, policy }) };
}
