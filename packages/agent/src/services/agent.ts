// The agent's loop: wait for its NLS, activate the managed VGs once (reboot recovery), then every interval
// (or at once when the NLS spec or reserve annotation changes): initialise resources, discover, compose the
// status and write it only when it changed or a heartbeat is due. A failing pass is logged and retried
// sooner; it never ends the process.
import { ANNOTATIONS, API_VERSION, filterNames, NLS, parseStorageReserved, type NodeLocalStorage, type NodeLocalStorageStatus } from '@openlocal/crd-types';
import { LvmError, type Lvm } from '@openlocal/lvm';
import type { Logger } from 'pino';
import type { StorageReader } from '../adapters/host-storage.js';
import type { NlsStatusWriter } from '../adapters/nls-api.js';
import type { NlsSource } from '../adapters/own-nls.js';
import type { Clock } from '@openlocal/kube-runtime';
import { composeStatus, decideStatusWrite } from '../core/agent-status.js';
import { backoffDelayMs } from '@openlocal/kube-runtime';
import { buildNodeStorageInfo } from '../core/node-storage.js';
import type { EventSink } from './event-sink.js';
import type { AgentMetrics } from '../adapters/metrics.js';
import type { ResourceInitializer } from '../adapters/resource-initializer.js';
import type { OrphanKeeper } from './orphan-keeper.js';
import { Trigger } from './trigger.js';

export interface AgentOptions {
  readonly nodeName: string;
  readonly lvm: Lvm;
  readonly host: StorageReader;
  readonly initializer: ResourceInitializer;
  readonly source: NlsSource;
  readonly writer: NlsStatusWriter;
  readonly events: EventSink;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  readonly lvNamePrefix: string;
  readonly intervalMs: number;
  readonly heartbeatMs: number;
  /** Orphan detection (#16); absent when it is switched off. */
  readonly orphans?: Pick<OrphanKeeper, 'review' | 'removeDue'>;
}

export class Agent {
  private readonly trigger = new Trigger();
  /** The status we last wrote, and to which NLS object (a recreated NLS starts without status). */
  private lastWritten: { status: NodeLocalStorageStatus; uid: string | undefined } | undefined;
  private lastWriteMs: number | undefined;
  /** VGs activated; a failed activation (or a device-mapper probe that failed) is retried on the next pass. */
  private readonly activatedVgs = new Set<string>();
  private isNoDeviceMapperLogged = false;
  private isWaitingLogged = false;
  private failures = 0;

  constructor(private readonly options: AgentOptions) {
    options.source.onChange(() => this.trigger.fire());
  }

  /** True once a pass has written or confirmed the status (for /readyz). */
  get isReady(): boolean {
    return this.lastWriteMs !== undefined;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { clock } = this.options;
    while (!this.options.source.hasSynced) if (!(await clock.sleep(100, signal))) return;
    while (!signal.aborted) {
      const isOk = await this.safePass(signal);
      this.failures = isOk ? 0 : this.failures + 1;
      const waitMs = isOk ? this.options.intervalMs : Math.min(this.options.intervalMs, backoffDelayMs(this.failures, { baseMs: 1000, maxMs: 30_000 }));
      const sleeping = new AbortController();
      const stopSleep = (): void => sleeping.abort();
      signal.addEventListener('abort', stopSleep, { once: true });
      await Promise.race([clock.sleep(waitMs, sleeping.signal), this.trigger.wait()]);
      sleeping.abort();
      signal.removeEventListener('abort', stopSleep);
    }
  }

  private async safePass(signal: AbortSignal): Promise<boolean> {
    const { metrics, logger, clock } = this.options;
    const startedMs = clock.now();
    try {
      await this.pass(signal);
      metrics.passes.inc({ result: 'ok' });
      return true;
    } catch (error) {
      if (signal.aborted) return true;
      metrics.passes.inc({ result: 'error' });
      logger.error({ err: error }, 'discovery pass failed; retrying');
      return false;
    } finally {
      metrics.passSeconds.observe((clock.now() - startedMs) / 1000);
    }
  }

