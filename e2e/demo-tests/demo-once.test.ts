// `scripts/demo --once`, the README's main command, run for real and checked by what it prints and leaves:
// NLS rows whose VG sizes are what lvm reports on each node, every claim bound to an LV that `lvm lvs` shows in
// its node's VG, the too-large pod Pending with the extender's reason, a deleted claim followed by lvm and the
// NLS table, the cold-start time, and nothing of the run left behind (process, loop device, VG, mount).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRunDir, repoRoot } from '../cluster/index.js';
import { NLS_AFTER_DELETE_HEADING, NLS_AFTER_HEADING, NLS_BEFORE_HEADING, PICTURE_HEADING } from '../demo/evidence.js';
import { loopSizesMiB } from '../demo/node-disks.js';
import { MACHINE, preflightProblems } from '../demo/preflight.js';
import { boundLines, coldStartSeconds, lvsTables, miToBytes, nlsTables, pendingReason, vgsTables } from '../demo/transcript.js';
import { CLAIM_TEMPLATES } from '../demo/workload.js';

const NODES = ['node-a', 'node-b', 'node-c'];
const MiB = 2 ** 20;
const problems = preflightProblems(MACHINE);
if (problems.length > 0) console.log(`[e2e:demo] skipping: ${problems.join('; ')}`);

interface DemoRun {
  readonly exitCode: number | null;
  readonly transcript: string;
  readonly logPath: string;
}

/** Runs `bash scripts/demo --once`, keeping stdout and stderr interleaved as a user sees them. */
function runDemoOnce(): Promise<DemoRun> {
  const logPath = join(createRunDir('demo-once'), 'demo-once.log');
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', [join(repoRoot(), 'scripts', 'demo'), '--once'], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let transcript = '';
    child.stdout.on('data', (chunk: Buffer) => (transcript += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (transcript += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      writeFileSync(logPath, transcript);
      console.log(`[e2e:demo] scripts/demo --once exited ${exitCode}; transcript in ${logPath}`);
      resolveRun({ exitCode, transcript, logPath });
    });
  });
}

