import { parseStorageReserved, type NodeLocalStorageStatus } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { composeStatus, decideStatusWrite, withoutTimestamps } from './agent-status.js';

const info = {
  deviceInfo: [{ name: '/dev/vdb', total: 1, readOnly: false }],
  volumeGroups: [{ name: 'pool-0', physicalVolumes: ['/dev/vdb'], total: 1, available: 1, allocatable: 1 }, { name: 'other', physicalVolumes: [], total: 1, available: 1, allocatable: 1 }],
  mountPoints: [],
  phase: 'Running' as const,
  state: { type: 'DiskReady' as const, status: 'True' as const, reason: '', message: '' },
};
const none = parseStorageReserved(undefined);

describe('composeStatus', () => {
  it('fills filteredStorageInfo from listConfig and accepts it', () => {
    const { status, problems } = composeStatus({ info, listConfig: { vgs: { include: ['pool-[0-9]+'] }, devices: { include: ['/dev/vd[a-z]'] } }, reserve: none });
    expect(problems).toEqual([]);
    expect(status.filteredStorageInfo).toEqual({ volumeGroups: ['pool-0'], mountPoints: [], devices: ['/dev/vdb'], updateStatusInfo: { updateStatus: 'accepted', reason: '' } });
  });

  it('turns an invalid regex into a readable reason and keeps the other lists', () => {
    const { status, problems } = composeStatus({ info, listConfig: { vgs: { include: ['pool-(['] }, devices: { include: ['/dev/vdb'] } }, reserve: none });
    expect(problems.map((p) => p.kind)).toEqual(['InvalidListConfig']);
    expect(status.filteredStorageInfo?.updateStatusInfo?.updateStatus).toBe('failed');
    expect(status.filteredStorageInfo?.updateStatusInfo?.reason).toContain('listConfig.vgs.include[0]');
    expect(status.filteredStorageInfo?.updateStatusInfo?.reason).toContain('pool-([');
    expect(status.filteredStorageInfo?.devices).toEqual(['/dev/vdb']);
  });

  it('reports a malformed storage-reserved annotation naming the VG and value', () => {
    const { problems, status } = composeStatus({ info, listConfig: undefined, reserve: parseStorageReserved('{"pool-0":"ten gigs"}') });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.kind).toBe('InvalidStorageReserved');
    expect(status.filteredStorageInfo?.updateStatusInfo?.reason).toMatch(/pool-0.*ten gigs/);
  });
});

describe('decideStatusWrite', () => {
  const next: NodeLocalStorageStatus = composeStatus({ info, listConfig: { vgs: { include: ['pool-0'] } }, reserve: none }).status;
  const written = decideStatusWrite({ next, current: undefined, nowMs: 1_000_000, lastWriteMs: undefined, heartbeatMs: 300_000 });
  const writtenStatus = written.isWrite ? written.status : {};

  it('writes the first status with heartbeat, transition and update times', () => {
    expect(written).toMatchObject({ isWrite: true, reason: 'changed' });
    expect(writtenStatus.nodeStorageInfo?.state).toMatchObject({ lastHeartbeatTime: '1970-01-01T00:16:40Z', lastTransitionTime: '1970-01-01T00:16:40Z' });
    expect(writtenStatus.filteredStorageInfo?.updateStatusInfo?.lastUpdateTime).toBe('1970-01-01T00:16:40Z');
  });

  it.each([
    { name: 'does not write an unchanged status before the heartbeat is due', nowMs: 1_299_999, change: false, want: false, reason: undefined },
    { name: 'writes a heartbeat when it is due even if nothing changed', nowMs: 1_300_000, change: false, want: true, reason: 'heartbeat' },
    { name: 'writes at once when something changed', nowMs: 1_000_001, change: true, want: true, reason: 'changed' },
  ])('$name', ({ nowMs, change, want, reason }) => {
    const candidate = structuredClone(next);
    if (change && candidate.nodeStorageInfo?.volumeGroups?.[0]) candidate.nodeStorageInfo.volumeGroups[0].allocatable = 0;
    const decision = decideStatusWrite({ next: candidate, current: writtenStatus, nowMs, lastWriteMs: 1_000_000, heartbeatMs: 300_000 });
    expect(decision.isWrite).toBe(want);
    if (decision.isWrite) expect(decision.reason).toBe(reason);
  });

  it('keeps the transition and update times on a heartbeat, moving only the heartbeat time', () => {
    const decision = decideStatusWrite({ next, current: writtenStatus, nowMs: 2_000_000, lastWriteMs: 1_000_000, heartbeatMs: 300_000 });
    expect(decision.isWrite && decision.status.nodeStorageInfo?.state).toMatchObject({ lastHeartbeatTime: '1970-01-01T00:33:20Z', lastTransitionTime: '1970-01-01T00:16:40Z' });
    expect(decision.isWrite && decision.status.filteredStorageInfo?.updateStatusInfo?.lastUpdateTime).toBe('1970-01-01T00:16:40Z');
  });

  it('ignores timestamps when comparing', () => {
    expect(withoutTimestamps(writtenStatus)).toEqual(withoutTimestamps(next));
  });
});
