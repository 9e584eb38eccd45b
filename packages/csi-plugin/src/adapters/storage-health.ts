// Runs the disk probes (@openlocal/lvm's StorageWatch) every interval, logs when a VG starts or stops hanging,
// exports openlocal_storage_vg_hung / openlocal_storage_hung_commands, and answers /readyz and the creator.
import { Gauge, type Registry } from 'prom-client';
import type { StorageWatch } from '@openlocal/lvm';
import type { Logger } from 'pino';

export interface StorageHealthMonitor {
  isVgHung(vgName: string): boolean;
  notReadyReasons(): string[];
  /** Runs one check now (tests; also the first one at start). */
  checkNow(): Promise<void>;
  stop(): void;
}

export function startStorageHealth(options: { watch: StorageWatch; intervalMs: number; registry: Registry; logger: Logger }): StorageHealthMonitor {
  const { watch, logger } = options;
  const hungVgs = new Gauge({ name: 'openlocal_storage_vg_hung', help: '1 while a read of a PV of the VG does not finish within the probe deadline', labelNames: ['vg'], registers: [options.registry] });
  const hungCommands = new Gauge({ name: 'openlocal_storage_hung_commands', help: 'storage commands still running past their deadline', registers: [options.registry] });
  let known = new Set<string>();
  let running: Promise<void> | undefined;
  const check = async (): Promise<void> => {
    const health = await watch.check();
    const now = new Set(health.hungVgs.map((vg) => vg.vgName));
    for (const vg of health.hungVgs) if (!known.has(vg.vgName)) logger.error({ vgName: vg.vgName, device: vg.device }, 'volume group hangs: a read of its disk did not finish');
    for (const vgName of known) if (!now.has(vgName)) logger.info({ vgName }, 'volume group answers again');
    hungVgs.reset();
    for (const vgName of now) hungVgs.set({ vg: vgName }, 1);
    hungCommands.set(health.hungCommands.length);
    known = now;
  };
  const checkNow = (): Promise<void> => {
    running ??= check()
      .catch((error: unknown) => logger.warn({ err: error }, 'storage health check failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = options.intervalMs > 0 ? setInterval(() => void checkNow(), options.intervalMs) : undefined;
  timer?.unref();
  if (options.intervalMs > 0) void checkNow();
  return {
    isVgHung: (vgName) => watch.isVgHung(vgName),
    notReadyReasons: () => watch.notReadyReasons(),
    checkNow,
    stop: () => clearInterval(timer),
  };
}
