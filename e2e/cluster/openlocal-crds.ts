// The project's CRD manifests, taken from the @openlocal/crd-types package (its shipped `crds/` directory,
// the one source of truth the chart also uses).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseManifests } from './apply.js';
import { repoRoot } from './paths.js';

/** Directory of @openlocal/crd-types' CRD YAML files, resolved through the workspace's node_modules. */
export function openLocalCrdDir(): string {
  return join(repoRoot(), 'node_modules', '@openlocal', 'crd-types', 'crds');
}

/** Every CRD object of the project, parsed (throws naming the file if one is not valid YAML or lacks a name). */
export function openLocalCrds(): KubernetesObject[] {
  const dir = openLocalCrdDir();
  const files = readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)).sort();
  if (files.length === 0) throw new Error(`no CRD YAML files in ${dir}`);
  return files.flatMap((file) => {
    try {
      return parseManifests(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new Error(`${join(dir, file)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  });
}
