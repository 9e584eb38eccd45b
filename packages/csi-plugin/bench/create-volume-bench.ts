// CreateVolume latency over the real unix socket with real lvm on loop devices (metadata-only LVs on hosts
// without device-mapper): p50/p95 of 50 sequential creates, then 20 concurrent creates on one VG, checking
// that all succeed when they fit, and that when they do not the VG is never over-committed (sum of LV sizes
// <= VG size, lvm's own numbers). Run as root: npx tsx bench/create-volume-bench.ts
import { pino } from 'pino';
import { parseConfig, startPlugin } from '../src/index.js';
import { createCsiClient, mountCapability, type CallResult, type CsiClient } from '../test/support/csi-client.js';
import { createHostSandbox, uniqueVg, type HostSandbox } from '@openlocal/lvm/testing';

const MiB = 2 ** 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Bench {
  sandbox: HostSandbox;
  vgName: string;
  client: CsiClient;
}

function create(bench: Bench, name: string, sizeBytes: number): Promise<CallResult<unknown>> {
  return bench.client.call('Controller', 'CreateVolume', {
    name,
    volume_capabilities: [mountCapability()],
    parameters: { volumeType: 'LVM', vgName: bench.vgName },
    capacity_range: { required_bytes: String(sizeBytes), limit_bytes: '0' },
  });
}

async function sequentialLatencies(bench: Bench, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const result = await create(bench, `seq-${i}`, 4 * MiB);
    latencies.push(performance.now() - started);
    if (!result.ok) throw new Error(`sequential create ${i} failed: ${result.details}`);
  }
  for (let i = 0; i < count; i += 1) await bench.client.must('Controller', 'DeleteVolume', { volume_id: `seq-${i}` });
  return latencies.sort((a, b) => a - b);
}

async function concurrent(bench: Bench, prefix: string, sizeBytes: number) {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create(bench, `${prefix}-${i}`, sizeBytes)));
  const wallMs = performance.now() - started;
  const ok = results.filter((r) => r.ok).length;
  const exhausted = results.filter((r) => !r.ok && r.code === 8).length;
  return { ok, exhausted, other: results.length - ok - exhausted, wallMs };
}

async function vgUsage(bench: Bench) {
  const vgs = await bench.sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_size,vg_free', bench.vgName]);
  const [sizeBytes = 0, freeBytes = 0] = vgs.stdout.trim().split(/\s+/).map(Number);
  const lvs = await bench.sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_size', bench.vgName]);
  const allocatedBytes = lvs.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0).reduce((a, b) => a + b, 0);
  return { sizeBytes, freeBytes, allocatedBytes };
}

async function deleteAll(bench: Bench, prefix: string): Promise<void> {
  for (let i = 0; i < 20; i += 1) await bench.client.must('Controller', 'DeleteVolume', { volume_id: `${prefix}-${i}` });
}

async function main(): Promise<void> {
  const sandbox = await createHostSandbox([1024]);
  const vgName = uniqueVg('bench');
  const socketPath = `${sandbox.root}/csi.sock`;
  try {
    await sandbox.run(['lvm', 'vgcreate', vgName, sandbox.loops[0] ?? '']);
    const config = parseConfig(['node', 'bench', '--endpoint', `unix://${socketPath}`, '--nodeid', 'bench-node', '--kubelet-dir', sandbox.kubeletDir, '--lvm-system-dir', sandbox.lvmSystemDir, '--metrics-port=-1']);
    const server = await startPlugin(config, pino({ level: 'silent' }));
    const bench: Bench = { sandbox, vgName, client: createCsiClient(socketPath) };
    const latencies = await sequentialLatencies(bench, 50);
    const fitting = await concurrent(bench, 'fit', 40 * MiB);
    await deleteAll(bench, 'fit');
    // 20 x 60 MiB into a 1 GiB VG (1020 MiB usable): 17 fit, 3 must be refused, never squeezed in.
    const crowded = await concurrent(bench, 'crowd', 60 * MiB);
    const usage = await vgUsage(bench);
    const isOverCommitted = usage.allocatedBytes > usage.sizeBytes;

    console.log('CreateVolume latency, 50 sequential LVM volumes (real lvm, metadata-only LVs, unix socket):');
    console.log(`  p50 ${percentile(latencies, 50).toFixed(1)} ms   p95 ${percentile(latencies, 95).toFixed(1)} ms   min ${latencies[0]?.toFixed(1)} ms   max ${latencies.at(-1)?.toFixed(1)} ms`);
    console.log('20 concurrent CreateVolume on one 1 GiB VG:');
    console.log(`  20 x 40 MiB (all fit): ${fitting.ok} succeeded, ${fitting.exhausted + fitting.other} failed, wall ${fitting.wallMs.toFixed(0)} ms`);
    console.log(`  20 x 60 MiB (17 fit):  ${crowded.ok} succeeded, ${crowded.exhausted} RESOURCE_EXHAUSTED, ${crowded.other} other errors, wall ${crowded.wallMs.toFixed(0)} ms`);
    console.log(`  VG size ${usage.sizeBytes} B, LVs total ${usage.allocatedBytes} B, free ${usage.freeBytes} B -> over-committed: ${isOverCommitted ? 'YES' : 'no'}`);
    bench.client.close();
    await server.close(2000);
    if (fitting.ok !== 20 || crowded.other !== 0 || isOverCommitted) process.exitCode = 1;
  } finally {
    await sandbox.cleanup();
  }
}

await main();
