// How a new LV is cleared of an earlier tenant's bytes: the whole LV is zeroed before CreateVolume answers. An LV
// carries UNZEROED_TAG from lvcreate until its zeroing finished, so a create interrupted at any point (a crash,
// a killed process) is finished by the retry, never handed out with old bytes.
import { LV_TAGS } from '@openlocal/crd-types';
import { OWNER_TAG } from './driver-info.js';

/** Set at lvcreate, removed once the whole LV reads as zeros (the agent never counts such an LV as an orphan). */
export const UNZEROED_TAG = LV_TAGS.zeroPending;

const MiB = 2 ** 20;
/** Slowest zeroing rate we wait for (a disk without write-zeroes offload, written page by page). */
const SLOWEST_BYTES_PER_SECOND = 16 * MiB;
const BASE_MS = 60_000;

/** Pure: the deadline of zeroing `sizeBytes`: a minute plus the time at the slowest rate we accept. */
export function zeroDeadlineMs(sizeBytes: number): number {
  return BASE_MS + Math.ceil(sizeBytes / SLOWEST_BYTES_PER_SECOND) * 1000;
}

const ZERO_FROM_PREFIX = `${OWNER_TAG}/zero-from=`;

/** Pure: the tag that marks an LV being grown from `fromBytes`, whose new tail is not zeroed yet. */
export function zeroFromTag(fromBytes: number): string {
  return `${ZERO_FROM_PREFIX}${fromBytes}`;
}

/** Pure: whether a tag is a grow's zero-from mark. */
export function isZeroFromTag(tag: string): boolean {
  return tag.startsWith(ZERO_FROM_PREFIX);
}

/** Pure: the lowest offset an unfinished grow left to zero, or null when none is pending. */
export function pendingZeroFrom(tags: readonly string[]): number | null {
  const offsets = tags.filter(isZeroFromTag).map((tag) => Number(tag.slice(ZERO_FROM_PREFIX.length)));
  const valid = offsets.filter((n) => Number.isSafeInteger(n) && n >= 0 && n % 512 === 0);
  return valid.length === 0 ? null : Math.min(...valid);
}
