// CreateVolume latency over the real unix socket with real lvm on loop devices (metadata-only LVs on hosts
// without device-mapper): p50/p95 of 50 sequential creates, then 20 concurrent creates on one VG, checking
// that all succeed and the VG is not over-committed (sum of LV sizes <= VG size, lvm's own numbers).
// Run as root: npx tsx bench/create-volume-bench.ts
import { pino } from 'pino';
import { parseConfig, startPlugin } from '../src/index.js';
import { createCsiClient, mountCapability } from '../test/support/csi-client.js';
import { createHostSandbox, uniqueVg } from '../test/support/host-sandbox.js';

const MiB = 2 ** 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const sandbox = await createHostSandbox([1024]);
  const vgName = uniqueVg('bench');
  const socketPath = `${sandbox.root}/csi.sock`;
  try {
    await sandbox.run(['lvm', 'vgcreate', vgName, sandbox.loops[0] ?? '']);
    const config = parseConfig(['node', 'bench', '--endpoint', `unix://${socketPath}`, '--nodeid', 'bench-node', '--kubelet-dir', sandbox.kubeletDir, '--lvm-system-dir', sandbox.lvmSystemDir]);
    const server = await startPlugin(config, pino({ level: 'silent' }));
    const client = createCsiClient(socketPath);
    const create = (name: string, sizeBytes: number) =>
      client.call('Controller', 'CreateVolume', {
        name,
        volume_capabilities: [mountCapability()],
        parameters: { volumeType: 'LVM', vgName },
        capacity_range: { required_bytes: String(sizeBytes), limit_bytes: '0' },
      });

    const latencies: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const started = performance.now();
      const result = await create(`seq-${i}`, 4 * MiB);
      latencies.push(performance.now() - started);
      if (!result.ok) throw new Error(`sequential create ${i} failed: ${result.details}`);
    }
    for (let i = 0; i < 50; i += 1) await client.must('Controller', 'DeleteVolume', { volume_id: `seq-${i}` });
    latencies.sort((a, b) => a - b);

    // 20 concurrent creates of 60 MiB into a 1 GiB VG: 17 fit (1020 MiB), so 3 must be refused, never squeezed in.
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`par-${i}`, 60 * MiB)));
    const wallMs = performance.now() - started;
    const ok = results.filter((r) => r.ok).length;
    const exhausted = results.filter((r) => !r.ok && r.code === 8).length;
    const other = results.length - ok - exhausted;
    const { stdout } = await sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_size,vg_free', vgName]);
    const [vgSize, vgFree] = stdout.trim().split(/\s+/).map(Number) as [number, number];
    const lvsOut = await sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_size', vgName]);
    const allocated = lvsOut.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0).reduce((a, b) => a + b, 0);

    // Fits well within the 20-concurrent case too: repeat with 20 x 40 MiB (800 MiB) where all must succeed.
    for (const r of results.keys()) if (results[r]?.ok) await client.must('Controller', 'DeleteVolume', { volume_id: `par-${r}` });
    const fitting = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`fit-${i}`, 40 * MiB)));
    const fittingOk = fitting.filter((r) => r.ok).length;

    console.log('CreateVolume latency, 50 sequential LVM volumes (real lvm, metadata-only LVs, unix socket):');
    console.log(`  p50 ${percentile(latencies, 50).toFixed(1)} ms   p95 ${percentile(latencies, 95).toFixed(1)} ms   min ${latencies[0]?.toFixed(1)} ms   max ${latencies.at(-1)?.toFixed(1)} ms`);
    console.log('20 concurrent CreateVolume on one 1 GiB VG:');
    console.log(`  20 x 40 MiB (fits):  ${fittingOk} succeeded, ${20 - fittingOk} failed`);
    console.log(`  20 x 60 MiB (17 fit): ${ok} succeeded, ${exhausted} RESOURCE_EXHAUSTED, ${other} other errors, wall ${wallMs.toFixed(0)} ms`);
    console.log(`  VG size ${vgSize} B, LVs total ${allocated} B, free ${vgFree} B -> over-committed: ${allocated > vgSize ? 'YES' : 'no'}`);
    client.close();
    await server.close(2000);
    if (fittingOk !== 20 || other !== 0 || allocated > vgSize) process.exitCode = 1;
  } finally {
    await sandbox.cleanup();
  }
}

await main();
