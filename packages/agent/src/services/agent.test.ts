import type { NodeLocalStorage, NodeLocalStorageStatus } from '@openlocal/crd-types';
import { Lvm } from '@openlocal/lvm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '@openlocal/kube-runtime';
import type { StorageReader } from '../adapters/host-storage.js';
import type { NlsSource } from '../adapters/own-nls.js';
import { Agent } from './agent.js';
import type { DeviceFacts } from '../core/init-plan.js';
import type { Discovery } from '../core/node-storage.js';
import { GiB, state, vg } from '../core/test-data.js';
import { EventSink } from './event-sink.js';
import { createAgentMetrics } from '../adapters/metrics.js';
import { ResourceInitializer } from '../adapters/resource-initializer.js';
import { ManualClock } from '@openlocal/kube-runtime/testing';

/** Unit-test doubles of the agent's ports: the node's storage, its NLS and the status writer. */
class FakeNode implements StorageReader, NlsSource {
  discovery: Discovery = { lvm: state({ vgs: [vg('pool', 100 * GiB, 100 * GiB)] }), devices: [], mountPoints: [] };
  nls: NodeLocalStorage | undefined = { metadata: { name: 'n1', uid: 'uid-1' }, spec: { nodeName: 'n1', listConfig: { vgs: { include: ['pool'] } } } };
  writes: NodeLocalStorageStatus[] = [];
  events: EventRecord[] = [];
  readonly hasSynced = true;

  discover = () => Promise.resolve(structuredClone(this.discovery));
  mountedPaths = () => Promise.resolve(new Set<string>());
  deviceFacts = () => Promise.resolve(new Map<string, DeviceFacts>());
  changeHandlers: (() => void)[] = [];
  current = () => this.nls;
  onChange = (handler: () => void) => {
    this.changeHandlers.push(handler);
  };
  writeStatus = (_name: string, status: NodeLocalStorageStatus) => {
    this.writes.push(status);
    return Promise.resolve();
  };
}

function setUp(): { node: FakeNode; agent: Agent; clock: ManualClock } {
  const node = new FakeNode();
  const clock = new ManualClock(1_000_000);
  const logger = pino({ level: 'silent' });
  const executor = { run: () => Promise.resolve({ stdout: '', stderr: '', exitCode: 0 }) };
  const lvm = new Lvm({ executor, hasDeviceMapper: false });
  const events = new EventSink({ record: (e) => Promise.resolve(void node.events.push(e)) }, () => ({ apiVersion: 'v', kind: 'NodeLocalStorage', name: 'n1' }));
  const agent = new Agent({
    nodeName: 'n1', lvm, host: node, source: node, writer: node, events, clock, logger, metrics: createAgentMetrics(),
    initializer: new ResourceInitializer({ lvm, executor, host: node, events, logger }),
    lvNamePrefix: 'local', intervalMs: 60_000, heartbeatMs: 300_000,
  });
  return { node, agent, clock };
}

describe('Agent.pass', () => {
  it('writes the first status, then nothing while nothing changes, then at once on a change', async () => {
    const { node, agent, clock } = setUp();
    await agent.pass();
    expect(node.writes).toHaveLength(1);
    expect(node.writes[0]?.filteredStorageInfo?.volumeGroups).toEqual(['pool']);
    await clock.advance(60_000);
    await agent.pass();
    expect(node.writes).toHaveLength(1);
    node.discovery = { ...node.discovery, lvm: state({ vgs: [vg('pool', 100 * GiB, 10 * GiB)] }) };
    await agent.pass();
    expect(node.writes).toHaveLength(2);
    expect(node.writes[1]?.nodeStorageInfo?.volumeGroups?.[0]?.available).toBe(10 * GiB);
  });

  it('writes a heartbeat once the heartbeat interval has passed', async () => {
    const { node, agent, clock } = setUp();
    await agent.pass();
    await clock.advance(299_000);
    await agent.pass();
    expect(node.writes).toHaveLength(1);
    await clock.advance(1_000);
    await agent.pass();
    expect(node.writes).toHaveLength(2);
  });

  it('writes at once into a recreated NLS (new uid), even if its own last write was identical', async () => {
    const { node, agent } = setUp();
    await agent.pass();
    node.nls = { metadata: { name: 'n1', uid: 'uid-2' }, spec: node.nls?.spec };
    await agent.pass();
    expect(node.writes).toHaveLength(2);
  });

  it('writes nothing until its NLS exists', async () => {
    const { node, agent } = setUp();
    node.nls = undefined;
    await agent.pass();
    expect(node.writes).toEqual([]);
  });

  it('reports an activation it cannot do (no device-mapper) once, as a Warning', async () => {
    const { node, agent } = setUp();
    await agent.pass();
    await agent.pass();
    expect(node.events.filter((e) => e.reason === 'ActivateVGFailed').map((e) => e.type)).toEqual(['Warning']);
  });
});

describe('Agent.pass with an SPDK spec', () => {
  it('says once that SPDK is not supported and still reports LVM', async () => {
    const { node, agent } = setUp();
    node.nls = { metadata: { name: 'n1', uid: 'uid-1' }, spec: { nodeName: 'n1', spdkConfig: { deviceType: 'nvme' } } };
    await agent.pass();
    await agent.pass();
    expect(node.events.filter((e) => e.reason === 'SpdkUnsupported')).toHaveLength(1);
    expect(node.writes[0]?.nodeStorageInfo?.volumeGroups?.[0]?.name).toBe('pool');
  });
});

describe('Agent.run', () => {
  it('rediscovers at once when its NLS changes, without waiting for the interval', async () => {
    const { node, agent, clock } = setUp();
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    await clock.advance(0);
    expect(node.writes).toHaveLength(1);
    node.discovery = { ...node.discovery, lvm: state({ vgs: [vg('pool', 100 * GiB, 1 * GiB)] }) };
    for (const handler of node.changeHandlers) handler();
    await clock.advance(0);
    expect(node.writes).toHaveLength(2);
    expect(clock.now()).toBe(1_000_000);
    stop.abort();
    await running;
  });

  it('otherwise runs a pass every interval', async () => {
    const { node, agent, clock } = setUp();
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    await clock.advance(0);
    node.discovery = { ...node.discovery, lvm: state({ vgs: [vg('pool', 100 * GiB, 1 * GiB)] }) };
    await clock.advance(59_999);
    expect(node.writes).toHaveLength(1);
    await clock.advance(1);
    expect(node.writes).toHaveLength(2);
    stop.abort();
    await running;
  });
});
