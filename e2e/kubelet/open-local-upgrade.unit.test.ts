// What the Open-Local app pod printed, read back from kubelet's CRI log as the guest copies it to the share.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAppOutput } from './open-local-upgrade.js';

const pod = { namespace: 'ns', name: 'open-local-app', uid: '0f0e' };
let shareDir = '';

function writeLog(lines: string[]): void {
  shareDir = mkdtempSync(join(tmpdir(), 'open-local-app-log-'));
  const dir = join(shareDir, 'logs', 'pods', 'ns_open-local-app_0f0e', 'app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0.log'), lines.join('\n'));
}

afterEach(() => {
  if (shareDir !== '') rmSync(shareDir, { recursive: true, force: true });
  shareDir = '';
});

describe('readAppOutput', () => {
  it('reads the data line and every df size in KiB blocks as bytes, in order', () => {
    writeLog([
      '2026-12-03T18:00:00.1Z stdout F data: written-by-open-local-v071-00ff',
      '2026-12-03T18:00:00.2Z stdout F df: /dev/mapper/open--local--pool--1-local--x 59365 24 57293 0% /data',
      '2026-12-03T18:00:09.0Z stderr F df: /dev/sda 1 1 1 1% /elsewhere',
      '2026-12-03T18:00:10.2Z stdout F df: /dev/mapper/open--local--pool--1-local--x 91077 24 88901 0% /data',
    ]);
    expect(readAppOutput(shareDir, pod)).toEqual({ data: 'written-by-open-local-v071-00ff', dfBytes: [59365 * 1024, 91077 * 1024] });
  });

  it('has no data and no sizes before the pod printed anything (or before the log was copied)', () => {
    shareDir = mkdtempSync(join(tmpdir(), 'open-local-app-log-'));
    expect(readAppOutput(shareDir, pod)).toEqual({ data: null, dfBytes: [] });
  });
});
