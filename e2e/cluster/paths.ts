// Where the harness finds the repository, the pinned tool binaries and the per-run log directory.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root (this file lives in e2e/cluster/). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * `$OPENLOCAL_CACHE/tools/bin`, where scripts/build-tools puts the upstream binaries. The default cache is the
 * one scripts/lib.sh uses: `${XDG_CACHE_HOME:-$HOME/.cache}/open-local-ts` (outside the checkout, so a fresh
 * clone on the same machine reuses it).
 */
export function toolsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.OPENLOCAL_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'open-local-ts');
  return join(cache, 'tools', 'bin');
}

function timestamp(date: Date): string {
  // 2026-11-27T02:41:36.123Z -> 20261127-024136-123: sortable and safe in a path.
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').replace('Z', '');
}

/**
 * A fresh directory for one harness run's logs: under $OPENLOCAL_RUN_DIR when scripts/test set it (so a CI
 * run keeps every log in one place), else e2e/.runs/<timestamp> (git-ignored). Logs are kept after teardown.
 */
export function createRunDir(label: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(label)) {
    throw new Error(`run dir label must be lower-case letters, digits and dashes, got ${JSON.stringify(label)}`);
  }
  const suffix = `${label}-${timestamp(new Date())}-${process.pid}`;
  const base = env.OPENLOCAL_RUN_DIR ? join(env.OPENLOCAL_RUN_DIR, 'e2e') : join(repoRoot(), 'e2e', '.runs');
  const dir = join(base, suffix);
  mkdirSync(dir, { recursive: true });
  return dir;
}
