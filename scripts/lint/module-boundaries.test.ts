// The module-boundary lint rule against this repository's real package table: each forbidden edge of the
// package graph is reported with the packages named, each allowed one is not, and ESLint runs the rule.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { boundaryProblem, moduleBoundariesRule, readProjects } from './module-boundaries.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const projects = readProjects(repo);
const at = (path: string): string => join(repo, path);

describe('boundaryProblem', () => {
  it('reads every workspace package with its nx type tag', () => {
    const table = Object.fromEntries(projects.map((p) => [p.name, p.tags]));
    expect(table['@openlocal/crd-types']).toContain('type:lib');
    expect(table['@openlocal/agent']).toContain('type:app');
    expect(table['@openlocal/e2e']).toContain('type:e2e');
  });

  it.each([
    { name: 'a library importing an app', file: 'packages/kube-runtime/src/x.ts', source: '@openlocal/agent', want: 'a type:lib package (@openlocal/kube-runtime) may not import a type:app package (@openlocal/agent)' },
    { name: 'an app importing another app', file: 'packages/agent/src/x.ts', source: '@openlocal/csi-plugin', want: 'a type:app package (@openlocal/agent) may not import a type:app package (@openlocal/csi-plugin)' },
    { name: 'an app test importing another app', file: 'packages/agent/test/x.ts', source: '@openlocal/controller', want: 'may not import a type:app package (@openlocal/controller)' },
    { name: "an app's production code importing the harness", file: 'packages/agent/src/run.ts', source: '@openlocal/e2e/cluster', want: "@openlocal/agent's production code may not import the test harness @openlocal/e2e" },
    { name: 'production code importing a test double', file: 'packages/csi-plugin/src/adapters/x.ts', source: '@openlocal/lvm/testing', want: 'is a test double' },
    { name: 'the harness importing an app', file: 'e2e/cluster/x.ts', source: '@openlocal/scheduler-extender', want: 'a type:e2e package (@openlocal/e2e) may not import a type:app package' },
    { name: 'a relative path into the harness', file: 'packages/agent/test/x.ts', source: '../../../e2e/cluster/index.js', want: 'reaches into @openlocal/e2e by relative path' },
    { name: "a relative path into another app's test support", file: 'packages/scheduler-extender/test/x.ts', source: '../../csi-plugin/test/support/csi-client.js', want: 'reaches into @openlocal/csi-plugin by relative path' },
  ])('refuses $name', ({ file, source, want }) => {
    expect(boundaryProblem(projects, at(file), source)).toContain(want);
  });

  it.each([
    { name: 'an app importing a library', file: 'packages/agent/src/run.ts', source: '@openlocal/kube-runtime' },
    { name: 'an app test importing the harness', file: 'packages/csi-plugin/test-cluster/x.test.ts', source: '@openlocal/e2e/cluster' },
    { name: 'a unit test importing a test double', file: 'packages/agent/src/services/agent.test.ts', source: '@openlocal/kube-runtime/testing' },
    { name: 'the harness importing a library test double', file: 'e2e/demo/x.ts', source: '@openlocal/lvm/testing' },
    { name: "a package's own relative paths", file: 'packages/csi-plugin/test-cluster/x.test.ts', source: '../test/support/csi-client.js' },
    { name: 'a package importing itself by name', file: 'packages/lvm/test/pack.test.ts', source: '@openlocal/lvm/testing' },
    { name: 'files outside the workspace packages', file: 'scripts/machine/check.ts', source: '../../packages/agent/src/cli.js' },
    { name: 'third-party packages', file: 'packages/crd-types/src/x.ts', source: 'yaml' },
  ])('allows $name', ({ file, source }) => {
    expect(boundaryProblem(projects, at(file), source)).toBeNull();
  });
});

describe('the ESLint rule', () => {
  it('reports a forbidden import, export and dynamic import, and nothing else', () => {
    const linter = new Linter({ configType: 'flat' });
    const config = [{
      files: ['**/*.ts'],
      languageOptions: { ecmaVersion: 2022 as const, sourceType: 'module' as const },
      plugins: { openlocal: { rules: { 'module-boundaries': moduleBoundariesRule(repo) } } },
      rules: { 'openlocal/module-boundaries': 'error' as const },
    }];
    const code = [
      "import { run } from '@openlocal/csi-plugin';",
      "import { parseQuantityBytes } from '@openlocal/crd-types';",
      "export { startCluster } from '@openlocal/e2e/cluster';",
      "const lazy = import('@openlocal/controller');",
      'void run; void parseQuantityBytes; void lazy;',
    ].join('\n');
    const messages = linter.verify(code, config, { filename: at('packages/agent/src/x.ts') });
    expect(messages.map((m) => [m.line, m.ruleId])).toEqual([[1, 'openlocal/module-boundaries'], [3, 'openlocal/module-boundaries'], [4, 'openlocal/module-boundaries']]);
  });
});
