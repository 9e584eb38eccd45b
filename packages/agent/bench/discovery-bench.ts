// Discovery cost and idle API writes, printed as tables (not assertions).
//   npx tsx packages/agent/bench/discovery-bench.ts [--idle-seconds N] [--interval S] [--heartbeat S]
// Part 1 (root, loop devices): lvm processes and wall time of one discovery pass with 1, 10 and 100 LVs,
// counted by wrapping the real executor, next to Open-Local v0.7.1's count for the same state (1 + 5 per VG
// + 1 per LV, from its per-field vgs/pvs/lvs calls). Part 2 (control-plane binaries): the agent as a real
// process on a real API server, left idle; status writes counted from its metrics.
import { parseArgs } from 'node:util';
import { parseStorageReserved } from '@openlocal/crd-types';
import { createLocalExecutor, Lvm, type Executor } from '@openlocal/lvm';
import { HostStorage } from '../src/adapters/host-storage.js';
import { composeStatus } from '../src/core/agent-status.js';
import { buildNodeStorageInfo } from '../src/core/node-storage.js';
import { applyInitConfig, clusterSkipReason, createNode, eventsOn, sumMetric, startAgentProcess, startControllerProcess, startNlsCluster, waitForNls } from '../test-cluster/cluster-fixture.js';
import { createNodeSandbox, hostSkipReason, type NodeSandbox } from '../test-cluster/node-sandbox.js';

const MiB = 1024 ** 2;

function countingExecutor(inner: Executor): { executor: Executor; lvmCalls: () => number } {
  let calls = 0;
  return {
    executor: { run: (argv, options) => {
      if (argv[0] === 'lvm' || ['vgs', 'pvs', 'lvs'].includes(argv[0] ?? '')) calls += 1;
      return inner.run(argv, options);
    } },
    lvmCalls: () => calls,
  };
}

async function discoveryTable(node: NodeSandbox): Promise<void> {
  const counting = countingExecutor(createLocalExecutor({ env: node.env }));
  const lvm = new Lvm({ executor: counting.executor, env: node.env });
  const host = new HostStorage({ lvm, executor: counting.executor, sysfsRoot: '/sys', deviceRegexp: new RegExp(node.deviceRegexp), mountRoot: node.mountRoot });
  await node.lvm.createVg({ name: 'bench-vg', devices: [...node.loops] });
  console.log('\n| LVs | lvm processes per pass | Open-Local v0.7.1 (same state) | wall time per pass, median of 5 (ms) |');
  console.log('|---:|---:|---:|---:|');
  let made = 0;
  for (const target of [1, 10, 100]) {
    for (; made < target; made += 1) await node.lvm.createLv({ vgName: 'bench-vg', name: `local-bench-${made}`, sizeBytes: 4 * MiB });
    const times: number[] = [];
    let calls = 0;
    for (let i = 0; i < 5; i += 1) {
      const before = counting.lvmCalls();
      const started = performance.now();
      const discovery = await host.discover();
      composeStatus({ info: buildNodeStorageInfo(discovery, { lvNamePrefix: 'local' }, parseStorageReserved(undefined)), listConfig: undefined, reserve: parseStorageReserved(undefined) });
      times.push(performance.now() - started);
      calls = counting.lvmCalls() - before;
    }
    times.sort((x, y) => x - y);
    console.log(`| ${target} | ${calls} | ${1 + 5 + target} | ${(times[2] ?? 0).toFixed(1)} |`);
  }
}

async function idleWrites(seconds: number, intervalS: number, heartbeatS: number): Promise<void> {
  const reason = clusterSkipReason();
  if (reason) {
    console.log(`\nidle writes: skipped (${reason})`);
    return;
  }
  const node = await createNodeSandbox('bench-node', 1, 256 * MiB);
  const cluster = await startNlsCluster();
  try {
    await node.lvm.createVg({ name: 'ol-bench', devices: [...node.loops] });
    await createNode(cluster.kubeConfig, node.name);
    await applyInitConfig(cluster.kubeConfig, { globalConfig: { listConfig: { vgs: { include: ['ol-.*'] } } } });
    await startControllerProcess(cluster);
    const agent = await startAgentProcess(cluster, node, ['--interval', String(intervalS), '--heartbeat-interval', String(heartbeatS)]);
    await waitForNls(cluster.kubeConfig, node.name, 'first status', (n) => n.status?.nodeStorageInfo !== undefined);
    const before = await sumMetric(agent.port, 'openlocal_agent_status_writes_total');
    const passesBefore = await sumMetric(agent.port, 'openlocal_agent_discovery_passes_total');
    const eventsBefore = (await eventsOn(cluster.kubeConfig, node.name)).length;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const events = (await eventsOn(cluster.kubeConfig, node.name)).length - eventsBefore;
    const writes = (await sumMetric(agent.port, 'openlocal_agent_status_writes_total')) - before;
    const passes = (await sumMetric(agent.port, 'openlocal_agent_discovery_passes_total')) - passesBefore;
    console.log(`\n| idle window | --interval | --heartbeat-interval | discovery passes | status writes | events created | API writes |`);
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${seconds} s | ${intervalS} s | ${heartbeatS} s | ${passes} | ${writes} | ${events} | ${writes + events} |`);
    console.log(`expected: only heartbeats, i.e. floor(${seconds} / ${heartbeatS}) = ${Math.floor(seconds / heartbeatS)} (±1 for the window's phase)`);
  } finally {
    await cluster.stop();
    await node.cleanup();
  }
}

const { values } = parseArgs({ options: { 'idle-seconds': { type: 'string', default: '60' }, interval: { type: 'string', default: '60' }, heartbeat: { type: 'string', default: '300' }, 'skip-idle': { type: 'boolean', default: false } } });
const hostReason = await hostSkipReason();
if (hostReason) {
  console.log(`discovery bench skipped: ${hostReason}`);
} else {
  const node = await createNodeSandbox('bench-lvm', 2, 1024 * MiB);
  try {
    await discoveryTable(node);
  } finally {
    await node.cleanup();
  }
  if (!values['skip-idle']) await idleWrites(Number(values['idle-seconds']), Number(values.interval), Number(values.heartbeat));
}
