// One bad moment at start is not forever: a VG activation that fails is retried on the next pass, and an
// activated VG is not activated again.
import type { NodeLocalStorage } from '@openlocal/crd-types';
import { ExecError, Lvm, type Executor } from '@openlocal/lvm';
import { ManualClock } from '@openlocal/kube-runtime/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createAgentMetrics } from '../adapters/metrics.js';
import { ResourceInitializer } from '../adapters/resource-initializer.js';
import type { DeviceFacts } from '../core/init-plan.js';
import { GiB, state, vg } from '../core/test-data.js';
import { Agent } from './agent.js';
import { EventSink } from './event-sink.js';

function agentOver(executor: Executor, lvm: Lvm) {
  const nls: NodeLocalStorage = { metadata: { name: 'n1', uid: 'u' }, spec: { nodeName: 'n1', listConfig: { vgs: { include: ['pool'] } } } };
  const node = {
    hasSynced: true,
    discover: () => Promise.resolve({ lvm: state({ vgs: [vg('pool', 10 * GiB, 10 * GiB)] }), devices: [], mountPoints: [] }),
    mountedPaths: () => Promise.resolve(new Set<string>()),
    deviceFacts: () => Promise.resolve(new Map<string, DeviceFacts>()),
    current: () => nls,
    onChange: () => undefined,
    writeStatus: () => Promise.resolve(),
  };
  const logger = pino({ level: 'silent' });
  const reasons: string[] = [];
  const events = new EventSink({ record: (e) => Promise.resolve(void reasons.push(e.reason)) }, () => ({ apiVersion: 'v', kind: 'NodeLocalStorage', name: 'n1' }));
  const agent = new Agent({
    nodeName: 'n1', lvm, host: node, source: node, writer: node, events, clock: new ManualClock(0), logger, metrics: createAgentMetrics(),
    initializer: new ResourceInitializer({ lvm, executor, host: node, events, logger }),
    lvNamePrefix: 'local', intervalMs: 60_000, heartbeatMs: 300_000,
  });
  return { agent, reasons };
}

describe('VG activation', () => {
  it('retries a failed activation on the next pass, then stops once it succeeded', async () => {
    const activations: number[] = [];
    const executor: Executor = {
      run(argv) {
        if (argv[1] !== 'vgchange') return Promise.resolve({ stdout: '', stderr: '', exitCode: 0 });
        activations.push(activations.length);
        const isFirst = activations.length === 1;
        return Promise.resolve(isFirst ? { stdout: '', stderr: '  Volume group "pool" is busy\n', exitCode: 5 } : { stdout: '', stderr: '', exitCode: 0 });
      },
    };
    const { agent, reasons } = agentOver(executor, new Lvm({ executor, hasDeviceMapper: true }));
    await agent.pass();
    expect(reasons).toContain('ActivateVGFailed');
    await agent.pass();
    await agent.pass();
    expect(activations).toHaveLength(2);
  });
});

describe('VG activation after a device-mapper probe that could not run', () => {
  it('marks nothing: the pass goes on, and the next pass probes again and activates', async () => {
    const probes: string[] = [];
    const activations: string[] = [];
    const executor: Executor = {
      run(argv) {
        if (argv[0] === 'dmsetup') {
          probes.push(argv.join(' '));
          if (probes.length === 1) return Promise.reject(new ExecError('spawn dmsetup ENOENT', argv));
          return Promise.resolve({ stdout: 'Library version: 1.02.185\nDriver version: 4.47.0\n', stderr: '', exitCode: 0 });
        }
        if (argv[1] === 'vgchange') activations.push(argv.at(-1) ?? '');
        return Promise.resolve({ stdout: '', stderr: '', exitCode: 0 });
      },
    };
    const { agent, reasons } = agentOver(executor, new Lvm({ executor }));
    await agent.pass();
    expect(reasons).toEqual(['ActivateVGFailed']);
    expect(activations).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await agent.pass();
    await agent.pass();
    expect(activations).toEqual(['pool']);
    expect(probes).toHaveLength(2);
  });
});
