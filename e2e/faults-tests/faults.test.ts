// Fault injection on the cluster rung (#16): a real control plane, and per simulated node (own loops, own LVM
// view) an agent, a csi-plugin and an external-provisioner --node-deployment, plus the controller and the
// scheduler extender behind kube-scheduler, all host processes kept running by a supervisor. During ≥100
// create/delete cycles of claims with pods, every daemon is killed with SIGKILL at seeded random moments (the seed
// is printed; OPENLOCAL_FAULT_SEED repeats a run) and kube-apiserver is restarted once in the middle. Then:
// every PV has its LV, every LV of ours has its PV or is reported as an orphan on its NLS, no VG is
// over-committed and each NLS agrees with lvm, no claim is stuck; and removal (switched on for one agent) takes
// the orphans of that node and nothing else.
import { appendFileSync } from 'node:fs';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { join } from 'node:path';
import { Lvm, createLocalExecutor } from '@openlocal/lvm';
import { hostSkipReason } from '@openlocal/lvm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyManifests, CONTROL_PLANE_TOOLS, createRunDir, freePorts, installCrds, openLocalCrds, missingToolsReason, restartApiServer, startCluster, waitFor, type Cluster,
} from '../cluster/index.js';
import {
  agentSpec, controllerSpec, csiPluginSpec, extenderSpec, initConfig, provisionerSpec, registerCsiNode, startExtenderAndScheduler, STORAGE_CLASS, storageObjects,
} from '../demo/components.js';
import { createNodeDisks, type NodeDisks } from '../demo/node-disks.js';
import { Claims } from '../faults/claims.js';
import { killsByKind, planFaults, type FaultPlan } from '../faults/fault-plan.js';
import { accountingProblems, pvsWithoutLv, unnamedLvs, unreportedOrphans, type NlsView, type NodeLv, type NodeVg } from '../faults/invariants.js';
import { nlsView, nodeLvs, nodeVgs } from '../faults/node-state.js';
import { Supervisor } from '../faults/supervisor.js';

const NODE_NAMES = ['node-a', 'node-b', 'node-c'];
const CYCLES = Number(process.env.OPENLOCAL_FAULT_CYCLES ?? 100);
const WORKERS = 6;
const SEED = Number(process.env.OPENLOCAL_FAULT_SEED ?? Date.now() % 2 ** 31);
const NAMESPACE = 'faults';
const RETAIN_CLASS = 'open-local-lvm-retain';
/** The agents' orphan grace in the suite (production default 600 s). */
const ORPHAN_GRACE_S = 4;
const BIND_TIMEOUT_MS = 120_000;

const skipReason = (await hostSkipReason()) ?? missingToolsReason([...CONTROL_PLANE_TOOLS, 'csi-provisioner']);
if (skipReason !== null) console.log(`e2e:faults skipped: ${skipReason}`);

/** What the run saw, for the checks and the printed summary. */
interface Outcome {
  bound: number;
  deletedEarly: number;
  kept: string[];
  stuck: string[];
  kills: string[];
  apiServerDownMs: number;
  cyclesMs: number;
  convergeMs: number;
  retainedOrphan: { node: string; lv: string };
  foreignLv: { node: string; vg: string; lv: string };
  final: { lvs: NodeLv[]; vgs: NodeVg[]; nls: NlsView[]; pvs: { name: string; node: string; volumeHandle: string; phase: string }[]; claims: Map<string, string> };
}

const out = (line: string): void => void process.stdout.write(`[faults] ${line}\n`);