describe.skipIf(problems.length > 0)('scripts/demo --once', () => {
  let run: DemoRun;
  let prefix = '';

  beforeAll(async () => {
    run = await runDemoOnce();
    prefix = /VG prefix (oldemo\d+)/.exec(run.transcript)?.[1] ?? 'no-prefix-printed';
  });

  it('exits 0 and reports that nothing of the run was left behind', () => {
    expect(run.exitCode, `transcript in ${run.logPath}`).toBe(0);
    expect(run.transcript).toContain('left behind: nothing');
  });

  it('prints one NLS row per node whose VG size is the size `lvm vgs` reports on that node', () => {
    const [vgs = []] = vgsTables(run.transcript);
    const [before = []] = nlsTables(run.transcript, NLS_BEFORE_HEADING);
    expect(vgs.map((row) => row.node)).toEqual(NODES);
    expect(before.map((row) => row.nls)).toEqual(NODES);
    for (const [index, node] of NODES.entries()) {
      const lvm = vgs.find((row) => row.node === node);
      const nls = before.find((row) => row.nls === node);
      expect(lvm?.vg).toBe(`${prefix}-${node}`);
      expect(nls).toMatchObject({ vg: lvm?.vg, total: lvm?.size, used: '0Mi', lvs: '0', phase: 'Running' });
      // A real VG on this node's loops: their size less LVM's metadata and extent rounding (under 8 MiB a loop).
      const loops = loopSizesMiB(index);
      const sizeBytes = miToBytes(lvm?.size ?? '') ?? 0;
      expect(sizeBytes).toBeLessThanOrEqual(loops.reduce((a, b) => a + b, 0) * MiB);
      expect(sizeBytes).toBeGreaterThan(loops.reduce((a, b) => a + b - 8, 0) * MiB);
    }
  });

  it('binds every claim of the StatefulSet to an LV that `lvm lvs` shows in the VG of its node, one replica per node', () => {
    const bound = boundLines(run.transcript);
    const [lvs = []] = lvsTables(run.transcript);
    expect(bound).toHaveLength(NODES.length * Object.keys(CLAIM_TEMPLATES).length);
    expect(new Set(bound.map((line) => line.node))).toEqual(new Set(NODES));
    for (const line of bound) {
      const template = line.claim.split('-')[0] as keyof typeof CLAIM_TEMPLATES;
      expect(line.vg).toBe(`${prefix}-${line.node}`);
      expect(line.size).toBe(CLAIM_TEMPLATES[template]);
      expect(lvs).toContainEqual({ node: line.node, lv: line.lv, vg: line.vg, size: CLAIM_TEMPLATES[template] });
    }
    expect(lvs).toHaveLength(bound.length);
  });

  it('shows each node\'s VG use after provisioning: the NLS lists the LVs and counts their bytes as used', () => {
    const [after = []] = nlsTables(run.transcript, NLS_AFTER_HEADING);
    const perPod = Object.values(CLAIM_TEMPLATES).reduce((sum, size) => sum + (miToBytes(size) ?? 0), 0);
    expect(after.map((row) => [row.nls, row.lvs, miToBytes(row.used)])).toEqual(NODES.map((node) => [node, '2', perPod]));
  });

  it('shows the storage picture from `open-local-status`: per node a bar for its VG with the claims on it', () => {
    const start = run.transcript.indexOf(PICTURE_HEADING);
    expect(start, 'the picture heading').toBeGreaterThan(0);
    const picture = run.transcript.slice(start).split('\n== ')[0] ?? '';
    for (const node of NODES) {
      expect(picture).toMatch(new RegExp(`^${node}$`, 'm'));
      // Each node holds one replica's two claims (256Mi + 64Mi) on its VG, so its bar is not empty.
      expect(picture).toMatch(new RegExp(`VG\\s+${prefix}-${node}\\s+\\[#+\\.*\\]\\s+\\d+% 320Mi / `));
    }
    expect(picture).toMatch(/demo\/data-web-0/);
  });

  it('shows the pod too large for every node Pending with the extender\'s reason', () => {
    expect(run.transcript).toMatch(/pod too-big stays Pending \(claim huge Pending\)/);
    expect(pendingReason(run.transcript)).toMatch(/Insufficient LVM storage on node node-[abc]/);
  });

  it('follows a deleted claim: its LV leaves `lvm lvs` and its node\'s NLS row drops to 0 LVs', () => {
    // Which node held the removed replica is the scheduler's choice: read it from the "deleted claim" lines.
    const deletedLvs = [...run.transcript.matchAll(/deleted claim \S+ \(LV (\S+) in VG \S+ on (\S+)\)/g)];
    const last = deletedLvs[0]?.[2];
    const deleted = boundLines(run.transcript).filter((line) => line.node === last);
    expect(deleted.map((line) => line.lv).sort()).toEqual(deletedLvs.map((match) => match[1]).sort());
    const lvsAfterDelete = lvsTables(run.transcript)[1] ?? [];
    expect(deleted).toHaveLength(2);
    for (const line of deleted) expect(lvsAfterDelete.map((row) => row.lv)).not.toContain(line.lv);
    expect(lvsAfterDelete).toHaveLength((NODES.length - 1) * 2);
    const [final = []] = nlsTables(run.transcript, NLS_AFTER_DELETE_HEADING);
    expect(final.find((row) => row.nls === last)).toMatchObject({ lvs: '0', used: '0Mi' });
  });

  it('prints the cold start to the first provisioned volume', () => {
    const coldStart = coldStartSeconds(run.transcript);
    console.log(`[e2e:demo] cold start to first provisioned volume: ${coldStart} s`);
    expect(coldStart).toBeGreaterThan(0);
    expect(coldStart).toBeLessThan(600);
  });

  it('leaves no process, loop device, VG or mount of the run behind (checked here, not taken from the demo)', () => {
    const pids = processPids(run.transcript);
    expect(pids.length).toBeGreaterThanOrEqual(4 + 3 * NODES.length);
    expect(pids.filter(isAlive)).toEqual([]);
    const loops = spawnSync('losetup', ['--list', '--noheadings', '-O', 'NAME,BACK-FILE'], { encoding: 'utf8' }).stdout;
    expect(loops.split('\n').filter((line) => line.includes(`/${prefix}-`))).toEqual([]);
    const vgs = spawnSync('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } }).stdout;
    expect(vgs.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(prefix))).toEqual([]);
    const mounts = spawnSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' }).stdout;
    expect(mounts.split('\n').filter((line) => line.includes(`/${prefix}-`))).toEqual([]);
  });
});

/** PIDs from the PROCESS / PID / LOG table the demo prints once everything is started. */
function processPids(transcript: string): number[] {
  return transcript.split('\n').flatMap((line) => {
    const match = /^(\S+)\s+(\d+)\s+\/\S+\.log$/.exec(line.trim());
    return match ? [Number(match[2])] : [];
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
