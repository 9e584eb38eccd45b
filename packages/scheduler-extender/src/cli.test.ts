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
      isPreferringStoragelessNodes: true,
      reservationTtlMs: 30_000,
      rescueAfterMs: 60_000,
      logLevel: 'info',
      limits: { maxBodyBytes: 32 * 2 ** 20, maxBufferedBytes: 128 * 2 ** 20, maxInFlight: 64 },
      maxConnections: 256,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      podWaitMs: 1000,
      tls: undefined,
    });
  });

  it.each([
    { name: "Open-Local's strategy flag", args: ['--scheduler-strategy', 'spread'], want: { strategy: 'spread' } },
    { name: 'anti-affinity weights, default 5, LVM accepted and ignored', args: ['--enabled-node-anti-affinity', 'MountPoint=2,Device,LVM=3'], want: { antiAffinity: { MountPoint: 2, Device: 5 } } },
    { name: 'not choosing a node', args: ['--no-choose-node'], want: { isChoosingNode: false } },
    { name: "no preference for storage-less nodes (Open-Local's CapacityMatch off)", args: ['--no-prefer-storageless-nodes'], want: { isPreferringStoragelessNodes: false } },
    { name: 'the rescue after 2.5 s, or never', args: ['--rescue-after', '2.5'], want: { rescueAfterMs: 2500 } },
    { name: 'no rescue', args: ['--rescue-after', '0'], want: { rescueAfterMs: 0 } },
    { name: 'reservation ttl in seconds', args: ['--reservation-ttl', '2.5'], want: { reservationTtlMs: 2500 } },
    { name: 'request limits', args: ['--max-body-bytes', '4096', '--max-buffered-bytes', '8192', '--max-in-flight', '2'], want: { limits: { maxBodyBytes: 4096, maxBufferedBytes: 8192, maxInFlight: 2 } } },
    { name: 'slow-client deadlines in seconds', args: ['--headers-timeout', '0.5', '--request-timeout', '2', '--pod-wait', '0'], want: { headersTimeoutMs: 500, requestTimeoutMs: 2000, podWaitMs: 0 } },
    { name: 'HTTPS', args: ['--tls-cert-file', 'c.pem', '--tls-private-key-file', 'k.pem'], want: { tls: { certFile: 'c.pem', keyFile: 'k.pem', clientCaFile: undefined } } },
    { name: 'mTLS', args: ['--tls-cert-file', 'c.pem', '--tls-private-key-file', 'k.pem', '--tls-client-ca-file', 'ca.pem'], want: { tls: { certFile: 'c.pem', keyFile: 'k.pem', clientCaFile: 'ca.pem' } } },
  ])('$name', ({ args, want }) => {
    expect(parseConfig(argv(...args))).toMatchObject(want);
  });

  it.each([
    { name: 'port out of range', args: ['--port', '70000'], want: '--port' },
    { name: 'port not a number', args: ['--port', 'http'], want: '"http"' },
    { name: 'unknown anti-affinity type', args: ['--enabled-node-anti-affinity', 'Quota=1'], want: 'volume type "Quota"' },
    { name: 'anti-affinity weight above 10', args: ['--enabled-node-anti-affinity', 'Device=11'], want: 'weight "11" of Device' },
    { name: 'negative ttl', args: ['--reservation-ttl', '-1'], want: '--reservation-ttl' },
    { name: 'a rescue delay that is no number', args: ['--rescue-after', 'soon'], want: '--rescue-after' },
    { name: 'a tiny body limit', args: ['--max-body-bytes', '10'], want: '--max-body-bytes' },
    { name: 'zero requests in flight', args: ['--max-in-flight', '0'], want: '--max-in-flight' },
    { name: 'a headers timeout that is not a number', args: ['--headers-timeout', 'soon'], want: '--headers-timeout' },
    { name: 'a certificate without its key', args: ['--tls-cert-file', 'c.pem'], want: '--tls-private-key-file: required with --tls-cert-file "c.pem"' },
    { name: 'a key without its certificate', args: ['--tls-private-key-file', 'k.pem'], want: '--tls-cert-file: required with --tls-private-key-file "k.pem"' },
    { name: 'a client CA without a certificate', args: ['--tls-client-ca-file', 'ca.pem'], want: '--tls-client-ca-file: needs --tls-cert-file' },
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