describe.skipIf(skipReason !== null)('fault injection: kill -9 of every daemon and a kube-apiserver restart during create/delete cycles', () => {
  const nodes: NodeDisks[] = [];
  let cluster: Cluster | undefined;
  let supervisor: Supervisor | undefined;
  let outcome: Outcome | undefined;
  let setupError: unknown;
  const startedAt = performance.now();
  /** The run's outcome; a failed run fails every check with its error (not a silent skip). */
  const result = (): Outcome => {
    if (outcome === undefined) throw new Error('the fault run did not finish', { cause: setupError });
    return outcome;
  };

  beforeAll(async () => {
    try {
      const prefix = `olfault${process.pid}`;
      await createNodeDisks(NODE_NAMES, { prefix, onCreated: (disks) => void nodes.push(disks) });
      cluster = await startCluster({ nodes: NODE_NAMES.map((name) => ({ name })), scheduler: false, runDir: createRunDir('faults'), apiServerExtraArgs: ['--endpoint-reconciler-type=none'] });
      const runDir = cluster.runDir;
      const log = (line: string): void => appendFileSync(join(runDir, 'faults.log'), `${new Date().toISOString()} ${line}\n`);
      out(`seed ${SEED} (OPENLOCAL_FAULT_SEED=${SEED} repeats it); logs in ${runDir}`);
      const started = cluster;
      supervisor = new Supervisor({ start: (spec) => started.startProcess(spec), restartDelayMs: 300, log });
      const run: Run = { cluster, supervisor, nodes, log };
      await startDaemons(run, prefix);
      outcome = await runFaults(run);
    } catch (error) {
      setupError = error;
      out(`the run failed: ${(error as Error).stack ?? String(error)}`);
    }
  }, 600_000);

  afterAll(async () => {
    supervisor?.stop();
    await cluster?.stop();
    for (const node of nodes) await node.sandbox.cleanup();
    out(`total wall time ${((performance.now() - startedAt) / 1000).toFixed(0)} s (setup, cycles, checks, teardown)`);
  }, 120_000);

  it('ran every planned create/delete cycle (100 in CI) and killed every kind of daemon', () => {
    const o = result();
    expect(o.bound + o.deletedEarly + o.kept.length + o.stuck.length).toBeGreaterThanOrEqual(CYCLES);
    expect(Object.keys(killsByKind(o.kills)).sort()).toEqual(['agent', 'controller', 'csi-plugin', 'csi-provisioner', 'scheduler-extender']);
    expect(o.apiServerDownMs).toBeGreaterThan(0);
  });

  it('no claim is stuck: every claim that waited was bound, every deleted claim is gone, kept claims are Bound', () => {
    const o = result();
    expect(o.stuck).toEqual([]);
    expect([...o.final.claims].filter(([name, phase]) => !o.kept.includes(name) || phase !== 'Bound')).toEqual([]);
    expect([...o.final.claims.keys()].sort()).toEqual([...o.kept].sort());
  });

  it('every PV has its LV on its node, and only the kept claims still have PVs', () => {
    const o = result();
    expect(pvsWithoutLv(o.final.pvs, o.final.lvs)).toEqual([]);
    expect(o.final.pvs.filter((pv) => pv.phase !== 'Bound')).toEqual([]);
    expect(o.final.pvs).toHaveLength(o.kept.length);
  });

  it('every LV of ours has its PV or is reported as an orphan on its node\'s NLS; the hand-made LV is neither', () => {
    const o = result();
    const unnamed = unnamedLvs(o.final.lvs, o.final.pvs);
    expect(unreportedOrphans(unnamed, o.final.nls)).toEqual([]);
    expect(unnamed.map((lv) => `${lv.node}/${lv.name}`)).toContain(`${o.retainedOrphan.node}/${o.retainedOrphan.lv}`);
    const reported = o.final.nls.flatMap((view) => view.orphans.map((name) => `${view.node}/${name}`));
    expect(reported).not.toContain(`${o.foreignLv.node}/${o.foreignLv.lv}`);
    expect(reported.sort()).toEqual(unnamed.map((lv) => `${lv.node}/${lv.name}`).sort());
  });

  it('no VG is over-committed and every NLS agrees with lvm', () => {
    const o = result();
    expect(accountingProblems(o.final.vgs, o.final.lvs, o.final.nls)).toEqual([]);
  });

  it('with removal switched on, the agent removes its node\'s orphans and nothing else', async () => {
    const o = result();
    const node = nodes.find((n) => n.nodeName === o.retainedOrphan.node) as NodeDisks;
    const before = o.final.lvs.filter((lv) => lv.node === node.nodeName);
    const orphans = unnamedLvs(before, o.final.pvs).map((lv) => lv.name);
    const [port] = (await freePorts(1)) as [number];
    (supervisor as Supervisor).respawnWith(agentSpec(cluster as Cluster, node, { port, extraArgs: ['--orphan-grace', String(ORPHAN_GRACE_S), '--orphan-removal', '--orphan-removal-grace', '1'] }));
    const after = await waitFor({ what: `agent on ${node.nodeName} to remove orphans ${orphans.join(', ')}`, timeoutMs: 60_000, intervalMs: 500 }, async () => {
      const lvs = await nodeLvs(node);
      return lvs.some((lv) => orphans.includes(lv.name)) ? { done: false, observed: lvs.map((lv) => lv.name) } : { done: true, value: lvs };
    });
    out(`removal on ${node.nodeName}: removed ${orphans.length} orphan(s) (${orphans.join(', ')}); kept ${after.length} LV(s)`);
    expect(after.map((lv) => lv.name).sort()).toEqual(before.filter((lv) => !orphans.includes(lv.name)).map((lv) => lv.name).sort());
    expect(after.map((lv) => lv.name)).toContain(o.foreignLv.lv);
    const elsewhere = o.final.lvs.filter((lv) => lv.node !== node.nodeName);
    const stillElsewhere = (await Promise.all(nodes.filter((n) => n !== node).map(nodeLvs))).flat();
    expect(stillElsewhere.map((lv) => `${lv.node}/${lv.name}`).sort()).toEqual(elsewhere.map((lv) => `${lv.node}/${lv.name}`).sort());
  }, 90_000);
});

