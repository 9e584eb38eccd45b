// A package-lock for a throwaway consumer of a packed workspace package, cut from the workspace's own lock: the
// packed tarball plus every dependency it needs, at the versions and integrities `npm ci` already put in npm's
// cache. `npm ci --offline` installs from such a lock by integrity alone; `npm install --offline <tgz>` would
// instead ask the registry's metadata (a packument) to resolve each range, which `npm ci` never caches (#11).

/** One entry of a lockfileVersion 3 `packages` map (only the fields this file reads or writes). */
export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface ConsumerLockRequest {
  /** The workspace's package-lock.json, parsed. */
  workspaceLock: { packages: Record<string, LockEntry> };
  /** The packed package's folder in the workspace lock, e.g. `packages/crd-types`. */
  workspacePath: string;
  /** The packed package's name and version, and the tarball as `npm pack --json` reports it. */
  name: string;
  version: string;
  tarball: { relativePath: string; integrity: string };
}

/** The lock location a package named `dependency` resolves to when required from `fromPath`, as node does it. */
function resolveInLock(packages: Record<string, LockEntry>, fromPath: string, dependency: string): string | undefined {
  let base = fromPath;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${dependency}`;
    if (packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/** The consumer's lockfile (lockfileVersion 3) holding the tarball and the closure of its dependencies. */
export function consumerLock(request: ConsumerLockRequest): { name: string; lockfileVersion: 3; requires: true; packages: Record<string, LockEntry> } {
  const source = request.workspaceLock.packages;
  const root = source[request.workspacePath];
  if (root === undefined) throw new Error(`the workspace lock has no entry ${JSON.stringify(request.workspacePath)}`);
  const spec = `file:${request.tarball.relativePath}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies: { [request.name]: spec } },
    [`node_modules/${request.name}`]: { version: request.version, resolved: spec, integrity: request.tarball.integrity, dependencies: root.dependencies ?? {} },
  };
  const requirements = (entry: LockEntry, fromPath: string) => [
    ...Object.keys(entry.dependencies ?? {}).map((dependency) => ({ dependency, fromPath, isOptional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((dependency) => ({ dependency, fromPath, isOptional: true })),
  ];
  const pending = requirements(root, request.workspacePath);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const found = resolveInLock(source, next.fromPath, next.dependency);
    if (found === undefined) {
      // An optional dependency for another platform is absent from the lock, as it is from node_modules.
      if (next.isOptional) continue;
      throw new Error(`the workspace lock cannot resolve ${next.dependency} required from ${next.fromPath}`);
    }
    // The packed package's own nested dependencies sit at the consumer's top level.
    const target = found.startsWith(`${request.workspacePath}/`) ? found.slice(request.workspacePath.length + 1) : found;
    const entry = source[found] as LockEntry;
    const placed = packages[target];
    if (placed !== undefined) {
      if (placed.version !== entry.version) throw new Error(`${target} is needed at ${placed.version} and ${String(entry.version)}`);
      continue;
    }
    packages[target] = entry;
    pending.push(...requirements(entry, found));
  }
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}
