// Guard and disks for the tests that run inside the e2e/vm QEMU guest: they format /dev/vd*, so they refuse to
// run anywhere without the marker only that guest's /init writes.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const GUEST_MARKER = '/run/openlocal/guest';

export async function guestSkipReason(): Promise<string | null> {
  if (!existsSync(GUEST_MARKER)) return `not inside the e2e/vm QEMU guest (no ${GUEST_MARKER}); scripts/test.d/60-csi.sh runs them there`;
  const misc = await readFile('/proc/misc', 'utf8').catch(() => '');
  if (!existsSync('/dev/mapper/control') || !/\bdevice-mapper\b/.test(misc)) return 'the guest kernel has no device-mapper';
  if (guestDisks().length < 2) return 'the guest needs two disks (OPENLOCAL_GUEST_DISKS)';
  return null;
}

export function guestDisks(): string[] {
  return (process.env.OPENLOCAL_GUEST_DISKS ?? '').split(',').filter((d) => /^\/dev\/vd[a-z]$/.test(d));
}