/** What the run's steps share. */
interface Run {
  readonly cluster: Cluster;
  readonly supervisor: Supervisor;
  readonly nodes: readonly NodeDisks[];
  readonly log: (line: string) => void;
}

/** Controller, agents, extender + kube-scheduler, and per node csi-plugin + provisioner, all supervised. */
async function startDaemons({ cluster, supervisor, nodes }: Run, prefix: string): Promise<void> {
  await installCrds(cluster.kubeConfig, await openLocalCrds());
  await applyManifests(cluster.kubeConfig, initConfig(nodes, prefix));
  const ports = (await freePorts(nodes.length + 1)) as number[];
  await supervisor.run(controllerSpec(cluster, ports[0] ?? 0));
  await Promise.all(nodes.map((node, index) => supervisor.run(agentSpec(cluster, node, { port: ports[index + 1] ?? 0, extraArgs: ['--orphan-grace', String(ORPHAN_GRACE_S)] }))));
  const { url } = await startExtenderAndScheduler(cluster, nodes, AbortSignal.timeout(120_000));
  const extender = cluster.processes().find((p) => p.name === 'scheduler-extender');
  if (extender === undefined) throw new Error('the extender process is missing');
  supervisor.adopt(extenderSpec(cluster, Number(new URL(url).port)), extender);
  await applyManifests(cluster.kubeConfig, [...storageObjects(), retainClass()]);
  for (const node of nodes) {
    await registerCsiNode(cluster, node);
    await supervisor.run(csiPluginSpec(node, url));
    await supervisor.run(provisionerSpec(cluster, node));
  }
}

function retainClass(): KubernetesObject {
  const [lvm] = storageObjects().filter((o) => o.kind === 'StorageClass');
  return { ...lvm, metadata: { name: RETAIN_CLASS }, reclaimPolicy: 'Retain' } as KubernetesObject;
}

