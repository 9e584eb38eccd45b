// The fault suite's random choices, made from one printed seed so a failing run can be repeated: which daemon is
// killed after which cycle (every daemon at least `minKillsEach` times), which cycles delete their claim early
// (mid-provisioning) and which keep it to the end. Pure.

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One kill: after cycle `afterCycle` has started, wait `delayMs`, then `kill -9` daemon `target`. */
export interface KillEvent {
  readonly afterCycle: number;
  readonly delayMs: number;
  readonly target: string;
}

/** What a cycle does with its claim. */
export type CycleMode = 'bind-then-delete' | 'delete-early' | 'keep';

export interface FaultPlan {
  readonly kills: KillEvent[];
  readonly modes: CycleMode[];
  /** Milliseconds a delete-early cycle waits after creating its claim (0..3000), by cycle. */
  readonly earlyDelayMs: number[];
  /** Claim sizes in MiB, by cycle. */
  readonly sizesMiB: number[];
}

export interface FaultPlanInput {
  readonly seed: number;
  readonly cycles: number;
  readonly targets: readonly string[];
  readonly minKillsEach: number;
  /** Kills beyond minKillsEach × targets, on random targets. */
  readonly extraKills: number;
  /** Share of cycles that delete their claim before it is bound (0..1). */
  readonly earlyShare: number;
  /** Share of cycles that keep their claim to the end (0..1). */
  readonly keepShare: number;
  /** Kills fall between cycle 1 and this cycle (leave the tail of the run quiet). */
  readonly lastKillCycle: number;
}

const SIZES_MIB = [32, 64, 96, 128] as const;

/** Pure: the plan for one seed. Kills are sorted by cycle, then delay. */
export function planFaults(input: FaultPlanInput): FaultPlan {
  if (input.cycles < 1 || input.lastKillCycle < 1 || input.lastKillCycle > input.cycles) {
    throw new Error(`bad fault plan: cycles ${input.cycles}, lastKillCycle ${input.lastKillCycle}`);
  }
  const random = seededRandom(input.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const targets = [...input.targets.flatMap((t) => Array.from({ length: input.minKillsEach }, () => t)), ...Array.from({ length: input.extraKills }, () => pick(input.targets))];
  const kills = targets.map((target) => ({ target, afterCycle: 1 + Math.floor(random() * input.lastKillCycle), delayMs: Math.floor(random() * 2000) }));
  kills.sort((a, b) => a.afterCycle - b.afterCycle || a.delayMs - b.delayMs);
  const modes: CycleMode[] = [];
  const earlyDelayMs: number[] = [];
  const sizesMiB: number[] = [];
  for (let cycle = 0; cycle < input.cycles; cycle += 1) {
    const roll = random();
    modes.push(roll < input.earlyShare ? 'delete-early' : roll < input.earlyShare + input.keepShare ? 'keep' : 'bind-then-delete');
    earlyDelayMs.push(Math.floor(random() * 3000));
    sizesMiB.push(pick(SIZES_MIB));
  }
  return { kills, modes, earlyDelayMs, sizesMiB };
}

/** Pure: kills per daemon kind (`agent-node-a` → `agent`), for the summary. */
export function killsByKind(targets: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const target of targets) {
    const kind = target.replace(/-node-[a-z0-9]+$/, '');
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
