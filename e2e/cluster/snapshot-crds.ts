// The VolumeSnapshot CRDs of the pinned external-snapshotter, as the chart installs them: scripts/build-tools
// copies them into the chart's git-ignored charts/open-local/snapshot-crds/ (one place, read from here too).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseManifests } from './apply.js';
import { repoRoot } from './paths.js';

/** The three CRDs external-snapshotter defines, by the file names its release ships. */
const EXPECTED = ['volumesnapshotclasses', 'volumesnapshotcontents', 'volumesnapshots'];

export function snapshotCrdsDir(): string {
  return join(repoRoot(), 'charts', 'open-local', 'snapshot-crds');
}

function crdFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort();
  } catch {
    // No directory: build-tools has not run in this checkout; the caller says so.
    return [];
  }
}

/** Why the snapshot CRDs cannot be installed here, or null when all three files are present. */
export function snapshotCrdsMissingReason(dir: string = snapshotCrdsDir()): string | null {
  const files = crdFiles(dir);
  const missing = EXPECTED.filter((plural) => !files.some((file) => file.includes(`_${plural}.yaml`)));
  if (missing.length === 0) return null;
  return `missing the VolumeSnapshot CRD file(s) for ${missing.join(', ')} in ${dir}: run scripts/build-tools (it copies them from the pinned external-snapshotter)`;
}

/** The VolumeSnapshot, VolumeSnapshotContent and VolumeSnapshotClass CRDs, parsed, ready for installCrds. */
export function snapshotCrds(dir: string = snapshotCrdsDir()): KubernetesObject[] {
  const reason = snapshotCrdsMissingReason(dir);
  if (reason !== null) throw new Error(reason);
  return parseManifests(crdFiles(dir).map((file) => readFileSync(join(dir, file), 'utf8')));
}