async function runFaults({ cluster, supervisor, nodes, log }: Run): Promise<Outcome> {
  const claims = new Claims(cluster.kubeConfig, NAMESPACE);
  await claims.createNamespace();
  const retainedOrphan = await makeRetainedOrphan(claims);
  const foreignLv = await makeForeignLv(nodes.find((n) => n.nodeName === retainedOrphan.node) ?? (nodes[0] as NodeDisks));
  const plan = planFaults({
    seed: SEED, cycles: CYCLES, targets: supervisor.names(), minKillsEach: 2, extraKills: 8, earlyShare: 0.15, keepShare: 0.08, lastKillCycle: Math.floor(CYCLES * 0.9),
  });
  out(`plan: ${CYCLES} cycles by ${WORKERS} workers; ${plan.kills.length} kills over ${supervisor.names().length} daemons; ${plan.modes.filter((m) => m === 'delete-early').length} claims deleted early, ${plan.modes.filter((m) => m === 'keep').length} kept`);
  const cyclesStarted = performance.now();
  const run = await runCycles({ cluster, supervisor, claims, plan, log });
  const cyclesMs = performance.now() - cyclesStarted;
  for (const name of supervisor.names()) await supervisor.running(name, 60_000);
  const convergeStarted = performance.now();
  const final = await converge({ kubeConfig: cluster.kubeConfig, claims, nodes }, run.kept);
  const outcome: Outcome = { ...run, cyclesMs, convergeMs: performance.now() - convergeStarted, retainedOrphan, foreignLv, final };
  printSummary(outcome, supervisor);
  return outcome;
}

/** A claim in the Retain class, bound, then the claim and its PV deleted: its LV stays with no PV (a real orphan). */
async function makeRetainedOrphan(claims: Claims): Promise<{ node: string; lv: string }> {
  await claims.create('retained', 32, RETAIN_CLASS);
  const pvName = await claims.waitBound('retained', BIND_TIMEOUT_MS);
  if (pvName === undefined) throw new Error('the Retain claim was not bound');
  const pv = (await claims.driverPvs()).find((p) => p.name === pvName);
  if (pv === undefined) throw new Error(`PV ${pvName} is missing`);
  await claims.delete('retained');
  await claims.deletePv(pvName);
  return { node: pv.node, lv: pv.volumeHandle };
}

/** An LV without our tag in a managed VG (as an admin might make): never an orphan, never removed. */
async function makeForeignLv(node: NodeDisks): Promise<{ node: string; vg: string; lv: string }> {
  const executor = createLocalExecutor({ env: node.sandbox.env });
  await new Lvm({ executor, env: node.sandbox.env }).createLv({ vgName: node.vgName, name: 'admin-scratch', sizeBytes: 16 * 2 ** 20 });
  return { node: node.nodeName, vg: node.vgName, lv: 'admin-scratch' };
}

interface CycleRun {
  readonly cluster: Cluster;
  readonly supervisor: Supervisor;
  readonly claims: Claims;
  readonly plan: FaultPlan;
  readonly log: (line: string) => void;
}

