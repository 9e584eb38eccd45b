// CI smoke of the issue #19 benchmarks (and the filter bench they rely on): each runs once at a tiny scale
// (20 nodes, 50 PVs, a handful of pods or requests; the agent's at 2 VGs / 10 LVs) so a change that breaks one
// shows up in the suite instead of on the next on-demand run. It asserts only that each benchmark exits 0 and
// prints its table with at least one row: the numbers of a tiny run on a CI machine mean nothing and nothing here
// looks at them.
// Run: npx tsx e2e/bench/smoke.ts [--only NAME,...]  (stage 50-extender runs it after building the extender)
// With OPENLOCAL_COUNTS_FILE set it writes {passed, failed, skipped}: one count per benchmark. A benchmark whose
// control-plane binaries are missing is skipped with the reason printed.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTROL_PLANE_TOOLS, missingToolsReason } from '../cluster/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface SmokeCase {
  name: string;
  /** Working directory, relative to the repository. */
  cwd: string;
  /** Arguments to `npx tsx`. */
  args: string[];
  needsControlPlane: boolean;
  /** Loop devices and lvm: skipped (with the reason) when not root. */
  needsRoot?: boolean;
  /** The table's header line, and a data row that must follow it. */
  header: RegExp;
  row: RegExp;
}

const CASES: SmokeCase[] = [
  {
    name: 'restart-order',
    cwd: 'packages/scheduler-extender',
    args: ['bench/restart-order.ts', '--nodes', '20', '--pvs', '50'],
    needsControlPlane: false,
    header: /^\| delivery order \| events ms \| rebuildPlans ms \|$/m,
    row: /^\| claims → nls → pvs \| \d+ \| \d+ \|$/m,
  },
  {
    name: 'filter-bench',
    cwd: 'packages/scheduler-extender',
    args: ['bench/filter-bench.ts', '--nodes', '20', '--pods', '1', '--iterations', '20'],
    needsControlPlane: false,
    header: /^\| nodes \| pod \| body KiB \| filter rt p50 \|/m,
    row: /^\|\s+20 \| 1 PVC\s+\|/m,
  },
  {
    name: 'extender-scale',
    cwd: '.',
    args: ['e2e/bench/extender-scale.ts', '--points', '20:50', '--runs', '1'],
    needsControlPlane: true,
    header: /^BUILD\s+NODES\s+PVS\s+READY s\s+RSS MiB\s+HEAP USED MiB\s+LOAD 1\/5\/15$/m,
    row: /^this\s+20\s+50\s+\d+\.\d+\s+\d+\s+\d+\s+\d/m,
  },
  {
    name: 'scheduling-throughput',
    cwd: '.',
    args: ['e2e/bench/scheduling-throughput.ts', '--nodes', '20', '--pvs', '50', '--pods', '5'],
    needsControlPlane: true,
    header: /^MODE\s+PODS\s+SCHEDULED\s+PODS\/s\s+p50 ms\s+p99 ms\s+LOAD 1\/5\/15$/m,
    row: /^extender\s+1 local claim\s+5\/5\s/m,
  },
  {
    // The agent's pass at 2 VGs / 10 LVs on loop devices, in-process only: its process part needs a control plane
    // (~15 s more), which the on-demand run covers.
    name: 'agent-scale',
    cwd: '.',
    args: ['packages/agent/bench/agent-scale.ts', '--vgs', '2', '--lvs', '10', '--passes', '2', '--skip-process'],
    needsControlPlane: false,
    needsRoot: true,
    header: /^\| part \| p50 ms \| p99 ms \|$/m,
    row: /^\| whole pass without the API write \| \d+\.\d \| \d+\.\d \|$/m,
  },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only === undefined ? undefined : new Set(values.only.split(','));
if (only !== undefined) for (const name of only) if (!CASES.some((c) => c.name === name)) throw new Error(`--only: no benchmark named ${JSON.stringify(name)} (known: ${CASES.map((c) => c.name).join(', ')})`);

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const TIMEOUT_MS = 240_000;

/** Runs one benchmark; resolves with its exit code (null when killed) and everything it printed. */
function run(smoke: SmokeCase): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', ...smoke.args], { cwd: join(REPO, smoke.cwd), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The benchmark's own process group: its cluster and servers go with it on a timeout.
    const timer = setTimeout(() => {
      output += `\n(smoke: killed after ${TIMEOUT_MS / 1000} s)`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }, TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const controlPlaneMissing = missingToolsReason(CONTROL_PLANE_TOOLS);
const startedAll = performance.now();
for (const smoke of CASES) {
  if (only !== undefined && !only.has(smoke.name)) continue;
  if (smoke.needsRoot === true && process.getuid?.() !== 0) {
    log(`bench smoke ${smoke.name}: SKIPPED — needs root for loop devices and lvm`);
    counts.skipped += 1;
    continue;
  }
  if (smoke.needsControlPlane && controlPlaneMissing !== null) {
    log(`bench smoke ${smoke.name}: SKIPPED — ${controlPlaneMissing}`);
    counts.skipped += 1;
    continue;
  }
  log(`bench smoke ${smoke.name}: npx tsx ${smoke.args.join(' ')} (in ${smoke.cwd})`);
  const started = performance.now();
  const { code, output } = await run(smoke);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const problems: string[] = [];
  if (code !== 0) problems.push(`exit code ${String(code)}`);
  const header = smoke.header.exec(output);
  if (header === null) problems.push(`no table header matching ${String(smoke.header)}`);
  else if (!smoke.row.test(output.slice(header.index))) problems.push(`no row matching ${String(smoke.row)} after the header`);
  if (problems.length === 0) {
    counts.passed += 1;
    log(`bench smoke ${smoke.name}: ok in ${seconds} s; its table:`);
    log(output.slice(header?.index ?? 0).trimEnd());
  } else {
    counts.failed += 1;
    log(`bench smoke ${smoke.name}: FAILED in ${seconds} s — ${problems.join('; ')}; its output (last 40 lines):`);
    log(output.trimEnd().split('\n').slice(-40).join('\n'));
  }
}
log(`bench smoke: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${((performance.now() - startedAll) / 1000).toFixed(1)} s`);
if (process.env.OPENLOCAL_COUNTS_FILE !== undefined) writeFileSync(process.env.OPENLOCAL_COUNTS_FILE, `${JSON.stringify(counts)}\n`);
process.exit(counts.failed === 0 ? 0 : 1);
