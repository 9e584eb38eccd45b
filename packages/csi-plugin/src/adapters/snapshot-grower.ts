// Grows copy-on-write snapshots before they fill (Open-Local's agent did this, §2.4): every interval, one lvm
// report, the pure decision in core/snapshots.ts, then lvextend for each snapshot past its class's threshold.
// A failure is logged and retried on the next pass; it never stops the plugin.
import type { Logger } from 'pino';
import type { LvmState } from '@openlocal/lvm';
import { needsUseFigure, snapshotsToGrow, type SnapshotGrowth } from '../core/snapshots.js';
import type { LvmPort } from '../ports.js';

export interface GrowerDeps {
  lvm: LvmPort;
  vgRegexp: RegExp;
  logger: Logger;
}

/** One pass: grows what needs it and returns what it grew (failures are logged, not thrown). */
export async function growSnapshotsOnce(deps: GrowerDeps): Promise<SnapshotGrowth[]> {
  const grown: SnapshotGrowth[] = [];
  for (const growth of snapshotsToGrow(await readWithUse(deps), deps.vgRegexp)) {
    try {
      await deps.lvm.extendLv({ vgName: growth.vgName, name: growth.name, sizeBytes: growth.sizeBytes });
      deps.logger.info(growth, 'grew read-only snapshot past its expansion threshold');
      grown.push(growth);
    } catch (error) {
      deps.logger.warn({ err: error, ...growth }, 'could not grow read-only snapshot; it becomes invalid if it fills');
    }
  }
  return grown;
}

/** The lvm state, with each snapshot's use read by `lvs` when the full report left it out. */
async function readWithUse(deps: GrowerDeps): Promise<LvmState> {
  const state = await deps.lvm.readState();
  const lvs = await Promise.all(
    state.lvs.map(async (lv) => (needsUseFigure(lv) && deps.vgRegexp.test(lv.vgName) ? deps.lvm.readLv({ vgName: lv.vgName, name: lv.name }) : lv)),
  );
  return { ...state, lvs };
}

/** Runs growSnapshotsOnce every `intervalMs` (0 = never) until stop(). */
export function startSnapshotGrower(deps: GrowerDeps & { intervalMs: number }): { stop(): void } {
  if (deps.intervalMs <= 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    growSnapshotsOnce(deps)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'snapshot growth pass failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
