// Benchmark: starts and stops the harness cluster (three simulated nodes) several times and prints a table of
// start-to-ready per phase and teardown times. Run: npx tsx e2e/bench/cluster-start.ts [--runs N]
import { parseArgs } from 'node:util';
import { CONTROL_PLANE_TOOLS, missingToolsReason, startCluster } from '../cluster/index.js';
import { renderTable } from '../demo/table.js';
import { integerFlag } from './flags.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = integerFlag('runs', values.runs, [1, 20]);
const missing = missingToolsReason(CONTROL_PLANE_TOOLS);
if (missing !== null) throw new Error(missing);

const rows: string[][] = [];
let phases: string[] = [];
for (let run = 1; run <= runs; run += 1) {
  const cluster = await startCluster({ nodes: [{ name: 'node-a' }, { name: 'node-b' }, { name: 'node-c' }] });
  const { teardownMs } = await cluster.stop();
  phases = Object.keys(cluster.timings.phasesMs);
  rows.push([String(run), ...phases.map((phase) => String(cluster.timings.phasesMs[phase])), String(cluster.timings.readyMs), String(teardownMs)]);
  process.stdout.write(`run ${run}: ready ${cluster.timings.readyMs} ms, teardown ${teardownMs} ms (logs ${cluster.runDir})\n`);
}
process.stdout.write(`\n${renderTable(['RUN', ...phases.map((phase) => `${phase} ms`), 'READY ms', 'TEARDOWN ms'], rows)}\n`);
