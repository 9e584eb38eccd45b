// Test doubles for the Executor port, published as '@openlocal/lvm/testing'. Unit tests replay outputs that
// were recorded from the real lvm (see test/fixtures); they never invent lvm output by hand.
import type { ExecOptions, ExecResult, Executor } from './executor.js';

/** One recorded command and what it returned. Fixture files hold these plus the lvm version. */
export interface Recording {
  argv: string[];
  result: ExecResult;
}

/** A fixture file: the lvm version it came from and the recordings, in call order. */
export interface RecordingFixture {
  lvmVersion: string;
  capturedBy: string;
  recordings: Recording[];
}

/** Wraps a real executor and keeps every call and result, to store as a fixture. */
export function createRecordingExecutor(inner: Executor): Executor & { readonly recordings: Recording[] } {
  const recordings: Recording[] = [];
  return {
    recordings,
    async run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
      const result = await inner.run(argv, options);
      recordings.push({ argv: [...argv], result });
      return result;
    },
  };
}

/**
 * Answers calls from recordings. A call whose argv matches no unused recording fails the test loudly with the
 * argv it got, so a changed command line cannot silently reuse stale output. `calls` lists what was asked.
 */
export function createReplayExecutor(recordings: readonly Recording[]): Executor & { readonly calls: string[][] } {
  const unused = [...recordings];
  const calls: string[][] = [];
  return {
    calls,
    run(argv: readonly string[]): Promise<ExecResult> {
      calls.push([...argv]);
      const index = unused.findIndex((r) => sameArgv(r.argv, argv));
      if (index < 0) {
        return Promise.reject(new Error(`no recording for argv ${JSON.stringify(argv)}`));
      }
      const [match] = unused.splice(index, 1);
      return Promise.resolve(structuredClone(match!.result));
    },
  };
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

export { createHostSandbox, hasDeviceMapper, hostSkipReason, mountsUnder, uniqueVg, type HostSandbox, type HostSandboxOptions } from './host-sandbox.js';
