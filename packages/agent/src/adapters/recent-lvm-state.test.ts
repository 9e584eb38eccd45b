import { describe, expect, it } from 'vitest';
import type { LvmState } from '@openlocal/lvm';
import { RecentLvmState } from './recent-lvm-state.js';

/** A distinct (empty) state per lvm read, so a test can tell which read an answer came from. */
function countingLvm(): { lvm: { readState: () => Promise<LvmState> }; reads: () => number } {
  let reads = 0;
  return {
    lvm: { readState: () => Promise.resolve({ vgs: [], pvs: [], lvs: [], read: (reads += 1) } as unknown as LvmState) },
    reads: () => reads,
  };
}

describe('RecentLvmState', () => {
  it('lets a probe check reuse the pass\'s report while it is recent', async () => {
    let nowMs = 1000;
    const counting = countingLvm();
    const recent = new RecentLvmState({ lvm: counting.lvm, maxAgeMs: 4000, now: () => nowMs });
    const passState = await recent.readState();
    nowMs += 4000;
    expect(await recent.readRecent()).toBe(passState);
    expect(counting.reads()).toBe(1);
  });

  it('reads lvm itself once the pass\'s report is older than maxAgeMs (passes stalled)', async () => {
    let nowMs = 1000;
    const counting = countingLvm();
    const recent = new RecentLvmState({ lvm: counting.lvm, maxAgeMs: 4000, now: () => nowMs });
    const passState = await recent.readState();
    nowMs += 4001;
    expect(await recent.readRecent()).not.toBe(passState);
    expect(counting.reads()).toBe(2);
  });

  it('reads lvm for the first probe check, before any pass', async () => {
    const counting = countingLvm();
    const recent = new RecentLvmState({ lvm: counting.lvm, maxAgeMs: 4000, now: () => 0 });
    await recent.readRecent();
    expect(counting.reads()).toBe(1);
  });

  it('always gives the pass a fresh report, however recent the last one', async () => {
    const counting = countingLvm();
    const recent = new RecentLvmState({ lvm: counting.lvm, maxAgeMs: 4000, now: () => 0 });
    const first = await recent.readState();
    expect(await recent.readState()).not.toBe(first);
    expect(counting.reads()).toBe(2);
  });
});
