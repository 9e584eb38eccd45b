import { describe, expect, it } from 'vitest';
import { ConfigError, buildCommand, parseConfig } from './cli.js';

const argv = (...args: string[]) => ['node', 'extender', ...args];

describe('parseConfig', () => {
  it('has Open-Local defaults', () => {
    expect(parseConfig(argv())).toEqual({
      port: 23000,
      host: '0.0.0.0',
      strategy: 'binpack',
      antiAffinity: {},
      kubeconfig: undefined,
      master: undefined,
      isChoosingNode: true,
      reservationTtlMs: 30_000,
      logLevel: 'info',
    });
  });

  it.each([
    { name: "Open-Local's strategy flag", args: ['--scheduler-strategy', 'spread'], want: { strategy: 'spread' } },
    { name: 'anti-affinity weights, default 5, LVM accepted and ignored', args: ['--enabled-node-anti-affinity', 'MountPoint=2,Device,LVM=3'], want: { antiAffinity: { MountPoint: 2, Device: 5 } } },
    { name: 'not choosing a node', args: ['--no-choose-node'], want: { isChoosingNode: false } },
    { name: 'reservation ttl in seconds', args: ['--reservation-ttl', '2.5'], want: { reservationTtlMs: 2500 } },
  ])('$name', ({ args, want }) => {
    expect(parseConfig(argv(...args))).toMatchObject(want);
  });

  it.each([
    { name: 'port out of range', args: ['--port', '70000'], want: '--port' },
    { name: 'port not a number', args: ['--port', 'http'], want: '"http"' },
    { name: 'unknown anti-affinity type', args: ['--enabled-node-anti-affinity', 'Quota=1'], want: 'volume type "Quota"' },
    { name: 'anti-affinity weight above 10', args: ['--enabled-node-anti-affinity', 'Device=11'], want: 'weight "11" of Device' },
    { name: 'negative ttl', args: ['--reservation-ttl', '-1'], want: '--reservation-ttl' },
  ])('refuses $name naming the flag', ({ args, want }) => {
    expect(() => parseConfig(argv(...args))).toThrow(ConfigError);
    expect(() => parseConfig(argv(...args))).toThrow(want);
  });

  it('refuses an unknown strategy', () => {
    expect(() => parseConfig(argv('--strategy', 'random'))).toThrow(/random/);
  });

  it('--help shows every default', () => {
    const help = buildCommand().helpInformation();
    for (const text of ['(default: "23000")', 'default: "binpack")', '(default: "30")', '(default: "info")', '(default: "0.0.0.0")']) {
      expect(help).toContain(text);
    }
  });
});
