import { describe, expect, it } from 'vitest';
import { buildCommand, parseConfig } from './cli.js';
import { parseDurationMs } from './core/duration.js';

const argv = (...flags: string[]): string[] => ['node', 'open-local-controller', ...flags];

describe('parseConfig', () => {
  it('has Open-Local defaults and client-go-like election timings', () => {
    const config = parseConfig(argv());
    expect(config).toMatchObject({
      kubeconfig: '', initconfig: 'open-local', updateNls: true, leaderElect: true,
      leaderElectLeaseName: 'open-local-controller', leaderElectLeaseNamespace: 'kube-system',
      leaderElectLeaseDuration: 15_000, leaderElectRenewPeriod: 5_000, leaderElectRetryPeriod: 2_000,
      resyncPeriod: 30_000, workers: 2, httpPort: 8080,
    });
    expect(config.leaderElectIdentity).toMatch(/_\d+$/);
  });

  it.each([
    { name: 'rejects a duration without unit, naming the flag', flags: ['--leader-elect-lease-duration', '15'], want: /--leader-elect-lease-duration "15"/ },
    { name: 'rejects a renew period not shorter than the lease', flags: ['--leader-elect-renew-period', '20s'], want: /renew-period must be shorter/ },
    { name: 'rejects an init config name that cannot exist', flags: ['--initconfig', 'Bad_Name'], want: /--initconfig/ },
    { name: 'rejects zero workers', flags: ['--workers', '0'], want: /--workers must be at least 1/ },
    { name: 'rejects a port out of range', flags: ['--http-port', '70000'], want: /--http-port/ },
  ])('$name', ({ flags, want }) => {
    expect(() => parseConfig(argv(...flags))).toThrow(want);
  });

  it('turns the gates off with --no- flags', () => {
    expect(parseConfig(argv('--no-update-nls', '--no-leader-elect'))).toMatchObject({ updateNls: false, leaderElect: false });
  });

  it('shows every default in --help', () => {
    const help = buildCommand().helpInformation();
    for (const text of ['"open-local"', '"15s"', '"5s"', '"2s"', '"30s"', '"8080"', '"kube-system"']) expect(help).toContain(text);
  });
});

describe('parseDurationMs', () => {
  it.each([
    { name: 'seconds', input: '15s', want: 15_000 },
    { name: 'milliseconds', input: '250ms', want: 250 },
    { name: 'compound', input: '1m30s', want: 90_000 },
    { name: 'fractions', input: '1.5s', want: 1500 },
    { name: 'no unit is not a duration', input: '10', want: null },
    { name: 'garbage is not a duration', input: 'soon', want: null },
  ])('$name', ({ input, want }) => {
    expect(parseDurationMs(input)).toBe(want);
  });
});
