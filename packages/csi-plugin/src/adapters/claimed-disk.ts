// Where a Device volume's disk is now. Kernel names move (a reboot, disks re-attached in another order), so a
// claim that recorded the disk's identity is followed to whatever name carries that identity today; a name that
// now carries another disk is never used for it.
import type { Claim } from '../core/claim.js';
import type { HostPort } from '../ports.js';

/**
 * The claimed disk's current path: the recorded path when it still carries the recorded identity (or when the
 * claim predates identities), else the block device that does, else null (the disk is not attached).
 */
export async function locateClaimedDisk(host: Pick<HostPort, 'deviceIdentity' | 'listBlockDevices'>, claim: Claim): Promise<string | null> {
  if (claim.identity === undefined) return claim.path;
  if ((await host.deviceIdentity(claim.path)) === claim.identity) return claim.path;
  for (const disk of await host.listBlockDevices()) {
    if (disk.path !== claim.path && (await host.deviceIdentity(disk.path)) === claim.identity) return disk.path;
  }
  return null;
}