  /** One discovery pass (public for the benchmark). */
  async pass(signal?: AbortSignal): Promise<void> {
    const { host, nodeName, logger } = this.options;
    const nls = this.options.source.current();
    if (!nls) {
      if (!this.isWaitingLogged) logger.info({ nls: nodeName }, 'waiting for the controller to create this node\'s NodeLocalStorage');
      this.isWaitingLogged = true;
      return;
    }
    this.isWaitingLogged = false;
    const spec = nls.spec ?? { nodeName };
    if (spec.spdkConfig?.deviceType) {
      await this.options.events.warnOnce('spdk', 'SpdkUnsupported', `spec.spdkConfig.deviceType ${JSON.stringify(spec.spdkConfig.deviceType)} is ignored: this agent manages LVM, devices and mount points only`);
    }
    let discovery = await host.discover(signal);
    await this.activateManagedVgs(nls, discovery.lvm.vgs.map((vg) => vg.name).filter((name) => !this.activatedVgs.has(name)));
    if (await this.options.initializer.apply(spec, discovery.lvm, signal)) discovery = await host.discover(signal);
    // Orphans the last pass found due go first, so this pass's status no longer lists them.
    if (await this.options.orphans?.removeDue(signal)) discovery = await host.discover(signal);
    const reserve = parseStorageReserved(nls.metadata?.annotations?.[ANNOTATIONS.storageReserved]);
    const info = buildNodeStorageInfo(discovery, { lvNamePrefix: this.options.lvNamePrefix }, reserve);
    const { status, problems } = composeStatus({ info, listConfig: spec.listConfig, reserve });
    for (const problem of problems) await this.options.events.warnOnce(`status/${problem.kind}`, problem.kind, problem.message);
    this.options.events.clear('status/', new Set(problems.map((p) => `status/${p.kind}`)));
    const orphans = this.options.orphans?.review(discovery.lvm, status.filteredStorageInfo?.volumeGroups ?? []);
    await this.writeIfNeeded(nls, orphans?.length ? { ...status, orphanedLogicalVolumes: orphans } : status);
    this.options.metrics.record(info, discovery.lvm.lvs, this.options.clock.now());
  }

  private async writeIfNeeded(nls: NodeLocalStorage, next: NodeLocalStorageStatus): Promise<void> {
    const nowMs = this.options.clock.now();
    // Our own last write is the truth until the watch catches up; the cache is used for a new or recreated NLS.
    const isSameObject = this.lastWritten !== undefined && this.lastWritten.uid === nls.metadata?.uid;
    const current = isSameObject ? this.lastWritten?.status : nls.status;
    const lastWriteMs = isSameObject ? this.lastWriteMs : undefined;
    const decision = decideStatusWrite({ next, current, nowMs, lastWriteMs, heartbeatMs: this.options.heartbeatMs });
    if (!decision.isWrite) return;
    await this.options.writer.writeStatus(this.options.nodeName, decision.status);
    this.lastWritten = { status: decision.status, uid: nls.metadata?.uid };
    this.lastWriteMs = nowMs;
    this.options.metrics.statusWrites.inc({ reason: decision.reason });
    this.options.logger.debug({ reason: decision.reason }, 'wrote status');
  }

  /**
   * Activates the VGs this node manages (in resourceToBeInited or selected by listConfig.vgs) that are not active
   * yet: at start (reboot recovery), a VG that failed before (one bad moment is retried every pass) and a VG
   * that appeared since.
   */
  private async activateManagedVgs(nls: NodeLocalStorage, existing: readonly string[]): Promise<void> {
    const { lvm, logger, metrics, events } = this.options;
    const named = new Set((nls.spec?.resourceToBeInited?.vgs ?? []).map((vg) => vg.name));
    const selected = new Set(filterNames(existing, nls.spec?.listConfig?.vgs, 'listConfig.vgs').kept);
    const managed = existing.filter((name) => named.has(name) || selected.has(name));
    if (managed.length === 0) return;
    // A probe that could not run, or a no, marks nothing: the next pass asks again (lvm re-asks a no after 30 s),
    // so a device-mapper that was unreachable for a moment still gets the VGs activated.
    const hasDeviceMapper = await lvm.hasDeviceMapper().catch((error: unknown) => error);
    if (hasDeviceMapper !== true) {
      const why = hasDeviceMapper === false ? 'this kernel has no device-mapper' : String(hasDeviceMapper);
      if (!this.isNoDeviceMapperLogged) {
        metrics.vgActivations.inc({ result: 'no-device-mapper' }, managed.length);
        logger.warn({ vgs: managed, why }, 'device-mapper is not reachable: volume groups cannot be activated (LVs stay inactive); asked again on later passes');
      }
      this.isNoDeviceMapperLogged = true;
      await events.warnOnce('activate', 'ActivateVGFailed', `cannot activate volume groups ${managed.join(', ')}: ${why}`);
      return;
    }
    this.isNoDeviceMapperLogged = false;
    await this.activateEach(managed);
  }

  private async activateEach(managed: readonly string[]): Promise<void> {
    const { lvm, logger, metrics, events } = this.options;
    for (const name of managed) {
      try {
        await lvm.activateVg(name);
        this.activatedVgs.add(name);
        metrics.vgActivations.inc({ result: 'ok' });
        // After a reboot this is what lets kubelet stage the node's volumes again: worth a line in the log.
        logger.info({ vg: name }, 'activated volume group');
      } catch (error) {
        metrics.vgActivations.inc({ result: 'error' });
        const reason = error instanceof LvmError ? `${error.code}: ${error.message}` : String(error);
        logger.warn({ err: error, vg: name }, 'volume group activation failed');
        await events.warnOnce(`activate/${name}`, 'ActivateVGFailed', `activating volume group ${name} failed: ${reason}`);
      }
    }
  }
}

/** The NLS as an event target. */
export function nlsEventTarget(nodeName: string, nls: NodeLocalStorage | undefined): { apiVersion: string; kind: string; name: string; uid?: string } {
  return { apiVersion: API_VERSION, kind: NLS.kind, name: nodeName, uid: nls?.metadata?.uid };
}
