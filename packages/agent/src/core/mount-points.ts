// Which entries directly under --path.mount are mount points (Open-Local reports only those), by mountinfo.
import type { MountEntry } from '@openlocal/lvm';

/** For each child of `root` that is a mount point, the mount entry on top (the last one mounted there). */
export function mountPointsUnder(root: string, childNames: readonly string[], mounts: readonly MountEntry[]): MountEntry[] {
  const base = root.replace(/\/+$/, '');
  const wanted = new Set(childNames.map((name) => `${base}/${name}`));
  const top = new Map<string, MountEntry>();
  for (const entry of mounts) if (wanted.has(entry.mountPoint)) top.set(entry.mountPoint, entry);
  return [...top.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}