async function runCycles(input: CycleRun): Promise<Pick<Outcome, 'bound' | 'deletedEarly' | 'kept' | 'stuck' | 'kills' | 'apiServerDownMs'>> {
  const { claims, plan, supervisor, log } = input;
  const result = { bound: 0, deletedEarly: 0, kept: [] as string[], stuck: [] as string[], kills: [] as string[], apiServerDownMs: 0 };
  const pending: Promise<void>[] = [];
  let nextCycle = 0;
  let nextKill = 0;
  const onCycleStart = (cycle: number): void => {
    for (; nextKill < plan.kills.length && (plan.kills[nextKill]?.afterCycle ?? Infinity) <= cycle; nextKill += 1) {
      const kill = plan.kills[nextKill];
      if (kill === undefined) continue;
      pending.push(new Promise((resolve) => setTimeout(resolve, kill.delayMs)).then(() => {
        if (supervisor.kill(kill.target)) result.kills.push(kill.target);
        log(`kill -9 ${kill.target} after cycle ${cycle}`);
      }));
    }
    if (cycle === Math.floor(CYCLES / 2)) {
      pending.push(restartApiServer(input.cluster, 2000).then((ms) => {
        result.apiServerDownMs = ms;
        out(`kube-apiserver restarted during cycle ${cycle}: API unavailable ${(ms / 1000).toFixed(1)} s`);
      }));
    }
    if (cycle % 20 === 0) out(`cycle ${cycle}/${CYCLES}: ${result.bound} bound, ${result.deletedEarly} deleted early, ${result.kills.length} kills so far`);
  };
  const worker = async (): Promise<void> => {
    while (nextCycle < CYCLES) {
      const cycle = nextCycle;
      nextCycle += 1;
      onCycleStart(cycle);
      await oneCycle({ claims, plan, result }, cycle);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  await Promise.all(pending);
  return result;
}

async function oneCycle({ claims, plan, result }: { claims: Claims; plan: FaultPlan; result: { bound: number; deletedEarly: number; kept: string[]; stuck: string[] } }, cycle: number): Promise<void> {
  const name = `c-${cycle}`;
  await claims.create(name, plan.sizesMiB[cycle] ?? 64, STORAGE_CLASS);
  const mode = plan.modes[cycle] ?? 'bind-then-delete';
  if (mode === 'delete-early') {
    await new Promise((resolve) => setTimeout(resolve, plan.earlyDelayMs[cycle] ?? 0));
    await claims.delete(name);
    result.deletedEarly += 1;
    return;
  }
  const pv = await claims.waitBound(name, BIND_TIMEOUT_MS);
  if (pv === undefined) {
    result.stuck.push(name);
    return;
  }
  if (mode === 'keep') {
    result.kept.push(name);
    return;
  }
  await claims.delete(name);
  result.bound += 1;
}

/**
 * Waits until the cluster settled (only kept claims left, each PV Bound, each deleted claim's PV gone, every NLS
 * matching lvm and listing every unnamed LV of ours as an orphan), then reads the final state. A timeout does
 * not throw: the checks then show what did not settle.
 */
async function converge({ kubeConfig, claims, nodes }: { kubeConfig: KubeConfig; claims: Claims; nodes: readonly NodeDisks[] }, kept: readonly string[]): Promise<Outcome['final']> {
  const read = async (): Promise<Outcome['final']> => {
    const [lvs, vgs, nls, pvs, phases] = await Promise.all([
      Promise.all(nodes.map(nodeLvs)).then((l) => l.flat()), Promise.all(nodes.map(nodeVgs)).then((v) => v.flat()),
      Promise.all(nodes.map((n) => nlsView(kubeConfig, n.nodeName))), claims.driverPvs(), claims.phases(),
    ]);
    return { lvs, vgs, nls, pvs, claims: phases };
  };
  let last = await read();
  await waitFor({ what: 'the cluster to settle after the faults', timeoutMs: 150_000, intervalMs: 1000 }, async () => {
    last = await read();
    const problems = [
      ...[...last.claims].filter(([name, phase]) => !kept.includes(name) || phase !== 'Bound').map(([name, phase]) => `claim ${name} ${phase}`),
      ...last.pvs.filter((pv) => pv.phase !== 'Bound').map((pv) => `PV ${pv.name} ${pv.phase}`),
      ...pvsWithoutLv(last.pvs, last.lvs), ...unreportedOrphans(unnamedLvs(last.lvs, last.pvs), last.nls), ...accountingProblems(last.vgs, last.lvs, last.nls),
    ];
    return problems.length === 0 ? { done: true, value: true } : { done: false, observed: problems.slice(0, 10) };
  }).catch((error: unknown) => out(`did not settle: ${(error as Error).message.slice(0, 2000)}`));
  return last;
}

function printSummary(o: Outcome, supervisor: Supervisor): void {
  const orphans = o.final.nls.flatMap((view) => view.orphans.map((name) => `${view.node}/${name}`));
  const exits = Object.entries(supervisor.counts()).map(([name, c]) => `${name} ${c.exits}`).join(', ');
  out(`cycles: ${o.bound + o.deletedEarly + o.kept.length + o.stuck.length} (${o.bound} bound then deleted, ${o.deletedEarly} deleted before binding, ${o.kept.length} kept, ${o.stuck.length} stuck) in ${(o.cyclesMs / 1000).toFixed(1)} s`);
  out(`kills (SIGKILL) by daemon kind: ${JSON.stringify(killsByKind(o.kills))}, ${o.kills.length} in all; kube-apiserver down ${(o.apiServerDownMs / 1000).toFixed(1)} s`);
  out(`restarts after any exit (a killed plugin also ends its provisioner): ${exits}`);
  out(`settled in ${(o.convergeMs / 1000).toFixed(1)} s: ${o.final.pvs.length} PVs, ${o.final.lvs.length} LVs, orphans reported ${orphans.length}: ${orphans.join(', ') || 'none'}`);
}
