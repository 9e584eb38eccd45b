// The record that a whole disk or mount point belongs to a volume. It is written on the node (one file per
// volume) before CreateVolume answers, so which disks are taken survives a plugin restart.
import { z } from 'zod';
import { CsiError } from './errors.js';

export const claimSchema = z.object({
  volumeId: z.string().min(1),
  volumeType: z.enum(['Device', 'MountPoint']),
  path: z.string().startsWith('/'),
  sizeBytes: z.number().int().nonnegative(),
  mediaType: z.enum(['ssd', 'hdd']),
  /** A Device volume's disk as sysfs names it (WWID, serial, loop backing file): it follows the disk, not its kernel name. */
  identity: z.string().min(1).optional(),
});

/** A whole disk (`Device`) or mount point (`MountPoint`) held by one volume. */
export type Claim = z.infer<typeof claimSchema>;

/** Parses a claim file; a corrupt file is an error naming it, never silently dropped (the disk would look free). */
export function parseClaim(text: string, source: string): Claim {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CsiError('INTERNAL', `claim file ${source} is not JSON`, { cause: error });
  }
  const parsed = claimSchema.safeParse(data);
  if (!parsed.success) throw new CsiError('INTERNAL', `claim file ${source} is malformed: ${parsed.error.message}`);
  return parsed.data;
}

export function claimToText(claim: Claim): string {
  return `${JSON.stringify(claim, null, 2)}\n`;
}
