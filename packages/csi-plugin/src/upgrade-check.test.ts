import { describe, expect, it } from 'vitest';
import { parseUpgradeCheckOptions, runUpgradeCheck } from './upgrade-check.js';

const argv = (...flags: string[]) => ['node', 'open-local-upgrade-check', ...flags];

describe('open-local-upgrade-check flags', () => {
  it('defaults to a text table from the default kubeconfig', () => {
    expect(parseUpgradeCheckOptions(argv())).toEqual({ kubeconfig: '', output: 'text', timeoutMs: 10_000 });
  });

  it.each([
    { name: 'an unknown output format', flags: ['--output', 'yaml'], want: /--output <format>' argument 'yaml' is invalid/ },
    { name: 'a timeout that is not a number', flags: ['--timeout-ms', 'soon'], want: /--timeout-ms "soon" must be a positive whole number/ },
    { name: 'an unknown flag', flags: ['--fix'], want: /unknown option '--fix'/ },
  ])('refuses $name by name', ({ flags, want }) => {
    expect(() => parseUpgradeCheckOptions(argv(...flags))).toThrow(want);
  });

  it('names a kubeconfig that cannot be read', async () => {
    await expect(runUpgradeCheck(argv('--kubeconfig', '/nonexistent/kubeconfig'), () => undefined)).rejects.toThrow(/--kubeconfig "\/nonexistent\/kubeconfig": .*ENOENT/);
  });
});
