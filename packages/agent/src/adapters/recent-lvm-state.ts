// One lvm report per interval for the pass and the disk probes together (#19). The probes only need which PVs
// make up each VG, and the pass reads lvm's whole report every interval anyway; at 50 VGs and 2000 LVs that
// report is ~200 ms of lvm, and a second one for the probes doubled the agent's lvm time. The pass always reads
// fresh and leaves its report here; a probe check reuses it while it is recent and reads its own otherwise (the
// first check, or passes stalled — for instance by the very hang the probes are there to see).
import type { CallOptions, Lvm, LvmState } from '@openlocal/lvm';

export interface RecentLvmStateOptions {
  readonly lvm: Pick<Lvm, 'readState'>;
  /** How old the pass's report may be for a probe check to reuse it. */
  readonly maxAgeMs: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

export class RecentLvmState {
  private last: { state: LvmState; atMs: number } | undefined;

  constructor(private readonly options: RecentLvmStateOptions) {}

  /** A fresh report (the pass's read), remembered for the probes. */
  async readState(options: CallOptions = {}): Promise<LvmState> {
    const state = await this.options.lvm.readState(options);
    this.last = { state, atMs: this.options.now() };
    return state;
  }

  /** The last report while it is at most maxAgeMs old, else a fresh one (the probes' read). */
  readRecent(): Promise<LvmState> {
    const last = this.last;
    if (last !== undefined && this.options.now() - last.atMs <= this.options.maxAgeMs) return Promise.resolve(last.state);
    return this.readState();
  }
}
