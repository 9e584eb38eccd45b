// The whole status the agent writes: nodeStorageInfo plus filteredStorageInfo (listConfig applied), with
// problems the user must fix (invalid regex, malformed storage-reserved) as a readable reason. Also decides
// whether to write at all: only when something other than a timestamp changed, or when a heartbeat is due.
import { filterStorageInfo, type ListConfig, type NodeLocalStorageStatus, type NodeStorageInfo, type StorageReserve } from '@openlocal/crd-types';
import { isSameJson } from '@openlocal/kube-runtime';

export interface StatusInput {
  readonly info: NodeStorageInfo;
  readonly listConfig: ListConfig | undefined;
  readonly reserve: StorageReserve;
}

export interface ComposedStatus {
  /** Status without timestamps (lastHeartbeatTime, lastTransitionTime, lastUpdateTime). */
  readonly status: NodeLocalStorageStatus;
  /** Readable problems, also in filteredStorageInfo.updateStatusInfo.reason. */
  readonly problems: readonly { readonly kind: 'InvalidListConfig' | 'InvalidStorageReserved'; readonly message: string }[];
}

export function composeStatus(input: StatusInput): ComposedStatus {
  const filtered = filterStorageInfo(input.info, input.listConfig);
  const problems = [
    ...filtered.errors.map((e) => ({ kind: 'InvalidListConfig' as const, message: e.message })),
    ...input.reserve.errors.map((e) => ({ kind: 'InvalidStorageReserved' as const, message: e.message })),
  ];
  return {
    problems,
    status: {
      nodeStorageInfo: input.info,
      filteredStorageInfo: {
        volumeGroups: [...filtered.volumeGroups].sort(),
        mountPoints: [...filtered.mountPoints].sort(),
        devices: [...filtered.devices].sort(),
        updateStatusInfo: { updateStatus: problems.length === 0 ? 'accepted' : 'failed', reason: problems.map((p) => p.message).join('; ') },
      },
    },
  };
}

/** A status with its timestamps removed, for "did anything change?" comparisons. */
export function withoutTimestamps(status: NodeLocalStorageStatus | undefined): NodeLocalStorageStatus {
  const copy = structuredClone(status ?? {});
  if (copy.nodeStorageInfo?.state) {
    delete copy.nodeStorageInfo.state.lastHeartbeatTime;
    delete copy.nodeStorageInfo.state.lastTransitionTime;
  }
  delete copy.filteredStorageInfo?.updateStatusInfo?.lastUpdateTime;
  return copy;
}

export type WriteDecision = { readonly isWrite: false } | { readonly isWrite: true; readonly reason: 'changed' | 'heartbeat' | 'first'; readonly status: NodeLocalStorageStatus };

export interface WriteDecisionInput {
  readonly next: NodeLocalStorageStatus;
  /** What the API server holds (as last written by us, or as read). */
  readonly current: NodeLocalStorageStatus | undefined;
  readonly nowMs: number;
  /** When this process last wrote the status; undefined before the first write. */
  readonly lastWriteMs: number | undefined;
  readonly heartbeatMs: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether to write, and the status with timestamps to write (transition/update times move only on change). */
export function decideStatusWrite(input: WriteDecisionInput): WriteDecision {
  const { next, current, lastWriteMs } = input;
  const isChanged = !isSameJson(withoutTimestamps(next), withoutTimestamps(current));
  const isHeartbeatDue = lastWriteMs === undefined || input.nowMs - lastWriteMs >= input.heartbeatMs;
  if (!isChanged && !isHeartbeatDue) return { isWrite: false };
  const reason = isChanged ? 'changed' : lastWriteMs === undefined ? 'first' : 'heartbeat';
  return { isWrite: true, reason, status: stampTimes(next, current, iso(input.nowMs)) };
}

/** Heartbeat time is always now; transition and update times move only when what they describe changed. */
function stampTimes(next: NodeLocalStorageStatus, current: NodeLocalStorageStatus | undefined, now: string): NodeLocalStorageStatus {
  const status = structuredClone(next);
  const info = status.nodeStorageInfo;
  if (info) {
    const old = current?.nodeStorageInfo?.state;
    const isTransition = old?.type !== info.state?.type || old?.status !== info.state?.status;
    info.state = { ...info.state, lastHeartbeatTime: now, lastTransitionTime: isTransition ? now : (old?.lastTransitionTime ?? now) };
  }
  const update = status.filteredStorageInfo?.updateStatusInfo;
  if (update) {
    const strip = (s: NodeLocalStorageStatus | undefined) => withoutTimestamps({ filteredStorageInfo: s?.filteredStorageInfo }).filteredStorageInfo;
    const isFilteredChanged = !isSameJson(strip(next), strip(current));
    update.lastUpdateTime = isFilteredChanged ? now : (current?.filteredStorageInfo?.updateStatusInfo?.lastUpdateTime ?? now);
  }
  return status;
}
