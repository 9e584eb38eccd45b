// The keeper with in-memory lvm and PV sources (unit test): grace counted across passes, removal only when on,
// and the check right before removal reads lvm and the API again.
import { LV_TAGS } from '@openlocal/crd-types';
import type { LogicalVolume, LvmState } from '@openlocal/lvm';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GiB, lv, state } from '../core/test-data.js';
import { OrphanKeeper } from './orphan-keeper.js';

class Fixture {
  nowMs = 0;
  lvs: LogicalVolume[] = [lv('vg-a/local-1', GiB, { tags: [LV_TAGS.owner] }), lv('vg-a/local-2', GiB, { tags: [LV_TAGS.owner] })];
  cached = new Set<string>();
  fresh = new Set<string>();
  removed: string[] = [];
  registry = new Registry();
  keeper: OrphanKeeper;

  constructor(removalGraceMs: number | undefined, hasSynced = true) {
    const lvState = (): LvmState => state({ lvs: this.lvs });
    this.keeper = new OrphanKeeper({
      nodeName: 'node-a', registry: this.registry, logger: pino({ level: 'silent' }),
      clock: { now: () => this.nowMs, sleep: () => Promise.resolve(true) },
      policy: { graceMs: 10_000, removalGraceMs },
      pvs: { hasSynced, cachedHandles: () => this.cached, freshHandles: () => Promise.resolve(this.fresh) },
      lvm: {
        readState: () => Promise.resolve(lvState()),
        removeLv: (request) => {
          this.removed.push(request.name);
          this.lvs = this.lvs.filter((l) => l.name !== request.name);
          return Promise.resolve();
        },
      },
    });
  }

  async pass(): Promise<string[]> {
    await this.keeper.removeDue();
    return (this.keeper.review(state({ lvs: this.lvs }), ['vg-a']) ?? []).map((o) => o.name);
  }
}

describe('OrphanKeeper', () => {
  it('reports after the grace counted from the first pass that saw the LV unnamed, and sets the gauge', async () => {
    const f = new Fixture(undefined);
    expect(await f.pass()).toEqual([]);
    f.nowMs = 9_999;
    expect(await f.pass()).toEqual([]);
    f.nowMs = 10_000;
    expect(await f.pass()).toEqual(['local-1', 'local-2']);
    expect(await f.registry.getSingleMetricAsString('openlocal_agent_orphan_lvs')).toContain('openlocal_agent_orphan_lvs{nodename="node-a",vg="vg-a"} 2');
  });

  it('never removes with removal off', async () => {
    const f = new Fixture(undefined);
    await f.pass();
    f.nowMs = 1e9;
    await f.pass();
    await f.pass();
    expect(f.removed).toEqual([]);
  });

  it('removes when due, except an LV that a PV created since names (fresh read), though the cache missed it', async () => {
    const f = new Fixture(5_000);
    await f.pass();
    f.nowMs = 15_000;
    expect(await f.pass()).toEqual(['local-1', 'local-2']);
    f.fresh = new Set(['local-2']);
    f.nowMs = 16_000;
    // local-2 is kept and its grace starts again (the watch cache still lacks the PV; it will catch up).
    expect(await f.pass()).toEqual([]);
    expect(f.lvs.map((l) => l.name)).toEqual(['local-2']);
    expect(f.removed).toEqual(['local-1']);
    expect(await f.registry.getSingleMetricAsString('openlocal_agent_orphan_removals_total')).toContain('result="kept"} 1');
  });

  it('reports nothing until the PV watch has listed once', () => {
    const f = new Fixture(undefined, false);
    expect(f.keeper.review(state({ lvs: f.lvs }), ['vg-a'])).toBeUndefined();
  });
});
