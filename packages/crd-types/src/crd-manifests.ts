// The CRD manifests shipped in this package's crds/ directory, as file paths and as parsed objects.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CrdTypesError } from './errors.js';

/** The parts of an apiextensions.k8s.io/v1 CustomResourceDefinition that callers read; the rest is kept as parsed. */
export interface CrdManifest {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; [key: string]: unknown };
  spec: {
    group: string;
    names: { kind: string; plural: string; singular?: string; shortNames?: string[]; listKind?: string };
    scope: 'Cluster' | 'Namespaced';
    versions: Array<{ name: string; served: boolean; storage: boolean; [key: string]: unknown }>;
    [key: string]: unknown;
  };
}

const FILES = { nodeLocalStorages: 'nodelocalstorages.yaml', nodeLocalStorageInitConfigs: 'nodelocalstorageinitconfigs.yaml' } as const;

// src/crd-manifests.ts in tests and dist/index.js once built both sit one level below the package root.
const crdsDir = new URL('../crds/', import.meta.url);

/** Absolute paths of the two CRD YAML files (for `kubectl apply -f`, the Helm chart or an envtest-style loader). */
export function crdManifestPaths(): { nodeLocalStorages: string; nodeLocalStorageInitConfigs: string } {
  return {
    nodeLocalStorages: fileURLToPath(new URL(FILES.nodeLocalStorages, crdsDir)),
    nodeLocalStorageInitConfigs: fileURLToPath(new URL(FILES.nodeLocalStorageInitConfigs, crdsDir)),
  };
}

function toManifest(file: string, parsed: unknown): CrdManifest {
  const crd = parsed as Partial<CrdManifest> | null;
  const isCrd = crd?.apiVersion === 'apiextensions.k8s.io/v1' && crd.kind === 'CustomResourceDefinition'
    && typeof crd.metadata?.name === 'string' && Array.isArray(crd.spec?.versions);
  if (!isCrd) throw new CrdTypesError('INVALID_OBJECT', `${file} is not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
  return crd as CrdManifest;
}

/** Reads and parses both CRD manifests from the package's crds/ directory. */
export async function loadCrdManifests(options: { signal?: AbortSignal } = {}): Promise<{ nodeLocalStorages: CrdManifest; nodeLocalStorageInitConfigs: CrdManifest }> {
  const paths = crdManifestPaths();
  const read = async (path: string): Promise<CrdManifest> => toManifest(path, parse(await readFile(path, { encoding: 'utf8', signal: options.signal })));
  const [nodeLocalStorages, nodeLocalStorageInitConfigs] = await Promise.all([read(paths.nodeLocalStorages), read(paths.nodeLocalStorageInitConfigs)]);
  return { nodeLocalStorages, nodeLocalStorageInitConfigs };
}
