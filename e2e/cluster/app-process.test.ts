import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appProcessSpec, resolveAppBin } from './app-process.js';

describe('resolveAppBin', () => {
  it.each([
    { name: 'a package outside our scope', packageName: 'left-pad', message: 'packageName must be an @openlocal/<name> workspace package, got "left-pad"' },
    { name: 'a path instead of a name', packageName: '@openlocal/../etc', message: 'packageName must be an @openlocal/<name> workspace package' },
    { name: 'a package that is not in the workspace', packageName: '@openlocal/nothing-here', message: 'package @openlocal/nothing-here is not installed' },
    { name: 'a library without a bin', packageName: '@openlocal/crd-types', message: 'package @openlocal/crd-types has no bin "(single, or open-local-crd-types)"; it declares []' },
  ])('refuses $name', ({ packageName, message }) => {
    expect(() => resolveAppBin(packageName)).toThrow(message);
  });

  it('runs an app through its package bin with this Node binary', () => {
    const bin = resolveAppBin('@openlocal/agent', 'open-local-agent');
    expect(bin).toMatch(/@openlocal\/agent\/dist\/main\.js$/);
    expect(existsSync(bin)).toBe(true);
    const spec = appProcessSpec({ name: 'agent-node-a', packageName: '@openlocal/agent', args: ['--nodename', 'node-a'] });
    expect(spec).toMatchObject({ name: 'agent-node-a', command: process.execPath, args: [bin, '--nodename', 'node-a'] });
  });

  it("picks the app's own bin in a package that ships more than one", () => {
    expect(resolveAppBin('@openlocal/scheduler-extender')).toMatch(/scheduler-extender\/dist\/main\.js$/);
    expect(resolveAppBin('@openlocal/scheduler-extender', 'open-local-status')).toMatch(/scheduler-extender\/dist\/status-main\.js$/);
  });
});
