import { describe, expect, it } from 'vitest';
import { consumerLock, type LockEntry } from './offline-lock.js';

const tarball = { relativePath: '../pkg-1.0.0.tgz', integrity: 'sha512-tgz' };

function lockOf(packages: Record<string, LockEntry>) {
  return { packages: { 'packages/pkg': { version: '1.0.0', dependencies: { a: '1.0.0' } }, ...packages } };
}

describe('consumerLock', () => {
  it('holds the tarball and the closure of its dependencies, nested ones where node finds them', () => {
    const lock = consumerLock({
      workspaceLock: lockOf({
        'node_modules/a': { version: '1.0.0', integrity: 'sha512-a', dependencies: { b: '^2.0.0' } },
        'node_modules/a/node_modules/b': { version: '2.1.0', integrity: 'sha512-b2' },
        'node_modules/b': { version: '1.0.0', integrity: 'sha512-b1' },
        'node_modules/unrelated': { version: '9.9.9' },
      }),
      workspacePath: 'packages/pkg', name: 'pkg', version: '1.0.0', tarball,
    });
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/pkg']);
    expect(lock.packages['node_modules/pkg']).toEqual({ version: '1.0.0', resolved: 'file:../pkg-1.0.0.tgz', integrity: 'sha512-tgz', dependencies: { a: '1.0.0' } });
    expect(lock.packages['']).toEqual({ name: 'consumer', dependencies: { pkg: 'file:../pkg-1.0.0.tgz' } });
  });

  it("moves the packed package's own nested dependencies to the consumer's top level", () => {
    const lock = consumerLock({
      workspaceLock: lockOf({ 'packages/pkg/node_modules/a': { version: '1.0.0', integrity: 'sha512-a' }, 'node_modules/a': { version: '0.5.0' } }),
      workspacePath: 'packages/pkg', name: 'pkg', version: '1.0.0', tarball,
    });
    expect(lock.packages['node_modules/a']?.version).toBe('1.0.0');
  });

  it('skips an optional dependency the lock does not hold and refuses a missing required one', () => {
    const withOptional = lockOf({ 'node_modules/a': { version: '1.0.0', optionalDependencies: { 'other-platform': '1.0.0' } } });
    expect(Object.keys(consumerLock({ workspaceLock: withOptional, workspacePath: 'packages/pkg', name: 'pkg', version: '1.0.0', tarball }).packages)).toHaveLength(3);
    expect(() => consumerLock({ workspaceLock: lockOf({}), workspacePath: 'packages/pkg', name: 'pkg', version: '1.0.0', tarball })).toThrow('cannot resolve a required from packages/pkg');
  });
});
