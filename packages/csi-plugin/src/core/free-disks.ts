// Which whole disks could become Device volumes: matching, writable disks with no partitions, not an LVM PV,
// not mounted and without any signature. A disk that holds anything is never offered (never format data).
import type { ExclusiveCandidate } from './placement.js';

export interface DiskFacts {
  path: string;
  kernelName: string;
  sizeBytes: number;
  mediaType: 'ssd' | 'hdd';
  isReadOnly: boolean;
  isPartition: boolean;
  parent?: string;
  majMin: string;
}

export interface DiskUsage {
  /** Device paths that are LVM physical volumes. */
  pvPaths: ReadonlySet<string>;
  /** maj:min of every mounted device. */
  mountedMajMins: ReadonlySet<string>;
}

/** Why a disk cannot be handed out (before probing for signatures), or null. */
export function diskProblem(disk: DiskFacts, all: readonly DiskFacts[], usage: DiskUsage): string | null {
  if (disk.isPartition) return 'is a partition';
  if (disk.isReadOnly) return 'is read-only';
  if (disk.sizeBytes === 0) return 'has no media';
  if (all.some((d) => d.parent === disk.kernelName)) return 'has partitions';
  if (usage.pvPaths.has(disk.path)) return 'is an LVM physical volume';
  if (usage.mountedMajMins.has(disk.majMin)) return 'is mounted';
  return null;
}

/** Candidates for chooseExclusive, given the disks that passed diskProblem and their probed signatures. */
export function blankDisks(disks: readonly DiskFacts[], signatures: ReadonlyMap<string, string | null>): ExclusiveCandidate[] {
  return disks
    .filter((d) => signatures.get(d.path) === null)
    .map((d) => ({ path: d.path, sizeBytes: d.sizeBytes, mediaType: d.mediaType }));
}
