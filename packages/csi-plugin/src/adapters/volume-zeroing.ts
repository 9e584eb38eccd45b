// Zeroes a new LV (see core/zeroing.ts) and clears its pending tag. The zeroing is bound by its own size-scaled
// deadline, not by the CSI call's: a sidecar that gives up after 10 s must not restart a 1 GiB zeroing from the
// beginning on every retry; the retry meets the volume lock (ABORTED) until this one finished.
import { lvDevicePath } from '@openlocal/lvm';
import type { Logger } from 'pino';
import { UNZEROED_TAG, zeroDeadlineMs } from '../core/zeroing.js';
import type { HostPort, LvmPort } from '../ports.js';

export interface ZeroingDeps {
  lvm: Pick<LvmPort, 'changeLvTags'>;
  host: Pick<HostPort, 'zeroDevice'>;
  logger: Logger;
}

/** Zeroes every byte of the LV, then removes UNZEROED_TAG. */
export async function zeroNewLv(deps: ZeroingDeps, lv: { vgName: string; name: string; sizeBytes: number }): Promise<void> {
  const started = performance.now();
  await deps.host.zeroDevice(lvDevicePath(lv.vgName, lv.name), { timeoutMs: zeroDeadlineMs(lv.sizeBytes) });
  await deps.lvm.changeLvTags({ vgName: lv.vgName, name: lv.name, remove: [UNZEROED_TAG] });
  const seconds = (performance.now() - started) / 1000;
  deps.logger.info({ vgName: lv.vgName, lvName: lv.name, sizeBytes: lv.sizeBytes, seconds: Number(seconds.toFixed(3)) }, 'zeroed new logical volume');
}
