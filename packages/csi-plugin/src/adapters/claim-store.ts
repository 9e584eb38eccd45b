// Claims of whole disks and mount points as one JSON file per volume in a directory on the node. Written to a
// temporary name and renamed, so a crash leaves either the old state or the new one, never half a file.
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claimToText, parseClaim, type Claim } from '../core/claim.js';
import type { ClaimStore } from '../ports.js';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Volume ids are validated before they get here (letters, digits, _ . + -), so they are safe file names. */
export function createClaimStore(directory: string): ClaimStore {
  const fileOf = (volumeId: string) => join(directory, `${volumeId}.json`);
  return {
    async list() {
      const names = await readdir(directory).catch((error: unknown) => {
        if (isMissing(error)) return [] as string[];
        throw error;
      });
      const claims: Claim[] = [];
      for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
        const path = join(directory, name);
        claims.push(parseClaim(await readFile(path, 'utf8'), path));
      }
      return claims;
    },
    async get(volumeId) {
      const path = fileOf(volumeId);
      const text = await readFile(path, 'utf8').catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
      return text === null ? null : parseClaim(text, path);
    },
    async put(claim) {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const temporary = join(directory, `.${claim.volumeId}.tmp`);
      await writeFile(temporary, claimToText(claim), { mode: 0o600 });
      await rename(temporary, fileOf(claim.volumeId));
    },
    async remove(volumeId) {
      await unlink(fileOf(volumeId)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    },
  };
}
